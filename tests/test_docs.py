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


ODD = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
SCENARIOS_DOC = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")


def _fields(model: type) -> set[str]:
    from pydantic import BaseModel

    names = set()
    for name, field in model.model_fields.items():
        names.add(name)
        for arg in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                names |= _fields(arg)
    return names


def test_every_scenario_field_is_documented() -> None:
    from sdo_sim.scenario import schema

    models = (schema.Scenario, schema.ActorSpec, schema.Venue, schema.Posts, schema.Bloc, schema.Positions,
              schema.BlocChange, schema.Surge, schema.RuleChange, schema.PostChange, schema.Draw,
              schema.ScriptedProposal, schema.NewGroup, schema.ForumShopping, schema.Alternative)  # fmt: skip
    for model in models:
        for name in _fields(model):
            as_code = re.compile(rf"(`|\{{){re.escape(name)}[`:]")  # `name` or {name: ...}
            assert as_code.search(SCENARIOS_DOC), f"{model.__name__}.{name} missing from docs/scenarios.md"
            in_path = re.compile(rf"[`.{{]{re.escape(name)}[`.:]")  # also inside `venues.<id>.name`
            assert in_path.search(ODD), f"{model.__name__}.{name} missing from docs/ODD.md"


def test_the_readme_tables_are_what_the_script_regenerates() -> None:
    """README tables come from `make readme` (benchmarks/readme_tables.py), never typed by hand."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("readme_tables", ROOT / "benchmarks" / "readme_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.regenerate(README, list(module.TABLES)) == README, "run `make readme`"
