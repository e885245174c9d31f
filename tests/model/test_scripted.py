"""Scripted proposals (scripted.py): named texts enter like any other, under their fixed ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import sdo_sim
from sdo_sim.scenario.sources import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
ITU_T = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"
NEW_IP = {"id": "new-ip", "venue": "sg", "proponent": "CN", "week": 40, "topic": "new-ip", "quality": 0.4,
          "salience": 0.9, "sensitive": True, "track": "tap"}  # fmt: skip


def run(proposals: list[dict[str, Any]], **overrides: Any) -> Any:
    return sdo_sim.run(ITU_T, seed=3, overrides={"proposals": proposals, "venues.sg.proposals_per_meeting": 0,
                                                 **overrides})  # fmt: skip


def test_a_scripted_proposal_enters_at_the_first_meeting_from_its_week_under_its_id() -> None:
    result = run([NEW_IP])
    row = result.proposals.set_index("proposal").loc["new-ip"]
    assert row["submitted"] == 56  # meetings at weeks 4, 30, 56 ...: the first at or after week 40
    assert (row["proponent"], row["bloc"], row["topic"], row["quality"]) == ("CN", "east", "new-ip", 0.4)
    gates = result.decisions[result.decisions["proposal"] == "new-ip"]
    assert len(gates) >= 1 and gates.iloc[0]["week"] == 56  # it goes through the venue's gates


def test_a_scripted_track_is_kept_at_adoption() -> None:
    result = run([{**NEW_IP, "quality": 1.0, "salience": 0.0}])  # uncontested: adopted
    row = result.proposals.set_index("proposal").loc["new-ip"]
    assert row["track"] == "tap"


def test_a_family_of_proposals_gets_numbered_ids_and_spaced_weeks() -> None:
    family = {"id": "surveillance", "venue": "sg", "proponent": "SM-cn", "week": 4, "count": 3,
              "every_weeks": 52, "topic": "surveillance"}  # fmt: skip
    proposals = run([family]).proposals.set_index("proposal")
    assert list(proposals.index) == ["surveillance-001", "surveillance-002", "surveillance-003"]
    assert list(proposals["submitted"]) == [4, 56, 108]  # meetings every 26 weeks from week 4
    assert proposals["proponent"].str.match(r"^SM-cn-\d{3}$").all()  # one of the spec's firms
    assert (proposals["topic"] == "surveillance").all()


def test_a_proponent_an_event_adds_later_proposes_once_it_exists() -> None:
    newcomer = {"id": "NEW", "kind": "delegation", "bloc": "east", "memberships": {"sg": "member-state"}}
    event = {"kind": "surge", "week": 60, "add": [newcomer]}
    result = run([{**NEW_IP, "proponent": "NEW", "week": 4}], events=[event])
    row = result.proposals.set_index("proposal").loc["new-ip"]
    assert row["submitted"] == 82 and row["proponent"] == "NEW"


def test_the_same_seed_gives_the_same_scripted_run() -> None:
    first, second = run([NEW_IP]), run([NEW_IP])
    assert first.proposals.equals(second.proposals) and first.decisions.equals(second.decisions)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"venue": "tsag"}, "proposals.new-ip.venue", "unknown venue 'tsag'; allowed: sg"),
    ({"proponent": "XX"}, "proposals.new-ip.proponent", "unknown actor 'XX'"),
    ({"week": 300}, "proposals.new-ip.week", "the scenario ends at week 207"),
    ({"count": 3, "every_weeks": 100}, "proposals.new-ip.week", "the last falls in week 240"),
    ({"id": "sg-0001"}, "proposals.sg-0001.id", "looks like a generated proposal's id"),
    ({"id": "new ip"}, "proposals.new ip.id", "should match pattern"),
    ({"point": [0.1]}, "proposals.new-ip.point", "has 1 coordinates"),
    ({"quality": 1.5}, "proposals.new-ip.quality", "less than or equal to 1"),
])  # fmt: skip
def test_a_bad_scripted_proposal_names_its_field(change: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        sdo_sim.load_scenario(ITU_T, {"proposals": [{**NEW_IP, **change}]})
    assert caught.value.field == field, caught.value
    assert message in caught.value.message, caught.value


def test_an_id_used_twice_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"proposals\[1\]\.id: 'new-ip' is used twice"):
        sdo_sim.load_scenario(ITU_T, {"proposals": [NEW_IP, NEW_IP]})
