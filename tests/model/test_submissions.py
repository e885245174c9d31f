"""Submissions (submissions.py): volume follows contributions, flooding may cost quality, agendas fill."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

import sdo_sim
from sdo_sim.submissions import expected_proposals, flooded_quality, on_agenda

ROOT = Path(__file__).resolve().parents[2]
SURGE = ROOT / "scenarios" / "3gpp-participation-surge.yaml"
ITU_T = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"


@pytest.mark.parametrize(("now", "initial", "expected"), [(20.0, 10.0, 16.0), (10.0, 10.0, 8.0), (5.0, 10.0, 4.0),
                                                          (3.0, 0.0, 8.0), (0.0, 0.0, 0.0)])  # fmt: skip
def test_volume_follows_what_members_contribute(now: float, initial: float, expected: float) -> None:
    assert expected_proposals(8.0, now, initial) == expected


def test_quality_is_lost_only_above_the_starting_volume() -> None:
    assert flooded_quality(0.9, 2.0, 2.0, 1.0) == 0.9  # at the starting level: nothing lost
    assert flooded_quality(0.9, 2.0, 1.0, 1.0) == 0.9  # contributing less: nothing gained either
    assert flooded_quality(0.9, 2.0, 6.0, 0.0) == 0.9  # no cost
    assert flooded_quality(0.9, 2.0, 6.0, 1.0) == pytest.approx(0.3)  # tripled at cost 1: a third
    assert flooded_quality(0.9, 2.0, 8.0, 0.5) == pytest.approx(0.45)


def test_a_meeting_handles_texts_in_order_of_submission_up_to_its_capacity() -> None:
    texts: list[Any] = [SimpleNamespace(id=k) for k in range(3)]
    assert on_agenda(texts, None) == (texts, [])
    assert on_agenda(texts, 3) == (texts, [])  # exactly full
    assert on_agenda(texts, 2) == (texts[:2], texts[2:])


def test_an_actors_own_quality_overrides_its_blocs_and_the_scenarios() -> None:
    overrides = {"blocs.east.quality": [1e6, 1.0], "actors[1].quality": [1.0, 1e6]}  # US: west bloc
    result = sdo_sim.run(ITU_T, seed=1, overrides=overrides)
    proposals = result.proposals
    east = proposals[proposals["bloc"] == "east"]["quality"]
    us = proposals[proposals["proponent"] == "US"]["quality"]
    others = proposals[(proposals["bloc"] == "west") & (proposals["proponent"] != "US")]["quality"]
    assert len(east) and (east > 0.99).all()
    assert len(us) and (us < 0.01).all()
    assert 0.2 < others.mean() < 0.8  # the scenario's Beta(2, 2)


def after_surge(overrides: dict[str, Any]) -> pd.DataFrame:
    frames = [sdo_sim.run(SURGE, seed=seed, overrides=overrides).proposals for seed in range(1, 4)]
    proposals = pd.concat(frames)
    return proposals[proposals["submitted"] >= 52]


def test_a_contribution_surge_floods_the_venue_with_the_blocs_proposals() -> None:
    surge, calm = after_surge({}), after_surge({"events": []})
    assert len(surge) > 1.3 * len(calm)
    assert (surge["bloc"] == "east").mean() > (calm["bloc"] == "east").mean() + 0.15


def test_flooding_at_a_quality_cost_lowers_the_quality_and_success_of_the_flood() -> None:
    free, costly = after_surge({}), after_surge({"quality_cost": 1.0})
    free_east, costly_east = free[free["bloc"] == "east"], costly[costly["bloc"] == "east"]
    assert costly_east["quality"].mean() < free_east["quality"].mean() - 0.1
    assert costly_east["approved"].mean() < free_east["approved"].mean()


def test_a_full_agenda_makes_texts_wait() -> None:
    """ "The more proposals there are, the less time ... to tackle them" (Teleanu 2021, line 976)."""

    def throughput(capacity: int | None) -> tuple[int, int]:
        frames = [sdo_sim.run(ITU_T, seed=s, overrides={"venues.sg.agenda_capacity": capacity}).proposals
                  for s in range(1, 4)]  # fmt: skip
        proposals = pd.concat(frames)
        return int(proposals["approved"].sum()), int(proposals["decided"].isna().sum())

    (approved_all, open_all), (approved_few, open_few) = throughput(None), throughput(4)
    assert approved_few < approved_all / 2 and open_few > open_all
