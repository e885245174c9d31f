"""What the simulation produced: per bloc, its members' success and its proposals' approval rate."""

from __future__ import annotations

from typing import Any

from sdo_sim.analysis.power.rules import RuleGame


def observed(
    results: list[Any],
    venue: str,
    rule: RuleGame,
    procedures: tuple[str, ...],
    start: int,
    end: int | None,
    blocs: list[str],
) -> dict[str, dict[str, float | int | None]]:
    """Per bloc, over the runs: how often a member's yes or no went its way in the decisions these
    procedures counted (`success`, of `votes`; none when the positions table does not hold the votes
    on this question), and the share of its decided proposals in the venue that were approved
    (`approval`, of `proposals`), within the state's weeks [start, end)."""
    import pandas as pd

    won = {b: [0, 0] for b in blocs}
    approved = {b: [0, 0] for b in blocs}
    for result in results:
        d = result.decisions
        counted = d[
            (d["venue"] == venue)
            & d["procedure"].isin(procedures)
            & ~d["outcome"].isin(rule.not_counted)
            & (d["week"] >= start)
            & ((d["week"] < end) if end is not None else True)
        ]
        if rule.positions_are_votes and len(counted) and result.positions is not None:
            pos = result.positions
            pos = pos[pos["decision"].isin(counted["decision"]) & pos["position"].isin(("yes", "no"))]
            pos = pos.merge(counted[["decision", "approved"]], on="decision")
            hit = (pos["position"] == "yes") == pos["approved"].astype(bool)
            for bloc, group in hit.groupby(pos["bloc"].replace("", "none")):
                if bloc in won:
                    won[bloc][0] += int(group.sum())
                    won[bloc][1] += len(group)
        p = result.proposals
        decided = p[(p["venue"] == venue) & p["decided"].notna()]
        weeks = pd.to_numeric(decided["decided"])
        decided = decided[(weeks >= start) & ((weeks < end) if end is not None else True)]
        for bloc, group in decided["approved"].groupby(decided["bloc"].replace("", "none")):
            if bloc in approved:
                approved[bloc][0] += int(group.sum())
                approved[bloc][1] += len(group)
    out: dict[str, dict[str, float | int | None]] = {}
    for b in blocs:
        (hits, votes), (yes, proposals) = won[b], approved[b]
        out[b] = {
            "success": hits / votes if votes else None,
            "success_se": (hits / votes * (1 - hits / votes) / votes) ** 0.5 if votes else None,
            "votes": votes if rule.positions_are_votes else None,
            "approval": yes / proposals if proposals else None,
            "proposals": proposals,
        }
    return out


__all__ = ["observed"]
