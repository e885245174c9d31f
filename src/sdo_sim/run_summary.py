"""A run's summary row straight from the finished model, without building its tables (issue 9).

A sweep keeps only the summary's metrics; building the proposals and decisions DataFrames first
cost a third of an ITU-T run. `summary_row` gives the same row as `results.summarise` (a test
checks every column on every baseline), read from the model's own records.
"""

from __future__ import annotations

import json
import statistics
from typing import TYPE_CHECKING, Any

from sdo_sim.results import VOTE_FAILURES, VOTED, summary_blocs

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel


def _rate(approved: list[bool]) -> float:
    """The share approved (NaN when nothing was decided), as pandas' mean of booleans gives it."""
    return sum(approved) / len(approved) if approved else float("nan")


def summary_row(model: SDOModel, manifest: dict[str, Any]) -> dict[str, Any]:
    """One row of run metrics, equal to `results.summarise` on the run's tables."""
    decided = [p for p in model.proposals if p.decided is not None]
    approved = [bool(p.approved) for p in decided]
    weeks = [p.decided - p.submitted for p in decided]  # type: ignore[operator]
    row: dict[str, Any] = {
        "scenario": manifest["scenario"],
        "seed": manifest["seed"],
        "weeks": manifest["weeks"],
        "proposals": len(model.proposals),
        "decided": len(decided),
        "approved": sum(approved),
        "approval_rate": _rate(approved),
        "median_weeks_to_decision": float(statistics.median(weeks)) if weeks else float("nan"),
        "decisions": len(model.decision_rows),
        "defections": model.defections,
        "overrides": json.dumps(manifest.get("overrides", {}), sort_keys=True),
    }
    row["blocked_by_minority"] = sum(
        1
        for d in model.decision_rows
        if d["procedure"] in VOTED
        and d["yes"] is not None
        and d["no"] is not None
        and d["outcome"] in VOTE_FAILURES
        and d["yes"] > d["no"]
    )
    by_bloc: dict[str, list[bool]] = {}
    for proposal in decided:
        by_bloc.setdefault(model.bloc_name(proposal.bloc), []).append(bool(proposal.approved))
    blocs = summary_blocs(model.scenario)
    for bloc in blocs:
        row[f"approval_rate.{bloc or 'none'}"] = _rate(by_bloc.get(bloc, []))
    shares = model.posts_share()
    for bloc in blocs:
        row[f"posts_share.{bloc or 'none'}"] = shares.get(bloc, 0.0)
    return row
