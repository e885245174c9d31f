"""Analysis of a sweep's results (issue 9, item 3): `sdo-sim analyze DIR`.

Reads what `sdo-sim sweep` wrote (`DIR/runs/`, `DIR/manifest.json`), keeps the runs with status
`ok`, and writes tidy tables and figures into `DIR/analysis/`, replaced whole on each analysis:

- `responses.csv`: per design point and metric, the mean, standard deviation, n and a t-interval
  across replications (n = 1 gives no interval: low and high are empty);
- `paired.csv` (grid designs, or any design with 2 replications or more): each point's difference
  from a reference point, paired by replication (the replications share their seeds across points:
  common random numbers), with its t-interval;
- `sobol.csv` (sobol designs): S1, ST (and S2) with SALib's bootstrap intervals, from each point's
  mean over its replications, in the sampler's order; `morris.csv` (morris designs): mu, mu*,
  sigma and mu*'s bootstrap interval;
- `notes.csv`: what was left out and why (failed runs, missing values, metrics not analysable);
- figures (plots.py).

The statistics are pure functions of tables and arrays; `analyze` reads, checks and writes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sdo_sim.errors import SdoSimError
from sdo_sim.experiment.designs import RUN_COLUMNS
from sdo_sim.experiment.store import MANIFEST, RUNS, STATE

ANALYSIS = "analysis"
#: Columns of a sweep's runs that are neither design nor metric.
RESULT_COLUMNS = ("status", "error", "seconds")
#: Bootstrap resamples of SALib's confidence intervals.
NUM_RESAMPLES = 1000


class AnalysisError(SdoSimError):
    """A folder that cannot be analysed, or an option out of range: says what is allowed."""


def half_width(sd: np.ndarray, n: np.ndarray, *, confidence: float) -> np.ndarray:
    """Half the width of the t-interval of a mean of `n` values of standard deviation `sd` (NaN if n < 2)."""
    from scipy import stats

    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(n >= 2, stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)), np.nan)
        return np.asarray(t * sd / np.sqrt(n), dtype=float)


def _summaries(frame: pd.DataFrame, columns: list[str], *, confidence: float) -> pd.DataFrame:
    """Per `point` and column: mean, sd, n (non-missing values) and the t-interval of the mean, long."""
    grouped = frame.groupby("point", sort=True)[columns]
    mean, sd, n = grouped.mean(), grouped.std(ddof=1), grouped.count()
    parts = []
    for column in columns:
        count = n[column].to_numpy()
        half = half_width(sd[column].to_numpy(dtype=float), count, confidence=confidence)
        centre = mean[column].to_numpy()
        parts.append(pd.DataFrame({"metric": column, "point": mean.index.to_numpy(), "n": count,
                                   "mean": centre, "sd": sd[column].to_numpy(), "low": centre - half,
                                   "high": centre + half}))  # fmt: skip
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _with_factors(summary: pd.DataFrame, table: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """The summary with each point's factor values after `point`."""
    values = table.drop_duplicates("point")[["point", *factors]]
    merged = summary.merge(values, on="point", how="left")
    head = ["metric", "point", *factors]
    return merged[[*head, *(c for c in merged.columns if c not in head)]]


def response_table(
    table: pd.DataFrame, factors: list[str], metrics: list[str], *, confidence: float = 0.95
) -> pd.DataFrame:
    """Per metric and design point: factor values, n, mean, sd and the t-interval across replications."""
    summary = _summaries(table, metrics, confidence=confidence)
    return _with_factors(summary, table, factors).assign(confidence=confidence)


