"""Analysis of a sweep (sdo_sim.analysis, `sdo-sim analyze`; issue 9 item 3): Sobol indices of SALib's
Ishigami function through the analysis layer, t-intervals and paired differences on hand-built tables,
an end-to-end analysis of a real sweep, and one-line errors for bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sdo_sim import cli
from sdo_sim.analysis import (
    AnalysisError,
    analyze,
    morris_indices,
    paired_differences,
    response_table,
    sobol_indices,
)
from sdo_sim.experiment.sweeps import sweep

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"
#: Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: SALib's tests/test_regression.py and Ishigami & Homma (1990).
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]
ISHIGAMI_S13 = 0.2437
NAMES = ["x1", "x2", "x3"]


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def sweep_folder(folder: Path, points: pd.DataFrame, metrics: dict[str, np.ndarray], *, design: dict[str, Any],
                 replications: int = 1, status: str = "ok", shuffle: bool = False) -> Path:  # fmt: skip
    """A results folder as `sdo-sim sweep` writes it: runs/ in Parquet chunks, sweep.json and manifest.json.

    `metrics` are per run (point-major, replication-minor); `shuffle` writes the chunks' rows out of order."""
    count = len(points)
    runs = pd.DataFrame({
        "run": np.arange(count * replications), "point": np.repeat(np.arange(count), replications),
        "replication": np.tile(np.arange(replications), count), "seed": np.tile(np.arange(replications) + 11, count),
    })  # fmt: skip
    for name in points.columns:
        runs[name] = np.repeat(points[name].to_numpy(), replications)
    for name, values in metrics.items():
        runs[name] = values
    runs["status"], runs["seconds"] = status, 0.01
    runs["error"] = "" if status == "ok" else "RuntimeError: boom"
    (folder / "runs").mkdir(parents=True)
    if shuffle:
        runs = runs.sample(frac=1.0, random_state=3)
    third = math.ceil(len(runs) / 3)
    for k in range(3):
        runs.iloc[k * third : (k + 1) * third].to_parquet(
            folder / "runs" / f"part-{k:09d}.parquet", index=False
        )
    identity = {"experiment": "hand-built", "experiment_hash": "0" * 64}
    (folder / "sweep.json").write_text(json.dumps(identity))
    manifest = {**identity, "design": design, "factors": list(points.columns), "replications": replications,
                "root_seed": 0, "runs": {"designed": len(runs), "ok": len(runs), "failed": 0}}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_ishigami_sobol_indices_through_the_analysis_layer(tmp_path: Path) -> None:
    from SALib.sample import sobol as saltelli

    problem = {"num_vars": 3, "names": NAMES, "bounds": [[-math.pi, math.pi]] * 3}
    x = saltelli.sample(problem, 1024, calc_second_order=False, seed=5)
    y = ishigami(x)
    # two replications whose noise cancels in each point's mean: the analysis averages them first,
    # and must put the points back in the sampler's order although the chunks hold them shuffled
    noise = np.random.default_rng(1).normal(0, 0.5, len(y))
    per_run = np.column_stack([y + noise, y - noise]).ravel()
    design = {"kind": "sobol", "samples": 1024, "second_order": False, "levels": None}
    folder = sweep_folder(tmp_path / "ishigami", pd.DataFrame(x, columns=NAMES), {"ishigami": per_run},
                          design=design, replications=2, shuffle=True)  # fmt: skip
    tables = analyze(folder, seed=0)
    found = pd.read_csv(folder / "analysis" / "sobol.csv")
    assert np.allclose(found.S1, tables["sobol"].S1)
    assert list(found.factor) == NAMES and set(found.metric) == {"ishigami"}
    assert found.S1.to_numpy() == pytest.approx(ISHIGAMI_S1, abs=0.05)
    assert found.ST.to_numpy() == pytest.approx(ISHIGAMI_ST, abs=0.05)
    assert (found.S1_conf > 0).all() and (found.ST_conf < 0.1).all()
    assert (folder / "analysis" / "sobol-ishigami.png").is_file()
    # the pure function on SALib's own sample, with second-order indices
    x2 = saltelli.sample(problem, 1024, calc_second_order=True, seed=5)
    second = sobol_indices(problem, ishigami(x2), second_order=True, seed=0).set_index("factor")
    assert second.S1.to_numpy() == pytest.approx(ISHIGAMI_S1, abs=0.05)
    assert second.ST.to_numpy() == pytest.approx(ISHIGAMI_ST, abs=0.05)
    assert second.loc["x1", "S2.x3"] == second.loc["x3", "S2.x1"] == pytest.approx(ISHIGAMI_S13, abs=0.06)
    assert abs(second.loc["x1", "S2.x2"]) < 0.05
    # the bootstrap is seeded: the same seed gives the same intervals
    again = analyze(folder, seed=0)["sobol"]
    assert again.S1_conf.tolist() == tables["sobol"].S1_conf.tolist()


