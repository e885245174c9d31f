"""The one entry point: `power`, exact within a budget of steps, else Monte Carlo."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from sdo_sim.analysis.power.exact import EXACT_BUDGET, banzhaf_exact, exact_cost, shapley_shubik_exact
from sdo_sim.analysis.power.games import Game, Number, PowerError, PowerIndices
from sdo_sim.analysis.power.monte_carlo import (
    DEFAULT_SAMPLES,
    banzhaf_monte_carlo,
    normalised_se,
    shapley_shubik_monte_carlo,
)

METHODS = ("auto", "exact", "monte-carlo")


def _normalise(game: Game, raw: Sequence[Number]) -> tuple[list[Number], bool]:
    total = sum((t.count * r for t, r in zip(game.types, raw, strict=True)), Fraction(0))
    if not total:
        return [Fraction(0)] * len(raw), False
    return [r / total for r in raw], True


def power(
    game: Game,
    *,
    method: str = "auto",
    samples: int = DEFAULT_SAMPLES,
    seed: int = 1,
    abstention: Fraction | int | str = 0,
    budget: int = EXACT_BUDGET,
) -> PowerIndices:
    """Banzhaf (absolute and normalised) and Shapley–Shubik indices of one player of each type.

    `method`: "exact", "monte-carlo", or "auto" (exact within `budget` steps, else Monte Carlo)."""
    if method not in METHODS:
        raise PowerError(f"method: got {method!r}; allowed: {', '.join(METHODS)}")
    a = Fraction(repr(abstention)) if isinstance(abstention, float) else Fraction(abstention)
    if not 0 <= a < 1:
        raise PowerError(f"abstention must be at least 0 and below 1, got {a}")
    if samples < 2:
        raise PowerError(f"samples must be at least 2, got {samples}")
    cost = exact_cost(game, a)
    if method == "exact" and cost > budget:
        raise PowerError(
            f"an exact computation needs about {cost:,} steps, over the {budget:,} allowed; "
            "use Monte Carlo (--method monte-carlo or auto)"
        )
    if method == "exact" or (method == "auto" and cost <= budget):
        raw = banzhaf_exact(game, a)
        normalised, decisive = _normalise(game, raw)
        shapley = None if a else shapley_shubik_exact(game)
        return PowerIndices(
            game.types,
            tuple(raw),
            tuple(normalised),
            None if shapley is None else tuple(shapley),
            "exact",
            a,
            decisive=decisive,
        )
    rng = np.random.default_rng(seed)
    raw_mc, raw_se, swings = banzhaf_monte_carlo(game, samples, rng, a)
    normalised_mc, decisive = _normalise(game, raw_mc)
    norm_se = normalised_se(game, raw_mc, swings)
    shapley_mc: tuple[float, ...] | None = None
    shapley_se: tuple[float, ...] | None = None
    if not a:
        values, errors = shapley_shubik_monte_carlo(game, samples, rng)
        shapley_mc, shapley_se = tuple(values), tuple(errors)
    return PowerIndices(
        game.types,
        tuple(raw_mc),
        tuple(float(x) for x in normalised_mc),
        shapley_mc,
        "monte-carlo",
        a,
        samples,
        seed,
        tuple(raw_se),
        tuple(norm_se),
        shapley_se,
        decisive,
    )


__all__ = ["METHODS", "power"]
