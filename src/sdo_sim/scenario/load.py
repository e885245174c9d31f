"""Loading scenario files: YAML, `extends:`, `data:` references, dotted-path overrides, clear errors."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from functools import partial
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sdo_sim.inputs import shorten
from sdo_sim.scenario.schema import Scenario
from sdo_sim.scenario.sources import (
    Layer,
    ScenarioError,
    calibration_for,
    layer_of,
    merge_layers,
    read_layers,
    resolve_data,
)


def set_path(data: dict[str, Any], dotted: str, value: Any, source: str = "override") -> None:
    """Set a field by dotted path; list items are addressed by their `id` (or index)."""
    parts = _split_path(dotted)
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            matches = [item for item in node if isinstance(item, dict) and item.get("id") == part]
            if not matches and part.isdigit() and int(part) < len(node):
                matches = [node[int(part)]]
            actors = i > 0 and parts[i - 1] in ACTOR_LISTS
            if not matches and actors:
                group = _group_of(node, part)
                if group is not None:  # one actor of a group, named as the output tables name it
                    _set_one_actor(group, part, parts[i + 1 :], value, source, dotted)
                    return
                raise ScenarioError(source, dotted, _no_actor(node, part))
            if not matches:
                ids = [str(item["id"]) for item in node if isinstance(item, dict) and "id" in item]
                known = (
                    f"ids: {', '.join(ids)}"
                    if ids
                    else f"items 0 to {len(node) - 1}"
                    if node
                    else "it is empty"
                )
                raise ScenarioError(source, dotted, f"no item {part!r} here; {known}")
            if last:
                raise ScenarioError(source, dotted, "addresses a whole list item; name one of its fields")
            node = matches[0]
        elif isinstance(node, dict):
            if i == 1 and parts[0] == "blocs" and part not in node:
                # a typo here would create a new, half-defined bloc
                known = ", ".join(sorted(node)) or "none defined"
                raise ScenarioError(source, dotted, f"no bloc {part!r}; blocs: {known}")
            if last:
                node[part] = value
            elif part not in node and parts[i + 1].isdigit():
                raise ScenarioError(source, dotted, f"{part} has no item {parts[i + 1]}")
            else:
                node = node.setdefault(part, {})
        else:
            raise ScenarioError(source, dotted, f"{'.'.join(parts[:i])} is a value, not a group of fields")


#: The lists whose items are actor entries: a numbered name there addresses one generated actor.
ACTOR_LISTS = frozenset({"actors", "add"})
_NUMBERED = re.compile(r"(.+)-(\d{3,6})")  # MAX_ACTORS has 6 digits


def _count_of(item: dict[str, Any]) -> Any:
    """An actor entry's `count` as written (1 when left out; a `data:` reference is not resolved yet)."""
    return item.get("count", 1)


def _group_of(items: list[Any], name: str) -> dict[str, Any] | None:
    """The actor entry that generates the actor `name` (`<id>-<NNN>`, as add_actors names it), if any."""
    numbered = _NUMBERED.fullmatch(name)
    if numbered is None:
        return None
    for item in items:
        if isinstance(item, dict) and item.get("id") == numbered[1]:
            count, number = _count_of(item), int(numbered[2])
            if not isinstance(count, int) or isinstance(count, bool):
                return item  # checked once the count is known (checks._check_per_actor)
            if count != 1 and 1 <= number <= count and f"{number:03d}" == numbered[2]:
                return item
    return None


def _set_one_actor(group: dict[str, Any], name: str, rest: list[str], value: Any, source: str,
                   dotted: str) -> None:  # fmt: skip
    """Set a field of one generated actor: into its entry's `per_actor`, which the model applies after
    the group's draws (splitting the entry would rename the others and change the draws)."""
    from sdo_sim.scenario.schema import ActorOverride

    allowed = ", ".join(ActorOverride.model_fields)
    if not rest:
        raise ScenarioError(source, dotted, f"addresses a whole actor; name one of its fields: {allowed}")
    field = rest[0]
    if field not in ActorOverride.model_fields:
        raise ScenarioError(source, dotted, f"one actor of {group['id']} takes only {allowed}; to change its "
                                            f"{field}, give it an entry of its own in actors")  # fmt: skip
    if len(rest) > 1:
        raise ScenarioError(source, dotted, f"one actor's {field} is given whole: {name}.{field}=[...]")
    own = group.setdefault("per_actor", {})
    if not isinstance(own, dict) or not isinstance(own.setdefault(name, {}), dict):
        raise ScenarioError(source, dotted, f"per_actor of {group['id']} is not a mapping of actor names")
    own[name][field] = value


