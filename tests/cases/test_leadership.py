"""The 3GPP leadership case (scenarios/cases/3gpp-leadership.yaml): its predicates on hand-built posts
tables, and that the file moves posts by elections alone (Voo & Creemers 2021, line 108)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sdo_sim import cases
from sdo_sim.cases.threegpp import east_leaders
from sdo_sim.results import POST_TYPES
from sdo_sim.scenario import load_scenario
from tests.cases.test_cases import result

CASE = Path(cases.CASES_DIR) / "3gpp-leadership.yaml"


def with_posts(rows: list[dict[str, Any]]) -> Any:
    """A RunResult whose posts table holds these holdings (venue tsg)."""
    run = result([])
    defaults = {"venue": "tsg", "post": "vice-chair", "holder": "A", "bloc": "west", "start": 0, "end": None}
    run.posts = pd.DataFrame([{**defaults, **row} for row in rows], columns=list(POST_TYPES)).astype(
        POST_TYPES
    )
    return run


def holdings(east_then: int, east_now: int, total: int = 10) -> list[dict[str, Any]]:
    """`total` posts held from week 0 to 200, then `total` new ones from 200 on; so many of each east."""
    before = [{"bloc": "east" if k < east_then else "west", "start": 0, "end": 200} for k in range(total)]
    after = [{"bloc": "east" if k < east_now else "west", "start": 200} for k in range(total)]
    return before + after


def rises(run: Any) -> bool:
    return next(p for p in cases.CASES["3gpp-leadership"].patterns if p.id.endswith("rises-to-30")).holds(run)


def test_the_share_counts_chairs_and_vice_chairs_held_at_the_week() -> None:
    run = with_posts([*holdings(2, 3), {"post": "editor", "bloc": "east", "start": 0}])
    assert east_leaders(run, 0) == 0.2 and east_leaders(run, 199) == 0.2
    assert east_leaders(run, 200) == 0.3 and east_leaders(run) == 0.3  # the editor is not a leader


def test_the_rise_needs_about_17_percent_at_the_start_and_30_percent_at_the_end() -> None:
    assert rises(with_posts(holdings(2, 3)))  # 20 % to exactly 30 %
    assert not rises(with_posts(holdings(2, 2)))  # no rise
    assert not rises(with_posts(holdings(3, 4)))  # started at 30 %, not about 17 %
    assert not rises(with_posts(holdings(1, 4)))  # started at 10 %


def test_no_event_of_the_case_touches_a_post() -> None:
    raw = yaml.safe_load(CASE.read_text())
    assert {event["kind"] for event in raw["events"]} == {"surge"}
    scenario = load_scenario(CASE)
    members = sum(spec.count * (spec.subsidiaries or 1) for spec in scenario.actors if spec.bloc == "east"
                  and "tsg" in spec.memberships)  # fmt: skip
    added = sum(spec.count for event in scenario.events for spec in event.add)
    assert members + added == 185  # Chinese Individual Members in 2021 (Teleanu 2021, line 1206)
