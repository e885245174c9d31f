"""3GPP: consensus first and a vote only on request; work items need four supporters and no substantial
objection; the chair and vice-chairs elected post by post under `3gpp.election` (Teleanu 2021,
lines 1672-1673)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sdo_sim
from sdo_sim import elections
from sdo_sim.model import SDOModel
from sdo_sim.rules.threegpp import election
from sdo_sim.venues.threegpp import MIN_SUPPORTERS, work_item_decision

from .conftest import last_decision, proposal_from, tiny

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baselines" / "3gpp-tsg.yaml"
T71 = Fraction(71, 100)

# --- the work item gate -----------------------------------------------------------------------


@pytest.mark.parametrize(("supporters", "objecting", "outcome"), [
    (MIN_SUPPORTERS - 1, 0, "too-few-supporters"),
    (MIN_SUPPORTERS, 10, "work-item-approved"),     # 10 of 100 object: exactly the tolerance
    (MIN_SUPPORTERS, 11, "substantial-objection"),  # one more is a substantial objection
    (MIN_SUPPORTERS - 1, 50, "too-few-supporters"),
])  # fmt: skip
def test_a_work_item_needs_four_supporters_and_no_substantial_objection(
    supporters: int, objecting: int, outcome: str
) -> None:
    decision = work_item_decision(supporters, objecting, 100, 0.1)
    assert (decision.outcome, decision.approved) == (outcome, outcome == "work-item-approved")
    assert "line 1673" in decision.reason


def tsg(east: int, west: int, **venue: Any) -> Any:
    actors = [
        {"id": "E", "kind": "firm", "count": east, "bloc": "east", "memberships": {"tsg": "individual-member"}},
        {"id": "W", "kind": "firm", "count": west, "bloc": "west", "memberships": {"tsg": "individual-member"}},
    ]  # fmt: skip
    return tiny(actors, {"id": "tsg", "kind": "3gpp", "body": "TSG", "consensus_tolerance": 0.1, **venue})


def test_a_bloc_over_the_tolerance_stops_the_others_work_item(build: Any) -> None:
    """East members all object to a west item (cohesion 1): 11 of 100 is substantial, 10 of 100 is not."""
    for east, approved in ((11, False), (10, True)):
        model: SDOModel = build(tsg(east, 100 - east))
        proposal = proposal_from(model, "west", "tsg", stage="proposed")
        model.venue_by_id["tsg"].start(proposal, 1)
        decision = last_decision(model)
        assert (decision["procedure"], decision["approved"]) == ("3gpp.work-item", approved)
        assert proposal.open is approved


def west_items_objected(cohesion: float) -> float:
    stopped = total = 0
    for seed in range(1, 5):
        result = sdo_sim.run(BASELINE, seed=seed, weeks=104, overrides={"blocs.east.cohesion": cohesion})
        west = result.proposals[result.proposals["bloc"] == "west"]
        stopped += int((west["outcome"] == "substantial-objection").sum())
        total += len(west)
    return stopped / total


def test_a_cohesive_east_stops_more_west_work_items_by_objection() -> None:
    """Paired seeds on the baseline: the bloc line turns the east's members into objectors."""
    loose, cohesive = west_items_objected(0.0), west_items_objected(1.0)
    assert cohesive > loose + 0.08, (loose, cohesive)


# --- approval: consensus first, a vote only on request ------------------------------------------


@pytest.mark.parametrize(("vote_request", "procedure", "outcome"), [
    (0.0, "chair-consensus", "no-consensus"),  # nobody asks: the text goes back to drafting
    (1.0, "3gpp.vote", "approved"),            # a member always asks: 80 of 100 votes cast pass 71 %
])  # fmt: skip
def test_without_consensus_a_vote_is_held_only_when_a_member_asks(
    build: Any, vote_request: float, procedure: str, outcome: str
) -> None:
    model: SDOModel = build(tsg(20, 80, vote_request=vote_request))
    proposal = proposal_from(model, "west", "tsg", stage="drafting")
    model.venue_by_id["tsg"].approve(proposal, 14)
    decision = last_decision(model)
    assert (decision["procedure"], decision["stage"], decision["outcome"]) == (procedure, "approval", outcome)
    if procedure == "chair-consensus":
        assert proposal.open and proposal.stage == "drafting" and proposal.attempts == 1


