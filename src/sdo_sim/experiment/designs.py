"""Designs: an experiment's runs, one row per run, with each run's factor values and seed.

The samplers are SALib's (`SALib.sample.latin`, `.sobol`, `.morris`), driven by a SALib problem
dict (`problem`). Seeds follow EMA Workbench's rule: one root seed, `numpy.random.SeedSequence`
spawns one seed per replication index, and that seed is the SAME at every design point (common
random numbers), so two points are compared on paired runs. The sampler's own seed derives from
the root seed too: the same experiment file always gives the same runs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sdo_sim.experiment.spec import Experiment, Factor, power_of_two, round_half_up

#: Columns of `runs` that are not factors, in order.
RUN_COLUMNS = ("run", "point", "replication", "seed")
#: spawn_key of the sampler's seed: beyond any replication index (at most 10,000), so never equal.
SAMPLER_KEY = 2**32 - 1


def replication_seeds(root: int, replications: int) -> list[int]:
    """One run seed per replication index: `SeedSequence(root).spawn(replications)`, 63 bits each."""
    children = np.random.SeedSequence(root).spawn(replications)
    return [_seed_of(child) for child in children]


def sampler_seed(root: int) -> int:
    """The seed of the design's sampler, derived from the root seed apart from the replications'."""
    return _seed_of(np.random.SeedSequence(root, spawn_key=(SAMPLER_KEY,)))


def _seed_of(sequence: np.random.SeedSequence) -> int:
    # 63 bits: a valid `--seed` (0 to 2**63 - 1); 32 would make two of 10,000 replications share a
    # seed about once in a hundred experiments (birthday bound), 63 about once in 10**11
    return int(sequence.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def problem(experiment: Experiment) -> dict[str, Any]:
    """SALib's problem dict of an experiment: num_vars, names (the factor paths), bounds and dists.

    A range is `unif` over [low, high]; a normal distribution SALib's `truncnorm` [low, high, mean,
    sd]; a triangular one `triang` [low, high, peak as a share of the width]. A grid factor of
    numbers is `unif` over its lowest and highest value; one with other values has no bounds."""
    bounds: list[list[float]] = []
    dists: list[str] = []
    for factor in experiment.factors:
        kind, bound = _bounds(factor)
        bounds.append(bound)
        dists.append(kind)
    names = [factor.path for factor in experiment.factors]
    return {"num_vars": len(names), "names": names, "bounds": bounds, "dists": dists}


def _bounds(factor: Factor) -> tuple[str, list[float]]:
    """SALib's distribution name and bounds for one factor."""
    spec = factor.distribution
    if factor.range is not None or (spec is not None and spec.kind == "uniform"):
        low, high = factor.bounds or (0.0, 0.0)
        return "unif", [low, high]
    if spec is not None and spec.kind == "normal":
        return "truncnorm", [spec.low, spec.high, float(spec.mean or 0.0), float(spec.sd or 0.0)]
    if spec is not None:
        return "triang", [spec.low, spec.high, (float(spec.peak or 0.0) - spec.low) / (spec.high - spec.low)]
    values = factor.values or []
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{factor.path}: values that are not all numbers have no bounds for SALib")
    return "unif", [float(min(values)), float(max(values))]


def grid(levels: Sequence[int]) -> np.ndarray:
    """Every combination of the factors' levels, as level indices (one row per point, one column per
    factor), the first factor changing slowest."""
    return np.indices(tuple(levels), dtype=np.int64).reshape(len(levels), -1).T


def lhs(problem: Mapping[str, Any], samples: int, *, seed: int) -> np.ndarray:
    """`samples` Latin hypercube points (SALib's `latin.sample`)."""
    from SALib.sample import latin

    return np.asarray(latin.sample(dict(problem), samples, seed=seed))


def sobol(problem: Mapping[str, Any], samples: int, *, second_order: bool = False, seed: int) -> np.ndarray:
    """Saltelli's points for Sobol indices: N × (D + 2), or N × (2D + 2) with second order.

    N is `samples` rounded up to a power of two, with a warning if that changed it (SALib's rule:
    Sobol sequences keep their balance only at powers of two)."""
    from SALib.sample import sobol as saltelli

    base = power_of_two(samples)
    if base != samples:
        warnings.warn(
            f"sobol: {samples} samples rounded up to {base}, a power of two (Sobol sequences need one)",
            UserWarning,
            stacklevel=2,
        )
    return np.asarray(saltelli.sample(dict(problem), base, calc_second_order=second_order, seed=seed))


