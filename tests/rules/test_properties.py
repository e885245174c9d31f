"""Properties every rule must have, checked on generated ballots (hypothesis)."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sdo_sim.rules import etsi, ieee, ietf, iso, itu_t, tally, threegpp

POSITIONS = st.sampled_from(["yes", "no", "abstain"])


def _entries(draw: st.DrawFn, classes: list[str], extra: Callable[[st.DrawFn, str], dict[str, Any]]) -> list:
    n = draw(st.integers(0, 40))
    out = []
    for i in range(n):
        entry: dict[str, Any] = {"voter": f"v{i}", "position": draw(POSITIONS)}
        if classes:
            entry["class"] = draw(st.sampled_from(classes))
        entry.update(extra(draw, entry["position"]))
        out.append(entry)
    return out


def _none(draw: st.DrawFn, position: str) -> dict[str, Any]:
    return {}


def _reasons(draw: st.DrawFn, position: str) -> dict[str, Any]:
    return {"reasons": draw(st.booleans())} if position == "no" and draw(st.booleans()) else {}


@st.composite
def ballots(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ballot for one of the vote-counting procedures."""
    kind = draw(
        st.sampled_from(
            ["aap", "tap", "consult", "question", "np", "cd", "dis", "fdis", "3gpp", "etsi", "ieee", "iesg"]
        )
    )
    if kind in ("aap", "tap"):
        votes = _entries(draw, ["member-state", "sector-member"], _none)
        return {"procedure": f"itu-t.{kind}.meeting", "votes": votes}
    if kind in ("consult", "question"):
        name = "itu-t.tap.consultation" if kind == "consult" else "itu-t.question"
        return {"procedure": name, "replies": _entries(draw, [], _none)}
    if kind == "np":

        def experts(d: st.DrawFn, position: str) -> dict[str, Any]:
            return {"experts": d(st.booleans()), **_reasons(d, position)}

        votes = _entries(draw, ["P"], experts)
        p_members = len(votes) + draw(st.integers(5, 20))
        return {"procedure": "iso.np", "committee": {"p_members": p_members}, "votes": votes}
    if kind == "cd":
        judgement = draw(st.sampled_from(["consensus", "doubt", "no-consensus"]))
        return {"procedure": "iso.cd", "chair_judgement": judgement, "votes": _entries(draw, ["P"], _reasons)}
    if kind in ("dis", "fdis"):
        return {"procedure": f"iso.{kind}", "votes": _entries(draw, ["P", "O", "other"], _reasons)}
    if kind == "3gpp":

        def group(d: st.DrawFn, position: str) -> dict[str, Any]:
            return {"group": d(st.sampled_from(["G1", "G2", "G3"]))} if d(st.booleans()) else {}

        affiliates = draw(st.sampled_from(["each", "one-per-group"]))
        return {
            "procedure": "3gpp.vote",
            "params": {"affiliates": affiliates},
            "votes": _entries(draw, [], group),
        }
    if kind == "etsi":
        return {
            "procedure": "etsi.tb",
            "full_members_only": draw(st.booleans()),
            "votes": _entries(draw, ["full", "associate"], _none),
        }
    if kind == "ieee":
        votes = _entries(draw, [], _none)
        return {
            "procedure": "ieee.sa",
            "balloting_group": len(votes) + draw(st.integers(1, 30)),
            "votes": votes,
        }
    n = draw(st.integers(0, 15))
    positions = [{"ad": f"ad{i}", "position": draw(st.sampled_from(ietf.IESG_POSITIONS))} for i in range(n)]
    return {
        "procedure": "ietf.iesg",
        "ads": n + draw(st.integers(1, 5)),
        "standards_track": True,
        "positions": positions,
    }


