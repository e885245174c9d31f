"""`sdo-sim power`: Banzhaf and Shapley–Shubik indices of a weighted game, or of every decision rule
of a scenario's venues per bloc and actor, beside the success rates its runs produce (docs/power.md)."""

from __future__ import annotations

import json
import re
import sys
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer

from sdo_sim.cli._util import app, fail

#: Where --help lists this module's commands (cli/__init__.py).
HELP_ORDER = 40

MAX_PLAYERS = 1000  # weights a weighted game may have
MAX_WEIGHT = 10**9
MAX_SAMPLES = 10_000_000
MAX_RUNS = 100
_WHOLE = re.compile(r"[0-9]+", re.ASCII)


def parse_weights(text: str) -> list[int]:
    """'4,4,4,2,2,1' → [4, 4, 4, 2, 2, 1]; anything but positive whole numbers is one error line."""
    from sdo_sim.inputs import shorten

    parts = [part.strip() for part in text.split(",")]
    if len(parts) > MAX_PLAYERS:
        fail("power", f"--weights: {len(parts)} weights; at most {MAX_PLAYERS:,} players")
    weights = []
    for k, part in enumerate(parts):
        if not _WHOLE.fullmatch(part) or len(part) > 10 or not 1 <= int(part) <= MAX_WEIGHT:
            fail(
                "power",
                f"--weights: weight {k + 1} is '{shorten(part)}'; each must be a whole number "
                f"from 1 to {MAX_WEIGHT:,}, comma-separated, e.g. 4,4,4,2,2,1",
            )
        weights.append(int(part))
    return weights


def parse_abstention(text: str) -> Fraction:
    """A share below 1 as '1/3', '0.2' or '0' (exact)."""
    from sdo_sim.inputs import shorten
    from sdo_sim.rules._ballot import _to_fraction

    value = _to_fraction(text)
    if value is None or not 0 <= value < 1:
        fail(
            "power",
            f"--abstention: got '{shorten(text)}'; must be a share from 0 up to (not including) 1, "
            "e.g. 0, 1/3 or 0.2",
        )
    return value


@app.command()
def power(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="A scenario file: every decision rule of its venues, per bloc and actor."),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option("--weights", help="A weighted game instead: the players' weights, e.g. 4,4,4,2,2,1."),
    ] = None,
    quota: Annotated[int | None, typer.Option("--quota", help="The weighted game's quota, e.g. 12.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table (default) or json.")] = "table",
    method: Annotated[
        str, typer.Option("--method", help="auto (exact when small enough, default), exact or monte-carlo.")
    ] = "auto",
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo draws per index.")] = 20_000,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seeds Monte Carlo, and the first run (default: the scenario's; 1)."),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", help="Runs of the scenario (seeds --seed on) to compare with; 0: none.")
    ] = 5,
    abstention: Annotated[
        str,
        typer.Option(
            "--abstention", help="A priori chance that a member abstains (scenario rules), e.g. 1/3."
        ),
    ] = "0",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for power.json, the CSV tables and one figure per rule."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace results already in --out.")] = False,
) -> None:
    """Voting power: Banzhaf and Shapley–Shubik indices, exact or Monte Carlo with standard errors."""
    from sdo_sim.analysis.power import METHODS

    fmt = fmt.lower()
    if fmt not in ("table", "json"):
        fail("power", f"--format: got {fmt!r}; allowed: table, json")
    if method not in METHODS:
        fail("power", f"--method: got {method!r}; allowed: {', '.join(METHODS)}")
    if not 2 <= samples <= MAX_SAMPLES:
        fail("power", f"--samples: got {samples}; must be from 2 to {MAX_SAMPLES:,}")
    if seed is not None and not 0 <= seed < 2**63:
        fail("power", f"--seed: got {seed}; must be a whole number from 0 to 2**63 - 1")
    if scenario is not None and (weights is not None or quota is not None):
        fail("power", "give a scenario or --weights with --quota, not both")
    if scenario is None:
        if weights is None and quota is None:
            fail("power", "give a scenario file, or a weighted game: --weights 4,4,4,2,2,1 --quota 12")
        if weights is None or quota is None:
            fail(
                "power",
                f"{'--weights' if quota is not None else '--quota'} is missing: a weighted game "
                "needs both, e.g. --weights 4,4,4,2,2,1 --quota 12",
            )
        if abstention != "0":
            fail(
                "power",
                "--abstention applies to a scenario's rules, which count votes cast; a weighted "
                "game counts the yes weight only",
            )
        weighted(parse_weights(weights), quota, fmt, method, samples, 1 if seed is None else seed, out, force)
        return
    if not 0 <= runs <= MAX_RUNS:
        fail("power", f"--runs: got {runs}; must be from 0 to {MAX_RUNS}")
    scenario_power(scenario, fmt, method, samples, seed, runs, parse_abstention(abstention), out, force)