def paired_differences(
    table: pd.DataFrame,
    factors: list[str],
    metrics: list[str],
    *,
    reference: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per metric and point: the mean difference from point `reference`, paired by replication, and its
    t-interval (pairs: replications with a value at both points)."""
    base = table.loc[table["point"] == reference, ["replication", *metrics]]
    merged = table[["point", "replication", *metrics]].merge(base, on="replication", suffixes=("", " ref"))
    diffs = pd.DataFrame({"point": merged["point"], **{m: merged[m] - merged[f"{m} ref"] for m in metrics}})
    summary = _summaries(diffs, metrics, confidence=confidence)
    summary = summary.rename(columns={"n": "pairs", "mean": "difference"}).assign(reference=reference)
    return _with_factors(summary, table, factors).assign(confidence=confidence)


def _check_outputs(y: np.ndarray) -> None:
    """Refuse outputs SALib cannot analyse: missing values, or no variation at all."""
    missing = int(np.isnan(y).sum())
    if missing:
        raise ValueError(f"{missing} of {len(y)} design points have no value (NaN); the indices need all")
    if len(y) and np.ptp(y) == 0:
        raise ValueError(f"does not vary (every design point gives {y[0]:g}): no variance to apportion")


def sobol_indices(
    problem: dict[str, Any],
    Y: np.ndarray,
    *,
    second_order: bool = False,
    confidence: float = 0.95,
    num_resamples: int = NUM_RESAMPLES,
    seed: int = 0,
) -> pd.DataFrame:
    """Per factor: S1, S1_conf, ST, ST_conf (and S2.<other>, S2_conf.<other>) from SALib's sobol.analyze."""
    from SALib.analyze import sobol

    y = np.asarray(Y, dtype=float)
    names, d = list(problem["names"]), int(problem["num_vars"])
    step = 2 * d + 2 if second_order else d + 2
    if len(y) == 0 or len(y) % step:
        raise ValueError(f"{len(y)} outputs: Saltelli's scheme gives a multiple of {step} for {d} factors")
    _check_outputs(y)
    # SALib's sobol.analyze ignores a falsy seed (0): give it one drawn from ours, never 0
    bootstrap = int(np.random.SeedSequence(seed).generate_state(1, np.uint64)[0]) or 1
    si = sobol.analyze(dict(problem), y, calc_second_order=second_order, num_resamples=num_resamples,
                       conf_level=confidence, seed=bootstrap)  # fmt: skip
    keys = ("S1", "S1_conf", "ST", "ST_conf")
    frame = pd.DataFrame({"factor": names, **{k: np.asarray(si[k], dtype=float) for k in keys}})
    if second_order:
        for key in ("S2", "S2_conf"):
            matrix = np.asarray(si[key], dtype=float)
            full = np.where(np.isnan(matrix), matrix.T, matrix)  # SALib fills the upper triangle only
            for j, other in enumerate(names):
                frame[f"{key}.{other}"] = full[:, j]
    return frame


def morris_indices(
    problem: dict[str, Any],
    X: np.ndarray,
    Y: np.ndarray,
    *,
    levels: int = 4,
    confidence: float = 0.95,
    num_resamples: int = NUM_RESAMPLES,
    seed: int = 0,
) -> pd.DataFrame:
    """Per factor: mu, mu_star, sigma and mu_star_conf from SALib's morris.analyze."""
    from SALib.analyze import morris

    x, y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    d = int(problem["num_vars"])
    if len(y) == 0 or len(y) % (d + 1) or x.shape != (len(y), d):
        raise ValueError(f"{len(y)} outputs, inputs {x.shape}: Morris trajectories have {d + 1} points")
    _check_outputs(y)
    si = morris.analyze(dict(problem), x, y, num_resamples=num_resamples, conf_level=confidence,
                        num_levels=levels, seed=seed)  # fmt: skip
    keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    names = list(problem["names"])
    return pd.DataFrame({"factor": names, **{k: np.asarray(si[k], dtype=float) for k in keys}})


class Sweep:
    """A sweep's results folder, read and checked: its runs, manifest, factors, metrics and points."""

    def __init__(self, out: Path) -> None:
        self.out = out
        if not out.is_dir():
            raise AnalysisError(f"{out}: no such folder")
        if not (out / STATE).is_file() or not (out / RUNS).is_dir():
            raise AnalysisError(f"{out}: not a sweep's results (no {STATE} or {RUNS}/); "
                                "write one with sdo-sim sweep EXPERIMENT --out DIR")  # fmt: skip
        if not (out / MANIFEST).is_file():
            raise AnalysisError(f"{out}: the sweep has not finished (no {MANIFEST}); "
                                "finish it with sdo-sim sweep EXPERIMENT --out DIR --resume")  # fmt: skip
        try:
            self.manifest: dict[str, Any] = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
            self.design: dict[str, Any] = dict(self.manifest["design"])
            self.factors: list[str] = [str(f) for f in self.manifest["factors"]]
            self.replications = int(self.manifest["replications"])
            self.points = int(self.manifest["runs"]["designed"]) // self.replications
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise AnalysisError(f"{out}: {MANIFEST} is not a sweep's manifest ({error!r})") from None
        parts = sorted((out / RUNS).glob("part-*.parquet"))
        every = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True) if parts else pd.DataFrame()
        lacking = [c for c in (*RUN_COLUMNS, *self.factors, "status") if c not in every.columns]
        if lacking:
            raise AnalysisError(f"{out}: {RUNS}/ holds no sweep runs (no column {lacking[0]!r})")
        every = every.sort_values("run", kind="stable").reset_index(drop=True)
        ok = every["status"] == "ok"
        self.failed, self.runs = int((~ok).sum()), every[ok].reset_index(drop=True)
        if self.runs.empty:
            first = every["error"].iloc[0] if len(every) and "error" in every else "none written"
            raise AnalysisError(f"{out}: no run finished ok ({self.failed} failed; first error: {first})")
        skip = {*RUN_COLUMNS, *self.factors, *RESULT_COLUMNS}
        self.metrics = [c for c in every.columns if c not in skip]

    @property
    def kind(self) -> str:
        """The design's kind: grid, lhs, sobol or morris."""
        return str(self.design.get("kind"))

    def problem(self) -> dict[str, Any]:
        """SALib's problem of the experiment (from the manifest's settings; else from the runs' values)."""
        experiment = self.experiment()
        if experiment is not None:
            from sdo_sim.experiment.designs import problem

            return problem(experiment)
        values = self.runs[self.factors].astype(float)
        bounds = [[float(values[f].min()), float(values[f].max())] for f in self.factors]
        return {"num_vars": len(self.factors), "names": self.factors, "bounds": bounds}

    def experiment(self) -> Any:
        """The experiment the sweep ran, rebuilt from its settings in the manifest (None if absent)."""
        from pydantic import ValidationError

        from sdo_sim.experiment.spec import Experiment

        try:
            return Experiment.model_validate(self.manifest["settings"])
        except (KeyError, ValidationError):
            return None

    def point_means(self) -> pd.DataFrame:
        """Each design point's mean of each metric over its ok replications, in point order (all points)."""
        return self.runs.groupby("point")[self.metrics].mean().reindex(range(self.points))

    def morris_inputs(self) -> np.ndarray:
        """The Morris sampler's points, drawn again unrounded (whole-number factors); else the runs'."""
        from sdo_sim.experiment import designs

        experiment, levels = self.experiment(), int(self.design.get("levels") or 4)
        table = self.runs.drop_duplicates("point").set_index("point")[self.factors]
        given = table.reindex(range(self.points)).to_numpy(dtype=float)
        if experiment is not None:
            drawn = designs.morris(designs.problem(experiment), int(self.design["samples"]), levels=levels,
                                   seed=designs.sampler_seed(experiment.seed))  # fmt: skip
            if drawn.shape == given.shape and bool(np.all(np.isnan(given) | (np.abs(drawn - given) <= 0.5))):
                return drawn
        return given


