"""One proposal's story from a run's tables: each gate, its counts, who opposed and why, the posts that
acted, and the clause that decided (issue 10, item 4; docs/explain.md).

Pure functions over a run's tables (a `RunResult`, or the folder `sdo-sim run --out` wrote): nothing
is re-run. Who voted how, and why, needs the positions table (`sdo-sim run --positions`), which holds
each actor's utility split into its terms (reasons.py) beside its position; without it the story is
told from the decisions, proposals and posts tables alone, and says what it cannot tell.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sdo_sim.errors import SdoSimError
from sdo_sim.reasons import TERM_COLUMNS, TERMS, judged
from sdo_sim.results import RunResult
from sdo_sim.run_folder import RunFolderError, read_run

#: How the story names each utility term (docs/ODD.md 7.1).
TERM_NAMES = {
    "merit": "merit of the text",
    "distance": "distance from its ideal point",
    "affinity": "affinity with the proponent's bloc",
    "pressure": "home-state pressure",
    "ipr": "patents (IPR)",
    "noise": "its own judgement (noise)",
    "line": "bloc line",
}
POSITION_ORDER = {"yes": 0, "no": 1, "abstain": 2, "absent": 3}
#: Marks of a clause in a decision's reason: the rulebook's sentences end by naming it in brackets.
_CLAUSE_MARK = re.compile(r"§|Art\.|RFC|\bline \d|Res\. \d|A\.8|Directives|procedure|Supplement", re.I)
_LAST_BRACKETS = re.compile(r"\(([^()]*)\)[^()]*$")
#: Stages where members choose among a work item's alternatives: "no" is a regret past the objection
#: threshold (work_items.py), and each term is relative to the member's favourite (reasons.py).
CHOICE_STAGES = frozenset({"choice", "package"})
#: What a `no` means at gates where it is not a vote against the text (docs/ODD.md 7.8).
MEANINGS = {
    "itu-t.aap.last-call": "no = a substantive comment; the others present count as yes",
    "itu-t.aap.additional-review": "no = a substantive comment; the others present count as yes",
    "ietf.wg": "no = a technical objection; the others present count as yes (silence approves)",
    "itu-t.aap.meeting": "no = formal opposition; a mere concern counts as abstain (A.8 §5.5)",
    "itu-t.tap.meeting": "no = formal opposition; a reservation counts as abstain (Res. 1 §9.5.4)",
    "itu-t.track-vote": "positions are on the text: those against it vote for the switch to TAP",
    "chair-agenda": "the position is the chair's (or convenor's) own",
}
SHOWN = 3  # members named per bloc in the text


class ExplainError(SdoSimError):
    """A run folder or proposal that cannot be explained: names it and what is allowed."""


@dataclass
class Act:
    """What a post did to the text: judged consensus, deferred it, edited it (the `acts` table)."""

    week: int
    post: str
    holder: str
    bloc: str
    act: str
    stance: str
    detail: str
    decision: int | None = None


@dataclass
class BlocVote:
    """One bloc's positions at a gate, its line, and the terms that made its opponents oppose."""

    bloc: str
    yes: int
    no: int
    abstain: int
    absent: int
    line: str = ""
    opposed: bool = False
    reasons: dict[str, int] = field(default_factory=dict)  # dominant term → members opposing for it


@dataclass
class Opponent:
    """A member that opposed, the term that weighed most against the text, and all its terms."""

    actor: str
    bloc: str
    reason: str
    utility: float
    terms: dict[str, float]
    line_followed: bool


@dataclass
class Gate:
    """One decision on the proposal: stage, rule, outcome, counts, the clause, and who did what."""

    decision: int
    week: int
    stage: str
    procedure: str
    outcome: str
    approved: bool
    reason: str
    clause: str
    counts: dict[str, int]
    blocs: list[BlocVote] = field(default_factory=list)
    opponents: list[Opponent] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    note: str = ""
    on: str = ""  # a work item's gate on a rival alternative: that alternative's id


