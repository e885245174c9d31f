"""Editors (editing.py): the proponent's side holds the pen; the text drifts toward it and may go faster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sdo_sim
from sdo_sim.editing import pull
from sdo_sim.model import SDOModel
from sdo_sim.population import NO, YES
from tests.model.conftest import proposal_from, tiny

ROOT = Path(__file__).resolve().parents[2]
ITU_T = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"


def test_a_drafting_meeting_moves_the_text_toward_the_editor() -> None:
    point, ideal = np.array([0.0, 1.0]), np.array([1.0, -1.0])
    assert list(pull(point, ideal, 0.0)) == [0.0, 1.0]
    assert list(pull(point, ideal, 0.25)) == [0.25, 0.5]
    assert list(pull(point, ideal, 1.0)) == [1.0, -1.0]


def test_every_drafted_text_has_one_editor_until_it_is_decided() -> None:
    result = sdo_sim.run(ITU_T, seed=2)
    editors = result.posts[result.posts["post"] == "editor"]
    proposals = result.proposals
    drafted = proposals[proposals["stage"].ne("proposed") & proposals["stage"].ne("question-consultation")
                        & proposals["stage"].ne("question")]  # fmt: skip
    assert len(editors) > 0 and len(editors) <= len(drafted)
    assert editors.groupby("holder").size().max() > 1  # active contributors edit several texts
    closed = editors.dropna(subset=["end"])
    assert (closed["end"] >= closed["start"]).all()
    assert set(editors["bloc"]) <= {"east", "west", "nonaligned", ""}


def outcomes(**venue: float) -> pd.DataFrame:
    overrides = {f"venues.sg.{name}": value for name, value in venue.items()}
    frames = [sdo_sim.run(ITU_T, seed=s, overrides=overrides).proposals for s in range(1, 7)]
    return pd.concat(frames)


@pytest.mark.parametrize(("pull", "west_stance"), [(0.0, YES), (1.0, NO)])
def test_an_editor_from_the_other_side_pulls_a_text_out_of_its_proponents_reach(
    pull: float, west_stance: int
) -> None:
    """Editors frame the work (Teleanu 2021, line 954): a west text edited by the east's most active
    member drifts to the east's ideal point, and the west turns against it."""
    actors = [
        {"id": "W", "kind": "delegation", "count": 5, "bloc": "west", "memberships": {"sg": "member-state"}},
        {"id": "E", "kind": "delegation", "bloc": "east", "contributions": 10.0, "memberships": {"sg": "member-state"}},
    ]  # fmt: skip
    model = SDOModel(tiny(actors, {"id": "sg", "kind": "itu-t", "body": "SG", "editor_pull": pull}), seed=1)
    venue = model.venue_by_id["sg"]
    proposal = proposal_from(model, "west", "sg", stage="drafting", drafting_left=2)
    east = model.population.names.index("E")
    proposal.sponsors = [proposal.proponent, east]
    venue.draft(proposal, 14, lambda p, w: None)
    assert model.editor_log.open[proposal.id]["holder"] == east
    ideal = model.population.bloc_ideal[model.population.bloc_names.index("east")]
    assert np.allclose(proposal.point, ideal) is (pull == 1.0)
    west = venue.members[model.population.bloc[venue.members] == model.population.bloc_names.index("west")]
    _, stance = venue.stances(west, proposal, attend=None)
    assert (stance == west_stance).all()


def test_a_fast_editor_shortens_drafting() -> None:
    neutral, fast = outcomes(), outcomes(editor_speed=1.0)
    approved = lambda p: p[p["approved"]]["weeks_to_decision"].mean()  # noqa: E731
    assert approved(fast) < approved(neutral)
