"""Monte Carlo indices from a seeded generator, each estimate with its standard error."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from sdo_sim.analysis.power.games import Game, Oracle, without_null_types

DEFAULT_SAMPLES = 20_000
_CHUNK = 2_000_000  # array cells handled at once by the Monte Carlo estimators


def _chunks(samples: int, width: int) -> list[int]:
    size = max(1, _CHUNK // max(1, width))
    return [min(size, samples - start) for start in range(0, samples, size)]


def banzhaf_monte_carlo(
    game: Game, samples: int, rng: np.random.Generator, abstention: Fraction = Fraction(0)
) -> tuple[list[float], list[float], np.ndarray]:
    """Absolute Banzhaf estimates per type, their standard errors, and the swing indicators.

    Every sample draws one vote for a designated player of each type and the votes of the type's
    other members; a type's own player is then taken out, so one sample serves every type."""
    reduced, keep = without_null_types(game)
    raw, se = [0.0] * len(game.types), [0.0] * len(game.types)
    swings = np.zeros((samples, len(game.types)), dtype=bool)
    if not keep:
        return raw, se, swings
    oracle = Oracle(reduced)
    votes = np.array([t.votes for t in reduced.types], dtype=np.int64)  # (types, dimensions)
    counts = np.array([t.count for t in reduced.types], dtype=np.int64)
    a = float(abstention)
    p_yes = (1.0 - a) / 2.0
    done = 0
    for size in _chunks(samples, len(keep) * (len(reduced.dimensions) + 2)):
        u = rng.random((size, len(keep)))
        first_yes, first_no = u < p_yes, (u >= p_yes) & (u < 2 * p_yes)
        if a:
            drawn = rng.multinomial(counts - 1, [p_yes, p_yes, a], size=(size, len(keep)))
            rest_yes, rest_no = drawn[..., 0], drawn[..., 1]
        else:
            rest_yes = rng.binomial(counts - 1, 0.5, size=(size, len(keep)))
            rest_no = counts - 1 - rest_yes
        yes_all = (rest_yes + first_yes) @ votes
        no_all = (rest_no + first_no) @ votes
        for j, i in enumerate(keep):
            yes = yes_all - np.outer(first_yes[:, j], votes[j])
            no = no_all - np.outer(first_no[:, j], votes[j])
            swings[done : done + size, i] = oracle.many(yes + votes[j], no) != oracle.many(yes, no + votes[j])
        done += size
    mean = swings.mean(axis=0)
    for i in keep:
        raw[i] = float(mean[i])
        se[i] = float(np.sqrt(mean[i] * (1.0 - mean[i]) / max(1, samples - 1)))
    return raw, se, swings


def normalised_se(game: Game, raw: Sequence[float], swings: np.ndarray) -> list[float]:
    """Delta-method standard errors of raw_i / Σ count_j raw_j, the samples being shared."""
    counts = np.array([t.count for t in game.types], dtype=float)
    total = float(np.dot(counts, raw))
    if total == 0.0:
        return [0.0] * len(game.types)
    weighted = swings.astype(float) @ counts  # Σ_j count_j · swing_j, per sample
    out = []
    for i, value in enumerate(raw):
        linear = swings[:, i] - (value / total) * weighted
        out.append(float(np.std(linear, ddof=1) / total / np.sqrt(len(swings))) if len(swings) > 1 else 0.0)
    return out


def shapley_shubik_monte_carlo(
    game: Game, samples: int, rng: np.random.Generator
) -> tuple[list[float], list[float]]:
    """Shapley–Shubik estimates per type from random orderings, and their standard errors.

    In each ordering the pivot is the player whose yes first makes the coalition win (found by
    bisection in a monotone game; otherwise every player's marginal contribution is summed)."""
    reduced, keep = without_null_types(game)
    values, se = [0.0] * len(game.types), [0.0] * len(game.types)
    if not keep:
        return values, se
    oracle = Oracle(reduced)
    votes = np.array([t.votes for t in reduced.types], dtype=np.int64)
    labels = np.repeat(np.arange(len(keep)), [t.count for t in reduced.types])
    totals = np.array(reduced.totals, dtype=np.int64)
    n = len(labels)
    gained = np.zeros((samples, len(keep)))
    done = 0
    for size in _chunks(samples, n * (len(reduced.dimensions) + 1)):
        order = rng.permuted(np.tile(labels, (size, 1)), axis=1)
        prefix = np.cumsum(votes[order], axis=1)  # (size, n, dimensions): totals after k + 1 players
        prefix = np.concatenate([np.zeros((size, 1, len(totals)), dtype=np.int64), prefix], axis=1)
        rows = np.arange(size)
        if reduced.monotone:
            lo, hi = np.zeros(size, dtype=np.int64), np.full(size, n, dtype=np.int64)
            while (lo < hi).any():  # the least k whose first k players win
                mid = (lo + hi) // 2
                at = prefix[rows, mid]
                won = oracle.many(at, totals - at)
                hi, lo = np.where(won, mid, hi), np.where(won, lo, mid + 1)
            won_all = oracle.many(prefix[rows, n], totals - prefix[rows, n])
            lost_none = ~oracle.many(prefix[rows, 0], totals - prefix[rows, 0])
            ok = won_all & lost_none & (lo > 0)
            gained[done + rows[ok], order[rows[ok], lo[ok] - 1]] = 1.0
        else:
            flat = prefix.reshape(-1, len(totals))
            value = oracle.many(flat, totals - flat).reshape(size, n + 1).astype(float)
            for k in range(n):
                np.add.at(gained[done : done + size], (rows, order[:, k]), value[:, k + 1] - value[:, k])
        done += size
    counts = np.array([t.count for t in reduced.types], dtype=float)
    mean = gained.mean(axis=0)
    spread = gained.std(axis=0, ddof=1) if samples > 1 else np.zeros(len(keep))
    for j, i in enumerate(keep):
        values[i] = float(mean[j] / counts[j])
        se[i] = float(spread[j] / np.sqrt(samples) / counts[j])
    return values, se


__all__ = ["DEFAULT_SAMPLES", "banzhaf_monte_carlo", "normalised_se", "shapley_shubik_monte_carlo"]