@dataclass
class Story:
    """A proposal's story: what it was, each gate in order, the posts' acts, and what cannot be told."""

    proposal: str
    venue: str
    body: str
    proponent: str
    bloc: str
    submitted: int
    decided: int | None
    outcome: str
    approved: bool
    stage: str
    quality: float
    supported_by: str
    opposed_by: str
    gates: list[Gate]
    acts: list[Act] = field(default_factory=list)  # acts outside a gate (editing)
    related: dict[str, str] = field(default_factory=dict)  # resubmissions, the work item's alternatives
    positions: bool = False
    reasons: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The story as JSON-ready data (NaN as null): what the dashboard shows."""
        return _plain(asdict(self))

    def text(self) -> str:
        """The story as plain text, one block per gate."""
        from sdo_sim.explain_text import render

        return render(self)


def load(folder: str | Path) -> RunResult:
    """A run's tables from its folder (run_folder.py), a bad folder as an ExplainError."""
    try:
        return read_run(folder)
    except RunFolderError as error:
        raise ExplainError(str(error)) from None


def _result(source: RunResult | str | Path) -> RunResult:
    return source if isinstance(source, RunResult) else load(source)


# --- one ballot ----------------------------------------------------------------------------------------


def clause(reason: str, procedure: str = "") -> str:
    """The clause that decided: named in brackets at the end of the rule's reason, else the procedure's."""
    found = _LAST_BRACKETS.search(reason)
    if found:
        parts = [part.strip() for part in found.group(1).split(";") if _CLAUSE_MARK.search(part)]
        if parts:
            return "; ".join(parts)
    from sdo_sim.rules import PROCEDURES

    return PROCEDURES[procedure].clause if procedure in PROCEDURES else ""


def dominant(terms: pd.DataFrame) -> pd.Series:
    """For each row, the term that weighed most against the text (the most negative one)."""
    columns = [c for c in TERM_COLUMNS if c in terms]
    if not columns or terms.empty:
        return pd.Series("", index=terms.index, dtype=object)
    values = terms[columns].astype(float)
    worst = values.fillna(0.0).idxmin(axis=1).str.removesuffix("_term")
    return worst.where(values.notna().any(axis=1), "")


def ballot(source: RunResult | str | Path, decision: int) -> pd.DataFrame:
    """Who voted or commented how at one gate, by bloc: one row per actor with its position, its line,
    its utility terms, the term that made it oppose (`reason`, for `no` rows) and the gate's `clause`."""
    result = _result(source)
    rows = result.decisions[result.decisions["decision"] == decision]
    if rows.empty:
        raise ExplainError(f"decision {decision}: no such decision (0 to {len(result.decisions) - 1})")
    if result.positions is None:
        raise ExplainError("no positions table: rerun sdo-sim run with --positions to see who voted how")
    gate = rows.iloc[0]
    table = result.positions[result.positions["decision"] == decision].drop(columns="decision")
    table = table.assign(reason="")
    opposing = table["position"] == "no"
    table.loc[opposing, "reason"] = dominant(table[opposing])
    order = table["position"].map(POSITION_ORDER)
    table = table.assign(_none=table["bloc"] == "", _order=order)
    table = table.sort_values(["_none", "bloc", "_order", "actor"], kind="stable")
    table = table.drop(columns=["_none", "_order"]).reset_index(drop=True)
    return table.assign(clause=clause(str(gate["reason"]), str(gate["procedure"])))


def by_bloc(table: pd.DataFrame) -> list[BlocVote]:
    """Each bloc's positions at a gate (from `ballot`), actors of no bloc last; a bloc opposed if more of it
    said no than yes."""
    out = []
    for bloc, rows in sorted(table.groupby("bloc"), key=lambda group: (group[0] == "", group[0])):
        counts = rows["position"].value_counts()
        vote = BlocVote(str(bloc), *(int(counts.get(p, 0)) for p in POSITION_ORDER))
        if "line" in rows and rows["line"].notna().any():
            vote.line = str(rows["line"].mode().iloc[0])
        vote.opposed = bool(bloc) and vote.no > vote.yes  # actors of no bloc do not oppose as one
        reasons = rows.loc[rows["position"] == "no", "reason"]
        vote.reasons = {str(k): int(v) for k, v in reasons[reasons != ""].value_counts().items()}
        out.append(vote)
    return out


