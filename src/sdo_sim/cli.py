"""The `sdo-sim` command: thin typer commands over importable functions.

Every error a user can cause ends here as one line on stderr and exit code 2; `report_error` is
the one place that turns the package's exceptions into that line.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from sdo_sim import __version__
from sdo_sim.errors import BallotError, SdoSimError
from sdo_sim.inputs import InputError
from sdo_sim.rules import tally as tally_ballot

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="sdo-sim: how standards development organisations decide, rule by rule.",
)

EXIT_BAD_INPUT = 2
MAX_ERROR_LINES = 20
MAX_ERROR_CHARS = 1000


def report_error(source: str, message: str) -> None:
    """Print one error line, naming the file (or standard input) it is about."""
    error_line(f"{source}: {message}")


def error_line(message: str, kind: str = "error") -> None:
    """The one way errors reach the user: one line, with anything unprintable escaped."""
    from sdo_sim.inputs import printable

    text = printable(message)
    if len(text) > MAX_ERROR_CHARS:  # a huge name echoed back would bury the message
        text = text[: MAX_ERROR_CHARS - 3] + "..."
    print(f"sdo-sim: {kind}: {text}", file=sys.stderr)


def fail(source: str, message: str) -> NoReturn:
    """Report one error and exit with the bad-input code."""
    report_error(source, message)
    raise typer.Exit(EXIT_BAD_INPUT)


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


def parse_sets(values: list[str]) -> dict[str, Any]:
    """`--set path=value` options as overrides (values read as YAML scalars: 0.9, true, east)."""
    from sdo_sim.inputs import InputError, load_yaml, shorten

    overrides: dict[str, Any] = {}
    for item in values:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            raise InputError(f"--set '{shorten(item)}': write path=value, e.g. blocs.east.cohesion=0.9")
        try:
            overrides[path.strip()] = load_yaml(text)
        except InputError as error:
            raise InputError(f"--set '{shorten(item)}': {error}") from None
    return overrides


DATA_OPTION = typer.Option(
    "--data", help="Calibration table for data: references (default: the scenario's repository's "
    "data/calibration.csv, else sdo_sim's own).",
)  # fmt: skip


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
    data: Annotated[Path | None, DATA_OPTION] = None,
) -> None:
    """Check scenario files: every field, name and reference; one line per file, every file checked."""
    from sdo_sim.inputs import printable
    from sdo_sim.scenario import load_scenario

    bad = 0
    for path in files:
        try:
            scenario = load_scenario(path, data_file=data)
        except SdoSimError as error:
            error_line(str(error))
            bad += 1
            continue
        actors = sum(a.count for a in scenario.actors)
        print(printable(f"ok: {path}: {scenario.name!r}, {actors} actors, {len(scenario.venues)} venue(s), "
                        f"{len(scenario.events)} event(s), {scenario.weeks} weeks"))  # fmt: skip
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("scenarios")
def list_scenarios(
    folder: Annotated[Path, typer.Argument(help="Folder to look in.")] = Path("scenarios"),
) -> None:
    """List the scenario files in a folder: name, venues, events and what each is for."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sdo_sim.inputs import item_cap, printable, size_cap
    from sdo_sim.scenario import load_scenario

    if not folder.is_dir():
        fail("scenarios", f"{folder}: no such folder")
    size_cap("scenario"), item_cap("scenario")  # a bad setting is an error, not an empty list
    table = Table(title=Text(printable(f"Scenarios in {folder}")), show_lines=True, expand=True)
    table.add_column("file", ratio=3, overflow="fold")
    table.add_column("name", ratio=2, overflow="fold")
    table.add_column("venues", no_wrap=True)
    table.add_column("events", justify="right")
    table.add_column("description", ratio=4, overflow="fold")
    for path in sorted(folder.rglob("*.yaml")):
        try:
            scenario = load_scenario(path)
        except SdoSimError as error:
            if not _meant_as_scenario(path):
                continue  # a fragment such as common/blocs.yaml, meant to be extended
            cells = (str(path.relative_to(folder)), "(does not load)", "", "", str(error))
        else:
            venues = ", ".join(f"{v.id} ({v.kind})" for v in scenario.venues)
            cells = (str(path.relative_to(folder)), scenario.name, venues, str(len(scenario.events)),
                     scenario.description)  # fmt: skip
        table.add_row(*(Text(printable(cell)) for cell in cells))  # user text is never markup
    Console(width=max(Console().width, 120)).print(table)


