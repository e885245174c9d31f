"""Compiled position kernels (numba): the same arithmetic as `Population.utilities`, `coordination.follow`
and `Population.stances`, in one pass over the voters instead of some thirty numpy calls per gate.

The numpy code stays the reference: `tests/model/test_kernels.py` checks that every kernel gives the
same bits on random inputs, and that every shipped scenario's tables are unchanged. Random numbers
are drawn by the callers with numpy, in the reference's order, and passed in; the kernels draw none.
Operations are written in the reference's order, without fastmath, so that IEEE arithmetic gives
identical results (no reassociation, no fused multiply-add).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sdo_sim.coordination import acting_utility, line_stances, line_utilities

if TYPE_CHECKING:
    from sdo_sim.population import Population
    from sdo_sim.proposals import Proposal
    from sdo_sim.scenario.schema import Positions

NO_DRAWS = np.zeros(0)


def positions(
    pop: Population, idx: np.ndarray, proposal: Proposal, weights: Positions, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(own utilities, utilities acted on, defectors, followers): `Population.utilities` then
    `coordination.follow`, drawing the same random numbers in the same order."""
    base = weights.value + weights.merit * (2.0 * proposal.quality - 1.0)
    noise = rng.standard_normal(len(idx)) if weights.noise else NO_DRAWS
    # every argument in the one layout `warm` compiled for: a new signature would compile mid-run
    idx = _c(idx, np.int64)
    point = _c(proposal.point, np.float64)
    column = _c(pop.affinity[:, proposal.bloc], np.float64)
    terms = (point, pop.bloc, column, float(base), float(proposal.salience), float(weights.distance),
             float(weights.affinity))  # fmt: skip
    state = own_utilities(pop.home_states, pop.ideal, *terms, NO_DRAWS, 0.0, pop.home_slot, pop.alignment,
                          NO_DRAWS, False)  # fmt: skip
    own = own_utilities(idx, pop.ideal, *terms, noise, float(weights.noise), pop.home_slot, pop.alignment,
                        state, True)  # fmt: skip
    drawn = rng.random(len(idx))
    lines = line_utilities(pop, proposal, weights)
    acted, defects, follows = follow_lines(idx, own, pop.bloc, drawn, pop.cohesion, _c(lines, np.float64),
                                           line_stances(lines, weights.abstain_band), pop.defection_threshold,
                                           pop.sanctions, float(acting_utility(weights)))  # fmt: skip
    return own, acted, defects, follows


def _c(values: np.ndarray, dtype: type) -> np.ndarray:
    """The array as C-contiguous `dtype` (a copy only when it is not already)."""
    return np.ascontiguousarray(values, dtype=dtype)


def signatures() -> int:
    """How many argument layouts the kernels have compiled in this process (one each after `warm`)."""
    return len(own_utilities.signatures) + len(follow_lines.signatures)


def warm() -> None:
    """Compile (or load from numba's cache) the kernels for the argument types runs use, once per
    process: a sweep calls it before forking its workers, so they inherit the compiled code."""
    idx, none = np.arange(2, dtype=np.int64), np.full(2, -1, dtype=np.int64)
    ideal, values = np.zeros((2, 2)), np.zeros(2)
    own = own_utilities(idx, ideal, values, idx, values, 0.0, 1.0, 1.0, 1.0, NO_DRAWS, 0.0, none, values,
                        values, True)  # fmt: skip
    follow_lines(idx, own, idx, values, values, values, np.zeros(2, dtype=np.int8), values, values, 1.0)


@njit(cache=True)
def own_utilities(
    idx: np.ndarray,
    ideal: np.ndarray,
    point: np.ndarray,
    bloc: np.ndarray,
    affinity_to_proposer: np.ndarray,
    base: float,
    salience: float,
    w_distance: float,
    w_affinity: float,
    noise: np.ndarray,
    noise_weight: float,
    home_slot: np.ndarray,
    alignment: np.ndarray,
    state: np.ndarray,
    pressure: bool,
) -> np.ndarray:
    """Each listed actor's utility (docs/ODD.md 7.1): distance, affinity, noise, home-state pressure.

    `state` holds each home state's own utility (row `home_slot`), `noise` the standard normal draws
    (empty when the noise weight is 0)."""
    n, d = len(idx), ideal.shape[1]
    out = np.empty(n)
    for k in range(n):
        i = idx[k]
        total = 0.0
        for j in range(d):
            gap = ideal[i, j] - point[j]
            total += gap * gap
        politics = w_distance * np.sqrt(total) - w_affinity * affinity_to_proposer[bloc[i]]
        u = base - salience * politics
        if len(noise):
            u = u + noise_weight * noise[k]
        slot = home_slot[i] if pressure else -1
        if slot >= 0:
            a = alignment[i]
            u = (1.0 - a) * u + a * state[slot]
        out[k] = u
    return out


@njit(cache=True)
def follow_lines(
    idx: np.ndarray,
    utility: np.ndarray,
    bloc: np.ndarray,
    drawn: np.ndarray,
    cohesion: np.ndarray,
    lines: np.ndarray,
    line_stance: np.ndarray,
    defection_threshold: np.ndarray,
    sanctions: np.ndarray,
    reach: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(utilities acted on, defectors, followers): coordination.follow for drawn uniforms `drawn`."""
    n = len(idx)
    acted = utility.copy()
    defects = np.zeros(n, dtype=np.bool_)
    follows = np.zeros(n, dtype=np.bool_)
    for k in range(n):
        i = idx[k]
        b = bloc[i]
        if not drawn[k] < cohesion[b]:
            continue
        u = utility[k]
        if abs(u - lines[b]) > defection_threshold[b] + sanctions[i]:
            defects[k] = True
            continue
        follows[k] = True
        s = line_stance[b]
        if s == 1:
            acted[k] = max(u, reach)
        elif s == -1:
            acted[k] = min(u, -reach)
        else:
            acted[k] = 0.0
    return acted, defects, follows
