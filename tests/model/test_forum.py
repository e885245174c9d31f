"""Forum shopping (forum.py): failed texts come back, revised, in another venue; events open groups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sdo_sim
from sdo_sim.forum import revised_point, root_id
from sdo_sim.scenario import validate
from sdo_sim.scenario.sources import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
ITU_T = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"


def two_study_groups(**changes: Any) -> dict[str, Any]:
    """The ITU-T baseline with a second study group (sg13) of the same members."""
    raw = sdo_sim.load_scenario(ITU_T).model_dump(mode="json")
    raw["weeks"] = 416  # two study periods: a text brought back has time to be drafted again
    raw["venues"].append({**raw["venues"][0], "id": "sg13", "body": "ITU-T SG13", "first_meeting_week": 17})
    for actor in raw["actors"]:
        actor["memberships"]["sg13"] = actor["memberships"]["sg"]
    raw.update(changes)
    return raw


def run(raw: dict[str, Any], seed: int) -> Any:
    return sdo_sim.run(validate(raw, "two study groups"), seed=seed)


def test_the_revised_text_moves_toward_the_new_venue() -> None:
    point, mean = np.array([1.0, 1.0]), np.array([0.0, -1.0])
    assert list(revised_point(point, mean, 0.0)) == [1.0, 1.0]
    assert list(revised_point(point, mean, 1.0)) == [0.0, -1.0]
    assert list(revised_point(point, mean, 0.5)) == [0.5, 0.0]
    assert root_id("new-ip@sg13") == root_id("new-ip") == "new-ip"


def test_a_failed_proposal_comes_back_in_the_other_venue_linked_to_it() -> None:
    proposals = run(two_study_groups(forum_shopping={"chance": 1.0, "revision": 0.5}), seed=2).proposals
    back = proposals[proposals["resubmitted_from"] != ""]
    assert len(back) > 5
    failed = proposals.set_index("proposal")
    for _, row in back.iterrows():
        origin = failed.loc[row["resubmitted_from"]]
        assert not origin["approved"] and origin["decided"] <= row["submitted"]
        assert row["venue"] != origin["venue"] and row["proponent"] == origin["proponent"]
        assert row["proposal"] == f"{root_id(row['resubmitted_from'])}@{row['venue']}"
    # with two venues a chain ends after one move: it never returns where it failed
    assert not back["resubmitted_from"].str.contains("@").any()


def test_no_forum_shopping_by_default() -> None:
    proposals = run(two_study_groups(), seed=2).proposals
    assert (proposals["resubmitted_from"] == "").all()


def test_a_text_revised_toward_the_new_venue_fares_better_there() -> None:
    """The proponents brought New IP back "modified" (Teleanu 2021, lines 1090-1096)."""

    def resubmitted_approval(revision: float) -> float:
        shopping = {"chance": 1.0, "revision": revision}
        frames = [run(two_study_groups(forum_shopping=shopping), seed=s).proposals for s in range(1, 4)]
        proposals = pd.concat(frames)
        back = proposals[(proposals["resubmitted_from"] != "") & proposals["decided"].notna()]
        assert len(back) > 50
        return float(back["approved"].mean())

    assert resubmitted_approval(1.0) > resubmitted_approval(0.0) + 0.1


GROUP = {"kind": "group", "week": 60, "members_from": "sg",
         "venue": {"id": "fg", "kind": "itu-t", "body": "FG-QIT4N", "first_meeting_week": 70,
                   "meeting_interval_weeks": 13, "proposals_per_meeting": 4}}  # fmt: skip


def test_an_event_opens_a_group_that_meets_and_decides() -> None:
    result = sdo_sim.run(ITU_T, seed=1, overrides={"events": [GROUP]})
    fg = result.proposals[result.proposals["venue"] == "fg"]
    assert len(fg) > 0 and fg["submitted"].min() == 70
    assert set(fg["body"]) == {"FG-QIT4N"}
    assert (result.decisions[result.decisions["venue"] == "fg"]["week"] >= 70).all()
    assert "fg" in set(result.posts["venue"])
    assert list(result.events["kind"]) == ["group"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"members_from": "sg16"}, "events[0].members_from", "unknown venue 'sg16'"),
    ({"venue": {**GROUP["venue"], "id": "sg"}}, "events[0].venue.id", "'sg' is a venue already"),
    ({"venue": {**GROUP["venue"], "kind": "iso"}}, "events[0].venue.kind", "from 'sg', of kind 'itu-t'"),
    ({"venue": {**GROUP["venue"], "first_meeting_week": 60}}, "events[0].venue.first_meeting_week",
     "must come after week 60"),
    ({"week": None, "when": "week > 3"}, "events[0].week", "not on a condition"),
])  # fmt: skip
def test_a_bad_group_event_names_its_field(change: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        sdo_sim.load_scenario(ITU_T, {"events": [{**GROUP, **change}]})
    assert caught.value.field == field, caught.value
    assert message in caught.value.message, caught.value
