"""3GPP: TSG decisions and elections under the 3GPP Working Procedures.

The Working Procedures' body text could not be retrieved (research notes §3): the thresholds
come from the seed report's account of them [001:L1672–L1673] and are parameters. Whether
affiliated Individual Members vote separately is unverified, so it is the `affiliates` switch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from sdo_sim.errors import BallotError, CountsError
from sdo_sim.rules._ballot import VoteSpec, describe, optional, read_votes
from sdo_sim.rules._core import (
    Decision,
    Param,
    Procedure,
    check_counts,
    ratio_at_least,
    register,
    share_of_votes_cast,
)

AFFILIATES = ("each", "one-per-group")

# --- counts level -------------------------------------------------------------------------

_CONSENSUS = "The TSG reached consensus, so the proposal is approved without a vote (3GPP WP Art. 25)."
_VOTE_YES = (
    "No consensus; {yes} of {cast} votes cast are in favour, at least the {threshold} needed "
    "(3GPP WP Art. 26–27; abstentions excluded)."
)
_VOTE_NO = (
    "No consensus; only {yes} of {cast} votes cast are in favour, under the {threshold} needed "
    "(3GPP WP Art. 26–27; abstentions excluded)."
)


def tsg_vote(
    yes: int, no: int, consensus: bool = False, *, threshold: Fraction = Fraction(71, 100)
) -> Decision:
    """TSG decision: consensus, else ≥ 71 % of votes cast, abstentions excluded (3GPP WP Art. 25–27)."""
    if consensus:
        if yes < 0 or no < 0:
            check_counts(yes=yes, no=no)
        return Decision(True, "approved-consensus", _CONSENSUS, {"yes": yes, "no": no, "cast": yes + no})
    return share_of_votes_cast(yes, no, threshold, _VOTE_YES, _VOTE_NO)


_SOLE = "{winner} is the only candidate and is elected without a ballot (3GPP WP Art. 28)."
_ELECTED_THRESHOLD = (
    "{winner} obtained {winner_votes} of {cast} votes cast in round {round}, at least the "
    "{threshold} needed (3GPP WP Art. 28)."
)
_ELECTED_PLURALITY = (
    "{winner} obtained more votes ({winner_votes} of {cast}) in round {round}, which is decided "
    "between two candidates by the higher number of votes (3GPP WP Art. 28)."
)
_NEXT_ROUND = (
    "No candidate was elected after round {round} ({leader_votes} of {cast} votes for the "
    "leader); round {next_round} is needed (3GPP WP Art. 28)."
)
_NO_BALLOT_YET = (
    "No ballot has been held yet among {candidates} candidates; round 1 is needed (3GPP WP Art. 28)."
)
_TIE = (
    "Round {round} ended in a tie ({leader_votes} votes each); the Working Procedures as reported "
    "do not say how a tie is broken, so no one is elected (3GPP WP Art. 28)."
)

_TIE_SECOND = (
    "Round 2 left a tie for second place ({runner_votes} votes each), so round 3's two "
    "finalists are undefined and no one is elected (3GPP WP Art. 28)."
)


def election(
    rounds: Sequence[Mapping[str, int]],
    candidates: Sequence[str],
    *,
    threshold: Fraction = Fraction(71, 100),
) -> Decision:
    """Chair or vice-chair election: 71 % in round 1, then the runoff rounds (3GPP WP Art. 28).

    `rounds[k]` maps each candidate standing in round k+1 to its votes (blank ballots left out);
    a candidate left out of a round has withdrawn.
    Round 2 is a plurality vote when two candidates stand, else 71 % again; round 3 is a plurality
    vote between round 2's two leaders.
    """
    if len(candidates) == 1 and not rounds:
        return Decision(True, "elected-unopposed", _SOLE, {"round": 0}, {"winner": candidates[0]},
                        winner=candidates[0])  # fmt: skip
    standing = list(candidates)
    if not rounds:
        counts = {"round": 0, "cast": 0, "candidates": len(standing), "next_round": 1}
        return Decision(False, "next-round", _NO_BALLOT_YET, counts)
    for index, tally in enumerate(rounds):
        number = index + 1
        if number > 3:
            raise CountsError("an election has at most three rounds")
        if not tally or set(tally) - set(standing):
            stray = sorted(set(tally) - set(standing) or {"(nobody)"})[0]
            raise CountsError(f"round {number}: {stray!r} is not standing in this round")
        if number == 3 and set(tally) != set(standing):
            raise CountsError(f"round 3 is between round 2's two leaders, {standing}")
        standing = list(tally)  # a candidate left out of a round has withdrawn
        if min(tally.values()) < 0:
            check_counts(**tally)
        ranked = sorted(tally.items(), key=lambda kv: -kv[1])
        cast = sum(tally.values())
        leader, leader_votes = ranked[0]
        runner_votes = ranked[1][1] if len(ranked) > 1 else -1
        counts = {"round": number, "cast": cast, "leader_votes": leader_votes,
                  "candidates": len(standing)}  # fmt: skip
        plurality_round = number == 3 or (number == 2 and len(standing) <= 2)
        if plurality_round:
            if leader_votes == runner_votes:
                return Decision(False, "tie", _TIE, counts)
            return _elected(leader, leader_votes, counts, _ELECTED_PLURALITY, threshold)
        if cast and ratio_at_least(leader_votes, cast, threshold):
            return _elected(leader, leader_votes, counts, _ELECTED_THRESHOLD, threshold)
        if number == 2:
            # Round 3 is between round 2's two leaders; a tie for second place leaves it undefined.
            if ranked[1][1] == ranked[2][1]:
                counts["runner_votes"] = ranked[1][1]
                return Decision(False, "tie", _TIE_SECOND, counts)
            standing = [ranked[0][0], ranked[1][0]]
        if index == len(rounds) - 1:
            counts["next_round"] = number + 1
            return Decision(False, "next-round", _NEXT_ROUND, counts)
    raise AssertionError("unreachable: every round returns or continues")  # pragma: no cover


def _elected(winner: str, votes: int, counts: dict[str, int], template: str, threshold: Fraction) -> Decision:
    counts["winner_votes"] = votes
    extra = {"winner": winner, "threshold": threshold}
    return Decision(True, "elected", template, counts, extra, winner=winner)


def round3_finalists(second_round: Mapping[str, int]) -> list[str]:
    """The two candidates with most votes in round 2, who stand in round 3 (3GPP WP Art. 28)."""
    ranked = sorted(second_round.items(), key=lambda kv: -kv[1])
    return [ranked[0][0], ranked[1][0]]


# --- ballot level -------------------------------------------------------------------------

_VOTES = VoteSpec(strings=("group",))


def one_per_group(positions: Sequence[str], groups: Sequence[str | None], voters: Sequence[str]) -> list[str]:
    """Collapse affiliated members to one vote per group: the majority of its yes/no votes.

    A group whose members split evenly abstains. Members without a group vote alone.
    """
    tallies: dict[str, list[int]] = {}
    for position, group, voter in zip(positions, groups, voters, strict=True):
        key = voter if group is None else "\0" + group
        tally = tallies.setdefault(key, [0, 0])
        if position == "yes":
            tally[0] += 1
        elif position == "no":
            tally[1] += 1
    return ["yes" if y > n else "no" if n > y else "abstain" for y, n in tallies.values()]


def _vote_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    consensus = optional(ballot, "consensus", bool, False, "must be true or false")
    votes = read_votes(ballot, "votes", _VOTES, required=not consensus)
    positions = votes.positions
    if params["affiliates"] == "one-per-group":
        positions = one_per_group(positions, votes.strings["group"], votes.voters)
    decision = tsg_vote(
        positions.count("yes"), positions.count("no"), consensus, threshold=params["threshold"]
    )
    decision.counts["abstain"] = positions.count("abstain")
    decision.counts["voters"] = len(positions)
    return decision


def _election_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    raw_candidates = ballot.get("candidates")
    if (
        not isinstance(raw_candidates, list)
        or not raw_candidates
        or not all(isinstance(c, str) and c for c in raw_candidates)
    ):
        raise BallotError("candidates", f"got {describe(raw_candidates)}; must be a non-empty list of names")
    if len(set(raw_candidates)) != len(raw_candidates):
        raise BallotError("candidates", "a candidate is listed twice")
    rounds = optional(ballot, "rounds", list, [], 'must be a list of rounds, each {"votes": [...]}')
    if len(rounds) > 3:
        raise BallotError("rounds", f"{len(rounds)} rounds given; an election has at most three")
    post = optional(ballot, "post", str, "", "must be a string naming the post")
    del post  # shown to people reading the ballot; the rule does not depend on it
    standing = list(raw_candidates)
    tallies: list[dict[str, int]] = []
    for i, round_ in enumerate(rounds):
        where = f"rounds[{i}]"
        if not isinstance(round_, dict) or set(round_) - {"votes", "candidates"}:
            raise BallotError(where, "must be an object with votes (and optionally candidates)")
        if "candidates" in round_:
            named = round_["candidates"]
            if (
                not isinstance(named, list)
                or not named
                or not all(isinstance(c, str) for c in named)
                or not set(named) <= set(standing)
            ):
                raise BallotError(f"{where}.candidates", f"must be a non-empty subset of {standing}")
            standing = list(named)
        if i == 2:
            finalists = round3_finalists(tallies[1])
            if "candidates" in round_ and set(standing) != set(finalists):
                raise BallotError(
                    f"{where}.candidates", f"round 3 is between {finalists} (round 2's leaders)"
                )
            standing = finalists
        spec = VoteSpec(positions=(*standing, None), position_key="candidate")
        try:
            votes = read_votes(round_, "votes", spec)
        except BallotError as error:
            raise BallotError(f"{where}.{error.field}", error.message) from None
        tallies.append({name: votes.positions.count(name) for name in standing})
        if i == 1 and len(standing) > 2:
            standing = round3_finalists(tallies[1])
        decided = _counted_election(tallies, raw_candidates, params["threshold"])
        if decided.outcome != "next-round" and i < len(rounds) - 1:
            raise BallotError(f"rounds[{i + 1}]", f"the election was already decided in round {i + 1}")
    return _counted_election(tallies, raw_candidates, params["threshold"])


def _counted_election(tallies: list[dict[str, int]], candidates: list[str], threshold: Fraction) -> Decision:
    try:
        return election(tallies, candidates, threshold=threshold)
    except CountsError as error:
        raise BallotError("rounds", str(error)) from None


_THRESHOLD = Param("threshold", Fraction(71, 100), "fraction", "3GPP WP (Teleanu 2021, lines 1672–1673)",
                   "Share of votes cast needed, abstentions excluded.",
                   minimum=Fraction(0), maximum=Fraction(1))  # fmt: skip

register(Procedure(
    "3gpp.vote", "TSG decision: consensus, else a 71 % vote", "3GPP Working Procedures Art. 25–27",
    tsg_vote, _vote_ballot,
    (_THRESHOLD,
     Param("affiliates", "each", "choice", "unverified (research notes §3)",
           "How affiliated Individual Members vote: each on its own, or one vote per group.",
           choices=AFFILIATES)),
    frozenset({"votes", "consensus"}),
))  # fmt: skip
register(Procedure(
    "3gpp.election", "Chair and vice-chair election (secret ballot, up to three rounds)",
    "3GPP Working Procedures Art. 28", election, _election_ballot, (_THRESHOLD,),
    frozenset({"candidates", "rounds", "post"}),
))  # fmt: skip
