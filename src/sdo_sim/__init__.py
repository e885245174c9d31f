"""sdo_sim: an agent-based simulation of how standards development organisations decide."""

from __future__ import annotations

from typing import Any

from sdo_sim.errors import BallotError, SdoSimError

__version__ = "0.1.0"
__all__ = ["BallotError", "RunResult", "SdoSimError", "__version__", "load_scenario", "run", "sweep"]


def __getattr__(name: str) -> Any:
    # The model pulls in mesa and pandas; `sdo-sim tally` should not pay for them.
    if name == "run":
        from sdo_sim.runner import run

        return run
    if name == "load_scenario":
        from sdo_sim.scenario import load_scenario

        return load_scenario
    if name == "sweep":  # the sweep engine (experiment/sweeps.py): sdo_sim.sweep(experiment, out, ...)
        from sdo_sim.experiment.sweeps import sweep

        return sweep
    if name == "RunResult":
        from sdo_sim.results import RunResult

        return RunResult
    raise AttributeError(f"module 'sdo_sim' has no attribute {name!r}")
