"""A priori voting power: Banzhaf and Shapley–Shubik indices of simple games (issue 10 item 5).

A game here is a winning predicate over vote counts: each player, when it votes, adds a fixed
vector of votes to one or more *dimensions* (ISO's enquiry vote has two: P-member votes and the
votes of all national bodies), and `wins(yes, no)` says whether the yes and no totals per dimension
carry the decision. Players that add the same vector are one *type* (`PlayerType`: a label, how
many such players, their vector): a committee of 165 national bodies is three types, not 165
players, which is what makes the exact computation small.

The a priori (Penrose–Banzhaf) model: every player votes yes or no, independently, with equal
chance; with `abstention` a > 0 each abstains with chance a and votes yes or no with (1 - a)/2
each, so that rules counting *votes cast* (3GPP's 71 %, ISO's thresholds) can be told from rules
counting members.

- Banzhaf: the chance that a player's vote decides, that the outcome with its yes differs from
  the outcome with its no (`banzhaf_raw`, the absolute index); `banzhaf` normalises these to sum
  to one over all players. Penrose's identity: a player's chance of being on the winning side
  (Rae's success) is ½ + ½ · banzhaf_raw, in the yes/no model.
- Shapley–Shubik: the share of the orderings of the players in which a player turns a losing
  coalition into a winning one (yes/no games only; not defined here with abstention).

Exact computation convolves the types' counts in the space of vote totals (a generating function
over several dimensions; for a weighted game the classic one-variable one) with integer
arithmetic, so that results are `Fraction`s. When that would take more than `EXACT_BUDGET`
steps, Monte Carlo estimates the indices from `samples` draws of a seeded
`numpy.random.default_rng(seed)` and gives each estimate its standard error.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from operator import add

import numpy as np

#: Exact computation is used when it needs at most this many steps (a step: one count added to
#: one total, about a microsecond); beyond, Monte Carlo (method "auto").
EXACT_BUDGET = 3_000_000
DEFAULT_SAMPLES = 20_000
METHODS = ("auto", "exact", "monte-carlo")
_CHUNK = 2_000_000  # array cells handled at once by the Monte Carlo estimators

Number = Fraction | float


class PowerError(ValueError):
    """A game or an option the indices cannot be computed for (caught by the CLI as one line)."""


@dataclass(frozen=True)
class PlayerType:
    """`count` identical players, each adding `votes` (one integer per dimension) when it votes."""

    label: str
    count: int
    votes: tuple[int, ...]


@dataclass(frozen=True)
class Game:
    """A simple game: player types and `wins(yes, no)` over the totals per dimension.

    `monotone` (more yes votes never lose a won decision) lets the Shapley–Shubik estimator
    search for the pivot by bisection; every SDO rule here is monotone in the yes/no model."""

    types: tuple[PlayerType, ...]
    wins: Callable[[tuple[int, ...], tuple[int, ...]], bool]
    dimensions: tuple[str, ...] = ("votes",)
    monotone: bool = True
    #: answers of `wins` already asked; games with the same predicate may share one
    cache: dict[tuple[tuple[int, ...], tuple[int, ...]], bool] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if not self.types:
            raise PowerError("a game needs at least one player")
        for t in self.types:
            if t.count < 1 or len(t.votes) != len(self.dimensions) or min(t.votes) < 0:
                raise PowerError(f"player type {t.label!r}: count >= 1 and one vote count >= 0 per dimension")

    @property
    def players(self) -> int:
        return sum(t.count for t in self.types)

    @property
    def totals(self) -> tuple[int, ...]:
        """The votes in each dimension when every player votes."""
        return tuple(sum(t.count * t.votes[d] for t in self.types) for d in range(len(self.dimensions)))


@dataclass(frozen=True)
class PowerIndices:
    """Indices per player type, each *for one player of the type* (the type's total is count ×).

    Exact results are `Fraction`s; Monte Carlo results are floats with standard errors
    (`*_se`). `shapley_shubik` is None when abstention is allowed."""

    types: tuple[PlayerType, ...]
    banzhaf_raw: tuple[Number, ...]
    banzhaf: tuple[Number, ...]
    shapley_shubik: tuple[Number, ...] | None
    method: str
    abstention: Fraction = Fraction(0)
    samples: int | None = None
    seed: int | None = None
    banzhaf_raw_se: tuple[float, ...] | None = None
    banzhaf_se: tuple[float, ...] | None = None
    shapley_shubik_se: tuple[float, ...] | None = None
    #: False: no vote ever changes the outcome (exact), or Monte Carlo saw no decisive vote in its
    #: samples (the chance is then below about 3/samples): the normalised indices are 0.
    decisive: bool = True

    def success(self, i: int) -> Number:
        """Rae's index of type i's player: its chance to be on the winning side (yes/no model)."""
        return Fraction(1, 2) + self.banzhaf_raw[i] / 2


# --- games ---------------------------------------------------------------------------------


def weighted_game(weights: Sequence[int], quota: int) -> Game:
    """[quota; w1, ..., wn]: a coalition wins when its weight reaches the quota.

    Players of equal weight become one type, in order of first appearance (`by_player` maps
    the result back to the players)."""
    if not weights or any(not isinstance(w, int) or isinstance(w, bool) or w < 1 for w in weights):
        raise PowerError("weights must be positive whole numbers")
    if not 1 <= quota <= sum(weights):
        raise PowerError(f"quota must be from 1 to the total weight {sum(weights)}, got {quota}")
    counts: dict[int, int] = {}
    for w in weights:
        counts[w] = counts.get(w, 0) + 1
    types = tuple(PlayerType(f"weight {w}", n, (w,)) for w, n in counts.items())
    return Game(types, lambda yes, no: yes[0] >= quota, ("weight",))


def by_player(indices: Sequence[Number], game: Game, weights: Sequence[int]) -> list[Number]:
    """A weighted game's per-type values in the order of its weights."""
    position = {t.votes[0]: i for i, t in enumerate(game.types)}
    return [indices[position[w]] for w in weights]


def coalition_game(players: Sequence[str], wins: Callable[[frozenset[int]], bool]) -> Game:
    """Any game as a predicate over the coalition of yes-voters (player numbers); 2^n coalitions."""
    n = len(players)
    types = tuple(PlayerType(name, 1, tuple(int(j == i) for j in range(n))) for i, name in enumerate(players))

    def wins_counts(yes: tuple[int, ...], no: tuple[int, ...]) -> bool:
        return wins(frozenset(i for i, v in enumerate(yes) if v))

    return Game(types, wins_counts, tuple(players), monotone=False)


# --- the winning predicate, memoised and vectorised ----------------------------------------------


class _Oracle:
    """`game.wins` with a cache, and for arrays of totals (each distinct row asked once)."""

    def __init__(self, game: Game) -> None:
        self.wins = game.wins
        self.cache = game.cache
        self.radix = [t + 1 for t in game.totals]

    def __call__(self, yes: tuple[int, ...], no: tuple[int, ...]) -> bool:
        key = (yes, no)
        value = self.cache.get(key)
        if value is None:
            value = self.cache[key] = bool(self.wins(yes, no))
        return value

    def many(self, yes: np.ndarray, no: np.ndarray) -> np.ndarray:
        """wins for each row of (yes, no) arrays of shape (m, dimensions)."""
        rows = np.concatenate([yes, no], axis=1)
        scale = 1
        for r in self.radix * 2:
            scale *= r
        if scale < 2**62:  # one integer per row: a fast one-dimensional unique
            codes = np.zeros(len(rows), dtype=np.int64)
            for column, r in zip(rows.T, self.radix * 2, strict=True):
                codes = codes * r + column
            _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
            distinct = rows[first]
        else:
            distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        d = yes.shape[1]
        values = np.array([self(tuple(row[:d].tolist()), tuple(row[d:].tolist())) for row in distinct])
        return values[inverse.reshape(-1)]


# --- exact: generating functions over the vote totals --------------------------------------------


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


def _reduced(game: Game) -> tuple[Game, list[int]]:
    """The game without null types (votes all zero: they never change a total, so they are never
    decisive, and leaving them out changes no one else's index); and where each type went."""
    keep = [i for i, t in enumerate(game.types) if any(t.votes)]
    if not keep:
        return game, []
    return Game(
        tuple(game.types[i] for i in keep), game.wins, game.dimensions, game.monotone, game.cache
    ), keep


def banzhaf_exact(game: Game, abstention: Fraction = Fraction(0)) -> list[Fraction]:
    """The absolute Banzhaf index of one player of each type, exactly."""
    reduced, keep = _reduced(game)
    raw = [Fraction(0)] * len(game.types)
    if not keep:
        return raw
    oracle = _Oracle(reduced)
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
    reduced, keep = _reduced(game)
    values = [Fraction(0)] * len(game.types)
    if not keep:
        return values
    oracle = _Oracle(reduced)
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


# --- Monte Carlo -------------------------------------------------------------------------------


def _chunks(samples: int, width: int) -> list[int]:
    size = max(1, _CHUNK // max(1, width))
    return [min(size, samples - start) for start in range(0, samples, size)]


def banzhaf_monte_carlo(
    game: Game, samples: int, rng: np.random.Generator, abstention: Fraction = Fraction(0)
) -> tuple[list[float], list[float], np.ndarray]:
    """Absolute Banzhaf estimates per type, their standard errors, and the swing indicators.

    Every sample draws one vote for a designated player of each type and the votes of the type's
    other members; a type's own player is then taken out, so one sample serves every type."""
    reduced, keep = _reduced(game)
    raw, se = [0.0] * len(game.types), [0.0] * len(game.types)
    swings = np.zeros((samples, len(game.types)), dtype=bool)
    if not keep:
        return raw, se, swings
    oracle = _Oracle(reduced)
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


def _normalised_se(game: Game, raw: Sequence[float], swings: np.ndarray) -> list[float]:
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
    reduced, keep = _reduced(game)
    values, se = [0.0] * len(game.types), [0.0] * len(game.types)
    if not keep:
        return values, se
    oracle = _Oracle(reduced)
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


# --- the one entry point -----------------------------------------------------------------------


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
    norm_se = _normalised_se(game, raw_mc, swings)
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


__all__ = [
    "DEFAULT_SAMPLES",
    "EXACT_BUDGET",
    "METHODS",
    "Game",
    "PlayerType",
    "PowerError",
    "PowerIndices",
    "banzhaf_exact",
    "banzhaf_monte_carlo",
    "by_player",
    "coalition_game",
    "exact_cost",
    "power",
    "shapley_shubik_exact",
    "shapley_shubik_monte_carlo",
    "weighted_game",
]