def _not_analysable(table: str, metric: str, reason: str) -> dict[str, str]:
    return {"table": table, "metric": metric, "note": f"not analysable: {reason}"}


def _indices(sweep: Sweep, *, confidence: float, seed: int, notes: list[dict[str, str]]) -> pd.DataFrame:
    """Sobol or Morris indices of every metric the design allows, one block of rows per metric."""
    kind, means = sweep.kind, sweep.point_means()
    problem = sweep.problem()
    inputs = sweep.morris_inputs() if kind == "morris" else None
    absent = int(means.isna().all(axis=1).sum())
    frames = []
    for metric in sweep.metrics:
        if absent:
            reason = f"{absent} of {sweep.points} design points have no ok run, and {kind} needs every point"
            notes.append(_not_analysable(kind, metric, reason))
            continue
        y = means[metric].to_numpy(dtype=float)
        try:
            if kind == "sobol":
                found = sobol_indices(problem, y, second_order=bool(sweep.design.get("second_order")),
                                      confidence=confidence, seed=seed)  # fmt: skip
            else:
                found = morris_indices(problem, inputs, y, levels=int(sweep.design.get("levels") or 4),
                                       confidence=confidence, seed=seed)  # fmt: skip
        except ValueError as error:
            notes.append(_not_analysable(kind, metric, str(error)))
            continue
        frames.append(found.assign(metric=metric, confidence=confidence))
    if not frames:
        return pd.DataFrame()
    frame = pd.concat(frames, ignore_index=True)
    return frame[["metric", *(c for c in frame.columns if c != "metric")]]


def check_options(confidence: float, reference: int | None, points: int | None = None) -> None:
    """Refuse a confidence level outside (0, 1), or a reference point the design does not have."""
    if not 0 < confidence < 1:
        raise AnalysisError(f"--confidence: got {confidence:g}; must be between 0 and 1, e.g. 0.95")
    if reference is not None and points is not None and not 0 <= reference < points:
        raise AnalysisError(f"--reference: got {reference}; the design's points are 0 to {points - 1}")


def _notes(sweep: Sweep, table: pd.DataFrame) -> list[dict[str, str]]:
    """What the response tables leave out: failed runs, missing values, single replications."""
    notes = []
    if sweep.failed:
        notes.append({"table": "all", "metric": "", "note": f"{sweep.failed} failed runs left out "
                      f"({len(sweep.runs)} ok runs analysed)"})  # fmt: skip
    for metric in sweep.metrics:
        missing = int(table[metric].isna().sum())
        if missing:
            text = f"{missing} ok runs have no value (NaN, e.g. nothing decided); left out of n and the means"
            notes.append({"table": "responses", "metric": metric, "note": text})
    if sweep.replications == 1:
        notes.append({"table": "responses", "metric": "", "note": "one replication per point: "
                      "no spread to estimate, so sd, low and high are empty (NaN)"})  # fmt: skip
    return notes


