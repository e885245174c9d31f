"""The model as a plain run function: scenario and seed in, tables out (what the CLI and sweeps call)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdo_sim import budget
from sdo_sim.errors import SdoSimError
from sdo_sim.model import SDOModel
from sdo_sim.results import RunResult, collect
from sdo_sim.run_summary import summary_row
from sdo_sim.scenario import Scenario, load_scenario, scenario_hash


def run(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    *,
    weeks: int | None = None,
    positions: bool = False,
    overrides: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    data_file: str | Path | None = None,
    max_memory_gb: float | None = None,
) -> RunResult:
    """Run one scenario for its horizon (or `weeks`) with one seed; same inputs, same tables.

    A run whose estimated memory is above the limit (`max_memory_gb`, default in sdo_sim.budget)
    is refused before it starts."""
    model, manifest = simulate(scenario, seed, weeks=weeks, positions=positions, overrides=overrides,
                               progress=progress, data_file=data_file,
                               max_memory_gb=max_memory_gb)  # fmt: skip
    return collect(model, manifest)


def run_metrics(
    scenario: Scenario | str | Path, seed: int | None = None, *, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One run's summary row alone, without building its tables: what a sweep keeps (issue 9)."""
    model, manifest = simulate(scenario, seed, overrides=overrides)
    return summary_row(model, manifest)


def simulate(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    *,
    weeks: int | None = None,
    positions: bool = False,
    overrides: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    data_file: str | Path | None = None,
    max_memory_gb: float | None = None,
) -> tuple[SDOModel, dict[str, Any]]:
    """The finished model of one run and its manifest (the scenario, hash, seed and overrides)."""
    # where the scenario came from, so that a report can state its rules (sdo-sim report)
    source = None if isinstance(scenario, Scenario) else str(Path(scenario).resolve())
    data = None if data_file is None else str(Path(data_file).resolve())
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides, data_file=data_file)
    elif overrides:
        from sdo_sim.scenario.load import set_path, validate

        raw = scenario.model_dump(mode="json")
        for dotted, value in overrides.items():
            set_path(raw, dotted, value)
        scenario = validate(raw, scenario.name)
    if weeks is not None:  # re-checked like any field: events must fall within the horizon
        from sdo_sim.scenario.load import validate

        scenario = validate(
            {**scenario.model_dump(mode="json"), "weeks": weeks}, f"{scenario.name} with --weeks {weeks}"
        )
    seed = scenario.seed if seed is None else seed
    if not 0 <= seed < 2**63:
        raise SdoSimError(f"--seed: got {seed}; must be a whole number from 0 to 2**63 - 1")
    budget.check(scenario, positions, max_memory_gb)
    model = SDOModel(scenario, seed=seed, record_positions=positions)
    limit = budget.limit_bytes(max_memory_gb)

    def watch(week: int, weeks: int) -> None:
        budget.check_use(len(model.actor_list), len(model.decision_rows), model.positions_recorded, limit,
                         week, weeks)  # fmt: skip
        if progress is not None:
            progress(week, weeks)

    model.run(watch)
    from sdo_sim import __version__

    manifest = {
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "scenario_file": source,
        "data_file": data,
        "seed": seed,
        "weeks": scenario.weeks,
        "sdo_sim_version": __version__,
        "positions": positions,
        "events": len(scenario.events),
        # what was changed from the file, so that any row can be reproduced (`--set`, `--weeks`)
        "overrides": {path: _plain(value) for path, value in (overrides or {}).items()},
    }
    return model, manifest


def _plain(value: Any) -> Any:
    """An override's value as JSON can hold it."""
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)
