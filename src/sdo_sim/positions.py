"""How a gate's positions are computed: numpy (the reference, and the default) or compiled (kernels.py).

Both give the same bits (tests/model/test_kernels.py), so a run's results never depend on the path.
The compiled path pays where many runs share a process (sweeps, the dashboard's ensembles): it makes
a 3GPP baseline run about a quarter faster, but importing numba and loading the compiled kernels
costs a second or two per process, which a single `sdo-sim run` would not win back. So sweeps turn
it on (`use_compiled`) and everything else keeps numpy. `SDO_SIM_KERNEL=numpy` keeps numpy
everywhere (e.g. to time one against the other); numba not installed keeps it too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.coordination import follow

if TYPE_CHECKING:
    from sdo_sim.population import Population
    from sdo_sim.proposals import Proposal
    from sdo_sim.scenario.schema import Positions

Computed = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_compiled: Callable[..., Computed] | None = None


def compute(
    pop: Population, idx: np.ndarray, proposal: Proposal, weights: Positions, rng: np.random.Generator
) -> Computed:
    """(own utilities, utilities acted on, defectors, followers) of the listed actors (docs/ODD.md 7.1)."""
    if _compiled is not None:
        return _compiled(pop, idx, proposal, weights, rng)
    own = pop.utilities(idx, proposal, weights, rng)
    acted, defects, follows = follow(pop, idx, own, proposal, weights, rng)
    return own, acted, defects, follows


def use_compiled() -> str:
    """Switch this process to the compiled kernels if numba is installed and not refused; the path taken."""
    global _compiled
    if _compiled is None and os.environ.get("SDO_SIM_KERNEL", "").strip().lower() != "numpy":
        try:
            from sdo_sim import kernels
        except ImportError:  # numba is an optional extra (`sweep`): numpy gives the same results
            return kernel()
        kernels.warm()
        _compiled = kernels.positions
    return kernel()


@contextmanager
def compiled() -> Iterator[str]:
    """The compiled kernels for the duration of a block (a sweep's), then this process's path as before."""
    global _compiled
    before = _compiled
    try:
        yield use_compiled()
    finally:
        _compiled = before


def use_numpy() -> None:
    """Switch this process back to the numpy reference."""
    global _compiled
    _compiled = None


def kernel() -> str:
    """Which path this process computes positions with: "numba" or "numpy"."""
    return "numpy" if _compiled is None else "numba"
