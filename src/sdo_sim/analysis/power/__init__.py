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

The package: `games` (player types, games, the indices' container), `exact` (generating functions
over the vote totals), `monte_carlo` (seeded estimates with standard errors), `indices` (`power`,
which picks one); the SDO rules as games in `rules`, their players in `blocs`, the scenario's
states in `timeline`, what the runs produced in `runs`, and `sdo-sim power SCENARIO`'s report in
`report` and its figures in `plots`; `sdo-sim power`'s tables and JSON in `show`, its `--out` files
in `files`.
"""

from __future__ import annotations

from sdo_sim.analysis.power.exact import EXACT_BUDGET, banzhaf_exact, exact_cost, shapley_shubik_exact
from sdo_sim.analysis.power.games import (
    Game,
    PlayerType,
    PowerError,
    PowerIndices,
    by_player,
    coalition_game,
    weighted_game,
)
from sdo_sim.analysis.power.indices import METHODS, power
from sdo_sim.analysis.power.monte_carlo import (
    DEFAULT_SAMPLES,
    banzhaf_monte_carlo,
    shapley_shubik_monte_carlo,
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
