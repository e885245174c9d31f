"""An ISO/IEC technical committee: NP → WD → CD → DIS → FDIS → publication (Directives Part 1, 16th ed.)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.leadership import biased_tolerance, defers
from sdo_sim.population import ABSENT, YES
from sdo_sim.proposals import Proposal
from sdo_sim.rules import Decision, iso
from sdo_sim.venues import iso_posts
from sdo_sim.venues.base import Venue, chair_judgement, consensus_decision, tally

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel
    from sdo_sim.scenario.schema import Venue as VenueSpec

NP_WEEKS, DIS_WEEKS, FDIS_WEEKS = 12, 12, 8  # §2.3.4, §2.6.1, §2.7.1
CD_WEEKS = 8  # §2.5.2: 8, 12 or 16 weeks for comments, "the default for CD circulation is 8 weeks"
COMPILATION_WEEKS = 4  # §2.5.3: comments compiled "no more than 4 weeks" after the closing date
REVISED_CD_WEEKS = 12  # §2.5.4: a further CD "within 12 weeks" of a meeting that did not agree
DIS_LEAD_WEEKS = 10  # Annex SK: 2 weeks' preparation by ISO/CS, then 20 for translation and vote
PUBLICATION_WEEKS = 6  # §2.8.1: published "within 6 weeks" of approval
DISAGREEING = 2  # §2.5.3: 2 or more P-members disagreeing with registration send the CD to a meeting


class TechnicalCommittee(Venue):
    """P-members vote on NPs and CDs; every national body may vote on DIS and FDIS (§1.7.1)."""

    kind = "iso"
    agenda_stages = frozenset({"WD", "CD-meeting"})

    def __init__(self, model: SDOModel, spec: VenueSpec) -> None:
        self.secretariat: int | None = None
        self.convenors: list[int | None] = [None] * spec.working_groups
        self.experts: list[set[int]] = [set() for _ in range(spec.working_groups)]
        self.group_of: dict[str, int] = {}  # proposal id → its working group
        super().__init__(model, spec)

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

    # --- posts (iso_posts.py) ---------------------------------------------------------------

    def fill_posts(self, week: int) -> None:
        """Secretariat, chair and convenors filled by the Directives' procedures (iso_posts.py)."""
        iso_posts.fill(self, week)
        self.posts = [a for a in [self.secretariat, *self.convenors] if a is not None]

    def titled_posts(self) -> list[tuple[str, int]]:
        """Each post and its holder, as the `posts` table names them."""
        self.posts = [a for a in [self.secretariat, *self.convenors] if a is not None]
        titled = [("chair", self.chair), ("secretariat", self.secretariat)]
        return [(t, a) for t, a in [*titled, *(("convenor", c) for c in self.convenors)] if a is not None]

    def leader(self, proposal: Proposal) -> int | None:
        """Who calls consensus on the text: its WG's convenor at the WD stage (§2.4.6), else the chair."""
        if proposal.stage == "WD":
            return self.convenors[self.group_of.get(proposal.id, 0)]
        return self.chair

    def leaning(self, proposal: Proposal) -> float:
        """The tolerance of the one calling consensus, leaning with its own stance (leadership.py).

        The chair and the convenor act in a purely international capacity, not as delegates of their
        national bodies (§1.8.2, §2.1.8): their bodies vote through their own delegations, and the
        leader's own stance, always present, is drawn apart from its body's and only leans the call."""
        leader = self.leader(proposal)
        if leader is None:
            return self.spec.consensus_tolerance
        _, stance = self.stances(np.array([leader], dtype=np.int64), proposal, attend=None)
        return biased_tolerance(self.spec.consensus_tolerance, self.spec.chair_bias, int(stance[0]))

    def chair_defers(self, proposal: Proposal, week: int) -> bool:
        """The agenda: a convenor (WD) or chair (CD meeting) who opposes the text may defer it once."""
        leader = self.leader(proposal)
        if leader is None:
            return False
        who = np.array([leader], dtype=np.int64)
        _, stance = self.stances(who, proposal, attend=None)
        deferred = defers(int(stance[0]), self.spec.chair_bias, proposal.deferred, self.model.rng.random())
        proposal.deferred = deferred
        if deferred:
            title = "convenor" if proposal.stage == "WD" else "chair"
            extra = {"leader": title, "clause": "Teleanu 2021, line 954"}
            decision = Decision(False, "deferred", _DEFERRED, {}, extra)
            self.record(proposal, week, proposal.stage, "chair-agenda", decision, who, stance)
        return deferred

    # --- the procedure path -----------------------------------------------------------------

    def start(self, proposal: Proposal, week: int) -> None:
        proposal.stage = "NP"
        self.later(week + NP_WEEKS, self.close_np, proposal)

    def close_np(self, proposal: Proposal, week: int) -> None:
        """NP ballot (§2.3.5); approving P-members naming experts join the WG that takes the project."""
        p_members = self.of_class("P")
        utility, stance = self.stances(p_members, proposal, attend=None)
        self.returned(p_members, stance)
        self._note(p_members, stance, enquiry=False)
        yes, no, _ = tally(stance)
        experts = self.commit(proposal, utility, stance, p_members)
        decision = iso.np_ballot(yes, no, experts, max(len(p_members), yes + no), **self.params("iso.np"))
        self.record(proposal, week, "NP", "iso.np", decision, p_members, stance)
        if not decision.approved:
            self.finish(proposal, week, decision.outcome, False)
            return
        # the project goes to a WG (drawn: assumed); its experts join it (§2.4.2, §2.4.4)
        group = int(self.model.rng.integers(self.spec.working_groups))
        self.group_of[proposal.id] = group
        named = (stance == YES) & (utility > self.model.scenario.positions.support_threshold)
        self.experts[group].update([proposal.proponent, *p_members[named].tolist()])
        proposal.stage, proposal.drafting_left = "WD", self.spec.drafting_meetings

    def at_meeting(self, proposal: Proposal, week: int) -> None:
        if proposal.stage == "WD":
            self.draft(proposal, week, self.working_draft)
        elif proposal.stage == "CD-meeting":
            self.committee_meeting(proposal, week)

    def working_draft(self, proposal: Proposal, week: int) -> None:
        """Preparatory stage: the WG agrees the working draft by consensus, the convenor judging (§1.12.1)."""
        p_members = set(self.of_class("P").tolist())
        group = self.group_of.get(proposal.id, 0)
        experts = np.array(sorted(self.experts[group] & p_members), dtype=np.int64)
        _, stance = self.stances(experts, proposal)
        yes, no, abstain = tally(stance)
        decision = consensus_decision(
            no, yes + no + abstain, self.leaning(proposal), "Directives Part 1 §1.12.1"
        )
        self.record(proposal, week, "WD", "chair-consensus", decision, experts, stance)
        if decision.approved:
            self.circulate_cd(proposal, week)
        else:  # successive working drafts (Teleanu 2021, line 1662)
            self.retry_or_finish(proposal, week, decision.outcome, "WD")

    def circulate_cd(self, proposal: Proposal, week: int, revised: bool = False) -> None:
        """A CD goes to P- and O-members for comments and vote (§2.5.2); a revised one later (§2.5.4)."""
        proposal.stage = "CD"
        delay = REVISED_CD_WEEKS if revised else 0
        self.later(week + delay + CD_WEEKS + COMPILATION_WEEKS, self.close_cd, proposal)

    def close_cd(self, proposal: Proposal, week: int) -> None:
        """CD ballot and comments compiled: the secretariat, with the chair, proposes the next step (§2.5.3).

        Consensus (§2.5.6, the chair's tolerance) and fewer than 2 P-members against: registered as DIS;
        2 or more against, or consensus in doubt and short of ⅔: discussed at the next meeting; no
        consensus, the comments too many: a revised CD, a second round (§2.5.3 b, §2.5.4)."""
        p_members = self.of_class("P")
        _, stance = self.stances(p_members, proposal, attend=None)
        self.returned(p_members, stance)
        yes, no, abstain = tally(stance)
        judgement = chair_judgement(no, yes + no + abstain, self.leaning(proposal))
        decision = iso.cd_consensus(yes, no, judgement, **self.params("iso.cd"))
        self.record(proposal, week, "CD", "iso.cd", decision, p_members, stance)
        if decision.approved and no < DISAGREEING:
            self.register_dis(proposal, week)
        elif decision.outcome == "no-consensus":
            self.retry_or_finish(proposal, week, decision.outcome, "CD")
            if proposal.open:
                self.circulate_cd(proposal, week, revised=True)
        else:
            proposal.stage = "CD-meeting"

    def committee_meeting(self, proposal: Proposal, week: int) -> None:
        """The CD and its comments at a meeting: the chair judges consensus; in doubt, ⅔ of P-members
        voting (§2.5.6); without agreement, a further CD (§2.5.4)."""
        p_members = self.of_class("P")
        _, stance = self.stances(p_members, proposal)
        yes, no, abstain = tally(stance)
        judgement = chair_judgement(no, yes + no + abstain, self.leaning(proposal))
        decision = iso.cd_consensus(yes, no, judgement, **self.params("iso.cd"))
        self.record(proposal, week, "CD-meeting", "iso.cd", decision, p_members, stance)
        if decision.approved:
            self.register_dis(proposal, week)
        else:
            self.retry_or_finish(proposal, week, decision.outcome, "CD")
            if proposal.open:
                self.circulate_cd(proposal, week, revised=True)

    def register_dis(self, proposal: Proposal, week: int) -> None:
        """Enquiry: preparation and translation, then the 12-week vote of all national bodies (§2.6.1)."""
        proposal.stage = "DIS"
        self.later(week + DIS_LEAD_WEEKS + DIS_WEEKS, self.close_enquiry, proposal, "DIS")

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
        if not decision.approved:  # a revised CD for comments (§2.6.4 c 2, §2.7.7)
            self.retry_or_finish(proposal, week, decision.outcome, "CD")
            if proposal.open:
                self.circulate_cd(proposal, week, revised=True)
        elif stage == "DIS" and self.model.rng.random() < self.spec.technical_changes:
            proposal.stage = "FDIS"  # approved with technical changes (§2.6.4 b)
            self.later(week + FDIS_WEEKS, self.close_enquiry, proposal, "FDIS")
        else:  # §2.6.4 a) or after the FDIS: published within 6 weeks (§2.8.1)
            proposal.stage = "publication"
            self.later(week + PUBLICATION_WEEKS, self.publish, proposal)

    def publish(self, proposal: Proposal, week: int) -> None:
        """The International Standard is published (§2.8)."""
        self.finish(proposal, week, "published", True)

    # --- P-member obligations ---------------------------------------------------------------

    def _return_chance(self, p_members: np.ndarray) -> np.ndarray:
        """P-members, obliged to vote, return a ballot more often than they attend meetings."""
        attendance = self.model.population.attendance[p_members]
        return attendance + (1.0 - attendance) * self.spec.p_member_return

    def returned(self, p_members: np.ndarray, stance: np.ndarray) -> None:
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


_DEFERRED = "The {leader}, who opposes the text, keeps it off this meeting's agenda ({clause})."

__all__ = ["TechnicalCommittee"]
