"""docs/findings.md and the experiments behind it: files load, figures exist, markers are filled, and
the script's statistics and tables are right on a tiny sweep table (no sweep is run here)."""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from sdo_sim.experiment import load_experiment

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTS = sorted((ROOT / "experiments").glob("*.yaml"))
FINDINGS = ROOT / "docs" / "findings.md"
COHESION = "blocs.east.cohesion"


@pytest.fixture(scope="module")
def findings() -> ModuleType:
    """experiments/findings.py, imported as a module."""
    spec = importlib.util.spec_from_file_location("findings_script", ROOT / "experiments" / "findings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def sweep_table() -> pd.DataFrame:
    """A sweep's result table in miniature: two cohesion levels, three paired replications, and a
    fourth replication that failed at both points (left out of every statistic)."""
    return pd.DataFrame({
        "run": range(8),
        "point": [0, 0, 0, 0, 1, 1, 1, 1],
        "replication": [0, 1, 2, 3] * 2,
        "seed": [11, 12, 13, 14] * 2,
        COHESION: [0.0] * 4 + [1.0] * 4,
        "approval_rate.west": [0.4, 0.5, 0.6, 99.0, 0.5, 0.6, 0.7, math.nan],
        "approval_rate.east": [0.3, 0.3, 0.6, math.nan, 0.2, 0.1, 0.3, math.nan],
        "status": ["ok", "ok", "ok", "failed"] * 2,
    })  # fmt: skip


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_every_experiment_loads_and_says_its_question(path: Path) -> None:
    experiment = load_experiment(path)
    assert experiment.description.strip(), f"{path.name}: no description"
    assert path.read_text(encoding="utf-8").startswith("#"), f"{path.name}: no header comment"


def test_every_experiment_but_the_smoke_test_answers_a_question(findings: ModuleType) -> None:
    used = {name for question in findings.QUESTIONS for name in question.experiments}
    assert used == {path.stem for path in EXPERIMENTS} - {"smoke"}


def test_every_figure_referenced_exists(findings: ModuleType) -> None:
    text = FINDINGS.read_text(encoding="utf-8")
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert figures, "docs/findings.md shows no figure"
    for figure in figures:
        assert (FINDINGS.parent / figure).is_file(), f"{figure} is referenced but missing"
    for question in findings.QUESTIONS:
        assert f"figures/{question.figure}.png" in figures, f"{question.name}: its figure is not shown"


def test_every_marker_is_filled(findings: ModuleType) -> None:
    text = FINDINGS.read_text(encoding="utf-8")
    filled = findings.markers(text)
    opened = re.findall(r"^<!-- findings:([\w.-]+) -->$", text, re.M)
    assert sorted(filled) == sorted(opened), "a findings marker has no closing marker"
    declared = {name for question in findings.QUESTIONS for name in question.markers}
    assert set(filled) == declared
    for name, content in filled.items():
        assert content.strip(), f"marker {name} is empty: run `make findings`"
        assert "nan" not in content.split(), f"marker {name} shows nan"


def test_levels_and_paired_changes_make_the_expected_rows(findings: ModuleType) -> None:
    table = sweep_table()
    metrics = ["approval_rate.west", "approval_rate.east"]
    levels = findings.responses(table, [COHESION], metrics)
    diffs = findings.paired(table, COHESION, 0.0, metrics)
    frame = pd.concat([findings.tagged(levels, "level"), findings.tagged(diffs, "diff")])
    Column = findings.Column
    text = findings.ci_table(frame, [COHESION], ["east cohesion"], [
        Column("approval_rate.west@level", "west's"),
        Column("approval_rate.west@diff", "west's: change", 3, True, "(reference)"),
        Column("approval_rate.east@diff", "east's: change", 3, True, "(reference)"),
    ])  # fmt: skip
    # level 0: 0.4, 0.5, 0.6 -> 0.5 ± t(0.975, 2) · 0.1 / √3 = 0.5 ± 0.248; the failed run's 99 is left out.
    # paired west: +0.1 in every replication, so no spread; paired east: -0.1, -0.2, -0.3 -> -0.2 ± 0.248.
    assert text.splitlines() == [
        "| east cohesion | west's | west's: change | east's: change |",
        "|---:|---:|---:|---:|",
        "| 0 | 0.50 [0.25, 0.75] | (reference) | (reference) |",
        "| 1 | 0.60 [0.35, 0.85] | +0.100 [+0.100, +0.100] | -0.200 [-0.448, +0.048] |",
    ]
    assert findings.threshold(diffs, COHESION, "approval_rate.west") == 1.0
    assert findings.threshold(diffs, COHESION, "approval_rate.east") is None
    assert findings.across(diffs, "approval_rate.east") == "-0.200 (interval excludes 0 at 0 of 1)"


def test_numbers_are_written_without_a_negative_zero(findings: ModuleType) -> None:
    assert findings.number(-0.0004, 3, True) == "+0.000"
    assert findings.number(-0.004, 2) == "0.00"
    assert findings.ci({"mean": 0.5, "low": math.nan, "high": math.nan, "n": 1}) == "0.50"
    assert findings.ci({"mean": math.nan, "low": math.nan, "high": math.nan, "n": 0}) == "n/a"


def test_fill_replaces_only_between_its_markers(findings: ModuleType) -> None:
    text = "a\n<!-- findings:x -->\nold\n<!-- /findings:x -->\nb\n<!-- findings:y -->\n<!-- /findings:y -->\n"
    text = findings.fill(findings.fill(text, "x", "new\n"), "y", "| t |")
    assert (
        text
        == "a\n<!-- findings:x -->\nnew\n<!-- /findings:x -->\nb\n<!-- findings:y -->\n| t |\n<!-- /findings:y -->\n"
    )
    assert findings.markers(text) == {"x": "new", "y": "| t |"}
    with pytest.raises(SystemExit, match="no markers for 'z'"):
        findings.fill(text, "z", "")
