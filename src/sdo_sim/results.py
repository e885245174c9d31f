"""A run's tidy tables, its summary metrics, and writing them so that no half-written result survives."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sdo_sim.output import OutputError, write_folder
from sdo_sim.population import ABSENT, ABSTAIN, NO, YES

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel

#: Gates decided by counting votes, where "yes > no but not approved" means a minority blocked.
VOTED = frozenset({"iso.np", "iso.cd", "iso.dis", "iso.fdis", "itu-t.aap.meeting", "itu-t.tap.meeting",
                   "itu-t.tap.consultation", "itu-t.question", "3gpp.vote"})  # fmt: skip
#: Failures on the count itself (not for want of experts, replies or supporters).
VOTE_FAILURES = frozenset({"not-approved", "not-authorised"})
# Explicit column types, so that an empty run's tables combine with others in a sweep.
PROPOSAL_TYPES: dict[str, Any] = {
    "proposal": str, "venue": str, "body": str, "proponent": str, "bloc": str, "submitted": "int64",
    "decided": "Int64", "weeks_to_decision": "Int64", "outcome": str, "approved": bool, "stage": str,
    "procedure": str, "track": str, "quality": "float64", "gates": "int64", "supported_by": str,
    "opposed_by": str, "topic": str, "resubmitted_from": str, "work_item": str,
}  # fmt: skip
DECISION_TYPES: dict[str, Any] = {
    "decision": "int64", "week": "int64", "venue": str, "body": str, "proposal": str, "stage": str,
    "procedure": str, "approved": bool, "outcome": str, "reason": str, "yes": "Int64", "no": "Int64",
    "cast": "Int64", "present": "Int64", "against": "Int64", "supporters": "Int64", "counts": str,
    "proponent_bloc": str,
}  # fmt: skip
#: Significant digits of the floats in CSV tables: every share of counts the model writes needs fewer,
#: and binary noise (0.49999999999999983 for 0.5) lies beyond them. Parquet keeps full precision.
CSV_DIGITS = 10
POSITION_WORDS = {YES: "yes", NO: "no", ABSTAIN: "abstain", ABSENT: "absent"}
TABLES = ("proposals", "decisions", "positions", "acts", "timeseries", "events", "posts", "summary")
POST_TYPES: dict[str, Any] = {"venue": str, "post": str, "holder": str, "bloc": str, "start": "int64",
                              "end": "Int64"}  # fmt: skip
__all__ = ["OutputError", "RunResult", "collect", "summarise", "summary_blocs", "write"]


@dataclass
class RunResult:
    """The tables of one run, as DataFrames, and its manifest."""

    proposals: pd.DataFrame
    decisions: pd.DataFrame
    timeseries: pd.DataFrame
    summary: pd.DataFrame
    manifest: dict[str, Any]
    positions: pd.DataFrame | None = None
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"week": [], "kind": [], "event": []}))
    posts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({name: [] for name in POST_TYPES}).astype(POST_TYPES)
    )
    tables: tuple[str, ...] = field(default=TABLES)
    acts: pd.DataFrame | None = None  # what posts did to proposals, kept with the positions (reasons.py)


def _blocs_with(model: SDOModel, lines: Any, stance: int) -> str:
    """The blocs whose line on a proposal was `stance`, comma-separated (the no-bloc row excluded)."""
    names = model.population.bloc_names
    return ",".join(name for name, line in zip(names, lines, strict=False) if line == stance)


def collect(model: SDOModel, manifest: dict[str, Any]) -> RunResult:
    """The run's tables from a finished model."""
    pop = model.population
    proposals = pd.DataFrame(
        [
            {
                "proposal": p.id,
                "venue": p.venue,
                "body": model.venue_by_id[p.venue].spec.body,
                "proponent": pop.names[p.proponent],
                "bloc": model.bloc_name(p.bloc),
                "submitted": p.submitted,
                "decided": p.decided,
                "weeks_to_decision": None if p.decided is None else p.decided - p.submitted,
                "outcome": p.outcome,
                "approved": p.approved,
                "stage": p.stage,
                "procedure": p.procedure,
                "track": p.track,
                "quality": round(p.quality, 6),
                "gates": len(p.gates),
                # the blocs whose line was yes / no when it was submitted (coordination.py)
                "supported_by": _blocs_with(model, p.lines, YES),
                "opposed_by": _blocs_with(model, p.lines, NO),
                "topic": p.topic,
                "resubmitted_from": p.resubmitted_from,
                "work_item": p.work_item,
            }
            for p in model.proposals
        ],
        columns=[
            "proposal",
            "venue",
            "body",
            "proponent",
            "bloc",
            "submitted",
            "decided",
            "weeks_to_decision",
            "outcome",
            "approved",
            "stage",
            "procedure",
            "track",
            "quality",
            "gates",
            "supported_by",
            "opposed_by",
            "topic",
            "resubmitted_from",
            "work_item",
        ],
    )
    proposals = proposals.astype(PROPOSAL_TYPES)
    decisions = pd.DataFrame(model.decision_rows, columns=list(DECISION_TYPES))
    decisions = decisions.astype(DECISION_TYPES)
    timeseries = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    positions = _positions(model) if model.record_positions else None
    summary = pd.DataFrame([summarise(model, proposals, decisions, manifest)])
    events = pd.DataFrame(
        [{"week": week, "kind": kind, "event": index} for week, kind, index in model.events.fired],
        columns=["week", "kind", "event"],
    ).astype({"week": "int64", "kind": str, "event": "int64"})
    rows = model.post_log.table_rows() + model.editor_log.table_rows()
    rows.sort(key=lambda r: (r["start"], r["venue"], r["post"], r["holder"]))
    for row in rows:
        row["holder"] = pop.names[row["holder"]]  # type: ignore[index]
    posts = pd.DataFrame(rows, columns=list(POST_TYPES)).astype(POST_TYPES)
    acts = model.reasons.acts_table(pop.names) if model.reasons is not None else None
    return RunResult(proposals, decisions, timeseries, summary, manifest, positions, events, posts=posts,
                     acts=acts)  # fmt: skip


