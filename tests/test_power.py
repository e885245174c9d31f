"""Voting power (issue 10 item 5): textbook values, exact against the definitions and against Monte
Carlo, the SDO rules as games at their boundaries, and `sdo-sim power` as a user runs it."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sdo_sim.analysis.power import (
    Game,
    PlayerType,
    PowerError,
    by_player,
    coalition_game,
    exact_cost,
    power,
    weighted_game,
)
from sdo_sim.analysis.power.blocs import solve
from sdo_sim.analysis.power.rules import GAMES
from sdo_sim.analysis.power.runs import observed
from sdo_sim.analysis.power.timeline import states
from sdo_sim.rules import iso, itu_t, threegpp
from sdo_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def indices(weights: list[int], quota: int, **options: object) -> tuple[list, list, list]:
    game = weighted_game(weights, quota)
    result = power(game, **options)  # type: ignore[arg-type]
    return (
        by_player(result.banzhaf, game, weights),
        by_player(result.banzhaf_raw, game, weights),
        by_player(result.shapley_shubik or (), game, weights),
    )


# --- textbook values -------------------------------------------------------------------------------


def test_weighted_game_4_2111() -> None:
    """[4; 2, 1, 1, 1]: the big player is in every winning coalition (ABC, ABD, ACD, ABCD). It swings
    in 4 of the 8 coalitions of the others, each small player in 2 (AB+C, AB+D for C... ): absolute
    Banzhaf 1/2 and 1/4, normalised 4/10 and 2/10; it is pivotal in the orderings where it comes
    third or fourth, 12 of 24: Shapley–Shubik 1/2, the others 1/6 each."""
    banzhaf, raw, shapley = indices([2, 1, 1, 1], 4)
    assert raw == [F(1, 2), F(1, 4), F(1, 4), F(1, 4)]
    assert banzhaf == [F(2, 5), F(1, 5), F(1, 5), F(1, 5)]
    assert shapley == [F(1, 2), F(1, 6), F(1, 6), F(1, 6)]


def test_weighted_game_3_2111_where_both_indices_are_one_half() -> None:
    """[3; 2, 1, 1, 1] (a simple majority of 5): Banzhaf and Shapley–Shubik both 1/2, 1/6, 1/6, 1/6."""
    banzhaf, raw, shapley = indices([2, 1, 1, 1], 3)
    assert raw == [F(3, 4), F(1, 4), F(1, 4), F(1, 4)]
    assert banzhaf == shapley == [F(1, 2), F(1, 6), F(1, 6), F(1, 6)]


def test_eec_council_of_1958_luxembourg_has_no_power() -> None:
    """[12; 4, 4, 4, 2, 2, 1] (France, Germany, Italy, Belgium, Netherlands, Luxembourg): every
    coalition's weight but Luxembourg's is even, so Luxembourg never decides."""
    banzhaf, raw, shapley = indices([4, 4, 4, 2, 2, 1], 12)
    assert banzhaf == [F(5, 21)] * 3 + [F(3, 21)] * 2 + [F(0)]
    assert raw == [F(5, 16)] * 3 + [F(3, 16)] * 2 + [F(0)]
    assert shapley == [F(14, 60)] * 3 + [F(9, 60)] * 2 + [F(0)]
    assert banzhaf[5] == shapley[5] == 0


# --- exact equals the definitions --------------------------------------------------------------------


def brute_force(n: int, wins, abstention: F = F(0)) -> tuple[list[F], list[F]]:
    """Absolute Banzhaf and Shapley–Shubik straight from their definitions over coalitions and orderings
    (`wins(yes_set, no_set)`); with abstention, the others abstain with that chance."""
    raw = []
    p_yes = (1 - abstention) / 2
    for i in range(n):
        others = [j for j in range(n) if j != i]
        total = F(0)
        for votes in itertools.product(
            ("yes", "no", "abstain") if abstention else ("yes", "no"), repeat=n - 1
        ):
            yes = {j for j, v in zip(others, votes, strict=True) if v == "yes"}
            no = {j for j, v in zip(others, votes, strict=True) if v == "no"}
            chance = (
                math.prod(abstention if v == "abstain" else p_yes for v in votes)
                if abstention
                else F(1, 2 ** (n - 1))
            )
            if wins(yes | {i}, no) != wins(yes, no | {i}):
                total += chance
        raw.append(total)
    shapley = [F(0)] * n
    everyone = set(range(n))
    for order in itertools.permutations(range(n)):
        before: set[int] = set()
        for i in order:
            gain = int(wins(before | {i}, everyone - before - {i})) - int(wins(before, everyone - before))
            shapley[i] += gain
            before.add(i)
    return raw, [F(s, math.factorial(n)) for s in shapley]


@pytest.mark.parametrize("seed", range(6))
def test_exact_equals_the_definitions_on_random_weighted_games(seed: int) -> None:
    rng = np.random.default_rng(seed)
    weights = [int(w) for w in rng.integers(1, 6, size=int(rng.integers(2, 7)))]
    quota = int(rng.integers(sum(weights) // 2 + 1, sum(weights) + 1))
    _, raw, shapley = indices(weights, quota)
    expected_raw, expected_shapley = brute_force(
        len(weights), lambda yes, no: sum(weights[i] for i in yes) >= quota
    )
    assert raw == expected_raw
    assert shapley == expected_shapley


def test_coalition_game_takes_any_predicate() -> None:
    """A non-weighted game: A wins with B, or C wins with D and E (no quota represents it)."""
    wins = {frozenset("AB"), frozenset("CDE")}
    game = coalition_game(list("ABCDE"), lambda s: any(w <= {"ABCDE"[i] for i in s} for w in wins))
    result = power(game)
    raw, shapley = brute_force(5, lambda yes, no: any(w <= {"ABCDE"[i] for i in yes} for w in wins))
    assert list(result.banzhaf_raw) == raw
    assert list(result.shapley_shubik) == shapley


# --- exact against Monte Carlo ---------------------------------------------------------------------


def assert_within(exact: list, estimate: list, errors: list, k: float = 4.0) -> None:
    for e, m, se in zip(exact, estimate, errors, strict=True):
        assert abs(float(e) - m) <= k * se + 1e-12, (float(e), m, se)


def test_exact_against_monte_carlo_on_a_mid_sized_weighted_game() -> None:
    """40 players of weights 1-9 (9 distinct), quota 60 % of the weight: within 4 standard errors."""
    rng = np.random.default_rng(7)
    weights = [int(w) for w in rng.integers(1, 10, size=40)]
    game = weighted_game(weights, math.ceil(0.6 * sum(weights)))
    exact = power(game, method="exact")
    estimate = power(game, method="monte-carlo", samples=40_000, seed=11)
    assert estimate.method == "monte-carlo" and estimate.samples == 40_000
    assert_within(exact.banzhaf_raw, estimate.banzhaf_raw, estimate.banzhaf_raw_se)
    assert_within(exact.banzhaf, estimate.banzhaf, estimate.banzhaf_se)
    assert_within(exact.shapley_shubik, estimate.shapley_shubik, estimate.shapley_shubik_se)
    assert all(0 < se < 0.01 for se in estimate.banzhaf_se)
    assert abs(sum(t.count * s for t, s in zip(game.types, estimate.shapley_shubik, strict=True)) - 1) < 1e-9


def test_exact_against_monte_carlo_on_the_iso_enquiry_vote_with_abstentions() -> None:
    """The ISO double threshold over 12 P-members and 30 other national bodies, a third abstaining."""
    game = Game(
        (PlayerType("P-member", 12, (1, 1)), PlayerType("other national body", 30, (0, 1))),
        lambda y, n: iso.dis_vote(y[0], n[0], y[1], n[1]).approved,
        ("P", "all"),
    )
    exact = power(game, method="exact", abstention=F(1, 3))
    estimate = power(game, method="monte-carlo", samples=40_000, seed=5, abstention=F(1, 3))
    assert exact.shapley_shubik is None and estimate.shapley_shubik is None  # yes/no games only
    assert_within(exact.banzhaf_raw, estimate.banzhaf_raw, estimate.banzhaf_raw_se)
    assert_within(exact.banzhaf, estimate.banzhaf, estimate.banzhaf_se)
    assert exact.banzhaf_raw[0] > exact.banzhaf_raw[1] > 0  # a P-member counts in both tests


def test_exact_with_abstention_equals_the_definition() -> None:
    """3GPP's 71 % of votes cast among 5 members, one with 3 memberships, each abstaining with chance 1/4."""
    weights = [3, 1, 1, 1, 1]
    game = Game(
        (PlayerType("firm", 1, (3,)), PlayerType("member", 4, (1,))),
        lambda y, n: threegpp.tsg_vote(y[0], n[0]).approved,
    )
    result = power(game, abstention=F(1, 4))
    raw, _ = brute_force(
        5,
        lambda yes, no: threegpp.tsg_vote(sum(weights[i] for i in yes), sum(weights[i] for i in no)).approved,
        F(1, 4),
    )
    assert list(result.banzhaf_raw) == [raw[0], raw[1]]


