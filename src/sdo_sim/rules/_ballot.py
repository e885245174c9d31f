"""Reading JSON ballots: validate fields, resolve parameters, count votes.

The vote counting runs in C-level passes (`map`, `list.count`, `compress`) rather than a Python
loop per voter, so a 200-voter ballot is validated and counted in tens of microseconds. When a
pass fails, `_diagnose` walks the entries once more to name the first bad one precisely.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property
from itertools import chain, compress, repeat
from numbers import Integral
from operator import eq, itemgetter
from typing import Any

from sdo_sim.errors import BallotError
from sdo_sim.rules._core import Procedure, show

YES_NO_ABSTAIN = ("yes", "no", "abstain")
_get_voter = itemgetter("voter")
_get_position = itemgetter("position")
_dget = dict.get


def allowed(values: tuple[str | None, ...] | frozenset[str]) -> str:
    """A list of allowed values for an error message."""
    names = ["null" if v is None else v for v in values]
    return ", ".join(sorted(names)) if isinstance(values, frozenset) else ", ".join(names)


def describe(value: object) -> str:
    """A short JSON-like rendering of a bad value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) > 10**40:
        return f"a whole number of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_fields(ballot: Mapping[str, Any], procedure: Procedure) -> None:
    """Reject top-level keys the procedure does not read, so that typos never pass silently."""
    known = procedure.fields | {"procedure", "params", "id", "note"}
    for key in ballot:
        if key not in known:
            raise BallotError(key, f"unknown field for {procedure.id}; allowed: {allowed(frozenset(known))}")


def require(ballot: Mapping[str, Any], name: str, kind: type, what: str) -> Any:
    """A required field of the given JSON type."""
    if name not in ballot:
        raise BallotError(name, f"missing; {what}")
    return expect(ballot[name], name, kind, what)


def optional(ballot: Mapping[str, Any], name: str, kind: type, default: Any, what: str) -> Any:
    """An optional field of the given JSON type, or its default."""
    if name not in ballot:
        return default
    return expect(ballot[name], name, kind, what)


#: Largest whole number a ballot may hold (counts and integer parameters): no SDO has more voters.
MAX_WHOLE = 10**15
#: Digits a written parameter may have: thresholds such as 71/100 or 0.6667 need a handful.
MAX_DIGITS = 40


def expect(value: Any, field: str, kind: type, what: str) -> Any:
    """Check a value's JSON type (bools are not integers here)."""
    if kind is int:
        ok = isinstance(value, Integral) and not isinstance(value, bool)
        if ok and not -MAX_WHOLE <= value <= MAX_WHOLE:
            raise BallotError(field, f"got {describe(value)}; must be at most {MAX_WHOLE:,} in size")
    elif kind is bool:
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise BallotError(field, f"got {describe(value)}; {what}")
    return value


# str.isdigit() takes '²' and int() then fails; ASCII digits only, one optional sign.
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)