# --- a weighted game -------------------------------------------------------------------------------


def weighted(
    weights: list[int],
    quota: int,
    fmt: str,
    method: str,
    samples: int,
    seed: int,
    out: Path | None,
    force: bool,
) -> None:
    from sdo_sim.analysis.power import PowerError, by_player, power, weighted_game

    total = sum(weights)
    if not 1 <= quota <= total:
        fail("power", f"--quota: got {quota}; must be from 1 to the total weight {total}")
    if out is not None:
        from sdo_sim.output import prepare

        prepare(out, force)
    game = weighted_game(weights, quota)
    try:
        result = power(game, method=method, samples=samples, seed=seed)
    except PowerError as error:
        fail("power", str(error))
    document: dict[str, Any] = {
        "banzhaf": [float(x) for x in by_player(result.banzhaf, game, weights)],
        "shapley_shubik": [float(x) for x in by_player(result.shapley_shubik or (), game, weights)],
    }
    if result.method == "monte-carlo":
        document.update(
            {
                "banzhaf_se": by_player(result.banzhaf_se or (), game, weights),
                "shapley_shubik_se": by_player(result.shapley_shubik_se or (), game, weights),
                "method": "monte-carlo",
                "samples": samples,
                "seed": seed,
            }
        )
    if fmt == "json":
        print(json.dumps(document))
    else:
        _weighted_table(weights, quota, game, result)
    if out is not None:
        _write(
            out,
            force,
            {
                "power.json": json.dumps(document, indent=2) + "\n",
                "power.csv": _weighted_csv(weights, game, result),
            },
            {"command": "power", "weights": weights, "quota": quota, "method": result.method},
            fmt,
        )


def _exact(value: Any, digits: int = 4) -> str:
    if isinstance(value, Fraction) and value.denominator <= 10_000 and value.denominator > 1:
        return f"{float(value):.{digits}f} ({value.numerator}/{value.denominator})"
    return f"{float(value):.{digits}f}"


