"""Serving the dashboard: the scenarios on offer, the worker pool, and Solara's server on localhost.

The socket is bound before anything else, so a port in use is one line, not a traceback, and the
address printed first is one that answers. The scenarios on offer are loaded and the workers forked
next, while this process still has one thread; Solara's own server (uvicorn running
`solara.server.starlette:app`, as `solara run` does) starts last. Nothing is fetched from the
internet: the front end comes from the `solara-assets` package of the same version as solara, and
Solara's usage statistics are switched off.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from sdo_sim.dashboard.ensemble import Workers, scenario
from sdo_sim.errors import SdoSimError
from sdo_sim.scenario import Scenario

#: Where the shipped scenarios are found when the working directory has no `scenarios/` folder.
PACKAGED = Path(__file__).resolve().parents[3] / "scenarios"
PREFERRED = ("baselines/iso-technical-committee.yaml",)  # the quickest baseline opens the dashboard


class DashboardError(SdoSimError):
    """A dashboard that cannot start: a port in use, a folder without scenarios."""


@dataclass
class Runtime:
    """What every browser session shares: the scenarios on offer (path → loaded) and the workers."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    initial: str = ""
    workers: Workers | None = None


RUNTIME = Runtime()


def catalogue(folder: Path) -> list[Path]:
    """The scenario files of a folder that load: baselines, then question scenarios, then cases."""

    def rank(path: Path) -> tuple[int, str]:
        part = path.relative_to(folder).parts
        return ({"baselines": 0, "cases": 2}.get(part[0], 1) if len(part) > 1 else 1, str(path))

    found = []
    for path in sorted(folder.rglob("*.yaml"), key=rank):
        try:
            scenario(path)
        except (SdoSimError, OSError):
            continue  # a fragment meant to be extended (common/blocs.yaml), or a file that does not load
        found.append(path)
    return found


def prepare(initial: Path | None, folder: Path | None, workers: int) -> Runtime:
    """Load the scenarios on offer and start the workers (call before any thread starts)."""
    if initial is not None:
        scenario(initial)  # a bad file is one line (exit 2) before anything is served
    where = folder if folder is not None else Path("scenarios") if Path("scenarios").is_dir() else PACKAGED
    paths = catalogue(where) if where.is_dir() else []
    if initial is not None:
        paths = [initial, *(p for p in paths if p.resolve() != initial.resolve())]
    if not paths:
        raise DashboardError(f"{where}: no scenario files here; give one: sdo-sim dashboard SCENARIO")
    RUNTIME.scenarios = {str(p): scenario(p) for p in paths}
    first = next((str(p) for p in paths for end in PREFERRED if str(p).endswith(end)), str(paths[0]))
    RUNTIME.initial = str(initial) if initial is not None else first
    RUNTIME.workers = Workers(workers)
    return RUNTIME


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or one line saying why not."""
    if not 0 <= port <= 65535:
        raise DashboardError(f"--port: got {port}; must be from 1 to 65535 (0: any free port)")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise DashboardError(f"--port {port}: cannot listen on {host}:{port} ({error.strerror}); "
                             "pick another port") from None  # fmt: skip
    sock.listen(128)
    return sock


def serve(sock: socket.socket) -> None:
    """Serve the Solara app on a bound socket until interrupted; the workers stop with it."""
    os.environ["SOLARA_APP"] = "sdo_sim.dashboard.app"
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no usage statistics sent out
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    host, port = sock.getsockname()[:2]
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = str(host), str(port)
    import uvicorn

    config = uvicorn.Config("solara.server.starlette:app", log_level="warning", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        if RUNTIME.workers is not None:
            RUNTIME.workers.close()
