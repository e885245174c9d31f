"""Loading scenario files: YAML, `extends:`, `data:` references, dotted-path overrides, clear errors."""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from sdo_sim.errors import SdoSimError
from sdo_sim.scenario.schema import Scenario


class ScenarioError(SdoSimError):
    """A scenario file that cannot be used: names the file, the field path and what is allowed."""

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source, self.field, self.message = source, field, message
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")


class Yaml12Loader(yaml.SafeLoader):
    """YAML in which only true/false are booleans: `no` (a vote!) and `NO` (Norway) stay strings."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def read_yaml(path: Path) -> dict[str, Any]:
    """One YAML mapping from a file, or a ScenarioError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), "", "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), "", f"cannot be read ({error})") from None
    try:
        data = yaml.load(text, Loader=Yaml12Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ScenarioError(str(path), "", f"not valid YAML: {problem}{where}") from None
    if not isinstance(data, dict):
        raise ScenarioError(str(path), "", "must be a YAML mapping of scenario fields")
    return data


def merge(base: Any, override: Any) -> Any:
    """Deep-merge mappings; lists and scalars in `override` replace those in `base`."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    return copy.deepcopy(override)


def resolve_extends(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's fields merged over those of the file it `extends:` (recursively)."""
    path = path.resolve()
    if path in seen:
        raise ScenarioError(str(path), "extends", "circular: " + " -> ".join(p.name for p in (*seen, path)))
    data = read_yaml(path)
    # `data:` references are read from the data/ folder nearest to the file that makes them.
    table_path = find_data_file(path.parent)
    data = resolve_data(data, str(path), read_calibration(table_path) if table_path else None)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(str(path), "extends", f"got {parent!r}; must be a path to a scenario file")
    base_path = (path.parent / parent).resolve()
    if not base_path.exists():
        raise ScenarioError(str(path), "extends", f"{parent} does not exist (looked for {base_path})")
    return merge(resolve_extends(base_path, (*seen, path)), data)


def find_data_file(start: Path) -> Path | None:
    """The project's data/calibration.csv, looked for from the scenario's folder upwards."""
    for folder in (start, *start.parents):
        candidate = folder / "data" / "calibration.csv"
        if candidate.exists():
            return candidate
    return None


def resolve_data(node: Any, source: str, table: dict[str, float] | None, field: str = "") -> Any:
    """Replace every 'data:KEY' string with the value of KEY in data/calibration.csv."""
    if isinstance(node, dict):
        return {
            k: resolve_data(v, source, table, f"{field}.{k}" if field else str(k)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [resolve_data(v, source, table, f"{field}[{i}]") for i, v in enumerate(node)]
    if isinstance(node, str) and node.startswith("data:"):
        key = node[5:]
        if table is None:
            raise ScenarioError(
                source, field, f"{node!r} refers to data/calibration.csv, which was not found"
            )
        if key not in table:
            raise ScenarioError(source, field, f"{key!r} is not a key of data/calibration.csv")
        value = table[key]
        return int(value) if value.is_integer() else value
    return node


def read_calibration(path: Path) -> dict[str, float]:
    """The calibration table: key → value."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["key"]: float(row["value"]) for row in csv.DictReader(handle)}


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
            if last:
                node[part] = value
            elif part not in node and parts[i + 1].isdigit():
                raise ScenarioError(source, dotted, f"{part} has no item {parts[i + 1]}")
            else:
                node = node.setdefault(part, {})
        else:
            raise ScenarioError(source, dotted, f"{'.'.join(parts[:i])} is a value, not a group of fields")


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


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read, compose and validate a scenario file; `overrides` maps dotted paths to values."""
    path = Path(path)
    source = str(path)
    raw = resolve_extends(path)
    if not overrides:
        return validate(raw, source)
    validate(copy.deepcopy(raw), source)  # a problem of the file itself is the file's
    label = f"{source} with {', '.join(f'{k}={v!r}' for k, v in overrides.items())}"
    for dotted, value in overrides.items():
        set_path(raw, dotted, value, label)
    table_path = find_data_file(path.resolve().parent)  # an override may itself be a data: reference
    raw = resolve_data(raw, label, read_calibration(table_path) if table_path else None)
    return validate(raw, label)


def validate(raw: dict[str, Any], source: str) -> Scenario:
    """A Scenario from plain data, or the first problem as a ScenarioError."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise _first_problem(error, raw, source) from None


def scenario_hash(scenario: Scenario) -> str:
    """A stable hash of the validated scenario (what a run's manifest records)."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
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
        return ScenarioError(source, field, message)
    if kind == "extra_forbidden":
        allowed = _allowed_fields(Scenario, tuple(problem["loc"][:-1]))
        return ScenarioError(source, field, f"unknown field; allowed: {', '.join(allowed)}")
    if kind == "missing":
        return ScenarioError(source, field, "missing (required)")
    got = problem.get("input")
    shown = json.dumps(got) if isinstance(got, str | int | float | bool | None) else type(got).__name__
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
