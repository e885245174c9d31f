"""ISO committee posts filled by procedure: secretariat, chair and WG convenors (Directives Part 1 §1.8-1.12).

- Secretariat (§1.9.1): allocated to a P-member national body that offers to resource it. Offers
  come from the P-members in proportion to their contributions (a secretariat signals a national
  body's readiness to invest resources: Teleanu 2021, line 719); the committee's P-members vote on
  each offer by correspondence, a simple majority of those voting (ISO Supplement, general
  principles), and the offer most of them approve is allocated (where several national bodies
  offer, the TMB decides, §1.9.1: the model lets the committee's positions stand in for it).
- Chair (§1.8.1): nominated by the secretariat, first from its own national body (in ISO the chair
  is in most cases from the secretariat's country: Teleanu 2021, line 727), then the P-member the
  secretariat likes best; approved by two-thirds of the P-members voting. The chair acts in a
  purely international capacity and is not the delegate of its national body (§1.8.2): the body
  votes through its own delegation, and the chair's own stance only leans the consensus calls.
- Convenors (§1.12.1): appointed by the committee on a national body's nomination, from the
  P-members, for terms of up to three years; nominations come from the P-members in proportion to
  their contributions; a simple majority of P-members voting, the best-supported nominee appointed.

A P-member's position on a candidate is its position on a text at the candidate's ideal point, of
neutral quality and the scenario's mean salience: distance, bloc affinity and the bloc line (population.py,
coordination.py), so post shares follow membership, contributions and cohesion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.population import NO, YES
from sdo_sim.proposals import Proposal
from sdo_sim.rules import Decision

if TYPE_CHECKING:
    from sdo_sim.venues.iso import TechnicalCommittee

#: Terms in weeks: a chair for at most 6 years (§1.8.1), a secretariat reconfirmed every 5 years
#: (§1.9.1), a convenor for up to 3 years (§1.12.1); each is taken at its maximum (assumed).
CHAIR_TERM, SECRETARIAT_TERM, CONVENOR_TERM = 312, 260, 156
NOMINATIONS = 3  # offers or nominations per post (assumed: no source gives how many compete)

_BALLOT = (
    "{p_yes} of {p_cast} P-member votes approve {candidate} as {post} ({majority} of the votes cast "
    "needed, abstentions excluded; {clause}): {verdict}."
)
_CLAUSES = {
    "secretariat": "Directives Part 1 §1.9.1; ISO Supplement, simple majority",
    "chair": "Directives Part 1 §1.8.1",
    "convenor": "Directives Part 1 §1.12.1; ISO Supplement, simple majority",
}
_MAJORITY = {"secretariat": (1, 2), "chair": (2, 3), "convenor": (1, 2)}


def as_candidate(venue: TechnicalCommittee, actor: int) -> Proposal:
    """A candidate as the members see it: a text at its ideal point, of neutral quality and the
    scenario's mean salience (as contested as a typical text)."""
    pop, (a, b) = venue.model.population, venue.model.scenario.salience
    return Proposal(id="", venue=venue.id, proponent=actor, bloc=int(pop.bloc[actor]),
                    point=pop.ideal[actor].copy(), quality=0.5, salience=a / (a + b))  # fmt: skip


def ballot(venue: TechnicalCommittee, week: int, post: str, actor: int) -> tuple[bool, float]:
    """The P-members' correspondence ballot on one candidate; whether approved, and the share approving."""
    p_members = venue.of_class("P")
    _, stance = venue.stances(p_members, as_candidate(venue, actor), attend=None)
    venue.returned(p_members, stance)
    yes, no = int((stance == YES).sum()), int((stance == NO).sum())
    num, den = _MAJORITY[post]
    approved = approves(yes, no, num, den)
    counts = {"p_yes": yes, "p_no": no, "p_cast": yes + no}
    extra = {"candidate": venue.model.population.names[actor], "post": post, "clause": _CLAUSES[post],
             "majority": "at least two-thirds" if num == 2 else "more than half", "verdict":
             "appointed" if approved else "not approved"}  # fmt: skip
    decision = Decision(approved, "appointed" if approved else "not-approved", _BALLOT, counts, extra)
    venue.record(None, week, post, f"iso.{post}", decision, p_members, stance)
    return approved, yes / (yes + no) if yes + no else 0.0


def approves(yes: int, no: int, num: int, den: int) -> bool:
    """yes ≥ num/den of the votes cast (⅔: at least two-thirds) or, for ½, more than half."""
    if yes + no == 0:
        return False
    return yes * den >= num * (yes + no) if (num, den) == (2, 3) else 2 * yes > yes + no


