"""Each venue's pipeline on tiny deterministic scenarios, where the outcome follows from the rules alone."""

from __future__ import annotations

from typing import Any

import pytest

from sdo_sim.model import SDOModel

from .conftest import last_decision, proposal_from, tiny

# --- ISO/IEC ---------------------------------------------------------------------------------


def iso_committee(east_p: int, west_p: int, **venue: Any) -> Any:
    actors = [
        {"id": "E", "kind": "delegation", "count": east_p, "bloc": "east", "memberships": {"tc": "P"}},
        {"id": "W", "kind": "delegation", "count": west_p, "bloc": "west", "memberships": {"tc": "P"}},
        {"id": "X", "kind": "delegation", "count": 20, "bloc": "west"},  # national bodies outside the TC
    ]
    return tiny(
        actors, {"id": "tc", "kind": "iso", "body": "ISO/TC 1", "nonmember_participation": 1.0, **venue}
    )


@pytest.mark.parametrize(("east_p", "blocked"), [(11, True), (10, False)])
def test_a_bloc_with_more_than_a_third_of_p_members_blocks_the_dis(
    build: Any, east_p: int, blocked: bool
) -> None:
    model: SDOModel = build(iso_committee(east_p, 30 - east_p))
    proposal = proposal_from(model, "west", "tc", stage="DIS")
    model.venue_by_id["tc"].close_enquiry(proposal, 20, "DIS")
    decision = last_decision(model)
    assert decision["procedure"] == "iso.dis"
    # 19 of 30 P-members (63 %) fall short of two-thirds; 20 of 30 reach it exactly.
    assert decision["approved"] is (not blocked)
    assert (decision["yes"], decision["no"]) == (30 - east_p, east_p)


def test_iso_bloc_blocks_every_dis_it_opposes_over_a_whole_run() -> None:
    scenario = iso_committee(
        11,
        19,
        proposals_per_meeting=3,
        drafting_meetings=0,
        consensus_tolerance=0.2,
        rules={"iso.np": {"majority": "1/2"}, "iso.cd": {"majority": "1/2"}},
    )
    scenario.actors[0].contributions = 0.0  # only the west proposes
    from sdo_sim.runner import run

    result = run(scenario, seed=3)
    dis = result.decisions[result.decisions["procedure"] == "iso.dis"]
    assert len(dis) > 0
    assert not dis["approved"].any()
    assert not result.proposals["approved"].any()


def test_iso_pipeline_publishes_when_unopposed(build: Any) -> None:
    from sdo_sim.runner import run

    scenario = iso_committee(0, 30, proposals_per_meeting=2, drafting_meetings=1)
    result = run(scenario, seed=2)
    published = result.proposals[result.proposals["outcome"] == "published"]
    assert len(published) > 0
    gates = set(result.decisions["procedure"])
    assert {"iso.np", "iso.cd", "iso.dis"} <= gates


def test_p_member_missing_a_dis_is_demoted_and_regains_p_status_a_year_later(build: Any) -> None:
    model: SDOModel = build(iso_committee(5, 25, p_member_return=0.0, reminder_response=0.0))
    venue = model.venue_by_id["tc"]
    laggard = int(venue.of_class("P")[0])
    model.population.attendance[laggard] = 0.0
    proposal = proposal_from(model, "west", "tc", stage="DIS")
    venue.close_enquiry(proposal, 20, "DIS")
    venue.year_end(51)
    assert model.actor_list[laggard].memberships["tc"] == "O"
    assert last_decision(model)["outcome"] == "demoted-to-o-member"
    assert laggard not in venue.of_class("P")
    venue.year_end(103)
    assert model.actor_list[laggard].memberships["tc"] == "P"  # §1.7.4: after 12 months


def test_a_p_member_answering_the_reminder_keeps_its_status(build: Any) -> None:
    model: SDOModel = build(iso_committee(5, 25, p_member_return=0.0, reminder_response=1.0))
    venue = model.venue_by_id["tc"]
    laggard = int(venue.of_class("P")[0])
    model.population.attendance[laggard] = 0.0
    venue.close_enquiry(proposal_from(model, "west", "tc", stage="DIS"), 20, "DIS")
    venue.year_end(51)
    assert model.actor_list[laggard].memberships["tc"] == "P"


# --- ITU-T -----------------------------------------------------------------------------------


