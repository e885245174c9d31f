"""Figures of a run, or of an ensemble of runs, readable on a projector (issue 10).

Each function takes the run tables (results.py) as tidy DataFrames and returns a matplotlib Figure:
rows of several runs, told apart by a `seed` column, are drawn pooled with a band over the middle
80 % of runs; a `baseline` of the same tables is drawn beside them for comparison. `events` (columns
`week`, and `label` or `kind`) marks the weeks scenario events fired. Pass `target` to draw into a
subfigure (`overview` does). Labels a reader must read are at least 14 pt; counts stand behind
every share.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Patch

from sdo_sim.plots_run import (
    LABEL_PT,
    band,
    bloc_name,
    bloc_order,
    bloc_style,
    canvas,
    cumulative_in_segments,
    end_labels,
    holdings,
    mark_events,
    nothing,
    png,
    root,
    run_count,
    runs_of,
    segments,
    split_weeks,
    styled,
    weekly_counts,
)
from sdo_sim.results import RunResult

__all__ = ["approval_by_bloc", "outcomes_by_stage", "overview", "png", "posts_by_bloc", "weeks_to_decision"]

OUTCOME_COLOURS = {"passed": "#009E73", "failed": "#D55E00", "deferred by the chair": "#E69F00"}
BASELINE_HATCH = "//"
BANDED = "pooled, band: middle 80 % of runs"


def _ensemble_note(table: pd.DataFrame, baseline: pd.DataFrame | None, mark: str, how: str = BANDED) -> str:
    """What the reader is looking at: one run, or how many and how combined, and how a baseline is drawn."""
    runs = run_count(table)
    what = "one run" if runs == 1 else f"{runs} runs {how}"
    if baseline is not None:
        others = run_count(baseline)
        what += f"; baseline ({'one run' if others == 1 else f'{others} runs'}) {mark}"
    return what


def _horizon(weeks: int | None, *tables: pd.DataFrame | None) -> int:
    """The weeks to draw: as given, else one past the last week any table mentions."""
    if weeks is not None:
        return int(weeks)
    seen = [int(t[c].max()) for t in tables if t is not None for c in ("submitted", "decided", "start")
            if c in t and t[c].notna().any()]  # fmt: skip
    return max(seen, default=0) + 1


def _approval_arrays(table: pd.DataFrame, bloc: str, weeks: int, splits: list[int]) -> tuple[np.ndarray, ...]:
    """Per run, the running count of decided and of approved proposals of a bloc, restarting at splits."""
    decided, approved = [], []
    for _, rows in runs_of(table):
        mine = rows[rows["bloc"].fillna("") == bloc]
        decided.append(cumulative_in_segments(weekly_counts(mine, "decided", weeks), splits))
        approved.append(
            cumulative_in_segments(weekly_counts(mine[mine["approved"]], "decided", weeks), splits)
        )
    return np.array(decided), np.array(approved)


def _share(part: float, whole: float) -> float:
    return part / whole if whole else float("nan")


def _period_style(j: int, periods: int) -> dict[str, object]:
    """Earlier periods lighter and dotted, the last one solid: the split reads in greyscale too."""
    last = j == periods - 1
    return {"alpha": 1.0 if last else 0.4 + 0.6 * j / (periods - 1), "hatch": "" if last else ".."}


def _period_bars(ax: Any, order: list[str], periods: list[tuple[int, int, str]],
                 scenario: dict[str, tuple[np.ndarray, np.ndarray]],
                 baseline: dict[str, tuple[np.ndarray, np.ndarray]] | None) -> None:  # fmt: skip
    """Horizontal bars: each bloc's share approved in each period, `approved/decided` beside each bar."""
    height = 0.8 / len(periods)
    for k, bloc in enumerate(order):
        decided, approved = scenario[bloc]
        for j, (_, end, _) in enumerate(periods):
            n, a = decided[:, end - 1].sum(), approved[:, end - 1].sum()  # running counts: a period's total
            y = k + (j - (len(periods) - 1) / 2) * height
            rate = _share(a, n)
            ax.barh(y, 0 if np.isnan(rate) else rate, height * 0.9, color=bloc_style(order, bloc)["color"],
                    edgecolor="black", **_period_style(j, len(periods)))  # fmt: skip
            tip = 0.0 if np.isnan(rate) else rate
            if baseline is not None and baseline[bloc][0][:, end - 1].sum():
                base = _share(baseline[bloc][1][:, end - 1].sum(), baseline[bloc][0][:, end - 1].sum())
                ax.plot(base, y, marker="D", markersize=10, color="black", linestyle="none")
                tip = max(tip, base)
            text = "none decided" if not n else f"{rate:.2f} ({int(a)}/{int(n)})"
            ax.annotate(text, (tip, y), xytext=(8, 0), textcoords="offset points", va="center",
                        fontsize=LABEL_PT)  # fmt: skip
    ax.set_yticks(range(len(order)), [bloc_name(b) for b in order])
    ax.invert_yaxis()
    title = "Before and after, with the counts" if len(periods) > 1 else "The whole run, with the counts"
    ax.set(xlim=(0, 1.7), xticks=[0, 0.25, 0.5, 0.75, 1], xlabel="share approved (approved/decided)",
           title=title)  # fmt: skip
    key: list[Any] = [
        Patch(facecolor="#bbbbbb", edgecolor="black", label=label, **_period_style(j, len(periods)))
        for j, (_, _, label) in enumerate(periods)
    ]
    if baseline is not None:
        key.append(ax.plot([], [], marker="D", color="black", linestyle="none", label="baseline")[0])
    ax.legend(handles=key, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=LABEL_PT,
              ncols=2)  # fmt: skip


