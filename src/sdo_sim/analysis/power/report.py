"""`sdo-sim power SCENARIO`: a priori power under each decision rule of each venue, per bloc and per
actor, beside what the simulation produced; as tables (dicts), CSV and one figure per rule.

What is compared, per bloc (docs/power.md):

- *a priori power*: the bloc's share of the normalised Banzhaf index (and of the Shapley–Shubik
  index) when its members vote alone and when it votes en bloc (`blocs`);
- *a priori success*: the chance that a member's vote is on the winning side, ½ + ½ × its absolute
  Banzhaf index (Penrose's identity), averaged over the bloc's members;
- *simulated success*: the same thing measured in the runs: of the bloc's members' yes and no votes
  in the decisions this rule actually counted, the share that went the way they voted;
- *approval rate*: the share of the bloc's decided proposals in the venue that were approved (the
  run summary's `approval_rate.<bloc>` for a one-venue scenario without events).

A priori numbers are about the rule and the seats alone, every member voting yes or no at random;
the simulated ones add who agrees with whom. The gap between the two is what preferences and
coalitions, not the rule, decide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from sdo_sim.analysis.power.blocs import Model, solve
from sdo_sim.analysis.power.games import PowerError
from sdo_sim.analysis.power.rules import GAMES, NoVote, RuleGame
from sdo_sim.analysis.power.runs import observed
from sdo_sim.analysis.power.timeline import State, groups_of, states

if TYPE_CHECKING:
    from sdo_sim.scenario.schema import Scenario

Progress = Callable[[str], None]


def _per_voter(model: Model) -> tuple[list[Any], list[float], list[Any], list[float], list[Any]]:
    """Each voter's part of the indices (a bloc player's split evenly over its voters), their
    standard errors, and each voter's a priori success."""
    ind = model.indices
    sizes = np.bincount(model.type_of, minlength=len(model.game.types))
    share = [ind.banzhaf[t] * model.game.types[t].count / sizes[t] for t in model.type_of.tolist()]
    if not _known(ind):
        share = [None] * len(share)
    share_se = [
        (ind.banzhaf_se or [0.0] * len(sizes))[t] * model.game.types[t].count / sizes[t]
        for t in model.type_of.tolist()
    ]
    ss = [
        None if ind.shapley_shubik is None else ind.shapley_shubik[t] * model.game.types[t].count / sizes[t]
        for t in model.type_of.tolist()
    ]
    ss_se = [
        (ind.shapley_shubik_se or [0.0] * len(sizes))[t] * model.game.types[t].count / sizes[t]
        for t in model.type_of.tolist()
    ]
    success = [ind.success(t) for t in model.type_of.tolist()]
    return share, share_se, ss, ss_se, success


def _known(ind: Any) -> bool:
    """Whether the normalised Banzhaf index is known: Monte Carlo that saw no deciding vote cannot
    tell how the (tiny) chances compare, so the shares are unknown, not 0."""
    return ind.decisive or ind.method == "exact"


def _sum(values: Sequence[Any]) -> Any:
    if any(v is None for v in values):
        return None
    return sum(values, Fraction(0)) if values else Fraction(0)


def _se_sum(errors: Sequence[float], types: Sequence[int]) -> float:
    """Standard error of a sum of indices: equal within a type, as if independent across types."""
    by_type: dict[int, float] = {}
    for e, t in zip(errors, types, strict=True):
        by_type[t] = by_type.get(t, 0.0) + e
    return float(np.sqrt(sum(v * v for v in by_type.values())))


