"""`sdo-sim report`: a run's or a sweep's results as one HTML page to take home (sdo_sim.report.html)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sdo_sim.cli._util import app

#: Where --help lists this module's commands (cli/__init__.py).
HELP_ORDER = 35


@app.command()
def report(
    folder: Annotated[
        Path, typer.Argument(help="A run's or a sweep's results (sdo-sim run/sweep --out DIR).")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", help="The HTML file to write (default: DIR.html beside DIR).")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="A run to compare a run with (its --out folder).")
    ] = None,
) -> None:
    """Write a run's or a sweep's results as one self-contained HTML page: scenario, rules, figures."""
    from sdo_sim.inputs import printable
    from sdo_sim.report.html import write_report

    written = write_report(folder, output, baseline)
    print(printable(f"report written to {written}"))
