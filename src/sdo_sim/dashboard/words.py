"""One ballot in plain words: the gates of a run to step through, who voted or commented how by bloc, and
the clause that decided (from a run made with positions)."""

from __future__ import annotations

import pandas as pd

from sdo_sim.results import RunResult

POSITIONS = ("yes", "no", "abstain", "absent")


def gates(result: RunResult) -> pd.DataFrame:
    """The decisions of a run one can step through: gates on proposals, with who was asked."""
    decisions = result.decisions
    keep = decisions[decisions["proposal"].fillna("").astype(str) != ""]
    return keep[["decision", "week", "proposal", "stage", "procedure", "outcome", "reason"]].reset_index(
        drop=True
    )


def clause(reason: str, procedure: str) -> str:
    """The clause that decided (sdo_sim.explain reads it from the rule's reason)."""
    from sdo_sim.explain import clause as decided_by

    return decided_by(reason, procedure)


def ballot_by_bloc(result: RunResult, decision: int) -> pd.DataFrame:
    """Who voted or commented how at one gate, by bloc (sdo_sim.explain): counts, the bloc's line, and
    the term that weighed most against the text for those who said no."""
    from sdo_sim.explain import ballot, by_bloc

    if result.positions is None:
        raise ValueError("this run kept no positions: rerun it with positions to see who voted how")
    rows = [
        {
            "bloc": vote.bloc or "no bloc",
            **{p: getattr(vote, p) for p in POSITIONS},
            "line": vote.line,
            "no, mostly for": ", ".join(vote.reasons),
        }
        for vote in by_bloc(ballot(result, decision))
    ]
    return pd.DataFrame(rows, columns=["bloc", *POSITIONS, "line", "no, mostly for"])


def story_text(result: RunResult, proposal: str) -> str:
    """One proposal's story in words, the same text `sdo-sim explain` prints (sdo_sim.explain)."""
    from sdo_sim.explain import story

    return story(result, proposal).text()
