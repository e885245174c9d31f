"""What every venue does: membership, calendar, new proposals, recording gates and outcomes."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from sdo_sim import positions
from sdo_sim.coordination import sanction
from sdo_sim.editing import pull
from sdo_sim.leadership import biased_tolerance, chair_stance, defers
from sdo_sim.population import ABSENT, ABSTAIN, NO, YES
from sdo_sim.proposals import Proposal
from sdo_sim.rules import PROCEDURES, Decision
from sdo_sim.rules._ballot import resolve_params
from sdo_sim.submissions import expected_proposals, on_agenda

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel
    from sdo_sim.scenario.schema import Venue as VenueSpec


SPONSORS = 4  # co-sponsors who carry the drafting besides the proponent


class Venue(ABC):
    """A standards body: its members, calendar and the pipeline its proposals travel."""

    kind = ""
    #: Stages at which a text comes before a meeting, where the chair's agenda can hold it back.
    agenda_stages: frozenset[str] = frozenset()

    def __init__(self, model: SDOModel, spec: VenueSpec) -> None:
        self.model = model
        self.spec = spec
        self.id = spec.id
        self.proposals: list[Proposal] = []
        self._params: dict[str, dict[str, Any]] = {}
        self.chair: int | None = None
        self.posts: list[int] = []  # actor indices holding the venue's other posts
        self._numbered = 0
        self.refresh()
        # what the possible proponents contribute at the start: `proposals_per_meeting` is set at it
        self.initial_volume = float(model.population.contributions[self.proponent_pool()].sum())

    # --- membership and calendar --------------------------------------------------------

    def refresh(self) -> None:
        """Rebuild member index arrays from the agents (after an event changed the population)."""
        actors = self.model.actor_list
        members = [(a.index, a.memberships[self.id]) for a in actors if self.id in a.memberships]
        self.members = np.array([i for i, _ in members], dtype=np.int64)
        self.classes = np.array([c for _, c in members], dtype=object)

    def of_class(self, cls: str) -> np.ndarray:
        """Indices of the members of one class."""
        return self.members[self.classes == cls] if len(self.members) else self.members

    def is_meeting(self, week: int) -> bool:
        start, every = self.spec.first_meeting_week, self.spec.meeting_interval_weeks
        return week >= start and (week - start) % every == 0

    def next_meeting(self, week: int, gap: int = 1) -> int:
        """The first meeting at least `gap` weeks after `week`."""
        start, every = self.spec.first_meeting_week, self.spec.meeting_interval_weeks
        target = max(week + gap, start)
        return start + -(-(target - start) // every) * every

    def next_number(self) -> int:
        """The next proposal number in this venue."""
        self._numbered += 1
        return self._numbered

    def params(self, procedure: str) -> dict[str, Any]:
        """The rule's parameters: the rulebook's defaults overridden by the scenario's `rules`."""
        if procedure not in self._params:
            self._params[procedure] = resolve_params(PROCEDURES[procedure], self.spec.rules.get(procedure))
        return self._params[procedure]

    def change_rules(self, rules: dict[str, dict[str, Any]]) -> None:
        """A rule-change event: merge new parameters and forget the resolved ones."""
        merged = {k: dict(v) for k, v in self.spec.rules.items()}
        for procedure, params in rules.items():
            merged.setdefault(procedure, {}).update(params)
        self.spec.rules = merged
        self._params.clear()

    # --- the flow of proposals ------------------------------------------------------------

    def meeting(self, week: int) -> None:
        """What happens at a meeting: new proposals, then each open one's next step, as many texts
        as the agenda holds (submissions.py)."""
        waiting = [p for p in self.proposals if p.open]
        if self.spec.agenda_capacity is not None:
            on_stage = [p for p in waiting if p.stage in self.agenda_stages]
            _, held_over = on_agenda(on_stage, self.spec.agenda_capacity)
            if held_over:
                skipped = {id(p) for p in held_over}
                waiting = [p for p in waiting if id(p) not in skipped]
        for proposal in waiting:
            if (
                self.spec.chair_bias
                and proposal.stage in self.agenda_stages
                and self.chair_defers(proposal, week)
            ):
                continue
            self.at_meeting(proposal, week)
        model = self.model
        arriving = [
            *self.submit(week),
            *model.scripted_proposals(self, week),
            *model.forum.resubmit(model, self, week),
        ]
        for proposal in arriving:
            self.proposals.append(proposal)
            self.model.proposals.append(proposal)
            self.start(proposal, week)
        model.decide_work_items(self, week)

    def submit(self, week: int) -> list[Proposal]:
        """New proposals at a meeting: Poisson many, proponents drawn by their contributions."""
        model = self.model
        proponents = self.proponent_pool()
        if not len(proponents) or self.spec.proposals_per_meeting == 0:
            return []
        weights = model.population.contributions[proponents]
        if weights.sum() <= 0:
            return []
        expected = expected_proposals(
            self.spec.proposals_per_meeting, float(weights.sum()), self.initial_volume
        )
        count = model.rng.poisson(expected)
        chosen = model.rng.choice(proponents, size=count, p=weights / weights.sum())
        return [model.new_proposal(self, int(actor), week) for actor in chosen]

    def proponent_pool(self) -> np.ndarray:
        """The members who may propose (all by default)."""
        return self.members

    @abstractmethod
    def start(self, proposal: Proposal, week: int) -> None:
        """The first gate of a new proposal (each venue kind has its own)."""

    @abstractmethod
    def at_meeting(self, proposal: Proposal, week: int) -> None:
        """An open proposal's step at a meeting (each venue kind has its own)."""

    def later(self, week: int, callback: Callable[..., None], *args: Any) -> None:
        """Run `callback(*args)` at `week` (a ballot's closing, a review's end)."""
        self.model.schedule(week, callback, *args)

    # --- positions and gates --------------------------------------------------------------

    def stances(
        self, idx: np.ndarray, proposal: Proposal, attend: float | None = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Utilities and stances of the listed actors; absent ones (by attendance) marked ABSENT."""
        model = self.model
        pop = model.population
        model.positions_computed += len(idx)
        weights = model.scenario.positions
        own, utility, defects, follows = positions.compute(pop, idx, proposal, weights, model.rng)
        stance = pop.stances(idx, utility, weights)
        if attend is not None:
            stance[~pop.present(idx, model.rng, attend)] = ABSENT
        if defects.any():
            model.defections += len(sanction(pop, idx, defects, stance))
        if model.reasons is not None:  # why each took its position, kept with the positions (reasons.py)
            model.reasons.seen(proposal, idx, own, utility, follows, defects)
        return utility, stance

    def record(
        self,
        proposal: Proposal | None,
        week: int,
        stage: str,
        procedure: str,
        decision: Decision,
        idx: np.ndarray | None = None,
        stance: np.ndarray | None = None,
    ) -> Decision:
        """Add a gate's decision (and the positions behind it) to the run's tables."""
        model = self.model
        decision_id = len(model.decision_rows)
        counts = decision.counts
        model.decision_rows.append(
            {
                "decision": decision_id,
                "week": week,
                "venue": self.id,
                "body": self.spec.body,
                "proposal": proposal.id if proposal else "",
                "stage": stage,
                "procedure": procedure,
                "approved": decision.approved,
                "outcome": decision.outcome,
                "reason": decision.reason,
                **{column: _first(counts, *names) for column, names in COUNT_COLUMNS.items()},
                "counts": json.dumps(counts, sort_keys=True),
                "proponent_bloc": model.bloc_name(proposal.bloc) if proposal else "",
            }
        )
        if proposal is not None:
            proposal.gates.append(decision_id)
            proposal.procedure = procedure
        if model.record_positions and idx is not None and stance is not None:
            bloc = model.population.bloc[idx]  # the bloc at the time of the decision
            model.position_chunks.append((decision_id, idx.copy(), stance.copy(), bloc))
            model.positions_recorded += len(idx)
            if model.reasons is not None:
                model.reasons.attach(self, week, decision_id, proposal, stage, procedure, idx, stance)
        return decision

    def finish(self, proposal: Proposal, week: int, outcome: str, approved: bool) -> None:
        """Close a proposal with its final outcome."""
        proposal.decided = week
        proposal.outcome = outcome
        proposal.approved = approved
        model = self.model
        model.editor_log.end(week, proposal.id)
        model.outcomes["approved" if approved else "failed"] += 1
        for key in (model.bloc_name(proposal.bloc) or "none", "all"):
            tally = model.outcomes_by_bloc.setdefault(key, [0, 0])
            tally[0] += approved
            tally[1] += 1
        if not approved:
            model.forum.consider(model, proposal)  # its proponent may take it elsewhere (forum.py)

    def retry_or_finish(
        self, proposal: Proposal, week: int, outcome: str, back_to: str, drafting: int = 1
    ) -> None:
        """After a failed gate: back to an earlier stage while attempts remain, else abandoned."""
        proposal.attempts += 1
        if proposal.attempts >= self.spec.max_attempts:
            self.finish(proposal, week, outcome, False)
            return
        proposal.stage = back_to
        proposal.drafting_left = drafting

    def commit(self, proposal: Proposal, utility: np.ndarray, stance: np.ndarray, idx: np.ndarray) -> int:
        """Record who commits to the work (supporters above the threshold); returns how many."""
        support = (stance == YES) & (utility > self.model.scenario.positions.support_threshold)
        committed = idx[support & (idx != proposal.proponent)]
        # The most active contributors carry the drafting (stable: ties keep member order).
        order = np.argsort(-self.model.population.contributions[committed], kind="stable")
        proposal.sponsors = [proposal.proponent, *[int(a) for a in committed[order][:SPONSORS]]]
        return int(support.sum())

    def draft(self, proposal: Proposal, week: int, ready: Callable[[Proposal, int], None]) -> None:
        """A drafting meeting: progress if any sponsor attends and contributes, else the item stalls."""
        if proposal.drafting_left <= 0:  # nothing (left) to draft: straight to the next gate
            ready(proposal, week)
            return
        model = self.model
        pop = model.population
        sponsors = np.array(proposal.sponsors or [proposal.proponent], dtype=np.int64)
        # the most active contributor among those carrying the work holds the pen (editing.py)
        lead = int(np.argmax(pop.contributions[sponsors]))
        editor = int(sponsors[lead])
        model.editor_log.start(week, self.id, proposal.id, editor, model.bloc_name(int(pop.bloc[editor])))
        present = pop.present(sponsors, model.rng)
        if present.any():
            proposal.drafting_left -= 1
            proposal.stalled = 0
            if present[lead]:
                self.edit(proposal, editor)
        else:
            proposal.stalled += 1
            if proposal.stalled >= self.spec.stall_meetings:
                self.finish(proposal, week, "discontinued", False)
                return
        if proposal.drafting_left <= 0:
            ready(proposal, week)

    def edit(self, proposal: Proposal, editor: int) -> None:
        """A drafting meeting the editor attends: the text drifts toward it, and a supporting editor
        may complete a second step (editing.py; Teleanu 2021, line 954)."""
        spec, pop = self.spec, self.model.population
        before, sped = proposal.point, False
        if spec.editor_pull:
            proposal.point = pull(proposal.point, pop.ideal[editor], spec.editor_pull)
        if spec.editor_speed and proposal.drafting_left > 0 and self.model.rng.random() < spec.editor_speed:
            _, stance = self.stances(np.array([editor], dtype=np.int64), proposal, attend=None)
            if stance[0] == YES:
                proposal.drafting_left -= 1
                sped = True
        if self.model.reasons is not None and (spec.editor_pull or sped):
            self.model.reasons.edited(self, proposal, editor, before, sped)

    def chair_defers(self, proposal: Proposal, week: int) -> bool:
        """The chair's agenda: a present chair who opposes the text may defer it once (leadership.py)."""
        if self.chair is None:
            return False
        chair = np.array([self.chair], dtype=np.int64)
        _, stance = self.stances(chair, proposal)
        deferred = defers(int(stance[0]), self.spec.chair_bias, proposal.deferred, self.model.rng.random())
        proposal.deferred = deferred
        if deferred:
            decision = Decision(False, "deferred", _DEFERRED, {}, {"clause": "Teleanu 2021, line 954"})
            self.record(proposal, week, proposal.stage, "chair-agenda", decision, chair, stance)
        return deferred

    def call_tolerance(self, idx: np.ndarray, stance: np.ndarray) -> float:
        """The opposition the chair tolerates in a consensus call, leaning with the chair (leadership.py)."""
        chair = chair_stance(self.chair, idx, stance)
        return biased_tolerance(self.spec.consensus_tolerance, self.spec.chair_bias, chair)

    def opposition_share(self, idx: np.ndarray, stance: np.ndarray) -> tuple[int, int, float]:
        """People opposing and present, and the opposing share: the chair reads the room by delegates."""
        delegates = self.model.population.delegates[idx]
        present = stance != ABSENT
        total = int(delegates[present].sum())
        against = int(delegates[stance == NO].sum())
        return against, total, (against / total if total else 0.0)


#: The decisions table's tidy count columns (docs/ODD.md 7.8): each is the first of these rulebook
#: counts that the decision's `counts` holds, copied as it is, or empty when it holds none of them.
COUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "yes": ("yes", "ms_yes", "p_yes", "support", "agree"),  # votes or replies in favour
    "no": ("no", "ms_no", "p_no", "oppose", "disagree", "substantive"),  # against, or comments that block
    "cast": ("cast", "p_cast", "replies"),  # the votes or replies counted (abstentions are not)
    "present": ("present",),  # delegates present at a consensus call
    "against": ("against", "objecting"),  # of them, those opposing or objecting
    "supporters": ("supporters",),  # members committed to the work
}


