"""Paired ensembles for the workshop: a scenario as is and with the room's change, each over the same
seeds (common random numbers), run in worker processes; tidy tables back, and the difference in words.

The seeds come from `numpy.random.SeedSequence` as a sweep's replications do
(`experiment.designs.replication_seeds`): replication i of both sides has the same seed, so the
paired difference holds the change's effect with the run-to-run noise the two sides share taken
out. The workers are a long-lived fork pool started before the web server's threads exist (forking
a threaded process can leave a lock held in the child); each keeps the scenarios it has loaded.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sdo_sim.analysis.tables import half_width
from sdo_sim.experiment.designs import replication_seeds
from sdo_sim.experiment.executors import start_context
from sdo_sim.scenario import Scenario, load_scenario

SIDES = ("as is", "changed")
#: Columns of a run's proposals table the dashboard draws and exports.
PROPOSAL_COLUMNS = ["proposal", "venue", "bloc", "submitted", "decided", "weeks_to_decision", "outcome",
                    "approved", "stage", "procedure", "gates"]  # fmt: skip
#: Columns of a run's decisions table the stage figure needs (the reason sentences stay out: they are long).
DECISION_COLUMNS = ["decision", "week", "venue", "proposal", "stage", "procedure", "approved", "outcome",
                    "yes", "no"]  # fmt: skip
TABLES = ("summary", "proposals", "decisions", "timeseries", "posts", "events")
MAX_RUNS = 200
#: A task: scenario file, its overrides (sorted path/value pairs), replication index, seed.
Task = tuple[str, tuple[tuple[str, Any], ...], int, int]
Progress = Callable[[int, int], None]


# --- loaded scenarios, kept per process ------------------------------------------------------------------

_LOADED: dict[tuple[str, str, float], Scenario] = {}
MAX_LOADED = 64


def scenario(path: str | Path, overrides: Sequence[tuple[str, Any]] = ()) -> Scenario:
    """A scenario file with overrides, loaded once per process (until the file changes)."""
    path = str(path)
    # a missing or unreadable file is load_scenario's one-line error, not a stat traceback
    key = (path, json.dumps(list(overrides), sort_keys=True), _mtime(path))
    if key not in _LOADED:
        if len(_LOADED) >= MAX_LOADED:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = load_scenario(path, dict(overrides) or None)
    return _LOADED[key]


def _mtime(path: str) -> float:
    """When the file last changed (0 if it cannot be read: loading it then says why)."""
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def run_task(task: Task) -> dict[str, pd.DataFrame]:
    """One run of an ensemble: its tables, each with the run's replication and seed."""
    from sdo_sim.runner import run

    path, overrides, replication, seed = task
    result = run(scenario(path, overrides), seed)
    tag = {"replication": replication, "seed": seed}
    return {
        "summary": result.summary.assign(**tag),
        "proposals": result.proposals[PROPOSAL_COLUMNS].assign(**tag),
        "decisions": result.decisions[DECISION_COLUMNS].assign(**tag),
        "timeseries": result.timeseries.assign(**tag),
        "posts": result.posts.assign(**tag),
        "events": result.events.assign(**tag),
    }


def _watch(parent: int) -> None:
    """Worker initialiser: end this worker when the server that forked it is gone (even killed outright)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


# --- the workers ------------------------------------------------------------------------------------------


class Workers:
    """Worker processes for ensembles, started at once (before any server thread) and kept."""

    def __init__(self, workers: int) -> None:
        from sdo_sim.positions import use_compiled

        self.workers = max(1, workers)
        self.pool: ProcessPoolExecutor | None = None
        use_compiled()  # a room's ensembles are many runs per process: compiled once, inherited by the fork
        if self.workers > 1:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=start_context(), initializer=_watch,
                                            initargs=(os.getpid(),))  # fmt: skip
            # with fork, the first submit starts every worker: now, while this process has one thread
            self.pool.submit(os.getpid).result()

    def map(self, tasks: Sequence[Task], progress: Progress | None = None) -> list[dict[str, pd.DataFrame]]:
        """Every task's tables, in task order."""
        if self.pool is None:
            done = []
            for task in tasks:
                done.append(run_task(task))
                if progress is not None:
                    progress(len(done), len(tasks))
            return done
        futures: list[Future[dict[str, pd.DataFrame]]] = [self.pool.submit(run_task, t) for t in tasks]
        try:
            results = []
            for future in futures:
                results.append(future.result())
                if progress is not None:
                    progress(len(results), len(tasks))
            return results
        finally:  # an abandoned ensemble (the room moved a slider again) frees the workers at once
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Stop the workers."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


# --- ensembles --------------------------------------------------------------------------------------------


@dataclass
class Ensemble:
    """One side's runs: each table of every run stacked, told apart by `replication` and `seed`."""

    side: str
    overrides: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    seconds: float

    @property
    def summary(self) -> pd.DataFrame:
        """One row per run: the run's metrics."""
        return self.tables["summary"]


@dataclass
class Comparison:
    """The scenario as is and with the change, over the same seeds."""

    scenario: str
    root_seed: int
    seeds: list[int]
    base: Ensemble
    changed: Ensemble
    seconds: float
    notes: list[str] = field(default_factory=list)

    def tidy(self, table: str) -> pd.DataFrame:
        """Both sides' rows of one table, with a `side` column first."""
        parts = [e.tables[table].assign(side=e.side) for e in (self.base, self.changed)]
        frame = pd.concat(parts, ignore_index=True)
        return frame[["side", *(c for c in frame.columns if c != "side")]]