@styled
def approval_by_bloc(
    proposals: pd.DataFrame,
    *,
    weeks: int | None = None,
    events: pd.DataFrame | None = None,
    baseline: pd.DataFrame | None = None,
    blocs: Sequence[str] | None = None,
    target: Figure | SubFigure | None = None,
) -> Figure:
    """Share of decided proposals approved, by the proponent's bloc: over time (restarting at each event)
    and, beside it, in each period between events with the counts behind each share."""
    weeks = _horizon(weeks, proposals, baseline)
    splits = split_weeks(events, weeks)
    periods = segments(splits, weeks)
    order = bloc_order(blocs, proposals, baseline)
    fig = canvas(target, (14, 6.5))
    over_time, by_period = fig.subplots(1, 2, width_ratios=[1.6, 1])
    x = np.arange(weeks)
    counts = {bloc: _approval_arrays(proposals, bloc, weeks, splits) for bloc in order}
    base = (
        {bloc: _approval_arrays(baseline, bloc, weeks, splits) for bloc in order}
        if baseline is not None
        else None
    )
    for bloc in order:
        style = bloc_style(order, bloc)
        decided, approved = counts[bloc]
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled = np.where(decided.sum(0) > 0, approved.sum(0) / decided.sum(0), np.nan)
            band(over_time, x, np.where(decided > 0, approved / decided, np.nan), style["color"])
        over_time.step(x, pooled, where="post", label=bloc_name(bloc), **style)
        if base is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                line = np.where(base[bloc][0].sum(0) > 0, base[bloc][1].sum(0) / base[bloc][0].sum(0), np.nan)
            over_time.step(x, line, where="post", color=style["color"], linestyle=":", linewidth=2, alpha=0.8)
    mark_events(over_time, events, weeks)
    over_time.set(xlim=(0, weeks), ylim=(-0.02, 1.12), xlabel="week the proposal was decided",
                  ylabel="share of decided proposals approved",
                  title="Running share, restarting at each event" if splits else "Running share")  # fmt: skip
    title = "proponent's bloc" + ("; dotted: baseline" if baseline is not None else "")
    over_time.legend(
        frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=len(order), title=title
    )
    _period_bars(by_period, order, periods, counts, base)
    fig.suptitle(f"Which bloc's proposals pass?\n{_ensemble_note(proposals, baseline, 'dotted and ◆')}")
    return root(fig)


