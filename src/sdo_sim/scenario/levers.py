"""A scenario's `levers:`: the schema of a lever, and the value its `--set` path addresses.

A lever names a field by the path `--set` takes (`blocs.east.cohesion`,
`venues.tsg.rules.3gpp.vote.affiliates`, `events.0.week`); the path must exist in the scenario it
is declared in, so a typo is one line when the file is loaded rather than a dead slider in a room.
A rule parameter the venue does not set has the rulebook's default (a venue's `rules` need not list
it). The walk reads the validated objects, never a dump, so it costs nothing per run.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from sdo_sim.scenario.base import Coordinate, Strict

if TYPE_CHECKING:
    from sdo_sim.scenario.schema import Scenario


#: A value a lever sets: a number, a word, true/false, or a pair such as Beta(a, b) parameters.
LeverValue = bool | int | float | Annotated[str, Field(max_length=100)] | list[Coordinate]
MAX_LEVERS = 12  # few controls per page: a room reads them on a projector


class LeverChoice(Strict):
    """One option of a choice lever: the words the room reads and the value it sets."""

    label: str = Field(min_length=1, max_length=60, description="What the option is called on screen.")
    value: LeverValue = Field(description="The value the field takes.")


class Lever(Strict):
    """A control the workshop dashboard offers: one field, by its `--set` path (dashboard/levers.py)."""

    label: str = Field(min_length=1, max_length=80, description="What the room reads, e.g. 'East cohesion'.")
    path: str = Field(min_length=1, max_length=300, description="The field it sets, as `--set` names it.")
    kind: Literal["slider", "switch", "choice"] = Field("slider", description="slider, switch or choice.")
    min: float | None = Field(None, ge=-1e9, le=1e9, description="Slider: the lowest value.")
    max: float | None = Field(None, ge=-1e9, le=1e9, description="Slider: the highest value.")
    step: float | None = Field(None, gt=0, le=1e9, description="Slider: the step (default: a twentieth).")
    on: LeverValue | None = Field(None, description="Switch: the value when on (default true).")
    off: LeverValue | None = Field(None, description="Switch: the value when off (default false).")
    choices: list[LeverChoice | LeverValue] = Field(
        default_factory=list, max_length=20, description="Choice: the values offered (or label and value)."
    )
    help: str = Field("", max_length=300, description="One sentence in plain words: what moving it means.")

    @model_validator(mode="after")
    def _fits_kind(self) -> Lever:
        given = {name for name in ("min", "max", "step", "on", "off") if getattr(self, name) is not None}
        allowed = {"slider": {"min", "max", "step"}, "switch": {"on", "off"}, "choice": set()}[self.kind]
        if given - allowed or (self.choices and self.kind != "choice"):
            extra = sorted(given - allowed) or ["choices"]
            raise ValueError(f"{extra[0]}: a {self.kind} lever takes no {extra[0]}")
        if self.kind == "slider":
            if self.min is None or self.max is None:
                raise ValueError(f"{'min' if self.min is None else 'max'}: a slider needs min and max")
            if self.min >= self.max:
                raise ValueError(f"max: got {self.max:g}; must be above min ({self.min:g})")
            if self.step is not None and self.step > self.max - self.min:
                raise ValueError(f"step: got {self.step:g}; must be at most max - min")
        if self.kind == "choice" and len(self.choices) < 2:
            raise ValueError("choices: a choice lever needs at least two choices")
        return self


class PathError(ValueError):
    """A path that addresses nothing in the scenario: says which part, and what exists there."""


def lever_value(scenario: Scenario, path: str) -> Any:
    """The value `path` addresses in `scenario` (a rule parameter's default where the file sets none)."""
    from sdo_sim.scenario.load import ACTOR_LISTS, _group_of, _split_path

    parts = _split_path(path)
    node: Any = scenario
    kind = ""  # the venue kind whose procedures a `rules` mapping holds
    for i, part in enumerate(parts):
        where = ".".join(parts[:i]) or "the scenario"
        if isinstance(node, BaseModel):
            fields = type(node).model_fields
            if part not in fields:
                raise PathError(f"{where} has no field {part!r}; fields: {', '.join(fields)}")
            kind = _kind_of(scenario, node, kind)
            node = getattr(node, part)
            if part == "rules" and isinstance(node, dict):
                node = _Rules(kind, node)
        elif isinstance(node, _Rules):
            node = node.procedure(part, where)
        elif isinstance(node, dict):
            if part not in node:
                known = ", ".join(map(str, node)) or "none"
                raise PathError(f"{where} has no {part!r}; there: {known}")
            node = node[part]
        elif isinstance(node, list | tuple):
            actors = i > 0 and parts[i - 1] in ACTOR_LISTS
            node = _item(node, part, where, actors=actors, group_of=_group_of)
        elif node is None:
            raise PathError(f"{where} is not set in the scenario, so it has no {part!r}")
        else:
            raise PathError(f"{where} is a value, not a group of fields")
    whole = isinstance(node, list) and node and isinstance(node[0], BaseModel)
    if isinstance(node, BaseModel | _Rules) or whole:
        raise PathError(f"{path} is a group of fields; name one of them")
    return _plain(node)


class _Rules:
    """A venue's `rules` mapping seen with the rulebook's defaults of its kind's procedures."""

    def __init__(self, kind: str, rules: dict[str, dict[str, Any]]) -> None:
        self.kind, self.rules = kind, rules

    def procedure(self, name: str, where: str) -> dict[str, Any]:
        """The parameters of one procedure: the rulebook's defaults, then the file's values."""
        from sdo_sim.rules import PROCEDURES

        own = sorted(p for p in PROCEDURES if p.startswith(self.kind + "."))
        if name not in own:
            raise PathError(f"{where} has no procedure {name!r}; a {self.kind} venue's: {', '.join(own)}")
        return {**PROCEDURES[name].defaults(), **self.rules.get(name, {})}


def _kind_of(scenario: Scenario, node: BaseModel, kind: str) -> str:
    """The venue kind of a venue, or of the venue a rule-change event names."""
    from sdo_sim.scenario.schema import RuleChange, Venue

    if isinstance(node, Venue):
        return node.kind
    if isinstance(node, RuleChange):
        return next((v.kind for v in scenario.venues if v.id == node.venue), kind)
    return kind


def _item(items: list[Any] | tuple[Any, ...], part: str, where: str, *, actors: bool, group_of: Any) -> Any:
    """A list item by id (or index); in an actor list, a generated actor stands for its group's entry."""
    if items and not isinstance(items[0], BaseModel):
        raise PathError(f"{where} is set whole (e.g. {where}=[2, 4]), not item by item")
    for item in items:
        if getattr(item, "id", None) == part:
            return item
    if part.isdigit() and int(part) < len(items):
        return items[int(part)]
    if actors:
        dumped = [{"id": getattr(item, "id", None), "count": getattr(item, "count", 1)} for item in items]
        group = group_of(dumped, part)
        if group is not None:
            return next(item for item in items if getattr(item, "id", None) == group["id"])
    ids = [str(item.id) for item in items if getattr(item, "id", None) is not None]
    known = f"ids: {', '.join(ids)}" if ids else f"items 0 to {len(items) - 1}" if items else "it is empty"
    raise PathError(f"{where} has no item {part!r}; {known}")


def _plain(value: Any) -> Any:
    """A value as a control shows it: fractions as floats, tuples as lists."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def check_levers(scenario: Scenario) -> None:
    """Every lever's path exists in the scenario (raised as 'levers[i].path: why' for the loader)."""
    for i, lever in enumerate(scenario.levers):
        try:
            lever_value(scenario, lever.path)
        except PathError as error:
            raise ValueError(f"levers[{i}].path: {lever.path}: {error}") from None