def test_auto_switches_to_monte_carlo_over_the_budget_and_says_why_exact_is_refused() -> None:
    game = weighted_game(list(range(1, 61)), 1000)
    assert exact_cost(game) > 3_000_000
    assert power(game, samples=2_000).method == "monte-carlo"
    with pytest.raises(PowerError, match="exact computation needs about"):
        power(game, method="exact")


def test_monte_carlo_is_reproducible_with_its_seed() -> None:
    game = weighted_game([5, 4, 3, 2, 1], 9)
    one, two = (power(game, method="monte-carlo", samples=500, seed=3) for _ in range(2))
    assert one == two
    assert power(game, method="monte-carlo", samples=500, seed=4) != one


def test_no_decisive_vote_means_zero_normalised_power_not_a_division_by_zero() -> None:
    game = Game((PlayerType("member", 3, (1,)),), lambda y, n: False)
    result = power(game)
    assert result.decisive is False and list(result.banzhaf) == [0]


@pytest.mark.parametrize("weights, quota", [([0, 1], 1), ([2, 1], 0), ([2, 1], 4), ([], 1)])
def test_a_bad_weighted_game_is_refused(weights: list[int], quota: int) -> None:
    with pytest.raises(PowerError):
        weighted_game(weights, quota)


# --- the SDO rules as games, at their boundaries ------------------------------------------------


