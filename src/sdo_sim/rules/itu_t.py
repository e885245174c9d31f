"""ITU-T: the Alternative Approval Process (Rec. A.8, 10/2008) and WTSA Resolution 1 (2016).

Only Member States cast counted votes (Res. 1 §1.13); Sector Members comment, take part in
consensus and may abstain, but never block (A.8 §5.4 counts only Member States present).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from sdo_sim.errors import BallotError
from sdo_sim.rules._ballot import VoteSpec, read_votes
from sdo_sim.rules._core import Decision, Param, Procedure, check_counts, ratio_at_least, register

MEMBER_STATE = "member-state"
SECTOR_MEMBER = "sector-member"
LATE_OPPOSITION_MODES = ("counts-toward-5.4", "vetoes")

# --- counts level -------------------------------------------------------------------------

_LC_APPROVED = (
    "No comment other than typographical was received by the end of the Last Call "
    "({typographical} typographical), so the text is approved (A.8 §4.4.1)."
)
_LC_RESOLUTION = (
    "{substantive} substantive comment(s) received during the Last Call; the study group chair "
    "starts comment resolution or takes the text to the next meeting (A.8 §4.4.2)."
)
_AR_APPROVED = (
    "No comment other than typographical was received during the Additional Review "
    "({typographical} typographical), so the text is approved (A.8 §4.5.1)."
)
_AR_MEETING = (
    "{substantive} substantive comment(s) received during the Additional Review; the text goes "
    "to the study group meeting for decision (A.8 §4.5.2)."
)


def aap_last_call(substantive: int, typographical: int = 0) -> Decision:
    """AAP Last Call: approved unless a non-typographical comment arrives (A.8 §4.4.1–4.4.2)."""
    if substantive < 0 or typographical < 0:
        check_counts(substantive=substantive, typographical=typographical)
    counts = {"substantive": substantive, "typographical": typographical}
    if substantive == 0:
        return Decision(True, "approved", _LC_APPROVED, counts)
    return Decision(False, "comment-resolution", _LC_RESOLUTION, counts)


def aap_additional_review(substantive: int, typographical: int = 0) -> Decision:
    """AAP Additional Review: the same test over the three-week review (A.8 §4.5.1–4.5.2)."""
    if substantive < 0 or typographical < 0:
        check_counts(substantive=substantive, typographical=typographical)
    counts = {"substantive": substantive, "typographical": typographical}
    if substantive == 0:
        return Decision(True, "approved", _AR_APPROVED, counts)
    return Decision(False, "to-meeting", _AR_MEETING, counts)


_MEETING_TAP = (
    "{policy_declarations} Member State(s) present declared that the text has policy or "
    "regulatory implications, so approval proceeds under TAP (A.8 §5.2; Res. 1 §9.3)."
)
_MEETING_UNOPPOSED = "Nobody present opposed approval: unopposed agreement (A.8 §5.3)."
_MEETING_APPROVED = (
    "Unopposed agreement was not reached, but only {effective_ms_no} Member State(s) present "
    "opposed and A.8 §5.4 approves when no more than {max_member_states_opposing} do "
    "({sm_no} Sector Member objection(s) are noted as concerns, A.8 §5.5)."
)
_MEETING_REJECTED = (
    "{effective_ms_no} Member States present opposed; A.8 §5.4 approves only when no more than "
    "{max_member_states_opposing} do, so the text is not approved (further work, or §5.8)."
)
_MEETING_VETO = (
    "{late_no} Member State(s) that asked for more time advised opposition within four weeks, "
    "which defeats approval in the 'vetoes' reading of A.8 §5.6."
)


def aap_meeting(
    ms_no: int,
    ms_yes: int = 0,
    sm_no: int = 0,
    policy_declarations: int = 0,
    late_no: int = 0,
    *,
    max_member_states_opposing: int = 1,
    late_opposition_mode: str = "counts-toward-5.4",
) -> Decision:
    """AAP decision at a study group meeting (A.8 §5.2–5.7).

    Abstainers are left out before calling (§5.7); `late_no` counts Member States that asked
    for more time (§5.6) and then advised opposition within four weeks.
    """
    if min(ms_no, ms_yes, sm_no, policy_declarations, late_no) < 0:
        check_counts(ms_no=ms_no, ms_yes=ms_yes, sm_no=sm_no, late_no=late_no,
                     policy_declarations=policy_declarations)  # fmt: skip
    effective = ms_no + late_no if late_opposition_mode == "counts-toward-5.4" else ms_no
    counts = {
        "ms_yes": ms_yes,
        "ms_no": ms_no,
        "sm_no": sm_no,
        "policy_declarations": policy_declarations,
        "late_no": late_no,
        "effective_ms_no": effective,
    }
    extra = {"max_member_states_opposing": max_member_states_opposing}
    if policy_declarations:
        return Decision(False, "switch-to-tap", _MEETING_TAP, counts)
    if late_no and late_opposition_mode == "vetoes":
        return Decision(False, "not-approved", _MEETING_VETO, counts)
    if ms_no == 0 and sm_no == 0 and late_no == 0:
        return Decision(True, "approved-unopposed", _MEETING_UNOPPOSED, counts)
    if effective <= max_member_states_opposing:
        return Decision(True, "approved", _MEETING_APPROVED, counts, extra)
    return Decision(False, "not-approved", _MEETING_REJECTED, counts, extra)


_TAP_CONSULT_NONE = (
    "No Member State replied to the consultation, which authorises consideration at the "
    "meeting (Res. 1 §9.4.5)."
)
_TAP_CONSULT_YES = (
    "{support} of {replies} Member State replies support consideration, at least {threshold} "
    "needed: the study group may consider approval (Res. 1 §9.4.5)."
)
_TAP_CONSULT_NO = (
    "Only {support} of {replies} Member State replies support consideration, under the "
    "{threshold} needed: approval may not proceed at that meeting (Res. 1 §9.4.6)."
)


def tap_consultation(support: int, oppose: int, *, threshold: Fraction = Fraction(70, 100)) -> Decision:
    """TAP consultation: ≥ 70 % of Member State replies, or no replies, authorise (Res. 1 §9.4.5)."""
    if support < 0 or oppose < 0:
        check_counts(support=support, oppose=oppose)
    replies = support + oppose
    counts = {"support": support, "oppose": oppose, "replies": replies}
    if replies == 0:
        return Decision(True, "authorised", _TAP_CONSULT_NONE, counts)
    extra = {"threshold": threshold}
    if ratio_at_least(support, replies, threshold):
        return Decision(True, "authorised", _TAP_CONSULT_YES, counts, extra)
    return Decision(False, "not-authorised", _TAP_CONSULT_NO, counts, extra)


_TAP_MEETING_YES = (
    "No Member State delegation present opposed, so the decision is unopposed and the text is "
    "approved (Res. 1 §9.5.3; abstainers ignored, §9.5.6)."
)
_TAP_MEETING_NO = (
    "{ms_no} Member State delegation(s) opposed at the meeting and {late_no} advised formal "
    "opposition within four weeks (§9.5.5); TAP approval must be unopposed (Res. 1 §9.5.3)."
)


def tap_meeting(ms_no: int, ms_yes: int = 0, late_no: int = 0) -> Decision:
    """TAP decision at the meeting: any one opposing Member State blocks (Res. 1 §9.5.3–9.5.6)."""
    if min(ms_no, ms_yes, late_no) < 0:
        check_counts(ms_no=ms_no, ms_yes=ms_yes, late_no=late_no)
    counts = {"ms_yes": ms_yes, "ms_no": ms_no, "late_no": late_no}
    if ms_no == 0 and late_no == 0:
        return Decision(True, "approved-unopposed", _TAP_MEETING_YES, counts)
    return Decision(False, "not-approved", _TAP_MEETING_NO, counts)


_QUESTION_YES = (
    "{agree} of {replies} responding Member States agree (a simple majority) and at least "
    "{min_replies} replies were received, so the Question is approved (Res. 1 §7.2.3)."
)
_QUESTION_FEW = (
    "Only {replies} Member State replies were received; Res. 1 §7.2.3 requires at least "
    "{min_replies}, so the Question is not approved."
)
_QUESTION_NO = (
    "{agree} of {replies} responding Member States agree, which is not a simple majority, so the "
    "Question is not approved (Res. 1 §7.2.3)."
)


def question_consultation(agree: int, disagree: int, *, min_replies: int = 10) -> Decision:
    """Question by consultation: simple majority of Member States responding, ≥ 10 replies (Res. 1 §7.2.3)."""
    if agree < 0 or disagree < 0:
        check_counts(agree=agree, disagree=disagree)
    replies = agree + disagree
    counts = {"agree": agree, "disagree": disagree, "replies": replies}
    extra = {"min_replies": min_replies}
    if replies < min_replies:
        return Decision(False, "too-few-replies", _QUESTION_FEW, counts, extra)
    if 2 * agree > replies:
        return Decision(True, "approved", _QUESTION_YES, counts, extra)
    return Decision(False, "not-approved", _QUESTION_NO, counts, extra)


# --- ballot level -------------------------------------------------------------------------

_COMMENTS = VoteSpec(
    positions=("typographical", "substantive"),
    classes=(MEMBER_STATE, SECTOR_MEMBER, "associate", "unspecified"),
    default_class="unspecified",
    voter_key="from",
    position_key="kind",
    unique=False,
)
_MEETING = VoteSpec(
    classes=(MEMBER_STATE, SECTOR_MEMBER),
    flags=(("policy_implications", False), ("more_time", False)),
)
_TAP_MEETING = VoteSpec(classes=(MEMBER_STATE, SECTOR_MEMBER), flags=(("more_time", False),))
_REPLIES = VoteSpec(classes=(MEMBER_STATE,), default_class=MEMBER_STATE)


def _comments(ballot: Mapping[str, Any]) -> tuple[int, int]:
    comments = read_votes(ballot, "comments", _COMMENTS, required=False)
    return comments.positions.count("substantive"), comments.positions.count("typographical")


def _last_call_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    return aap_last_call(*_comments(ballot))


def _additional_review_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    return aap_additional_review(*_comments(ballot))


def _meeting_columns(ballot: Mapping[str, Any], spec: VoteSpec) -> tuple[list[str], list[str], int, int]:
    """Member State and Sector Member positions at the meeting, with §5.2 and §5.6 flags read."""
    votes = read_votes(ballot, "votes", spec)
    more_time = votes.flags["more_time"]
    policy = votes.flags.get("policy_implications", [])
    if True in policy or True in more_time:
        for i, cls in enumerate(votes.classes):
            declared = bool(policy) and policy[i]
            if cls != MEMBER_STATE and (declared or more_time[i]):
                flag = "policy_implications" if declared else "more_time"
                raise BallotError(
                    f"votes[{i}].{flag}",
                    "only a Member State may declare policy implications or ask for more time "
                    "(A.8 §5.2, §5.6; Res. 1 §9.5.5)",
                )
    declarations = policy.count(True)
    if True not in more_time:
        return votes.of_class(MEMBER_STATE), votes.of_class(SECTOR_MEMBER), declarations, 0
    ms: list[str] = []
    sm: list[str] = []
    late: list[str] = []
    for position, cls, asked_more_time in zip(votes.positions, votes.classes, more_time, strict=True):
        if asked_more_time and position == "no":
            late.append(position)  # opposition advised within the four weeks (§5.6, §9.5.5)
        else:
            (ms if cls == MEMBER_STATE else sm).append(position)
    return ms, sm, declarations, len(late)


def _aap_meeting_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    ms, sm, policy, late_no = _meeting_columns(ballot, _MEETING)
    decision = aap_meeting(ms.count("no"), ms.count("yes"), sm.count("no"), policy, late_no, **params)
    decision.counts["ms_abstain"] = ms.count("abstain")
    decision.counts["sm_yes"] = sm.count("yes")
    decision.counts["sm_abstain"] = sm.count("abstain")
    return decision


def _tap_meeting_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    ms, sm, _, late_no = _meeting_columns(ballot, _TAP_MEETING)
    decision = tap_meeting(ms.count("no"), ms.count("yes"), late_no)
    decision.counts["ms_abstain"] = ms.count("abstain")
    decision.counts["sm_present"] = len(sm)
    return decision


def _tap_consultation_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    positions = read_votes(ballot, "replies", _REPLIES, required=False).positions
    decision = tap_consultation(positions.count("yes"), positions.count("no"), **params)
    decision.counts["abstain"] = positions.count("abstain")
    return decision


def _question_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    positions = read_votes(ballot, "replies", _REPLIES, required=False).positions
    decision = question_consultation(positions.count("yes"), positions.count("no"), **params)
    decision.counts["abstain"] = positions.count("abstain")
    return decision


register(Procedure(
    "itu-t.aap.last-call", "AAP Last Call (four weeks)", "ITU-T A.8 §4.4",
    aap_last_call, _last_call_ballot, (), frozenset({"comments"}),
))  # fmt: skip
register(Procedure(
    "itu-t.aap.additional-review", "AAP Additional Review (three weeks)", "ITU-T A.8 §4.5",
    aap_additional_review, _additional_review_ballot, (), frozenset({"comments"}),
))  # fmt: skip
register(Procedure(
    "itu-t.aap.meeting", "AAP decision at a study group meeting", "ITU-T A.8 §5.2–5.7",
    aap_meeting, _aap_meeting_ballot,
    (
        Param("max_member_states_opposing", 1, "int", "A.8 §5.4",
              "Member States present that may oppose and the text still pass.", minimum=0),
        Param("late_opposition_mode", "counts-toward-5.4", "choice", "A.8 §5.6",
              "Whether opposition advised in the four-week 'more time' window is added to the "
              "§5.4 count or defeats approval alone (the text is ambiguous).",
              choices=LATE_OPPOSITION_MODES),
    ),
    frozenset({"votes"}),
))  # fmt: skip
register(Procedure(
    "itu-t.tap.consultation", "TAP consultation of Member States", "WTSA Res. 1 §9.4",
    tap_consultation, _tap_consultation_ballot,
    (Param("threshold", Fraction(70, 100), "fraction", "Res. 1 §9.4.5",
           "Share of Member State replies that must support consideration.",
           minimum=Fraction(0), maximum=Fraction(1)),),
    frozenset({"replies"}),
))  # fmt: skip
register(Procedure(
    "itu-t.tap.meeting", "TAP decision at a study group meeting", "WTSA Res. 1 §9.5",
    tap_meeting, _tap_meeting_ballot, (), frozenset({"votes"}),
))  # fmt: skip
register(Procedure(
    "itu-t.question", "Question approval by consultation (fallback)", "WTSA Res. 1 §7.2.3",
    question_consultation, _question_ballot,
    (Param("min_replies", 10, "int", "Res. 1 §7.2.3",
           "Member State replies needed for the consultation to count.", minimum=0),),
    frozenset({"replies"}),
))  # fmt: skip
