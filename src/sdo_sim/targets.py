"""Calibration targets: observed figures with their sources (data/targets.csv) and the metrics that
measure the same thing in a run's tables.

Every metric is a plain function `metric(result, **params) -> float` over a `RunResult`; it returns
NaN when the run has nothing it could count (no adopted proposal with that topic, no holding of that
post), so a score can say "not computable" instead of inventing a zero. Exact definitions, with the
sources they match, are in docs/calibration.md.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sdo_sim.errors import SdoSimError
from sdo_sim.inputs import InputError, check_items, decode, read_bytes, shorten

if TYPE_CHECKING:
    from sdo_sim.results import RunResult
    from sdo_sim.scenario import Scenario

#: sdo_sim's own target table, in the checkout the package runs from.
PROJECT_TARGETS = Path(__file__).resolve().parents[2] / "data" / "targets.csv"
VENUE_KINDS = ("itu-t", "iso", "3gpp", "ietf")
#: The gate at which each venue kind adopts a proposal as a work item (its first gate): ITU-T's
#: Question (Res. 1 §7.2), ISO's NP ballot, 3GPP's work-item approval, an IETF WG's adoption call.
ADOPTION_STAGES = frozenset({"question", "NP", "work-item", "adoption"})
#: A month, in the model's weeks (52 weeks a year).
WEEKS_PER_MONTH = 52 / 12
COLUMNS = ("target", "scenario_kind_or_case", "metric", "params", "value", "low", "high", "unit", "source",
           "note")  # fmt: skip
#: A source: a report and line(s), `001:L1182` or `001:L1319-1323`, several joined by `;`.
SOURCE = re.compile(r"^\d{3}:L\d+(-L?\d+)?$")
TARGET_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class TargetError(SdoSimError):
    """A target table, row or selection that cannot be used: names the file, the field and the fix."""


# --- metrics ----------------------------------------------------------------------------------


def _names(value: str | None) -> list[str] | None:
    """A `|`-separated list of names (a venue, post or bloc list), None when not given."""
    return None if value is None else [part for part in value.split("|") if part]


def _proposals(result: RunResult, venue: str | None, topic: str | None, bloc: str | None) -> pd.DataFrame:
    """The proposals table restricted to the venues, topics and proponent blocs given."""
    table = result.proposals
    for column, wanted in (("venue", venue), ("topic", topic), ("bloc", bloc)):
        names = _names(wanted)
        if names is not None:
            table = table[table[column].isin(names)]
    return table


def _adoption_weeks(result: RunResult) -> pd.Series:
    """Week each proposal was adopted as a work item (its first approved adoption gate), by id."""
    d = result.decisions
    adopted = d[d["stage"].isin(ADOPTION_STAGES) & d["approved"].astype(bool)]
    return adopted.groupby("proposal")["week"].min()


def _status(
    result: RunResult, topic: str | None, venue: str | None, bloc: str | None, week: int | None
) -> tuple[int, int, int]:
    """(adopted, approved, failed) among the matching proposals adopted by `week` (None: the run's end)."""
    table = _proposals(result, venue, topic, bloc)
    adopted_at = _adoption_weeks(result)
    table = table[table["proposal"].isin(adopted_at.index)]
    decided = table["decided"].notna()
    if week is not None:
        table = table[table["proposal"].map(adopted_at) <= week]
        decided = table["decided"].notna() & (table["decided"].fillna(week + 1) <= week)
    approved = int((decided & table["approved"].astype(bool)).sum())
    failed = int((decided & ~table["approved"].astype(bool)).sum())
    return len(table), approved, failed


def approved_share(result: RunResult, topic: str | None = None, venue: str | None = None,
                   bloc: str | None = None, week: int | None = None) -> float:  # fmt: skip
    """Of the proposals adopted as work items (by `week`), the share approved (by `week`)."""
    adopted, approved, _ = _status(result, topic, venue, bloc, week)
    return approved / adopted if adopted else math.nan


def under_study_share(result: RunResult, topic: str | None = None, venue: str | None = None,
                      bloc: str | None = None, week: int | None = None) -> float:  # fmt: skip
    """Of the proposals adopted as work items (by `week`), the share still open (at `week`)."""
    adopted, approved, failed = _status(result, topic, venue, bloc, week)
    return (adopted - approved - failed) / adopted if adopted else math.nan


def discontinued_share(result: RunResult, topic: str | None = None, venue: str | None = None,
                       bloc: str | None = None, week: int | None = None) -> float:  # fmt: skip
    """Of the proposals adopted as work items (by `week`), the share closed without approval."""
    adopted, _, failed = _status(result, topic, venue, bloc, week)
    return failed / adopted if adopted else math.nan


def approval_rate(result: RunResult, bloc: str | None = None, venue: str | None = None,
                  topic: str | None = None) -> float:  # fmt: skip
    """Of the decided proposals (adopted or not), the share approved: the summary's approval rate."""
    table = _proposals(result, venue, topic, bloc)
    decided = table[table["decided"].notna()]
    return float(decided["approved"].astype(bool).mean()) if len(decided) else math.nan


def median_months_to_decision(result: RunResult, venue: str | None = None, outcome: str | None = None,
                              topic: str | None = None, bloc: str | None = None) -> float:  # fmt: skip
    """Median months (52/12 weeks) from submission to final decision; `outcome` approved, failed or
    an outcome word (published, discontinued ...)."""
    table = _proposals(result, venue, topic, bloc)
    table = table[table["decided"].notna()]
    if outcome == "approved":
        table = table[table["approved"].astype(bool)]
    elif outcome == "failed":
        table = table[~table["approved"].astype(bool)]
    elif outcome is not None:
        table = table[table["outcome"].isin(_names(outcome) or [])]
    if not len(table):
        return math.nan
    return float(np.median(table["weeks_to_decision"].astype(float))) / WEEKS_PER_MONTH


def posts_share(result: RunResult, bloc: str, posts: str | None = None, venue: str | None = None,
                week: int | None = None) -> float:  # fmt: skip
    """Share of the posts (titles `posts`) held at `week` (None: at the run's end) by members of `bloc`."""
    table = result.posts
    for column, wanted in (("venue", venue), ("post", posts)):
        names = _names(wanted)
        if names is not None:
            table = table[table[column].isin(names)]
    if week is None:
        held = table[table["end"].isna()]
    else:
        held = table[(table["start"] <= week) & (table["end"].isna() | (table["end"].fillna(0) > week))]
    return float((held["bloc"] == bloc).mean()) if len(held) else math.nan


def proposal_count(result: RunResult, venue: str | None = None, topic: str | None = None,
                   bloc: str | None = None) -> float:  # fmt: skip
    """Number of proposals submitted (scripted, generated and resubmitted alike)."""
    return float(len(_proposals(result, venue, topic, bloc)))


@dataclass(frozen=True)
class Metric:
    """A registered metric: its function, the parameters it takes, and what it needs to be computable."""

    function: Callable[..., float]
    params: dict[str, Callable[[str], Any]]
    needs: str

    @property
    def doc(self) -> str:
        """The function's one-line definition."""
        return " ".join((self.function.__doc__ or "").split())


def _week(text: str) -> int | None:
    """A week number, or `end` for the run's last week."""
    if text == "end":
        return None
    if not text.isdigit() or int(text) > 5200:
        raise ValueError("a week from 0 to 5200, or end")
    return int(text)


def _name(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._:|-]+", text):
        raise ValueError("names of letters, digits and . _ : - (several joined by |)")
    return text


_FILTERS = {"venue": _name, "topic": _name, "bloc": _name}
_STATUS = {**_FILTERS, "week": _week}
ADOPTED, DECIDED = "proposal adopted as a work item", "decided proposal"
METRICS: dict[str, Metric] = {
    "approved_share": Metric(approved_share, _STATUS, ADOPTED),
    "under_study_share": Metric(under_study_share, _STATUS, ADOPTED),
    "discontinued_share": Metric(discontinued_share, _STATUS, ADOPTED),
    "approval_rate": Metric(approval_rate, _FILTERS, DECIDED),
    "median_months_to_decision": Metric(median_months_to_decision, {**_FILTERS, "outcome": _name}, DECIDED),
    "posts_share": Metric(posts_share, {"bloc": _name, "posts": _name, "venue": _name, "week": _week},
                          "post held"),
    "proposal_count": Metric(proposal_count, _FILTERS, "proposal"),
}  # fmt: skip
REQUIRED_PARAMS = {"posts_share": ("bloc",)}


# --- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One observed figure the model should reproduce, with its band and its source."""

    id: str
    applies_to: str  # a venue kind (itu-t, iso, 3gpp, ietf) or a case: a scenario file's stem
    metric: str
    params: dict[str, Any] = field(default_factory=dict)
    value: float = math.nan
    low: float = math.nan
    high: float = math.nan
    unit: str = ""
    source: str = ""
    note: str = ""

    @property
    def params_text(self) -> str:
        """The parameters as written in the table (`key=value;key=value`)."""
        return ";".join(f"{k}={'end' if v is None else v}" for k, v in self.params.items())

    def computable_note(self) -> str:
        """Why the metric gave NaN in every run: what it needed and did not find."""
        filters = self.params_text
        return f"not computable: no {METRICS[self.metric].needs}" + (f" with {filters}" if filters else "")


def parse_params(text: str, metric: str, where: str) -> dict[str, Any]:
    """`key=value;key=value` as the metric's typed parameters, or a TargetError naming the key."""
    accepted = METRICS[metric].params
    out: dict[str, Any] = {}
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        key, sep, value = (s.strip() for s in item.partition("="))
        if not sep or not key or not value:
            raise TargetError(f"{where}: got {shorten(item)!r}; write key=value pairs joined by ;")
        if key not in accepted:
            raise TargetError(f"{where}: {metric} takes no parameter {shorten(key)!r}; "
                              f"it takes: {', '.join(accepted)}")  # fmt: skip
        if key in out:
            raise TargetError(f"{where}: {key} is given twice")
        try:
            out[key] = accepted[key](value)
        except ValueError as error:
            raise TargetError(f"{where}.{key}: got {shorten(value)!r}; must be {error}") from None
    for key in REQUIRED_PARAMS.get(metric, ()):
        if key not in out:
            raise TargetError(f"{where}: {metric} needs {key}=...")
    return out


def _number(row: dict[str, str], key: str, where: str) -> float:
    text = (row.get(key) or "").strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > 1e12:
        raise TargetError(f"{where}.{key}: got {shorten(text)!r}; must be a number")
    return number


def _target(row: dict[str, str], where: str) -> Target:
    """One row of the table, checked field by field."""
    name = (row.get("target") or "").strip()
    if not TARGET_ID.fullmatch(name):
        raise TargetError(f"{where}.target: got {shorten(name)!r}; must be an id of lower-case letters, "
                          "digits and . _ -")  # fmt: skip
    applies = (row.get("scenario_kind_or_case") or "").strip()
    if not TARGET_ID.fullmatch(applies):
        raise TargetError(f"{where}.scenario_kind_or_case: got {shorten(applies)!r}; must be a venue kind "
                          f"({', '.join(VENUE_KINDS)}) or a case's file name without .yaml")  # fmt: skip
    metric = (row.get("metric") or "").strip()
    if metric not in METRICS:
        raise TargetError(f"{where}.metric: got {shorten(metric)!r}; metrics: {', '.join(METRICS)}")
    params = parse_params(row.get("params") or "", metric, f"{where}.params")
    value, low, high = (_number(row, key, where) for key in ("value", "low", "high"))
    if not low < high:
        raise TargetError(f"{where}.low: {low:g} must be below high ({high:g})")
    if not low <= value <= high:
        raise TargetError(f"{where}.value: {value:g} must lie within low..high ({low:g}..{high:g})")
    sources = [s.strip() for s in (row.get("source") or "").split(";")]
    if not all(SOURCE.fullmatch(s) for s in sources):
        raise TargetError(f"{where}.source: got {shorten(row.get('source') or '')!r}; name the report and "
                          "line, e.g. 001:L1182 (several joined by ;)")  # fmt: skip
    unit = (row.get("unit") or "").strip()
    if not unit:
        raise TargetError(f"{where}.unit: is empty; give the unit (share, months, count)")
    return Target(name, applies, metric, params, value, low, high, unit, ";".join(sources),
                  (row.get("note") or "").strip())  # fmt: skip


def read_targets(path: str | Path) -> list[Target]:
    """Every target in a CSV table (data/targets.csv), or a TargetError naming the file, line and field."""
    source = str(path)
    try:
        text = decode(read_bytes(Path(path), "calibration"))
        check_items(text, ",\n\r", "calibration", "each comma and line counts")  # before csv builds rows
    except InputError as error:
        raise TargetError(f"{source}: {error}") from None
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise TargetError(f"{source}: not a valid CSV file ({error})") from None
    missing = [c for c in COLUMNS if not rows or c not in rows[0]]
    if missing:
        raise TargetError(f"{source}: needs a header with the columns {', '.join(COLUMNS)} and rows below "
                          f"it (missing: {', '.join(missing)})")  # fmt: skip
    targets: list[Target] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if None in row:  # more cells than the header has columns
            raise TargetError(f"{source}: line {line}: has more cells than the header's {len(rows[0])}")
        target = _target(row, f"{source}: line {line}")
        if target.id in seen:
            raise TargetError(
                f"{source}: line {line}.target: {target.id!r} is also on line {seen[target.id]}"
            )
        seen[target.id] = line
        targets.append(target)
    return targets


def select(
    targets: list[Target],
    scenario: Scenario,
    scenario_path: str | Path | None,
    ids: list[str] | None = None,
    source: str = "targets",
) -> tuple[list[Target], list[str]]:
    """(targets to score, notes on those skipped): the given ids, else those whose venue kind the
    scenario has or whose case is the scenario file."""
    if ids:
        by_id = {t.id: t for t in targets}
        for wanted in ids:
            if wanted not in by_id:
                known = ", ".join(by_id)
                raise TargetError(f"--target: no target {shorten(wanted)!r} in {source}; targets: "
                                  f"{shorten(known, 400)}")  # fmt: skip
        return [by_id[i] for i in dict.fromkeys(ids)], []
    kinds = {venue.kind for venue in scenario.venues}
    stem = Path(scenario_path).stem if scenario_path is not None else None
    chosen = [t for t in targets if t.applies_to in kinds or t.applies_to == stem]
    others: dict[str, int] = {}
    for t in targets:
        if t not in chosen:
            label = t.applies_to if t.applies_to in VENUE_KINDS else f"case {t.applies_to}"
            others[label] = others.get(label, 0) + 1
    if not others:
        return chosen, []
    counts = ", ".join(f"{label}: {n}" for label, n in others.items())
    return chosen, [f"skipped {sum(others.values())} targets for other scenarios ({counts}); "
                    "select any of them with --target"]  # fmt: skip


def bind(target: Target, scenario: Scenario) -> dict[str, Any]:
    """The metric's parameters for this scenario: a venue-kind target counts only that kind's venues."""
    params = dict(target.params)
    accepted = METRICS[target.metric].params
    if target.applies_to in VENUE_KINDS and "venue" in accepted and "venue" not in params:
        ids = [venue.id for venue in scenario.venues if venue.kind == target.applies_to]
        params["venue"] = "|".join(ids) if ids else "|"  # "|": no venue, so the metric gives NaN
    return params


def measure(result: RunResult, metric: str, params: dict[str, Any]) -> float:
    """One metric of one run."""
    return float(METRICS[metric].function(result, **params))