def scenario(tmp_path: Path, actors: list[str], venue: str, rules: str = "") -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: tiny\nweeks: 10\nblocs:\n  east: {cohesion: 0.5, ideal: [0.0, 0.0]}\n"
        "  west: {cohesion: 0.0, ideal: [0.0, 0.0]}\nactors:\n"
        + "".join(f"  - {a}\n" for a in actors)
        + f"venues:\n  - {venue}\n"
        + rules
    )
    return path


def rule_games(path: Path) -> dict[str, object]:
    state = states(load_scenario(path))[0][0]
    venue = state.model.venues[0]
    games, no_votes = GAMES[venue.kind](venue)
    out: dict[str, object] = {p: g for g in games for p in g.procedures}
    out.update({n.procedure: n for n in no_votes})
    out["_state"] = state
    return out


def test_iso_double_threshold_exactly_two_thirds_and_exactly_one_quarter(tmp_path: Path) -> None:
    """3 P-members and 1 other national body: 2 of 3 P-members in favour (exactly ⅔) and 1 of 4 votes
    negative (exactly ¼) is approved; one more negative vote of either kind is not (§2.6.3)."""
    games = rule_games(
        scenario(
            tmp_path,
            [
                "{id: P, kind: delegation, count: 3, bloc: east, memberships: {tc: P}}",
                "{id: X, kind: delegation, bloc: west}",
            ],
            "{id: tc, kind: iso, body: TC}",
        )
    )
    dis = games["iso.dis"]
    assert dis.dimensions == ("P-member votes", "votes of all national bodies")
    assert dis.wins((2, 3), (1, 1))  # P: 2 yes 1 no; all: 3 yes 1 no
    assert not dis.wins((1, 2), (2, 2))  # only ⅓ of the P-members
    assert not dis.wins((2, 2), (1, 2))  # 2 of 4 negative
    assert dis.wins((2, 2), (0, 0))  # abstentions are not counted
    # the indices equal the definition computed from the rulebook directly
    state = games["_state"]
    alone, whole = solve(dis, state.model)
    roles = dis.votes.tolist()
    raw, shapley = brute_force(
        4,
        lambda yes, no: (
            iso.dis_vote(
                sum(roles[i][0] for i in yes), sum(roles[i][0] for i in no), len(yes), len(no)
            ).approved
        ),
    )
    p, x = int(alone.type_of[0]), int(alone.type_of[3])
    assert (alone.indices.banzhaf_raw[p], alone.indices.banzhaf_raw[x]) == (raw[0], raw[3])
    assert (alone.indices.shapley_shubik[p], alone.indices.shapley_shubik[x]) == (shapley[0], shapley[3])
    # en bloc, the three P-members (east, cohesion 0.5) are one player holding every P-member vote
    assert [t.label for t in whole.game.types] == ["east bloc (en bloc)", "national body, not a member"]
    assert whole.indices.banzhaf == (F(1), F(0))  # the bloc alone decides: the other can never outvote ¼


