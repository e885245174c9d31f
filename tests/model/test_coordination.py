"""Coordination (coordination.py): the bloc line acts at every gate; members defect past a threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sdo_sim
from sdo_sim.coordination import acting_utility, follow, line_stances, line_utilities, sanction
from sdo_sim.model import SDOModel
from sdo_sim.population import ABSENT, ABSTAIN, NO, YES
from tests.model.conftest import proposal_from, tiny

ROOT = Path(__file__).resolve().parents[2]
BASELINES = ROOT / "scenarios" / "baselines"
MEMBERS = [
    {"id": "E", "kind": "delegation", "count": 5, "bloc": "east", "memberships": {"sg": "member-state"}},
    {"id": "W", "kind": "delegation", "count": 5, "bloc": "west", "memberships": {"sg": "member-state"}},
]
STUDY_GROUP = {"id": "sg", "kind": "itu-t", "body": "SG"}


def model_with(**east: Any) -> SDOModel:
    blocs = {
        "east": {"cohesion": 1.0, "ideal": [1.0, 1.0], "spread": 0.0, **east},
        "west": {"cohesion": 0.0, "ideal": [-1.0, -1.0], "spread": 0.0},
    }
    return SDOModel(tiny(MEMBERS, STUDY_GROUP, blocs=blocs), seed=1)


def east_members(model: SDOModel) -> np.ndarray:
    return np.flatnonzero(model.population.bloc == model.population.bloc_names.index("east"))


@pytest.mark.parametrize(("author", "line"), [("east", YES), ("west", NO)])
def test_a_follower_acts_on_the_line_past_every_threshold(author: str, line: int) -> None:
    model = model_with()
    proposal = proposal_from(model, author, "sg")
    weights = model.scenario.positions
    idx = east_members(model)
    lines = line_stances(line_utilities(model.population, proposal, weights), weights.abstain_band)
    assert lines[model.population.bloc_names.index("east")] == line
    own = np.zeros(len(idx))  # members who would abstain on their own
    acted, defects = follow(model.population, idx, own, proposal, weights, model.rng)[:2]
    reach = acting_utility(weights)
    assert not defects.any()
    # past the objection threshold (a Last Call comment) and the support threshold (commitment)
    assert np.all(acted == (reach if line == YES else -reach))
    assert reach > max(weights.objection_threshold, weights.support_threshold, weights.abstain_band)


def test_a_follower_keeps_a_firmer_view_of_its_own() -> None:
    model = model_with()
    proposal = proposal_from(model, "east", "sg")
    idx = east_members(model)
    own = np.full(len(idx), 5.0)
    acted, _ = follow(model.population, idx, own, proposal, model.scenario.positions, model.rng)[:2]
    assert np.all(acted == 5.0)


def test_an_abstaining_line_restrains_its_followers() -> None:
    model = model_with(ideal=[0.0, 0.0])
    proposal = proposal_from(model, "west", "sg", point=np.array([0.45, 0.0]))
    weights = model.scenario.positions
    line = line_utilities(model.population, proposal, weights)[model.population.bloc_names.index("east")]
    assert abs(line) <= weights.abstain_band  # value 0.5 less distance 0.45
    idx = east_members(model)
    acted, _ = follow(model.population, idx, np.full(len(idx), -3.0), proposal, weights, model.rng)[:2]
    assert np.all(acted == 0.0)


def test_a_member_defects_exactly_past_its_threshold() -> None:
    model = model_with()
    proposal = proposal_from(model, "west", "sg")
    weights = model.scenario.positions
    pop = model.population
    east = pop.bloc_names.index("east")
    idx = east_members(model)
    line = line_utilities(pop, proposal, weights)[east]
    own = np.full(len(idx), line + 0.75)
    distance = abs(own[0] - line)
    pop.defection_threshold[east] = distance  # exactly at the threshold: still follows
    _, defects = follow(pop, idx, own, proposal, weights, model.rng)[:2]
    assert not defects.any()
    pop.defection_threshold[east] = np.nextafter(distance, 0.0)  # the smallest step past it: defects
    acted, defects = follow(pop, idx, own, proposal, weights, model.rng)[:2]
    assert defects.all() and np.all(acted == own)


def test_discipline_raises_the_threshold_of_defectors_seen() -> None:
    model = model_with(defection_threshold=0.1, discipline=0.25)
    pop = model.population
    idx = east_members(model)
    defects = np.array([True, True, False, False, False])
    stance = np.array([NO, ABSENT, YES, YES, ABSTAIN], dtype=np.int8)
    seen = sanction(pop, idx, defects, stance)
    assert list(seen) == [idx[0]]  # the absent defector is not seen
    assert pop.sanctions[idx[0]] == 0.25 and pop.sanctions[idx[1]] == 0.0
    model.rebuild()  # an event rebuilds the arrays: the sanction stays
    assert model.population.sanctions[idx[0]] == 0.25


def test_a_bloc_that_backs_its_own_supports_even_a_weak_proposal() -> None:
    model = model_with(backs_own=True)
    weights = model.scenario.positions
    proposal = proposal_from(model, "east", "sg", quality=0.0)
    proposal.point = np.array([-1.0, -1.0])  # far from the east's ideal: judged, it would be no
    lines = line_stances(line_utilities(model.population, proposal, weights), weights.abstain_band)
    assert lines[model.population.bloc_names.index("east")] == YES
    assert lines[model.population.bloc_names.index("west")] == YES  # west judges it at its own ideal
    unbacked = model_with()
    lines = line_stances(line_utilities(unbacked.population, proposal, weights), weights.abstain_band)
    assert lines[unbacked.population.bloc_names.index("east")] == NO


# --- patterns (paired seeds) -------------------------------------------------------------------


def opposed_by_east(path: Path, cohesion: float, seeds: range, **overrides: Any) -> pd.DataFrame:
    """Decided proposals whose east line was no at submission, over the seeds."""
    frames = []
    for seed in seeds:
        result = sdo_sim.run(path, seed=seed, overrides={"blocs.east.cohesion": cohesion, **overrides})
        decided = result.proposals[result.proposals["decided"].notna()]
        frames.append(decided[decided["opposed_by"].str.split(",").map(lambda blocs: "east" in blocs)])
    return pd.concat(frames)


@pytest.mark.parametrize("name", ["itu-t-study-group", "iso-technical-committee", "3gpp-tsg"])
def test_raising_cohesion_never_raises_approval_of_what_the_bloc_opposes(name: str) -> None:
    path = BASELINES / f"{name}.yaml"
    seeds = range(1, 9)
    rates = [opposed_by_east(path, cohesion, seeds)["approved"].mean() for cohesion in (0.0, 0.5, 1.0)]
    assert rates[0] >= rates[1] >= rates[2], rates


def test_a_backing_bloc_commits_to_its_own_proposals() -> None:
    # ITU-T: a new Question needs four committed members (Res. 1 §7.2.2); co-sponsoring supplies them.
    path = BASELINES / "itu-t-study-group.yaml"

    def too_few(cohesion: float) -> int:
        count = 0
        for seed in range(1, 9):
            result = sdo_sim.run(path, seed=seed, overrides={"blocs.east.cohesion": cohesion,
                                                             "blocs.east.backs_own": True})  # fmt: skip
            east = result.proposals[result.proposals["bloc"] == "east"]
            count += int((east["outcome"] == "too-few-supporters").sum())
        return count

    assert too_few(1.0) < too_few(0.0) / 2


def test_discipline_makes_defections_rarer() -> None:
    path = BASELINES / "3gpp-tsg.yaml"

    def defections(discipline: float) -> int:
        overrides = {"blocs.east.defection_threshold": 0.1, "blocs.east.discipline": discipline}
        return sum(int(sdo_sim.run(path, seed=s, overrides=overrides, weeks=104).summary["defections"].iloc[0])
                   for s in range(1, 4))  # fmt: skip

    loose, strict = defections(0.0), defections(2.0)
    assert loose > 0 and strict < loose / 2, (loose, strict)