# --- the story ---------------------------------------------------------------------------------------


def story(source: RunResult | str | Path, proposal: str) -> Story:
    """The story of one proposal in a run (a RunResult or a run folder): every gate, in order."""
    result = _result(source)
    proposals = result.proposals
    match = proposals[proposals["proposal"] == proposal]
    if match.empty:
        raise ExplainError(unknown_proposal(proposal, proposals["proposal"].astype(str).tolist()))
    row = match.iloc[0]
    positions = result.positions is not None
    reasons = positions and "utility" in result.positions.columns  # type: ignore[union-attr]
    acts = _acts(result.acts, proposal) if result.acts is not None else []
    about = {proposal}
    if _text(row.get("work_item")):  # an alternative is decided at its item's gates, on whichever leads
        about |= set(proposals.loc[proposals["work_item"] == row["work_item"], "proposal"].astype(str))
    gates = []
    decisions = result.decisions[result.decisions["proposal"].isin(about)].sort_values("decision")
    if result.acts is not None and len(about) > 1:
        acts += [a for other in sorted(about - {proposal}) for a in _acts(result.acts, other)]
    for _, gate_row in decisions.iterrows():
        gate = _gate(result, gate_row, [a for a in acts if a.decision == int(gate_row["decision"])])
        gate.on = "" if gate_row["proposal"] == proposal else str(gate_row["proposal"])
        gates.append(gate)
    told = Story(
        proposal=proposal,
        venue=str(row["venue"]),
        body=str(row["body"]),
        proponent=str(row["proponent"]),
        bloc=str(row["bloc"]),
        submitted=int(row["submitted"]),
        decided=None if pd.isna(row["decided"]) else int(row["decided"]),
        outcome=str(row["outcome"]),
        approved=bool(row["approved"]),
        stage=str(row["stage"]),
        quality=float(row["quality"]),
        supported_by=_text(row.get("supported_by")),
        opposed_by=_text(row.get("opposed_by")),
        gates=gates,
        acts=[a for a in acts if a.decision is None],
        related=_related(proposals, row),
        positions=positions,
        reasons=reasons,
    )
    told.notes = _notes(result, told)
    if result.acts is None and len(result.posts):
        _chairs(result.posts, told)
    return told


def unknown_proposal(proposal: str, ids: list[str]) -> str:
    """One line: the id not found, and a few that exist (the closest first)."""
    if not ids:
        return f"proposal {proposal!r}: the run has no proposals"
    near = difflib.get_close_matches(proposal, ids, n=3, cutoff=0.5)
    shown = list(dict.fromkeys([*near, *ids]))[:5]
    return f"proposal {proposal!r}: not in this run; {len(ids)} proposals, e.g. {', '.join(shown)}"


def _gate(result: RunResult, row: pd.Series, acts: list[Act]) -> Gate:
    decision = int(row["decision"])
    counts = json.loads(row["counts"]) if isinstance(row.get("counts"), str) and row["counts"] else {}
    gate = Gate(
        decision=decision,
        week=int(row["week"]),
        stage=str(row["stage"]),
        procedure=str(row["procedure"]),
        outcome=str(row["outcome"]),
        approved=bool(row["approved"]),
        reason=str(row["reason"]),
        clause=clause(str(row["reason"]), str(row["procedure"])),
        counts={str(k): int(v) for k, v in counts.items()},
        acts=acts,
    )
    if result.positions is not None and (result.positions["decision"] == decision).any():
        table = ballot(result, decision)
        gate.blocs = by_bloc(table)
        gate.opponents = [
            Opponent(
                str(r["actor"]),
                str(r["bloc"]),
                str(r["reason"]),
                _kept(r.get("utility", math.nan)),
                {t: _kept(r[f"{t}_term"]) for t in TERMS if f"{t}_term" in r},
                bool(r.get("line_followed", False)),
            )
            for _, r in table[table["position"] == "no"].iterrows()
        ]
    if gate.stage in CHOICE_STAGES:
        gate.note = (
            "a choice among alternatives: a member opposes this one when it prefers another by more "
            "than the objection threshold; each term is this one's less its favourite's"
        )
    elif gate.procedure in MEANINGS:
        gate.note = MEANINGS[gate.procedure]
    return gate


