"""IETF: rough consensus in working groups, IESG ballots and Last Call periods.

Rough consensus is no count (RFC 7282 §6–7): the chair judges whether any technical objection is
left unaddressed. The IESG ballot logic follows the Datatracker's `needed_ballot_positions()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from sdo_sim.errors import BallotError, CountsError
from sdo_sim.rules._ballot import VoteSpec, describe, optional, read_count, read_votes, require
from sdo_sim.rules._core import Decision, Param, Procedure, ceil_fraction_of, check_counts, register

IESG_POSITIONS = ("yes", "no-objection", "discuss", "abstain", "recuse")

# --- counts level -------------------------------------------------------------------------

_WG_YES = (
    "No technical objection is left unaddressed ({technical} raised, all answered), so the chair "
    "can declare rough consensus whatever the head count (RFC 2418 §3.3; RFC 7282 §3, §6)."
)
_WG_NO = (
    "{unaddressed_technical} technical objection(s) remain unaddressed; it is the open issue, not "
    "the number of people, that decides, so there is no rough consensus (RFC 7282 §6)."
)


def wg_rough_consensus(unaddressed_technical: int, technical: int = 0, objections: int = 0) -> Decision:
    """Rough consensus: declared when no technical objection is left unaddressed (RFC 2418 §3.3, RFC 7282)."""
    if min(unaddressed_technical, technical, objections) < 0:
        check_counts(unaddressed_technical=unaddressed_technical, technical=technical,
                     objections=objections)  # fmt: skip
    counts = {
        "objections": objections,
        "technical": technical,
        "unaddressed_technical": unaddressed_technical,
    }
    if unaddressed_technical == 0:
        return Decision(True, "rough-consensus", _WG_YES, counts)
    return Decision(False, "no-rough-consensus", _WG_NO, counts)


_IESG_DISCUSS = (
    "{discuss} Area Director(s) hold a DISCUSS, which blocks approval until cleared (IESG ballot procedure)."
)
_IESG_NEEDS_YES = "No Area Director has ballotted YES; approval needs at least one (IESG ballot procedure)."
_IESG_MORE = (
    "{support} YES or NO OBJECTION positions, but {needed} are needed: two-thirds of the "
    "{ads} Area Directors less {recused} recused, rounded up (IESG ballot procedure)."
)
_IESG_YES = (
    "No DISCUSS, {yes} YES and {support} YES or NO OBJECTION positions, at least the {needed} "
    "needed: approved (IESG ballot procedure)."
)


def iesg_ballot(
    yes: int,
    no_objection: int,
    discuss: int,
    recused: int,
    ads: int,
    standards_track: bool = True,
    *,
    standards_track_share: Fraction = Fraction(2, 3),
) -> Decision:
    """IESG ballot: no DISCUSS, a YES, and for standards-track ⌈⅔ (ADs − recused)⌉ YES + NO OBJECTION."""
    if min(yes, no_objection, discuss, recused) < 0 or yes + no_objection + discuss + recused > ads:
        check_counts(yes=yes, no_objection=no_objection, discuss=discuss, recused=recused, ads=ads)
        raise CountsError(f"more ballot positions than the {ads} Area Directors")
    needed = ceil_fraction_of(ads - recused, standards_track_share) if standards_track else 1
    support = yes + no_objection
    counts = {
        "yes": yes,
        "no_objection": no_objection,
        "discuss": discuss,
        "recused": recused,
        "ads": ads,
        "support": support,
        "needed": needed,
    }
    if discuss:
        return Decision(False, "has-discuss", _IESG_DISCUSS, counts)
    if not yes:
        return Decision(False, "needs-yes", _IESG_NEEDS_YES, counts)
    if support < needed:
        return Decision(False, "needs-more-positions", _IESG_MORE, counts)
    return Decision(True, "approved", _IESG_YES, counts)


_LC_OK = "A Last Call of {days} days meets the minimum of {minimum_days} days for {kind} ({clause})."
_LC_SHORT = (
    "A Last Call of {days} days is shorter than the minimum of {minimum_days} days for {kind} ({clause})."
)
_LC_DRAFT = (
    "The Internet-Draft was available for {draft_days} days, under the {draft_minimum_days} "
    "days of community review required before IESG action (RFC 2026 §6.1.1)."
)


def last_call(
    days: int,
    wg_initiated: bool = True,
    to_internet_standard: bool = False,
    draft_days: int | None = None,
    *,
    wg_minimum_days: int = 14,
    other_minimum_days: int = 28,
    draft_minimum_days: int = 14,
) -> Decision:
    """Last Call length: ≥ 2 weeks for a WG action, else ≥ 4 (RFC 2026 §6.1.2; RFC 6410 for PS→IS)."""
    if days < 0 or (draft_days is not None and draft_days < 0):
        check_counts(days=days, draft_days=draft_days or 0)
    long_call = to_internet_standard or not wg_initiated
    minimum = other_minimum_days if long_call else wg_minimum_days
    counts = {"days": days, "minimum_days": minimum}
    if to_internet_standard:
        extra = {"kind": "advancing to Internet Standard", "clause": "RFC 6410 §2.2"}
    elif not wg_initiated:
        extra = {"kind": "an action not initiated by a working group", "clause": "RFC 2026 §6.1.2"}
    else:
        extra = {"kind": "a working group action", "clause": "RFC 2026 §6.1.2"}
    if draft_days is not None:
        counts["draft_days"] = draft_days
        counts["draft_minimum_days"] = draft_minimum_days
        if draft_days < draft_minimum_days:
            return Decision(False, "draft-too-recent", _LC_DRAFT, counts, extra)
    if days >= minimum:
        return Decision(True, "period-sufficient", _LC_OK, counts, extra)
    return Decision(False, "period-too-short", _LC_SHORT, counts, extra)


# --- ballot level -------------------------------------------------------------------------

_OBJECTION_KEYS = ("from", "technical", "addressed", "note")
_HUMS = VoteSpec()
_IESG = VoteSpec(positions=IESG_POSITIONS, voter_key="ad")


def _wg_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    objections = optional(ballot, "objections", list, [], "must be a list of objection objects")
    technical = unaddressed = 0
    for i, objection in enumerate(objections):
        where = f"objections[{i}]"
        if not isinstance(objection, dict):
            raise BallotError(where, f"got {describe(objection)}; must be an object")
        for key in objection:
            if key not in _OBJECTION_KEYS:
                raise BallotError(f"{where}.{key}", f"unknown field; allowed: {', '.join(_OBJECTION_KEYS)}")
        source = objection.get("from")
        if not isinstance(source, str) or not source:
            raise BallotError(f"{where}.from", f"got {describe(source)}; must be a non-empty string")
        try:
            is_technical = require(objection, "technical", bool, "must be true or false")
            addressed = optional(objection, "addressed", bool, False, "must be true or false")
        except BallotError as error:
            raise BallotError(f"{where}.{error.field}", error.message) from None
        technical += is_technical
        unaddressed += is_technical and not addressed
    decision = wg_rough_consensus(unaddressed, technical, len(objections))
    hums = read_votes(ballot, "votes", _HUMS, required=False).positions
    decision.counts["hum_yes"] = hums.count("yes")
    decision.counts["hum_no"] = hums.count("no")
    return decision


def _iesg_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    ads = read_count(ballot, "ads", require(ballot, "ads", int, "the number of sitting Area Directors"), 1)
    standards_track = require(ballot, "standards_track", bool, "must be true or false")
    positions = read_votes(ballot, "positions", _IESG).positions
    if len(positions) > ads:
        raise BallotError("positions", f"{len(positions)} positions but only {ads} Area Directors (ads)")
    decision = iesg_ballot(
        positions.count("yes"),
        positions.count("no-objection"),
        positions.count("discuss"),
        positions.count("recuse"),
        ads,
        standards_track,
        **params,
    )
    decision.counts["abstain"] = positions.count("abstain")
    decision.counts["no_record"] = ads - len(positions)
    return decision


def _last_call_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    if ("days" in ballot) == ("weeks" in ballot):
        raise BallotError("days", "give exactly one of days or weeks (the Last Call's length)")
    if "days" in ballot:
        days = read_count(ballot, "days", ballot["days"])
    else:
        days = 7 * read_count(ballot, "weeks", ballot["weeks"])
    draft_days = None
    if "draft_days" in ballot:
        draft_days = read_count(ballot, "draft_days", ballot["draft_days"])
    return last_call(
        days,
        optional(ballot, "wg_initiated", bool, True, "must be true or false"),
        optional(ballot, "to_internet_standard", bool, False, "must be true or false"),
        draft_days,
        **params,
    )


register(Procedure(
    "ietf.wg", "Working group rough consensus (chair's judgement)", "RFC 2418 §3.3; RFC 7282",
    wg_rough_consensus, _wg_ballot, (), frozenset({"objections", "votes"}),
))  # fmt: skip
register(Procedure(
    "ietf.iesg", "IESG ballot on a document", "IESG ballot procedure (Datatracker)",
    iesg_ballot, _iesg_ballot,
    (Param("standards_track_share", Fraction(2, 3), "fraction",
           "IESG practice (research notes §4.3)",
           "Share of non-recused ADs whose YES or NO OBJECTION a standards-track document needs.",
           minimum=Fraction(0), maximum=Fraction(1)),),
    frozenset({"ads", "standards_track", "positions"}),
))  # fmt: skip
register(Procedure(
    "ietf.last-call", "IETF Last Call minimum period", "RFC 2026 §6.1.2; RFC 6410",
    last_call, _last_call_ballot,
    (
        Param("wg_minimum_days", 14, "int", "RFC 2026 §6.1.2",
              "Shortest Last Call for a working group action.", minimum=0),
        Param("other_minimum_days", 28, "int", "RFC 2026 §6.1.2; RFC 6410",
              "Shortest Last Call for a non-WG action or advancement to Internet Standard.",
              minimum=0),
        Param("draft_minimum_days", 14, "int", "RFC 2026 §6.1.1",
              "Shortest time the text must have been an Internet-Draft.", minimum=0),
    ),
    frozenset({"days", "weeks", "wg_initiated", "to_internet_standard", "draft_days"}),
))  # fmt: skip
