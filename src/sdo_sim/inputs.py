"""Reading what users give us, within bounds: file sizes, nesting depth, duplicate keys, odd numbers.

Every reader here raises `InputError` with a message that names what was wrong and what is allowed;
callers prefix the file. Nothing here reads more than its cap, expands YAML aliases, or turns a
number into an exact fraction whose digits no threshold needs (issue 7: inputs that hung or
exhausted the machine).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from sdo_sim.errors import SdoSimError

MIB = 1024 * 1024
#: Size caps by kind of file (bytes); `SDO_SIM_MAX_INPUT_MB` replaces all of them.
SIZE_CAPS = {"scenario": 8 * MIB, "ballot": 256 * MIB, "calibration": 8 * MIB}
CAP_VARIABLE = "SDO_SIM_MAX_INPUT_MB"
READ_CHUNK = 64 * MIB
#: Caps on how many items (lists, mappings, values) a file may hold, by kind; `SDO_SIM_MAX_INPUT_ITEMS`
#: replaces all of them. A file of tiny containers costs far more than its size suggests: a 256 MiB
#: ballot `[[],[],...]` is 85 million lists (over 8 GB), an 8 MiB scenario of them 85 s to read.
#: Shipped files hold at most: scenario 217 YAML nodes, ballot 4,046 JSON items (the 30,000-vote
#: test ballot 120,000), calibration table 647; the schema allows 10,000 actor specs, about 250,000
#: YAML nodes. Measured just under each cap (Python 3.11, peak RSS): ballot, 5 million items:
#: `{"k0":1.5,"k1":1.5,...}` 12 s and 1.7 GB (the worst found: a key, a Decimal and a pair per
#: comma), 1.25 million votes 1 s and 520 MB, `[[],[],...]` 0.5 s and 200 MB; scenario, 500,000
#: YAML nodes: 15 s and 520 MB; calibration, 500,000 lines: 0.6 s and 130 MB.
ITEM_CAPS = {"scenario": 500_000, "ballot": 5_000_000, "calibration": 500_000}
ITEM_VARIABLE = "SDO_SIM_MAX_INPUT_ITEMS"
#: Deepest nesting of mappings and lists in a scenario file (the schema itself needs 5).
MAX_DEPTH = 64
#: Digits and decimal exponent a number may have: thresholds and counts need far fewer.
MAX_DIGITS = 40
MAX_EXPONENT = 40


class InputError(SdoSimError):
    """A file or value the user gave cannot be read as it stands."""


class SettingError(SdoSimError):
    """An environment variable sdo_sim reads holds a value it cannot use (not the fault of any file)."""


def positive_setting(name: str, unit: str) -> float | None:
    """The finite number above 0 an environment variable holds, None if unset, else a SettingError."""
    text = os.environ.get(name)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise SettingError(f"{name}: expected a positive number of {unit}, got {text!r}")
    return number


def size_cap(kind: str) -> int:
    """The size cap for a kind of file, in bytes (`SDO_SIM_MAX_INPUT_MB` raises or lowers it)."""
    megabytes = positive_setting(CAP_VARIABLE, "MiB")
    return SIZE_CAPS[kind] if megabytes is None else max(1, int(megabytes * MIB))


def item_cap(kind: str) -> int:
    """The item cap for a kind of file (`SDO_SIM_MAX_INPUT_ITEMS` raises or lowers it)."""
    items = positive_setting(ITEM_VARIABLE, "items")
    return ITEM_CAPS[kind] if items is None else max(1, int(min(items, 1e18)))


def items_message(kind: str, cap: int, counted: str) -> str:
    """Why a file with too many items is refused, and how to allow it."""
    return (
        f"holds more than {cap:,} items ({counted}), the limit for {kind} files "
        f"(set the environment variable {ITEM_VARIABLE} to raise it)"
    )


def check_items(text: str, marks: str, kind: str, counted: str) -> None:
    """Refuse, before parsing, text in which `marks` (each one an item or more) exceed the cap."""
    cap = item_cap(kind)
    if sum(text.count(mark) for mark in marks) > cap:  # str.count: about 0.1 s for 256 MiB
        raise InputError(items_message(kind, cap, counted))


def _cap_message(kind: str, cap: int) -> str:
    return (
        f"larger than {cap / MIB:g} MiB, the limit for {kind} files "
        f"(set the environment variable {CAP_VARIABLE} to raise it)"
    )


def read_bytes(path: Path, kind: str) -> bytes:
    """At most the cap's bytes of a regular file (or a pipe), or an InputError saying why not."""
    cap = size_cap(kind)
    try:
        with open(path, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise InputError("is a folder, not a file")
            if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
                raise InputError(f"is not a regular file; give a {kind} file")
            size = os.fstat(handle.fileno()).st_size if stat.S_ISREG(mode) else None
            if size is not None and size > cap:
                raise InputError(_cap_message(kind, cap))
            # a pipe, or a file still growing, is cut at the cap too
            data = _read_at_most(handle, cap + 1, READ_CHUNK if size is None else size + 1)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file") from None
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})") from None
    if len(data) > cap:
        raise InputError(_cap_message(kind, cap))
    return data


