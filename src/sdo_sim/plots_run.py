"""The parts the run figures (plots.py) share: projector style, bloc colours, event marks, ensembles.

A figure function takes tidy tables. Rows of several runs are told apart by a `seed` column
(`RUN`): the figure then draws the runs pooled, with a band over the middle 80 % of runs.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections.abc import Callable, Iterable, Sequence
from io import BytesIO
from typing import Any, ParamSpec, TypeVar

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure, SubFigure

from sdo_sim.analysis.plots import COLOURS, STYLE

#: The shipped blocs' colours, the same in every figure (docs/findings.md uses them too).
BLOC_COLOURS = {"west": "#0072B2", "east": "#D55E00", "nonaligned": "#009E73"}

P = ParamSpec("P")
T = TypeVar("T")
#: The column that tells the runs of an ensemble apart.
RUN = "seed"
#: The band drawn across the runs of an ensemble: from the 10th to the 90th percentile.
BAND = (10, 90)
#: Type size of every label a reader must read from the back of a room (events, splits, counts).
LABEL_PT = 14
DPI = 150
#: Line styles by bloc, so that blocs stay apart in greyscale print too.
DASHES = ["solid", (0, (6, 2)), (0, (2, 1.5)), (0, (6, 2, 2, 2)), (0, (10, 3))]
NO_BLOC = "no bloc"


def bloc_name(bloc: str) -> str:
    """A bloc as a reader sees it: the empty bloc is `no bloc`."""
    return bloc if bloc else NO_BLOC


def bloc_order(blocs: Sequence[str] | None, *tables: pd.DataFrame | None, column: str = "bloc") -> list[str]:
    """The blocs to draw, in a fixed order: the given ones, then any other found in the tables, sorted."""
    order = list(blocs or [])
    found = sorted({str(b) for t in tables if t is not None and column in t for b in t[column].dropna()})
    return order + [b for b in found if b not in order]


def bloc_style(blocs: list[str], bloc: str) -> dict[str, Any]:
    """Colour and line style of a bloc: the same in every figure that gets the same bloc order."""
    k = blocs.index(bloc) if bloc in blocs else len(blocs)
    named = BLOC_COLOURS.get(bloc)
    if named is None:  # a scenario's own bloc: the palette's colours the named blocs leave free
        free = [c for c in COLOURS if c not in BLOC_COLOURS.values()]
        named = free[k % len(free)]
    return {"color": named, "linestyle": DASHES[k % len(DASHES)]}


def runs_of(table: pd.DataFrame) -> list[tuple[Any, pd.DataFrame]]:
    """The table's runs, one (key, rows) pair each: one run when it has no `seed` column."""
    if RUN not in table.columns:
        return [(None, table)]
    return [(key, rows) for key, rows in table.groupby(RUN, sort=True)]


def run_count(table: pd.DataFrame | None) -> int:
    """How many runs a table holds (0 for none)."""
    if table is None:
        return 0
    return int(table[RUN].nunique()) if RUN in table.columns else 1


