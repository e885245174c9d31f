"""The files a scenario is made of: the file itself, the bases it `extends:`, and `data:` references.

A scenario reaches only what its user named: `extends:` takes `.yaml`/`.yml` regular files, at most
MAX_EXTENDS deep; `data:KEY` resolves against the calibration table the user gives, else the
`data/calibration.csv` of the scenario's own repository if the user owns it, else sdo_sim's own —
never a table found by climbing to `/` (issue 7: another user could plant `/tmp/.git` and
`/tmp/data/calibration.csv`).
"""

from __future__ import annotations

import copy
import csv
import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sdo_sim.errors import SdoSimError
from sdo_sim.inputs import InputError, check_items, decode, load_yaml, read_bytes, shorten

#: Longest chain of `extends:` a scenario may have (the shipped ones use 1).
MAX_EXTENDS = 16
SCENARIO_SUFFIXES = (".yaml", ".yml")
#: sdo_sim's own calibration table, in the checkout the package runs from.
PROJECT_DATA = Path(__file__).resolve().parents[3] / "data" / "calibration.csv"


class ScenarioError(SdoSimError):
    """A scenario file that cannot be used: names the file, the field path and what is allowed."""

    def __init__(self, source: str, field: str, message: str, *, composed: bool = False) -> None:
        self.source, self.field, self.message = source, field, message
        self.composed = composed  # a cross-field problem, reported against the composing file
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")


@dataclass
class Layer:
    """One file of a scenario, its fields after `data:` references were resolved."""

    path: Path
    data: dict[str, Any]


def read_yaml(path: Path) -> dict[str, Any]:
    """One YAML mapping from a file, or a ScenarioError naming the file and the line."""
    try:
        data = load_yaml(decode(read_bytes(path, "scenario")))
    except InputError as error:
        raise ScenarioError(str(path), "", str(error)) from None
    if not isinstance(data, dict):
        raise ScenarioError(str(path), "", "must be a YAML mapping of scenario fields")
    for key in data:
        if not isinstance(key, str):
            raise ScenarioError(str(path), str(key), "field names must be text")
    return data


def read_layers(path: Path, data_file: Path | None = None) -> list[Layer]:
    """The scenario file and every base it extends, child first, each with its `data:` resolved."""
    layers: list[Layer] = []
    seen: list[Path] = []
    current = path
    while True:
        try:
            resolved = current.resolve()
        except RuntimeError:  # Python 3.11 raises RuntimeError on a symlink loop
            raise ScenarioError(str(current), "", "is a symbolic link that loops") from None
        except OSError as error:
            reason = error.strerror or error
            raise ScenarioError(str(current), "", f"cannot be looked up ({reason})") from None
        if resolved in seen:
            chain = " -> ".join(p.name for p in (*seen, resolved))
            raise ScenarioError(str(layers[-1].path), "extends", f"circular: {chain}")
        seen.append(resolved)
        data = read_yaml(current)
        data = resolve_data(data, str(current), partial(calibration_for, current, data_file))
        parent = data.pop("extends", None)
        layers.append(Layer(current, data))
        if parent is None:
            return layers
        current = _base_path(current, parent, len(layers))


def _base_path(child: Path, parent: Any, depth: int) -> Path:
    """The file a child `extends:`, checked: a .yaml/.yml regular file, within the chain's depth."""
    source = str(child)
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(
            source, "extends", f"got {shorten(repr(parent))}; must be a path to a scenario file"
        )
    if depth >= MAX_EXTENDS:
        raise ScenarioError(source, "extends", f"chain longer than {MAX_EXTENDS} files; flatten it")
    base = child.parent / parent
    if base.suffix.lower() not in SCENARIO_SUFFIXES:
        raise ScenarioError(source, "extends", f"{shorten(parent)}: must be a .yaml or .yml scenario file")
    try:  # a name the system refuses (too long, ...) is the file's mistake, not an internal error
        exists = base.exists()
    except OSError as error:
        raise ScenarioError(
            source, "extends", f"{shorten(parent)}: cannot be looked up ({error.strerror or error})"
        ) from None
    if not exists:
        raise ScenarioError(source, "extends", f"{shorten(parent)} does not exist (looked for {base})")
    try:
        regular = base.resolve().is_file()
    except (RuntimeError, OSError):
        regular = False
    if not regular:
        raise ScenarioError(source, "extends", f"{shorten(parent)} is not a regular file")
    return base


def merge_layers(layers: list[Layer]) -> dict[str, Any]:
    """The fields of every layer, each child's over its base's."""
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        # a file's `levers` are its own: a base's may name fields the extending file has replaced
        data = layer.data if layer is layers[0] else {k: v for k, v in layer.data.items() if k != "levers"}
        merged = merge(merged, data)
    return merged