def test_3gpp_71_percent_of_votes_cast_and_affiliates(tmp_path: Path) -> None:
    """100 single members: 71 of 100 approve, 70 do not; a member decides when exactly 70 others say yes."""
    actors = ["{id: IM, kind: firm, count: 100, bloc: west, memberships: {tsg: individual-member}}"]
    games = rule_games(scenario(tmp_path, actors, "{id: tsg, kind: 3gpp, body: TSG}"))
    vote = games["3gpp.vote"]
    assert vote.wins((71,), (29,)) and not vote.wins((70,), (30,))
    assert vote.wins((71,), (29,)) and not vote.wins((71,), (30,))  # abstentions excluded: 71/101 < 71 %
    assert vote.wins((5,), (2,))  # 5 of 7 votes cast = 71.4 %, the 93 others abstaining
    alone, _ = solve(vote, games["_state"].model)
    assert alone.indices.banzhaf_raw == (F(math.comb(99, 70), 2**99),)


@pytest.mark.parametrize("affiliates, votes", [("each", [1, 12]), ("one-per-group", [1, 1])])
def test_3gpp_affiliates_switch_how_many_votes_a_group_casts(
    tmp_path: Path, affiliates: str, votes: list[int]
) -> None:
    actors = [
        "{id: Big, kind: firm, subsidiaries: 12, bloc: east, memberships: {tsg: individual-member}}",
        "{id: IM, kind: firm, count: 20, bloc: west, memberships: {tsg: individual-member}}",
    ]
    rules = f"    rules:\n      3gpp.vote: {{affiliates: {affiliates}}}\n"
    games = rule_games(scenario(tmp_path, actors, "id: tsg\n    kind: 3gpp\n    body: TSG", rules))
    assert sorted(set(games["3gpp.vote"].votes[:, 0].tolist())) == sorted(set(votes))


