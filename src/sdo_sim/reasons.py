"""Why each actor took its position, and what the posts did to a text: kept only with `--positions`.

The utility an actor acts on (docs/ODD.md 7.1) splits into terms that add up to it exactly:

    merit    value + merit·(2q − 1)                       what the text is worth to anyone
    distance −s·distance·‖x_i − x_p‖                       how far the text is from the actor's ideal
    affinity +s·affinity·A[b_i, b_p]                       geopolitics: the actor's bloc and the proponent's
    pressure α_i·(det_home − det_i)                        a firm pulled toward its home state's view
    noise    u_i − det_i − pressure                        the actor's own idiosyncratic judgement
    ipr      stakes·(own·share − concentration·HHI)        patents, at a choice among alternatives
    line     acted − own                                   the bloc line, for a member that followed it

Recording reads what the model has already drawn (no random numbers, no decision changed): a gate's
utilities are kept as `Venue.stances` computes them and attached to the positions when the gate is
recorded. Posts' acts (a chair's leaning reading of consensus, a deferral, an editor's pull) are
kept as rows of the `acts` table (docs/explain.md).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sdo_sim.coordination import line_stances, line_utilities
from sdo_sim.leadership import biased_tolerance, chair_stance
from sdo_sim.population import ABSENT, ABSTAIN, NO, YES

if TYPE_CHECKING:
    import pandas as pd

    from sdo_sim.proposals import Proposal
    from sdo_sim.venues.base import Venue
    from sdo_sim.work_items import Reading

#: The utility terms, in the order the positions table gives them; they add up to `utility`.
TERMS = ("merit", "distance", "affinity", "pressure", "ipr", "noise", "line")
TERM_COLUMNS = tuple(f"{term}_term" for term in TERMS)
#: The columns recording adds to the positions table.
COLUMNS = ("utility", *TERM_COLUMNS, "line", "line_followed", "defected")
FLOAT = np.float32  # how the terms are kept and written
#: The types of the columns recording adds to the positions table.
COLUMN_TYPES: dict[str, Any] = {**dict.fromkeys(("utility", *TERM_COLUMNS), "float32"), "line": str,
                                "line_followed": bool, "defected": bool}  # fmt: skip
NO_LINE = -9  # an actor of no bloc has no line to follow
LINE_WORDS = {YES: "yes", NO: "no", ABSTAIN: "abstain", NO_LINE: ""}
STANCE_WORDS = {YES: "yes", NO: "no", ABSTAIN: "abstain", ABSENT: "absent"}
ACT_TYPES: dict[str, Any] = {
    "decision": "Int64",
    "week": "int64",
    "venue": str,
    "proposal": str,
    "post": str,
    "holder": str,
    "bloc": str,
    "act": str,
    "stance": str,
    "detail": str,
}
#: Gates where a chair (or ISO convenor) reads consensus, leaning with `chair_bias` (leadership.py).
JUDGED = frozenset({"chair-consensus", "iso.cd", "3gpp.work-item"})
RECENT = 16  # gates' utilities kept until recorded: a gate and the leader's own stance within it


@dataclass
class Seen:
    """One gate's utilities as computed: own (before the line), acted on, and who followed the line."""

    proposal: Proposal
    idx: np.ndarray
    own: np.ndarray  # noise and home-state pressure included, patents and the line not
    acted: np.ndarray
    follows: np.ndarray
    defects: np.ndarray
    ipr: np.ndarray | None = None
    line: np.ndarray | None = None  # work items: each member's line on this alternative
    rivals: list[Proposal] | None = None  # work items: every alternative of the item, this one included