def styled(draw: Callable[P, T]) -> Callable[P, T]:
    """Draw in the projector style (large type, thick lines): rc settings apply while artists are made."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with plt.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def canvas(target: Figure | SubFigure | None, size: tuple[float, float]) -> Figure | SubFigure:
    """Where a figure function draws: the given (sub)figure, or a new figure of `size` inches."""
    return target if target is not None else plt.figure(figsize=size, layout="constrained")


def root(target: Figure | SubFigure) -> Figure:
    """The figure that holds a subfigure (or the figure itself)."""
    return target if isinstance(target, Figure) else target.figure  # type: ignore[return-value]


def png(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    plt.close(figure)
    return buffer.getvalue()


def split_weeks(events: pd.DataFrame | None, weeks: int) -> list[int]:
    """The weeks the event marks split the horizon at (distinct, inside it, in order)."""
    if events is None or events.empty:
        return []
    return sorted({int(w) for w in events["week"] if 0 < int(w) < weeks})


def segments(splits: list[int], weeks: int) -> list[tuple[int, int, str]]:
    """(first week, week after the last, label) of each stretch between events."""
    edges = [0, *splits, weeks]
    if not splits:
        return [(0, weeks, "all weeks")]
    if len(splits) == 1:
        return [(0, splits[0], f"before week {splits[0]}"), (splits[0], weeks, f"from week {splits[0]}")]
    return [(a, b, f"weeks {a}–{b - 1}") for a, b in itertools.pairwise(edges)]


def mark_events(ax: Any, events: pd.DataFrame | None, weeks: int) -> None:
    """A dashed line at each event's week, labelled in large type (the `label` column, else its kind)."""
    if events is None or events.empty:
        return
    for k, event in enumerate(events.sort_values("week").itertuples(index=False)):
        week = int(event.week)
        if not 0 <= week < weeks:
            continue
        text = str(getattr(event, "label", "") or getattr(event, "kind", "event"))
        ax.axvline(week, color="#444444", linestyle="--", linewidth=2, zorder=1)
        ax.annotate(f"week {week}: {text}", (week, 0.98 - 0.09 * (k % 3)), xycoords=("data", "axes fraction"),
                    xytext=(6, 0), textcoords="offset points", fontsize=LABEL_PT, va="top", ha="left",
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                          "alpha": 0.85}, zorder=5)  # fmt: skip


def band(ax: Any, x: np.ndarray, runs: np.ndarray, colour: str) -> None:
    """The middle 80 % of the runs' values at each x (when there are several runs)."""
    if runs.shape[0] < 2:
        return
    with warnings.catch_warnings():  # weeks where no run has a value yet are NaN, and stay blank
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(runs, BAND, axis=0)
    ax.fill_between(x, low, high, step="post", color=colour, alpha=0.18, linewidth=0)


def weekly_counts(rows: pd.DataFrame, column: str, weeks: int, value: str | None = None) -> np.ndarray:
    """How many rows (or the sum of `value`) fall in each week 0..weeks-1 of `column`."""
    at = rows[column].dropna().astype(int)
    inside = (at >= 0) & (at < weeks)
    weights = None if value is None else rows.loc[at.index[inside], value].astype(float).to_numpy()
    return np.bincount(at[inside].to_numpy(), weights=weights, minlength=weeks)[:weeks]


def cumulative_in_segments(counts: np.ndarray, splits: Iterable[int]) -> np.ndarray:
    """Running totals that start again at each split week."""
    out = np.empty_like(counts, dtype=float)
    edges = [0, *splits, len(counts)]
    for a, b in itertools.pairwise(edges):
        out[a:b] = np.cumsum(counts[a:b])
    return out


def holdings(posts: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Posts held by each bloc in each week (rows: weeks; columns: blocs); not editors."""
    held = posts[posts["post"] != "editor"]
    grid = pd.DataFrame(0, index=range(weeks), columns=sorted(set(held["bloc"].astype(str))), dtype=int)
    for row in held.itertuples(index=False):
        end = weeks if pd.isna(row.end) else min(int(row.end), weeks)
        start = max(int(row.start), 0)
        if start < end:
            grid.loc[start : end - 1, str(row.bloc)] += 1
    return grid


def nothing(ax: Any, text: str) -> None:
    """An empty panel that says why it is empty."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=LABEL_PT + 2,
            color="#555555")  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])


def end_labels(ax: Any, x: float, items: list[tuple[float, str, str]], gap: float = 0.075) -> None:
    """Labels right of the lines' ends at their values, pushed apart so that none overlaps."""
    placed: list[float] = []
    for y, text, colour in sorted(items):
        spot = max(y, placed[-1] + gap) if placed else y
        placed.append(spot)
        ax.annotate(text, (x, spot), xytext=(8, 0), textcoords="offset points", fontsize=LABEL_PT,
                    color=colour, va="center", ha="left", annotation_clip=False, weight="bold")  # fmt: skip
