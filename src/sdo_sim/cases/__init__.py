"""Historical cases: each documented pattern as a function of a run's tables, over seeds (issue 8, item 7).

The cases live by venue (`itu_t`, `threegpp`, `iso`); `core` says what a case and a pattern are.
Each case runs on seeds 1..N in a process pool with an explicit fork context (mesa sets spawn
globally); results are read back in task order, so the table is the same for any number of
workers. A case with paired patterns also runs, on the same seed, once per set of overrides.
docs/cases.md gives each case's sources and what is assumed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import pandas as pd

from sdo_sim.cases import iso, itu_t, threegpp
from sdo_sim.cases.core import CASES_DIR, Case, CaseError, Pattern
from sdo_sim.parallel import check_workers, map_in_order

__all__ = ["CASES", "CASES_DIR", "Case", "CaseError", "Pattern", "run_cases", "seed_list", "select"]

#: Allowance for floating-point sums when a mean sits exactly on a band's edge.
EDGE = 1e-12
Progress = Callable[[int, int], None]

CASES: dict[str, Case] = {case.id: case for case in (*itu_t.CASES, *threegpp.CASES, *iso.CASES)}


def select(ids: list[str] | None) -> list[Case]:
    """The cases named (all, in registry order, when none are), refusing an unknown id."""
    if not ids:
        return list(CASES.values())
    chosen = []
    for name in ids:
        if name not in CASES:
            raise CaseError(f"--case: unknown case '{name}'; known: {', '.join(CASES)}")
        if CASES[name] not in chosen:
            chosen.append(CASES[name])
    return chosen


def seed_list(count: int) -> list[int]:
    """The seeds every case runs on: 1..count, so any row can be rerun with `sdo-sim run --seed`."""
    if count < 1:
        raise CaseError(f"--seeds: got {count}; must be at least 1")
    return list(range(1, count + 1))


def _run_one(task: tuple[str, int]) -> tuple[list[float], str]:
    """One seed of one case (and its paired runs): each pattern's value and the run's account."""
    from sdo_sim.runner import run

    name, seed = task
    case = CASES[name]
    result = run(case.path, seed)
    paired = {overrides: run(case.path, seed, overrides=dict(overrides)) for overrides in case.pairings}
    values = [pattern.measure(result, paired.get(pattern.paired)) for pattern in case.patterns]
    return values, case.describe(result)


def run_seeds(tasks: list[tuple[str, int]], workers: int, progress: Progress | None = None
              ) -> list[tuple[list[float], str]]:  # fmt: skip
    """Every task's values, in task order, on `workers` processes (1: in this process)."""
    problem = check_workers(workers)
    if problem:
        raise CaseError(problem)
    return map_in_order(_run_one, tasks, workers, progress)


def in_band(mean: float, low: float, high: float) -> bool:
    """Whether a mean lies in [low, high]; an edge counts as inside."""
    return low - EDGE <= mean <= high + EDGE


def evaluate(pattern: Pattern, values: list[float], accounts: list[str]) -> dict[str, object]:
    """One table row for a pattern from its values over seeds (and each run's account, for the why)."""
    row: dict[str, object] = {
        "pattern_id": pattern.id,
        "pattern": pattern.pattern,
        "kind": pattern.kind,
        "target": pattern.target_text(),
        "seeds": len(values),
        "sources": pattern.sources,
    }
    if pattern.kind == "share":
        share = sum(values) / len(values)
        row.update(measured=share, computed=len(values), passed=share >= pattern.target - EDGE)
        missed = Counter(a for v, a in zip(values, accounts, strict=True) if v < 1.0)
        instead = "; ".join(f"{n}x {a}" for a, n in missed.most_common(3))
        row["why"] = "" if row["passed"] else _join(pattern.why, f"seeds that missed: {instead}")
        return row
    finite = [v for v in values if not math.isnan(v)]
    mean = sum(finite) / len(finite) if finite else math.nan
    passed = bool(finite) and in_band(mean, pattern.low, pattern.high)
    row.update(measured=mean, computed=len(finite), passed=passed)
    note = "no run had anything to count" if not finite else ""
    row["why"] = "" if passed else _join(pattern.why, note or f"mean {mean:.3f} outside the band")
    return row


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def run_cases(ids: list[str] | None = None, seeds: int = 50, workers: int = 1,
              progress: Progress | None = None) -> pd.DataFrame:  # fmt: skip
    """Run each case on seeds 1..`seeds` and score its patterns: one row per pattern with the share of
    seeds reproduced (or the mean), the target, whether it passed, and why not when known."""
    cases = select(ids)
    seed_numbers = seed_list(seeds)
    tasks = [(case.id, seed) for case in cases for seed in seed_numbers]
    done = run_seeds(tasks, workers, progress)
    rows = []
    for k, case in enumerate(cases):
        block = done[k * len(seed_numbers) : (k + 1) * len(seed_numbers)]
        accounts = [account for _, account in block]
        for j, pattern in enumerate(case.patterns):
            rows.append({"case": case.id, **evaluate(pattern, [values[j] for values, _ in block], accounts)})
    columns = ["case", "pattern_id", "pattern", "kind", "measured", "computed", "target", "passed", "seeds",
               "sources", "why"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
