"""`sdo-sim tally`: decide ballots under their SDO's rules (the rulebook, no model)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sdo_sim.cli._util import EXIT_BAD_INPUT, MAX_ERROR_LINES, app, fail, report_error
from sdo_sim.errors import BallotError
from sdo_sim.inputs import InputError
from sdo_sim.rules import tally as tally_ballot

#: Where --help lists this module's commands (cli/__init__.py).
HELP_ORDER = 10


def read_json(path: str) -> tuple[str, Any]:
    """Read a JSON document from a file or `-` (standard input), bounded; decimals stay exact."""
    from sdo_sim.inputs import decode, load_json, read_bytes, read_stdin

    source = "<stdin>" if path == "-" else path
    try:
        data = read_stdin("ballot") if path == "-" else read_bytes(Path(path), "ballot")
        return source, load_json(decode(data))
    except InputError as error:
        raise InputError(f"{source}: {error}") from None


def tally_document(document: Any) -> tuple[Any, list[str]]:
    """Decide one ballot or a list of ballots; returns the JSON output and error lines."""
    single = not isinstance(document, list)
    ballots = [document] if single else document
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    for index, ballot in enumerate(ballots):
        try:
            decision = tally_ballot(ballot)
        except BallotError as error:
            where = "" if single else f"ballot {index}: "
            errors.append(f"{where}{error}")
            continue
        out = decision.to_dict(ballot["procedure"])
        if "id" in ballot:
            out = {"id": ballot["id"], **out}
        results.append(out)
    return (results[0] if single and results else results), errors


@app.command()
def tally(
    files: Annotated[
        list[str], typer.Argument(help="Ballot JSON files (an object or a list); '-' reads stdin.")
    ],
    output: Annotated[
        str,
        typer.Option("--format", metavar="json|table", help="json (default) or table.", case_sensitive=False),
    ] = "json",
) -> None:
    """Tally ballots under their SDO's rules and print the decisions as JSON."""
    output = output.lower()
    if output not in ("json", "table"):
        fail("tally", f"--format: got {output!r}; allowed: json, table")
    for index, path in enumerate(files):
        if path in files[:index]:
            fail("tally", f"{path} is given twice")
    outputs: list[Any] = []
    bad = 0
    for path in files:
        try:
            source, document = read_json(path)
        except InputError as error:
            fail("tally", str(error))
        result, errors = tally_document(document)
        for line in errors[:MAX_ERROR_LINES]:
            report_error(source, line)
        if len(errors) > MAX_ERROR_LINES:
            report_error(source, f"... and {len(errors) - MAX_ERROR_LINES} more bad ballots")
        bad += len(errors)
        outputs.append(result)
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)
    if output == "table":
        print_table(files, outputs)
        return
    document = outputs[0] if len(outputs) == 1 else dict(zip(files, outputs, strict=True))
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # JSON escapes C0 controls itself; C1 controls and line separators would reach the terminal raw
    sys.stdout.write(re.sub("[\x80-\x9f\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def print_table(files: list[str], outputs: list[Any]) -> None:
    """Decisions as a readable table: one row per ballot."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sdo_sim.inputs import printable

    console = Console(width=max(Console().width, 120))
    table = Table(title="Decisions", show_lines=True, expand=True)
    table.add_column("ballot", ratio=2, overflow="fold")
    table.add_column("procedure", min_width=27, no_wrap=True)
    table.add_column("outcome", min_width=20, no_wrap=True)
    table.add_column("reason", ratio=6, overflow="fold")
    for path, result in zip(files, outputs, strict=True):
        rows = result if isinstance(result, list) else [result]
        for index, row in enumerate(rows):
            name = row.get("id") or Path(path).name + (f"[{index}]" if isinstance(result, list) else "")
            colour = "green" if row["approved"] else "red"
            table.add_row(Text(printable(str(name))), row["procedure"], Text(row["outcome"], style=colour),
                          Text(printable(row["reason"])))  # fmt: skip
    console.print(table)
