"""Sweeps: every run of an experiment's design, on any executor, written as it completes (issue 9, item 2).

EMA Workbench's shape: the model is a plain run function (`sdo_sim.runner.run`), the experiment
is declared beside it (`experiments/*.yaml`, `sdo_sim.experiment`), and the design
(`sdo_sim.experiment.designs`) gives each run its factor values and its seed. Seeds come from one root seed
through `numpy.random.SeedSequence.spawn`, one per replication index and the same in every design
point: common random numbers, so a policy and its baseline are compared on paired runs. A run's
result depends only on its scenario, factor values and seed, so the results are the same whatever
the backend, the worker count or the order in which runs complete.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pandas as pd

from sdo_sim.experiment.executors import DaskExecutor, Executor, Job, LocalExecutor, RunDone, RunTask
from sdo_sim.experiment.store import SweepError, SweepStore
from sdo_sim.parallel import check_workers

#: (runs done, runs failed, runs to do, seconds so far), after each batch.
Progress = Callable[[int, int, int, float], None]
BACKENDS = ("local", "dask")
#: Batches per worker the engine aims for: enough to balance the load, few enough to keep the
#: per-batch cost (a task, a file) small.
BATCHES_PER_WORKER = 8
MAX_BATCH = 50
#: Run tables `--keep` may write per run, into DIR/tables/<table>/.
KEEPABLE = ("proposals", "decisions", "positions", "timeseries", "events", "posts")
TABLES_DIR = "tables"


class SweepInterrupted(SweepError):
    """The sweep stopped part-way (Ctrl-C): what was written stays, and `--resume` goes on."""


def experiment_identity(experiment: Any, scenario: Any) -> dict[str, Any]:
    """What a result folder belongs to: the experiment's settings and the scenario's hash."""
    from sdo_sim.scenario.load import scenario_hash

    settings = experiment.model_dump(mode="json")
    text = json.dumps({"experiment": settings, "scenario": scenario_hash(scenario)}, sort_keys=True)
    return {"experiment": experiment.name, "experiment_hash": hashlib.sha256(text.encode()).hexdigest()}


def batches_of(tasks: list[RunTask], workers: int) -> list[list[RunTask]]:
    """Tasks cut into batches in run order, about BATCHES_PER_WORKER per worker, at most MAX_BATCH runs."""
    if not tasks:
        return []
    size = max(1, min(MAX_BATCH, math.ceil(len(tasks) / (workers * BATCHES_PER_WORKER))))
    return [tasks[k : k + size] for k in range(0, len(tasks), size)]


def check_backend(backend: str, scheduler: str | None) -> None:
    """Refuse a backend that does not exist, or a scheduler address without Dask."""
    if backend not in BACKENDS:
        raise SweepError(f"--backend: got {backend!r}; must be one of {', '.join(BACKENDS)}")
    if scheduler is not None and backend != "dask":
        raise SweepError("--scheduler: needs --backend dask")


def check_keep(keep: tuple[str, ...]) -> None:
    """Refuse a run table that does not exist (`--keep`)."""
    for name in keep:
        if name not in KEEPABLE:
            raise SweepError(f"--keep: got {name!r}; tables: {', '.join(KEEPABLE)}")


def executor_for(backend: str, workers: int, scheduler: str | None) -> Executor:
    """The executor a backend names: `local` (a process pool) or `dask` (a cluster)."""
    check_backend(backend, scheduler)
    if backend == "dask":
        return DaskExecutor(workers, scheduler)
    return LocalExecutor(workers)


def _rows(design: pd.DataFrame, done: list[RunDone], metrics: tuple[str, ...]) -> pd.DataFrame:
    """The result rows of finished runs: the design's columns, then metrics, status, error, seconds."""
    by_run = {index: (values, error, seconds) for index, values, error, seconds in done}
    # a design's row k is run k (designs.runs), so a batch's rows are picked by position, not searched for
    rows = design.iloc[sorted(by_run)].copy()
    for name in metrics:
        rows[name] = [float("nan") if by_run[r][0] is None else by_run[r][0][name] for r in rows["run"]]  # type: ignore[index]
    rows["status"] = ["failed" if by_run[r][0] is None else "ok" for r in rows["run"]]
    rows["error"] = [by_run[r][1] for r in rows["run"]]
    rows["seconds"] = [round(by_run[r][2], 6) for r in rows["run"]]
    return rows.astype({name: "float64" for name in metrics})


