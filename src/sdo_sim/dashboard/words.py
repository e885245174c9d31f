"""What the dashboard says in plain words: the rules in force for each venue with their clauses, and one
ballot by bloc with the clause that decided it (from a run made with positions)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import pandas as pd

from sdo_sim.results import RunResult
from sdo_sim.scenario.schema import Scenario

POSITIONS = ("yes", "no", "abstain", "absent")
_BRACKETS = re.compile(r"\(([^()]*)\)[^()]*$")


def _value(value: Any) -> str:
    if isinstance(value, Fraction):
        return f"{float(value):.0%}" if value.denominator in (4, 5, 10, 100) else f"{value}"
    return str(value)


def rules_in_words(scenario: Scenario) -> list[tuple[str, list[str]]]:
    """For each venue: its name and one line per procedure it follows, with the parameters in force."""
    from sdo_sim.rules import PROCEDURES

    out = []
    for venue in scenario.venues:
        lines = []
        for pid, procedure in PROCEDURES.items():
            if not pid.startswith(venue.kind + "."):
                continue
            params = {**procedure.defaults(), **venue.rules.get(pid, {})}
            set_here = [
                f"{p.doc[:-1].lower() if p.doc.endswith('.') else p.doc}: {_value(params[p.name])}"
                f"{' (changed in this scenario)' if p.name in venue.rules.get(pid, {}) else ''}"
                for p in procedure.params
            ]
            detail = f" — {'; '.join(set_here)}" if set_here else ""
            lines.append(f"**{procedure.title}** ({procedure.clause}){detail}")
        if venue.kind == "itu-t":
            lines.append(f"Share of texts on TAP (policy, tariffs, numbering): {venue.tap_share:.0%}")
        lines.append(
            f"Chair bias: {venue.chair_bias:g} (0: a neutral chair); consensus tolerated with up to "
            f"{venue.consensus_tolerance:.0%} of those present opposing"
        )
        out.append((f"{venue.body} ({venue.id}, {venue.kind})", lines))
    changes = [e for e in scenario.events if e.kind == "rules"]
    for event in changes:
        when = f"week {event.week}" if event.week is not None else f"when {event.when}"
        parts = [f"{pid}: {params}" for pid, params in event.rules.items()]
        if getattr(event, "tap_share", None) is not None:
            parts.append(f"share on TAP {event.tap_share:.0%}")
        out.append((f"Rule change at {when} ({event.venue})", ["; ".join(parts)]))
    return out


def gates(result: RunResult) -> pd.DataFrame:
    """The decisions of a run one can step through: gates on proposals, with who was asked."""
    decisions = result.decisions
    keep = decisions[decisions["proposal"].fillna("").astype(str) != ""]
    return keep[["decision", "week", "proposal", "stage", "procedure", "outcome", "reason"]].reset_index(
        drop=True
    )


def clause(reason: str, procedure: str) -> str:
    """The clause that decided: named in brackets at the end of the rule's reason, else the procedure's."""
    from sdo_sim.rules import PROCEDURES

    found = _BRACKETS.search(reason)
    if found and any(mark in found.group(1) for mark in ("§", "Art.", "RFC", "Res.", "A.8", "Directives")):
        return found.group(1)
    return PROCEDURES[procedure].clause if procedure in PROCEDURES else ""


def ballot_by_bloc(result: RunResult, decision: int) -> pd.DataFrame:
    """Who voted or commented how at one gate: actors per bloc and position (needs the positions table)."""
    if result.positions is None:
        raise ValueError("this run kept no positions: rerun it with positions to see who voted how")
    rows = result.positions[result.positions["decision"] == decision]
    table = rows.assign(bloc=rows["bloc"].replace("", "no bloc")).pivot_table(
        index="bloc", columns="position", values="actor", aggfunc="count", fill_value=0
    )
    return table.reindex(columns=list(POSITIONS), fill_value=0).reset_index()