def seeds(root: int, runs: int) -> list[int]:
    """The ensemble's run seeds: the same for both sides (common random numbers)."""
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs: got {runs}; must be from 1 to {MAX_RUNS}")
    return replication_seeds(root, runs)


_ENSEMBLES: dict[tuple[Any, ...], Ensemble] = {}
MAX_ENSEMBLES = 24  # a room moves a slider back and forth: both ends stay at hand


def ensemble(workers: Workers, path: str, overrides: dict[str, Any], chosen: list[int], side: str,
             progress: Progress | None = None) -> Ensemble:  # fmt: skip
    """The runs of one side, over `chosen` seeds; kept, so the unchanged side is run once per scenario."""
    key_overrides = tuple(sorted(overrides.items()))
    key = (path, _mtime(path), json.dumps(key_overrides, sort_keys=True), tuple(chosen))
    if key in _ENSEMBLES:
        kept = _ENSEMBLES[key]
        return Ensemble(side, kept.overrides, kept.tables, 0.0)
    start = time.perf_counter()
    results = workers.map([(path, key_overrides, i, seed) for i, seed in enumerate(chosen)], progress)
    tables = {name: pd.concat([r[name] for r in results], ignore_index=True) for name in TABLES}
    made = Ensemble(side, dict(overrides), tables, time.perf_counter() - start)
    if len(_ENSEMBLES) >= MAX_ENSEMBLES:
        _ENSEMBLES.pop(next(iter(_ENSEMBLES)))
    _ENSEMBLES[key] = made
    return made


def compare(
    workers: Workers,
    path: str | Path,
    changes: dict[str, Any],
    *,
    root_seed: int,
    runs: int,
    base: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Run the scenario (with `base` overrides) and the same with `changes` on top, over the same seeds."""
    start = time.perf_counter()
    path = str(path)
    chosen = seeds(root_seed, runs)
    before = dict(base or {})
    after = {**before, **changes}
    scenario(path, tuple(sorted(after.items())))  # a change the field refuses is one line, before any run
    as_is = ensemble(workers, path, before, chosen, SIDES[0], progress)
    changed = ensemble(workers, path, after, chosen, SIDES[1], progress)
    return Comparison(path, root_seed, chosen, as_is, changed, time.perf_counter() - start)


# --- the difference in words ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A metric's paired difference: means on each side, the mean difference and its interval."""

    label: str
    before: float
    after: float
    difference: float
    half_width: float
    pairs: int
    runs: int
    share: bool

    def words(self) -> str:
        """'west proposals approved: 62 % → 41 %, ± 5 points (clearly lower)'."""
        if self.pairs == 0:
            return f"{self.label}: nothing to compare (no run has a value on both sides)"
        if self.share:
            text = f"{self.label}: {_pct(self.before)} → {_pct(self.after)}"
            spread = f"± {_number(self.half_width * 100)} points"
        else:
            text = f"{self.label}: {_number(self.before)} → {_number(self.after)}"
            spread = f"± {_number(self.half_width)}"
        if self.pairs < 2:
            return f"{text} (one pair of runs: no interval)"
        verdict = ("no clear change" if abs(self.difference) <= self.half_width
                   else "clearly higher" if self.difference > 0 else "clearly lower")  # fmt: skip
        some = f"; {self.pairs} of {self.runs} runs have a value" if self.pairs < self.runs else ""
        return f"{text}, {spread} ({verdict}{some})"


def _pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def difference(label: str, before: Sequence[float], after: Sequence[float], *, share: bool,
               confidence: float = 0.95) -> Difference:  # fmt: skip
    """The paired difference of `after` − `before` (run i against run i; pairs with a value on both)."""
    a = np.asarray(before, dtype=float)
    b = np.asarray(after, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"{label}: {len(a)} runs before and {len(b)} after; the runs must pair")
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    if not len(a):
        return Difference(label, math.nan, math.nan, math.nan, math.nan, 0, len(keep), share)
    d = b - a
    sd = float(np.std(d, ddof=1)) if len(d) > 1 else math.nan
    half = float(half_width(np.array([sd]), np.array([len(d)]), confidence=confidence)[0])
    means = float(a.mean()), float(b.mean()), float(d.mean())
    return Difference(label, *means, half, len(d), len(keep), share)


def headline(comparison: Comparison, confidence: float = 0.95) -> list[Difference]:
    """The differences a room reads first: approvals overall and by bloc, posts by bloc, time, blocking."""
    base, changed = comparison.base.summary, comparison.changed.summary
    rows: list[tuple[str, str, bool]] = [("approval_rate", "proposals approved", True)]
    blocs = [c.split(".", 1)[1] for c in base.columns if c.startswith("approval_rate.")]
    rows += [(f"approval_rate.{b}", f"{_bloc(b)} proposals approved", True) for b in blocs]
    rows += [(f"posts_share.{b}", f"posts held by {_bloc(b, the=True)}", True) for b in blocs]
    rows += [("median_weeks_to_decision", "weeks to decision (median)", False),
             ("blocked_by_minority", "votes blocked by a minority", False)]  # fmt: skip
    out = []
    for column, label, share in rows:
        if column not in base or column not in changed:
            continue
        if column.startswith("posts_share.") and not (base[column].any() or changed[column].any()):
            continue  # a bloc that holds no post on either side: nothing to say
        if column.startswith("approval_rate.") and base[column].isna().all() and changed[column].isna().all():
            continue  # no proposal from this bloc (e.g. no actor without a bloc)
        out.append(difference(label, base[column], changed[column], share=share, confidence=confidence))
    return out


def _bloc(bloc: str, the: bool = False) -> str:
    if bloc == "none":
        return "members without a bloc" if the else "no-bloc"
    return f"the {bloc}" if the else bloc