def _gate_table(decisions: pd.DataFrame) -> pd.DataFrame:
    """Gates on proposals (not posts or elections), each with its result in words; stages named with
    their venue when there are several venues."""
    gates = decisions[decisions["proposal"].fillna("").astype(str) != ""].copy()
    if gates["venue"].nunique() > 1:
        gates["stage"] = gates["venue"].astype(str) + ": " + gates["stage"].astype(str)
    gates["result"] = np.where(gates["outcome"] == "deferred", "deferred by the chair",
                               np.where(gates["approved"].astype(bool), "passed", "failed"))  # fmt: skip
    return gates


def _stage_order(gates: pd.DataFrame) -> list[str]:
    """Stages in the order proposals meet them (the median place of each stage in a proposal's gates),
    a venue's stages together."""
    keys = [k for k in ("source", "seed", "proposal") if k in gates]
    place = gates.sort_values("decision" if "decision" in gates else "week").groupby(keys).cumcount()
    ranked = place.groupby(gates["stage"]).median()
    venue = gates.groupby("stage")["venue"].first()
    first = {v: k for k, v in reversed(list(enumerate(gates["venue"])))}  # venues in order of appearance
    return sorted((str(s) for s in ranked.index), key=lambda s: (first[venue[s]], ranked[s]))


