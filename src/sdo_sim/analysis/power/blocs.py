"""A rule game's players under the two a priori models, and the indices under each.

Two a priori models, both yes/no with equal chance unless `abstention` is given (`indices.power`):

- **members**: every member votes on its own (one player each; a 3GPP member with several
  memberships casts them together, as the model does under `affiliates: each`);
- **blocs**: every bloc whose cohesion is above 0 votes as one player, all its voting members
  the same way (the bloc line with cohesion 1); members of a bloc of cohesion 0 and members of no
  bloc vote on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sdo_sim.analysis.power.games import Game, PlayerType, PowerIndices
from sdo_sim.analysis.power.indices import power
from sdo_sim.analysis.power.rules import RuleGame

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel


@dataclass
class Model:
    """One a priori model of a rule game: the game, each voter's type, and the indices."""

    game: Game
    type_of: np.ndarray  # type index per voter
    indices: PowerIndices


def players(rule: RuleGame, model: SDOModel, en_bloc: bool) -> tuple[Game, np.ndarray]:
    """The rule's game with members alone (en_bloc False) or cohesive blocs as one player each."""
    pop = model.population
    cohesion = {name: bloc.cohesion for name, bloc in model.scenario.blocs.items()}
    keys: dict[tuple[Any, ...], int] = {}
    labels: list[str] = []
    counts: list[int] = []
    vectors: list[np.ndarray] = []
    type_of = np.zeros(len(rule.voters), dtype=np.int64)
    for k, (actor, role) in enumerate(zip(rule.voters.tolist(), rule.roles, strict=True)):
        bloc = model.bloc_name(int(pop.bloc[actor]))
        whole = bool(en_bloc and bloc and cohesion.get(bloc, 0.0) > 0)
        key = ("bloc", bloc) if whole else ("member", role, tuple(rule.votes[k].tolist()))
        if key not in keys:
            keys[key] = len(labels)
            labels.append(f"{bloc} bloc (en bloc)" if whole else role)
            counts.append(0)
            vectors.append(np.zeros(len(rule.dimensions), dtype=np.int64))
        t = type_of[k] = keys[key]
        if whole:
            counts[t] = 1
            vectors[t] = vectors[t] + rule.votes[k]
        else:
            counts[t] += 1
            vectors[t] = rule.votes[k]
    types = tuple(
        PlayerType(label, n, tuple(int(x) for x in v))
        for label, n, v in zip(labels, counts, vectors, strict=True)
    )
    return Game(types, rule.wins, rule.dimensions, cache=rule.cache), type_of


def solve(rule: RuleGame, model: SDOModel, **options: Any) -> tuple[Model, Model]:
    """Indices under both a priori models (options: method, samples, seed, abstention)."""
    out = []
    for en_bloc in (False, True):
        game, type_of = players(rule, model, en_bloc)
        out.append(Model(game, type_of, power(game, **options)))
    return out[0], out[1]


__all__ = ["Model", "players", "solve"]