def merge(base: Any, override: Any) -> Any:
    """Deep-merge mappings; lists and scalars in `override` replace those in `base`."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


def layer_of(parts: list[str], layers: list[Layer]) -> Path:
    """The file in which the field at `parts` (a readable path, e.g. actors.CN.bloc) was written."""
    best, depth = layers[0].path, -1
    for layer in layers:  # child first: on a tie the child, which overrides its bases, wins
        node: Any = layer.data
        matched = 0
        for part in parts:
            if isinstance(node, dict) and part in node:
                node, matched = node[part], matched + 1
            else:
                if isinstance(node, list):
                    matched = len(parts)  # lists replace their base's whole
                break
        if matched > depth:
            best, depth = layer.path, matched
    return best


def repository_of(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` that is the top of a git repository the user owns.

    The climb stops at the first folder the user does not own, below the parent of $HOME and below
    `/`: a `.git` another user planted (say /tmp/.git beside /tmp/data/) is never taken as ours."""
    stop = _home_parent()
    for candidate in (folder, *folder.parents):
        if candidate == stop or candidate == candidate.parent or not _owned(candidate):
            return None
        git = candidate / ".git"
        if os.path.lexists(git):
            return candidate if _owned(git) else None  # a foreign .git in our folder: trust none above
    return None


def _owned(path: Path) -> bool:
    """Whether the user running sdo_sim owns `path` itself (a symbolic link is not followed)."""
    try:
        return os.stat(path, follow_symlinks=False).st_uid == os.geteuid()
    except OSError:  # unreadable or gone: not evidence of anything we own
        return False


def _home_parent() -> Path | None:
    """The folder holding $HOME (e.g. /home), where a climb from inside $HOME ends; None if unknown."""
    home = os.path.expanduser("~")
    if not os.path.isabs(home):
        return None
    try:
        return Path(home).resolve().parent
    except (RuntimeError, OSError):
        return None


def calibration_for(scenario: Path, data_file: Path | None) -> tuple[Path, dict[str, float]] | None:
    """The calibration table a scenario's `data:` references read: the user's, its repository's, ours."""
    if data_file is not None:
        return data_file, read_calibration(data_file)
    repository = repository_of(scenario.resolve().parent)
    if repository is not None and _is_file(repository / "data" / "calibration.csv"):
        path = repository / "data" / "calibration.csv"
        return path, read_calibration(path)
    if PROJECT_DATA.is_file():
        return PROJECT_DATA, read_calibration(PROJECT_DATA)
    return None


def _is_file(path: Path) -> bool:
    """Whether `path` is a regular file; False, not an error, when it cannot be looked at."""
    try:
        return path.is_file()
    except OSError:
        return False


_CACHE: dict[tuple[Path, int, int], dict[str, float]] = {}


def read_calibration(path: Path) -> dict[str, float]:
    """The calibration table key → value, or a ScenarioError naming the CSV and what is wrong with it."""
    source = str(path)
    try:
        info = path.stat()
    except OSError:
        raise ScenarioError(source, "", "calibration table not found") from None
    cache_key = (path.resolve(), info.st_mtime_ns, info.st_size)
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    try:
        text = decode(read_bytes(path, "calibration"))
        check_items(text, ",\n\r", "calibration", "each comma and line counts")  # before csv builds rows
    except InputError as error:
        raise ScenarioError(source, "", str(error)) from None
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise ScenarioError(source, "", f"not a valid CSV file ({error})") from None
    if not rows or not {"key", "value"} <= set(rows[0]):
        raise ScenarioError(source, "", "needs a header with the columns key and value, and rows below it")
    table: dict[str, float] = {}
    for line, row in enumerate(rows, start=2):
        key, text_value = row.get("key"), row.get("value")
        if not key or text_value is None:
            raise ScenarioError(source, f"line {line}", "needs a key and a value")
        try:
            value = float(text_value)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or abs(value) > 1e12:
            raise ScenarioError(
                source, f"line {line}.value", f"got {shorten(text_value)!r}; must be a number"
            )
        if key in table:
            raise ScenarioError(source, f"line {line}.key", f"{shorten(key)!r} appears twice")
        table[key] = value
    _CACHE[cache_key] = table
    return table


Table = tuple[Path, dict[str, float]] | None


def resolve_data(node: Any, source: str, table: Callable[[], Table], field: str = "") -> Any:
    """Replace every 'data:KEY' string with the value of KEY in the calibration table.

    The table is read only when a reference needs it, so a broken table never blocks a scenario
    that makes no references."""
    if isinstance(node, dict):
        return {
            k: resolve_data(v, source, table, f"{field}.{k}" if field else str(k)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [resolve_data(v, source, table, f"{field}[{i}]") for i, v in enumerate(node)]
    if isinstance(node, str) and node.startswith("data:"):
        key = node[5:]
        found = table()
        if found is None:
            raise ScenarioError(
                source, field, f"{shorten(node)!r} needs a calibration table; give one with --data FILE"
            )
        path, values = found
        if key not in values:
            raise ScenarioError(source, field, f"{shorten(key)!r} is not a key of {path}")
        value = values[key]
        return int(value) if value.is_integer() else value
    return node
