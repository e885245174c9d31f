"""`sdo-sim sweep` and `analyze`: experiments at scale (sdo_sim.experiment, sdo_sim.analysis)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sdo_sim.cli._util import app

#: Where --help lists this module's commands (cli/__init__.py).
HELP_ORDER = 30


@app.command()
def sweep(
    experiment: Annotated[Path, typer.Argument(help="The experiment file (YAML, experiments/).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the results (runs/, manifest.json).")],
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: CPUs).")] = None,
    backend: Annotated[
        str, typer.Option("--backend", metavar="local|dask", help="local (default) or dask.")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler.")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Go on with the runs not yet in --out.")] = False,
    keep: Annotated[
        str, typer.Option("--keep", help="Run tables to write per run, comma-separated (e.g. decisions).")
    ] = "",
) -> None:
    """Run every run of an experiment's design and write one row per run as a Parquet dataset."""
    from sdo_sim.calibration import default_workers
    from sdo_sim.experiment import load_experiment
    from sdo_sim.experiment.sweeps import sweep as run_sweep
    from sdo_sim.inputs import printable
    from sdo_sim.report import sweep_progress

    loaded = load_experiment(experiment)  # bad files fail here, before any worker starts
    with sweep_progress(printable(loaded.name)) as progress:
        table = run_sweep(loaded, out, workers=default_workers() if workers is None else workers,
                          backend=backend, scheduler=scheduler, resume=resume, progress=progress,
                          keep=tuple(name.strip() for name in keep.split(",") if name.strip()))  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    runs, timing = manifest["runs"], manifest["time"]
    rate = timing["runs_per_second"]
    print(printable(f"{loaded.name}: {runs['ok']} runs ok, {runs['failed']} failed, of {runs['designed']} "
                    f"({runs['this_session']} this time, {timing['wall_seconds']:.1f} s"
                    f"{f', {rate:.1f} runs/s' if rate else ''}); results in {out / 'runs'}"))  # fmt: skip
    if len(table) and (table["status"] == "failed").any():
        first = table[table["status"] == "failed"].iloc[0]
        print(printable(f"first failed run: {int(first['run'])}: {first['error']}"))


@app.command()
def analyze(
    folder: Annotated[Path, typer.Argument(help="A sweep's results folder (sdo-sim sweep --out DIR).")],
    reference: Annotated[
        int | None, typer.Option("--reference", help="Point paired differences are taken from (default 0).")
    ] = None,
    confidence: Annotated[
        float, typer.Option("--confidence", help="Level of the confidence intervals, in (0, 1).")
    ] = 0.95,
) -> None:
    """Analyse a sweep: responses with intervals, paired differences, Sobol or Morris indices, figures."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sdo_sim.analysis import analyze as analyse_sweep
    from sdo_sim.analysis import headline
    from sdo_sim.inputs import printable

    tables = analyse_sweep(folder, reference=reference, confidence=confidence)
    title, shown = headline(tables)
    table = Table(title=Text(printable(title)), show_lines=False, expand=True)
    for column in shown.columns:
        table.add_column(Text(printable(str(column))), overflow="fold")
    for row in shown.itertuples(index=False):
        table.add_row(*(Text(printable(str(cell))) for cell in row))
    Console(width=max(Console().width, 120)).print(table)
    for note in tables["notes"].itertuples(index=False):
        print(printable(f"note: {f'{note.metric}: ' if note.metric else ''}{note.note}"))
    files = [Path(name) for name in tables["files"]["file"]]
    print(printable(f"written to {folder / 'analysis'}: {', '.join(path.name for path in files)}"))
