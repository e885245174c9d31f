"""Sweeps (sdo_sim.sweep, experiment.store, experiment.executors; issue 9 item 2): the same results on any worker count
and backend, nothing lost or duplicated across an interruption, a killed worker or a failing run,
and result folders that refuse what is not theirs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sdo_sim import positions
from sdo_sim.experiment import executors, load_experiment
from sdo_sim.experiment import store as sweep_store
from sdo_sim.experiment.sweeps import SweepError, SweepInterrupted, batches_of, sweep
from sdo_sim.runner import run, run_metrics

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"


def experiment_file(folder: Path, replications: int = 3, seed: int = 7, weeks: int = 104) -> Path:
    """A small grid: east cohesion 0 and 1, a shortened horizon, `replications` paired seeds."""
    path = folder / "small.yaml"
    path.write_text(
        f"name: small\nscenario: {BASELINE}\nfactors:\n  - {{path: blocs.east.cohesion, values: [0, 1]}}\n"
        f"  - {{path: weeks, values: [{weeks}]}}\ndesign: {{kind: grid}}\nreplications: {replications}\n"
        f"seed: {seed}\nmetrics: [approval_rate, approval_rate.west, blocked_by_minority]\n"
    )
    return path


def comparable(table: pd.DataFrame) -> pd.DataFrame:
    """A results table without the timing column, which differs from run to run."""
    return table.drop(columns=["seconds"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """The small experiment swept once, in this process."""
    folder = tmp_path_factory.mktemp("reference")
    path = experiment_file(folder)
    return path, sweep(path, folder / "out", workers=1)


def test_one_row_per_run_with_its_design_its_seed_and_its_metrics(
    reference: tuple[Path, pd.DataFrame],
) -> None:
    path, table = reference
    assert list(table["run"]) == list(range(6)) and set(table["status"]) == {"ok"}
    assert list(table["blocs.east.cohesion"]) == [0, 0, 0, 1, 1, 1]
    # common random numbers: replication k has the same seed at every design point
    assert list(table["seed"][:3]) == list(table["seed"][3:]) and table["seed"][:3].nunique() == 3
    # any row can be rerun on its own with its seed and factor values
    row = table.iloc[4]
    again = run(
        BASELINE, int(row["seed"]), overrides={"blocs.east.cohesion": 1.0, "weeks": 104}
    ).summary.iloc[0]
    assert again["approval_rate"] == pytest.approx(row["approval_rate"], nan_ok=True)
    assert again["blocked_by_minority"] == row["blocked_by_minority"]
    on_disk = pd.read_parquet(path.parent / "out" / "runs").sort_values("run").reset_index(drop=True)
    assert comparable(on_disk).equals(comparable(table))


def test_a_sweep_leaves_the_callers_kernels_as_they_were(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    positions.use_numpy()
    path, table = reference
    assert comparable(sweep(path, tmp_path / "again", workers=1)).equals(comparable(table))
    assert positions.kernel() == "numpy"  # the sweep's compiled kernels were its own


def test_two_workers_give_the_same_table(reference: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    path, table = reference
    assert comparable(sweep(path, tmp_path / "two", workers=2)).equals(comparable(table))


def test_a_dask_local_cluster_gives_the_same_table(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    pytest.importorskip("dask.distributed")
    path, table = reference
    assert comparable(sweep(path, tmp_path / "dask", workers=2, backend="dask")).equals(comparable(table))


class StopAfter:
    """An executor wrapper that is interrupted (Ctrl-C) after `batches` batches have come back."""

    def __init__(self, batches: int) -> None:
        self.batches = batches
        self.workers = 1
        self.inner = executors.LocalExecutor(1)

    def results(self, job: executors.Job, batches: Any) -> Any:
        for k, done in enumerate(self.inner.results(job, batches)):
            if k == self.batches:
                raise KeyboardInterrupt
            yield done

    def close(self) -> None:
        self.inner.close()


def test_an_interrupted_sweep_resumes_with_no_run_lost_or_repeated(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, table = reference
    monkeypatch.setattr("sdo_sim.experiment.sweeps.executor_for", lambda *args: StopAfter(2))
    monkeypatch.setattr("sdo_sim.experiment.sweeps.BATCHES_PER_WORKER", 6)  # batches of one run
    with pytest.raises(SweepInterrupted, match=r"2 of 6 runs written .*--resume"):
        sweep(path, tmp_path / "cut", workers=1)
    assert len(pd.read_parquet(tmp_path / "cut" / "runs")) == 2
    assert not (tmp_path / "cut" / "manifest.json").exists()
    monkeypatch.undo()
    with pytest.raises(SweepError, match="add --resume"):
        sweep(path, tmp_path / "cut", workers=1)
    resumed = sweep(path, tmp_path / "cut", workers=1, resume=True)
    assert comparable(resumed).equals(comparable(table))
    assert len(pd.read_parquet(tmp_path / "cut" / "runs")) == 6


def _dies_on_run_3(job: executors.Job, batch: Any) -> Any:
    if any(index == 3 for index, _, _ in batch):
        os._exit(1)  # the worker is killed mid-batch, as by the OOM killer
    return REAL_BATCH(job, batch)


REAL_BATCH = executors.run_batch


def test_a_killed_worker_loses_only_its_runs_and_resume_completes(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, table = reference
    monkeypatch.setattr(executors, "run_batch", _dies_on_run_3)  # the forked workers inherit it
    monkeypatch.setattr("sdo_sim.experiment.sweeps.BATCHES_PER_WORKER", 3)
    with pytest.raises(SweepError, match="a worker process died"):
        sweep(path, tmp_path / "killed", workers=2)
    written = pd.read_parquet(tmp_path / "killed" / "runs")
    assert 3 not in set(written["run"]) and written["run"].is_unique
    monkeypatch.undo()
    resumed = sweep(path, tmp_path / "killed", workers=2, resume=True)
    assert comparable(resumed).equals(comparable(table))


def test_a_run_that_raises_is_recorded_as_failed_not_dropped(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, table = reference
    real = run_metrics

    def flaky(scenario: Any, seed: int | None = None, **options: Any) -> Any:
        if seed == int(table["seed"][1]) and options["overrides"]["blocs.east.cohesion"] == 1:
            raise ValueError("boom\nsecond line")
        return real(scenario, seed, **options)

    monkeypatch.setattr("sdo_sim.runner.run_metrics", flaky)
    result = sweep(path, tmp_path / "flaky", workers=1)
    failed = result[result["status"] == "failed"]
    assert list(failed["run"]) == [4] and list(failed["error"]) == ["ValueError: boom"]
    assert failed["approval_rate"].isna().all()
    ok = result[result["status"] == "ok"]
    assert comparable(ok).equals(comparable(table[table["run"] != 4]).assign(error=""))


def test_a_folder_that_is_not_this_sweeps_is_refused(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    path, _ = reference
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="not empty and not a sweep's results"):
        sweep(path, other)
    changed = experiment_file(tmp_path, replications=2)
    with pytest.raises(SweepError, match="resume needs the same experiment"):
        sweep(changed, path.parent / "out", resume=True)
    held = sweep_store.SweepStore(tmp_path / "busy", {"experiment": "x", "experiment_hash": "h"}, False)
    try:
        with pytest.raises(SweepError, match="another sweep is writing there"):
            sweep_store.SweepStore(tmp_path / "busy", {"experiment": "x", "experiment_hash": "h"}, True)
    finally:
        held.close()


def test_batches_cover_every_run_once_in_order() -> None:
    tasks = [(k, k, {}) for k in range(1001)]
    for workers in (1, 2, 7):
        batches = batches_of(tasks, workers)  # type: ignore[arg-type]
        assert [task for batch in batches for task in batch] == tasks
        assert max(len(batch) for batch in batches) <= 50
    assert batches_of([], 2) == []


def test_the_command_sweeps_the_smoke_experiment(tmp_path: Path) -> None:
    out = tmp_path / "smoke"
    done = subprocess.run([sys.executable, "-m", "sdo_sim.cli", "sweep", "experiments/smoke.yaml", "--out", str(out),
                           "--workers", "2"], capture_output=True, text=True, timeout=300, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "smoke: 60 runs ok, 0 failed, of 60" in done.stdout
    assert "60/60 runs, 0 failed" in done.stderr
    table = pd.read_parquet(out / "runs")
    assert len(table) == 60 and set(table["status"]) == {"ok"} and sorted(table["run"]) == list(range(60))
    assert load_experiment(ROOT / "experiments" / "smoke.yaml").total_runs == 60
    again = subprocess.run([sys.executable, "-m", "sdo_sim.cli", "sweep", "experiments/smoke.yaml", "--out", str(out)],
                           capture_output=True, text=True, timeout=60, cwd=ROOT)  # fmt: skip
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "--resume" in again.stderr
    bad = subprocess.run([sys.executable, "-m", "sdo_sim.cli", "sweep", "experiments/smoke.yaml", "--out",
                          str(tmp_path / "b"), "--backend", "mpi"], capture_output=True, text=True, timeout=60,
                         cwd=ROOT)  # fmt: skip
    assert bad.returncode == 2 and "--backend: got 'mpi'; must be one of local, dask" in bad.stderr


def test_kept_run_tables_are_written_per_run_by_the_workers(
    reference: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    path, table = reference
    result = sweep(path, tmp_path / "kept", workers=2, keep=("decisions", "positions"))
    assert comparable(result).equals(comparable(table))  # keeping tables changes no metric
    decisions = pd.read_parquet(tmp_path / "kept" / "tables" / "decisions")
    assert sorted(decisions["run"].unique()) == list(range(6))
    row = table.iloc[4]
    alone = run(BASELINE, int(row["seed"]), overrides={"blocs.east.cohesion": 1.0, "weeks": 104}).decisions
    mine = decisions[decisions["run"] == 4].drop(columns="run").reset_index(drop=True)
    assert mine.equals(alone.reset_index(drop=True))
    assert len(list((tmp_path / "kept" / "tables" / "positions").glob("run-*.parquet"))) == 6
    with pytest.raises(SweepError, match="--keep: got 'votes'; tables: proposals, decisions"):
        sweep(path, tmp_path / "bad", keep=("votes",))
    assert not (tmp_path / "bad").exists()


def test_the_package_exposes_the_sweep_function() -> None:
    import sdo_sim

    assert sdo_sim.sweep is sweep and "sweep" in sdo_sim.__all__
