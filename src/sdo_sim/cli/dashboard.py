"""`sdo-sim dashboard`: the workshop dashboard on localhost (sdo_sim.dashboard)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sdo_sim.cli._util import app

#: Where --help lists this module's commands (cli/__init__.py).
HELP_ORDER = 50


@app.command()
def dashboard(
    scenario: Annotated[
        Path | None, typer.Argument(help="Scenario to open first (default: the ISO baseline).")
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    folder: Annotated[
        Path | None, typer.Option("--scenarios", help="Folder of scenarios on offer (default: ./scenarios).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes for runs (default: CPUs).")
    ] = None,
) -> None:
    """Serve the workshop dashboard on http://127.0.0.1:PORT/ (printed first) until Ctrl-C; works offline."""
    try:
        from sdo_sim.dashboard import server
    except ImportError as error:  # solara is the `dashboard` extra
        raise typer.BadParameter(
            f"needs the dashboard extra: pip install 'sdo-sim[dashboard]' ({error.name} is missing)"
        ) from None
    from sdo_sim.calibration import default_workers
    from sdo_sim.parallel import check_workers

    count = default_workers() if workers is None else workers
    if (refused := check_workers(count)) is not None:
        raise typer.BadParameter(refused)
    # the workers are forked before the socket exists, so that none of them holds the port open
    runtime = server.prepare(scenario, folder, count)
    try:
        sock = server.bind("127.0.0.1", port)
    except server.DashboardError:
        if runtime.workers is not None:
            runtime.workers.close()
        raise
    print(f"http://127.0.0.1:{sock.getsockname()[1]}/", flush=True)
    print("sdo-sim dashboard: serving until Ctrl-C (no internet needed)", flush=True)
    server.serve(sock)
