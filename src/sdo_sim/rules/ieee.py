"""IEEE SA: standards association ballots (IEEE SA balloting; SASB Operations Manual §5.4).

Return = (approve + disapprove + abstain) / balloting group; approval = approve /
(approve + disapprove); a ballot whose returns are 30 % or more abstentions fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from sdo_sim.errors import BallotError, CountsError
from sdo_sim.rules._ballot import VoteSpec, read_count, read_votes, require
from sdo_sim.rules._core import Decision, Param, Procedure, check_counts, ratio_at_least, register

_RETURN = (
    "Only {returned} of {balloting_group} ballots were returned, under the {return_minimum} "
    "return an IEEE SA ballot needs."
)
_ABSTAIN = (
    "{abstain} of {returned} returned ballots are abstentions, at least the {abstain_limit} at "
    "which an IEEE SA ballot fails."
)
_APPROVAL_NO = (
    "{yes} of {yes_no} approve/disapprove votes approve, under the {approval_minimum} an IEEE SA "
    "ballot needs (abstentions are not in the approval ratio)."
)
_APPROVAL_YES = (
    "{returned} of {balloting_group} ballots returned, {yes} of {yes_no} approve and {abstain} "
    "abstain: the ballot passes (IEEE SA balloting: {return_minimum} return, "
    "{approval_minimum} approval, abstentions under {abstain_limit})."
)


def sa_ballot(
    yes: int,
    no: int,
    abstain: int,
    balloting_group: int,
    *,
    return_minimum: Fraction = Fraction(75, 100),
    approval_minimum: Fraction = Fraction(75, 100),
    abstain_limit: Fraction = Fraction(30, 100),
) -> Decision:
    """IEEE SA ballot: ≥ 75 % return, ≥ 75 % approval of yes+no, fails at ≥ 30 % abstentions."""
    returned = yes + no + abstain
    if min(yes, no, abstain) < 0 or returned > balloting_group:
        check_counts(yes=yes, no=no, abstain=abstain, balloting_group=balloting_group)
        raise CountsError(f"{returned} ballots returned from a balloting group of {balloting_group}")
    yes_no = yes + no
    counts = {
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "returned": returned,
        "yes_no": yes_no,
        "balloting_group": balloting_group,
    }
    extra = {
        "return_minimum": return_minimum,
        "approval_minimum": approval_minimum,
        "abstain_limit": abstain_limit,
    }
    if not (balloting_group and ratio_at_least(returned, balloting_group, return_minimum)):
        return Decision(False, "insufficient-return", _RETURN, counts, extra)
    if ratio_at_least(abstain, returned, abstain_limit):
        return Decision(False, "too-many-abstentions", _ABSTAIN, counts, extra)
    if not (yes_no and ratio_at_least(yes, yes_no, approval_minimum)):
        return Decision(False, "not-approved", _APPROVAL_NO, counts, extra)
    return Decision(True, "approved", _APPROVAL_YES, counts, extra)


_VOTES = VoteSpec()


def _sa_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    group = require(ballot, "balloting_group", int, "the number of balloters in the group")
    group = read_count(ballot, "balloting_group", group, minimum=1)
    positions = read_votes(ballot, "votes", _VOTES).positions
    if len(positions) > group:
        raise BallotError("votes", f"{len(positions)} ballots but balloting_group is {group}")
    return sa_ballot(
        positions.count("yes"), positions.count("no"), positions.count("abstain"), group, **params
    )


def _share(name: str, default: Fraction, doc: str) -> Param:
    return Param(name, default, "fraction", "IEEE SA balloting page (SASB OM §5.4.3, unverified)",
                 doc, minimum=Fraction(0), maximum=Fraction(1))  # fmt: skip


register(Procedure(
    "ieee.sa", "IEEE SA standards ballot", "IEEE SA balloting (SASB Operations Manual §5.4)",
    sa_ballot, _sa_ballot,
    (
        _share("return_minimum", Fraction(75, 100), "Share of the balloting group that must return ballots."),
        _share("approval_minimum", Fraction(75, 100), "Share of approve + disapprove that must approve."),
        _share("abstain_limit", Fraction(30, 100), "Share of returns that fails the ballot if abstentions."),
    ),
    frozenset({"votes", "balloting_group"}),
))  # fmt: skip