def _vote_list(ballot: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("votes", "replies", "positions"):
        if key in ballot:
            return ballot[key]
    raise AssertionError(ballot)


def _with_new_vote(ballot: dict[str, Any], position: str) -> dict[str, Any]:
    """The ballot with one more voter, of the class that counts most for the rule."""
    new = copy.deepcopy(ballot)
    entries = _vote_list(new)
    if new["procedure"] == "ietf.iesg":
        entries.append({"ad": "new-ad", "position": position})
        new["ads"] = max(new["ads"], len(entries))
        return new
    entry: dict[str, Any] = {"voter": "new-voter", "position": position}
    cls = {"itu-t.aap.meeting": "member-state", "itu-t.tap.meeting": "member-state", "iso.np": "P",
           "iso.cd": "P", "iso.dis": "P", "iso.fdis": "P", "etsi.tb": "full"}.get(new["procedure"])  # fmt: skip
    if cls:
        entry["class"] = cls
    entries.append(entry)
    if new["procedure"] == "ieee.sa":
        new["balloting_group"] = max(new["balloting_group"], len(entries))
    if new["procedure"] == "iso.np":
        new["committee"]["p_members"] = max(new["committee"]["p_members"], len(entries))
    return new


@given(ballots())
@settings(max_examples=400, deadline=None)
def test_adding_a_yes_never_turns_approval_into_rejection(ballot: dict[str, Any]) -> None:
    before = tally(ballot)
    after = tally(_with_new_vote(ballot, "yes"))
    if before.approved:
        assert after.approved, (before.reason, after.reason)


@given(ballots())
@settings(max_examples=400, deadline=None)
def test_adding_an_abstention_never_changes_iso_3gpp_itu_outcomes(ballot: dict[str, Any]) -> None:
    if not ballot["procedure"].startswith(("iso.", "3gpp.", "itu-t.")):
        return
    before = tally(ballot)
    after = tally(_with_new_vote(ballot, "abstain"))
    assert (after.approved, after.outcome) == (before.approved, before.outcome)


@given(ballots(), st.randoms(use_true_random=False))
@settings(max_examples=400, deadline=None)
def test_permuting_voters_never_changes_anything(ballot: dict[str, Any], rng: Any) -> None:
    shuffled = copy.deepcopy(ballot)
    rng.shuffle(_vote_list(shuffled))
    assert tally(shuffled) == tally(ballot)


# --- the exact thresholds against a brute-force reference ----------------------------------


def _reference_share(part: int, whole: int, share: Fraction) -> bool:
    """Brute force: is `part` among the smallest counts that reach `share` of `whole`?"""
    smallest = next(k for k in range(whole + 1) if Fraction(k, whole) >= share)
    return part >= smallest


counts = st.integers(0, 300)


@given(counts, counts, counts, counts)
@settings(max_examples=500)
def test_enquiry_matches_reference(p_yes: int, p_no: int, o_yes: int, o_no: int) -> None:
    all_yes, all_no = p_yes + o_yes, p_no + o_no
    expected = (
        p_yes + p_no > 0
        and _reference_share(p_yes, p_yes + p_no, Fraction(2, 3))
        and Fraction(all_no, all_yes + all_no) <= Fraction(1, 4)
    )
    assert iso.dis_vote(p_yes, p_no, all_yes, all_no).approved is expected


@given(counts, counts)
@settings(max_examples=500)
def test_seventy_one_and_seventy_percent_match_reference(yes: int, no: int) -> None:
    cast = yes + no
    expected_71 = cast > 0 and _reference_share(yes, cast, Fraction(71, 100))
    assert threegpp.tsg_vote(yes, no).approved is expected_71
    assert etsi.tb_vote(yes, no).approved is expected_71
    assert threegpp.tsg_vote(yes, no).approved is (cast > 0 and yes / cast >= 0.71 - 1e-12)
    expected_70 = cast == 0 or _reference_share(yes, cast, Fraction(70, 100))
    assert itu_t.tap_consultation(yes, no).approved is expected_70


@given(st.integers(1, 40), st.data())
def test_iesg_needed_matches_ceiling(ads: int, data: st.DataObject) -> None:
    recused = data.draw(st.integers(0, ads - 1))
    decision = ietf.iesg_ballot(1, 0, 0, recused, ads)
    assert decision.counts["needed"] == math.ceil(Fraction(2, 3) * (ads - recused))


@given(st.integers(1, 200), st.data())
def test_ieee_matches_reference(group: int, data: st.DataObject) -> None:
    yes = data.draw(st.integers(0, group))
    no = data.draw(st.integers(0, group - yes))
    abstain = data.draw(st.integers(0, group - yes - no))
    returned = yes + no + abstain
    expected = (
        Fraction(returned, group) >= Fraction(3, 4)
        and Fraction(abstain, returned) < Fraction(3, 10)
        and yes + no > 0
        and Fraction(yes, yes + no) >= Fraction(3, 4)
    )
    assert ieee.sa_ballot(yes, no, abstain, group).approved is expected