def _versions() -> dict[str, str]:
    """The versions a result depends on, for the manifest."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for package in ("sdo-sim", "mesa", "numpy", "numba", "pandas", "pyarrow", "SALib", "dask", "distributed"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found


def sweep(
    experiment: Any,
    out: str | Path,
    *,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    keep: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Run every run of the experiment's design not yet in `out` and return all its runs, in run order.

    `experiment` is an experiment file's path or a loaded `Experiment`. Results are written as
    batches complete (store.py); a run that raises is recorded as failed with its error."""
    from sdo_sim.experiment import designs
    from sdo_sim.experiment.spec import load_experiment
    from sdo_sim.scenario import load_scenario

    if not hasattr(experiment, "design"):
        experiment = load_experiment(experiment)
    problem = check_workers(workers)
    if problem:
        raise SweepError(problem)
    check_backend(backend, scheduler)
    check_keep(keep)
    design = designs.runs(experiment)
    scenario = load_scenario(experiment.scenario_path)
    metrics = tuple(experiment.metrics)
    store = SweepStore(Path(out), experiment_identity(experiment, scenario), resume)
    try:
        written = store.done()
        todo = design[~design["run"].isin(list(written))]
        # records keep each column's type: iterrows would turn a 63-bit seed into a float and round it
        tasks = [
            (int(row["run"]), int(row["seed"]), designs.overrides(row, experiment))
            for row in todo.to_dict("records")
        ]
        executor = executor_for(backend, workers, scheduler)
        start, done, failed = time.perf_counter(), 0, 0
        try:
            for finished in executor.results(
                Job(scenario, metrics, tuple(keep), str(Path(out).resolve() / TABLES_DIR)),
                batches_of(tasks, executor.workers),
            ):
                store.write(_rows(design, finished, metrics))
                done += len(finished)
                failed += sum(1 for _, values, _, _ in finished if values is None)
                if progress is not None:
                    progress(done, failed, len(tasks), time.perf_counter() - start)
        except KeyboardInterrupt:  # the `finally` below stops the workers
            raise SweepInterrupted(
                f"interrupted: {len(written) + done} of {len(design)} runs written to {out}; "
                "rerun with --resume to go on"
            ) from None
        except BrokenProcessPool:
            raise SweepError(
                f"a worker process died (killed, or out of memory): {len(written) + done} of {len(design)} "
                f"runs written to {out}; rerun with --resume to go on"
            ) from None
        finally:
            executor.close()
        wall = time.perf_counter() - start
        table = store.read()
        ok = int((table["status"] == "ok").sum()) if len(table) else 0
        store.finish({
            **experiment_identity(experiment, scenario),
            "design": experiment.design.model_dump(mode="json"),
            "settings": experiment.model_dump(mode="json"),  # the whole experiment, for sdo-sim analyze
            "source": str(experiment.source),
            "scenario_file": str(experiment.scenario_path.resolve()),  # for sdo-sim report
            "factors": [f.path for f in experiment.factors],
            "replications": experiment.replications,
            "root_seed": experiment.seed,
            "backend": backend,
                "keep": list(keep),
            "workers": executor.workers,
            "versions": _versions(),
            "runs": {"designed": len(design), "ok": ok, "failed": len(table) - ok,
                     "this_session": done, "resumed_from": len(written)},
            "time": {"wall_seconds": round(wall, 3),
                     "seconds_per_run": round(wall / done, 6) if done else None,
                     "runs_per_second": round(done / wall, 3) if done and wall > 0 else None},
        })  # fmt: skip
        return table
    finally:
        store.close()
