"""ITU-T procedural choices a study group makes: the approval track, Question consultations, discontinuation.

Res. 1 §8.1.1: texts on numbering, addressing, tariff, charging and accounting follow TAP, others
AAP; the selection may be changed by consensus of the Member States and Sector Members present,
failing which by a vote of Member States (§1.13), at any time up to the decision to put the text
into Last Call (§8.3), on a written proposal that another member seconds. Res. 1 §7.2.3: when
support exists but consensus on a Question fails, the study group *may* request a consultation
of Member States. Teleanu 2021 (line 1148): the facial-recognition item was switched to TAP and
then discontinued after "several rounds" of discussion.
"""

from __future__ import annotations

import numpy as np

from sdo_sim.population import ABSENT, NO, YES
from sdo_sim.rules import Decision

_MAJORITY_TEXT = {
    True: "{yes} Member States for and {no} against: a majority of the votes cast ({clause}).",
    False: "{yes} Member States for and {no} against: no majority of the votes cast ({clause}).",
}
_DISCONTINUED = "The study group discontinues the work item after {attempts} failed attempts ({clause})."


def majority_decision(yes: int, no: int, clause: str) -> Decision:
    """A vote of Member States present by a simple majority of votes cast (Res. 1 §1.13); a tie fails."""
    approved = yes > no
    outcome = "approved" if approved else "not-approved"
    return Decision(approved, outcome, _MAJORITY_TEXT[approved], {"yes": yes, "no": no}, {"clause": clause})


def switch_proposed(
    sensitive: bool, states: np.ndarray, stance: np.ndarray, declaration: float, rolls: np.ndarray
) -> bool:
    """Whether a Member State present who opposes a text with policy implications proposes TAP
    (chance `declaration` each, Res. 1 §8.3 via A.8 §5.2) and another member present opposing seconds it."""
    if not sensitive:
        return False
    opposing = stance == NO
    proposers = opposing & states & (rolls < declaration)
    return bool(proposers.any()) and int(opposing.sum()) >= 2


def switch_call(stance: np.ndarray) -> tuple[int, int]:
    """(against the switch, present): those who back the text prefer to keep the faster AAP."""
    present = int((stance != ABSENT).sum())
    return int((stance == YES).sum()), present


def discontinuation(attempts: int) -> Decision:
    """The study group's explicit decision to stop a work item (Teleanu 2021, line 1148)."""
    counts = {"attempts": attempts}
    return Decision(False, "discontinued", _DISCONTINUED, counts, {"clause": "Teleanu 2021, line 1148"})