def test_consensus_needs_no_vote_whatever_the_request_chance(build: Any) -> None:
    model: SDOModel = build(tsg(10, 90, vote_request=1.0))  # 10 % opposed: exactly the tolerance
    proposal = proposal_from(model, "west", "tsg", stage="drafting")
    model.venue_by_id["tsg"].approve(proposal, 14)
    assert last_decision(model)["outcome"] == "approved-consensus"


def approval_gates(overrides: dict[str, Any], seeds: range = range(1, 5)) -> pd.DataFrame:
    frames = [sdo_sim.run(BASELINE, seed=s, overrides=overrides).decisions for s in seeds]
    decisions = pd.concat(frames)
    return decisions[decisions["stage"] == "approval"]


def test_votes_are_the_exception_and_grow_with_the_request_chance() -> None:
    def vote_share(request: float) -> float:
        gates = approval_gates({"venues.tsg.vote_request": request})
        voted = (gates["procedure"] == "3gpp.vote") & (gates["outcome"] != "approved-consensus")
        return float(voted.mean())

    never, baseline, always = vote_share(0.0), vote_share(0.1), vote_share(1.0)
    assert never == 0.0
    assert 0 < baseline < 0.05 < always  # the baseline's vote share, against a vote on every failure


# --- elections --------------------------------------------------------------------------------


def scripted(*tallies: dict[str, int]) -> tuple[Any, list[list[str]]]:
    """A ballot that returns the given tallies in turn and notes who stood in each round."""
    asked: list[list[str]] = []

    def ballot(standing: list[str]) -> dict[str, int]:
        asked.append(list(standing))
        return {name: votes for name, votes in tallies[len(asked) - 1].items() if name in standing}

    return ballot, asked


def test_an_election_runs_the_rounds_of_3gpp_election() -> None:
    ballot, asked = scripted({"a": 40, "b": 35, "c": 25}, {"a": 42, "b": 38, "c": 20}, {"a": 45, "b": 55})
    decision, held = elections.rounds(["a", "b", "c"], ballot, T71)
    assert asked == [["a", "b", "c"], ["a", "b", "c"], ["a", "b"]]  # round 3: round 2's two leaders
    assert decision.winner == "b" and decision.counts["round"] == 3
    assert decision.outcome == election(held, ["a", "b", "c"], threshold=T71).outcome


@pytest.mark.parametrize(("first", "rounds_held", "winner"), [
    ({"a": 71, "b": 29}, 1, "a"),  # exactly 71 % of votes cast in round 1
    ({"a": 70, "b": 30}, 2, "a"),  # just under: round 2, a plurality vote between two
])  # fmt: skip
def test_round_one_needs_71_percent(first: dict[str, int], rounds_held: int, winner: str) -> None:
    ballot, asked = scripted(first, first)
    decision, _ = elections.rounds(["a", "b"], ballot, T71)
    assert (len(asked), decision.winner) == (rounds_held, winner)


def test_a_sole_candidate_is_elected_without_a_ballot() -> None:
    ballot, asked = scripted()
    decision, _ = elections.rounds(["a"], ballot, T71)
    assert (decision.outcome, decision.winner, asked) == ("elected-unopposed", "a", [])


def three_blocs() -> SDOModel:
    blocs = {
        "east": {"cohesion": 1.0, "ideal": [1.0, 1.0], "spread": 0.0},
        "west": {"cohesion": 1.0, "ideal": [-1.0, -1.0], "spread": 0.0},
        "south": {"cohesion": 1.0, "ideal": [-0.5, -0.2], "spread": 0.0},  # nearer the west
    }
    actors = [{"id": b[0].upper(), "kind": "firm", "count": n, "bloc": b, "memberships": {"tsg": "individual-member"}}
              for b, n in (("east", 40), ("west", 35), ("south", 25))]  # fmt: skip
    return SDOModel(tiny(actors, {"id": "tsg", "kind": "3gpp", "body": "TSG"}, blocs=blocs), seed=1)


def test_a_runoff_between_round_twos_leaders_can_overturn_the_plurality() -> None:
    """40/35/25 in rounds 1 and 2 (no 71 %); in round 3 the south backs the west: 60 to 40."""
    model = three_blocs()
    venue, names = model.venue_by_id["tsg"], model.population.names
    candidates = np.array([names.index(n) for n in ("E-001", "W-001", "S-001")])
    votes = venue.weights(venue.members).astype(float)
    winner = elections.elect(venue, 106, "chair", candidates, venue.members, votes)
    decision = last_decision(model)
    assert (decision["procedure"], decision["stage"]) == ("3gpp.election", "chair-election")
    assert '"round": 3' in decision["counts"] and '"winner_votes": 60' in decision["counts"]
    assert winner == names.index("W-001")