class Reasons:
    """The terms behind each recorded position, and the posts' acts, of one run."""

    def __init__(self) -> None:
        self.recent: deque[Seen] = deque(maxlen=RECENT)
        self.items: dict[int, Seen] = {}  # id(alternative) → its latest reading (work_items.py)
        self.chunks: list[dict[str, np.ndarray]] = []  # one per positions chunk, in the same order
        self.acts: list[dict[str, Any]] = []

    # --- hooks the model calls (only when positions are recorded) --------------------------------

    def seen(
        self,
        proposal: Proposal,
        idx: np.ndarray,
        own: np.ndarray,
        acted: np.ndarray,
        follows: np.ndarray,
        defects: np.ndarray,
    ) -> None:
        """A gate's utilities, from `Venue.stances` (copies: venues change stances in place, not these)."""
        self.recent.append(
            Seen(proposal, idx.copy(), own.copy(), acted.copy(), follows.copy(), defects.copy())
        )

    def seen_item(
        self,
        alternatives: list[Proposal],
        idx: np.ndarray,
        own: np.ndarray,
        ipr: np.ndarray,
        acted: np.ndarray,
        follows: np.ndarray,
        defects: np.ndarray,
        favourite: np.ndarray,
    ) -> None:
        """A work item's reading (work_items.read_room): per alternative, members' utilities and line."""
        for k, alternative in enumerate(alternatives):
            line = np.where(favourite == k, YES, NO).astype(np.int8)
            self.items[id(alternative)] = Seen(
                alternative,
                idx.copy(),
                own[k].copy(),
                acted[k].copy(),
                follows.copy(),
                defects.copy(),
                ipr[k].copy(),
                line,
                alternatives,
            )

    def bargain(self, group: list[Reading], holders: np.ndarray) -> None:
        """Patent holders bargaining a package act on their own interest, not the line (bargaining.py)."""
        for reading in group:
            for k, alternative in enumerate(reading.item.alternatives):
                seen = self.items.get(id(alternative))
                if seen is not None:
                    seen.acted = reading.acted[k].copy()
                    seen.follows = seen.follows.copy()
                    seen.follows[holders] = False

    def attach(
        self,
        venue: Venue,
        week: int,
        decision: int,
        proposal: Proposal | None,
        stage: str,
        procedure: str,
        idx: np.ndarray,
        stance: np.ndarray,
    ) -> None:
        """The terms of the positions just recorded (one chunk), and the act of the post that judged."""
        seen = self._find(proposal, idx)
        if seen is None:
            chunk = unknown(len(idx))
        else:
            chunk = self._relative(venue, seen) if seen.rivals is not None else terms(venue, seen)
        for name in ("utility", *TERM_COLUMNS):  # 7 significant digits tell why, in half the memory
            chunk[name] = chunk[name].astype(FLOAT)
        self.chunks.append(chunk)
        if proposal is None:
            return
        if procedure == "chair-agenda":
            self._act(
                venue,
                week,
                decision,
                proposal,
                _title(venue, proposal),
                int(idx[0]),
                "deferred",
                int(stance[0]),
                "kept the text, which it opposed, off the meeting's agenda",
            )
        elif judged(procedure, stage):
            self._judged(venue, week, decision, proposal, idx, stance)

    def edited(self, venue: Venue, proposal: Proposal, editor: int, before: np.ndarray, sped: bool) -> None:
        """An editor's drafting meeting: the text pulled toward it, and a second step completed."""
        ideal = venue.model.population.ideal[editor]
        parts = []
        if venue.spec.editor_pull:
            was, now = np.linalg.norm(before - ideal), np.linalg.norm(proposal.point - ideal)
            parts.append(
                f"moved the text {venue.spec.editor_pull:.0%} of the way toward its own ideal point "
                f"(distance {was:.2f} → {now:.2f})"
            )
        if sped:
            parts.append("completed a second drafting step")
        self._act(
            venue,
            venue.model.week,
            None,
            proposal,
            "editor",
            editor,
            "edited",
            YES if sped else None,
            "; ".join(parts),
        )

    # --- tables -----------------------------------------------------------------------------------

    def columns(self) -> dict[str, np.ndarray]:
        """The positions table's extra columns, row for row with its chunks (consumed: a column's chunks
        are let go as soon as it is joined, so that memory holds one copy and a column at most)."""
        chunks, self.chunks = [unknown(0), *self.chunks], []
        out = {}
        for name in COLUMNS:
            out[name] = np.concatenate([chunk.pop(name) for chunk in chunks])
        words = np.full(len(out["line"]), "", dtype=object)
        for code, word in LINE_WORDS.items():
            words[out["line"] == code] = word
        out["line"] = words
        return out

    def acts_table(self, names: list[str]) -> pd.DataFrame:
        """One row per act of a post on a proposal (holders named)."""
        import pandas as pd

        rows = [{**row, "holder": names[row["holder"]]} for row in self.acts]
        return pd.DataFrame(rows, columns=list(ACT_TYPES)).astype(ACT_TYPES)

    # --- helpers ----------------------------------------------------------------------------------

    def _find(self, proposal: Proposal | None, idx: np.ndarray) -> Seen | None:
        """The latest utilities of these actors on this proposal (any proposal for a post ballot, which
        records none: its candidate was the text)."""
        if proposal is not None:
            item = self.items.get(id(proposal))
            if item is not None and item.proposal is proposal and np.array_equal(item.idx, idx):
                return item
        for seen in reversed(self.recent):
            if (proposal is None or seen.proposal is proposal) and np.array_equal(seen.idx, idx):
                return seen
        return None

    def _relative(self, venue: Venue, seen: Seen) -> dict[str, np.ndarray]:
        """A choice among alternatives: each term of this one less that of the member's favourite (the one
        it acts most for), so `utility` is minus its regret, which decides its stance (work_items.py)."""
        rivals = [self.items.get(id(rival)) for rival in seen.rivals or []]
        if any(rival is None or not np.array_equal(rival.idx, seen.idx) for rival in rivals):
            return terms(venue, seen)  # not one reading (never the case today): the absolute terms
        every = [terms(venue, rival) for rival in rivals]  # type: ignore[arg-type]
        favourite = np.array([rival.acted for rival in rivals]).argmax(axis=0)  # type: ignore[union-attr]
        mine = terms(venue, seen)
        members = np.arange(len(seen.idx))
        for name in ("utility", *TERM_COLUMNS):
            mine[name] = mine[name] - np.array([t[name] for t in every])[favourite, members]
        return mine

    def _judged(
        self, venue: Venue, week: int, decision: int, proposal: Proposal, idx: np.ndarray, stance: np.ndarray
    ) -> None:
        """The reading of consensus: by whom, and how far its own stance leaned the tolerance."""
        if hasattr(venue, "leader"):  # ISO: the chair or convenor, whose own stance is drawn apart
            leader = venue.leader(proposal)
            if leader is None:
                return
            own = self._find(proposal, np.array([leader], dtype=np.int64))
            pop, weights = venue.model.population, venue.model.scenario.positions
            lean = None if own is None else int(pop.stances(own.idx, own.acted, weights)[0])
        else:
            leader, lean = venue.chair, chair_stance(venue.chair, idx, stance)
            if leader is None:
                return
        base, bias = venue.spec.consensus_tolerance, venue.spec.chair_bias
        tolerance = biased_tolerance(base, bias, lean)
        if tolerance > base:
            detail = f"supported the text: tolerated {tolerance:.0%} of those present opposed, not {base:.0%}"
        elif tolerance < base:
            detail = f"opposed the text: tolerated {tolerance:.0%} of those present opposed, not {base:.0%}"
        else:
            detail = f"read the room straight: tolerated {base:.0%} of those present opposed"
        self._act(venue, week, decision, proposal, _title(venue, proposal), leader, "judged", lean, detail)

    def _act(
        self,
        venue: Venue,
        week: int,
        decision: int | None,
        proposal: Proposal,
        post: str,
        holder: int,
        act: str,
        stance: int | None,
        detail: str,
    ) -> None:
        model = venue.model
        self.acts.append(
            {
                "decision": decision,
                "week": week,
                "venue": venue.id,
                "proposal": proposal.id,
                "post": post,
                "holder": holder,
                "bloc": model.bloc_name(int(model.population.bloc[holder])),
                "act": act,
                "stance": STANCE_WORDS.get(stance, "") if stance is not None else "",
                "detail": detail,
            }
        )


