"""Where a sweep's runs execute: one interface, a local process pool or a Dask cluster (issue 9, item 2).

An executor takes batches of runs and yields each batch's results as it completes, in any order;
the sweep writes them and never depends on the order, so results are the same on any executor.
Workers live for the whole sweep and hold the scenario they were given once (`Job`), so a batch
carries only seeds and factor values, and only summaries travel back.

The local pool uses an explicit `fork` context (falling back to `forkserver` where fork is not
available): importing mesa sets `spawn` as the program's default, under which every worker would
re-import the package and a 2-worker pool ran slower than one process (issue 9, "Why").
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sdo_sim.results import RunResult
    from sdo_sim.scenario.schema import Scenario

#: One run as the engine hands it out: its index in the design, its seed and its overrides.
RunTask = tuple[int, int, dict[str, Any]]
#: One run's result: the index, the metrics (None if it failed), the error line, the seconds it took.
RunDone = tuple[int, dict[str, float] | None, str, float]


@dataclass(frozen=True)
class Job:
    """What every worker needs once: the scenario, the metric columns to keep, and the run tables to
    write per run (`keep`, into `tables`/<table>/) if any."""

    scenario: Scenario
    metrics: tuple[str, ...]
    keep: tuple[str, ...] = ()
    tables: str = ""


def write_tables(job: Job, index: int, result: RunResult) -> None:
    """Each kept table of one run as `<tables>/<table>/run-<index>.parquet`, with a `run` column,
    written under a temporary name and renamed whole (so memory stays flat at any sweep size)."""
    for name in job.keep:
        table = getattr(result, name)
        if table is None:
            continue
        folder = os.path.join(job.tables, name)
        os.makedirs(folder, exist_ok=True)
        final = os.path.join(folder, f"run-{index:09d}.parquet")
        partial = os.path.join(folder, f".run-{index:09d}.partial")
        table.assign(run=index).to_parquet(partial, index=False)
        os.replace(partial, final)


def run_batch(job: Job, batch: Sequence[RunTask]) -> list[RunDone]:
    """Run each task of a batch; a run that raises is returned as failed with its error, never dropped."""
    from sdo_sim.runner import run, run_metrics

    done: list[RunDone] = []
    for index, seed, overrides in batch:
        start = time.perf_counter()
        try:
            if job.keep:
                result = run(
                    job.scenario, seed, overrides=overrides or None, positions="positions" in job.keep
                )
                write_tables(job, index, result)
                summary = result.summary.iloc[0].to_dict()
            else:
                summary = run_metrics(job.scenario, seed, overrides=overrides or None)
            metrics = {name: _number(summary.get(name)) for name in job.metrics}
            done.append((index, metrics, "", time.perf_counter() - start))
        except Exception as error:  # a run's failure is a result to record, not a crash of the sweep
            line = f"{type(error).__name__}: {error}".splitlines()[0][:500]
            done.append((index, None, line, time.perf_counter() - start))
    return done


def _number(value: Any) -> float:
    """A metric as a float (NaN when the run had nothing to count)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


class Executor(Protocol):
    """Runs batches for a sweep and yields their results as they complete."""

    workers: int

    def results(self, job: Job, batches: Sequence[Sequence[RunTask]]) -> Iterator[list[RunDone]]:
        """Each batch's results, as batches complete (any order)."""
        ...

    def close(self) -> None:
        """Stop the workers; batches in flight are abandoned."""
        ...


_JOB: Job | None = None


def _hold(job: Job) -> None:
    """Worker initialiser: keep the sweep's job for every batch this worker runs."""
    global _JOB
    _JOB = job


def _run_held(batch: Sequence[RunTask]) -> list[RunDone]:
    assert _JOB is not None, "worker started without its job"
    return run_batch(_JOB, batch)


def _run_compiled(job: Job, batch: Sequence[RunTask]) -> list[RunDone]:
    """run_batch on a Dask worker, a process of its own: the compiled kernels stay on there."""
    from sdo_sim.positions import use_compiled

    use_compiled()
    return run_batch(job, batch)


def start_context() -> multiprocessing.context.BaseContext:
    """fork where the platform has it, else forkserver: never the spawn mesa sets as the default."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "forkserver")


class LocalExecutor:
    """A process pool on this machine whose workers live for the whole sweep (1 worker: in-process)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def results(self, job: Job, batches: Sequence[Sequence[RunTask]]) -> Iterator[list[RunDone]]:
        """Each batch's results as it completes; at most two batches a worker are queued at once."""
        from sdo_sim.positions import compiled

        # many runs per process: the compiled kernels pay here (the same results either way); switched
        # on before the fork, so every worker inherits them, and off again for the caller afterwards
        with compiled():
            if self.workers == 1:
                for batch in batches:
                    yield run_batch(job, batch)
                return
            self.pool = ProcessPoolExecutor(self.workers, mp_context=start_context(), initializer=_hold,
                                            initargs=(job,))  # fmt: skip
            # with fork, the first submit starts every worker: now, with the kernels switched on
            pending: set[Future[list[RunDone]]] = set()
            queue = iter(batches)
            for batch in queue:
                pending.add(self.pool.submit(_run_held, batch))
                if len(pending) >= 2 * self.workers:
                    break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
                following = next(queue, None)
                if following is not None:
                    pending.add(self.pool.submit(_run_held, following))
        self.close()

    def close(self) -> None:
        """Stop the pool without waiting for batches in flight."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


class DaskExecutor:
    """Batches on a Dask cluster (`dask.distributed`): an existing scheduler, or a LocalCluster."""

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)  # fmt: skip
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler)
        self.workers = len(self.client.scheduler_info().get("workers", {})) or workers

    def results(self, job: Job, batches: Sequence[Sequence[RunTask]]) -> Iterator[list[RunDone]]:
        """Each batch's results as it completes; the job is sent to the workers once."""
        from dask.distributed import as_completed

        held = self.client.scatter(job, broadcast=True)
        futures = [self.client.submit(_run_compiled, held, list(batch), pure=False) for batch in batches]
        for future in as_completed(futures):
            yield future.result()

    def close(self) -> None:
        """Disconnect, and stop the LocalCluster if this executor started it."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
