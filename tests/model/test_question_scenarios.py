"""The question scenarios show their effect (issue 8, item 8): paired seeds, each scenario run with
and without its events, asserted on the runs' decisions and proposals tables.

CI runs seeds 1-10 (`SEEDS`); docs/ODD.md §7.9 gives the same measures over seeds 1-50.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sdo_sim
from sdo_sim.results import RunResult
from sdo_sim.scenario import Scenario, load_scenario
from sdo_sim.scenario.load import validate

ROOT = Path(__file__).resolve().parents[2]
ISO = ROOT / "scenarios" / "iso-bloc-voting.yaml"
SURGE = ROOT / "scenarios" / "3gpp-participation-surge.yaml"
SEEDS = range(1, 11)
EVENT_WEEK = 52  # both scenarios: the bloc forms, the surge arrives
RULES_WEEK = 104  # 3GPP: affiliates one per group
HELD = ("approved", "not-approved")  # a 3gpp.vote row that is a vote held, not a consensus


@cache
def scenario(path: Path, events: int) -> Scenario:
    """The scenario with only its first `events` events: the paired run without the later ones."""
    raw = load_scenario(path).model_dump(mode="json")
    raw["events"] = raw["events"][:events]
    raw.pop("levers", None)  # the workshop's controls may name the events left out; they change no run
    return validate(raw, f"{path.name} with its first {events} events")


@cache
def runs(path: Path, events: int, positions: bool = False) -> tuple[RunResult, ...]:
    """One run per seed of `SEEDS` (cached: several tests read the same runs)."""
    return tuple(sdo_sim.run(scenario(path, events), seed=s, positions=positions) for s in SEEDS)


def pooled(results: tuple[RunResult, ...], table: str) -> pd.DataFrame:
    """One table of all seeds' runs, with a `seed` column."""
    return pd.concat([getattr(r, table).assign(seed=s) for r, s in zip(results, SEEDS, strict=True)])


# --- ISO: a bloc above a third of the P-members (iso-bloc-voting.yaml) ----------------------------


def opposed_west_np_ballots(results: tuple[RunResult, ...]) -> pd.DataFrame:
    """NP ballots from week 52 on west proposals whose east line was no at submission."""
    proposals = pooled(results, "proposals")
    by_east = proposals[proposals["opposed_by"].str.split(",").map(lambda blocs: "east" in blocs)]
    decisions = pooled(results, "decisions")
    nps = decisions[(decisions["procedure"] == "iso.np") & (decisions["week"] >= EVENT_WEEK)]
    nps = nps[nps["proponent_bloc"] == "west"]
    keys = set(zip(by_east["seed"], by_east["proposal"], strict=True))
    return nps[[(s, p) in keys for s, p in zip(nps["seed"], nps["proposal"], strict=True)]]


def over_a_third_against(ballots: pd.DataFrame) -> pd.Series:
    """Ballots where more than a third of the P-member votes cast were against (§2.3.5 a: ⅔ needed)."""
    counts = ballots["counts"].map(json.loads)
    return counts.map(lambda c: 3 * c["p_no"] > c["p_cast"]).astype(bool)


def test_iso_bloc_above_a_third_defeats_the_other_sides_new_work_items() -> None:
    """Directives Part 1 §2.3.5 a) (16th ed.): an NP needs ⅔ of P-member votes cast, so a bloc of 16 of
    35 P-members against it stops it; without the bloc some of the same kind pass."""
    alone, bloc = opposed_west_np_ballots(runs(ISO, 0)), opposed_west_np_ballots(runs(ISO, 1))
    assert len(alone) >= 20 and len(bloc) >= 20, (len(alone), len(bloc))
    assert bloc["approved"].mean() <= 0.05 < alone["approved"].mean() - 0.1, (
        alone["approved"].mean(),
        bloc["approved"].mean(),
    )
    assert over_a_third_against(bloc[~bloc["approved"]]).mean() >= 0.9  # failed on the count itself


@pytest.mark.xfail(
    strict=True,
    reason="A text the bloc opposes never reaches the DIS: the NP already needs ⅔ of P-member votes "
    "(§2.3.5 a, 16th ed.) and the WD and CD stages consensus (§1.12.1, §2.5.6), and the bloc's line "
    "does not change between stages (editor_pull 0). Seeds 1-50, west texts from week 52: DIS and "
    "FDIS ballots failed 13 without the bloc and 7 with it; east votes against at them 324 and 0.",
)
def test_iso_bloc_above_a_third_defeats_the_other_sides_dis_ballots() -> None:
    """§2.6.3 a): a bloc over a third of P-member votes cast fails a DIS; the claim of issue 8, item 8."""

    def failed(results: tuple[RunResult, ...]) -> int:
        decisions = pooled(results, "decisions")
        enquiry = decisions[
            decisions["procedure"].isin(["iso.dis", "iso.fdis"]) & (decisions["week"] >= EVENT_WEEK)
        ]
        return int((~enquiry[enquiry["proponent_bloc"] == "west"]["approved"]).sum())

    assert failed(runs(ISO, 1)) > failed(runs(ISO, 0))


