"""Coordination: the bloc line as behaviour at every gate, with backing, defection and discipline.

The reports: Chinese firms "typically vote as a single bloc", unlike experts from other countries
who follow their own judgement (Russel & Berger 2020, lines 911-916); bloc voting was once alleged
of EU members too (Teleanu 2021, line 1004). In 2016 a Chinese company that backed a rival's
proposal was denounced as a "traitor" and its founder apologised (Russel & Berger 2020, lines
916-924): cohesion is enforced after the fact. He 2022 (line 259) finds commercial interest
prevailing over the line. None of the reports gives a size for cohesion, the defection threshold
or the sanction: all three are *assumed* and meant to be swept (docs/ODD.md, "Coordination").

A bloc that `backs_own` proposals sets its line to yes on every proposal of its own members, as
the Party-State is reported to push Chinese companies "to vote for Chinese proposals" (Russel &
Berger 2020, lines 135-137, 503-504); otherwise the line is the bloc's own judgement of the text.
A member following the line acts on it wherever it takes a position (votes, consensus calls,
consultations, comments, objections, commitment): its utility is moved past every threshold in
the line's direction, so that a bloc against a text also files the comments and a bloc behind a
text also commits to (co-sponsors) it. A member whose own utility is further than its threshold
from the line's defects and acts on its own view; each defection seen at a gate raises that
member's threshold by the bloc's `discipline`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.population import ABSENT, ABSTAIN, NO, YES

if TYPE_CHECKING:
    from sdo_sim.population import Population
    from sdo_sim.proposals import Proposal
    from sdo_sim.scenario.schema import Positions

#: How far past the largest threshold a follower's utility is set, so that it clears it strictly.
FIRM = 1e-6


def line_utilities(pop: Population, proposal: Proposal, weights: Positions) -> np.ndarray:
    """Each bloc's utility for the proposal: a notional member at the bloc's ideal point, without noise."""
    base = weights.value + weights.merit * (2.0 * proposal.quality - 1.0)
    distance = np.linalg.norm(pop.bloc_ideal - proposal.point, axis=1)
    politics = weights.distance * distance - weights.affinity * pop.affinity[:, proposal.bloc]
    lines = base - proposal.salience * politics
    if pop.backs_own[proposal.bloc]:  # "pushing [its] companies to vote for [its] proposals"
        lines[proposal.bloc] = max(lines[proposal.bloc], acting_utility(weights))
    return lines


def line_stances(utilities: np.ndarray, band: float) -> np.ndarray:
    """The bloc lines: yes above the abstain band, no below minus the band, abstain within it."""
    return np.where(utilities > band, YES, np.where(utilities < -band, NO, ABSTAIN)).astype(np.int8)


def acting_utility(weights: Positions) -> float:
    """The utility a follower of a yes line acts with (minus it for a no line): past every threshold."""
    return max(weights.abstain_band, weights.objection_threshold, weights.support_threshold) + FIRM


def follow(
    pop: Population,
    idx: np.ndarray,
    utility: np.ndarray,
    proposal: Proposal,
    weights: Positions,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(utilities acted on, defectors, followers): followers (chance cohesion) take the line unless too far
    from it; who followed is what a run's `positions` table records (reasons.py)."""
    bloc = pop.bloc[idx]
    follows = rng.random(len(idx)) < pop.cohesion[bloc]
    if not follows.any():
        return utility, follows, follows
    lines = line_utilities(pop, proposal, weights)
    line = lines[bloc]
    defects = follows & (np.abs(utility - line) > pop.defection_threshold[bloc] + pop.sanctions[idx])
    follows &= ~defects
    stance = line_stances(lines, weights.abstain_band)[bloc]
    reach = acting_utility(weights)
    acted = utility.copy()
    acted[follows & (stance == YES)] = np.maximum(utility, reach)[follows & (stance == YES)]
    acted[follows & (stance == NO)] = np.minimum(utility, -reach)[follows & (stance == NO)]
    acted[follows & (stance == ABSTAIN)] = 0.0
    return acted, defects, follows


def sanction(pop: Population, idx: np.ndarray, defects: np.ndarray, stance: np.ndarray) -> np.ndarray:
    """Raise the threshold of each defector seen at the gate (present) by its bloc's discipline."""
    seen = idx[defects & (stance != ABSENT)]
    if len(seen):
        np.add.at(pop.sanctions, seen, pop.discipline[pop.bloc[seen]])
    return seen
