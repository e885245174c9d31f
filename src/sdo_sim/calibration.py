"""Calibration: score a scenario against observed targets over seeds, and search for parameter values
that fit them (issue 8, item 6; targets and metrics in targets.py, definitions in docs/calibration.md).

Runs go to a process pool with an explicit fork context (mesa sets spawn globally, which would
re-import everything per worker); every run is a task with its own seed and the results are read
back in task order, so the numbers are the same for any number of workers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sdo_sim.errors import SdoSimError
from sdo_sim.inputs import shorten
from sdo_sim.parallel import check_workers, map_in_order
from sdo_sim.scenario import Scenario, ScenarioError, load_scenario, set_path, validate
from sdo_sim.targets import Target, bind, measure

#: Weight of the distance from the source's point value, inside the band: it only breaks ties.
POINT_WEIGHT = 0.01
#: Rounds of local refinement after the Latin hypercube; each tries two points per parameter.
REFINE_ROUNDS = 4
Progress = Callable[[int, int], None]
#: One run's work: scenario, seed, overrides, weeks, and the (metric, params) pairs to measure.
Task = tuple[Scenario, int, dict[str, Any], "int | None", list[tuple[str, dict[str, Any]]]]


class CalibrationError(SdoSimError):
    """A calibration request that cannot be carried out: names the option or field and what is allowed."""


def seed_list(first: int, count: int) -> list[int]:
    """The replication seeds: `count` consecutive seeds from `first` (explicit, so any row can be rerun)."""
    if count < 1:
        raise CalibrationError(f"--seeds: got {count}; must be at least 1")
    if not 0 <= first <= 2**63 - 1 - count:
        raise CalibrationError(f"--seed: got {first}; must be a whole number from 0 to 2**63 - 1 - seeds")
    return list(range(first, first + count))


def _run_task(task: Task) -> list[float]:
    """One seed of one parameter point: run the model and measure every requested metric."""
    from sdo_sim.runner import run

    scenario, seed, overrides, weeks, wanted = task
    result = run(scenario, seed, weeks=weeks, overrides=overrides or None)
    return [measure(result, metric, params) for metric, params in wanted]


def run_tasks(tasks: list[Task], workers: int, progress: Progress | None = None) -> list[list[float]]:
    """Every task's values, in task order, on `workers` processes (1: in this process)."""
    problem = check_workers(workers)
    if problem:
        raise CalibrationError(problem)
    return map_in_order(_run_task, tasks, workers, progress)


def _tasks(scenario: Scenario, targets: list[Target], seeds: list[int], overrides: dict[str, Any],
           weeks: int | None) -> list[Task]:  # fmt: skip
    wanted = [(t.metric, bind(t, scenario)) for t in targets]
    return [(scenario, seed, overrides, weeks, wanted) for seed in seeds]


def summarise(targets: list[Target], values: np.ndarray) -> pd.DataFrame:
    """One row per target from its values over seeds (rows: seeds, columns: targets)."""
    rows = []
    for j, target in enumerate(targets):
        column = values[:, j]
        finite = column[np.isfinite(column)]
        mean = float(finite.mean()) if len(finite) else math.nan
        in_band = (finite >= target.low) & (finite <= target.high)  # an edge counts as in the band
        rows.append({
            "target": target.id, "metric": target.metric, "params": target.params_text,
            "mean": mean, "sd": float(finite.std(ddof=1)) if len(finite) > 1 else math.nan,
            "value": target.value, "low": target.low, "high": target.high, "unit": target.unit,
            "seeds": len(column), "computed": len(finite),
            "in_band": float(in_band.mean()) if len(finite) else math.nan,
            "passed": (target.low <= mean <= target.high) if len(finite) else None,
            "note": "" if len(finite) else target.computable_note(),
            "source": target.source,
        })  # fmt: skip
    return pd.DataFrame(rows)