def study_group(opposing_states: int) -> Any:
    actors = [
        {"id": "E", "kind": "delegation", "count": opposing_states, "bloc": "east",
         "memberships": {"sg": "member-state"}},
        {"id": "W", "kind": "delegation", "count": 20, "bloc": "west", "memberships": {"sg": "member-state"}},
        {"id": "F", "kind": "firm", "count": 30, "bloc": "east", "memberships": {"sg": "sector-member"}},
    ]  # fmt: skip
    return tiny(actors, {"id": "sg", "kind": "itu-t", "body": "ITU-T SG99"})


@pytest.mark.parametrize(("opposing", "approved"), [(1, True), (2, False)])
def test_aap_meeting_one_opposing_member_state_passes_two_stop_it(
    build: Any, opposing: int, approved: bool
) -> None:
    model: SDOModel = build(study_group(opposing))
    proposal = proposal_from(model, "west", "sg", stage="aap-meeting", track="aap")
    model.venue_by_id["sg"].aap_meeting(proposal, 14)
    decision = last_decision(model)
    assert decision["procedure"] == "itu-t.aap.meeting"
    assert decision["approved"] is approved
    # thirty opposing Sector Members never count (A.8 §5.4)
    assert '"sm_no": 30' in decision["counts"]


def test_one_opposing_member_state_stops_the_text_once_switched_to_tap(build: Any) -> None:
    model: SDOModel = build(study_group(1))
    proposal = proposal_from(model, "west", "sg", stage="tap-meeting", track="tap")
    model.venue_by_id["sg"].tap_meeting(proposal, 14)
    decision = last_decision(model)
    assert (decision["procedure"], decision["approved"]) == ("itu-t.tap.meeting", False)


def test_policy_declaration_switches_a_sensitive_text_to_tap(build: Any) -> None:
    scenario = study_group(1)
    scenario.positions.policy_declaration = 1.0
    model: SDOModel = build(scenario)
    proposal = proposal_from(model, "west", "sg", stage="aap-meeting", track="aap", sensitive=True)
    venue = model.venue_by_id["sg"]
    venue.aap_meeting(proposal, 14)
    assert last_decision(model)["outcome"] == "switch-to-tap"
    assert (proposal.track, proposal.stage) == ("tap", "tap-consultation")


def test_itu_pipeline_approves_uncontested_texts_without_a_meeting() -> None:
    from sdo_sim.runner import run

    scenario = study_group(0)
    scenario.venues[0].proposals_per_meeting = 2
    scenario.venues[0].tap_share = 0.0
    scenario.actors[2].bloc = "west"  # nobody opposes
    result = run(scenario, seed=4)
    approved = result.proposals[result.proposals["approved"]]
    assert len(approved) > 0
    last_gates = result.decisions.groupby("proposal")["procedure"].last()
    assert set(last_gates[approved["proposal"]]) == {"itu-t.aap.last-call"}  # A.8 §4.4.1


# --- 3GPP ------------------------------------------------------------------------------------


def tsg(affiliates: str) -> Any:
    actors = [
        {"id": "Big", "kind": "firm", "bloc": "east", "subsidiaries": 12, "memberships": {"tsg": "individual-member"}},
        {"id": "E", "kind": "firm", "count": 59, "bloc": "east", "memberships": {"tsg": "individual-member"}},
        {"id": "W", "kind": "firm", "count": 29, "bloc": "west", "memberships": {"tsg": "individual-member"}},
    ]  # fmt: skip
    venue = {"id": "tsg", "kind": "3gpp", "body": "TSG", "consensus_tolerance": 0.0, "vote_request": 1.0,
             "rules": {"3gpp.vote": {"affiliates": affiliates}}}  # fmt: skip  # every text without consensus is voted on
    return tiny(actors, venue)


@pytest.mark.parametrize(
    ("affiliates", "approved", "yes"), [("each", True, 71), ("one-per-group", False, 60)]
)
def test_affiliates_counted_one_per_group_lose_a_vote_they_win_when_each_counts(
    build: Any, affiliates: str, approved: bool, yes: int
) -> None:
    model: SDOModel = build(tsg(affiliates))
    proposal = proposal_from(model, "east", "tsg", stage="drafting")
    model.venue_by_id["tsg"].approve(proposal, 14)
    decision = last_decision(model)
    assert decision["procedure"] == "3gpp.vote"
    assert (decision["yes"], decision["no"], decision["approved"]) == (yes, 29, approved)


