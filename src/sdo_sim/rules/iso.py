"""ISO/IEC: ballots of the ISO/IEC Directives Part 1 (16th ed. 2020) and the ISO Supplement.

One national body, one vote (§1.3.2.2). Abstentions are never counted (ISO Supplement, general
principles), nor are negative votes without technical reasons or justification (§2.3.4, §2.6.3).
A two-thirds majority of no votes cast does not exist: with no P-member vote cast the two-thirds
test is not met.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from sdo_sim.errors import BallotError, CountsError
from sdo_sim.rules._ballot import VoteSpec, optional, read_count, read_votes, require
from sdo_sim.rules._core import Decision, Param, Procedure, check_counts, ratio_at_least, register
from sdo_sim.rules.iso_status import p_member_status  # re-exported: the ISO rules in one place

CHAIR_JUDGEMENTS = ("consensus", "doubt", "no-consensus")

# --- counts level -------------------------------------------------------------------------

_NP_YES = (
    "{p_yes} of {p_cast} P-member votes approve (at least {majority} needed) and {experts} "
    "approving P-members name experts (at least {experts_needed} in a committee of {p_members} "
    "P-members): the new work item is accepted (Directives Part 1 §2.3.5)."
)
_NP_MAJORITY = (
    "Only {p_yes} of {p_cast} P-member votes approve; §2.3.5 a) needs a {majority} majority of "
    "P-members voting, abstentions excluded, so the new work item is not accepted."
)
_NP_EXPERTS = (
    "Only {experts} approving P-members name experts; §2.3.5 b) needs at least {experts_needed} "
    "in a committee of {p_members} P-members, so the new work item is not accepted."
)


def np_ballot(
    p_yes: int,
    p_no: int,
    experts: int,
    p_members: int,
    *,
    majority: Fraction = Fraction(2, 3),
    experts_small_committee: int = 4,
    experts_large_committee: int = 5,
    large_committee_from: int = 17,
) -> Decision:
    """New work item proposal (Directives Part 1 §2.3.5).

    `p_no` counts only justified negatives (§2.3.4); `experts` counts approving P-members that
    nominate experts.
    """
    if min(p_yes, p_no, experts) < 0 or p_yes + p_no > p_members or experts > p_yes:
        check_counts(p_yes=p_yes, p_no=p_no, experts=experts, p_members=p_members)
        _impossible(p_yes + p_no, "P-member votes", p_members, experts, p_yes)
    cast = p_yes + p_no
    needed = experts_small_committee if p_members < large_committee_from else experts_large_committee
    counts = {
        "p_yes": p_yes,
        "p_no": p_no,
        "p_cast": cast,
        "experts": experts,
        "experts_needed": needed,
        "p_members": p_members,
    }
    extra = {"majority": majority}
    if not (cast and ratio_at_least(p_yes, cast, majority)):
        return Decision(False, "not-approved", _NP_MAJORITY, counts, extra)
    if experts < needed:
        return Decision(False, "too-few-experts", _NP_EXPERTS, counts, extra)
    return Decision(True, "approved", _NP_YES, counts, extra)


def _impossible(cast: int, what: str, members: int, experts: int = 0, p_yes: int = 0) -> None:
    if cast > members:
        raise CountsError(f"{cast} {what} cast but the committee has only {members} P-members")
    raise CountsError(f"{experts} expert nominations but only {p_yes} approving P-members")


_CD_CONSENSUS = (
    "The chair judged that consensus was reached on the committee draft (Directives Part 1 "
    "§2.5.6): it may go to the enquiry stage."
)
_CD_NO_CONSENSUS = (
    "The chair judged that there is sustained opposition, so there is no consensus on the "
    "committee draft (Directives Part 1 §2.5.6)."
)
_CD_VOTE_YES = (
    "Consensus was in doubt; {p_yes} of {p_cast} P-member votes approve, at least the {majority} "
    "that §2.5.6 deems sufficient, so the draft may go to the enquiry stage."
)
_CD_VOTE_NO = (
    "Consensus was in doubt and only {p_yes} of {p_cast} P-member votes approve, under the "
    "{majority} that §2.5.6 deems sufficient, so the draft stays at the committee stage."
)


def cd_consensus(
    p_yes: int,
    p_no: int,
    chair_judgement: str = "doubt",
    *,
    majority: Fraction = Fraction(2, 3),
) -> Decision:
    """Committee draft to DIS: the chair judges consensus; in doubt, ⅔ of P-members voting (§2.5.6)."""
    if p_yes < 0 or p_no < 0:
        check_counts(p_yes=p_yes, p_no=p_no)
    if chair_judgement not in CHAIR_JUDGEMENTS:
        raise CountsError(
            f"chair_judgement must be one of {', '.join(CHAIR_JUDGEMENTS)}, got {chair_judgement!r}"
        )
    cast = p_yes + p_no
    counts = {"p_yes": p_yes, "p_no": p_no, "p_cast": cast}
    if chair_judgement == "consensus":
        return Decision(True, "approved-consensus", _CD_CONSENSUS, counts)
    if chair_judgement == "no-consensus":
        return Decision(False, "no-consensus", _CD_NO_CONSENSUS, counts)
    extra = {"majority": majority}
    if cast and ratio_at_least(p_yes, cast, majority):
        return Decision(True, "approved", _CD_VOTE_YES, counts, extra)
    return Decision(False, "not-approved", _CD_VOTE_NO, counts, extra)


_ENQUIRY_YES = (
    "{p_yes} of {p_cast} P-member votes are in favour (at least {p_majority} needed) and "
    "{all_no} of {all_cast} votes cast are negative (at most {max_negative} allowed): approved "
    "({clause})."
)
_ENQUIRY_P_FAIL = (
    "Only {p_yes} of {p_cast} P-member votes are in favour; {clause} a) needs a {p_majority} "
    "majority of the P-members' votes cast, so the draft is not approved."
)
_ENQUIRY_NEG_FAIL = (
    "{all_no} of {all_cast} votes cast by all national bodies are negative, more than the "
    "{max_negative} that {clause} b) allows, so the draft is not approved."
)


def enquiry_vote(
    p_yes: int,
    p_no: int,
    all_yes: int,
    all_no: int,
    *,
    p_majority: Fraction = Fraction(2, 3),
    max_negative: Fraction = Fraction(1, 4),
    clause: str = "Directives Part 1 §2.6.3",
) -> Decision:
    """DIS or FDIS: ⅔ of P-member votes cast in favour and ≤ ¼ of all votes cast negative (§2.6.3, §2.7.3).

    The `all_*` counts include the P-members' votes; abstentions and negatives without technical
    reasons are left out before calling.
    """
    if min(p_yes, p_no) < 0 or all_yes < p_yes or all_no < p_no:
        check_counts(p_yes=p_yes, p_no=p_no, all_yes=all_yes, all_no=all_no)
        raise CountsError("all_yes and all_no include the P-members' votes, so they cannot be smaller")
    p_cast = p_yes + p_no
    all_cast = all_yes + all_no
    counts = {
        "p_yes": p_yes,
        "p_no": p_no,
        "p_cast": p_cast,
        "all_yes": all_yes,
        "all_no": all_no,
        "all_cast": all_cast,
    }
    extra = {"p_majority": p_majority, "max_negative": max_negative, "clause": clause}
    if not (p_cast and ratio_at_least(p_yes, p_cast, p_majority)):
        return Decision(False, "not-approved", _ENQUIRY_P_FAIL, counts, extra)
    if all_no * max_negative.denominator > max_negative.numerator * all_cast:
        return Decision(False, "not-approved", _ENQUIRY_NEG_FAIL, counts, extra)
    return Decision(True, "approved", _ENQUIRY_YES, counts, extra)


def _enquiry_rule(name: str, clause: str, doc: str) -> Callable[..., Decision]:
    """DIS and FDIS share the test of §2.6.3 and §2.7.3; only the clause they cite differs."""

    def rule(
        p_yes: int,
        p_no: int,
        all_yes: int,
        all_no: int,
        *,
        p_majority: Fraction = Fraction(2, 3),
        max_negative: Fraction = Fraction(1, 4),
    ) -> Decision:
        return enquiry_vote(
            p_yes, p_no, all_yes, all_no, p_majority=p_majority, max_negative=max_negative, clause=clause
        )

    rule.__name__ = rule.__qualname__ = name
    rule.__doc__ = doc
    return rule


dis_vote = _enquiry_rule(
    "dis_vote",
    "Directives Part 1 §2.6.3",
    "Enquiry draft (DIS; CDV in IEC), twelve-week vote of all national bodies (§2.6.3).",
)
fdis_vote = _enquiry_rule(
    "fdis_vote",
    "Directives Part 1 §2.7.3",
    "Final draft (FDIS), eight-week vote of all national bodies (§2.7.3).",
)


# --- ballot level -------------------------------------------------------------------------

# `reasons` is accepted at the CD stage so that one ballot format serves every ISO stage.
_P_ONLY = VoteSpec(classes=("P",), default_class="P", flags=(("reasons", True),))
_NP = VoteSpec(classes=("P",), default_class="P", flags=(("reasons", True), ("experts", False)))
_ALL_NBS = VoteSpec(classes=("P", "O", "other"), flags=(("reasons", True),))


def _valid(positions: list[str], reasons: list[bool]) -> tuple[int, int]:
    """Yes votes, and negative votes that carry reasons (§2.3.4, §2.6.3)."""
    no = positions.count("no")
    if False in reasons:
        no -= sum(1 for p, r in zip(positions, reasons, strict=True) if p == "no" and not r)
    return positions.count("yes"), no


def _np_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    committee = require(ballot, "committee", dict, 'must be an object like {"p_members": 20}')
    if set(committee) - {"p_members"}:
        key = sorted(set(committee) - {"p_members"})[0]
        raise BallotError(f"committee.{key}", "unknown field; allowed: p_members")
    if "p_members" not in committee:
        raise BallotError("committee.p_members", "missing; the number of P-members")
    p_members = read_count(ballot, "committee.p_members", committee["p_members"], minimum=1)
    votes = read_votes(ballot, "votes", _NP)
    if len(votes) > p_members:
        raise BallotError("votes", f"{len(votes)} P-member votes but committee.p_members is {p_members}")
    p_yes, p_no = _valid(votes.positions, votes.flags["reasons"])
    experts = sum(1 for p, e in zip(votes.positions, votes.flags["experts"], strict=True) if e and p == "yes")
    decision = np_ballot(p_yes, p_no, experts, p_members, **params)
    decision.counts["p_abstain"] = votes.positions.count("abstain")
    decision.counts["no_without_reasons"] = votes.positions.count("no") - p_no
    return decision


def _cd_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    judgement = optional(ballot, "chair_judgement", str, "doubt", "must be a string")
    if judgement not in CHAIR_JUDGEMENTS:
        raise BallotError("chair_judgement", f"got {judgement!r}; allowed: {', '.join(CHAIR_JUDGEMENTS)}")
    votes = read_votes(ballot, "votes", _P_ONLY, required=False)
    # §2.5.6 excludes no negative vote for want of reasons (unlike §2.3.4 and §2.6.3).
    p_yes, p_no = votes.positions.count("yes"), votes.positions.count("no")
    decision = cd_consensus(p_yes, p_no, judgement, **params)
    decision.counts["p_abstain"] = votes.positions.count("abstain")
    return decision


def _enquiry_ballot(ballot: Mapping[str, Any], params: dict[str, Any], rule: Any) -> Decision:
    votes = read_votes(ballot, "votes", _ALL_NBS)
    reasons = votes.flags["reasons"]
    all_yes, all_no = _valid(votes.positions, reasons)
    p_reasons = [True]
    if False in reasons:
        p_reasons = [r for r, c in zip(reasons, votes.classes, strict=True) if c == "P"]
    p_yes, p_no = _valid(votes.of_class("P"), p_reasons)
    decision = rule(p_yes, p_no, all_yes, all_no, **params)
    decision.counts["abstain"] = votes.positions.count("abstain")
    decision.counts["no_without_reasons"] = votes.positions.count("no") - all_no
    return decision


def _dis_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    return _enquiry_ballot(ballot, params, dis_vote)


def _fdis_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    return _enquiry_ballot(ballot, params, fdis_vote)


_MAJORITY = Param("majority", Fraction(2, 3), "fraction", "Directives Part 1 §2.3.5 a)",
                  "Share of P-member votes cast (abstentions excluded) that must approve.",
                  minimum=Fraction(0), maximum=Fraction(1))  # fmt: skip
_ENQUIRY_PARAMS = (
    Param("p_majority", Fraction(2, 3), "fraction", "Directives Part 1 §2.6.3 a), §2.7.3 a)",
          "Share of P-member votes cast that must be in favour.",
          minimum=Fraction(0), maximum=Fraction(1)),
    Param("max_negative", Fraction(1, 4), "fraction", "Directives Part 1 §2.6.3 b), §2.7.3 b)",
          "Largest share of all national bodies' votes cast that may be negative.",
          minimum=Fraction(0), maximum=Fraction(1)),
)  # fmt: skip

register(Procedure(
    "iso.np", "New work item proposal ballot (12 weeks)", "ISO/IEC Directives Part 1 §2.3.5",
    np_ballot, _np_ballot,
    (
        _MAJORITY,
        Param("experts_small_committee", 4, "int", "Directives Part 1 §2.3.5 b)",
              "Approving P-members naming experts needed with 16 or fewer P-members.", minimum=0),
        Param("experts_large_committee", 5, "int", "Directives Part 1 §2.3.5 b)",
              "Approving P-members naming experts needed with 17 or more P-members.", minimum=0),
        Param("large_committee_from", 17, "int", "Directives Part 1 §2.3.5 b)",
              "Number of P-members from which the larger expert minimum applies.", minimum=1),
    ),
    frozenset({"votes", "committee"}),
))  # fmt: skip
register(Procedure(
    "iso.cd", "Committee draft to enquiry: consensus, else ⅔ of P-members voting",
    "ISO/IEC Directives Part 1 §2.5.6", cd_consensus, _cd_ballot,
    (Param("majority", Fraction(2, 3), "fraction", "Directives Part 1 §2.5.6",
           "Share of P-member votes cast deemed sufficient when consensus is in doubt.",
           minimum=Fraction(0), maximum=Fraction(1)),),
    frozenset({"votes", "chair_judgement"}),
))  # fmt: skip
register(Procedure(
    "iso.dis", "Enquiry draft (DIS) vote of all national bodies (12 weeks)",
    "ISO/IEC Directives Part 1 §2.6.3", dis_vote, _dis_ballot, _ENQUIRY_PARAMS,
    frozenset({"votes"}),
))  # fmt: skip
register(Procedure(
    "iso.fdis", "Final draft (FDIS) vote of all national bodies (8 weeks)",
    "ISO/IEC Directives Part 1 §2.7.3", fdis_vote, _fdis_ballot, _ENQUIRY_PARAMS,
    frozenset({"votes"}),
))  # fmt: skip

__all__ = ["cd_consensus", "dis_vote", "enquiry_vote", "fdis_vote", "np_ballot", "p_member_status"]
