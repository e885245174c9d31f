"""The summary-only path a sweep takes (run_summary.py) gives the same row as the full tables do."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sdo_sim.runner import run, run_metrics

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "scenarios" / "baselines").glob("*.yaml")) + sorted(
    (ROOT / "scenarios").glob("*.yaml")
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_summary_row_equals_the_one_built_from_the_tables(path: Path) -> None:
    full = run(path, 3, overrides={"weeks": 156}).summary.iloc[0].to_dict()
    alone = run_metrics(path, 3, overrides={"weeks": 156})
    assert list(alone) == list(full)
    for name, value in full.items():
        other = alone[name]
        assert other == value or (math.isnan(other) and math.isnan(value)), name
