"""`sdo-sim power`: Banzhaf and Shapley–Shubik indices of a weighted game, or of every decision rule
of a scenario's venues per bloc and actor, beside the success rates its runs produce (docs/power.md)."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Annotated

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
    from sdo_sim.analysis.power import METHODS, PowerError
    from sdo_sim.analysis.power.show import show_scenario, show_weighted

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
        if parse_abstention(abstention) != 0:
            fail(
                "power",
                "--abstention applies to a scenario's rules, which count votes cast; a weighted "
                "game counts the yes weight only",
            )
        players = parse_weights(weights)
        if not 1 <= quota <= sum(players):
            fail("power", f"--quota: got {quota}; must be from 1 to the total weight {sum(players)}")
        try:
            show_weighted(players, quota, fmt, method, samples, 1 if seed is None else seed, out, force)
        except PowerError as error:
            fail("power", str(error))
        return
    if not 0 <= runs <= MAX_RUNS:
        fail("power", f"--runs: got {runs}; must be from 0 to {MAX_RUNS}")
    try:
        show_scenario(scenario, fmt, method, samples, seed, runs, parse_abstention(abstention), out, force)
    except PowerError as error:
        fail("power", str(error))
