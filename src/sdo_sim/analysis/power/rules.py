"""The SDOs' decision rules as voting games, over a scenario's members as the model holds them.

Each venue's rules become games (`games.Game`) whose winning predicate *is* the rulebook's own
counts-level function (`sdo_sim.rules`, exact arithmetic, with the scenario's rule parameters),
so power is computed under the very rule the model applies; the voters are the venue's members
read from a model built from the scenario (`venue.of_class`, `venue.weights`), as the venue's
pipeline reads them. `GAMES` gives, per venue kind, its rule games and the procedures it decides
without a vote (`NoVote`); the players under the two a priori models are in `blocs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sdo_sim.rules import PROCEDURES, ietf, iso, itu_t, threegpp
from sdo_sim.rules._core import show

if TYPE_CHECKING:
    from sdo_sim.venues.base import Venue

Wins = Callable[[tuple[int, ...], tuple[int, ...]], bool]


@dataclass(frozen=True)
class RuleGame:
    """One decision rule of a venue as a game: who votes, what each vote adds, what wins."""

    procedures: tuple[str, ...]
    rule: str  # what wins, in words
    clause: str
    dimensions: tuple[str, ...]
    voters: np.ndarray  # actor indices
    roles: tuple[str, ...]  # each voter's role in the rule, e.g. "P-member"
    votes: np.ndarray  # (voters, dimensions)
    wins: Wins
    #: outcomes of these procedures decided without the count (a chair's judgement, a declaration)
    not_counted: frozenset[str] = frozenset()
    #: whether the positions table holds each voter's vote on *this* question (a track vote does not)
    positions_are_votes: bool = True
    #: the predicate's answers, shared by the rule's games under both a priori models
    cache: dict[Any, bool] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class NoVote:
    """A procedure a venue uses that is no vote, so that no index is computed for it."""

    procedure: str
    why: str


def _game(
    procedures: tuple[str, ...],
    rule: str,
    clause: str,
    dims: tuple[str, ...],
    groups: list[tuple[np.ndarray, str, tuple[int, ...]]],
    wins: Wins,
    **extra: Any,
) -> RuleGame:
    """A rule game from (actors, role, votes each) groups."""
    voters = np.concatenate([g[0] for g in groups]) if groups else np.zeros(0, dtype=np.int64)
    roles = tuple(role for actors, role, _ in groups for _ in range(len(actors)))
    votes = np.array([v for actors, _, v in groups for _ in range(len(actors))], dtype=np.int64)
    return RuleGame(
        procedures, rule, clause, dims, voters, roles, votes.reshape(len(voters), len(dims)), wins, **extra
    )


_CONSENSUS = NoVote("chair-consensus", "the chair (or convenor) judges consensus: no vote is counted")


def iso_games(venue: Venue) -> tuple[list[RuleGame], list[NoVote]]:
    """NP, CD in doubt, DIS and FDIS (§2.3.5, §2.5.6, §2.6.3, §2.7.3) and posts (§1.8.1, §1.9.1, §1.12.1)."""
    from sdo_sim.venues import iso_posts

    p, o, others = venue.of_class("P"), venue.of_class("O"), venue.others  # type: ignore[attr-defined]
    n_p = len(p)
    np_params, cd_params = venue.params("iso.np"), venue.params("iso.cd")
    p_only = [(p, "P-member", (1,))]
    dims = ("P-member votes",)
    games = [
        _game(
            ("iso.np",),
            f"{show(np_params['majority'])} of the P-member votes cast approve, and "
            "enough approving P-members name experts (a priori: every approving P-member does)",
            "ISO/IEC Directives Part 1 §2.3.5 a) and b)",
            dims,
            p_only,
            lambda y, n: iso.np_ballot(y[0], n[0], y[0], n_p, **np_params).approved,
        ),
        _game(
            ("iso.cd",),
            f"consensus in doubt: {show(cd_params['majority'])} of the P-member votes cast",
            "ISO/IEC Directives Part 1 §2.5.6",
            dims,
            p_only,
            lambda y, n: iso.cd_consensus(y[0], n[0], "doubt", **cd_params).approved,
            not_counted=frozenset({"approved-consensus", "no-consensus"}),
        ),
    ]
    for procedure, rule in (("iso.dis", iso.dis_vote), ("iso.fdis", iso.fdis_vote)):
        params = venue.params(procedure)
        groups = [
            (p, "P-member", (1, 1)),
            (o, "O-member", (0, 1)),
            (others, "national body, not a member", (0, 1)),
        ]
        games.append(
            _game(
                (procedure,),
                f"{show(params['p_majority'])} of the P-member votes cast in favour and at most "
                f"{show(params['max_negative'])} of all votes cast negative",
                PROCEDURES[procedure].clause + " a) and b)",
                ("P-member votes", "votes of all national bodies"),
                groups,
                lambda y, n, rule=rule, params=params: rule(y[0], n[0], y[1], n[1], **params).approved,
            )
        )
    for posts, (num, den), clause in (
        (("iso.chair",), (2, 3), "ISO/IEC Directives Part 1 §1.8.1"),
        (
            ("iso.secretariat", "iso.convenor"),
            (1, 2),
            "ISO/IEC Directives Part 1 §1.9.1, §1.12.1; ISO Supplement, simple majority",
        ),
    ):
        words = "two-thirds of" if num == 2 else "more than half of"
        games.append(
            _game(
                posts,
                f"{words} the P-member votes cast approve the candidate",
                clause,
                dims,
                p_only,
                lambda y, n, num=num, den=den: iso_posts.approves(y[0], n[0], num, den),
            )
        )
    no_votes = [_CONSENSUS, NoVote("iso.p-member-status", "a P-member's record of missed ballots: no vote")]
    return games, no_votes


def threegpp_games(venue: Venue) -> tuple[list[RuleGame], list[NoVote]]:
    """A TSG vote when consensus fails: 71 % of the votes cast (WP Art. 25–27), affiliates per the rule."""
    params = venue.params("3gpp.vote")
    members = venue.members
    weights = venue.weights(members)  # type: ignore[attr-defined]
    groups = [
        (
            members[weights == w],
            "Individual Member" if w == 1 else f"Individual Member ({w} memberships)",
            (int(w),),
        )
        for w in sorted(set(weights.tolist()))
    ]
    each = (
        "each membership one vote" if params["affiliates"] == "each" else "one vote per group of affiliates"
    )
    games = [
        _game(
            ("3gpp.vote",),
            f"at least {show(params['threshold'])} of the votes cast, abstentions excluded ({each})",
            PROCEDURES["3gpp.vote"].clause,
            ("votes",),
            groups,
            lambda y, n: threegpp.tsg_vote(y[0], n[0], threshold=params["threshold"]).approved,
            not_counted=frozenset({"approved-consensus"}),
        )
    ]
    no_votes = [
        _CONSENSUS,
        NoVote(
            "3gpp.work-item", "four supporting members and no objection the chair finds substantial: no vote"
        ),
        NoVote("3gpp.election", "a choice among candidates (WP Art. 28), not a yes/no decision"),
    ]
    return games, no_votes


def itu_t_games(venue: Venue) -> tuple[list[RuleGame], list[NoVote]]:
    """AAP (A.8 §4.4, §5.3–5.4), TAP (Res. 1 §9.4.5, §9.5.3), Questions (§7.2.3), the track vote (§8.1.1)."""
    from sdo_sim.venues import itu_t_track

    states, firms = venue.of_class("member-state"), venue.of_class("sector-member")
    meeting = venue.params("itu-t.aap.meeting")
    consultation, question = venue.params("itu-t.tap.consultation"), venue.params("itu-t.question")
    ms = [(states, "Member State", (1,))]
    dims = ("Member States",)
    everyone = [(states, "Member State", (1,)), (firms, "Sector Member", (1,))]
    games = [
        _game(
            ("itu-t.aap.last-call", "itu-t.aap.additional-review"),
            "approved without a meeting unless a "
            "member sends a substantive comment (a comment sends the text on; it does not reject it)",
            "ITU-T A.8 §4.4.1, §4.5.1",
            ("members sending no substantive comment",),
            everyone,
            lambda y, n: itu_t.aap_last_call(n[0]).approved,
        ),
        _game(
            ("itu-t.aap.meeting",),
            f"unopposed, else no more than {meeting['max_member_states_opposing']} "
            "Member State(s) present opposing; Sector Members' objections are noted, not counted",
            "ITU-T A.8 §5.3–5.4",
            ("Member States", "Sector Members"),
            [(states, "Member State", (1, 0)), (firms, "Sector Member", (0, 1))],
            lambda y, n: itu_t.aap_meeting(n[0], y[0], n[1], **meeting).approved,
            not_counted=frozenset({"switch-to-tap"}),
        ),
        _game(
            ("itu-t.tap.consultation",),
            f"at least {show(consultation['threshold'])} of the Member States' replies support consideration",
            "WTSA Res. 1 §9.4.5",
            dims,
            ms,
            lambda y, n: itu_t.tap_consultation(y[0], n[0], **consultation).approved,
        ),
        _game(
            ("itu-t.tap.meeting",),
            "no Member State delegation present opposes",
            "WTSA Res. 1 §9.5.3",
            dims,
            ms,
            lambda y, n: itu_t.tap_meeting(n[0], y[0]).approved,
        ),
        _game(
            ("itu-t.question",),
            f"a simple majority of the Member States replying, at least {question['min_replies']} replies",
            "WTSA Res. 1 §7.2.3",
            dims,
            ms,
            lambda y, n: itu_t.question_consultation(y[0], n[0], **question).approved,
        ),
        _game(
            ("itu-t.track-vote",),
            "a majority of the Member States' votes cast moves a text to TAP",
            "WTSA Res. 1 §8.1.1, §1.13",
            dims,
            ms,
            lambda y, n: itu_t_track.majority_decision(y[0], n[0], "Res. 1 §1.13").approved,
            positions_are_votes=False,
        ),
    ]
    no_votes = [_CONSENSUS, NoVote("itu-t.discontinuation", "the study group stops a work item: no vote")]
    return games, no_votes


def ietf_games(venue: Venue) -> tuple[list[RuleGame], list[NoVote]]:
    """No vote in the working group (RFC 2418 §3.3, RFC 7282); the IESG ballot over the Area Directors."""
    ads = venue.of_class("area-director")
    params = venue.params("ietf.iesg")
    total = len(ads)
    games = [
        _game(
            ("ietf.iesg",),
            "no DISCUSS, a YES, and YES or NO OBJECTION from "
            f"{show(params['standards_track_share'])} of the Area Directors (standards track; a priori "
            "yes = YES, no = DISCUSS, abstain = ABSTAIN)",
            PROCEDURES["ietf.iesg"].clause,
            ("Area Directors",),
            [(ads, "Area Director", (1,))],
            lambda y, n: ietf.iesg_ballot(y[0], 0, n[0], 0, total, True, **params).approved,
        )
    ]
    no_votes = [
        NoVote(
            "ietf.wg",
            "rough consensus has no vote: the chair judges whether technical objections are "
            "answered, not how many members object (RFC 2418 §3.3; RFC 7282 §6–7)",
        ),
        NoVote("ietf.last-call", "a review period (RFC 2026 §6.1.2), not a vote"),
    ]
    return games, no_votes


GAMES: dict[str, Callable[[Venue], tuple[list[RuleGame], list[NoVote]]]] = {
    "iso": iso_games,
    "3gpp": threegpp_games,
    "itu-t": itu_t_games,
    "ietf": ietf_games,
}


__all__ = ["GAMES", "NoVote", "RuleGame"]
