"""An ISO/IEC technical committee: NP → committee drafts → DIS → FDIS → publication (Directives Part 1)."""

from __future__ import annotations

import numpy as np

from sdo_sim.population import ABSENT
from sdo_sim.proposals import Proposal
from sdo_sim.rules import iso
from sdo_sim.venues.base import Venue, chair_judgement, tally

NP_WEEKS, DIS_WEEKS, FDIS_WEEKS = 12, 12, 8  # §2.3.4, §2.6.1, §2.7.1


class TechnicalCommittee(Venue):
    """P-members vote on NPs and CDs; every national body may vote on DIS and FDIS (§1.7.1)."""

    kind = "iso"
    agenda_stages = frozenset({"CD"})

    def refresh(self) -> None:
        super().refresh()
        members = set(self.members.tolist())
        delegations = [a.index for a in self.model.actor_list if a.kind == "delegation"]
        self.others = np.array([i for i in delegations if i not in members], dtype=np.int64)
        if not hasattr(self, "record_book"):
            self.record_book: dict[int, list[int]] = {}  # actor → [cib ballots, cib missed, enquiry missed]
            self.demoted: dict[int, int] = {}  # actor → week demoted (may regain P-status 12 months on)

    def proponent_pool(self) -> np.ndarray:
        return self.of_class("P")

    def start(self, proposal: Proposal, week: int) -> None:
        proposal.stage = "NP"
        self.later(week + NP_WEEKS, self.close_np, proposal)

    def close_np(self, proposal: Proposal, week: int) -> None:
        p_members = self.of_class("P")
        utility, stance = self.stances(p_members, proposal, attend=None)
        self._returned(p_members, stance)
        self._note(p_members, stance, enquiry=False)
        yes, no, _ = tally(stance)
        experts = self.commit(proposal, utility, stance, p_members)
        decision = iso.np_ballot(yes, no, experts, max(len(p_members), yes + no), **self.params("iso.np"))
        self.record(proposal, week, "NP", "iso.np", decision, p_members, stance)
        if decision.approved:
            proposal.stage, proposal.drafting_left = "CD", self.spec.drafting_meetings
        else:
            self.finish(proposal, week, decision.outcome, False)

    def at_meeting(self, proposal: Proposal, week: int) -> None:
        if proposal.stage == "CD":
            self.draft(proposal, week, self.committee_draft)

    def committee_draft(self, proposal: Proposal, week: int) -> None:
        """Committee stage: the chair judges consensus; in doubt, ⅔ of P-members voting (§2.5.6)."""
        p_members = self.of_class("P")
        _, stance = self.stances(p_members, proposal)
        yes, no, abstain = tally(stance)
        judgement = chair_judgement(no, yes + no + abstain, self.call_tolerance(p_members, stance))
        decision = iso.cd_consensus(yes, no, judgement, **self.params("iso.cd"))
        self.record(proposal, week, "CD", "iso.cd", decision, p_members, stance)
        if decision.approved:
            proposal.stage = "DIS"
            self.later(week + DIS_WEEKS, self.close_enquiry, proposal, "DIS")
        else:
            self.retry_or_finish(proposal, week, decision.outcome, "CD")

    def close_enquiry(self, proposal: Proposal, week: int, stage: str) -> None:
        """DIS or FDIS: all national bodies may vote; the ⅔ test counts P-members only (§2.6.3, §2.7.3)."""
        p_members, o_members = self.of_class("P"), self.of_class("O")
        voters = np.concatenate([p_members, o_members, self.others])
        _, stance = self.stances(voters, proposal, attend=None)
        pop, n_p = self.model.population, len(p_members)
        chance = pop.attendance[voters].copy()
        chance[:n_p] = self._return_chance(p_members)  # P-members are obliged to vote (§1.7.1)
        chance[n_p + len(o_members) :] *= self.spec.nonmember_participation
        stance[self.model.rng.random(len(voters)) >= chance] = ABSENT
        p_stance = stance[:n_p]
        self._note(p_members, p_stance, enquiry=True)
        p_yes, p_no, _ = tally(p_stance)
        all_yes, all_no, _ = tally(stance)
        rule = iso.dis_vote if stage == "DIS" else iso.fdis_vote
        procedure = "iso.dis" if stage == "DIS" else "iso.fdis"
        decision = rule(p_yes, p_no, all_yes, all_no, **self.params(procedure))
        self.record(proposal, week, stage, procedure, decision, voters, stance)
        if not decision.approved:
            self.retry_or_finish(proposal, week, decision.outcome, "CD")
        elif stage == "DIS" and self.model.rng.random() < self.spec.technical_changes:
            proposal.stage = "FDIS"  # approved with technical changes (§2.6.4 b)
            self.later(week + FDIS_WEEKS, self.close_enquiry, proposal, "FDIS")
        else:
            self.finish(proposal, week, "published", True)  # §2.6.4 a) or after the FDIS

    def _return_chance(self, p_members: np.ndarray) -> np.ndarray:
        """P-members, obliged to vote, return a ballot more often than they attend meetings."""
        attendance = self.model.population.attendance[p_members]
        return attendance + (1.0 - attendance) * self.spec.p_member_return

    def _returned(self, p_members: np.ndarray, stance: np.ndarray) -> None:
        """Mark the P-members that do not return a correspondence ballot as absent."""
        stance[self.model.rng.random(len(p_members)) >= self._return_chance(p_members)] = ABSENT

    def _note(self, p_members: np.ndarray, stance: np.ndarray, enquiry: bool) -> None:
        """Keep the year's ballot record of each P-member (abstaining is voting)."""
        missed = stance == ABSENT
        for actor, absent in zip(p_members.tolist(), missed.tolist(), strict=True):
            record = self.record_book.setdefault(actor, [0, 0, 0])
            if enquiry:
                record[2] += absent
            else:
                record[0] += 1
                record[1] += absent

    def year_end(self, week: int) -> None:
        """P-members that missed their obligations and the reminder become O-members (§1.7.4–1.7.5);
        members demoted at least 12 months ago regain P-status."""
        params = self.params("iso.p-member-status")
        changed = False
        for actor, since in list(self.demoted.items()):
            if week - since >= 52:
                self.model.actor_list[actor].memberships[self.id] = "P"
                del self.demoted[actor]
                changed = True
        for actor in self.of_class("P").tolist():
            cib, cib_missed, enquiry_missed = self.record_book.get(actor, [0, 0, 0])
            responds = bool(self.model.rng.random() < self.spec.reminder_response)
            decision = iso.p_member_status(cib, cib_missed, enquiry_missed, 0, True, responds, **params)
            if not decision.approved:
                self.record(None, week, "P-member status", "iso.p-member-status", decision)
                self.model.actor_list[actor].memberships[self.id] = "O"
                self.demoted[actor] = week
                changed = True
        self.record_book.clear()
        if changed:
            self.refresh()
