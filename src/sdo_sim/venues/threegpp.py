"""A 3GPP Technical Specification Group: work item → drafting → approval by consensus, a 71 % vote
only when a member asks for one; chair and vice-chairs elected every two years (elections.py).

Individual Members vote; a firm holding several memberships through subsidiaries casts one vote
per membership unless the `3gpp.vote` rule's `affiliates` parameter says one per group.
"""

from __future__ import annotations

import numpy as np

from sdo_sim import elections
from sdo_sim.population import ABSENT, YES
from sdo_sim.proposals import Proposal
from sdo_sim.rules import Decision, threegpp
from sdo_sim.venues.base import Venue, chair_judgement, consensus_decision, tally

MIN_SUPPORTERS = 4  # Teleanu 2021, line 1673: each new work item needs at least four supporting members
_WORK_ITEM_CLAUSE = "3GPP WP Art. 39; Teleanu 2021, line 1673"
_APPROVAL_CLAUSE = "3GPP WP Art. 25; Teleanu 2021, line 1673"
_WORK_ITEM_TEXT = {
    "work-item-approved": (
        "{supporters} members support the work item, at least the {minimum} needed, and {objecting} of "
        "{present} present object, within the {tolerance} tolerated: no substantial objection ({clause})."
    ),
    "too-few-supporters": (
        "Only {supporters} members support the work item, under the {minimum} needed ({clause})."
    ),
    "substantial-objection": (
        "{objecting} of {present} present object to the work item, over the {tolerance} tolerated: a "
        "substantial objection ({clause})."
    ),
}


def work_item_decision(supporters: int, objecting: int, present: int, tolerance: float) -> Decision:
    """A new work item: at least four supporting members and no substantial objection (Teleanu 2021,
    line 1673); an objection is substantial when the objectors' share of those present exceeds the
    chair's tolerance."""
    if supporters < MIN_SUPPORTERS:
        outcome = "too-few-supporters"
    elif present and objecting / present > tolerance:
        outcome = "substantial-objection"
    else:
        outcome = "work-item-approved"
    counts = {"supporters": supporters, "minimum": MIN_SUPPORTERS, "objecting": objecting, "present": present}
    extra = {"tolerance": f"{tolerance:.0%}", "clause": _WORK_ITEM_CLAUSE}
    return Decision(outcome == "work-item-approved", outcome, _WORK_ITEM_TEXT[outcome], counts, extra)


class TechnicalSpecificationGroup(Venue):
    """Decisions at quarterly plenaries; chair and vice-chairs elected every two years (WP Art. 22, 28)."""

    kind = "3gpp"
    agenda_stages = frozenset({"drafting"})

    def weights(self, idx: np.ndarray) -> np.ndarray:
        """Votes per member: its Individual Memberships, or one per group (`affiliates`)."""
        if self.params("3gpp.vote")["affiliates"] == "one-per-group":
            return np.ones(len(idx), dtype=np.int64)
        return self.model.population.subsidiaries[idx]

    def start(self, proposal: Proposal, week: int) -> None:
        """Four supporting Individual Members and no substantial objection (Teleanu 2021, line 1673)."""
        utility, stance = self.stances(self.members, proposal)
        self.commit(proposal, utility, stance, self.members)
        support = (stance == YES) & (utility > self.model.scenario.positions.support_threshold)
        supporters = int(self.weights(self.members)[support].sum())
        objecting = (stance != ABSENT) & (utility < -self.model.scenario.positions.objection_threshold)
        delegates = self.model.population.delegates[self.members]
        present = int(delegates[stance != ABSENT].sum())
        tolerance = self.call_tolerance(self.members, stance)
        decision = work_item_decision(supporters, int(delegates[objecting].sum()), present, tolerance)
        self.record(proposal, week, "work-item", "3gpp.work-item", decision, self.members, stance)
        if decision.approved:
            proposal.stage, proposal.drafting_left = "drafting", self.spec.drafting_meetings
        else:
            self.finish(proposal, week, decision.outcome, False)

    def at_meeting(self, proposal: Proposal, week: int) -> None:
        if proposal.stage == "drafting":
            self.draft(proposal, week, self.approve)

    def approve(self, proposal: Proposal, week: int) -> None:
        """Consensus first; failing it, a 71 % vote only if a member asks for one (`vote_request`),
        else the text goes back (Teleanu 2021, line 1673: "a vote can be taken")."""
        _, stance = self.stances(self.members, proposal)
        against, present, _ = self.opposition_share(self.members, stance)
        tolerance = self.call_tolerance(self.members, stance)
        consensus = chair_judgement(against, present, tolerance) == "consensus"
        if consensus or self.model.rng.random() < self.spec.vote_request:
            yes, no, _ = tally(stance, self.weights(self.members))
            decision = threegpp.tsg_vote(yes, no, consensus, threshold=self.params("3gpp.vote")["threshold"])
            self.record(proposal, week, "approval", "3gpp.vote", decision, self.members, stance)
        else:
            decision = consensus_decision(against, present, tolerance, _APPROVAL_CLAUSE)
            self.record(proposal, week, "approval", "chair-consensus", decision, self.members, stance)
        if decision.approved:
            self.finish(proposal, week, "approved", True)
        else:
            self.retry_or_finish(proposal, week, decision.outcome, "drafting")

    def meeting(self, week: int) -> None:
        """Elections fall due every `election_interval_weeks` (the first posts serve a full term)."""
        every = self.spec.election_interval_weeks
        due = getattr(self, "next_election", self.spec.first_meeting_week + every)
        if every and week >= due and len(self.members) > 1:
            self.next_election = due + every * (1 + (week - due) // every)
            elections.hold(self, week)
        super().meeting(week)


__all__ = ["ABSENT", "TechnicalSpecificationGroup", "work_item_decision"]