def test_itu_t_one_member_state_opposing_against_two(tmp_path: Path) -> None:
    """A.8 §5.4: approved with one Member State opposing, not with two; Sector Members never decide; TAP
    (Res. 1 §9.5.3) lets any one Member State block."""
    actors = [
        "{id: MS, kind: delegation, count: 6, bloc: west, memberships: {sg: member-state}}",
        "{id: SM, kind: firm, count: 3, bloc: east, memberships: {sg: sector-member}}",
    ]
    games = rule_games(scenario(tmp_path, actors, "{id: sg, kind: itu-t, body: SG}"))
    meeting, tap = games["itu-t.aap.meeting"], games["itu-t.tap.meeting"]
    assert meeting.wins((5, 0), (1, 3)) and not meeting.wins((4, 3), (2, 0))
    assert tap.wins((6,), (0,)) and not tap.wins((5,), (1,))
    state = games["_state"]
    alone, _ = solve(meeting, state.model)
    ms, sm = (alone.game.types.index(t) for t in alone.game.types)
    assert alone.indices.banzhaf_raw[ms] == F(5, 2**5)  # decisive when exactly one of the 5 others opposes
    assert alone.indices.banzhaf_raw[sm] == 0 and alone.indices.shapley_shubik[sm] == 0
    tap_alone, _ = solve(tap, state.model)
    assert tap_alone.indices.banzhaf_raw == (F(1, 2**5),) and tap_alone.indices.shapley_shubik == (F(1, 6),)
    assert itu_t.aap_meeting(1, 5).approved and not itu_t.aap_meeting(2, 4).approved  # the rulebook agrees


def test_ietf_rough_consensus_gets_no_index(tmp_path: Path) -> None:
    actors = [
        "{id: P, kind: firm, count: 5, bloc: west, memberships: {wg: participant}}",
        "{id: AD, kind: firm, count: 3, bloc: west, memberships: {wg: area-director}}",
    ]
    games = rule_games(scenario(tmp_path, actors, "{id: wg, kind: ietf, body: WG}"))
    assert "no vote" in games["ietf.wg"].why
    assert games["ietf.iesg"].voters.size == 3


def test_a_bloc_that_joins_and_tightens_changes_the_power_from_its_week() -> None:
    """iso-bloc-voting: from week 52 the east bloc holds 16 of 35 P-member votes, more than a third:
    en bloc it is a veto player under ⅔ of the P-members, as strong as the west's 19."""
    scenario_states, _ = states(load_scenario(ROOT / "scenarios" / "iso-bloc-voting.yaml"))
    assert [s.week for s in scenario_states] == [0, 52] and scenario_states[0].end == 52
    before, after = (
        {g.procedures[0]: g for g in GAMES["iso"](s.model.venues[0])[0]} for s in scenario_states
    )
    _, whole_before = solve(before["iso.cd"], scenario_states[0].model)
    _, whole_after = solve(after["iso.cd"], scenario_states[1].model)
    east = [t.label for t in whole_after.game.types].index("east bloc (en bloc)")
    assert whole_after.game.types[east].votes == (16,)
    assert whole_after.indices.banzhaf[east] == F(1, 2)
    assert whole_before.indices.banzhaf[
        [t.label for t in whole_before.game.types].index("east bloc (en bloc)")
    ] < F(1, 5)