def _first(counts: dict[str, int], *names: str) -> int | None:
    """The first of `names` that `counts` holds, or None."""
    for name in names:
        if name in counts:
            return counts[name]
    return None


def tally(stance: np.ndarray, weight: np.ndarray | None = None) -> tuple[int, int, int]:
    """yes, no and abstain counts among those present (optionally weighted)."""
    if weight is None:
        return int((stance == YES).sum()), int((stance == NO).sum()), int((stance == ABSTAIN).sum())
    return (
        int(weight[stance == YES].sum()),
        int(weight[stance == NO].sum()),
        int(weight[stance == ABSTAIN].sum()),
    )


_DEFERRED = "The chair, who opposes the text, keeps it off this meeting's agenda ({clause})."

_CONSENSUS_TEXT = {
    "consensus": (
        "{against} of {present} present opposed, within the {tolerance} the chair tolerates: "
        "consensus ({clause})."
    ),
    "doubt": "{against} of {present} present opposed: the chair is in doubt about consensus ({clause}).",
    "no-consensus": "{against} of {present} present opposed: the chair finds no consensus ({clause}).",
}


def chair_judgement(against: int, present: int, tolerance: float) -> str:
    """The chair's reading of the room: consensus, doubt (up to 3× the tolerance) or none."""
    share = against / present if present else 0.0
    if share <= tolerance:
        return "consensus"
    return "doubt" if share <= min(1.0, 3 * tolerance) else "no-consensus"


def consensus_decision(
    against: int, present: int, tolerance: float, clause: str, supporters: int = -1, doubt: bool = False
) -> Decision:
    """A chair's consensus call as a gate (no vote counted); doubt counts as none unless allowed."""
    judgement = chair_judgement(against, present, tolerance)
    if judgement == "doubt" and not doubt:
        judgement = "no-consensus"
    counts = {"against": against, "present": present}
    if supporters >= 0:
        counts["supporters"] = supporters
    extra = {"tolerance": f"{tolerance:.0%}", "clause": clause}
    return Decision(judgement == "consensus", judgement, _CONSENSUS_TEXT[judgement], counts, extra)


_SUPPORT_TEXT = {
    True: "{supporters} members commit to the work, at least the {minimum} needed ({clause}).",
    False: "Only {supporters} members commit to the work, under the {minimum} needed ({clause}).",
}


def support_decision(supporters: int, minimum: int, clause: str, passed: str) -> Decision:
    """A work item's support gate: enough members commit to contribute."""
    approved = supporters >= minimum
    counts = {"supporters": supporters, "minimum": minimum}
    outcome = passed if approved else "too-few-supporters"
    return Decision(approved, outcome, _SUPPORT_TEXT[approved], counts, {"clause": clause})
