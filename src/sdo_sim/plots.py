"""Figures of one run: what a person would rather look at than the tables."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from sdo_sim.results import RunResult


def overview(result: RunResult, path: Path) -> Path:
    """Four panels: decided proposals, open proposals, approval rate by bloc, posts by bloc;
    dotted lines mark the weeks scenario events fired."""
    series = result.timeseries
    summary = result.summary.iloc[0]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), constrained_layout=True)
    fig.suptitle(f"{summary['scenario']} — seed {summary['seed']}, {summary['weeks']} weeks")

    ax = axes[0, 0]
    ax.plot(series["week"], series["approved"], label="approved", color="tab:green")
    ax.plot(series["week"], series["failed"], label="failed or abandoned", color="tab:red")
    ax.set(title="Proposals decided (cumulative)", xlabel="week", ylabel="proposals")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False)

    ax = axes[0, 1]
    ax.plot(series["week"], series["open_proposals"], color="tab:blue")
    ax.set(title="Proposals in the pipeline", xlabel="week", ylabel="proposals")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))

    ax = axes[1, 0]
    rates = {k.split(".", 1)[1]: v for k, v in summary.items() if k.startswith("approval_rate.") and v == v}
    ax.bar(list(rates), list(rates.values()), color="tab:gray")
    ax.axhline(summary["approval_rate"], color="black", linestyle="--", linewidth=1, label="all proposals")
    ax.set(title="Approval rate by proponent's bloc", ylabel="share approved", ylim=(0, 1))
    ax.legend(frameon=False)

    ax = axes[1, 1]
    columns = [c for c in series.columns if c.startswith("posts_share.")]
    for k, column in enumerate(columns):  # dashes of different lengths keep equal lines visible
        ax.plot(series["week"], series[column], label=column.split(".", 1)[1], linestyle=(0, (6, 2 + 2 * k)))
    ax.set(title="Share of posts by bloc", xlabel="week", ylabel="share", ylim=(0, 1.05))
    ax.legend(frameon=False)

    for ax in (axes[0, 0], axes[0, 1], axes[1, 1]):  # mark the weeks events fired
        for event in result.events.itertuples():
            ax.axvline(event.week, color="gray", linestyle=":", linewidth=1)
            ax.annotate(event.kind, (event.week, 1), xycoords=("data", "axes fraction"), fontsize=7,
                        color="gray", rotation=90, va="top", ha="right")  # fmt: skip

    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