def test_simulated_success_counts_votes_that_went_their_way() -> None:
    """Yes on an approved text and no on a rejected one are successes; outcomes decided without the
    count and decisions outside the state's weeks are left out."""
    decisions = pd.DataFrame(
        {
            "decision": [0, 1, 2, 3],
            "week": [1, 2, 3, 60],
            "venue": ["v"] * 4,
            "procedure": ["iso.dis"] * 4,
            "approved": [True, False, True, True],
            "outcome": ["approved", "not-approved", "approved-consensus", "approved"],
        }
    )
    positions = pd.DataFrame(
        {
            "decision": [0, 0, 1, 1, 2, 3],
            "actor": list("abcdef"),
            "bloc": ["east", "west", "east", "west", "east", "east"],
            "position": ["yes", "no", "yes", "no", "no", "no"],
        }
    )
    proposals = pd.DataFrame(
        {
            "venue": ["v", "v", "v"],
            "decided": pd.array([5, 10, None], dtype="Int64"),
            "bloc": ["east", "east", "west"],
            "approved": [True, False, False],
        }
    )
    result = SimpleNamespace(decisions=decisions, positions=positions, proposals=proposals)
    rule = SimpleNamespace(not_counted=frozenset({"approved-consensus"}), positions_are_votes=True)
    found = observed([result], "v", rule, ("iso.dis",), 0, 52, ["east", "west"])  # type: ignore[arg-type]
    assert (found["east"]["success"], found["east"]["votes"]) == (0.5, 2)  # yes won, yes lost
    assert (found["west"]["success"], found["west"]["votes"]) == (0.5, 2)  # no lost, no won
    assert (found["east"]["approval"], found["east"]["proposals"]) == (0.5, 2)
    assert found["west"]["proposals"] == 0 and found["west"]["approval"] is None


# --- the command ---------------------------------------------------------------------------------


