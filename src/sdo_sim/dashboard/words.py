"""One ballot in plain words: the gates of a run to step through, who voted or commented how by bloc, and
the clause that decided (from a run made with positions)."""

from __future__ import annotations

import re

import pandas as pd

from sdo_sim.results import RunResult

POSITIONS = ("yes", "no", "abstain", "absent")
_BRACKETS = re.compile(r"\(([^()]*)\)[^()]*$")


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
