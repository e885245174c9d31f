"""Bargaining among the holders of a package's essential patents (He 2022, lines 259-261, 540).

He 2022 credits the 2016 split of the eMBB channel codes to "bargaining and compromising (such as
between big companies including Qualcomm, Huawei, Samsung and Ericsson over business interests
instead of geopolitical concerns)" (line 540): Qualcomm, Ericsson and Samsung, who hold Polar patents
too, "could accept" Polar for control (line 259); Huawei "accepted" LDPC for data because it held
LDPC patents (line 261). The outcome is a compromise the big holders each accept, traded across the
items, not a head count of a room where each holder is one voice among hundreds.

So, where a venue lets holders bargain (`holders_bargain`), the open work items sharing a `package`
tag whose alternatives declare essential patents (`ipr`) are decided as one package:

- the holders of the package's patents (every member with a share in any alternative: a case file
  declares the holders it means) judge on their own business interest, not on their bloc's line
  ("instead of geopolitical concerns", line 540): they act on their own utilities;
- a holder present whose regret for a package (its best utility less the package's, per item,
  averaged by `stakes` as the chair's broker weighs it) exceeds `objection_threshold` sustains its
  objection, and the chair finds no consensus on that package however few heads object;
- the chair proposes the package no holder objects to that the fewest present object to, and calls
  consensus on it with the venue's tolerance (`work_items.broker`); failing that, the items go on as
  any item without consensus (a 3GPP vote on request, else the next meeting).

The mechanism is the source's; that a holder's sustained objection blocks consensus outright is the
model's reading of "compromising" (*assumed*: the 3GPP Working Procedures' text on consensus could not
be retrieved, research/rules_primary.md §3). docs/ODD.md 7.2, "Work items".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.rules import Decision

if TYPE_CHECKING:
    from sdo_sim.work_items import Reading

CLAUSE = "He 2022, line 540"

_HELD_OUT = (
    "{against} of {present} present opposed, and {holders_objecting} holder(s) of the package's "
    "essential patents ({names}) sustain an objection: no consensus without them ({clause})."
)


def package_holders(group: list[Reading]) -> np.ndarray:
    """Positions, in the readings' member order, of the members holding patents of any alternative
    of the package (He 2022, lines 259-261, 540)."""
    position = {int(i): k for k, i in enumerate(group[0].idx)}
    held = {i for reading in group for shares in reading.item.ipr for i, share in shares.items() if share > 0}
    return np.array(sorted(position[i] for i in held if i in position), dtype=np.int64)


def on_business(reading: Reading, holders: np.ndarray) -> Reading:
    """The reading with the holders acting on their own utilities, not their bloc's line (He 2022,
    line 540: "business interests instead of geopolitical concerns")."""
    if reading.own is None or not len(holders):
        return reading
    acted = reading.acted.copy()
    acted[:, holders] = reading.own[:, holders]
    return type(reading)(reading.item, reading.idx, acted, reading.present, reading.own)


def objecting_holders(
    regret: np.ndarray, present: np.ndarray, holders: np.ndarray, threshold: float
) -> np.ndarray:
    """The holders present whose regret for a package exceeds the objection threshold (He 2022,
    lines 259-261: a holder "could accept", or not, a code by its own patents)."""
    return holders[present[holders] & (regret[holders] > threshold)]


def held_out(against: int, present: int, names: list[str]) -> Decision:
    """No consensus while a holder of the package's patents sustains its objection, whatever the
    share of the room against (He 2022, line 540)."""
    counts = {"against": against, "present": present, "holders_objecting": len(names)}
    extra = {"names": ", ".join(names), "clause": CLAUSE}
    return Decision(False, "sustained-objection", _HELD_OUT, counts, extra)