def judged(procedure: str, stage: str) -> bool:
    """Whether a chair (or convenor) read consensus at this gate, leaning with `chair_bias` (leadership)."""
    return procedure in JUDGED or (procedure == "3gpp.vote" and stage == "approval")


def _title(venue: Venue, proposal: Proposal) -> str:
    """Who reads consensus on the text: an ISO WG's convenor at the WD stage (§2.4.6), else the chair."""
    return "convenor" if venue.kind == "iso" and proposal.stage == "WD" else "chair"


def terms(venue: Venue, seen: Seen) -> dict[str, np.ndarray]:
    """Each actor's utility split into the terms of docs/ODD.md 7.1; they add up to the utility acted on."""
    model = venue.model
    pop, weights, proposal, idx = model.population, model.scenario.positions, seen.proposal, seen.idx
    n = len(idx)
    merit = np.full(n, weights.value + weights.merit * (2.0 * proposal.quality - 1.0))
    distance = -proposal.salience * weights.distance * np.linalg.norm(pop.ideal[idx] - proposal.point, axis=1)
    affinity = proposal.salience * weights.affinity * pop.affinity[pop.bloc[idx], proposal.bloc]
    own_det = merit + distance + affinity
    pressure = np.zeros(n)
    home = pop.home[idx]
    pressured = home >= 0
    if pressured.any():
        homes = home[pressured]
        state = merit[pressured] - proposal.salience * (
            weights.distance * np.linalg.norm(pop.ideal[homes] - proposal.point, axis=1)
            - weights.affinity * pop.affinity[pop.bloc[homes], proposal.bloc]
        )
        pressure[pressured] = pop.alignment[idx][pressured] * (state - own_det[pressured])
    ipr = np.zeros(n) if seen.ipr is None else seen.ipr
    if seen.line is not None:
        line = seen.line.copy()
    else:
        line = line_stances(line_utilities(pop, proposal, weights), weights.abstain_band)[pop.bloc[idx]]
    line[pop.bloc[idx] >= len(pop.bloc_names)] = NO_LINE
    return {
        "utility": seen.acted,
        "merit_term": merit,
        "distance_term": distance,
        "affinity_term": affinity,
        "pressure_term": pressure,
        "ipr_term": ipr,
        "noise_term": seen.own - own_det - pressure,
        "line_term": seen.acted - (seen.own + ipr),
        "line": line.astype(np.int8),
        "line_followed": seen.follows,
        "defected": seen.defects,
    }


def unknown(n: int) -> dict[str, np.ndarray]:
    """Terms of positions whose utilities were not kept (none the model records today)."""
    nan = np.full(n, np.nan, dtype=FLOAT)
    return {
        **{name: nan for name in ("utility", *TERM_COLUMNS)},
        "line": np.full(n, NO_LINE, dtype=np.int8),
        "line_followed": np.zeros(n, dtype=bool),
        "defected": np.zeros(n, dtype=bool),
    }