def morris(problem: Mapping[str, Any], samples: int, *, levels: int = 4, seed: int) -> np.ndarray:
    """`samples` Morris trajectories of D + 1 points each, on a grid of `levels` levels."""
    from SALib.sample import morris as elementary

    return np.asarray(elementary.sample(dict(problem), samples, num_levels=levels, seed=seed))


def points(experiment: Experiment) -> pd.DataFrame:
    """The design points, one row per point, one column per factor (named by its path).

    Values of a factor whose scenario field takes whole numbers only (`Factor.integer`, e.g.
    `actors.X.count`) are rounded to the nearest whole number, halves up, by lhs, sobol and morris."""
    design, names = experiment.design, [factor.path for factor in experiment.factors]
    if design.kind == "grid":
        values = [factor.values or [] for factor in experiment.factors]
        index = grid([len(v) for v in values])
        return pd.DataFrame({name: _column(values[i], index[:, i]) for i, name in enumerate(names)})
    salib, seed, n = problem(experiment), sampler_seed(experiment.seed), design.samples or 1
    if design.kind == "lhs":
        matrix = lhs(salib, n, seed=seed)
    elif design.kind == "sobol":
        matrix = sobol(salib, n, second_order=bool(design.second_order), seed=seed)
    else:
        matrix = morris(salib, n, levels=design.levels or 4, seed=seed)
    columns: dict[str, Any] = {}
    for i, factor in enumerate(experiment.factors):
        column = matrix[:, i]
        columns[factor.path] = np.floor(column + 0.5).astype(np.int64) if factor.integer else column
    return pd.DataFrame(columns)


def _column(values: list[Any], index: np.ndarray) -> pd.Series:
    """A grid factor's column: int64, float64 or bool where every value is one, else the values as given."""
    kinds = {type(v) for v in values}
    dtype = ("int64" if kinds <= {int} else "float64" if kinds <= {int, float}
             else "bool" if kinds <= {bool} else "object")  # fmt: skip
    return pd.Series(np.array(values, dtype=dtype)[index], dtype=dtype)


def runs(experiment: Experiment) -> pd.DataFrame:
    """Every run: `run` (0..N-1, point-major), `point`, `replication`, `seed`, then the factors' values."""
    table = points(experiment)
    count, reps = len(table), experiment.replications
    seeds = np.array(replication_seeds(experiment.seed, reps), dtype=np.int64)
    frame = pd.DataFrame(
        {
            "run": np.arange(count * reps, dtype=np.int64),
            "point": np.repeat(np.arange(count, dtype=np.int64), reps),
            "replication": np.tile(np.arange(reps, dtype=np.int64), count),
            "seed": np.tile(seeds, count),
        }
    )
    for name in table.columns:
        # through numpy and an explicit dtype: pandas would read text and None as a str column, None as NaN
        frame[name] = pd.Series(np.repeat(table[name].to_numpy(), reps), dtype=table[name].dtype)
    return frame


def overrides(row: Mapping[str, Any] | pd.Series, experiment: Experiment | None = None) -> dict[str, object]:
    """The factor paths → plain Python values of one run (a row of `runs`), as `runner.run` takes them.

    pandas turns a row's whole numbers into floats when the row also holds fractions (`iterrows`):
    with `experiment`, its integer factors come back as ints; without, every factor column (all but
    run, point, replication and seed) whose value is a whole float does, which every float field of
    a scenario accepts too."""
    if experiment is None:
        keys = row.index if isinstance(row, pd.Series) else row  # a Series iterates over its values
        names = [str(name) for name in keys if name not in RUN_COLUMNS]
        integers = set(names)
    else:
        names = [factor.path for factor in experiment.factors]
        integers = {factor.path for factor in experiment.factors if factor.integer}
    out: dict[str, object] = {}
    for name in names:
        value = row[name]
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and name in integers and math.isfinite(value):
            if experiment is not None:
                value = round_half_up(value)
            elif value.is_integer():
                value = int(value)
        out[name] = value
    return out
