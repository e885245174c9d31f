"""Figures of a sweep's analysis (tables.py), readable on a projector: large type, thick lines,
axes labelled with their units, titles that ask the question the figure answers.

- `response-<metric>.png` (grid and lhs designs): the metric against each factor, one panel per
  factor, with a band for the confidence interval across replications;
- `sobol-<metric>.png`: first-order and total Sobol indices per factor, with their intervals;
- `morris-<metric>.png`: mu* (with its interval) and sigma per factor.
"""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

DPI = 150
STYLE = {
    "font.size": 16, "axes.titlesize": 17, "axes.labelsize": 16, "xtick.labelsize": 14,
    "ytick.labelsize": 14, "legend.fontsize": 14, "figure.titlesize": 19, "lines.linewidth": 3.0,
    "lines.markersize": 8, "axes.linewidth": 1.4, "axes.grid": True, "grid.alpha": 0.3,
}  # fmt: skip
#: Colours that stay apart for colour-blind readers and on a projector (Okabe & Ito).
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
#: At most this many lines per panel: one per combination of the other factors' levels; beyond,
#: the panel shows the metric averaged over the other factors.
MAX_LINES = 6
#: Equal-count bins of a sampled (lhs) factor's values.
BINS = 10
COUNTS = {"proposals": "proposals", "decided": "proposals decided", "approved": "proposals approved",
          "decisions": "decisions", "defections": "defections from the bloc line",
          "blocked_by_minority": "votes blocked by a minority"}  # fmt: skip


def metric_label(metric: str) -> tuple[str, str]:
    """What a metric measures and its unit, for an axis: ("approval rate", "share of decided proposals")."""
    name, _, bloc = metric.partition(".")
    whose = "no bloc's" if bloc == "none" else f"{bloc}'s"
    if name == "approval_rate":
        return "approval rate", f"share of {whose + ' ' if bloc else ''}decided proposals"
    if name == "posts_share":
        return f"{whose} share of posts", "0–1"
    if name == "median_weeks_to_decision":
        return "median time to decision", "weeks"
    return (COUNTS[name], "count per run") if name in COUNTS else (metric, "as summarised")


def file_name(prefix: str, metric: str) -> str:
    """A PNG name for a metric: `response-approval_rate.west.png`."""
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9._-]+', '_', metric)}.png"


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def shown(value: Any) -> str:
    """A factor's value as text: null for a missing one (YAML's word), numbers to 4 digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _positions(values: pd.Series, levels: list[str]) -> np.ndarray:
    """x positions: the values themselves if numbers, else their place among the levels (as text)."""
    if _numeric(values):
        return values.to_numpy(dtype=float)
    return np.array([levels.index(shown(v)) for v in values], dtype=float)


def _band(ax: Any, x: np.ndarray, mean: np.ndarray, low: np.ndarray, high: np.ndarray, **line: Any) -> None:
    order = np.argsort(x, kind="stable")
    x, mean, low, high = x[order], mean[order], low[order], high[order]
    (drawn,) = ax.plot(x, mean, marker="o", **line)
    if not np.all(np.isnan(low)):
        ax.fill_between(x, low, high, color=drawn.get_color(), alpha=0.2, linewidth=0)


def _t_summary(groups: Any, confidence: float) -> pd.DataFrame:
    """Mean and t-interval of each group's values."""
    from sdo_sim.analysis.tables import half_width

    out = groups.agg(["mean", "std", "count"])
    half = half_width(out["std"].to_numpy(dtype=float), out["count"].to_numpy(), confidence=confidence)
    return out.assign(low=out["mean"] - half, high=out["mean"] + half)


def _grid_panel(ax: Any, rows: pd.DataFrame, runs: pd.DataFrame, factor: str, others: list[str],
                metric: str, confidence: float) -> str:  # fmt: skip
    """Lines of the metric against `factor`, one per combination of the other factors (or their average)."""
    levels = list(dict.fromkeys(shown(v) for v in rows[factor]))
    combos = rows.groupby(others, sort=False, dropna=False) if others else [((), rows)]
    if others and len(combos) > MAX_LINES:
        summary = _t_summary(runs.groupby(factor, sort=False, dropna=False)[metric], confidence)
        x = _positions(pd.Series(summary.index, dtype=runs[factor].dtype), levels)
        _band(ax, x, *(summary[k].to_numpy(dtype=float) for k in ("mean", "low", "high")), color=COLOURS[0])
        note = "averaged over the other factors"
    else:
        for k, (key, group) in enumerate(combos):
            keys = key if isinstance(key, tuple) else (key,)
            label = ", ".join(f"{o}={shown(v)}" for o, v in zip(others, keys, strict=True)) or None
            x = _positions(group[factor], levels)
            _band(ax, x, *(group[c].to_numpy(dtype=float) for c in ("mean", "low", "high")),
                  color=COLOURS[k % len(COLOURS)], label=label)  # fmt: skip
        note = ""
        if others:
            ax.legend(frameon=False)
    if not _numeric(rows[factor]):
        ax.set_xticks(range(len(levels)), levels)
    return note


