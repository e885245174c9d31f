"""The `sdo-sim` command: thin typer commands over importable functions.

Every error a user can cause ends here as one line on stderr and exit code 2; `report_error` is
the one place that turns the package's exceptions into that line.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from sdo_sim import __version__
from sdo_sim.errors import BallotError, SdoSimError
from sdo_sim.rules import tally as tally_ballot

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="sdo-sim: how standards development organisations decide, rule by rule.",
)

EXIT_BAD_INPUT = 2
MAX_ERROR_LINES = 20


class InputError(SdoSimError):
    """A file the user gave cannot be read or parsed."""


def report_error(source: str, message: str) -> None:
    """Print one error line, naming the file (or standard input) it is about."""
    print(f"sdo-sim: error: {source}: {message}", file=sys.stderr)


def fail(source: str, message: str) -> NoReturn:
    """Report one error and exit with the bad-input code."""
    report_error(source, message)
    raise typer.Exit(EXIT_BAD_INPUT)


def read_json(path: str) -> tuple[str, Any]:
    """Read a JSON document from a file or `-` (standard input); decimals stay exact."""
    source = "<stdin>" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{source}: is a directory, not a JSON file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{source}: cannot be read ({error})") from None
    try:
        return source, json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{source}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


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


def _print_version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    """sdo-sim: how standards development organisations decide, rule by rule."""


@app.command()
def tally(
    files: Annotated[
        list[str], typer.Argument(help="Ballot JSON files (an object or a list); '-' reads stdin.")
    ],
    output: Annotated[
        str, typer.Option("--format", help="json (default) or table.", case_sensitive=False)
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
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def print_table(files: list[str], outputs: list[Any]) -> None:
    """Decisions as a readable table: one row per ballot."""
    from rich.console import Console
    from rich.table import Table

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
            table.add_row(str(name), row["procedure"], f"[{colour}]{row['outcome']}[/]", row["reason"])
    console.print(table)


def parse_sets(values: list[str]) -> dict[str, Any]:
    """`--set path=value` options as overrides (values read as YAML scalars: 0.9, true, east)."""
    import yaml

    from sdo_sim.scenario.load import Yaml12Loader

    overrides: dict[str, Any] = {}
    for item in values:
        path, sep, text = item.partition("=")
        if not sep or not path:
            raise InputError(f"--set {item!r}: write path=value, e.g. blocs.east.cohesion=0.9")
        overrides[path.strip()] = yaml.load(text, Loader=Yaml12Loader)
    return overrides


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
) -> None:
    """Check scenario files: every field, name and reference; one line per file."""
    from sdo_sim.scenario import ScenarioError, load_scenario

    bad = 0
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            print(f"sdo-sim: error: {error}", file=sys.stderr)
            bad += 1
            continue
        actors = sum(a.count for a in scenario.actors)
        print(f"ok: {path}: {scenario.name!r}, {actors} actors, {len(scenario.venues)} venue(s), "
              f"{len(scenario.events)} event(s), {scenario.weeks} weeks")  # fmt: skip
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("scenarios")
def list_scenarios(
    folder: Annotated[Path, typer.Argument(help="Folder to look in.")] = Path("scenarios"),
) -> None:
    """List the scenario files in a folder: name, venues, events and what each is for."""
    from rich.console import Console
    from rich.table import Table

    from sdo_sim.scenario import ScenarioError, load_scenario

    if not folder.is_dir():
        fail("scenarios", f"{folder}: no such folder")
    table = Table(title=f"Scenarios in {folder}", show_lines=True, expand=True)
    table.add_column("file", ratio=3, overflow="fold")
    table.add_column("name", ratio=2, overflow="fold")
    table.add_column("venues", no_wrap=True)
    table.add_column("events", justify="right")
    table.add_column("description", ratio=4, overflow="fold")
    for path in sorted(folder.rglob("*.yaml")):
        try:
            scenario = load_scenario(path)
        except ScenarioError:
            continue  # a fragment such as common/blocs.yaml, meant to be extended
        venues = ", ".join(f"{v.id} ({v.kind})" for v in scenario.venues)
        table.add_row(str(path.relative_to(folder)), scenario.name, venues, str(len(scenario.events)),
                      scenario.description)  # fmt: skip
    Console(width=max(Console().width, 120)).print(table)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="The scenario file (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the result tables.")],
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the scenario's).")] = None,
    weeks: Annotated[
        int | None, typer.Option(help="Horizon in weeks (default: the scenario's).", min=1)
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="parquet (default) or csv.")] = "parquet",
    positions: Annotated[
        bool, typer.Option("--positions", help="Also write every actor's position.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace results already in --out.")] = False,
    plot: Annotated[bool, typer.Option("--plot", help="Also draw overview.png.")] = False,
    sets: Annotated[list[str] | None, typer.Option("--set", help="Override a field: path=value.")] = None,
) -> None:
    """Run a scenario and write its tables (proposals, decisions, timeseries, summary)."""
    from sdo_sim.report import print_summary, progress_bar
    from sdo_sim.results import check_output, write
    from sdo_sim.runner import run as run_scenario

    if fmt not in ("parquet", "csv"):
        fail("run", f"--format: got {fmt!r}; allowed: parquet, csv")
    check_output(out, force)
    with progress_bar(scenario.name) as progress:
        result = run_scenario(scenario, seed, weeks=weeks, positions=positions,
                              overrides=parse_sets(sets or []), progress=progress)  # fmt: skip
    figures = None
    if plot:
        from sdo_sim.plots import overview

        def figures(result: Any, folder: Path) -> list[Path]:
            return [overview(result, folder / "overview.png")]

    written = write(result, out, fmt, force, figures)
    print_summary(result, out, [path.name if path.suffix == ".png" else path.stem for path in written])


def main() -> None:
    """Console entry point: run the app; never let a traceback reach the user."""
    try:
        code = app(standalone_mode=False, prog_name="sdo-sim")
    except typer.Exit as exit_:
        code = exit_.exit_code
    except typer.Abort:
        print("sdo-sim: interrupted", file=sys.stderr)
        sys.exit(130)
    except SdoSimError as error:
        print(f"sdo-sim: error: {error}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        print("sdo-sim: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as error:
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):
            # click's usage errors (typer vendors click): one line rather than a box
            ctx = getattr(error, "ctx", None)
            where = f"{ctx.command_path}: " if ctx is not None else ""
            print(f"sdo-sim: error: {where}{error.format_message()} (see --help)", file=sys.stderr)
            sys.exit(error.exit_code if error.exit_code else EXIT_BAD_INPUT)
        if os.environ.get("SDO_SIM_DEBUG"):  # an internal bug: one line, the traceback on request
            raise
        print(
            f"sdo-sim: internal error: {type(error).__name__}: {error} "
            "(rerun with SDO_SIM_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