def test_morris_indices_and_metrics_that_cannot_be_analysed(tmp_path: Path) -> None:
    from SALib.sample import morris

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[5.0, 30.0], [0.0, 1.0]]}
    x = morris.sample(problem, 6, num_levels=4, seed=2)
    linear = 3 * x[:, 0]
    # an elementary effect is the change over the factor's whole range: 3 × 25
    found = morris_indices(problem, x, linear, levels=4, seed=0).set_index("factor")
    assert found.loc["a", "mu_star"] == pytest.approx(75) and found.loc["b", "mu_star"] == pytest.approx(0)
    gap = linear.copy()
    gap[4] = np.nan
    design = {"kind": "morris", "samples": 6, "levels": 4, "second_order": None}
    metrics = {"linear": linear, "gap": gap, "flat": np.full(len(x), 2.0)}
    folder = sweep_folder(tmp_path / "morris", pd.DataFrame(x, columns=["a", "b"]), metrics, design=design)
    tables = analyze(folder)
    assert set(tables["morris"].metric) == {"linear"}
    notes = tables["notes"]
    said = {(row.table, row.metric): row.note for row in notes.itertuples()}
    assert (
        said["morris", "gap"]
        == "not analysable: 1 of 18 design points have no value (NaN); the indices need all"
    )
    assert said["morris", "flat"].startswith("not analysable: does not vary (every design point gives 2)")
    assert said["responses", "gap"].startswith("1 ok runs have no value")
    assert (folder / "analysis" / "morris-linear.png").is_file()
    assert not (folder / "analysis" / "morris-gap.png").exists()


def test_response_intervals_on_known_values() -> None:
    table = pd.DataFrame({
        "point": [0, 0, 1, 1, 2, 2], "replication": [0, 1, 0, 1, 0, 1], "f": [0.0, 0.0, 0.5, 0.5, 1.0, 1.0],
        "y": [1.0, 3.0, 5.0, np.nan, 4.0, 4.0],
    })  # fmt: skip
    found = response_table(table, ["f"], ["y"], confidence=0.95).set_index("point")
    t = 12.706204736174703  # t(0.975, 1 degree of freedom)
    assert found.loc[0, "mean"] == 2 and found.loc[0, "sd"] == pytest.approx(math.sqrt(2))
    assert found.loc[0, "n"] == 2 and found.loc[0, "f"] == 0.0
    assert found.loc[0, "low"] == pytest.approx(2 - t) and found.loc[0, "high"] == pytest.approx(2 + t)
    # one value: the mean, and no interval (a missing value is left out of n)
    assert found.loc[1, "n"] == 1 and found.loc[1, "mean"] == 5
    assert math.isnan(found.loc[1, "low"]) and math.isnan(found.loc[1, "high"])
    assert found.loc[2, "low"] == found.loc[2, "high"] == 4
    narrower = response_table(table, ["f"], ["y"], confidence=0.5).set_index("point")
    assert narrower.loc[0, "high"] == pytest.approx(3.0)  # t(0.75, 1) = 1