def test_a_rule_change_event_switches_affiliates_mid_run() -> None:
    scenario = tsg("each")
    from sdo_sim.scenario import validate

    raw = scenario.model_dump(mode="json")
    raw["events"] = [
        {"week": 10, "kind": "rules", "venue": "tsg", "rules": {"3gpp.vote": {"affiliates": "one-per-group"}}}
    ]
    model = SDOModel(validate(raw, "tiny"), seed=1)
    for _ in range(11):
        model.step()
    proposal = proposal_from(model, "east", "tsg", stage="drafting")
    model.venue_by_id["tsg"].approve(proposal, 11)
    assert last_decision(model)["approved"] is False


def test_chair_election_is_recorded_and_changes_the_chair() -> None:
    scenario = tsg("each")
    scenario.venues[0].election_interval_weeks = 26
    model = SDOModel(scenario, seed=1)
    model.run()
    elections = [row for row in model.decision_rows if row["procedure"] == "3gpp.election"]
    assert [row["week"] for row in elections] == [27, 53, 79]  # the first chair serves a full term
    assert elections[0]["approved"]
    assert model.population.bloc_names[model.population.bloc[model.venue_by_id["tsg"].chair]] == "east"


# --- IETF ------------------------------------------------------------------------------------


def working_group(resolution: float) -> Any:
    actors = [
        {"id": "P", "kind": "firm", "count": 20, "bloc": "west", "memberships": {"wg": "participant"}},
        {"id": "Q", "kind": "firm", "count": 3, "bloc": "east", "memberships": {"wg": "participant"}, "contributions": 0},
        {"id": "AD", "kind": "firm", "count": 15, "bloc": "west", "memberships": {"wg": "area-director"}, "contributions": 0},
    ]  # fmt: skip
    venue = {"id": "wg", "kind": "ietf", "body": "WG", "proposals_per_meeting": 2, "drafting_meetings": 1,
             "objection_resolution": resolution}  # fmt: skip
    return tiny(actors, venue, quality=[1.0, 1e6])  # quality ≈ 0: only the resolution rate answers objections


def test_ietf_pipeline_reaches_rfc_when_objections_are_answered() -> None:
    from sdo_sim.runner import run

    result = run(working_group(1.0), seed=5)
    assert (result.proposals["outcome"] == "published-rfc").any()
    assert {"ietf.wg", "ietf.last-call", "ietf.iesg"} <= set(result.decisions["procedure"])


def test_three_unanswered_technical_objections_block_adoption_whatever_the_head_count() -> None:
    from sdo_sim.runner import run

    result = run(working_group(0.0), seed=5)
    adoption = result.decisions[result.decisions["stage"] == "adoption"]
    assert len(adoption) > 0
    assert not adoption["approved"].any()
    assert set(result.proposals["outcome"]) <= {"not-adopted", "pending"}


def test_large_delegations_weigh_in_the_chairs_reading_of_consensus(build: Any) -> None:
    scenario = study_group(1)  # one opposing Member State among 20 in favour and 30 firms
    scenario.actors[2].bloc = "west"
    quiet: SDOModel = build(scenario)
    proposal = proposal_from(quiet, "west", "sg", stage="drafting", track="aap")
    quiet.venue_by_id["sg"].ready(proposal, 14)
    assert last_decision(quiet)["outcome"] == "consensus"  # 1 of 51 opposing

    scenario.actors[0].delegates = 10  # the same state sends ten delegates
    loud: SDOModel = build(scenario)
    proposal = proposal_from(loud, "west", "sg", stage="drafting", track="aap")
    loud.venue_by_id["sg"].ready(proposal, 14)
    assert last_decision(loud)["outcome"] == "no-consensus"  # 10 of 60 people opposing


def test_two_venues_share_their_delegations() -> None:
    from sdo_sim.runner import run
    from sdo_sim.scenario import validate

    actors = [
        {"id": "E", "kind": "delegation", "count": 5, "bloc": "east", "memberships": {"tc": "P"}},
        {"id": "W", "kind": "delegation", "count": 15, "bloc": "west", "memberships": {"tc": "P"}},
    ]
    raw = tiny(actors, {"id": "tc", "kind": "iso", "body": "TC", "proposals_per_meeting": 2}).model_dump(
        mode="json"
    )
    raw["venues"].append({"id": "sg", "kind": "itu-t", "body": "SG", "first_meeting_week": 1,
                          "meeting_interval_weeks": 13, "proposals_per_meeting": 2})  # fmt: skip
    for actor in raw["actors"]:
        actor["memberships"]["sg"] = "member-state"
    result = run(validate(raw, "two venues"), seed=1)
    assert set(result.proposals["venue"]) == {"tc", "sg"}
    assert set(result.decisions["venue"]) == {"tc", "sg"}