def _to_fraction(value: Any) -> Fraction | None:
    """An exact number from a JSON number or a text like '2/3' or '0.71'; None if it is not one.

    Exponents and digit counts are bounded first: Fraction('1e999999999') would compute a
    billion-digit integer (issue 7)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value) if abs(value) <= MAX_WHOLE else None
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        # A float that reached us was not parsed by our JSON reader: go through its shortest
        # decimal form so that 0.71 means 71/100, not the nearest binary double.
        value = Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_DIGITS + 2:
            return None
        if "/" in text:
            top, _, bottom = text.partition("/")
            top, bottom = top.strip(), bottom.strip()
            if not (_WHOLE.fullmatch(top) and _WHOLE.fullmatch(bottom)) or bottom.startswith("-"):
                return None
            if int(bottom) == 0:
                return None
            return Fraction(int(top), int(bottom))
        if not _DECIMAL.fullmatch(text):  # ASCII only: Decimal() would take '١' or '1_0'
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
    if isinstance(value, Decimal):
        if not value.is_finite() or len(value.as_tuple().digits) > MAX_DIGITS:
            return None
        if value and abs(value.adjusted()) > MAX_DIGITS:
            return None
        return Fraction(value)
    return None


def resolve_params(procedure: Procedure, raw: Any) -> dict[str, Any]:
    """The procedure's parameters: defaults overridden by the ballot's `params` object."""
    values = procedure.defaults()
    if raw is None:
        return values
    if not isinstance(raw, Mapping):
        raise BallotError("params", f"got {describe(raw)}; must be an object of parameter values")
    by_name = {p.name: p for p in procedure.params}
    for name, value in raw.items():
        param = by_name.get(name)
        field = f"params.{name}"
        if param is None:
            names = ", ".join(by_name) or "none"
            raise BallotError(field, f"unknown parameter for {procedure.id}; allowed: {names}")
        if param.kind == "fraction":
            parsed = _to_fraction(value)
            if parsed is None:
                raise BallotError(
                    field, f"got {describe(value)}; must be a finite number or a ratio like '2/3' "
                    f"(at most {MAX_DIGITS} digits)",
                )  # fmt: skip
        elif param.kind == "int":
            parsed = expect(value, field, int, "must be a whole number")
        elif param.kind == "bool":
            parsed = expect(value, field, bool, "must be true or false")
        else:
            if value not in param.choices:
                raise BallotError(field, f"got {describe(value)}; allowed: {allowed(param.choices)}")
            parsed = value
        lo, hi = param.minimum, param.maximum
        if (lo is not None and parsed < lo) or (hi is not None and parsed > hi):
            bounds = f"from {show(lo)} to {show(hi)}" if hi is not None else f"at least {show(lo)}"
            raise BallotError(field, f"got {describe(value)}; must be {bounds}")
        values[name] = parsed
    return values


@dataclass(frozen=True)
class VoteSpec:
    """What one procedure's vote entries may hold."""

    positions: tuple[str | None, ...] = YES_NO_ABSTAIN
    classes: tuple[str, ...] = ()
    default_class: str | None = None
    flags: tuple[tuple[str, bool], ...] = ()
    strings: tuple[str, ...] = ()  # optional free-text fields, e.g. "group"
    position_key: str = "position"
    voter_key: str = "voter"
    unique: bool = True

    @cached_property
    def keys(self) -> frozenset[str]:
        """Every key an entry may have."""
        extra = (name for name, _ in self.flags)
        base = (self.voter_key, self.position_key, "note")
        return frozenset(chain(base, ("class",) if self.classes else (), extra, self.strings))

    @cached_property
    def position_set(self) -> frozenset[str | None]:
        return frozenset(self.positions)

    @cached_property
    def class_set(self) -> frozenset[str]:
        return frozenset(self.classes)


@dataclass
class Votes:
    """A validated vote list as parallel columns."""

    voters: list[str]
    positions: list[str]
    classes: list[str]
    flags: dict[str, list[bool]]
    strings: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.positions)

    def of_class(self, cls: str) -> list[str]:
        """Positions of the voters of one class."""
        matching = self.classes.count(cls)
        if matching == len(self.classes):
            return self.positions
        if matching == 0:
            return []
        return list(compress(self.positions, map(eq, self.classes, repeat(cls))))


_MISSING: Any = object()