def test_paired_differences_pair_runs_by_replication() -> None:
    # point 1 is point 0 plus 1 in each replication, but listed in another order; replication 3 of
    # point 2 has no partner at the reference (its run failed there) and is left out
    table = pd.DataFrame({
        "point": [0, 0, 0, 1, 1, 1, 2, 2, 2], "replication": [0, 1, 2, 2, 0, 1, 1, 0, 3],
        "f": ["a", "a", "a", "b", "b", "b", None, None, None],
        "y": [0.0, 10.0, 20.0, 21.0, 1.0, 11.0, 13.0, 2.0, 99.0],
    })  # fmt: skip
    found = paired_differences(table, ["f"], ["y"], reference=0, confidence=0.95).set_index("point")
    assert found.loc[1, "difference"] == 1 and found.loc[1, "sd"] == 0 and found.loc[1, "pairs"] == 3
    assert found.loc[1, "low"] == found.loc[1, "high"] == 1 and found.loc[1, "f"] == "b"
    assert found.loc[2, "difference"] == 2.5 and found.loc[2, "pairs"] == 2 and pd.isna(found.loc[2, "f"])
    assert found.loc[0, "difference"] == 0 and (found.reference == 0).all()
    against_one = paired_differences(table, ["f"], ["y"], reference=1).set_index("point")
    assert against_one.loc[0, "difference"] == -1


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real sweep: the ITU-T baseline over 104 weeks, east cohesion 0 and 1, 3 replications."""
    folder = tmp_path_factory.mktemp("swept")
    path = folder / "small.yaml"
    path.write_text(
        f"name: small\nscenario: {BASELINE}\nfactors:\n  - {{path: blocs.east.cohesion, values: [0, 1]}}\n"
        "  - {path: weeks, values: [104]}\ndesign: {kind: grid}\nreplications: 3\nseed: 7\n"
        "metrics: [approval_rate, approval_rate.west, blocked_by_minority]\n"
    )
    sweep(path, folder / "out", workers=1)
    return folder / "out"


def test_sdo_sim_analyze_writes_tables_and_figures(swept: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sdo_sim.cli", "analyze", str(swept)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "difference from point 0" in done.stdout and "responses.csv" in done.stdout
    out = swept / "analysis"
    metrics = ["approval_rate", "approval_rate.west", "blocked_by_minority"]
    for name in ["responses.csv", "paired.csv", "notes.csv", "manifest.json",
                 *(f"response-{m}.png" for m in metrics)]:  # fmt: skip
        assert (out / name).is_file(), name
    responses = pd.read_csv(out / "responses.csv")
    assert len(responses) == 2 * 3 and (responses.n == 3).all()
    assert list(responses.columns[:4]) == ["metric", "point", "blocs.east.cohesion", "weeks"]
    paired = pd.read_csv(out / "paired.csv")
    assert (paired[paired.point == 0].difference == 0).all() and (paired.pairs == 3).all()
    runs = pd.read_parquet(swept / "runs")
    by_hand = runs[runs.point == 1].approval_rate.to_numpy() - runs[runs.point == 0].approval_rate.to_numpy()
    row = paired[(paired.point == 1) & (paired.metric == "approval_rate")].iloc[0]
    assert row.difference == pytest.approx(by_hand.mean())
    from matplotlib import image

    picture = image.imread(out / "response-approval_rate.png")
    assert picture.shape[1] >= 1600  # 11 inches at 150 dpi
    # analysing again replaces the analysis whole
    assert not (out / "sobol.csv").exists()
    again = analyze(swept, reference=1, confidence=0.9)
    assert (again["paired"].reference == 1).all() and (again["responses"].confidence == 0.9).all()


@pytest.mark.parametrize("kind", ["sobol", "morris"])
def test_a_real_sobol_or_morris_sweep_is_analysed_from_its_manifest(kind: str, tmp_path: Path) -> None:
    # the manifest keeps the experiment's settings: the analysis rebuilds SALib's problem from them,
    # and Morris's unrounded points for a whole-number factor (actors.MS-east.count)
    # one actor in no bloc, holding no post, makes posts_share.none a metric that does not vary
    loner = "events: [{week: 100, kind: surge, add: [{id: LONER, kind: delegation, ideal: [0, 0]}]}]\n"
    (tmp_path / "short.yaml").write_text(f"extends: {BASELINE}\nweeks: 104\n{loner}")
    path = tmp_path / f"{kind}.yaml"
    path.write_text(
        f"name: {kind}\nscenario: short.yaml\nfactors:\n  - {{path: blocs.east.cohesion, range: {{low: 0, high: 1}}}}\n"
        "  - {path: actors.MS-east.count, range: {low: 5, high: 30}}\n"
        f"design: {{kind: {kind}, samples: {4 if kind == 'sobol' else 3}}}\n"
        "metrics: [proposals, decisions, posts_share.none]\n"
    )
    sweep(path, tmp_path / "out", workers=1)
    assert "settings" in json.loads((tmp_path / "out" / "manifest.json").read_text())
    tables = analyze(tmp_path / "out")
    found = tables[kind]
    assert set(found.metric) == {"proposals", "decisions"}
    assert list(found.factor[:2]) == ["blocs.east.cohesion", "actors.MS-east.count"]
    assert "paired" not in tables  # one replication per point: nothing to pair
    notes = tables["notes"]
    assert notes[notes.metric == "posts_share.none"].note.str.contains("does not vary").all()
    files = {Path(f).name for f in tables["files"].file}
    assert {f"{kind}.csv", f"{kind}-proposals.png", f"{kind}-decisions.png"} <= files
    with pytest.raises(AnalysisError, match="--reference: paired differences need replications"):
        analyze(tmp_path / "out", reference=0)


def _analyze(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["sdo-sim", "analyze", *args])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    return int(exited.value.code or 0), capsys.readouterr().err


def test_bad_input_is_one_line_and_exit_2(
    swept: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "other").mkdir()
    unfinished = tmp_path / "unfinished"
    (unfinished / "runs").mkdir(parents=True)
    (unfinished / "sweep.json").write_text("{}")
    failed = sweep_folder(tmp_path / "failed", pd.DataFrame({"f": [0.0, 1.0]}), {"y": np.full(2, np.nan)},
                          design={"kind": "grid"}, status="failed")  # fmt: skip
    cases = [
        ((str(tmp_path / "missing"),), "no such folder"),
        ((str(tmp_path / "other"),), "not a sweep's results"),
        ((str(unfinished),), "has not finished"),
        ((str(failed),), "no run finished ok (2 failed; first error: RuntimeError: boom)"),
        ((str(swept), "--reference", "2"), "--reference: got 2; the design's points are 0 to 1"),
        ((str(swept), "--reference", "-1"), "--reference: got -1"),
        ((str(swept), "--confidence", "1.5"), "--confidence: got 1.5; must be between 0 and 1"),
        ((str(swept), "--confidence", "0"), "--confidence: got 0;"),
    ]
    for args, expected in cases:
        code, err = _analyze(capsys, monkeypatch, *args)
        assert code == 2, (args, err)
        assert err.count("\n") == 1 and err.startswith("sdo-sim: error: ") and expected in err, (args, err)
