"""What a person sees of a run or a sweep in the terminal: progress, and a short summary table."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from sdo_sim.inputs import printable
from sdo_sim.results import RunResult


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A weeks progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    # The horizon is known only from the first update: until then the weeks column stays empty
    # (rich would print the unknown total as "None").
    weeks = TextColumn("{task.fields[weeks]}")
    columns = (TextColumn("{task.description}", markup=False), BarColumn(), weeks, TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, weeks="")
        shown = [False]

        def update(week: int, total: int) -> None:
            if not shown[0] or week % 13 == 0 or week == total:
                shown[0] = True
                bar.update(task, completed=week, total=total, weeks=f"week {week}/{total}")

        yield update


def print_summary(result: RunResult, out: Path, tables: list[str]) -> None:
    """The run's headline figures, and where its tables are."""
    row = result.summary.iloc[0]
    # Names and paths come from the user: shown as plain text, never read as markup or escapes.
    table = Table(title=Text(printable(f"{row['scenario']} (seed {row['seed']}, {row['weeks']} weeks)")))
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name in ("proposals", "decided", "approved", "approval_rate", "median_weeks_to_decision",
                 "decisions", "blocked_by_minority"):  # fmt: skip
        table.add_row(name, _show(row[name]))
    for name in row.index:
        if name.startswith(("approval_rate.", "posts_share.")):
            table.add_row(Text(printable(name)), _show(row[name]))
    console = Console()
    console.print(table)
    if len(result.events):
        fired = "; ".join(f"week {r.week}: {r.kind} (events[{r.event}])" for r in result.events.itertuples())
        console.print(Text(f"events fired: {fired}"))
    elif result.manifest.get("events"):
        console.print(Text("events fired: none"))
    if result.manifest.get("overrides"):
        changed = ", ".join(f"{path}={value!r}" for path, value in result.manifest["overrides"].items())
        console.print(Text(printable(f"overrides: {changed}")))
    console.print(Text(printable(f"tables written to {out}/: " + ", ".join([*tables, "manifest.json"]))))


def _show(value: object) -> str:
    if isinstance(value, float):
        return "–" if value != value else f"{value:.3f}"
    return str(value)


@contextmanager
def sweep_progress(label: str) -> Iterator[Callable[[int, int, int, float], None]]:
    """Runs done, failed, runs per second and time left: a bar on a terminal, else a line every 10 %."""
    if not sys.stderr.isatty():
        shown = [-1]

        def line(done: int, failed: int, total: int, seconds: float) -> None:
            tenth = done * 10 // max(total, 1)
            if tenth != shown[0] or done == total:
                shown[0] = tenth
                rate = done / seconds if seconds > 0 else 0.0
                left = (total - done) / rate if rate > 0 else float("nan")
                print(f"sdo-sim: sweep: {done}/{total} runs, {failed} failed, {rate:.1f} runs/s, "
                      f"{left:.0f} s left", file=sys.stderr)  # fmt: skip

        yield line
        return
    columns = (TextColumn("{task.description}", markup=False), BarColumn(),
               TextColumn("{task.completed}/{task.total} runs, {task.fields[failed]} failed, "
                          "{task.fields[rate]:.1f} runs/s"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, failed=0, rate=0.0)

        def update(done: int, failed: int, total: int, seconds: float) -> None:
            rate = done / seconds if seconds > 0 else 0.0
            bar.update(task, completed=done, total=total, failed=failed, rate=rate)

        yield update