def read_votes(ballot: Mapping[str, Any], field: str, spec: VoteSpec, required: bool = True) -> Votes:
    """Validate and column the vote list `ballot[field]` (clear error on the first bad entry)."""
    if field not in ballot:
        if required:
            raise BallotError(field, 'missing; must be a list of {"voter", "position"} objects')
        entries: Any = []
    else:
        entries = ballot[field]
    if not isinstance(entries, list):
        raise BallotError(field, f"got {describe(entries)}; must be a list of vote objects")
    n = len(entries)
    try:
        voters = list(map(itemgetter(spec.voter_key), entries))
        positions = list(map(itemgetter(spec.position_key), entries))
        key_count = 2 * n
        classes: list[Any] = []
        if spec.classes:
            classes = list(map(_dget, entries, repeat("class"), repeat(_MISSING)))
            missing = classes.count(_MISSING)
            key_count += n - missing
            if missing:
                if spec.default_class is None:
                    raise KeyError("class")
                default = spec.default_class
                classes = [default if c is _MISSING else c for c in classes]
        "".join(voters)  # raises TypeError unless every voter is a string
        ok = (
            (not spec.unique or len(set(voters)) == n)
            and "" not in voters
            and set(positions) <= spec.position_set
            and (not spec.classes or set(classes) <= spec.class_set)
        )
        if sum(map(len, entries)) == key_count:
            # No entry has an optional key, so none has an unknown one either.
            flags = {name: [default] * n for name, default in spec.flags}
            strings: dict[str, list[Any]] = {name: [None] * n for name in spec.strings}
        else:
            flags = {
                name: list(map(_dget, entries, repeat(name), repeat(default))) for name, default in spec.flags
            }
            strings = {name: list(map(_dget, entries, repeat(name))) for name in spec.strings}
            ok = (
                ok
                and all(set(map(type, column)) <= {bool} for column in flags.values())
                and all(set(map(type, column)) <= {str, type(None)} for column in strings.values())
                and all(map(spec.keys.issuperset, entries))
            )
    except (KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        _diagnose(entries, field, spec)
    return Votes(voters, positions, classes, flags, strings)


def _diagnose(entries: list[Any], field: str, spec: VoteSpec) -> None:
    """Raise the precise error for the first bad entry (the slow path, taken only on bad input)."""
    seen: dict[str, int] = {}
    keys = spec.keys
    for i, entry in enumerate(entries):
        where = f"{field}[{i}]"
        if not isinstance(entry, dict):
            raise BallotError(where, f"got {describe(entry)}; must be an object with voter and position")
        for key in entry:
            if key not in keys:
                raise BallotError(f"{where}.{key}", f"unknown field; allowed: {allowed(keys)}")
        for key in (spec.voter_key, spec.position_key):
            if key not in entry:
                raise BallotError(f"{where}.{key}", "missing; every entry needs it")
        voter = entry.get(spec.voter_key)
        if not isinstance(voter, str) or not voter:
            raise BallotError(
                f"{where}.{spec.voter_key}", f"got {describe(voter)}; must be a non-empty string"
            )
        if spec.unique and voter in seen:
            raise BallotError(
                f"{where}.{spec.voter_key}",
                f"{voter!r} is listed twice (also at {field}[{seen[voter]}])",
            )
        seen[voter] = i
        position = entry.get(spec.position_key)
        if not isinstance(position, str | None) or position not in spec.positions:
            raise BallotError(
                f"{where}.{spec.position_key}",
                f"got {describe(position)}; allowed: {allowed(spec.positions)}",
            )
        if spec.classes:
            if "class" not in entry and spec.default_class is None:
                raise BallotError(f"{where}.class", f"missing; allowed: {allowed(spec.classes)}")
            cls = entry.get("class", spec.default_class)
            if not isinstance(cls, str) or cls not in spec.classes:
                hint = "" if spec.default_class else " (required)"
                raise BallotError(
                    f"{where}.class", f"got {describe(cls)}; allowed: {allowed(spec.classes)}{hint}"
                )
        for name, _ in spec.flags:
            if name in entry and not isinstance(entry[name], bool):
                raise BallotError(f"{where}.{name}", f"got {describe(entry[name])}; must be true or false")
        for name in spec.strings:
            if name in entry and not isinstance(entry[name], str | None):
                raise BallotError(f"{where}.{name}", f"got {describe(entry[name])}; must be a string")
    raise AssertionError("vote list failed validation but no bad entry was found")  # pragma: no cover


def read_count(ballot: Mapping[str, Any], path: str, value: Any, minimum: int = 0) -> int:
    """A whole-number count of at least `minimum`."""
    expect(value, path, int, "must be a whole number")
    if value < minimum:
        raise BallotError(path, f"got {value}; must be at least {minimum}")
    return int(value)