def score(
    scenario: Scenario | str | Path,
    targets: list[Target],
    seeds: Iterable[int],
    *,
    workers: int = 1,
    overrides: dict[str, Any] | None = None,
    weeks: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Each target's mean over the seeds, the share of seeds within [low, high], and `passed` (the
    mean within the band; None when no run could compute it)."""
    scenario = _scenario(scenario)
    seeds = list(seeds)
    if not targets:
        raise CalibrationError("no targets to score")
    results = run_tasks(_tasks(scenario, targets, seeds, dict(overrides or {}), weeks), workers, progress)
    return summarise(targets, np.array(results, dtype=float).reshape(len(seeds), len(targets)))


def loss(scores: pd.DataFrame) -> float:
    """Mean over computable targets of (distance of the seed-mean from the band, in band widths)²,
    plus POINT_WEIGHT × (distance from the source's value, in band widths)² to break ties in the band."""
    usable = scores[scores["computed"] > 0]
    if not len(usable):
        return math.inf
    width = usable["high"] - usable["low"]
    outside = np.maximum.reduce([usable["low"] - usable["mean"], usable["mean"] - usable["high"],
                                 np.zeros(len(usable))]) / width  # fmt: skip
    centre = (usable["mean"] - usable["value"]) / width
    return float(np.mean(outside**2 + POINT_WEIGHT * centre**2))


@dataclass(frozen=True)
class Parameter:
    """A scenario field to fit, its range, and whether it takes whole numbers."""

    path: str
    low: float
    high: float
    integer: bool = False

    def value(self, unit: float) -> float | int:
        """The field's value at a position 0..1 in its range."""
        x = self.low + unit * (self.high - self.low)
        return round(x) if self.integer else float(x)


def _walk(raw: Any, parts: list[str]) -> Any:
    """The value at a split dotted path of a dumped scenario (list items by id, else index)."""
    node = raw
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list):
            found = [item for item in node if isinstance(item, dict) and item.get("id") == part]
            if not found and part.isdigit() and int(part) < len(node):
                found = [node[int(part)]]
            if not found:
                raise KeyError(part)
            node = found[0]
        else:
            raise KeyError(part)
    return node


def parameter(scenario: Scenario, path: str, low: float, high: float) -> Parameter:
    """A parameter to fit, checked: a numeric field of this scenario that accepts both ends of the range."""
    from sdo_sim.scenario.load import _split_path

    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise CalibrationError(
            f"--fit {shorten(path)}: range {low:g}:{high:g}; give LOW:HIGH with LOW < HIGH"
        )
    raw = scenario.model_dump(mode="json")
    parts = _split_path(path)
    try:
        current = _walk(raw, parts)
    except KeyError as error:
        parent = ".".join(parts[: parts.index(str(error.args[0]))]) if error.args[0] in parts else ""
        try:
            here = _walk(raw, _split_path(parent)) if parent else raw
        except KeyError:
            here = {}
        fields = ", ".join(sorted(here)) if isinstance(here, dict) else "list items by id"
        raise CalibrationError(f"--fit {shorten(path)}: not a field of the scenario; fields of "
                               f"{parent or 'the scenario'}: {shorten(fields, 300)}") from None  # fmt: skip
    if isinstance(current, bool) or not isinstance(current, int | float | type(None)):
        raise CalibrationError(f"--fit {shorten(path)}: holds {shorten(repr(current))}, not a number; "
                               "only numeric fields can be fitted")  # fmt: skip
    integer = isinstance(current, int)
    if integer and not (low == int(low) and high == int(high)):
        raise CalibrationError(f"--fit {shorten(path)}: takes whole numbers; give a whole LOW:HIGH")
    fitted = Parameter(path, float(low), float(high), integer)
    for end in (0.0, 1.0):
        changed = scenario.model_dump(mode="json")
        try:
            set_path(changed, path, fitted.value(end), f"--fit {path}")
            validate(changed, f"--fit {path}={fitted.value(end)}")
        except ScenarioError as error:
            raise CalibrationError(str(error)) from None
    return fitted


def latin_hypercube(points: int, dimensions: int, rng: np.random.Generator) -> np.ndarray:
    """`points` positions in the unit cube, one in each of `points` equal strata of every dimension."""
    strata = np.stack([rng.permutation(points) for _ in range(dimensions)], axis=1)
    return (strata + rng.random((points, dimensions))) / points


