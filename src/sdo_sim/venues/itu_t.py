"""An ITU-T study group: Question → drafting → consent → AAP Last Call → (review or meeting), or TAP.

Member States (delegations) and Sector Members (firms) take part; only Member States decide at
meetings and reply to consultations (Res. 1 §1.13, §9.4.1; A.8 §5.4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.appointments import appoint
from sdo_sim.population import ABSENT, ABSTAIN, NO, YES
from sdo_sim.proposals import Proposal
from sdo_sim.rules import itu_t
from sdo_sim.venues import itu_t_track as track
from sdo_sim.venues.base import Venue, consensus_decision, support_decision, tally

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel
    from sdo_sim.scenario.schema import Venue as VenueSpec

LAST_CALL_WEEKS, REVIEW_WEEKS, RESOLUTION_WEEKS = 4, 3, 4  # A.8 §4.1, §4.5; resolution: model choice
QUESTION_WEEKS = 9  # Res. 1 §7.2.3: two months
TAP_NOTICE_WEEKS = 13  # Res. 1 §9.3.3: the invitation at least three months before the meeting
MEETING_ROUTE_WEEKS = 6  # A.8 §4.4.2 a): a meeting this close takes the comments instead of a review
CONSULTATION_CLOSE_WEEKS = 2  # Res. 1 §9.4.1: replies until seven working days before the meeting
MIN_COMMITTED = 4  # Res. 1 §7.2.2: "normally at least four" members commit to the work


class StudyGroup(Venue):
    """Decisions by consensus of those present; approval under AAP (A.8) or TAP (Res. 1 §9)."""

    kind = "itu-t"
    agenda_stages = frozenset({"drafting", "aap-meeting", "tap-meeting"})

    def __init__(self, model: SDOModel, spec: VenueSpec) -> None:
        super().__init__(model, spec)
        if spec.appointment_interval_weeks:  # the first period's posts are the scenario's `posts`
            self.later(spec.appointment_interval_weeks, self.new_period)

    def new_period(self, week: int) -> None:
        """A new study period: chair and posts appointed by the Member States (appointments.py)."""
        appoint(self, week)
        self.later(week + self.spec.appointment_interval_weeks, self.new_period)

    def start(self, proposal: Proposal, week: int) -> None:
        """A new work item at a meeting: consensus of those present and four committed (Res. 1 §7.2.2)."""
        utility, stance = self.stances(self.members, proposal)
        committed = self.commit(proposal, utility, stance, self.members)
        against, present, _ = self.opposition_share(self.members, stance)
        if committed < MIN_COMMITTED:
            decision = support_decision(committed, MIN_COMMITTED, "Res. 1 §7.2.2", "")
        else:
            decision = consensus_decision(
                against,
                present,
                self.call_tolerance(self.members, stance),
                "Res. 1 §7.2.2",
                supporters=committed,
            )
        self.record(proposal, week, "question", "chair-consensus", decision, self.members, stance)
        if decision.approved:
            self._adopt(proposal)
        elif committed >= MIN_COMMITTED and self.model.rng.random() < self.spec.question_consultation:
            proposal.stage = "question-consultation"  # support but no consensus: the SG may ask (§7.2.3)
            self.later(week + QUESTION_WEEKS, self.close_question, proposal)
        else:
            self.finish(proposal, week, decision.outcome, False)

    def _adopt(self, proposal: Proposal) -> None:
        proposal.stage, proposal.drafting_left = "drafting", self.spec.drafting_meetings
        drawn = "tap" if self.model.rng.random() < self.spec.tap_share else "aap"
        proposal.track = proposal.track or drawn  # a scripted text may come with its track

    def close_question(self, proposal: Proposal, week: int) -> None:
        yes, no, states, stance = self._member_state_replies(proposal)
        decision = itu_t.question_consultation(yes, no, **self.params("itu-t.question"))
        self.record(proposal, week, "question", "itu-t.question", decision, states, stance)
        if decision.approved:
            self._adopt(proposal)
        else:
            self.finish(proposal, week, decision.outcome, False)

    def _member_state_replies(self, proposal: Proposal) -> tuple[int, int, np.ndarray, np.ndarray]:
        states = self.of_class("member-state")
        _, stance = self.stances(states, proposal)
        yes, no, _ = tally(stance)
        return yes, no, states, stance

    def at_meeting(self, proposal: Proposal, week: int) -> None:
        if proposal.stage == "drafting":
            self.draft(proposal, week, self.ready)
        elif proposal.stage == "aap-meeting":
            self.aap_meeting(proposal, week)
        elif proposal.stage == "tap-meeting":
            self.tap_meeting(proposal, week)

    def ready(self, proposal: Proposal, week: int) -> None:
        """Consent (AAP, A.8 §3.1) or determination (TAP, Res. 1 §9.3.1) at a meeting, by consensus."""
        _, stance = self.stances(self.members, proposal)
        if proposal.track == "aap":
            self.reconsider_track(proposal, week, stance)
        against, present, _ = self.opposition_share(self.members, stance)
        stage = "consent" if proposal.track == "aap" else "determination"
        clause = "A.8 §3.1" if proposal.track == "aap" else "Res. 1 §9.3.1"
        decision = consensus_decision(against, present, self.call_tolerance(self.members, stance), clause)
        self.record(proposal, week, stage, "chair-consensus", decision, self.members, stance)
        if not decision.approved:
            self.retry_or_finish(proposal, week, decision.outcome, "drafting")
        elif proposal.track == "aap":
            proposal.stage = "last-call"
            self.later(week + LAST_CALL_WEEKS, self.close_comments, proposal, "last-call")
        else:
            self.consult(proposal, week)

    def reconsider_track(self, proposal: Proposal, week: int, stance: np.ndarray) -> None:
        """Res. 1 §8.1.1, §8.3: up to consent, a seconded proposal to move the text to TAP is decided
        by consensus of those present, failing which by a majority of Member States present."""
        states = self.classes == "member-state"
        rolls = self.model.rng.random(len(self.members))
        declaration = self.model.scenario.positions.policy_declaration
        if not track.switch_proposed(proposal.sensitive, states, stance, declaration, rolls):
            return
        against, present = track.switch_call(stance)
        tolerance = self.call_tolerance(self.members, stance)
        decision = consensus_decision(against, present, tolerance, "Res. 1 §8.1.1")
        procedure = "chair-consensus"
        if not decision.approved:  # §8.1.1: "the same process used at a WTSA" — a vote of Member States
            ms = stance[states]
            decision = track.majority_decision(int((ms == NO).sum()), int((ms == YES).sum()), "Res. 1 §1.13")
            procedure = "itu-t.track-vote"
        self.record(proposal, week, "track-selection", procedure, decision, self.members, stance)
        if decision.approved:
            proposal.track = "tap"

    def retry_or_finish(
        self, proposal: Proposal, week: int, outcome: str, back_to: str, drafting: int = 1
    ) -> None:
        """After a failed gate: back to drafting, or, with no attempts left, the study group
        discontinues the item as a decision of its own (Teleanu 2021, line 1148)."""
        if proposal.attempts + 1 < self.spec.max_attempts:
            super().retry_or_finish(proposal, week, outcome, back_to, drafting)
            return
        proposal.attempts += 1
        self.record(proposal, week, "discontinuation", "itu-t.discontinuation",
                    track.discontinuation(proposal.attempts))  # fmt: skip
        self.finish(proposal, week, "discontinued", False)

    def formal_opposition(self, utility: np.ndarray, stance: np.ndarray) -> np.ndarray:
        """Who opposes formally at an approval meeting: only the strongly opposed; others who are
        merely unhappy note a concern (A.8 §5.5) or a reservation (Res. 1 §9.5.4)."""
        return (stance == NO) & (utility < -self.model.scenario.positions.objection_threshold)

    def close_comments(self, proposal: Proposal, week: int, stage: str) -> None:
        """End of the Last Call or Additional Review: members who object send substantive comments."""
        utility, stance = self.stances(self.members, proposal)
        objecting = (stance != ABSENT) & (utility < -self.model.scenario.positions.objection_threshold)
        substantive = int(objecting.sum())
        if stage == "last-call":
            decision = itu_t.aap_last_call(substantive)
        else:
            decision = itu_t.aap_additional_review(substantive)
        # In the positions table: objectors "no", others who took part "yes" (silence approves).
        comments = np.where(objecting, NO, np.where(stance == ABSENT, ABSENT, YES)).astype(np.int8)
        self.record(proposal, week, stage, f"itu-t.aap.{stage}", decision, self.members, comments)
        if decision.approved:
            self.finish(proposal, week, "approved", True)
        elif stage == "last-call" and self.next_meeting(week) - week > MEETING_ROUTE_WEEKS:
            proposal.stage = "additional-review"
            self.later(
                week + RESOLUTION_WEEKS + REVIEW_WEEKS, self.close_comments, proposal, "additional-review"
            )
        else:
            proposal.stage = "aap-meeting"

    def aap_meeting(self, proposal: Proposal, week: int) -> None:
        """The study group decides: unopposed, else at most one Member State present opposing (A.8 §5)."""
        states, firms = self.of_class("member-state"), self.of_class("sector-member")
        voters = np.concatenate([states, firms])
        utility, stance = self.stances(voters, proposal)
        opposing = self.formal_opposition(utility, stance)
        ms_yes, unhappy, _ = tally(stance[: len(states)])
        ms_no, sm_no = int(opposing[: len(states)].sum()), int(opposing[len(states) :].sum())
        declarations = 0
        if proposal.sensitive and unhappy:  # a concerned Member State may declare policy implications
            chance = self.model.scenario.positions.policy_declaration
            declarations = int((self.model.rng.random(unhappy) < chance).sum())
        decision = itu_t.aap_meeting(ms_no, ms_yes, sm_no, declarations, **self.params("itu-t.aap.meeting"))
        # In the positions table: formal opposition "no"; concerns are not opposition (§5.5).
        stance = np.where((stance == NO) & ~opposing, ABSTAIN, stance).astype(np.int8)
        self.record(proposal, week, "aap-meeting", "itu-t.aap.meeting", decision, voters, stance)
        if decision.approved:
            self.finish(proposal, week, "approved", True)
        elif decision.outcome == "switch-to-tap":
            proposal.track = "tap"
            self.consult(proposal, week)
        else:
            self.retry_or_finish(proposal, week, decision.outcome, "drafting")

    def consult(self, proposal: Proposal, week: int) -> None:
        """TAP: consult Member States until seven working days before a meeting ≥ 3 months on (§9.3–9.4)."""
        meeting = self.next_meeting(week, TAP_NOTICE_WEEKS)
        proposal.stage = "tap-consultation"
        self.later(meeting - CONSULTATION_CLOSE_WEEKS, self.close_consultation, proposal)

    def close_consultation(self, proposal: Proposal, week: int) -> None:
        yes, no, states, stance = self._member_state_replies(proposal)
        decision = itu_t.tap_consultation(yes, no, **self.params("itu-t.tap.consultation"))
        self.record(proposal, week, "tap-consultation", "itu-t.tap.consultation", decision, states, stance)
        if decision.approved:
            proposal.stage = "tap-meeting"
        else:
            self.retry_or_finish(proposal, week, decision.outcome, "drafting")

    def tap_meeting(self, proposal: Proposal, week: int) -> None:
        """TAP approval must be unopposed by any Member State delegation present (Res. 1 §9.5.3)."""
        states = self.of_class("member-state")
        utility, stance = self.stances(states, proposal)
        opposing = self.formal_opposition(utility, stance)
        yes, no = int((stance == YES).sum()), int(opposing.sum())
        decision = itu_t.tap_meeting(no, yes)
        stance = np.where((stance == NO) & ~opposing, ABSTAIN, stance).astype(np.int8)  # reservations
        self.record(proposal, week, "tap-meeting", "itu-t.tap.meeting", decision, states, stance)
        if decision.approved:
            self.finish(proposal, week, "approved", True)
        else:
            self.retry_or_finish(proposal, week, decision.outcome, "drafting")