def _weighted_table(weights: list[int], quota: int, game: Any, result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from sdo_sim.analysis.power import by_player

    shown = ", ".join(map(str, weights[:12])) + (", ..." if len(weights) > 12 else "")
    how = (
        "exact" if result.method == "exact" else f"Monte Carlo, {result.samples:,} draws, seed {result.seed}"
    )
    table = Table(title=f"[{quota}; {shown}]: {how}", expand=True)
    for name in ("player", "weight", "Banzhaf (normalised)", "Banzhaf (absolute)", "Shapley–Shubik"):
        table.add_column(name, justify="left" if name == "player" else "right")
    columns = [
        by_player(values, game, weights)
        for values in (result.banzhaf, result.banzhaf_raw, result.shapley_shubik)
    ]
    errors = [
        by_player(e, game, weights) if e else None
        for e in (result.banzhaf_se, result.banzhaf_raw_se, result.shapley_shubik_se)
    ]
    for k, w in enumerate(weights):
        cells = []
        for values, se in zip(columns, errors, strict=True):
            cells.append(_exact(values[k]) + (f" ± {se[k]:.4f}" if se else ""))
        table.add_row(str(k + 1), str(w), *cells)
    Console(width=max(Console().width, 100)).print(table)


def _weighted_csv(weights: list[int], game: Any, result: Any) -> str:
    from sdo_sim.analysis.power import by_player

    lines = ["player,weight,banzhaf,banzhaf_raw,shapley_shubik,banzhaf_se,shapley_shubik_se,method"]
    cols = [by_player(v, game, weights) for v in (result.banzhaf, result.banzhaf_raw, result.shapley_shubik)]
    ses = [by_player(v, game, weights) if v else None for v in (result.banzhaf_se, result.shapley_shubik_se)]
    for k, w in enumerate(weights):
        se = [repr(float(s[k])) if s else "" for s in ses]
        lines.append(",".join([str(k + 1), str(w), *(repr(float(c[k])) for c in cols), *se, result.method]))
    return "\n".join(lines) + "\n"


# --- a scenario ------------------------------------------------------------------------------------


def scenario_power(
    path: Path,
    fmt: str,
    method: str,
    samples: int,
    seed: int | None,
    runs: int,
    abstention: Fraction,
    out: Path | None,
    force: bool,
) -> None:
    from sdo_sim.analysis.power import PowerError
    from sdo_sim.analysis.power.report import analyse, plain
    from sdo_sim.scenario import load_scenario

    loaded = load_scenario(path)
    if out is not None:
        from sdo_sim.output import prepare

        prepare(out, force)  # before the runs, so that a bad --out costs nothing

    def progress(line: str) -> None:
        if sys.stderr.isatty():
            print(f"sdo-sim: power: {line}", file=sys.stderr)

    try:
        report = analyse(
            loaded,
            runs=runs,
            seed=seed,
            method=method,
            samples=samples,
            abstention=abstention,
            progress=progress,
        )
    except PowerError as error:
        fail("power", str(error))
    if fmt == "json":
        print(json.dumps(plain(report), indent=2, ensure_ascii=False))
    else:
        print_report(report)
    if out is not None:
        write_report(report, out, force, fmt)


def write_report(report: dict[str, Any], out: Path, force: bool, fmt: str = "table") -> None:
    """power.json, power-blocs.csv, power-actors.csv and the figures, in one result folder."""
    import pandas as pd

    from sdo_sim.analysis.power.plots import figures
    from sdo_sim.analysis.power.report import flat_rows, plain
    from sdo_sim.inputs import printable

    def fill(staging: Path) -> dict[str, Any]:
        (staging / "power.json").write_text(
            json.dumps(plain(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for level in ("blocs", "actors"):
            pd.DataFrame(flat_rows(report, level)).to_csv(staging / f"power-{level}.csv", index=False)
        figures(report, staging)
        return {"command": "power", "scenario": report["scenario"], "runs": report["runs"]}

    from sdo_sim.output import write_folder

    names = write_folder(out, force, fill)
    # after JSON on standard output, the note goes to standard error, so that stdout stays one document
    print(
        printable(f"written to {out}: {', '.join(names)}"), file=sys.stderr if fmt == "json" else sys.stdout
    )


def _write(out: Path, force: bool, files: dict[str, str], manifest: dict[str, Any], fmt: str) -> None:
    from sdo_sim.inputs import printable
    from sdo_sim.output import write_folder

    def fill(staging: Path) -> dict[str, Any]:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        return manifest

    names = write_folder(out, force, fill)
    # after JSON on standard output, the note goes to standard error, so that stdout stays one document
    print(
        printable(f"written to {out}: {', '.join(names)}"), file=sys.stderr if fmt == "json" else sys.stdout
    )


def _cell(row: dict[str, Any], key: str, digits: int = 3) -> str:
    value = row.get(key)
    if value is None:
        return "–"
    se = row.get(f"{key}_se")
    return f"{float(value):.{digits}f}" + (f" ± {float(se):.{digits}f}" if se else "")


def _plain(value: Any) -> str:
    return "–" if value is None else f"{float(value):.3f}"


def print_report(report: dict[str, Any]) -> None:
    """The report as tables: per state, venue and rule, one per bloc and one per actor."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sdo_sim.inputs import printable

    console = Console(width=max(Console().width, 130))
    sims = report["runs"]
    for state in report["states"]:
        if len(report["states"]) > 1:
            events = "; ".join(state["events"]) or "the scenario as written"
            until = f" to week {state['to_week']}" if state["to_week"] is not None else ""
            console.print()
            console.print(Text(printable(f"From week {state['from_week']}{until}: {events}"), style="bold"))
        for venue in state["venues"]:
            for game in venue["games"]:
                method = (
                    game["method"]
                    if game["method"] == game["method_en_bloc"]
                    else f"{game['method']} (alone), {game['method_en_bloc']} (en bloc)"
                )
                title = f"{venue['venue']} ({venue['body']}): {', '.join(game['procedures'])} — {method}"
                caption = "\n".join(
                    printable(f"{', '.join(r['procedures'])}: {r['rule']} ({r['clause']})")
                    for r in game["rules"]
                )
                table = Table(title=Text(printable(title)), caption=Text(caption), expand=True)
                heads = [
                    "bloc",
                    "voters",
                    "Banzhaf: alone",
                    "en bloc",
                    "SS: alone",
                    "en bloc",
                    "success a priori: alone",
                    "en bloc",
                ]
                if sims:
                    heads += [f"success in {sims} runs (votes)", "own proposals approved (of)"]
                for head in heads:
                    table.add_column(head, justify="left" if head == "bloc" else "right", overflow="fold")
                for row in game["blocs"]:
                    bloc = row["bloc"] + (" *" if row["en_bloc"] else "")
                    cells = [
                        bloc,
                        str(row["voters"]),
                        _cell(row, "banzhaf_alone"),
                        _cell(row, "banzhaf_en_bloc"),
                        _cell(row, "shapley_shubik_alone"),
                        _cell(row, "shapley_shubik_en_bloc"),
                        _cell(row, "success_alone"),
                        _cell(row, "success_en_bloc"),
                    ]
                    if sims:
                        votes, proposals = row.get("simulated_votes"), row.get("proposals", 0)
                        cells.append(_plain(row.get("simulated_success")) + (f" ({votes})" if votes else ""))
                        cells.append(_plain(row.get("approval_rate")) + f" ({proposals})")
                    table.add_row(*(Text(printable(c)) for c in cells))
                console.print(table)
                actors = Table(
                    title=Text(
                        printable(
                            f"{venue['venue']}, {', '.join(game['procedures'])}: each "
                            "member's power, members voting alone"
                        )
                    ),
                    expand=True,
                )
                for head in (
                    "actor",
                    "bloc",
                    "role",
                    "members",
                    "votes each",
                    "Banzhaf each",
                    "SS each",
                    "Banzhaf absolute",
                    "group's Banzhaf share",
                ):
                    actors.add_column(head, justify="left" if head in ("actor", "bloc", "role") else "right")
                for row in game["actors"]:
                    absolute = float(row["banzhaf_raw"])
                    actors.add_row(
                        *(
                            Text(printable(str(c)))
                            for c in (
                                row["actor"],
                                row["bloc"],
                                row["role"],
                                row["members"],
                                "/".join(map(str, row["votes_each"])),
                                _cell(row, "banzhaf", 4),
                                _cell(row, "shapley_shubik", 4),
                                f"{absolute:.4f}" if absolute >= 1e-4 or not absolute else f"{absolute:.2e}",
                                _plain(row["group_banzhaf"]),
                            )
                        )
                    )
                console.print(actors)
                for key, model in (("decisive", "members alone"), ("decisive_en_bloc", "blocs en bloc")):
                    if not game[key]:
                        why = "no single vote ever changes the outcome"
                        if game["method" if key == "decisive" else "method_en_bloc"] == "monte-carlo":
                            why = (
                                "Monte Carlo saw no deciding vote in its draws: each member's chance to "
                                "decide is below about 3/samples, and the shares are unknown (–)"
                            )
                        console.print(Text(printable(f"{', '.join(game['procedures'])}, {model}: {why}.")))
            for item in venue["no_vote"]:
                console.print(
                    Text(printable(f"{venue['venue']}: {item['procedure']}: no index, {item['why']}."))
                )
    notes = [
        "Banzhaf and SS (Shapley–Shubik) are each bloc's share of the normalised index; success is the "
        "chance that a member's vote is on the winning side (a priori: 1/2 + 1/2 x its absolute Banzhaf).",
        "alone: every member votes on its own; en bloc: each bloc with cohesion above 0 (marked *) votes "
        "as one player, the others' members alone. ± a Monte Carlo standard error.",
        "a priori: every member votes yes or no with equal chance"
        + (
            f" when it does not abstain (chance {report['abstention']})."
            if report["abstention"] != "0"
            else "."
        ),
    ]
    if sims:
        notes.append(
            f"simulated: the decisions each rule counted in {sims} runs (seeds "
            f"{report['seeds'][0]}-{report['seeds'][1]}); proposals approved: the bloc's decided proposals "
            "in the venue."
        )
    notes += [f"not applied (fires on a condition of the run): {e}" for e in report["events_not_applied"]]
    for note in notes:
        console.print(Text(printable(note), style="dim"))
