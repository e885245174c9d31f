"""Scenario files: the schema, loading with `extends:` and overrides, and validation errors."""

from sdo_sim.scenario.load import ScenarioError, load_scenario, scenario_hash, set_path, validate
from sdo_sim.scenario.schema import ActorSpec, Bloc, Positions, Scenario, Venue

__all__ = [
    "ActorSpec",
    "Bloc",
    "Positions",
    "Scenario",
    "ScenarioError",
    "Venue",
    "load_scenario",
    "scenario_hash",
    "set_path",
    "validate",
]