def offers(venue: TechnicalCommittee, exclude: list[int], incumbent: int | None) -> list[int]:
    """Up to `NOMINATIONS` P-members, the incumbent first, the rest drawn by their contributions."""
    pool = np.setdiff1d(venue.of_class("P"), [*exclude, *([incumbent] if incumbent is not None else [])])
    weights = venue.model.population.contributions[pool]
    chosen = [incumbent] if incumbent is not None and incumbent in venue.of_class("P") else []
    count = min(NOMINATIONS - len(chosen), int((weights > 0).sum()))
    if count > 0:
        drawn = venue.model.rng.choice(pool, size=count, replace=False, p=weights / weights.sum())
        chosen += [int(a) for a in drawn]
    return chosen


def elect(venue: TechnicalCommittee, week: int, post: str, candidates: list[int]) -> int | None:
    """The candidate the most P-members approve, among those approved (none if none is)."""
    best, best_share = None, -1.0
    for actor in candidates:
        approved, share = ballot(venue, week, post, actor)
        if approved and share > best_share:
            best, best_share = actor, share
    return best


def allocate_secretariat(venue: TechnicalCommittee, week: int) -> None:
    """§1.9.1: the offers put to the P-members; reconfirmed (or reallocated) every 5 years."""
    venue.secretariat = elect(venue, week, "secretariat", offers(venue, [], venue.secretariat))
    venue.later(week + SECRETARIAT_TERM, _secretariat_term, venue)


def appoint_chair(venue: TechnicalCommittee, week: int) -> None:
    """§1.8.1: the secretariat's nominees in turn, its own body first, until two-thirds approve one."""
    secretariat, pop = venue.secretariat, venue.model.population
    venue.chair = None
    if secretariat is not None:
        others = np.setdiff1d(venue.of_class("P"), [secretariat])
        liking = pop.affinity[pop.bloc[secretariat], pop.bloc[others]] - np.linalg.norm(
            pop.ideal[others] - pop.ideal[secretariat], axis=1
        )
        order = others[np.argsort(-liking, kind="stable")]
        for actor in [secretariat, *order[: NOMINATIONS - 1].tolist()]:
            if ballot(venue, week, "chair", int(actor))[0]:
                venue.chair = int(actor)
                break
    venue.later(week + CHAIR_TERM, _chair_term, venue)


def appoint_convenor(venue: TechnicalCommittee, week: int, group: int) -> None:
    """§1.12.1: nominations by national bodies, appointed by the committee, for a three-year term."""
    others = [c for k, c in enumerate(venue.convenors) if k != group and c is not None]
    venue.convenors[group] = elect(venue, week, "convenor", offers(venue, others, venue.convenors[group]))
    venue.later(week + CONVENOR_TERM, _convenor_term, venue, group)


def fill(venue: TechnicalCommittee, week: int) -> None:
    """The committee's posts at the start: those the scenario names, the others by procedure."""
    spec = venue.spec
    allocate_secretariat(venue, week)
    if spec.posts.chair is not None:
        venue.chair = _named(venue, spec.posts.chair)
        venue.later(week + CHAIR_TERM, _chair_term, venue)
    else:
        appoint_chair(venue, week)
    for group in range(spec.working_groups):
        if group == 0 and spec.convenor is not None:
            venue.convenors[0] = _named(venue, spec.convenor)
            venue.later(week + CONVENOR_TERM, _convenor_term, venue, 0)
        else:
            appoint_convenor(venue, week, group)


def _named(venue: TechnicalCommittee, spec_id: str) -> int:
    """The first actor made from the spec the scenario names (checks.py made sure it is a member)."""
    return next(
        a.index for a in venue.model.actor_list if a.name == spec_id or a.name.startswith(f"{spec_id}-")
    )


def _secretariat_term(venue: TechnicalCommittee, week: int) -> None:
    allocate_secretariat(venue, week)
    venue.model.posts_changed()


def _chair_term(venue: TechnicalCommittee, week: int) -> None:
    appoint_chair(venue, week)
    venue.model.posts_changed()


def _convenor_term(venue: TechnicalCommittee, week: int, group: int) -> None:
    appoint_convenor(venue, week, group)
    venue.model.posts_changed()


__all__ = ["CHAIR_TERM", "CONVENOR_TERM", "NOMINATIONS", "SECRETARIAT_TERM", "fill"]
