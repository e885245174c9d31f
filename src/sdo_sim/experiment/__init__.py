"""Experiments at scale (issue 9): experiment files, designs, seeds, executors and the results store.

`spec` reads and checks an experiment file, `designs` turns it into runs (factor values and
SeedSequence seeds), `sweeps` runs them through an executor (`executors`: a local fork pool or
Dask) and `store` writes the results in atomic Parquet chunks that `--resume` picks up.
"""

from __future__ import annotations

from typing import Any

from sdo_sim.experiment.spec import (
    MAX_RUNS,
    Design,
    Distribution,
    Experiment,
    ExperimentError,
    Factor,
    Range,
    load_experiment,
    summary_metrics,
)

__all__ = [
    "MAX_RUNS",
    "Design",
    "Distribution",
    "Experiment",
    "ExperimentError",
    "Factor",
    "Range",
    "load_experiment",
    "summary_metrics",
    "sweep",
]


def __getattr__(name: str) -> Any:
    # The sweep engine pulls in the model (mesa, pandas); reading an experiment file should not.
    if name == "sweep":
        from sdo_sim.experiment.sweeps import sweep

        return sweep
    raise AttributeError(f"module 'sdo_sim.experiment' has no attribute {name!r}")