def _no_actor(items: list[Any], name: str) -> str:
    """Why `name` addresses no actor entry: the ids there, with the names each group generates."""
    from sdo_sim.scenario.checks import group_range

    numbered = _NUMBERED.fullmatch(name)
    shown, reason = [], ""
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            continue
        spec_id, count = str(item["id"]), _count_of(item)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            shown.append(spec_id)
            continue
        shown.append(f"{spec_id} ({spec_id}-001 to {spec_id}-{count:03d})" if count > 1 else spec_id)
        if numbered is not None and numbered[1] == spec_id:
            reason = f": {spec_id} makes {group_range(spec_id, count)}"
    if not shown:
        return f"no item {name!r} here; the list has no ids"
    return (f"no item {name!r} here{reason}; ids: {', '.join(shown)}; one actor of a group is named as "
            "the output tables name it")  # fmt: skip


def _split_path(dotted: str) -> list[str]:
    """Split a dotted path, keeping a procedure id after `rules` whole (`rules.3gpp.vote.affiliates`);
    `events[0].week` is read as `events.0.week`, as error messages write it."""
    from sdo_sim.rules import PROCEDURES

    raw = re.sub(r"\[(\d+)\]", r".\1", dotted).split(".")
    parts: list[str] = []
    i = 0
    while i < len(raw):
        if parts and parts[-1] == "rules":
            for n in range(len(raw) - i, 0, -1):
                if ".".join(raw[i : i + n]) in PROCEDURES:
                    parts.append(".".join(raw[i : i + n]))
                    i += n
                    break
            else:
                parts.append(raw[i])
                i += 1
        else:
            parts.append(raw[i])
            i += 1
    return parts


def load_scenario(
    path: str | Path, overrides: dict[str, Any] | None = None, *, data_file: str | Path | None = None
) -> Scenario:
    """Read, compose and validate a scenario file; `overrides` maps dotted paths to values.

    `data_file` is the calibration table for `data:` references (default: the scenario's
    repository's data/calibration.csv, else sdo_sim's own).
    """
    path = Path(path)
    table_file = None if data_file is None else Path(data_file)
    layers = read_layers(path, table_file)
    raw = merge_layers(layers)
    if not overrides:
        return validate(raw, str(path), layers)
    validate(copy.deepcopy(raw), str(path), layers)  # a problem of the files themselves is theirs
    label = f"{path} with {', '.join(f'{k}={shorten(repr(v))}' for k, v in overrides.items())}"
    for dotted, value in overrides.items():
        set_path(raw, dotted, value, label)
    raw = resolve_data(raw, label, partial(calibration_for, path, table_file))  # overrides may be data: too
    # the levers were checked on the file as written; a --set that removes what one names (events=[])
    # changes no run, so the changed scenario drops them rather than refusing to run
    raw.pop("levers", None)
    return validate(raw, label)


