"""ETSI: Technical Body votes (ETSI Technical Working Procedures).

The Directives' body text could not be retrieved (research notes §5); the rule comes from ETSI's
own training material: 71 % majority, one vote per member, no proxy, no quorum, Full and Associate
members vote, Full members only on ENs and EU regulatory matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from sdo_sim.rules._ballot import VoteSpec, optional, read_votes
from sdo_sim.rules._core import Decision, Param, Procedure, register, share_of_votes_cast

_TB_YES = (
    "{yes} of {cast} votes cast are in favour, at least the {threshold} majority a Technical Body "
    "vote needs (ETSI TWP; one vote per member, no quorum)."
)
_TB_NO = (
    "Only {yes} of {cast} votes cast are in favour, under the {threshold} majority a Technical "
    "Body vote needs (ETSI TWP)."
)


def tb_vote(yes: int, no: int, *, threshold: Fraction = Fraction(71, 100)) -> Decision:
    """ETSI Technical Body vote: ≥ 71 % of votes cast, one vote per member (ETSI TWP)."""
    return share_of_votes_cast(yes, no, threshold, _TB_YES, _TB_NO)


_VOTES = VoteSpec(classes=("full", "associate"), default_class="full")


def _tb_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    votes = read_votes(ballot, "votes", _VOTES)
    full_only = optional(ballot, "full_members_only", bool, False, "must be true or false")
    positions = votes.of_class("full") if full_only else votes.positions
    decision = tb_vote(positions.count("yes"), positions.count("no"), **params)
    decision.counts["abstain"] = positions.count("abstain")
    decision.counts["excluded_associates"] = len(votes) - len(positions)
    return decision


register(Procedure(
    "etsi.tb", "Technical Body vote (71 %, one vote per member)", "ETSI Technical Working Procedures",
    tb_vote, _tb_ballot,
    (Param("threshold", Fraction(71, 100), "fraction", "ETSI TWP (ETSI training SEM11-08)",
           "Share of votes cast needed, abstentions excluded.",
           minimum=Fraction(0), maximum=Fraction(1)),),
    frozenset({"votes", "full_members_only"}),
))  # fmt: skip