@dataclass
class FitResult:
    """What a fit found: the fitted values, the scores there, and every point tried."""

    parameters: pd.DataFrame  # parameter, low, high, fitted, loss
    scores: pd.DataFrame  # score() at the fitted point
    history: pd.DataFrame  # one row per point: its values and loss, in the order tried


def fit(
    scenario: Scenario | str | Path,
    targets: list[Target],
    parameters: dict[str, tuple[float, float]],
    *,
    budget: int = 20,
    seeds: Iterable[int],
    seed: int = 1,
    workers: int = 1,
    overrides: dict[str, Any] | None = None,
    weeks: int | None = None,
    refine: int = REFINE_ROUNDS,
    progress: Progress | None = None,
    report: Callable[[str], None] | None = None,
) -> FitResult:
    """Search the parameters' ranges for the values that minimise `loss`: a Latin hypercube of `budget`
    points drawn with `seed`, then `refine` rounds of a compass search around the best point (two
    points per parameter a round, the step halving from one stratum). Every point runs on the same
    seeds (common random numbers), so points differ by their parameters, not by their luck.
    `progress` gets (runs done, runs planned); `report` a line per point tried."""
    scenario = _scenario(scenario)
    seeds = list(seeds)
    if not 1 <= budget <= 10_000:
        raise CalibrationError(f"--budget: got {budget}; must be from 1 to 10000")
    if not targets:
        raise CalibrationError("no targets to fit")
    if not parameters:
        raise CalibrationError("--fit: name at least one PATH=LOW:HIGH")
    params = [parameter(scenario, path, low, high) for path, (low, high) in parameters.items()]
    base = dict(overrides or {})
    for p in params:
        if p.path in base:
            raise CalibrationError(f"--fit {p.path}: also given with --set; fit it or set it, not both")
    tried: dict[tuple[float | int, ...], tuple[float, pd.DataFrame]] = {}
    order: list[tuple[float | int, ...]] = []
    total = budget + refine * 2 * len(params)
    counter = [0]

    def evaluate(units: np.ndarray) -> list[float]:
        """The loss at each position (unit cube rows); points already tried are not run again."""
        points = [tuple(p.value(u) for p, u in zip(params, row, strict=True)) for row in units]
        new = list(dict.fromkeys(point for point in points if point not in tried))
        tasks: list[Task] = []
        for point in new:
            changed = {**base, **{p.path: v for p, v in zip(params, point, strict=True)}}
            tasks.extend(_tasks(scenario, targets, seeds, changed, weeks))
        runs = len(tasks)
        offset = counter[0]

        def tick(done: int, _: int) -> None:
            if progress is not None:
                progress(offset + done, total * len(seeds))

        values = run_tasks(tasks, workers, tick) if tasks else []
        for k, point in enumerate(new):
            block = np.array(values[k * len(seeds) : (k + 1) * len(seeds)], dtype=float)
            scores = summarise(targets, block.reshape(len(seeds), len(targets)))
            tried[point] = (loss(scores), scores)
            order.append(point)
            if report is not None:  # a line per point, for logs where no progress bar shows
                values_text = ", ".join(f"{p.path}={v:.4g}" for p, v in zip(params, point, strict=True))
                report(f"point {len(order)}: {values_text}: loss {tried[point][0]:.4g}")
        counter[0] += runs
        return [tried[point][0] for point in points]

    rng = np.random.default_rng(seed)
    design = latin_hypercube(budget, len(params), rng)
    losses = evaluate(design)
    best = int(np.argmin(losses))  # the first of equal losses: the order is fixed by the seed
    centre, best_loss = design[best].copy(), losses[best]
    step = 1.0 / budget
    for _ in range(refine):
        moves = []
        for d in range(len(params)):
            for sign in (-1.0, 1.0):
                moved = centre.copy()
                moved[d] = min(1.0, max(0.0, moved[d] + sign * step))
                moves.append(moved)
        candidates = np.array(moves)
        found = evaluate(candidates)
        k = int(np.argmin(found))
        if found[k] < best_loss:
            centre, best_loss = candidates[k], found[k]
        step /= 2
    point = tuple(p.value(u) for p, u in zip(params, centre, strict=True))
    final_loss, final_scores = tried[point]
    table = pd.DataFrame([{"parameter": p.path, "low": p.low, "high": p.high, "fitted": v, "loss": final_loss}
                          for p, v in zip(params, point, strict=True)])  # fmt: skip
    history = pd.DataFrame([{**{p.path: v for p, v in zip(params, pt, strict=True)}, "loss": tried[pt][0]}
                            for pt in order])  # fmt: skip
    return FitResult(table, final_scores, history)


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def default_workers() -> int:
    """Processes to use by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _number(value: float) -> str:
    """A figure as a table shows it: three significant digits, n/a for NaN."""
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.3g}"


def score_table(scores: pd.DataFrame, title: str) -> Any:
    """The scores as a rich table: target | metric | mean | band (value) | seeds in band | pass."""
    from rich.table import Table
    from rich.text import Text

    from sdo_sim.inputs import printable

    table = Table(title=Text(printable(title)))
    table.add_column("target", no_wrap=True)
    table.add_column("metric", overflow="fold")
    for name in ("mean", "band (value)", "seeds in band"):
        table.add_column(name, justify="right")
    table.add_column("pass")
    for row in scores.itertuples(index=False):
        params = f" {row.params}" if row.params else ""
        verdict = "n/a" if row.passed is None else "pass" if row.passed else "FAIL"
        band = f"{_number(row.low)}-{_number(row.high)} ({_number(row.value)})"
        share = "n/a" if not math.isfinite(row.in_band) else f"{row.in_band:.0%} of {row.computed}"
        cells = (Text(printable(row.target)), Text(printable(row.metric + params)), _number(row.mean))
        table.add_row(*cells, band, share, verdict)
    return table


def fit_table(parameters: pd.DataFrame, title: str) -> Any:
    """The fitted values as a rich table: parameter | range | fitted | loss."""
    from rich.table import Table
    from rich.text import Text

    from sdo_sim.inputs import printable

    table = Table(title=Text(printable(title)))
    for name in ("parameter", "range", "fitted", "loss"):
        table.add_column(name, justify="left" if name == "parameter" else "right")
    for row in parameters.itertuples(index=False):
        table.add_row(Text(printable(row.parameter)), f"{row.low:g}:{row.high:g}", f"{row.fitted:.4g}",
                      f"{row.loss:.4g}")  # fmt: skip
    return table


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write a table as CSV in one step (a temporary file renamed over `path`), or say why not."""
    temporary = path.with_name(f".{path.name}.sdo-sim-{os.getpid()}")
    try:
        table.to_csv(temporary, index=False)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise CalibrationError(f"--out {path}: cannot be written ({error.strerror or error})") from None


def check_out(path: Path) -> None:
    """Refuse, before any run, an --out that cannot take a CSV file."""
    if path.is_dir():
        raise CalibrationError(f"--out {path}: is a folder; give a file name such as scores.csv")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise CalibrationError(f"--out {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise CalibrationError(f"--out {path}: folder {parent} cannot be written")


def parse_fit(items: list[str]) -> dict[str, tuple[float, float]]:
    """`--fit PATH=LOW:HIGH` options as {path: (low, high)}."""
    out: dict[str, tuple[float, float]] = {}
    for item in items:
        path, sep, text = (part.strip() for part in item.partition("="))
        low_text, colon, high_text = text.partition(":")
        try:
            low, high = float(low_text), float(high_text)
        except ValueError:
            low = high = math.nan
        if not (sep and path and colon and math.isfinite(low) and math.isfinite(high) and low < high):
            raise CalibrationError(f"--fit {shorten(item)!r}: write PATH=LOW:HIGH with numbers LOW < HIGH, "
                                   "e.g. venues.sg.drafting_meetings=1:4")  # fmt: skip
        if path in out:
            raise CalibrationError(f"--fit {shorten(path)}: given twice")
        out[path] = (low, high)
    return out
