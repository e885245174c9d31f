"""Simple games as player types and a winning predicate over vote totals, and their indices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

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


# --- weighted and coalition games ---------------------------------------------------------------


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


class Oracle:
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


def without_null_types(game: Game) -> tuple[Game, list[int]]:
    """The game without null types (votes all zero: they never change a total, so they are never
    decisive, and leaving them out changes no one else's index); and where each type went."""
    keep = [i for i, t in enumerate(game.types) if any(t.votes)]
    if not keep:
        return game, []
    return Game(
        tuple(game.types[i] for i in keep), game.wins, game.dimensions, game.monotone, game.cache
    ), keep


__all__ = [
    "Game",
    "Number",
    "Oracle",
    "PlayerType",
    "PowerError",
    "PowerIndices",
    "by_player",
    "coalition_game",
    "weighted_game",
    "without_null_types",
]