def bloc_rows(
    rule: RuleGame, state: State, alone: Model, whole: Model, blocs: list[str]
) -> list[dict[str, Any]]:
    """One row per bloc: its voters and votes, and its indices under both a priori models."""
    pop, model = state.model.population, state.model
    names = [model.bloc_name(int(pop.bloc[a])) or "none" for a in rule.voters.tolist()]
    cohesion = {name: bloc.cohesion for name, bloc in model.scenario.blocs.items()}
    per = {key: _per_voter(m) for key, m in (("alone", alone), ("en_bloc", whole))}
    rows = []
    for bloc in blocs:
        mine = [k for k, name in enumerate(names) if name == bloc]
        row: dict[str, Any] = {
            "bloc": bloc,
            "cohesion": cohesion.get(bloc),
            "en_bloc": bool(bloc != "none" and cohesion.get(bloc, 0.0) > 0),
            "voters": len(mine),
            "votes": [int(rule.votes[mine, d].sum()) for d in range(len(rule.dimensions))],
        }
        for key, m in (("alone", alone), ("en_bloc", whole)):
            share, share_se, ss, ss_se, success = per[key]
            types = [int(m.type_of[k]) for k in mine]
            row[f"banzhaf_{key}"] = _sum([share[k] for k in mine])
            row[f"shapley_shubik_{key}"] = _sum([ss[k] for k in mine])
            row[f"success_{key}"] = _sum([success[k] for k in mine]) / len(mine) if mine else None
            if m.indices.method == "monte-carlo":
                row[f"banzhaf_{key}_se"] = _se_sum([share_se[k] for k in mine], types)
                row[f"shapley_shubik_{key}_se"] = _se_sum([ss_se[k] for k in mine], types)
        rows.append(row)
    return rows


def actor_rows(rule: RuleGame, state: State, alone: Model, groups: dict[str, str]) -> list[dict[str, Any]]:
    """One row per actor group (and bloc, and role) with members voting alone: each member's indices."""
    pop, model = state.model.population, state.model
    ind = alone.indices
    rows: dict[tuple[str, str, int], dict[str, Any]] = {}
    for k, actor in enumerate(rule.voters.tolist()):
        name = pop.names[actor]
        bloc = model.bloc_name(int(pop.bloc[actor])) or "none"
        t = int(alone.type_of[k])
        key = (groups.get(name, name), bloc, t)
        if key not in rows:
            rows[key] = {
                "actor": key[0],
                "bloc": bloc,
                "role": rule.roles[k],
                "members": 0,
                "votes_each": [int(v) for v in rule.votes[k]],
                "banzhaf_raw": ind.banzhaf_raw[t],
                "banzhaf": ind.banzhaf[t] if _known(ind) else None,
                "shapley_shubik": None if ind.shapley_shubik is None else ind.shapley_shubik[t],
            }
            if ind.method == "monte-carlo":
                rows[key]["banzhaf_se"] = (ind.banzhaf_se or ())[t]
                rows[key]["shapley_shubik_se"] = (ind.shapley_shubik_se or (None,) * (t + 1))[t]
        rows[key]["members"] += 1
    for row in rows.values():
        row["group_banzhaf"] = None if row["banzhaf"] is None else row["banzhaf"] * row["members"]
    return list(rows.values())


def _signature(alone: Model, whole: Model, rule: RuleGame) -> tuple[Any, ...]:
    def one(m: Model) -> tuple[Any, ...]:
        i = m.indices
        return (m.game.types, i.banzhaf_raw, i.shapley_shubik, tuple(m.type_of.tolist()))

    return (tuple(rule.voters.tolist()), one(alone), one(whole))


