"""3GPP elections: the chair and each vice-chair elected by the Individual Members present (WP Art. 28).

The reports: TSG chairs and vice-chairs "are elected by the groups themselves", "generally every two
years"; "candidates must be representatives of individual members"; a secret ballot of up to three
rounds, 71 % of votes cast in the first (Teleanu 2021, line 1672). TSGs have a chair and up to three
vice-chairs, WGs a chair and up to two, all elected "on the basis of one Individual Member one vote"
(3GPP seminar, module 11; rules_primary.md §3). China held 9 of 53 chair and vice-chair posts in Dec
2012, 11 of 58 in Dec 2017 (Voo & Creemers 2021, line 108) and 36 % in 2021 (Teleanu 2021, line
1215), as its membership grew to 185 of 764 Individual Members (line 1206).

So at each election sitting every post is filled by its own election. Candidates stand in
proportion to activity (attendance × contributions), so a bloc fields candidates in proportion to
its members' presence and work; how many stand for a post (`election_candidates`, the mean) is
*assumed* — no source counts candidates. The electors are the members present, each with its votes
(`TechnicalSpecificationGroup.weights`). An elector who follows its bloc's line (chance cohesion)
votes for the candidate its bloc rates highest; the others by their own appeal, distance and
affinity weighted as in utilities plus noise. The rounds are `3gpp.election`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.rules import Decision
from sdo_sim.rules.threegpp import election, round3_finalists

if TYPE_CHECKING:
    from sdo_sim.population import Population
    from sdo_sim.scenario.schema import Positions
    from sdo_sim.venues.threegpp import TechnicalSpecificationGroup

#: What each post is called in the `posts` table: the first elected at a sitting is the chair.
TITLES = ("chair", "vice-chair")


def rounds(
    names: Sequence[str], ballot: Callable[[list[str]], dict[str, int]], threshold: Fraction
) -> tuple[Decision, list[dict[str, int]]]:
    """Ballot round after round until `3gpp.election` decides (WP Art. 28; Teleanu 2021, line 1672).

    `ballot(standing)` returns the votes of each standing candidate; a sole candidate is elected
    without one; round 3 is between round 2's two leaders."""
    held: list[dict[str, int]] = []
    standing = list(names)
    decision = election(held, names, threshold=threshold)
    while decision.outcome == "next-round":
        held.append(ballot(standing))
        decision = election(held, names, threshold=threshold)
        if len(held) == 2 and decision.outcome == "next-round":
            standing = round3_finalists(held[1])
    return decision, held


def candidates_for(
    activity: np.ndarray, pool: np.ndarray, mean: float, rng: np.random.Generator
) -> np.ndarray:
    """Who stands for one post: 1 + Poisson(mean − 1) distinct members of `pool`, drawn in proportion
    to attendance × contributions (`activity`); none if nobody in the pool is active."""
    weights = activity[pool]
    active = int((weights > 0).sum())
    count = min(1 + int(rng.poisson(mean - 1.0)), active)
    if count == 0:
        return pool[:0]
    return rng.choice(pool, size=count, replace=False, p=weights / weights.sum())


def appeal(
    pop: Population,
    electors: np.ndarray,
    candidates: np.ndarray,
    weights: Positions,
    rng: np.random.Generator,
) -> np.ndarray:
    """Electors × candidates: how much each elector rates each candidate. A follower of its bloc's
    line (chance cohesion) rates them as its bloc does, without noise (coordination.py)."""
    bloc, their = pop.bloc[electors], pop.bloc[candidates]
    liking = weights.affinity * pop.affinity[bloc][:, their]
    points = pop.ideal[candidates][None, :, :]
    own = liking - weights.distance * np.linalg.norm(pop.ideal[electors][:, None, :] - points, axis=2)
    if weights.noise:
        own = own + weights.noise * rng.standard_normal(own.shape)
    follows = rng.random(len(electors)) < pop.cohesion[bloc]
    if follows.any():
        line = liking - weights.distance * np.linalg.norm(pop.bloc_ideal[bloc][:, None, :] - points, axis=2)
        own[follows] = line[follows]
    return own


def elect(
    venue: TechnicalSpecificationGroup,
    week: int,
    title: str,
    candidates: np.ndarray,
    electors: np.ndarray,
    votes: np.ndarray,
) -> int | None:
    """One post's election among `candidates` by the `electors` present, each casting `votes`; the
    decision is recorded (`3gpp.election`, stage `<title>-election`). Returns the winner, if any."""
    model, pop = venue.model, venue.model.population
    names = [pop.names[c] for c in candidates]
    rating = appeal(pop, electors, candidates, model.scenario.positions, model.rng)

    def ballot(standing: list[str]) -> dict[str, int]:
        columns = [names.index(name) for name in standing]
        choice = np.argmax(rating[:, columns], axis=1)
        cast = np.bincount(choice, weights=votes, minlength=len(columns))
        return {name: int(cast[k]) for k, name in enumerate(standing)}

    decision, _ = rounds(names, ballot, venue.params("3gpp.election")["threshold"])
    venue.record(None, week, f"{title}-election", "3gpp.election", decision)
    return None if decision.winner is None else int(candidates[names.index(decision.winner)])


def hold(venue: TechnicalSpecificationGroup, week: int) -> None:
    """An election sitting: the chair, then each of `posts.count` vice-chairs, one election per post;
    a member holds one post. A post without a winner (a tie, no candidate) stays with its holder."""
    model, pop = venue.model, venue.model.population
    members = venue.members
    electors = members[pop.present(members, model.rng)]
    if not len(electors):
        return
    votes = venue.weights(electors).astype(float)
    activity = pop.attendance * pop.contributions
    still = set(members.tolist())
    holders = [venue.chair, *venue.posts]
    filled: list[int | None] = []
    for seat in range(1 + venue.spec.posts.count):
        taken = [h for h in filled if h is not None]
        pool = np.setdiff1d(members, taken, assume_unique=True) if taken else members
        candidates = candidates_for(activity, pool, venue.spec.election_candidates, model.rng)
        winner = None
        if len(candidates):
            winner = elect(venue, week, TITLES[min(seat, 1)], candidates, electors, votes)
        if winner is None:  # the holder stays, if still a member and not just elected to another post
            held = holders[seat] if seat < len(holders) else None
            winner = held if held in still and held not in taken else None
        filled.append(winner)
    venue.chair = filled[0]
    venue.posts = [holder for holder in filled[1:] if holder is not None]
    model.posts_changed()
