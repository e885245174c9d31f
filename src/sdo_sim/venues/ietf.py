"""An IETF working group: Internet-Draft → WG adoption → WG Last Call → IETF Last Call → IESG → RFC.

No votes in the WG: the chair judges rough consensus over unaddressed technical objections
(RFC 2418 §3.3, RFC 7282). Area Directors ballot on the IESG.
"""

from __future__ import annotations

import numpy as np

from sdo_sim.population import ABSENT, NO, YES
from sdo_sim.proposals import Proposal
from sdo_sim.rules import ietf
from sdo_sim.venues.base import Venue

DRAFT_WEEKS = 2  # RFC 2026 §6.1.1: an Internet-Draft for at least two weeks
WGLC_WEEKS = 2
LAST_CALL_WEEKS = 2  # RFC 2026 §6.1.2, a working group document


class WorkingGroup(Venue):
    """Participants raise objections; the chair weighs whether each has been addressed."""

    kind = "ietf"
    agenda_stages = frozenset({"wg-draft"})

    def proponent_pool(self) -> np.ndarray:
        return self.of_class("participant")

    def start(self, proposal: Proposal, week: int) -> None:
        proposal.stage = "individual-draft"
        proposal.sponsors = [proposal.proponent]
        self.later(week + DRAFT_WEEKS, self.consensus_call, proposal, "adoption")

    def at_meeting(self, proposal: Proposal, week: int) -> None:
        if proposal.stage == "wg-draft":
            self.draft(proposal, week, self.last_call_in_wg)

    def last_call_in_wg(self, proposal: Proposal, week: int) -> None:
        proposal.stage = "wg-last-call"
        self.later(week + WGLC_WEEKS, self.consensus_call, proposal, "wg-last-call")

    def consensus_call(self, proposal: Proposal, week: int, stage: str) -> None:
        """Rough consensus: unaddressed technical objections block, head counts do not (RFC 7282)."""
        participants = self.of_class("participant")
        utility, stance = self.stances(participants, proposal)
        objecting = (stance != ABSENT) & (utility < -self.model.scenario.positions.objection_threshold)
        objections = int(objecting.sum())
        # The better the text, the likelier the WG answers an objection (RFC 7282 §3).
        resolution = self.spec.objection_resolution
        answered = resolution + (1.0 - resolution) * proposal.quality
        unaddressed = int((self.model.rng.random(objections) >= answered).sum())
        decision = ietf.wg_rough_consensus(unaddressed, objections, objections)
        # In the positions table: objectors "no", others who took part "yes" (silence approves).
        comments = np.where(objecting, NO, np.where(stance == ABSENT, ABSENT, YES)).astype(np.int8)
        self.record(proposal, week, stage, "ietf.wg", decision, participants, comments)
        if not decision.approved:
            if stage == "adoption":
                self.finish(proposal, week, "not-adopted", False)
            else:
                self.retry_or_finish(proposal, week, decision.outcome, "wg-draft")
        elif stage == "adoption":
            proposal.stage, proposal.drafting_left = "wg-draft", self.spec.drafting_meetings
        else:
            params = self.params("ietf.last-call")
            weeks = max(LAST_CALL_WEEKS, -(-params["wg_minimum_days"] // 7))  # never shorter than the rule
            decision = ietf.last_call(7 * weeks, True, False, None, **params)
            self.record(proposal, week, "ietf-last-call", "ietf.last-call", decision)
            proposal.stage = "ietf-last-call"
            self.later(week + weeks, self.iesg_ballot, proposal)

    def iesg_ballot(self, proposal: Proposal, week: int) -> None:
        """Each Area Director ballots YES, NO OBJECTION, DISCUSS, ABSTAIN or RECUSE."""
        ads = self.of_class("area-director")
        if not len(ads):
            self.finish(proposal, week, "no-iesg", False)
            return
        positions = self.model.scenario.positions
        utility, stance = self.stances(ads, proposal, attend=None)
        recuse = ads == proposal.proponent
        yes = (utility > positions.support_threshold) & ~recuse
        discuss = (stance == NO) & (utility < -positions.objection_threshold) & ~recuse
        abstain = (stance == NO) & ~discuss & ~recuse
        no_objection = ~(yes | discuss | abstain | recuse)
        decision = ietf.iesg_ballot(
            int(yes.sum()),
            int(no_objection.sum()),
            int(discuss.sum()),
            int(recuse.sum()),
            len(ads),
            True,
            **self.params("ietf.iesg"),
        )
        self.record(proposal, week, "iesg", "ietf.iesg", decision, ads, stance)
        if decision.approved:
            self.finish(proposal, week, "published-rfc", True)
        else:
            self.retry_or_finish(proposal, week, decision.outcome, "wg-draft")
