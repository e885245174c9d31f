"""Scenario sizes that once cost quadratic time, overflowed or out-ran the memory estimate (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sdo_sim
from sdo_sim import budget
from sdo_sim.scenario.sources import ScenarioError
from tests.test_inputs import IETF, ROOT, child, one_line
from tests.test_inputs import sdo_sim as command

BASELINES = ROOT / "scenarios" / "baselines"
# Every text may go back and try again a hundred times, stall for a hundred meetings, every week.
PERSISTENT = {
    "venues[0].max_attempts": 100,
    "venues[0].stall_meetings": 100,
    "venues[0].meeting_interval_weeks": 1,
}


@pytest.mark.parametrize(("name", "weeks"), [("itu-t-study-group", None), ("3gpp-tsg", 78),
                                             ("iso-technical-committee", None), ("ietf-working-group", None)])  # fmt: skip
def test_the_memory_estimate_bounds_persistent_texts(name: str, weeks: int | None) -> None:
    overrides = PERSISTENT if weeks is None else {**PERSISTENT, "weeks": weeks}
    scenario = sdo_sim.load_scenario(BASELINES / f"{name}.yaml", overrides)
    result = sdo_sim.run(scenario, seed=1, positions=True)
    _, gates, evaluations = budget.estimate(scenario, positions=True)
    assert len(result.decisions) <= gates
    assert result.positions is not None and len(result.positions) <= evaluations


def test_a_run_that_outgrows_its_estimate_stops_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = BASELINES / "itu-t-study-group.yaml"
    scenario = sdo_sim.load_scenario(path)
    full = sdo_sim.run(scenario, seed=1, positions=True)
    assert full.positions is not None
    actors = sum(spec.count for spec in scenario.actors)
    half = budget.footprint(actors, len(full.decisions) // 2, len(full.positions) // 2)
    monkeypatch.setattr(budget, "check", lambda *args: 0)  # as if the estimate before the run were low
    args = ["run", str(path), "--seed", "1", "--positions", "--out", str(tmp_path / "out"),
            "--max-memory", f"{half / budget.GIB:.6f}"]  # fmt: skip
    line = one_line(*command(args, capsys, monkeypatch, seconds=30)[::2])
    assert "stopped at week" in line and "of 208" in line and "nothing was written" in line, line
    week = int(line.split("stopped at week ")[1].split()[0])
    assert 4 < week < 208
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if not p.name.endswith(".sdo-sim.lock")]


def test_the_memory_guard_is_exact_at_its_limit() -> None:
    size = budget.footprint(10, 20, 30)
    budget.check_use(10, 20, 30, size, 1, 2)  # exactly at the limit: allowed
    with pytest.raises(budget.BudgetError, match="stopped at week 1 of 2"):
        budget.check_use(10, 20, 30, size - 1, 1, 2)


def test_a_thousand_compounding_surges_stay_within_bounds(tmp_path: Path) -> None:
    surges = "".join(f"  - {{kind: surge, week: {w % 10}, bloc: east, contributions: 1000, delegates: 1000, "
                     f"subsidiaries: 1000}}\n" for w in range(1000))  # fmt: skip
    path = child(tmp_path, "weeks: 12\nevents:\n" + surges)
    result = sdo_sim.run(path, seed=1)
    assert len(result.events) == 1000


def test_more_than_a_thousand_events_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    events = "".join("  - {kind: surge, week: 1, bloc: east}\n" for _ in range(1001))
    path = child(tmp_path, "events:\n" + events)
    line = one_line(*command(["validate", str(path)], capsys, monkeypatch)[::2])
    assert f"{path}: events" in line and "at most 1000" in line, line


def test_many_firms_with_home_delegations_validate_in_linear_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2,000 firms at home in a delegation spec that makes 50,000 delegations: the check once
    # rebuilt the table of every delegation for each firm (10^8 steps).
    lines = [
        "actors:",
        "  - {id: D, kind: delegation, count: 50000, bloc: east, memberships: {wg: participant}}",
    ]
    for k in range(2000):
        lines.append(f"  - {{id: F{k}, kind: firm, bloc: east, home: D, memberships: {{wg: participant}}}}")
    lines.append("  - {id: AD, kind: firm, count: 15, bloc: west, memberships: {wg: area-director}}")
    path = child(tmp_path, "\n".join(lines) + "\n")
    code, _, err = command(["validate", str(path)], capsys, monkeypatch, seconds=20)
    assert code == 0, err


def test_a_long_join_list_is_applied_without_a_search_per_actor(tmp_path: Path) -> None:
    names = ", ".join(f"X-{k + 1:03d}" for k in range(20_000))
    path = child(tmp_path, f"weeks: 10\nactors:\n  - {{id: X, kind: firm, count: 20000, bloc: east, "
                           f"memberships: {{wg: participant}}}}\n"
                           f"  - {{id: AD, kind: firm, count: 15, bloc: west, memberships: {{wg: area-director}}}}\n"
                           f"events:\n  - {{kind: bloc, week: 1, bloc: west, join: [X, {names}]}}\n")  # fmt: skip
    scenario = sdo_sim.load_scenario(path)
    result = sdo_sim.run(scenario, seed=1)
    assert len(result.events) == 1


@pytest.mark.parametrize(
    "override", [{"venues": [{}] * 101}, {"blocs": {f"b{k}": {"ideal": [0, 0]} for k in range(1001)}}]
)
def test_long_venue_and_bloc_lists_are_refused(override: dict[str, object]) -> None:
    with pytest.raises(ScenarioError, match="at most"):
        sdo_sim.load_scenario(IETF, override)


@pytest.mark.parametrize("value", ["inf", "nan", "0", "-1", "1e9", "8GB"])
def test_a_bad_memory_limit_setting_is_named(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(budget.LIMIT_VARIABLE, value)
    with pytest.raises(budget.BudgetError, match=f"^SDO_SIM_MAX_MEMORY_GB='{value}': must be a number"):
        budget.limit_bytes()
    monkeypatch.setenv(budget.LIMIT_VARIABLE, "0.5")
    assert budget.limit_bytes() == budget.GIB // 2
