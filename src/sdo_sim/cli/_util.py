"""Shared parts of the `sdo-sim` commands: the typer app, and the one place errors become a line.

Every error a user can cause ends as one line on stderr and exit code 2; `report_error` is the one
place that turns the package's exceptions into that line (spaCy's `cli/_util.py` shape).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, NoReturn

import typer

from sdo_sim import __version__
from sdo_sim.inputs import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="sdo-sim: how standards development organisations decide, rule by rule.",
)


def _flags_take_no_value() -> None:
    """typer (0.2x) writes `<bool>` beside every flag in --help as if it took a value: show nothing."""
    from typer.core import TyperOption

    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None:  # older typer: flags were never labelled
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_take_no_value()

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


def parse_sets(values: list[str]) -> dict[str, Any]:
    """`--set path=value` options as overrides (values read as YAML scalars: 0.9, true, east)."""
    from sdo_sim.inputs import load_yaml, shorten

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
