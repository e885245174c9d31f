"""`sdo-sim validate`, `scenarios`, `run`, `calibrate` and `cases`: scenarios and the model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sdo_sim.cli._util import DATA_OPTION, EXIT_BAD_INPUT, app, error_line, fail, parse_sets
from sdo_sim.errors import SdoSimError

#: Where --help lists this module's commands (cli/__init__.py).
HELP_ORDER = 20


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
    rows: list[tuple[str, ...]] = []
    for path in sorted(folder.rglob("*.yaml")):
        try:
            scenario = load_scenario(path)
        except SdoSimError as error:
            if not _meant_as_scenario(path):
                continue  # a fragment such as common/blocs.yaml, meant to be extended
            rows.append((str(path.relative_to(folder)), "(does not load)", "", "", str(error)))
        else:
            venues = ", ".join(f"{v.id} ({v.kind})" for v in scenario.venues)
            rows.append((str(path.relative_to(folder)), scenario.name, venues, str(len(scenario.events)),
                         scenario.description))  # fmt: skip
    header = ("file", "name", "venues", "events", "description")
    if not sys.stdout.isatty():  # piped: one whole line per scenario, tab-separated, for grep and cut
        for row in (header, *rows):
            print("\t".join(" ".join(printable(cell).split()) for cell in row))
        return
    console = Console()
    if console.width < 100:  # too narrow for five columns: one block per scenario
        for file, name, venues, events, description in rows:
            console.print(Text(printable(file), style="bold"), Text(printable(f"  {name}")), sep="")
            console.print(Text(printable(f"  venues: {venues}; events: {events}")))
            console.print(Text(printable(f"  {description}")), "")
        return
    table = Table(title=Text(printable(f"Scenarios in {folder}")), show_lines=True, expand=True)
    table.add_column("file", no_wrap=True)  # a path broken mid-word cannot be copied
    table.add_column("name", ratio=2)
    table.add_column("venues", ratio=2)
    table.add_column("events", justify="right")
    table.add_column("description", ratio=4)
    for row in rows:
        table.add_row(*(Text(printable(cell)) for cell in row))  # user text is never markup
    console.print(table)


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
    fmt: Annotated[
        str, typer.Option("--format", metavar="parquet|csv", help="parquet (default) or csv.")
    ] = "parquet",
    positions: Annotated[
        bool, typer.Option("--positions", help="Also write every actor's position.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace results already in --out.")] = False,
    plot: Annotated[bool, typer.Option("--plot", help="Also draw overview.png.")] = False,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="PATH=VALUE", help="Override a field, e.g. blocs.east.cohesion=0.9 (repeatable)."
        ),
    ] = None,
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
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="PATH=VALUE", help="Override a field, e.g. blocs.east.cohesion=0.9 (repeatable)."
        ),
    ] = None,
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