def _lhs_panel(ax: Any, rows: pd.DataFrame, runs: pd.DataFrame, factor: str, metric: str,
               confidence: float) -> str:  # fmt: skip
    """Each point's mean (dots) and the runs' mean in equal-count bins of the factor, with its band."""
    ax.scatter(rows[factor], rows["mean"], s=18, color="#999999", alpha=0.6, label="design points")
    values = runs[[factor, metric]].dropna()
    bins = min(BINS, values[factor].nunique())
    if bins >= 2:
        cut = pd.qcut(values[factor].rank(method="first"), bins, labels=False)
        summary = _t_summary(values.groupby(cut)[metric], confidence)
        x = values.groupby(cut)[factor].median().to_numpy(dtype=float)
        _band(ax, x, *(summary[k].to_numpy(dtype=float) for k in ("mean", "low", "high")),
              color=COLOURS[0], label=f"mean in {bins} bins")  # fmt: skip
    ax.legend(frameon=False)
    return "other factors vary"


def _panels(count: int) -> tuple[Any, list[Any]]:
    columns = min(3, count)
    rows = math.ceil(count / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(max(11.0, 7.5 * columns), 6.5 * rows), squeeze=False,
                             constrained_layout=True)  # fmt: skip
    flat = list(axes.ravel())
    for ax in flat[count:]:
        ax.set_visible(False)
    return fig, flat[:count]


def response_figures(responses: pd.DataFrame, runs: pd.DataFrame, factors: list[str], *, kind: str,
                     folder: Path, confidence: float) -> list[Path]:  # fmt: skip
    """One figure per metric: the metric against each factor, with its confidence band."""
    written = []
    for metric, rows in responses.groupby("metric", sort=False):
        fig, axes = _panels(len(factors))
        for ax, factor in zip(axes, factors, strict=True):
            others = [f for f in factors if f != factor]
            if kind == "grid":
                note = _grid_panel(ax, rows, runs, factor, others, str(metric), confidence)
            else:
                note = _lhs_panel(ax, rows, runs, factor, str(metric), confidence)
            ax.set(
                xlabel=factor + (f"\n({note})" if note else ""),
                ylabel=_wrap("{} ({})".format(*metric_label(str(metric))), 32),
            )
        named = factors[0] if len(factors) == 1 else f"{', '.join(factors[:-1])} and {factors[-1]}"
        question = f"How does {metric} change with {named}?"
        width = fig.get_figwidth()
        fig.suptitle(f"{_wrap(question, int(width * 5.5))}\n"
                     f"mean across replications, band: {confidence:.0%} confidence interval")  # fmt: skip
        written.append(_save(fig, folder / file_name("response", str(metric))))
    return written


def _bars(ax: Any, frame: pd.DataFrame, columns: list[tuple[str, str | None, str]]) -> None:
    """Grouped bars per factor: (column, its interval column or None, label)."""
    x, width = np.arange(len(frame)), 0.8 / len(columns)
    for k, (column, conf, label) in enumerate(columns):
        error = frame[conf].to_numpy(dtype=float) if conf else None
        ax.bar(x + (k - (len(columns) - 1) / 2) * width, frame[column], width, yerr=error, capsize=6,
               color=COLOURS[k], label=label, error_kw={"elinewidth": 2.5, "capthick": 2.5})  # fmt: skip
    tilted = len(frame) > 3
    ax.set_xticks(x, list(frame["factor"]), rotation=20 if tilted else 0, ha="right" if tilted else "center")
    ax.axhline(0, color="black", linewidth=1.2)
    ax.legend(frameon=False)


def index_figures(table: pd.DataFrame, *, kind: str, folder: Path, confidence: float) -> list[Path]:
    """One bar chart per metric: Sobol S1 and ST, or Morris mu* and sigma, per factor."""
    written = []
    for metric, frame in table.groupby("metric", sort=False):
        fig, ax = plt.subplots(figsize=(max(11.0, 2.2 * len(frame) + 4), 6.5), constrained_layout=True)
        if kind == "sobol":
            _bars(ax, frame, [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")])
            ax.set(ylabel="Sobol index (share of the variance)", xlabel="factor")
            question = f"Which factors drive {metric}?"
        else:
            _bars(ax, frame, [("mu_star", "mu_star_conf", "μ* (size of the effect)"),
                              ("sigma", None, "σ (interactions, non-linearity)")])  # fmt: skip
            what, unit = metric_label(str(metric))
            unit = _wrap(f"elementary effect: change in {what} over the factor's range ({unit})", 40)
            ax.set(ylabel=unit, xlabel="factor")
            question = f"Which factors move {metric}, and do they act alone?"
        ax.set_title(f"{_wrap(question, int(fig.get_figwidth() * 5.5))}\n"
                     f"error bars: {confidence:.0%} bootstrap interval")  # fmt: skip
        written.append(_save(fig, folder / file_name(kind, str(metric))))
    return written


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_on_hyphens=False)


def _save(fig: Any, path: Path) -> Path:
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def figures(tables: dict[str, pd.DataFrame], runs: pd.DataFrame, factors: list[str], *, kind: str,
            folder: Path, confidence: float) -> list[Path]:  # fmt: skip
    """Every figure the design allows, written into `folder`."""
    with plt.rc_context(STYLE):
        if kind in ("grid", "lhs"):
            return response_figures(tables["responses"], runs, factors, kind=kind, folder=folder,
                                    confidence=confidence)  # fmt: skip
        table = tables.get(kind)
        if table is None or table.empty:
            return []
        return index_figures(table, kind=kind, folder=folder, confidence=confidence)
