"""Editors (editing.py): the proponent's side holds the pen; the text drifts toward it and may go faster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import sdo_sim
from sdo_sim.editing import pull

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


def test_a_pulling_editor_loses_the_other_blocs_support() -> None:
    """A text drafted toward its editor's ideal point wins less support from the other side."""
    neutral, pulled = outcomes(), outcomes(editor_pull=0.5)
    west_on_east = lambda p: p[(p["bloc"] == "east") & p["decided"].notna()]["approved"].mean()  # noqa: E731
    assert west_on_east(pulled) < west_on_east(neutral)


def test_a_fast_editor_shortens_drafting() -> None:
    neutral, fast = outcomes(), outcomes(editor_speed=1.0)
    approved = lambda p: p[p["approved"]]["weeks_to_decision"].mean()  # noqa: E731
    assert approved(fast) < approved(neutral)