def _mean_counts(gates: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """Mean gates per run by stage (rows) and result (columns)."""
    counts = gates.groupby(["stage", "result"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=stages, columns=list(OUTCOME_COLOURS), fill_value=0)
    return counts / max(run_count(gates), 1)


@styled
def outcomes_by_stage(
    decisions: pd.DataFrame,
    *,
    baseline: pd.DataFrame | None = None,
    target: Figure | SubFigure | None = None,
) -> Figure:
    """Gates passed, failed and deferred at each stage, in pipeline order, with the counts on the bars."""
    gates = _gate_table(decisions)
    base = _gate_table(baseline) if baseline is not None else None
    both = [gates] if base is None else [gates.assign(source=0), base.assign(source=1)]
    stages = _stage_order(pd.concat(both, ignore_index=True))
    fig = canvas(target, (12, max(4.5, 0.95 * len(stages) + 2.5)))
    ax = fig.subplots()
    if not stages:
        nothing(ax, "no proposal reached a gate")
        return root(fig)
    mean = run_count(gates) > 1 or (base is not None and run_count(base) > 1)
    shown = "{:.1f}".format if mean else "{:.0f}".format
    rows = [(_mean_counts(gates, stages), 0.0, 0.38 if base is not None else 0.7, "")]
    if base is not None:
        rows.append((_mean_counts(base, stages), 0.4, 0.3, BASELINE_HATCH))
    widest = max(float(counts.sum(axis=1).max()) for counts, *_ in rows) or 1.0
    for counts, offset, height, hatch in rows:
        y = np.arange(len(stages)) + offset
        left = np.zeros(len(stages))
        aside: list[list[str]] = [[] for _ in stages]  # counts too narrow to write inside their bar
        for result, colour in OUTCOME_COLOURS.items():
            values = counts[result].to_numpy(dtype=float)
            if not values.any():
                continue
            ax.barh(y, values, height, left=left, color=colour, hatch=hatch, edgecolor="white",
                    label=result if not hatch else None)  # fmt: skip
            for k, (yy, v, l0) in enumerate(zip(y, values, left, strict=True)):
                if v >= 0.07 * widest:
                    ax.text(l0 + v / 2, yy, shown(v), ha="center", va="center", color="white",
                            fontsize=LABEL_PT, fontweight="bold")  # fmt: skip
                elif v > 0:
                    aside[k].append(f"{shown(v)} {result.split()[0]}")
            left += values
        for yy, total, extra in zip(y, left, aside, strict=True):
            alone = len(extra) == 1 and extra[0].startswith(f"{shown(total)} ")  # all of one result
            note = extra[0].removeprefix(shown(total)) if alone else f" ({', '.join(extra)})" if extra else ""
            ax.text(total, yy, f" {'baseline: ' if hatch else ''}{shown(total)}{note}", va="center",
                    fontsize=LABEL_PT)  # fmt: skip
    ax.set_yticks(np.arange(len(stages)) + (0.2 if base is not None else 0), stages)
    ax.invert_yaxis()  # the first stage on top
    ax.set_xlim(0, widest * 1.45)
    ax.set_xlabel("gates per run (mean)" if mean else "gates (a proposal may meet a stage more than once)")
    ax.legend(frameon=False, loc="lower right", ncols=3)
    fig.suptitle(f"Where do proposals stop?\n{_ensemble_note(gates, base, 'hatched', 'averaged')}")
    return root(fig)


@styled
def weeks_to_decision(
    proposals: pd.DataFrame,
    *,
    baseline: pd.DataFrame | None = None,
    blocs: Sequence[str] | None = None,
    target: Figure | SubFigure | None = None,
) -> Figure:
    """Weeks from submission to the final decision, by the proponent's bloc: boxes, every proposal as a
    dot where few, and the median and count written beside each box."""
    order = bloc_order(blocs, proposals, baseline)
    fig = canvas(target, (12, max(4.5, 1.1 * len(order) * (2 if baseline is not None else 1) + 2)))
    ax = fig.subplots()
    groups = [(proposals, "", 0.0)] + ([(baseline, " baseline", 0.42)] if baseline is not None else [])
    drawn = False
    rng = np.random.default_rng(0)  # a fixed jitter: the same figure every time
    for k, bloc in enumerate(order):
        style = bloc_style(order, bloc)
        for table, suffix, offset in groups:
            decided = table[(table["bloc"].fillna("") == bloc) & table["decided"].notna()]
            values = decided["weeks_to_decision"].astype(float).to_numpy()
            y = k + offset
            if not len(values):
                ax.text(0.01, y, f"{bloc_name(bloc)}{suffix}: none decided", va="center", fontsize=LABEL_PT,
                        transform=ax.get_yaxis_transform())  # fmt: skip
                continue
            drawn = True
            box = {"facecolor": style["color"], "alpha": 0.35 if suffix else 0.6,
                   "hatch": BASELINE_HATCH if suffix else ""}  # fmt: skip
            median = {"color": "black", "linewidth": 3}
            ax.boxplot(values, positions=[y], orientation="horizontal", widths=0.32, showfliers=False,
                       patch_artist=True, boxprops=box, medianprops=median)  # fmt: skip
            if len(values) <= 80:
                ax.scatter(
                    values, y + rng.uniform(-0.1, 0.1, len(values)), s=22, color="black", alpha=0.5, zorder=3
                )
            ax.annotate(f"median {np.median(values):.0f} weeks, n = {len(values)}{suffix}", (1, y),
                        xycoords=ax.get_yaxis_transform(), xytext=(10, 0), textcoords="offset points",
                        va="center", fontsize=LABEL_PT, annotation_clip=False)  # fmt: skip
    ticks = np.arange(len(order)) + (0.21 if baseline is not None else 0)
    ax.set_yticks(ticks, [bloc_name(b) for b in order])
    ax.set_ylim(len(order) - 0.5 + (0.42 if baseline is not None else 0), -0.5)  # the first bloc on top
    ax.set_xlabel("weeks from submission to the final decision")
    ax.set_ylabel("proponent's bloc")
    if drawn:
        ax.set_xlim(left=0)
    fig.suptitle(
        f"How long does a decision take?\n{_ensemble_note(proposals, baseline, 'hatched', 'pooled')}"
    )
    return root(fig)


def _post_shares(
    posts: pd.DataFrame, weeks: int, order: list[str]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per bloc, each run's share of the posts held in each week; and each run's posts in each week."""
    shares: dict[str, list[np.ndarray]] = {bloc: [] for bloc in order}
    totals = []
    for _, rows in runs_of(posts):
        held = holdings(rows, weeks)
        total = held.sum(axis=1).to_numpy(dtype=float)
        totals.append(total)
        for bloc in order:
            count = held[bloc].to_numpy(dtype=float) if bloc in held else np.zeros(weeks)
            with np.errstate(invalid="ignore", divide="ignore"):
                shares[bloc].append(np.where(total > 0, count / total, np.nan))
    return {bloc: np.array(v) for bloc, v in shares.items()}, np.array(totals)


@styled
def posts_by_bloc(
    posts: pd.DataFrame,
    *,
    weeks: int | None = None,
    events: pd.DataFrame | None = None,
    baseline: pd.DataFrame | None = None,
    blocs: Sequence[str] | None = None,
    target: Figure | SubFigure | None = None,
) -> Figure:
    """Share of the chairs and other posts each bloc holds, week by week, with the final count beside
    each line (editors of single texts are not counted as posts)."""
    weeks = _horizon(weeks, posts, baseline)
    order = bloc_order(blocs, posts, baseline)
    fig = canvas(target, (12, 6))
    ax = fig.subplots()
    held = posts[posts["post"] != "editor"]
    if held.empty or weeks == 0:
        nothing(ax, "no posts in this run")
        return root(fig)
    x = np.arange(weeks)
    shares, totals = _post_shares(posts, weeks, order)
    base = _post_shares(baseline, weeks, order)[0] if baseline is not None else None
    labels = []
    for bloc in order:
        style = bloc_style(order, bloc)
        centre = np.nanmean(shares[bloc], axis=0)  # every run has posts where any has: no empty column
        band(ax, x, shares[bloc], style["color"])
        ax.step(x, centre, where="post", label=bloc_name(bloc), **style)
        if base is not None:
            ax.step(x, np.nanmean(base[bloc], axis=0), where="post", color=style["color"], linestyle=":",
                    linewidth=2, alpha=0.8)  # fmt: skip
        last_total = float(np.mean(totals[:, -1]))
        count = centre[-1] * last_total
        of = (
            f"{count:.0f} of {last_total:.0f}"
            if len(totals) == 1
            else f"mean {count:.1f} of {last_total:.4g}"
        )
        labels.append((float(centre[-1]), f"{bloc_name(bloc)} {centre[-1]:.2f} ({of})", style["color"]))
    end_labels(ax, weeks, labels)
    mark_events(ax, events, weeks)
    ax.set(xlim=(0, weeks), ylim=(-0.02, 1.12), xlabel="week", ylabel="share of posts held")
    ax.legend(frameon=False, loc="center left", ncols=1, title="bloc")
    fig.suptitle(f"Who holds the chairs and posts?\n{_ensemble_note(posts, baseline, 'dotted')}")
    return root(fig)


def overview(result: RunResult, path: Path) -> Path:
    """The four run figures on one page (`sdo-sim run --plot`), event weeks marked."""
    import matplotlib.pyplot as plt

    from sdo_sim.plots_run import STYLE

    row = result.summary.iloc[0]
    weeks = int(row["weeks"])
    blocs = [c.split(".", 1)[1] for c in result.summary.columns if c.startswith("approval_rate.")]
    blocs = ["" if b == "none" else b for b in blocs]
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(30, 17), layout="constrained")
        fig.suptitle(f"{row['scenario']} — seed {row['seed']}, {weeks} weeks", fontsize=24)
        (a, b), (c, d) = fig.subfigures(2, 2, width_ratios=[1.5, 1], hspace=0.04, wspace=0.03)
    approval_by_bloc(result.proposals, weeks=weeks, events=result.events, blocs=blocs, target=a)
    outcomes_by_stage(result.decisions, target=b)
    posts_by_bloc(result.posts, weeks=weeks, events=result.events, blocs=blocs, target=c)
    weeks_to_decision(result.proposals, blocs=blocs, target=d)
    path.write_bytes(png(fig, dpi=90))
    return path
