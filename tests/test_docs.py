"""The documentation covers what the code offers: every procedure, parameter and outcome."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sdo_sim.rules import PROCEDURES

ROOT = Path(__file__).resolve().parents[1]
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("procedure_id", sorted(PROCEDURES))
def test_every_procedure_is_documented_with_its_parameters(procedure_id: str) -> None:
    assert f"`{procedure_id}`" in RULES_DOC
    assert f"`{procedure_id}`" in README
    for param in PROCEDURES[procedure_id].params:
        assert f"`{param.name}`" in RULES_DOC, param.name


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    block = re.search(r"## Quick start.*?```\n(.*?)```", README, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
