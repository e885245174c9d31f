"""Boundary cases taken from each clause, at the counts level: the exact edges users rely on."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sdo_sim.errors import CountsError
from sdo_sim.rules import etsi, ieee, ietf, iso, itu_t, threegpp

# --- ITU-T ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("substantive", "typographical", "approved", "outcome"),
    [
        (0, 0, True, "approved"),  # A.8 §4.4.1: no comments at all
        (0, 5, True, "approved"),  # typographical comments never stop approval
        (1, 0, False, "comment-resolution"),  # §4.4.2: one substantive comment is enough
    ],
)
def test_aap_last_call(substantive: int, typographical: int, approved: bool, outcome: str) -> None:
    decision = itu_t.aap_last_call(substantive, typographical)
    assert (decision.approved, decision.outcome) == (approved, outcome)
    assert "§4.4" in decision.reason


def test_aap_additional_review_sends_substantive_comments_to_meeting() -> None:
    assert itu_t.aap_additional_review(0, 3).outcome == "approved"
    decision = itu_t.aap_additional_review(1)
    assert (decision.approved, decision.outcome) == (False, "to-meeting")
    assert "§4.5.2" in decision.reason


@pytest.mark.parametrize(
    ("ms_no", "sm_no", "approved", "outcome"),
    [
        (0, 0, True, "approved-unopposed"),  # §5.3
        (1, 0, True, "approved"),  # §5.4: one opposing Member State is tolerated
        (2, 0, False, "not-approved"),  # §5.4: two are not
        (0, 40, True, "approved"),  # Sector Members never block
        (1, 40, True, "approved"),
    ],
)
def test_aap_meeting_one_versus_two_member_states(
    ms_no: int, sm_no: int, approved: bool, outcome: str
) -> None:
    decision = itu_t.aap_meeting(ms_no, 100, sm_no)
    assert (decision.approved, decision.outcome) == (approved, outcome)


def test_aap_meeting_policy_declaration_switches_to_tap_even_if_unopposed() -> None:
    decision = itu_t.aap_meeting(0, 150, policy_declarations=1)
    assert (decision.approved, decision.outcome) == (False, "switch-to-tap")
    assert "§5.2" in decision.reason


@pytest.mark.parametrize(
    ("mode", "ms_no", "late_no", "approved"),
    [
        ("counts-toward-5.4", 0, 1, True),  # the late opposer is the one tolerated
        ("counts-toward-5.4", 1, 1, False),  # one at the meeting + one late = two
        ("vetoes", 0, 1, False),  # the other reading of §5.6
        ("vetoes", 1, 0, True),
    ],
)
def test_aap_meeting_more_time_readings(mode: str, ms_no: int, late_no: int, approved: bool) -> None:
    decision = itu_t.aap_meeting(ms_no, 10, late_no=late_no, late_opposition_mode=mode)
    assert decision.approved is approved


def test_aap_meeting_tolerance_is_a_parameter() -> None:
    assert not itu_t.aap_meeting(1, 10, max_member_states_opposing=0).approved
    assert itu_t.aap_meeting(3, 10, max_member_states_opposing=3).approved


@pytest.mark.parametrize(
    ("support", "oppose", "approved"),
    [
        (7, 3, True),  # exactly 70 % passes (Res. 1 §9.4.5)
        (2, 1, False),  # 66.7 % fails (§9.4.6)
        (69, 30, False),  # 69.7 %
        (70, 30, True),
        (0, 0, True),  # "or if there are no replies"
        (0, 1, False),
        (1, 0, True),
    ],
)
def test_tap_consultation_seventy_percent(support: int, oppose: int, approved: bool) -> None:
    assert itu_t.tap_consultation(support, oppose).approved is approved


def test_tap_meeting_any_single_member_state_blocks() -> None:
    assert itu_t.tap_meeting(0, 150).outcome == "approved-unopposed"
    assert itu_t.tap_meeting(1, 150).outcome == "not-approved"
    assert itu_t.tap_meeting(0, 150, late_no=1).outcome == "not-approved"  # §9.5.5


@pytest.mark.parametrize(
    ("agree", "disagree", "approved", "outcome"),
    [
        (6, 4, True, "approved"),  # 10 replies, majority
        (5, 5, False, "not-approved"),  # half is not a simple majority
        (9, 0, False, "too-few-replies"),  # 9 replies < 10
        (0, 0, False, "too-few-replies"),  # zero replies
        (51, 50, True, "approved"),
    ],
)
def test_question_consultation(agree: int, disagree: int, approved: bool, outcome: str) -> None:
    decision = itu_t.question_consultation(agree, disagree)
    assert (decision.approved, decision.outcome) == (approved, outcome)


# --- ISO/IEC --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p_yes", "p_no", "all_yes", "all_no", "approved"),
    [
        (20, 10, 20, 10, False),  # exactly 2/3 of P passes, but 10/30 > 1/4 negative
        (20, 10, 40, 10, True),  # exactly 2/3 of P and 10/50 = 1/5 negative
        (19, 10, 60, 10, False),  # one vote under 2/3 of P
        (30, 10, 30, 10, True),  # exactly 1/4 negative: "not more than one-quarter"
        (30, 10, 29, 10, False),  # impossible? no: all_yes < p_yes is caught below
        (60, 21, 63, 21, True),  # 21/84 = exactly 1/4
        (60, 21, 62, 21, False),  # 21/83 > 1/4
        (0, 0, 50, 0, False),  # no P-member vote cast: no two-thirds majority
    ],
)
def test_enquiry_two_thirds_and_one_quarter(
    p_yes: int, p_no: int, all_yes: int, all_no: int, approved: bool
) -> None:
    if all_yes < p_yes:
        with pytest.raises(CountsError):
            iso.dis_vote(p_yes, p_no, all_yes, all_no)
        return
    for rule, clause in ((iso.dis_vote, "§2.6.3"), (iso.fdis_vote, "§2.7.3")):
        decision = rule(p_yes, p_no, all_yes, all_no)
        assert decision.approved is approved
        assert clause in decision.reason


def test_enquiry_names_the_failed_test() -> None:
    assert "a)" in iso.dis_vote(19, 10, 60, 10).reason
    assert "b)" in iso.dis_vote(20, 10, 20, 10).reason


@pytest.mark.parametrize(
    ("p_members", "experts", "approved"),
    [
        (16, 4, True),  # ≤ 16 P-members: 4 experts suffice
        (16, 3, False),
        (17, 4, False),  # ≥ 17 P-members: 5 needed
        (17, 5, True),
    ],
)
def test_np_experts_16_versus_17(p_members: int, experts: int, approved: bool) -> None:
    decision = iso.np_ballot(10, 2, experts, p_members)
    assert decision.approved is approved
    if not approved:
        assert decision.outcome == "too-few-experts"


@pytest.mark.parametrize(
    ("p_yes", "p_no", "approved"),
    [(8, 4, True), (7, 4, False), (10, 5, True), (9, 5, False)],  # exactly 2/3, one under
)
def test_np_two_thirds_of_p_members_voting(p_yes: int, p_no: int, approved: bool) -> None:
    assert iso.np_ballot(p_yes, p_no, 5, 20).approved is approved


def test_np_rejects_impossible_counts() -> None:
    with pytest.raises(CountsError, match="only 10 P-members"):
        iso.np_ballot(8, 4, 5, 10)
    with pytest.raises(CountsError, match="expert"):
        iso.np_ballot(3, 0, 4, 10)


@pytest.mark.parametrize(
    ("judgement", "p_yes", "p_no", "outcome"),
    [
        ("consensus", 5, 5, "approved-consensus"),
        ("no-consensus", 9, 1, "no-consensus"),
        ("doubt", 10, 5, "approved"),  # exactly 2/3
        ("doubt", 9, 5, "not-approved"),
        ("doubt", 0, 0, "not-approved"),
    ],
)
def test_cd_chair_judgement_then_two_thirds(judgement: str, p_yes: int, p_no: int, outcome: str) -> None:
    assert iso.cd_consensus(p_yes, p_no, judgement).outcome == outcome


@pytest.mark.parametrize(
    ("ballots", "missed", "enquiry", "meetings", "experts", "keeps"),
    [
        (10, 2, 0, 0, True, True),  # exactly 20 % is not "over 20 %"
        (10, 3, 0, 0, True, False),  # 30 % and ≥ 2
        (4, 1, 0, 0, True, True),  # 25 % but only one ballot missed
        (5, 2, 0, 0, True, False),  # 40 % and 2
        (0, 0, 1, 0, True, False),  # one missed DIS/FDIS/SR ballot (§1.7.5)
        (0, 0, 0, 2, False, False),  # two meetings, no experts (§1.7.4)
        (0, 0, 0, 2, True, True),
        (0, 0, 0, 1, False, True),
    ],
)
def test_p_member_status(
    ballots: int, missed: int, enquiry: int, meetings: int, experts: bool, keeps: bool
) -> None:
    decision = iso.p_member_status(ballots, missed, enquiry, meetings, experts)
    assert decision.approved is keeps
    assert decision.outcome == ("remains-p-member" if keeps else "demoted-to-o-member")


def test_p_member_status_reminder_and_iec_variant() -> None:
    assert iso.p_member_status(10, 5, satisfactory_response=True).approved
    iec = {"cib_missed_share": Fraction(0), "cib_missed_minimum": 1}
    assert not iso.p_member_status(30, 1, **iec).approved
    assert iso.p_member_status(30, 1).approved


# --- 3GPP, ETSI -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "approved"),
    [(71, 29, True), (70, 30, False), (71, 30, False), (0, 0, False), (1, 0, True)],
)
def test_seventy_one_percent(yes: int, no: int, approved: bool) -> None:
    assert threegpp.tsg_vote(yes, no).approved is approved
    assert etsi.tb_vote(yes, no).approved is approved


def test_3gpp_consensus_needs_no_vote() -> None:
    decision = threegpp.tsg_vote(0, 0, consensus=True)
    assert (decision.approved, decision.outcome) == (True, "approved-consensus")


@pytest.mark.parametrize(
    ("rounds", "candidates", "outcome", "winner"),
    [
        ([{"A": 71, "B": 29}], "AB", "elected", "A"),  # round 1 at exactly 71 %
        ([{"A": 70, "B": 30}], "AB", "next-round", None),
        ([{"A": 70, "B": 30}, {"A": 51, "B": 49}], "AB", "elected", "A"),  # plurality
        ([{"A": 70, "B": 30}, {"A": 50, "B": 50}], "AB", "tie", None),
        ([{"A": 40, "B": 35, "C": 25}, {"A": 50, "B": 30, "C": 20}], "ABC", "next-round", None),
        ([{"A": 40, "B": 35, "C": 25}, {"A": 71, "B": 20, "C": 9}], "ABC", "elected", "A"),
        (
            [{"A": 40, "B": 35, "C": 25}, {"A": 50, "B": 30, "C": 20}, {"A": 40, "B": 60}],
            "ABC",
            "elected",
            "B",
        ),
        ([{"A": 40, "B": 35, "C": 25}, {"A": 50, "B": 25, "C": 25}], "ABC", "tie", None),
        ([], "A", "elected-unopposed", "A"),
    ],
)
def test_3gpp_election_rounds(
    rounds: list[dict[str, int]], candidates: str, outcome: str, winner: str | None
) -> None:
    decision = threegpp.election(rounds, list(candidates))
    assert (decision.outcome, decision.winner) == (outcome, winner)
    assert decision.approved is (winner is not None)


def test_3gpp_election_round_three_only_between_finalists() -> None:
    rounds = [{"A": 40, "B": 35, "C": 25}, {"A": 50, "B": 30, "C": 20}, {"A": 40, "C": 60}]
    with pytest.raises(CountsError, match="not standing"):
        threegpp.election(rounds, ["A", "B", "C"])


# --- IETF -----------------------------------------------------------------------------------


def test_rough_consensus_ignores_head_count() -> None:
    assert ietf.wg_rough_consensus(0, technical=100, objections=100).approved  # RFC 7282 §7
    assert not ietf.wg_rough_consensus(1, technical=1, objections=1).approved  # §6


@pytest.mark.parametrize(
    ("ads", "recused", "needed"),
    [(15, 0, 10), (15, 1, 10), (15, 2, 9), (15, 3, 8), (14, 0, 10), (13, 0, 9)],
)
def test_iesg_two_thirds_of_non_recused(ads: int, recused: int, needed: int) -> None:
    passing = ietf.iesg_ballot(1, needed - 1, 0, recused, ads)
    failing = ietf.iesg_ballot(1, needed - 2, 0, recused, ads)
    assert passing.approved and passing.counts["needed"] == needed
    assert (failing.approved, failing.outcome) == (False, "needs-more-positions")


def test_iesg_discuss_and_yes() -> None:
    assert ietf.iesg_ballot(5, 9, 1, 0, 15).outcome == "has-discuss"
    assert ietf.iesg_ballot(0, 14, 0, 0, 15).outcome == "needs-yes"
    assert ietf.iesg_ballot(1, 0, 0, 0, 15, standards_track=False).approved  # informational
    with pytest.raises(CountsError):
        ietf.iesg_ballot(10, 6, 0, 0, 15)


@pytest.mark.parametrize(
    ("days", "wg", "to_is", "approved"),
    [
        (14, True, False, True),
        (13, True, False, False),
        (14, False, False, False),
        (28, False, False, True),
        (27, True, True, False),
        (28, True, True, True),
    ],
)
def test_last_call_minimum_periods(days: int, wg: bool, to_is: bool, approved: bool) -> None:
    assert ietf.last_call(days, wg, to_is).approved is approved


def test_last_call_draft_dwell_time() -> None:
    assert ietf.last_call(14, draft_days=13).outcome == "draft-too-recent"
    assert ietf.last_call(14, draft_days=14).approved


# --- IEEE -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "group", "outcome"),
    [
        (56, 0, 24, 100, "too-many-abstentions"),  # exactly 30 % of returns abstain: fails
        (57, 0, 24, 100, "approved"),  # 24/81 < 30 %
        (60, 15, 0, 100, "approved"),  # exactly 75 % return, exactly 75 % approval
        (59, 15, 0, 100, "insufficient-return"),  # 74 % return
        (59, 20, 0, 100, "not-approved"),  # 59/79 < 75 %
        (0, 0, 0, 10, "insufficient-return"),
    ],
)
def test_ieee_return_approval_abstention(yes: int, no: int, abstain: int, group: int, outcome: str) -> None:
    assert ieee.sa_ballot(yes, no, abstain, group).outcome == outcome


def test_counts_level_rejects_negative_counts() -> None:
    with pytest.raises(CountsError, match="negative"):
        threegpp.tsg_vote(-1, 3)
    with pytest.raises(CountsError, match="returned"):
        ieee.sa_ballot(60, 30, 20, 100)
