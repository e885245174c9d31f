"""`sdo-sim explain`: one proposal's story from a run's tables (sdo_sim.explain; docs/explain.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sdo_sim.cli._util import app, fail

#: Where --help lists this module's commands (cli/__init__.py).
HELP_ORDER = 25


@app.command()
def explain(
    folder: Annotated[
        Path, typer.Argument(help="A run's folder (sdo-sim run SCENARIO --out DIR --positions).")
    ],
    proposal: Annotated[str, typer.Argument(help="The proposal's id, as the proposals table gives it.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", metavar="text|json", help="text (default) or json (what the dashboard reads)."
        ),
    ] = "text",
) -> None:
    """Tell one proposal's story: each gate, its counts, who opposed and why, the posts, the clause."""
    from sdo_sim.explain import ExplainError, load, story
    from sdo_sim.inputs import printable

    if fmt not in ("text", "json"):
        fail("explain", f"--format: got {fmt!r}; allowed: text, json")
    try:
        told = story(load(folder), proposal)
    except ExplainError as error:
        fail("explain", str(error))
    if fmt == "json":
        print(json.dumps(told.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(
            "\n".join(printable(line) for line in told.text().splitlines())
        )  # names are never control codes