def _positions(model: SDOModel) -> pd.DataFrame:
    from sdo_sim.reasons import COLUMN_TYPES

    why = model.reasons
    if not model.position_chunks:
        empty = {"decision": "int64", "actor": str, "bloc": str, "position": str}
        empty.update(COLUMN_TYPES if why is not None else {})
        return pd.DataFrame({name: [] for name in empty}).astype(empty)
    terms = why.columns() if why is not None else {}  # why each took its position, row for row (reasons.py)
    ids = np.concatenate([np.full(len(idx), d) for d, idx, _, _ in model.position_chunks])
    actors = np.concatenate([idx for _, idx, _, _ in model.position_chunks])
    stances = np.concatenate([s for _, _, s, _ in model.position_chunks])
    bloc_at_decision = np.concatenate([b for _, _, _, b in model.position_chunks])
    pop = model.population
    names = np.array(pop.names, dtype=object)
    blocs = np.array([*pop.bloc_names, ""], dtype=object)
    position = np.full(len(stances), "absent", dtype=object)
    for code, word in POSITION_WORDS.items():
        position[stances == code] = word
    return pd.DataFrame({"decision": ids, "actor": names[actors], "bloc": blocs[bloc_at_decision],
                         "position": position, **terms})  # fmt: skip


def summarise(
    model: SDOModel, proposals: pd.DataFrame, decisions: pd.DataFrame, manifest: dict[str, Any]
) -> dict[str, Any]:
    """One row of run metrics: what a sweep compares."""
    decided = proposals[proposals["decided"].notna()]
    row: dict[str, Any] = {
        "scenario": manifest["scenario"],
        "seed": manifest["seed"],
        "weeks": manifest["weeks"],
        "proposals": len(proposals),
        "decided": len(decided),
        "approved": int(decided["approved"].sum()),
        "approval_rate": float(decided["approved"].mean()) if len(decided) else float("nan"),
        "median_weeks_to_decision": float(decided["weeks_to_decision"].median())
        if len(decided)
        else float("nan"),
        "decisions": len(decisions),
        "defections": model.defections,
        "overrides": json.dumps(manifest.get("overrides", {}), sort_keys=True),
    }
    voted = decisions[decisions["procedure"].isin(VOTED) & decisions["yes"].notna() & decisions["no"].notna()]
    failed = voted["outcome"].isin(VOTE_FAILURES)
    blocked = voted[failed & (voted["yes"] > voted["no"])]
    row["blocked_by_minority"] = len(blocked)
    blocs = summary_blocs(model.scenario)
    for bloc in blocs:
        mine = decided[decided["bloc"] == bloc]
        label = bloc or "none"
        row[f"approval_rate.{label}"] = float(mine["approved"].mean()) if len(mine) else float("nan")
    shares = model.posts_share()
    for bloc in blocs:
        row[f"posts_share.{bloc or 'none'}"] = shares.get(bloc, 0.0)
    return row


def summary_blocs(scenario: Any) -> list[str]:
    """The blocs a summary reports: the scenario's, then "" (shown as `none`) only if some actor,
    from the start or added by a surge, belongs to no bloc; no event takes an actor out of a bloc."""
    specs = [*scenario.actors, *(spec for event in scenario.events for spec in getattr(event, "add", []))]
    unaffiliated = any(spec.bloc is None and spec.count > 0 for spec in specs)
    return [*scenario.blocs, *([""] if unaffiliated else [])]


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (a positions table can hold millions of rows)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def csv_float(value: float) -> str:
    """A float as a CSV table writes it: rounded to CSV_DIGITS significant digits (0.5, 12.0, 1e-07)."""
    return repr(float(f"{value:.{CSV_DIGITS}g}"))


def write(
    result: RunResult,
    out: Path,
    fmt: str = "parquet",
    force: bool = False,
    figures: Callable[[RunResult, Path], list[Path]] | None = None,
) -> list[Path]:
    """Write every table (and figures) as a result folder that replaces `out` only whole (output.py)."""

    def fill(staging: Path) -> dict[str, Any]:
        tables, digests = [], {}
        for name in result.tables:
            table = getattr(result, name)
            if table is None:
                continue
            path = staging / f"{name}.{fmt}"
            if fmt == "parquet":
                table.to_parquet(path, index=False)
            else:
                table.to_csv(path, index=False, float_format=csv_float)
            tables.append(name)
            digests[name] = file_digest(path)  # so a reader can tell a damaged or cut table from a whole one
        if figures is not None:
            figures(result, staging)
        return dict(result.manifest, format=fmt, tables=tables, sha256=digests)

    out = Path(os.path.abspath(out))
    names = write_folder(out, force, fill)
    order = {f"{name}.{fmt}": i for i, name in enumerate(result.tables)}
    return [out / name for name in sorted(names[:-1], key=lambda n: order.get(n, len(order)))]
