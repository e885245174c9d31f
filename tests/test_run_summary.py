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


def test_a_none_bloc_is_reported_only_when_some_actor_belongs_to_no_bloc() -> None:
    iso = ROOT / "scenarios" / "baselines" / "iso-technical-committee.yaml"
    alone = {"weeks": 104, "actors.NB-other.bloc": None, "actors.NB-other.ideal": [0.0, 0.0]}
    for overrides, expected in (({"weeks": 104}, set()), (alone, {"approval_rate.none", "posts_share.none"})):
        full = run(iso, 3, overrides=overrides).summary.iloc[0].to_dict()
        row = run_metrics(iso, 3, overrides=overrides)
        assert {name for name in row if name.endswith(".none")} == expected
        assert list(row) == list(full)