def analyse(
    scenario: Scenario,
    *,
    runs: int = 5,
    seed: int | None = None,
    method: str = "auto",
    samples: int = 20_000,
    abstention: Fraction = Fraction(0),
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The whole report as a JSON-ready dict: each state, venue and rule with its bloc and actor rows."""
    from sdo_sim.runner import run

    first = scenario.seed if seed is None else seed
    options = {"method": method, "samples": samples, "seed": first, "abstention": abstention}
    results = []
    for k in range(runs):
        if progress:
            progress(f"run {k + 1} of {runs} (seed {first + k})")
        results.append(run(scenario, first + k, positions=True))
    scenario_states, skipped = states(scenario)
    groups = groups_of(scenario)
    report: dict[str, Any] = {
        "scenario": scenario.name,
        "runs": runs,
        "seeds": [first, first + runs - 1] if runs else [],
        "method": method,
        "samples": samples,
        "monte_carlo_seed": first,
        "abstention": str(abstention),
        "states": [],
        "events_not_applied": skipped,
    }
    for state in scenario_states:
        pop = state.model.population
        blocs = [*state.model.scenario.blocs, *(["none"] if (pop.bloc == len(pop.bloc_names)).any() else [])]
        venues = []
        for venue in state.model.venues:
            if venue.kind not in GAMES:
                continue
            if progress:
                progress(f"week {state.week}: {venue.id} ({venue.kind})")
            rules, no_votes = GAMES[venue.kind](venue)
            games: list[dict[str, Any]] = []
            seen: dict[tuple[Any, ...], dict[str, Any]] = {}
            for rule in rules:
                if not len(rule.voters):
                    no_votes.append(_no_voters(rule))
                    continue
                try:
                    alone, whole = solve(rule, state.model, **options)
                except PowerError as error:
                    raise PowerError(f"{venue.id}, {', '.join(rule.procedures)}: {error}") from None
                signature = _signature(alone, whole, rule)
                described = {"procedures": list(rule.procedures), "rule": rule.rule, "clause": rule.clause}
                if signature in seen:  # the same indices under another rule: one table, both named
                    entry = seen[signature]
                    entry["procedures"] += list(rule.procedures)
                    entry["rules"].append(described)
                    entry["_rules"].append(rule)
                    continue
                entry = seen[signature] = {
                    "procedures": list(rule.procedures),
                    "rules": [described],
                    "dimensions": list(rule.dimensions),
                    "method": alone.indices.method,
                    "method_en_bloc": whole.indices.method,
                    "decisive": alone.indices.decisive,
                    "decisive_en_bloc": whole.indices.decisive,
                    "players": {"alone": _types(alone), "en_bloc": _types(whole)},
                    "blocs": bloc_rows(rule, state, alone, whole, blocs),
                    "actors": actor_rows(rule, state, alone, groups),
                    "_rules": [rule],
                }
                games.append(entry)
            for entry in games:
                merged = entry.pop("_rules")
                if runs:
                    voted = [p for r in merged if r.positions_are_votes for p in r.procedures]
                    counted = replace(
                        merged[0],
                        not_counted=frozenset().union(*(r.not_counted for r in merged)),
                        positions_are_votes=bool(voted),
                    )
                    sim = observed(results, venue.id, counted, tuple(voted), state.week, state.end, blocs)
                    for row in entry["blocs"]:
                        found = sim[row["bloc"]]
                        row.update(
                            {
                                "simulated_success": found["success"],
                                "simulated_success_se": found["success_se"],
                                "simulated_votes": found["votes"],
                                "approval_rate": found["approval"],
                                "proposals": found["proposals"],
                            }
                        )
            venues.append(
                {
                    "venue": venue.id,
                    "kind": venue.kind,
                    "body": venue.spec.body,
                    "games": games,
                    "no_vote": [{"procedure": n.procedure, "why": n.why} for n in no_votes],
                }
            )
        report["states"].append(
            {"from_week": state.week, "to_week": state.end, "events": state.events, "venues": venues}
        )
    return report


def _no_voters(rule: RuleGame) -> NoVote:
    return NoVote(", ".join(rule.procedures), "no member of this venue votes under this rule")


def _types(model: Model) -> list[dict[str, Any]]:
    ind = model.indices
    out = []
    for t, kind in enumerate(model.game.types):
        out.append(
            {
                "player": kind.label,
                "count": kind.count,
                "votes": list(kind.votes),
                "banzhaf_raw": ind.banzhaf_raw[t],
                "banzhaf": ind.banzhaf[t],
                "shapley_shubik": None if ind.shapley_shubik is None else ind.shapley_shubik[t],
            }
        )
    return out


def plain(value: Any) -> Any:
    """The report with Fractions as floats (JSON and CSV)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, np.integer | np.floating):
        return value.item()
    return value


def flat_rows(report: dict[str, Any], level: str) -> list[dict[str, Any]]:
    """The bloc (level "blocs") or actor ("actors") rows of every state, venue and rule, as a table."""
    rows = []
    for state in report["states"]:
        for venue in state["venues"]:
            for game in venue["games"]:
                for row in game[level]:
                    flat = {
                        "from_week": state["from_week"],
                        "venue": venue["venue"],
                        "procedures": " ".join(game["procedures"]),
                        "method": game["method"],
                    }
                    for key, value in plain(row).items():
                        flat[key] = " ".join(map(str, value)) if isinstance(value, list) else value
                    rows.append(flat)
    return rows


__all__ = ["actor_rows", "analyse", "bloc_rows", "flat_rows", "plain"]
