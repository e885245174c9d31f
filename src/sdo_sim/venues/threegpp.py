"""A 3GPP Technical Specification Group: work item → drafting → approval by consensus or a 71 % vote.

Individual Members vote; a firm holding several memberships through subsidiaries casts one vote
per membership unless the `3gpp.vote` rule's `affiliates` parameter says one per group.
"""

from __future__ import annotations

import numpy as np

from sdo_sim.population import ABSENT, YES
from sdo_sim.proposals import Proposal
from sdo_sim.rules import threegpp
from sdo_sim.venues.base import Venue, chair_judgement, support_decision, tally

MIN_SUPPORTERS = 4  # Teleanu 2021, line 1673: each new work item needs at least four supporting members
CANDIDATES = 3


class TechnicalSpecificationGroup(Venue):
    """Decisions at quarterly plenaries; chairs elected every two years (WP Art. 22, 28)."""

    kind = "3gpp"
    agenda_stages = frozenset({"drafting"})

    def weights(self, idx: np.ndarray) -> np.ndarray:
        """Votes per member: its Individual Memberships, or one per group (`affiliates`)."""
        if self.params("3gpp.vote")["affiliates"] == "one-per-group":
            return np.ones(len(idx), dtype=np.int64)
        return self.model.population.subsidiaries[idx]

    def start(self, proposal: Proposal, week: int) -> None:
        """A work item needs at least four supporting Individual Members (Teleanu 2021, line 1673)."""
        utility, stance = self.stances(self.members, proposal)
        self.commit(proposal, utility, stance, self.members)
        support = (stance == YES) & (utility > self.model.scenario.positions.support_threshold)
        supporters = int(self.weights(self.members)[support].sum())
        decision = support_decision(
            supporters, MIN_SUPPORTERS, "3GPP WP Art. 39; Teleanu 2021, line 1673", "work-item-approved"
        )
        self.record(proposal, week, "work-item", "3gpp.work-item", decision, self.members, stance)
        if decision.approved:
            proposal.stage, proposal.drafting_left = "drafting", self.spec.drafting_meetings
        else:
            self.finish(proposal, week, decision.outcome, False)

    def at_meeting(self, proposal: Proposal, week: int) -> None:
        if proposal.stage == "drafting":
            self.draft(proposal, week, self.approve)

    def approve(self, proposal: Proposal, week: int) -> None:
        """Consensus first; failing it, ≥ 71 % of votes cast (Teleanu 2021, line 1673)."""
        _, stance = self.stances(self.members, proposal)
        weight = self.weights(self.members)
        yes, no, _ = tally(stance, weight)
        against, present, _ = self.opposition_share(self.members, stance)
        consensus = (
            chair_judgement(against, present, self.call_tolerance(self.members, stance)) == "consensus"
        )
        params = self.params("3gpp.vote")
        decision = threegpp.tsg_vote(yes, no, consensus, threshold=params["threshold"])
        self.record(proposal, week, "approval", "3gpp.vote", decision, self.members, stance)
        if decision.approved:
            self.finish(proposal, week, "approved", True)
        else:
            self.retry_or_finish(proposal, week, decision.outcome, "drafting")

    def meeting(self, week: int) -> None:
        """Elections fall due every `election_interval_weeks` (the first chair serves a full term)."""
        every = self.spec.election_interval_weeks
        due = getattr(self, "next_election", self.spec.first_meeting_week + every)
        if every and week >= due and len(self.members) > 1:
            self.next_election = due + every * (1 + (week - due) // every)
            self.elect_chair(week)
        super().meeting(week)

    def elect_chair(self, week: int) -> None:
        """Secret ballot among the most active members' candidates (WP Art. 28)."""
        model, pop = self.model, self.model.population
        ranked = self.members[np.argsort(-pop.contributions[self.members], kind="stable")]
        candidates: list[int] = []
        for actor in ranked.tolist():  # the most active member of each bloc, most active first
            if all(pop.bloc[actor] != pop.bloc[c] for c in candidates):
                candidates.append(actor)
            if len(candidates) == CANDIDATES:
                break
        if len(candidates) < 2:
            return
        names = [pop.names[c] for c in candidates]
        rounds: list[dict[str, int]] = []
        standing = list(candidates)
        decision = None
        for _ in range(3):
            rounds.append(self._ballot(standing))
            decision = threegpp.election(rounds, names, **self.params("3gpp.election"))
            if decision.outcome != "next-round":
                break
            if len(rounds) == 2:
                finalists = threegpp.round3_finalists(rounds[1])
                standing = [c for c in standing if pop.names[c] in finalists]
        assert decision is not None
        self.record(None, week, "election", "3gpp.election", decision)
        if decision.winner is not None:
            winner, former = candidates[names.index(decision.winner)], self.chair
            if winner in self.posts:  # the new chair's post passes to the former chair
                self.posts[self.posts.index(winner)] = former if former is not None else winner
            self.chair = winner
            model.posts_changed()

    def _ballot(self, standing: list[int]) -> dict[str, int]:
        """One round: each member present votes for the candidate closest to it (bloc affinity helps)."""
        model, pop = self.model, self.model.population
        voters = self.members[pop.present(self.members, model.rng)]
        weight = self.weights(voters)
        appeal = np.stack(
            [
                -np.linalg.norm(pop.ideal[voters] - pop.ideal[c], axis=1)
                + pop.affinity[pop.bloc[voters], pop.bloc[c]]
                + model.scenario.positions.noise * model.rng.standard_normal(len(voters))
                for c in standing
            ]
        )
        choice = np.argmax(appeal, axis=0)
        return {pop.names[c]: int(weight[choice == k].sum()) for k, c in enumerate(standing)}


__all__ = ["ABSENT", "TechnicalSpecificationGroup"]