def _read_at_most(handle: Any, limit: int, first: int = READ_CHUNK) -> bytes:
    """Up to `limit` bytes, in chunks: read(limit) would allocate all of a huge cap at once."""
    chunks: list[bytes] = []
    left, size = limit, first  # a regular file's size as the first chunk: one read, no copy
    while left > 0:
        chunk = handle.read(min(left, size))
        size = READ_CHUNK
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_stdin(kind: str) -> bytes:
    """At most the cap's bytes of standard input."""
    cap = size_cap(kind)
    data = _read_at_most(sys.stdin.buffer, cap + 1)
    if len(data) > cap:
        raise InputError(_cap_message(kind, cap))
    return data


def decode(data: bytes) -> str:
    """UTF-8 text, or an InputError naming the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"is not UTF-8 text (bad byte at offset {error.start})") from None


def check_number_text(text: str) -> Decimal | None:
    """The decimal `text` holds (None if it holds none), refused if its digits or exponent no rule
    parameter or count needs."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        raise InputError(f"number {shorten(text)} is not finite; give a finite number")
    digits = len(number.as_tuple().digits)
    if digits > MAX_DIGITS or (number and abs(number.adjusted()) > MAX_EXPONENT):
        raise InputError(
            f"number {shorten(text)} is out of range: at most {MAX_DIGITS} digits, "
            f"magnitudes from 1e-{MAX_EXPONENT} to 1e{MAX_EXPONENT}"
        )
    return number


def _json_float(text: str) -> Decimal:
    number = check_number_text(text)
    return Decimal(text) if number is None else number


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise InputError(f"number {shorten(text)} is out of range: at most {MAX_DIGITS} digits")
    return int(text)


def _json_constant(name: str) -> Any:
    raise InputError(f"{name} is not a number JSON allows; give a finite number")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(f"key {shorten(key)!r} appears twice in one object")
        out[key] = value
    return out


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def load_json(text: str, kind: str = "ballot") -> Any:
    """A JSON document with exact decimals; duplicate keys, NaN, lone surrogates, deep nesting and more
    items than the kind's cap refused."""
    # every list and object opens with [ or {, every further item follows a comma (some sit in strings)
    check_items(text, "[{,", kind, "each [, { and , counts")
    try:
        document = json.loads(
            text,
            parse_float=_json_float,
            parse_int=_json_int,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise InputError("not valid JSON here: nested too deeply (a ballot needs 3 levels)") from None
    if _SURROGATE_ESCAPE.search(text):
        _check_strings(document)
    return document


def _check_strings(document: Any) -> None:
    """Refuse strings that cannot be written back as UTF-8 (lone surrogates such as \\ud800)."""
    stack = [document]
    while stack:
        node = stack.pop()
        items: list[Any] = []
        if isinstance(node, dict):
            items = [*node.keys(), *node.values()]
        elif isinstance(node, list):
            items = node
        elif isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(
                    f"string '{shorten(node)}' holds a lone surrogate (\\ud800-\\udfff); "
                    "give valid Unicode text"
                ) from None
        stack.extend(items)


class SafeYamlLoader(yaml.SafeLoader):
    """YAML 1.2-style booleans (only true/false: `no` and `NO` stay strings), bounded and unambiguous:
    no aliases, no duplicate keys, at most MAX_DEPTH levels and the kind's ITEM_CAPS nodes, numbers
    within MAX_DIGITS."""

    def __init__(self, stream: Any, kind: str = "scenario") -> None:
        super().__init__(stream)
        self._depth = 0
        self._kind, self._items_left = kind, item_cap(kind)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed; write the value out or use extends:",
                event.start_mark,
            )  # fmt: skip
        self._items_left -= 1  # PyYAML reads lazily: stopping here stops the scanning too
        if self._items_left < 0:
            cap = item_cap(self._kind)
            raise InputError(items_message(self._kind, cap, "lists, mappings and values"))
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:
                    continue  # an unhashable key: the base class reports it
                if first is not key_node:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {shorten(str(key))!r} appears twice "
                        f"(first at line {first.start_mark.line + 1})", key_node.start_mark,
                    )  # fmt: skip
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> int:
        digits = str(node.value).lstrip("+-").replace("_", "")
        if len(digits) > MAX_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"number {shorten(node.value)} has more than {MAX_DIGITS} digits", node.start_mark
            )
        return super().construct_yaml_int(node)


SafeYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SafeYamlLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
SafeYamlLoader.add_constructor("tag:yaml.org,2002:int", SafeYamlLoader.construct_yaml_int)


def load_yaml(text: str, kind: str = "scenario") -> Any:
    """One YAML document read by SafeYamlLoader, or an InputError naming the line."""
    try:
        loader = SafeYamlLoader(text, kind)  # refuses control characters at once
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as error:  # has no mark: name the character and where it is
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise InputError(
            f"not valid YAML: character U+{code:04X} (at character {error.position + 1}) is not allowed"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise InputError(f"not valid YAML: {printable(problem)}{where}") from None
    except (ValueError, OverflowError, RecursionError) as error:
        raise InputError(f"not valid YAML: {printable(str(error))}") from None


# Bidirectional controls (U+061C, U+200E/F, U+202A-E, U+2066-9) too: they reorder what a terminal
# shows, so an id or message could read as something it is not ("Trojan source", CVE-2021-42574).
_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def printable(text: str) -> str:
    """Text safe to print on a terminal: control, bidirectional and lone surrogate characters escaped."""
    return _CONTROL.sub(
        lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text
    )


def shorten(text: str, limit: int = 40) -> str:
    """A printable prefix of a long value for an error message."""
    text = printable(str(text))
    return text if len(text) <= limit else text[: limit - 3] + "..."
