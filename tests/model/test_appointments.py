"""Appointments (appointments.py): each study period's posts follow activity and affinity, not a script."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sdo_sim
from sdo_sim.appointments import choose, nominate
from sdo_sim.model import SDOModel
from tests.model.conftest import member_states, tiny

ROOT = Path(__file__).resolve().parents[2]
ITU_T = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"


def test_candidates_are_distinct_and_only_the_active_are_nominated() -> None:
    rng = np.random.default_rng(1)
    activity = np.array([0.0, 1.0, 0.0, 3.0, 0.5])
    pool = np.arange(5)
    for _ in range(20):
        picked = nominate(activity, pool, 3, rng)
        assert len(set(picked.tolist())) == 3 and set(picked.tolist()) <= {1, 3, 4}
    assert sorted(nominate(activity, pool, 10, rng).tolist()) == [1, 3, 4]  # only three are active
    assert len(nominate(np.zeros(5), pool, 3, rng)) == 0
    counts = np.bincount([nominate(activity, pool, 1, rng)[0] for _ in range(2000)], minlength=5)
    assert counts[3] > 4 * counts[4]  # in proportion to activity (3 against 0.5)


def study_group(east: int, west: int) -> SDOModel:
    return SDOModel(tiny(member_states(east, west), {"id": "sg", "kind": "itu-t", "body": "SG"}), seed=1)


def test_member_states_back_the_candidate_of_their_own_bloc_and_the_larger_bloc_wins() -> None:
    model = study_group(4, 3)  # cohesion 1: every Member State follows its bloc's favourite
    venue = model.venue_by_id["sg"]
    names = model.population.names
    east, west = names.index("E-001"), names.index("W-001")
    assert choose(venue, np.array([west, east]), venue.members) == east
    three_each = study_group(3, 3)
    venue = three_each.venue_by_id["sg"]
    names = three_each.population.names
    east, west = names.index("E-001"), names.index("W-001")
    assert choose(venue, np.array([west, east]), venue.members) == west  # a tie: the first nominated


def east_posts_after_a_period(contributions: float) -> float:
    shares = []
    for seed in range(1, 5):
        overrides = {"venues.sg.appointment_interval_weeks": 104,
                     "events": [{"kind": "surge", "week": 10, "bloc": "east", "contributions": contributions}]}  # fmt: skip
        result = sdo_sim.run(ITU_T, seed=seed, overrides=overrides)
        posts = result.posts[result.posts["post"].isin(["chair", "rapporteur"])]
        held = posts[(posts["start"] <= 104) & (posts["end"].isna() | (posts["end"] > 104))]
        assert len(held) == 31  # the chair and the 30 rapporteurs
        shares.append((held["bloc"] == "east").mean())
        appointments = result.decisions[result.decisions["procedure"] == "itu-t.appointments"]
        assert list(appointments["week"]) == [104]
    return float(np.mean(shares))


def test_a_more_active_bloc_wins_more_posts_at_the_next_period() -> None:
    """Teleanu 2021, line 892: posts followed China's rising activity between 2001 and 2021."""
    assert east_posts_after_a_period(4.0) > east_posts_after_a_period(1.0) + 0.1


def test_without_an_interval_the_scenarios_posts_stay() -> None:
    result = sdo_sim.run(ITU_T, seed=1)
    posts = result.posts[result.posts["post"] != "editor"]
    assert (posts["start"] == 0).all() and posts["end"].isna().all()
    assert not (result.decisions["procedure"] == "itu-t.appointments").any()