def test_an_election_sitting_fills_every_post_with_a_different_member() -> None:
    model = three_blocs()
    venue = model.venue_by_id["tsg"]
    venue.spec.posts.count = 5
    elections.hold(venue, 106)
    holders = [venue.chair, *venue.posts]
    assert len(holders) == 6 and len(set(holders)) == 6
    assert set(holders) <= set(venue.members.tolist())
    rows = [r for r in model.decision_rows if r["procedure"] == "3gpp.election"]
    assert [r["stage"] for r in rows] == ["chair-election"] + ["vice-chair-election"] * 5


def test_with_nobody_active_the_holders_keep_their_posts() -> None:
    model = three_blocs()
    venue = model.venue_by_id["tsg"]
    before = (venue.chair, list(venue.posts))
    model.population.contributions[:] = 0.0  # nobody stands
    elections.hold(venue, 106)
    assert (venue.chair, venue.posts) == before
    assert not any(r["procedure"] == "3gpp.election" for r in model.decision_rows)


# --- pattern: post shares follow membership and attendance, by election alone -----------------


def east_share_by_election(overrides: dict[str, Any], seed: int) -> list[float]:
    """The east's share of chair and vice-chair posts at the start and after each election."""
    result = sdo_sim.run(
        BASELINE, seed=seed, overrides={"venues.tsg.election_interval_weeks": 52, **overrides}
    )
    posts = result.posts[result.posts["post"].isin(["chair", "vice-chair"])]
    weeks = [0, *sorted(set(result.decisions.loc[result.decisions["procedure"] == "3gpp.election", "week"]))]
    shares = []
    for week in weeks:
        held = posts[(posts["start"] <= week) & (posts["end"].isna() | (posts["end"] > week))]
        assert len(held) == 56
        shares.append(float((held["bloc"] == "east").mean()))
    return shares


@pytest.mark.parametrize(("larger", "each", "overall"), [
    ({"actors.IM-cn.count": 300}, 0.05, 0.08),       # a larger east membership (173 → 300 members)
    ({"actors.IM-cn.attendance": 1.0}, 0.02, 0.04),  # the same members, all attending (0.7 → 1)
])  # fmt: skip
def test_a_larger_or_more_present_east_wins_more_posts_at_each_election(
    larger: dict[str, Any], each: float, overall: float
) -> None:
    """Paired seeds: the same start (the scenario's posts), then the east's share of chair and
    vice-chair posts rises with its membership or attendance, election after election."""
    gaps = []
    for seed in range(1, 9):
        base, more = east_share_by_election({}, seed), east_share_by_election(larger, seed)
        assert len(base) == len(more) == 4  # the start and elections at weeks 54, 106 and 158
        assert abs(base[0] - more[0]) <= 1 / 56  # the scenario's shares; only the chair is drawn
        gaps.append([m - b for m, b in zip(more[1:], base[1:], strict=True)])
    by_election = np.mean(gaps, axis=0)
    assert (by_election > each).all() and by_election.mean() > overall, by_election


@pytest.mark.parametrize(("path", "value", "allowed"), [
    ("venues.tsg.vote_request", 1.5, "less than or equal to 1"),
    ("venues.tsg.vote_request", -0.1, "greater than or equal to 0"),
    ("venues.tsg.election_candidates", 0.5, "greater than or equal to 1"),
    ("venues.tsg.election_candidates", 11, "less than or equal to 10"),
])  # fmt: skip
def test_the_new_fields_refuse_values_out_of_bounds_in_one_line(
    path: str, value: float, allowed: str
) -> None:
    from sdo_sim.scenario import ScenarioError

    with pytest.raises(ScenarioError) as error:
        sdo_sim.load_scenario(BASELINE, {path: value})
    message = str(error.value)
    assert "\n" not in message and "3gpp-tsg.yaml" in message and path in message and allowed in message


def test_elections_and_votes_are_the_same_for_the_same_seed() -> None:
    overrides = {"venues.tsg.vote_request": 0.5, "venues.tsg.election_candidates": 2.0}
    first, again = (sdo_sim.run(BASELINE, seed=3, overrides=overrides) for _ in range(2))
    assert first.posts.equals(again.posts) and first.decisions.equals(again.decisions)