def sdo_sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdo_sim.cli", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_cli_weighted_game_prints_the_two_indices_in_the_order_of_the_weights() -> None:
    result = sdo_sim("power", "--weights", "4,4,4,2,2,1", "--quota", "12", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert list(document) == ["banzhaf", "shapley_shubik"]
    assert document["banzhaf"] == pytest.approx([5 / 21] * 3 + [3 / 21] * 2 + [0], abs=1e-12)
    assert document["shapley_shubik"] == pytest.approx([14 / 60] * 3 + [9 / 60] * 2 + [0], abs=1e-12)
    unordered = json.loads(
        sdo_sim("power", "--weights", "1,2,4,2,4,4", "--quota", "12", "--format", "json").stdout
    )
    assert unordered["banzhaf"] == pytest.approx([0, 3 / 21, 5 / 21, 3 / 21, 5 / 21, 5 / 21], abs=1e-12)
    # no abstention, however it is written, is the weighted game's own
    zero = sdo_sim(
        "power", "--weights", "4,4,4,2,2,1", "--quota", "12", "--format", "json", "--abstention", "0.0"
    )
    assert zero.returncode == 0 and json.loads(zero.stdout) == document, zero.stderr


def test_cli_weighted_game_table_and_monte_carlo_standard_errors() -> None:
    table = sdo_sim("power", "--weights", "2,1,1,1", "--quota", "4")
    assert table.returncode == 0 and "2/5" in table.stdout and "1/6" in table.stdout
    estimate = json.loads(
        sdo_sim(
            "power",
            "--weights",
            "2,1,1,1",
            "--quota",
            "4",
            "--method",
            "monte-carlo",
            "--samples",
            "4000",
            "--seed",
            "2",
            "--format",
            "json",
        ).stdout
    )
    assert estimate["method"] == "monte-carlo" and estimate["samples"] == 4000
    assert_within([F(2, 5), F(1, 5), F(1, 5), F(1, 5)], estimate["banzhaf"], estimate["banzhaf_se"])


def test_cli_scenario_power_json_and_files(tmp_path: Path) -> None:
    out = tmp_path / "power"
    result = sdo_sim(
        "power",
        str(ROOT / "scenarios" / "baselines" / "ietf-working-group.yaml"),
        "--runs",
        "1",
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # the note on the files written goes to stderr
    assert "written to" in result.stderr
    venue = report["states"][0]["venues"][0]
    assert [g["procedures"] for g in venue["games"]] == [["ietf.iesg"]]
    assert any(n["procedure"] == "ietf.wg" and "no vote" in n["why"] for n in venue["no_vote"])
    blocs = {row["bloc"]: row for row in venue["games"][0]["blocs"]}
    assert sum(row["banzhaf_alone"] for row in blocs.values()) == pytest.approx(1)
    assert blocs["west"]["banzhaf_alone"] == pytest.approx(11 / 15)  # 11 of 15 Area Directors, all alike
    assert blocs["west"]["simulated_votes"] > 0 and 0 <= blocs["west"]["simulated_success"] <= 1
    files = {p.name for p in out.iterdir()}
    assert {
        "power.json",
        "power-blocs.csv",
        "power-actors.csv",
        "power-wg-ietf.iesg.png",
        "manifest.json",
    } <= files
    assert pd.read_csv(out / "power-actors.csv")["actor"].tolist() == ["AD-west", "AD-east", "AD-other"]


def test_cli_scenario_tables_name_each_rule_and_clause() -> None:
    result = sdo_sim("power", str(ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"), "--runs", "0")
    assert result.returncode == 0, result.stderr
    for text in (
        "itu-t.aap.meeting",
        "A.8 §5.3–5.4",
        "Res. 1 §9.5.3",
        "Sector Member",
        "each member's power",
    ):
        assert text in result.stdout, text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--weights", "4,a", "--quota", "3"], "--weights: weight 2 is 'a'"),
        (["--weights", "4,0", "--quota", "3"], "whole number from 1"),
        (["--weights", "4,-2", "--quota", "3"], "whole number from 1"),
        (["--weights", "4,,2", "--quota", "3"], "weight 2 is ''"),
        (["--weights", "4,2", "--quota", "7"], "--quota: got 7; must be from 1 to the total weight 6"),
        (["--weights", "4,2", "--quota", "0"], "--quota: got 0"),
        (["--weights", "4,2"], "--quota is missing"),
        (["--quota", "3"], "--weights is missing"),
        ([], "give a scenario file, or a weighted game"),
        (["scenarios/baselines/ietf-working-group.yaml", "--weights", "1,2", "--quota", "2"], "not both"),
        (["--weights", "4,2", "--quota", "3", "--format", "xml"], "--format: got 'xml'"),
        (["--weights", "4,2", "--quota", "3", "--method", "guess"], "--method: got 'guess'"),
        (["--weights", "4,2", "--quota", "3", "--samples", "1"], "--samples: got 1"),
        (["--weights", "4,2", "--quota", "3", "--abstention", "1/3"], "--abstention applies to a scenario"),
        (["scenarios/baselines/ietf-working-group.yaml", "--abstention", "1"], "--abstention: got '1'"),
        (["scenarios/baselines/ietf-working-group.yaml", "--runs", "-1"], "--runs: got -1"),
        (["no-such-scenario.yaml"], "no-such-scenario.yaml"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In process (the console entry point itself), so that seventeen cases cost no interpreter starts."""
    from sdo_sim.cli import main

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["sdo-sim", "power", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    output = capsys.readouterr()
    assert exit_.value.code == 2, output.err
    assert output.out == ""
    lines = output.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sdo-sim: error:") and message in lines[0], lines


def test_monte_carlo_that_sees_no_deciding_vote_reports_unknown_shares_not_zero(tmp_path: Path) -> None:
    """100 members under 71 %: a member decides with chance about 10⁻⁵, so 200 draws see none."""
    from sdo_sim.analysis.power.report import analyse

    actors = ["{id: IM, kind: firm, count: 100, bloc: west, memberships: {tsg: individual-member}}"]
    path = scenario(tmp_path, actors, "{id: tsg, kind: 3gpp, body: TSG}")
    report = analyse(load_scenario(path), runs=0, method="monte-carlo", samples=200)
    game = report["states"][0]["venues"][0]["games"][0]
    assert game["method"] == "monte-carlo" and game["decisive"] is False
    west = next(row for row in game["blocs"] if row["bloc"] == "west")
    assert west["voters"] == 100 and west["banzhaf_alone"] is None
    assert {row["banzhaf"] for row in game["actors"]} == {None}