# --- 3GPP: a surge of affiliated memberships, then one vote per group (3gpp-participation-surge.yaml) --


def vote_weights(path: Path) -> dict[str, int]:
    """Each actor's votes under `affiliates: each`: its memberships (3GPP WP, one per Individual Member)."""
    spec = scenario(path, 1)
    specs = [*spec.actors, *(a for e in spec.events if e.kind == "surge" for a in e.add)]
    return {
        (a.id if a.count == 1 else f"{a.id}-{k + 1:03d}"): a.subsidiaries
        for a in specs
        for k in range(a.count)
    }


def east_share_of_votes_cast(results: tuple[RunResult, ...]) -> float:
    """The east's share of the votes cast at the votes held from week 52, each membership one vote."""
    weights = vote_weights(SURGE)
    decisions, positions = pooled(results, "decisions"), pooled(results, "positions")
    held = decisions[(decisions["procedure"] == "3gpp.vote") & decisions["outcome"].isin(HELD)]
    held = held[held["week"] >= EVENT_WEEK]
    cast = positions.merge(held[["seed", "decision", "yes"]], on=["seed", "decision"])
    cast = cast[cast["position"].isin(["yes", "no"])].assign(votes=lambda df: df["actor"].map(weights))
    yes = cast[cast["position"] == "yes"].groupby(["seed", "decision"])["votes"].sum()
    assert (yes == cast[cast["position"] == "yes"].groupby(["seed", "decision"])["yes"].first()).all()
    return float(cast.loc[cast["bloc"] == "east", "votes"].sum() / cast["votes"].sum())


def test_3gpp_surge_raises_the_easts_share_of_votes_cast() -> None:
    """3GPP WP: one vote per Individual Member, so 150 new east memberships weigh at every vote held."""
    calm, surge = (
        east_share_of_votes_cast(runs(SURGE, 0, True)),
        east_share_of_votes_cast(runs(SURGE, 1, True)),
    )
    assert surge > calm + 0.1, (calm, surge)


def east_approval_gates(results: tuple[RunResult, ...], since: int = EVENT_WEEK) -> pd.DataFrame:
    """The approval gates of east texts from `since`: consensus found, vote held, or no consensus."""
    decisions = pooled(results, "decisions")
    gates = decisions[decisions["stage"] == "approval"]
    return gates[(gates["week"] >= since) & (gates["proponent_bloc"] == "east")]


def test_3gpp_surge_changes_which_texts_pass() -> None:
    """Consensus first, a 71 % vote on request (Teleanu 2021, line 1673): the surge's delegates and votes
    carry the east's texts through their approval gates more often (paired seeds)."""
    calm, surge = east_approval_gates(runs(SURGE, 0, True)), east_approval_gates(runs(SURGE, 1, True))
    assert surge["approved"].mean() > calm["approved"].mean() + 0.04, (
        calm["approved"].mean(),
        surge["approved"].mean(),
    )


def first_difference(each: pd.DataFrame, one: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The first gate at which two paired runs' decisions part (the same draws up to it), if any."""
    columns = ["week", "proposal", "stage", "procedure", "outcome"]
    n = min(len(each), len(one))
    parted = np.flatnonzero(
        (each[columns].iloc[:n].to_numpy() != one[columns].iloc[:n].to_numpy()).any(axis=1)
    )
    return (each.iloc[parted[0]], one.iloc[parted[0]]) if len(parted) else None


def test_3gpp_one_vote_per_group_reverses_some_of_the_surges_votes() -> None:
    """`3gpp.vote` affiliates one-per-group from week 104: the same vote, the same stances, fewer east
    votes: some east texts the branches carried past 71 % now fail (paired seeds, same draws)."""
    reversed_votes = 0
    for each, one in zip(runs(SURGE, 1, True), runs(SURGE, 2), strict=True):
        parted = first_difference(each.decisions, one.decisions)
        if parted is None:
            continue
        before, after = parted
        assert before["week"] >= RULES_WEEK and before["proposal"] == after["proposal"]
        reversed_votes += (before["procedure"], before["outcome"], after["outcome"]) == (
            "3gpp.vote",
            "approved",
            "not-approved",
        )
    assert reversed_votes >= 3, reversed_votes
    votes = [east_approval_gates(r, RULES_WEEK) for r in (runs(SURGE, 1, True), runs(SURGE, 2))]
    each, one = (v[v["outcome"].isin(HELD)]["approved"].mean() for v in votes)
    assert one < each - 0.1, (each, one)