def validate(raw: dict[str, Any], source: str, layers: list[Layer] | None = None) -> Scenario:
    """A Scenario from plain data, or the first problem as a ScenarioError naming the file it stands in."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        problem = _first_problem(error, raw, source)
    except RecursionError:
        problem = ScenarioError(source, "", "nested too deeply to be a scenario")
    if layers and len(layers) > 1 and problem.field and not problem.composed:
        parts = [part.split("[", 1)[0] for part in problem.field.split(".")]
        problem = ScenarioError(str(layer_of(parts, layers)), problem.field, problem.message)
    raise problem from None


def scenario_hash(scenario: Scenario) -> str:
    """A stable hash of the validated scenario (what a run's manifest records)."""
    data = scenario.model_dump(mode="json")
    data.pop("levers", None)  # the dashboard's controls change nothing in a run: same hash with or without
    for spec in [*data["actors"], *(spec for event in data["events"] for spec in event.get("add", []))]:
        if not spec["per_actor"]:
            del spec["per_actor"]  # added later: the scenarios that leave it empty keep their hash
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _first_problem(error: ValidationError, raw: dict[str, Any], source: str) -> ScenarioError:
    problems = error.errors(include_url=False)
    problem = problems[0]
    # A number-or-distribution field: report the branch that matches what was written.
    if isinstance(problem.get("input"), dict):
        problem = next((p for p in problems if any("Draw" in str(part) for part in p["loc"])), problem)
    loc = [part for part in problem["loc"] if not _is_union_tag(part)]
    if len(loc) > 2 and loc[0] == "events" and isinstance(loc[1], int):
        del loc[2]  # pydantic puts the event's kind (its union tag) into the path
    field = _readable_path(loc, raw)
    kind = problem["type"]
    if kind == "value_error":
        message = str(problem.get("ctx", {}).get("error", problem["msg"]))
        head, _, rest = message.partition(": ")
        if rest and " " not in head:  # a cross-field check names its own path
            field, message = (f"{field}.{head}" if field else head), rest
            # fields of several files disagree: the file that composed them is the one to change
            return ScenarioError(source, field, message, composed=True)
        return ScenarioError(source, field, message)
    if kind == "extra_forbidden":
        allowed = _allowed_fields(Scenario, tuple(problem["loc"][:-1]))
        return ScenarioError(source, field, f"unknown field; allowed: {', '.join(allowed)}")
    if kind == "missing":
        return ScenarioError(source, field, "missing (required)")
    got = problem.get("input")
    plain = isinstance(got, str | int | float | bool | None)
    shown = shorten(json.dumps(got), 60) if plain else type(got).__name__
    return ScenarioError(source, field, f"got {shown}; {problem['msg'][0].lower()}{problem['msg'][1:]}")


_UNION_TAGS = {"constrained-float", "float", "int", "str", "bool", "constrained-int"}


def _is_union_tag(part: object) -> bool:
    """pydantic names the union member it tried in an error's path: not a field of the file."""
    return isinstance(part, str) and (part in _UNION_TAGS or "Draw" in part)


def _readable_path(loc: list[Any], raw: dict[str, Any]) -> str:
    """'actors.CN.bloc' rather than 'actors.3.bloc' where the list item has an id."""
    parts: list[str] = []
    node: Any = raw
    for part in loc:
        if isinstance(part, int) and isinstance(node, list):
            item = node[part] if part < len(node) else None
            name = item.get("id") if isinstance(item, dict) else None
            if isinstance(name, str) and parts and parts[-1] != "events":
                parts.append(name)
            elif parts:
                parts[-1] += f"[{part}]"
            node = item
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts)


def _allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names a schema object at `loc` accepts."""
    from sdo_sim.scenario import schema

    tags = {
        "bloc": schema.BlocChange,
        "surge": schema.Surge,
        "rules": schema.RuleChange,
        "posts": schema.PostChange,
    }
    current: Any = model
    if len(loc) >= 3 and loc[0] == "events":
        current, loc = tags.get(loc[2]), loc[3:]
    skip_key = False
    for part in loc:
        if skip_key or isinstance(part, int):
            skip_key = False
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        skip_key = _is_mapping(field.annotation)
        current = _model_of(field.annotation)
    return sorted(getattr(current, "model_fields", {})) if current else []


def _is_mapping(annotation: Any) -> bool:
    if get_origin(annotation) is dict:
        return True
    return any(_is_mapping(arg) for arg in get_args(annotation))


def _model_of(annotation: Any) -> Any:
    """The BaseModel inside an annotation such as list[X], X | None or dict[str, X]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    metadata = getattr(annotation, "__metadata__", None)
    if metadata is not None:
        return _model_of(annotation.__origin__)
    return None
