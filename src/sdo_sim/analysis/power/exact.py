"""Exact indices: generating functions over the vote totals, in integer arithmetic (Fractions)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from operator import add

from sdo_sim.analysis.power.games import Game, Oracle, PlayerType, without_null_types

#: Exact computation is used when it needs at most this many steps (a step: one count added to
#: one total, about a microsecond); beyond, Monte Carlo (method "auto").
EXACT_BUDGET = 3_000_000


def _binomials(n: int) -> list[int]:
    row = [1] * (n + 1)
    for c in range(1, n + 1):
        row[c] = row[c - 1] * (n - c + 1) // c
    return row


def _choices(n: int, votes: tuple[int, ...], weights: tuple[int, int, int] | None, size: bool) -> list:
    """(added totals, ways) for n players of one type: c of them yes (and, with abstention, m no).

    Without abstention the key is the yes totals (no follows); with it, yes and no totals."""
    out = []
    if weights is None:
        for c, ways in enumerate(_binomials(n)):
            delta = tuple(c * v for v in votes)
            out.append(((*delta, c) if size else delta, ways))
        return out
    w_yes, w_no, w_abstain = weights
    fact = [math.factorial(k) for k in range(n + 1)]
    for c in range(n + 1):
        for m in range(n - c + 1):
            rest = n - c - m
            if rest and not w_abstain:
                continue
            ways = fact[n] // (fact[c] * fact[m] * fact[rest]) * w_yes**c * w_no**m * w_abstain**rest
            out.append(((*(c * v for v in votes), *(m * v for v in votes)), ways))
    return out


def _ternary_weights(abstention: Fraction) -> tuple[tuple[int, int, int] | None, int]:
    """Integer weights of yes, no, abstain for one player, and their sum (None: yes/no only)."""
    if not abstention:
        return None, 2
    p, q = abstention.numerator, abstention.denominator
    return (q - p, q - p, 2 * p), 2 * q


def _ordered(types: Sequence[PlayerType]) -> list[int]:
    """Small types first, so the table of totals stays small as long as possible."""
    return sorted(range(len(types)), key=lambda i: types[i].count)


def _distribution(game: Game, skip: int, abstention: Fraction, size: bool) -> dict[tuple[int, ...], int]:
    """Ways the players other than one of type `skip` reach each key of totals (a generating function)."""
    weights, _ = _ternary_weights(abstention)
    width = len(game.dimensions) * (1 if weights is None else 2) + (1 if size else 0)
    dist: dict[tuple[int, ...], int] = {(0,) * width: 1}
    for i in _ordered(game.types):
        t = game.types[i]
        n = t.count - (i == skip)
        if n == 0:
            continue
        choices = _choices(n, t.votes, weights, size)
        grown: dict[tuple[int, ...], int] = defaultdict(int)
        for key, ways in dist.items():
            for delta, more in choices:
                grown[tuple(map(add, key, delta))] += ways * more
        dist = grown
    return dist


def exact_cost(game: Game, abstention: Fraction = Fraction(0), shapley: bool = True) -> int:
    """An upper bound on the steps of the exact computation (compared with `EXACT_BUDGET`)."""
    active = [t for t in game.types if any(t.votes)]
    if not active:
        return 0
    ternary = bool(abstention)
    keyspace = 1
    for total in game.totals:
        keyspace *= (total + 1) ** (2 if ternary else 1)
    players = sum(t.count for t in active)
    cost = 0
    for with_size in (False, True) if shapley and not ternary else (False,):
        space = keyspace * (players + 1 if with_size else 1)
        for skip in range(len(active)):
            bound = 1
            for i in _ordered(active):
                n = active[i].count - (i == skip)
                choices = (n + 1) * (n + 2) // 2 if ternary else n + 1
                cost += bound * choices
                bound = min(bound * choices, space)
    return cost


def banzhaf_exact(game: Game, abstention: Fraction = Fraction(0)) -> list[Fraction]:
    """The absolute Banzhaf index of one player of each type, exactly."""
    reduced, keep = without_null_types(game)
    raw = [Fraction(0)] * len(game.types)
    if not keep:
        return raw
    oracle = Oracle(reduced)
    _, per_player = _ternary_weights(abstention)
    d = len(reduced.dimensions)
    totals = reduced.totals
    for j, (i, t) in enumerate(zip(keep, reduced.types, strict=True)):
        others = tuple(total - v for total, v in zip(totals, t.votes, strict=True))
        swings = 0
        for key, ways in _distribution(reduced, j, abstention, size=False).items():
            yes = key[:d]
            no = key[d:] if abstention else tuple(map(int.__sub__, others, yes))
            if oracle(tuple(map(add, yes, t.votes)), no) != oracle(yes, tuple(map(add, no, t.votes))):
                swings += ways
        raw[i] = Fraction(swings, per_player ** (reduced.players - 1))
    return raw


def shapley_shubik_exact(game: Game) -> list[Fraction]:
    """The Shapley–Shubik index of one player of each type, exactly (yes/no model)."""
    reduced, keep = without_null_types(game)
    values = [Fraction(0)] * len(game.types)
    if not keep:
        return values
    oracle = Oracle(reduced)
    n = reduced.players
    fact = [math.factorial(k) for k in range(n + 1)]
    totals = reduced.totals
    d = len(reduced.dimensions)
    for j, (i, t) in enumerate(zip(keep, reduced.types, strict=True)):
        acc = 0
        for key, ways in _distribution(reduced, j, Fraction(0), size=True).items():
            yes, k = key[:d], key[d]
            joined = tuple(map(add, yes, t.votes))
            before = oracle(yes, tuple(map(int.__sub__, totals, yes)))
            after = oracle(joined, tuple(map(int.__sub__, totals, joined)))
            if before != after:
                acc += (after - before) * ways * fact[k] * fact[n - 1 - k]
        values[i] = Fraction(acc, fact[n])
    return values


__all__ = ["EXACT_BUDGET", "banzhaf_exact", "exact_cost", "shapley_shubik_exact"]