def _meant_as_scenario(path: Path) -> bool:
    """Whether a file that does not load is meant as a whole scenario, not a fragment to extend:
    it extends another, or it sets actors or venues."""
    from sdo_sim.inputs import read_bytes

    keys = (b"extends:", b"actors:", b"venues:")
    try:
        return any(line.startswith(keys) for line in read_bytes(path, "scenario").splitlines())
    except SdoSimError:
        return True


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
    data: Annotated[Path | None, DATA_OPTION] = None,
    max_memory: Annotated[
        float | None,
        typer.Option(
            "--max-memory",
            help="Refuse runs estimated to need more gigabytes than this "
            "(default 8, or SDO_SIM_MAX_MEMORY_GB).",
        ),
    ] = None,
) -> None:
    """Run a scenario and write its tables (proposals, decisions, timeseries, summary)."""
    from sdo_sim.inputs import printable
    from sdo_sim.output import prepare
    from sdo_sim.report import print_summary, progress_bar
    from sdo_sim.results import write
    from sdo_sim.runner import run as run_scenario

    if fmt not in ("parquet", "csv"):
        fail("run", f"--format: got {fmt!r}; allowed: parquet, csv")
    prepare(out, force)  # the folder and its parent are checked before the simulation runs
    with progress_bar(printable(scenario.name)) as progress:
        result = run_scenario(scenario, seed, weeks=weeks, positions=positions,
                              overrides=parse_sets(sets or []), progress=progress, data_file=data,
                              max_memory_gb=max_memory)  # fmt: skip
    figures = None
    if plot:
        from sdo_sim.plots import overview

        def figures(result: Any, folder: Path) -> list[Path]:
            return [overview(result, folder / "overview.png")]

    written = write(result, out, fmt, force, figures)
    print_summary(result, out, [path.name if path.suffix == ".png" else path.stem for path in written])


