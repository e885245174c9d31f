"""Bargaining among a package's patent holders (bargaining.py; He 2022, lines 259-261, 540)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sdo_sim
from sdo_sim import work_items
from sdo_sim.bargaining import objecting_holders, on_business, package_holders
from sdo_sim.model import SDOModel
from sdo_sim.work_items import Reading, WorkItem, broker, decide
from tests.model.conftest import proposal_from
from tests.model.test_work_items import room

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "scenarios" / "cases" / "5g-channel-coding.yaml"


def test_a_holder_objects_only_past_the_objection_threshold_and_only_when_present() -> None:
    regret = np.array([0.2, 0.2 + 1e-9, 0.5, 0.9])
    present = np.array([True, True, True, False])
    assert objecting_holders(regret, present, np.array([0, 1, 3]), threshold=0.2).tolist() == [1]
    assert objecting_holders(regret, present, np.zeros(0, dtype=np.int64), threshold=0.2).tolist() == []


def package(model: SDOModel, holders: dict[int, float]) -> tuple[WorkItem, WorkItem]:
    """Items `one` and `two` (alternatives x, y) in package `pair`; `holders` hold two:y's patents."""
    items = []
    for name, ipr in (("one", [{}, {}]), ("two", [{}, holders])):
        alternatives = []
        for alt in ("x", "y"):
            proposal = proposal_from(
                model, "east", "v", id=f"{name}:{alt}", work_item=name, stage="alternative"
            )
            model.venue_by_id["v"].proposals.remove(proposal)
            alternatives.append(proposal)
        items.append(WorkItem(name, "v", 1.0, "pair", alternatives, ipr))
    return items[0], items[1]


def readings(one: WorkItem, two: WorkItem, idx: np.ndarray, two_x: list[float]) -> list[Reading]:
    """Everyone wants x on item one; on item two, member 0 wants y (regret of x: 1 - two_x[0]),
    member 1 wants x (regret of y: 1), the rest are indifferent."""
    n, everyone = len(idx), np.ones(len(idx), dtype=bool)
    first = np.array([[1.0] * n, [0.0] * n])
    second = np.array([two_x, [1.0, 0.0] + [1.0] * (n - 2)])
    return [Reading(one, idx, first, everyone, first), Reading(two, idx, second, everyone, second)]


def chosen(model: SDOModel) -> dict[str, str]:
    return {p.work_item: p.id for p in model.proposals if p.approved}


def test_the_chair_brokers_the_package_no_holder_objects_to() -> None:
    """x/x and x/y each have one objector of ten (within the 10 % tolerance); only the patent holder's
    objection to x/x is sustained (He 2022, line 540), so x/y is the compromise."""
    model, venue = room()
    one, two = package(model, {int(venue.members[0]): 0.5})
    group = readings(one, two, venue.members, [0.0] + [1.0] * 9)  # member 0's regret for x/x: 0.5 > 0.2
    assert package_holders(group).tolist() == [0]
    assert broker(venue, group, week=14, holders=package_holders(group))
    assert chosen(model) == {"one": "one:x", "two": "two:y"}


def test_without_holders_the_chair_takes_the_first_least_opposed_package() -> None:
    model, venue = room()
    one, two = package(model, {int(venue.members[0]): 0.5})
    assert broker(venue, readings(one, two, venue.members, [0.0] + [1.0] * 9), week=14)
    assert chosen(model) == {"one": "one:x", "two": "two:x"}


def test_a_holder_at_the_threshold_accepts() -> None:
    model, venue = room()
    one, two = package(model, {int(venue.members[0]): 0.5})
    group = readings(one, two, venue.members, [0.6] + [1.0] * 9)  # member 0's regret for x/x: (0 + 0.4) / 2
    assert broker(venue, group, week=14, holders=package_holders(group))
    assert chosen(model) == {"one": "one:x", "two": "two:x"}


def test_when_every_package_has_a_holder_against_there_is_no_consensus() -> None:
    model, venue = room()
    members = venue.members
    one, two = package(model, {int(members[0]): 0.5, int(members[1]): 0.1})  # member 1 wants x, 0 wants y
    group = readings(one, two, members, [0.0] + [1.0] * 9)
    assert not broker(venue, group, week=14, holders=package_holders(group))
    assert chosen(model) == {} and not one.decided and not two.decided
    row = model.decision_rows[-1]
    assert row["outcome"] == "sustained-objection" and "M-001" in row["reason"], row


def test_holders_act_on_their_own_utilities_not_the_line() -> None:
    model, venue = room()
    one, _ = package(model, {})
    idx = venue.members[:3]
    acted = np.array([[0.5, 0.5, 0.5], [-0.5, -0.5, -0.5]])  # all follow a line for x
    own = np.array([[0.1, 0.2, 0.3], [0.9, 0.0, 0.0]])
    business = on_business(Reading(one, idx, acted, np.ones(3, dtype=bool), own), np.array([0]))
    assert business.acted[:, 0].tolist() == [0.1, 0.9] and business.first.tolist() == [1, 0, 0]
    assert business.acted[:, 1:].tolist() == acted[:, 1:].tolist()


@pytest.mark.parametrize(("bargain", "expected"), [(True, "two:y"), (False, "two:x")])
def test_a_meeting_bargains_a_package_with_holders_as_one(
    monkeypatch: pytest.MonkeyPatch, bargain: bool, expected: str
) -> None:
    """With `holders_bargain`, no item of the package is called alone (no `choice` row)."""
    model, venue = room()
    venue.spec = venue.spec.model_copy(update={"holders_bargain": bargain})
    one, two = package(model, {int(venue.members[0]): 0.5})
    by_item = dict(zip(("one", "two"), readings(one, two, venue.members, [0.0] + [1.0] * 9), strict=True))
    monkeypatch.setattr(work_items, "read_room", lambda v, i, present=None: by_item[i.id])
    decide(venue, [one, two], week=14)
    assert chosen(model)["two"] == expected
    stages = {row["stage"] for row in model.decision_rows}
    assert stages == ({"package"} if bargain else {"choice"})


SEEDS = range(1, 21)  # `make cases` runs 50 (docs/cases.md)


def split_share(bargain: bool) -> float:
    hits = 0
    for seed in SEEDS:
        result = sdo_sim.run(CASE, seed=seed, overrides={"venues.tsg.holders_bargain": bargain})
        rows = result.proposals.set_index("proposal")["approved"]
        hits += bool(rows["channel-coding-data:ldpc"] and rows["channel-coding-control:polar"])
    return hits / len(SEEDS)


def test_bargaining_among_the_holders_moves_the_channel_codes_toward_the_split() -> None:
    """He 2022, line 540: the split (LDPC for data, Polar for control) came from bargaining between
    the big holders. Without it LDPC wins both channels; with it the split appears (paired seeds)."""
    without, with_ = split_share(False), split_share(True)
    assert without == 0.0 and with_ >= 0.3, (without, with_)
