"""Appointments: a study group's chair and posts filled by procedure each study period, not by script.

Res. 1 §1.11.3: WTSA appoints study group chairs and vice-chairs; heads of delegation draw up the
proposals (§1.10 b). The reports: from the 2001-2004 to the 2017-2020 study period, Chinese
entities went from 1 vice-chair and 3 rapporteurs to 25 chairs and vice-chairs and 89 rapporteurs,
US entities from 22 and 60 to 5 and 16 (Teleanu 2021, line 892), as Chinese participation and
contributions grew (lines 148, 974); rapporteurs are tasked by the study group (line 862). So
candidates are nominated in proportion to their activity — attendance × contributions — and the
Member States choose among them by bloc affinity (plus noise), a bloc's followers backing its
favourite (cohesion). Post shares then follow membership, activity and cohesion. `CANDIDATES` is
*assumed*.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.rules import Decision

if TYPE_CHECKING:
    from sdo_sim.venues.base import Venue

CANDIDATES = 3  # nominations per post (assumed: no source gives how many compete)
_APPOINTED = (
    "The Member States appointed {posts} posts among candidates nominated by activity (Res. 1 §1.11.3)."
)


def nominate(activity: np.ndarray, pool: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` distinct candidates from `pool`, drawn in proportion to their activity (none if all idle)."""
    weights = activity[pool]
    count = min(count, int((weights > 0).sum()))
    if count == 0:
        return pool[:0]
    return rng.choice(pool, size=count, replace=False, p=weights / weights.sum())


def choose(venue: Venue, candidates: np.ndarray, electors: np.ndarray) -> int:
    """The candidate most electors back: each backs the one whose bloc it likes best (affinity plus
    noise), or its bloc's favourite when it follows the line; ties go to the first nominated."""
    model = venue.model
    pop, rng = model.population, model.rng
    liking = pop.affinity[pop.bloc[electors]][:, pop.bloc[candidates]]  # electors × candidates
    noisy = liking + model.scenario.positions.noise * rng.standard_normal(liking.shape)
    favourite = noisy.argmax(axis=1)
    bloc = pop.bloc[electors]
    follows = rng.random(len(electors)) < pop.cohesion[bloc]
    favourite[follows] = liking[follows].argmax(axis=1)  # the line: the bloc's own preference
    votes = np.bincount(favourite, minlength=len(candidates))
    return int(candidates[int(votes.argmax())])


def appoint(venue: Venue, week: int) -> None:
    """A new study period: the chair, then each post, appointed from nominations by the Member States."""
    model = venue.model
    pop, rng = model.population, model.rng
    members = venue.members
    electors = venue.of_class("member-state")
    if not len(members) or not len(electors):
        return
    activity = pop.attendance * pop.contributions
    taken: list[int] = []
    for _ in range(1 + venue.spec.posts.count):
        pool = np.setdiff1d(members, taken)
        candidates = nominate(activity, pool, CANDIDATES, rng)
        if not len(candidates):
            break
        taken.append(choose(venue, candidates, electors))
    venue.chair, venue.posts = taken[0], taken[1:]
    by_bloc: dict[str, int] = {}
    for holder in taken:
        name = model.bloc_name(int(pop.bloc[holder])) or "none"
        by_bloc[name] = by_bloc.get(name, 0) + 1
    counts = {"posts": len(taken), **{f"posts_{bloc}": n for bloc, n in sorted(by_bloc.items())}}
    decision = Decision(True, "appointed", _APPOINTED, counts)
    venue.record(None, week, "appointments", "itu-t.appointments", decision)
    model.posts_changed()