def analyze(
    out: str | Path, *, reference: int | None = None, confidence: float = 0.95, seed: int = 0
) -> dict[str, pd.DataFrame]:
    """Analyse a sweep's results folder; write DIR/analysis/ and return its tables by name
    (responses, paired, sobol or morris, notes, and files: what was written)."""
    from sdo_sim.analysis.plots import figures
    from sdo_sim.output import OutputError, write_folder

    check_options(confidence, reference)
    out = Path(out)
    sweep = Sweep(out)
    check_options(confidence, reference, sweep.points)
    runs, factors, metrics = sweep.runs, sweep.factors, sweep.metrics
    notes = _notes(sweep, runs)
    tables = {"responses": response_table(runs, factors, metrics, confidence=confidence)}
    if sweep.kind == "grid" or sweep.replications >= 2:
        tables["paired"] = paired_differences(runs, factors, metrics, reference=reference or 0,
                                              confidence=confidence)  # fmt: skip
    elif reference is not None:
        raise AnalysisError(f"--reference: paired differences need replications (this {sweep.kind} design "
                            "has 1 per point) or a grid design")  # fmt: skip
    if sweep.kind in ("sobol", "morris"):
        tables[sweep.kind] = _indices(sweep, confidence=confidence, seed=seed, notes=notes)
    tables["notes"] = pd.DataFrame(notes, columns=["table", "metric", "note"])

    def fill(folder: Path) -> dict[str, Any]:
        for name, frame in tables.items():
            frame.to_csv(folder / f"{name}.csv", index=False)
        figures(tables, runs, factors, kind=sweep.kind, folder=folder, confidence=confidence)
        return {"analysis_of": str(out), "design": sweep.design, "confidence": confidence,
                "reference": reference or 0, "seed": seed, "num_resamples": NUM_RESAMPLES,
                "runs": {"ok": len(runs), "failed": sweep.failed}}  # fmt: skip

    try:
        written = write_folder(out / ANALYSIS, True, fill)
    except OutputError as error:
        raise AnalysisError(str(error).removeprefix("--out ")) from None
    tables["files"] = pd.DataFrame({"file": [str(out / ANALYSIS / name) for name in written]})
    return tables


def _interval(mean: float, low: float, high: float) -> str:
    """`0.512 [0.470, 0.550]`, or the mean alone when there is no interval."""
    num = "{:.3f}".format if abs(mean) < 1000 else "{:.4g}".format
    if math.isnan(mean):
        return "no value"
    return num(mean) if math.isnan(low) else f"{num(mean)} [{num(low)}, {num(high)}]"


def headline(tables: dict[str, pd.DataFrame], limit: int = 20) -> tuple[str, pd.DataFrame]:
    """The main results as a short table of text: the indices, else the responses and differences."""
    from sdo_sim.analysis.plots import shown as text

    found = next((tables[k] for k in ("sobol", "morris") if k in tables and not tables[k].empty), None)
    if found is not None:
        pairs = [("S1", "S1_conf"), ("ST", "ST_conf")] if "S1" in found else [("mu_star", "mu_star_conf")]
        cells = {k: [f"{a:.3g} ± {b:.2g}" for a, b in zip(found[k], found[c], strict=True)] for k, c in pairs}
        if "sigma" in found:
            cells["sigma"] = [f"{x:.3g}" for x in found.sigma]
        shown = pd.DataFrame({"metric": found.metric, "factor": found.factor, **cells})
        title = f"{'Sobol' if 'S1' in found else 'Morris'} indices (± half the confidence interval)"
    else:
        responses = tables["responses"]
        factors = list(responses.columns[2 : list(responses.columns).index("n")])
        shown = responses[["metric", "point", "n"]].copy()
        shown.insert(2, "at", [", ".join(f"{f}={text(v)}" for f, v in zip(factors, row, strict=True))
                               for row in responses[factors].itertuples(index=False)])  # fmt: skip
        shown["mean [interval]"] = [_interval(*r) for r in responses[["mean", "low", "high"]].to_numpy()]
        paired = tables.get("paired")
        if paired is not None and len(paired):
            column = f"difference from point {int(paired.reference.iloc[0])} [interval]"
            differences = [_interval(*r) for r in paired[["difference", "low", "high"]].to_numpy()]
            diff = paired[["metric", "point"]].assign(**{column: differences})
            diff.loc[paired.point == paired.reference, column] = "(reference)"
            shown = shown.merge(diff, on=["metric", "point"], how="left").fillna({column: "no pairs"})
        level = float(responses.confidence.iloc[0]) if len(responses) else 0.95
        title = f"Means across replications, {level:.0%} t-intervals"
    if len(shown) > limit:
        return f"{title}: the first {limit} of {len(shown)} rows", shown.head(limit)
    return title, shown
