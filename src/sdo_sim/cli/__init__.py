"""The `sdo-sim` command: thin typer commands over importable functions, one module per family.

Commands register themselves on `_util.app` when their module is imported below; a new command is a
new module with a HELP_ORDER (see _register).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from typing import Any

import typer

from sdo_sim.cli._util import EXIT_BAD_INPUT, app, error_line
from sdo_sim.errors import SdoSimError

__all__ = ["app", "main"]


def _register() -> None:
    """Import every command module (its decorators register its commands), listed in HELP_ORDER.

    A new command is a new module here with `HELP_ORDER`; no list to edit.
    """
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"sdo_sim.cli.{info.name}")

    def order(command: Any) -> int:
        return getattr(sys.modules[command.callback.__module__], "HELP_ORDER", 100)

    app.registered_commands.sort(key=order)  # stable: a module's commands keep their own order


_register()


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