def _acts(table: pd.DataFrame, proposal: str) -> list[Act]:
    rows = table[table["proposal"] == proposal]
    words = ("post", "holder", "bloc", "act", "stance", "detail")
    return [
        Act(
            int(r["week"]),
            *(_text(r[w]) for w in words),
            None if pd.isna(r["decision"]) else int(r["decision"]),
        )
        for _, r in rows.iterrows()
    ]


def _related(proposals: pd.DataFrame, row: pd.Series) -> dict[str, str]:
    """Where the text came from and went (forum.py), and the other alternatives of its work item."""
    related = {}
    if _text(row.get("resubmitted_from")):
        related["resubmitted_from"] = str(row["resubmitted_from"])
    if "resubmitted_from" in proposals:
        later = proposals.loc[proposals["resubmitted_from"] == row["proposal"], "proposal"]
        if len(later):
            related["resubmitted_as"] = ", ".join(later.astype(str))
    item = _text(row.get("work_item"))
    if item:
        others = proposals.loc[(proposals["work_item"] == item) & (proposals["proposal"] != row["proposal"])]
        related["work_item"] = item
        related["alternatives"] = ", ".join(
            f"{p} ({o})" for p, o in zip(others["proposal"], others["outcome"], strict=True)
        )
    return related


def _notes(result: RunResult, told: Story) -> list[str]:
    """What these tables cannot tell about the story, and which post held the chair where none is named."""
    notes = []
    if not told.positions:
        notes.append(
            "positions not recorded: rerun sdo-sim run with --positions to see who opposed and why, "
            "and which posts acted on the text"
        )
    elif not told.reasons:
        notes.append(
            "the positions table has no utility terms (written by an older sdo-sim): rerun with "
            "--positions to see why each member took its position"
        )
    if told.decided is None:
        notes.append(f"still open when the run ended, at stage {told.stage}")
    return notes


def _chairs(posts: pd.DataFrame, told: Story) -> None:
    """Without the acts table: who held the post that reads consensus at each such gate; an ISO WD's
    convenor only when the committee has one (which WG a text is in is not in the tables)."""
    mine = posts[posts["venue"] == told.venue]
    for gate in told.gates:
        if not judged(gate.procedure, gate.stage) and gate.procedure != "chair-agenda":
            continue
        post = "convenor" if gate.stage == "WD" and (mine["post"] == "convenor").any() else "chair"
        rows = mine[mine["post"] == post]
        held = rows[(rows["start"] <= gate.week) & (rows["end"].isna() | (rows["end"] > gate.week))]
        if len(held) == 1:
            holder, bloc = str(held["holder"].iloc[0]), _text(held["bloc"].iloc[0])
            detail = f"held the {post}'s post; what it did is recorded only with --positions"
            gate.acts.append(Act(gate.week, post, holder, bloc, "held", "", detail))


def _kept(value: Any) -> float:
    """A term as kept (32-bit, reasons.py), to the 7 digits it holds: -2.828427, not -2.8284270763397217."""
    return float(f"{float(value):.7g}")


def _text(value: Any) -> str:
    """A table's text cell as a string: a missing one (None, NaN, NA) as ""."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _plain(value: Any) -> Any:
    """JSON-ready: NaN as None, numpy scalars as Python ones."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