@app.command()
def calibrate(
    scenario: Annotated[Path, typer.Argument(help="The scenario file (YAML).")],
    targets: Annotated[
        Path | None, typer.Option("--targets", help="Target table (default: sdo_sim's data/targets.csv).")
    ] = None,
    target: Annotated[
        list[str] | None, typer.Option("--target", help="Score only this target id (repeatable).")
    ] = None,
    seeds: Annotated[int, typer.Option("--seeds", help="Runs per point: seeds --seed ... --seed+N-1.")] = 10,
    fits: Annotated[
        list[str] | None, typer.Option("--fit", help="Fit a field: PATH=LOW:HIGH (repeatable).")
    ] = None,
    budget: Annotated[int, typer.Option("--budget", help="Latin hypercube points of the search.")] = 20,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: CPUs).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="First replication seed; also seeds the search.")] = 1,
    weeks: Annotated[
        int | None, typer.Option(help="Horizon in weeks (default: the scenario's).", min=1)
    ] = None,
    sets: Annotated[list[str] | None, typer.Option("--set", help="Override a field: path=value.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the table as CSV.")] = None,
) -> None:
    """Score a scenario against observed targets over seeds, or fit named fields to them (--fit)."""
    import contextlib

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from sdo_sim import calibration as cal
    from sdo_sim.inputs import printable
    from sdo_sim.scenario import load_scenario
    from sdo_sim.targets import PROJECT_TARGETS, read_targets, select

    table_file = targets if targets is not None else PROJECT_TARGETS
    ranges = cal.parse_fit(fits or [])  # option errors first, before anything is read or run
    seed_list = cal.seed_list(seed, seeds)
    if out is not None:
        cal.check_out(out)
    overrides = parse_sets(sets or [])
    loaded = load_scenario(scenario, overrides)
    chosen, notes = select(read_targets(table_file), loaded, scenario, target, str(table_file))
    if not chosen:
        kinds = ", ".join(sorted({v.kind for v in loaded.venues}))
        fail("calibrate", f"no target in {table_file} applies to {scenario} (venue kinds: {kinds}); "
             "select targets with --target")  # fmt: skip
    stderr = Console(stderr=True)
    bar = Progress(BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr, transient=True)
    live = stderr.is_terminal
    with bar if live else contextlib.nullcontext():
        task = bar.add_task("runs", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def report(line: str) -> None:
            print(f"sdo-sim: calibrate: {line}", file=sys.stderr)

        processes = cal.default_workers() if workers is None else workers
        kwargs: dict[str, Any] = {"workers": processes, "overrides": overrides, "weeks": weeks,
                                  "progress": progress if live else None}  # fmt: skip
        if ranges:
            result = cal.fit(loaded, chosen, ranges, budget=budget, seeds=seed_list, seed=seed,
                             report=None if live else report, **kwargs)  # fmt: skip
            scores = result.scores
        else:
            scores = cal.score(loaded, chosen, seed_list, **kwargs)
    horizon = f"{weeks or loaded.weeks} weeks"
    title = f"{loaded.name}: seeds {seed_list[0]}-{seed_list[-1]}, {horizon}"
    console = Console(width=max(Console().width, 120))
    if ranges:
        console.print(
            cal.fit_table(result.parameters, f"Fit ({len(result.history)} points, search seed {seed})")
        )
        title = f"Scores at the fit: {title}"
    console.print(cal.score_table(scores, title))
    for note in [*notes, *(f"{r.target}: {r.note}" for r in scores.itertuples() if r.note)]:
        print(printable(note))
    if out is not None:
        cal.write_csv(result.parameters if ranges else scores, out)
        written = [out]
        if ranges:
            for suffix, table in (("scores", result.scores), ("points", result.history)):
                written.append(out.with_name(f"{out.stem}-{suffix}.csv"))
                cal.write_csv(table, written[-1])
        print(printable(f"written: {', '.join(str(path) for path in written)}"))


@app.command()
def cases(
    seeds: Annotated[int, typer.Option("--seeds", help="Runs per case: seeds 1..N.")] = 50,
    case: Annotated[
        list[str] | None, typer.Option("--case", help="Run only this case id (repeatable).")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: CPUs).")] = None,
) -> None:
    """Run the historical cases (scenarios/cases) over seeds and say which documented patterns reproduce."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sdo_sim import cases as registry
    from sdo_sim.calibration import default_workers
    from sdo_sim.inputs import printable

    chosen = registry.select(case)  # option errors first, before anything runs
    registry.seed_list(seeds)
    processes = default_workers() if workers is None else workers
    runs = len(chosen) * seeds

    def progress(done: int, total: int) -> None:
        if done == total or done % max(1, total // 10) == 0:
            print(f"sdo-sim: cases: {done}/{total} runs", file=sys.stderr)

    table = registry.run_cases([c.id for c in chosen], seeds, processes, progress)
    out = Table(title=f"Historical cases: seeds 1-{seeds} ({runs} runs)", show_lines=True, expand=True)
    for name, options in (("case", {"no_wrap": True}), ("pattern", {"ratio": 4, "overflow": "fold"}),
                          ("share reproduced (or mean)", {"justify": "right"}), ("target", {}),
                          ("pass", {"no_wrap": True})):  # fmt: skip
        out.add_column(name, **options)  # type: ignore[arg-type]
    for row in table.itertuples():
        measured = f"{row.measured:.0%}" if row.kind == "share" else f"mean {row.measured:.3f}"
        mark = Text("yes", style="green") if row.passed else Text("no", style="red")
        out.add_row(row.case, Text(printable(str(row.pattern))), measured, str(row.target), mark)
    Console(width=max(Console().width, 120)).print(out)
    for row in table.itertuples():
        if not row.passed:
            print(printable(f"{row.pattern_id}: short of the target: {row.why}"))


@app.command()
def sweep(
    experiment: Annotated[Path, typer.Argument(help="The experiment file (YAML, experiments/).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the results (runs/, manifest.json).")],
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: CPUs).")] = None,
    backend: Annotated[str, typer.Option("--backend", help="local (default) or dask.")] = "local",
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


def main() -> None:
    """Console entry point: run the app; never let a traceback reach the user."""
    try:
        code = app(standalone_mode=False, prog_name="sdo-sim")
    except typer.Exit as exit_:
        code = exit_.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("sdo-sim: interrupted", file=sys.stderr)
        sys.exit(130)
    except SdoSimError as error:
        error_line(str(error))
        sys.exit(EXIT_BAD_INPUT)
    except Exception as error:
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):
            # click's usage errors (typer vendors click): one line rather than a box
            ctx = getattr(error, "ctx", None)
            where = f"{ctx.command_path}: " if ctx is not None else ""
            error_line(f"{where}{error.format_message()} (see --help)")
            sys.exit(error.exit_code if error.exit_code else EXIT_BAD_INPUT)
        if os.environ.get("SDO_SIM_DEBUG"):  # an internal bug: one line, the traceback on request
            raise
        error_line(
            f"{type(error).__name__}: {error} "
            "(rerun with SDO_SIM_DEBUG=1 for the traceback, and please report it)",
            "internal error",
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
