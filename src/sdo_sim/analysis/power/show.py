"""`sdo-sim power`'s output: a weighted game's indices, or a scenario's report, as rich tables or JSON."""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any


def show_weighted(
    weights: list[int],
    quota: int,
    fmt: str,
    method: str,
    samples: int,
    seed: int,
    out: Path | None,
    force: bool,
) -> None:
    """A weighted game's indices: printed as a table or JSON, and written to `out` if given."""
    from sdo_sim.analysis.power import power, weighted_game
    from sdo_sim.analysis.power.files import weighted_document, write_weighted

    if out is not None:
        from sdo_sim.output import prepare

        prepare(out, force)
    game = weighted_game(weights, quota)
    result = power(game, method=method, samples=samples, seed=seed)
    document = weighted_document(weights, game, result, samples, seed)
    if fmt == "json":
        print(json.dumps(document))
    else:
        weighted_table(weights, quota, game, result)
    if out is not None:
        write_weighted(document, weights, quota, game, result, out, force, fmt)


def show_scenario(
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
    """A scenario's power report: printed as tables or JSON, and written to `out` if given."""
    from sdo_sim.analysis.power.files import write_report
    from sdo_sim.analysis.power.report import analyse, plain
    from sdo_sim.scenario import load_scenario

    loaded = load_scenario(path)
    if out is not None:
        from sdo_sim.output import prepare

        prepare(out, force)  # before the runs, so that a bad --out costs nothing

    def progress(line: str) -> None:
        if sys.stderr.isatty():
            print(f"sdo-sim: power: {line}", file=sys.stderr)

    report = analyse(
        loaded, runs=runs, seed=seed, method=method, samples=samples, abstention=abstention, progress=progress
    )
    if fmt == "json":
        print(json.dumps(plain(report), indent=2, ensure_ascii=False))
    else:
        print_report(report)
    if out is not None:
        write_report(report, out, force, fmt)


def weighted_table(weights: list[int], quota: int, game: Any, result: Any) -> None:
    """A weighted game's indices per player, as one table (exact shares as fractions too)."""
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


def _exact(value: Any, digits: int = 4) -> str:
    """A share to `digits` places, with its fraction when that is short, e.g. 0.2500 (1/4)."""
    if isinstance(value, Fraction) and value.denominator <= 10_000 and value.denominator > 1:
        return f"{float(value):.{digits}f} ({value.numerator}/{value.denominator})"
    return f"{float(value):.{digits}f}"


def _cell(row: dict[str, Any], key: str, digits: int = 3) -> str:
    """A row's value with its Monte Carlo standard error, or – where there is none."""
    value = row.get(key)
    if value is None:
        return "–"
    se = row.get(f"{key}_se")
    return f"{float(value):.{digits}f}" + (f" ± {float(se):.{digits}f}" if se else "")


def _plain(value: Any) -> str:
    """A number to 3 places, or – where there is none."""
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
