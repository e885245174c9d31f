"""ISO/IEC: when a P-member is demoted to O-member (Directives Part 1 §1.7.4–1.7.5).

Abstaining is voting (ISO helpdesk); a demoted member may regain P-status after 12 months.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from sdo_sim.errors import BallotError, CountsError
from sdo_sim.rules._ballot import optional, read_count, require
from sdo_sim.rules._core import Decision, Param, Procedure, check_counts, register

_STATUS_KEEP = (
    "Missed {enquiry_missed} DIS/FDIS/systematic-review ballot(s) and {cib_missed} of "
    "{cib_ballots} committee ballots this year: the national body keeps its P-membership "
    "(Directives Part 1 §1.7.4–1.7.5)."
)
_STATUS_RESPONDED = (
    "The national body missed obligations but responded satisfactorily to the reminder, so it "
    "keeps its P-membership (Directives Part 1 §1.7.4–1.7.5)."
)
_STATUS_ENQUIRY = (
    "Missed {enquiry_missed} DIS/FDIS/systematic-review ballot(s) and did not respond "
    "satisfactorily to the reminder: demoted to O-member (Directives Part 1 §1.7.5)."
)
_STATUS_CIB = (
    "Missed {cib_missed} of {cib_ballots} committee internal ballots this year, over {share} and "
    "at least {minimum}: demoted to O-member (Directives Part 1 §1.7.4, ISO Supplement)."
)
_STATUS_INACTIVE = (
    "Contributed to none of {meetings_missed} successive meetings and appointed no experts: "
    "demoted to O-member as persistently inactive (Directives Part 1 §1.7.4)."
)


def p_member_status(
    cib_ballots: int,
    cib_missed: int,
    enquiry_missed: int = 0,
    meetings_missed: int = 0,
    experts_appointed: bool = True,
    satisfactory_response: bool = False,
    *,
    cib_missed_share: Fraction = Fraction(1, 5),
    cib_missed_minimum: int = 2,
    inactive_meetings: int = 2,
) -> Decision:
    """Whether a P-member is demoted to O-member after a year's record (§1.7.4–1.7.5)."""
    if min(cib_ballots, cib_missed, enquiry_missed, meetings_missed) < 0 or cib_missed > cib_ballots:
        check_counts(cib_ballots=cib_ballots, cib_missed=cib_missed,
                     enquiry_missed=enquiry_missed, meetings_missed=meetings_missed)  # fmt: skip
        raise CountsError(f"cib_missed ({cib_missed}) exceeds cib_ballots ({cib_ballots})")
    counts = {
        "cib_ballots": cib_ballots,
        "cib_missed": cib_missed,
        "enquiry_missed": enquiry_missed,
        "meetings_missed": meetings_missed,
        "experts_appointed": int(experts_appointed),
    }
    cib_over = (
        cib_missed * cib_missed_share.denominator > cib_missed_share.numerator * cib_ballots
        and cib_missed >= cib_missed_minimum
    )
    inactive = meetings_missed >= inactive_meetings and not experts_appointed
    if not (enquiry_missed or cib_over or inactive):
        return Decision(True, "remains-p-member", _STATUS_KEEP, counts)
    if satisfactory_response:
        return Decision(True, "remains-p-member", _STATUS_RESPONDED, counts)
    if enquiry_missed:
        return Decision(False, "demoted-to-o-member", _STATUS_ENQUIRY, counts)
    if cib_over:
        extra = {"share": cib_missed_share, "minimum": cib_missed_minimum}
        return Decision(False, "demoted-to-o-member", _STATUS_CIB, counts, extra)
    return Decision(False, "demoted-to-o-member", _STATUS_INACTIVE, counts)


def _status_ballot(ballot: Mapping[str, Any], params: dict[str, Any]) -> Decision:
    def count(name: str, default: int | None = 0) -> int:
        if default is None:
            value = require(ballot, name, int, "must be a whole number")
        else:
            value = optional(ballot, name, int, default, "must be a whole number")
        return read_count(ballot, name, value)

    optional(ballot, "member", str, "", "must be a string naming the national body")
    cib_ballots = count("cib_ballots", None)
    cib_missed = count("cib_missed", None)
    if cib_missed > cib_ballots:
        raise BallotError("cib_missed", f"got {cib_missed}; cannot exceed cib_ballots ({cib_ballots})")
    return p_member_status(
        cib_ballots,
        cib_missed,
        count("enquiry_ballots_missed"),
        count("successive_meetings_missed"),
        optional(ballot, "experts_appointed", bool, True, "must be true or false"),
        optional(ballot, "satisfactory_response", bool, False, "must be true or false"),
        **params,
    )


register(Procedure(
    "iso.p-member-status", "P-member demotion to O-member after missed ballots",
    "ISO/IEC Directives Part 1 §1.7.4–1.7.5", p_member_status, _status_ballot,
    (
        Param("cib_missed_share", Fraction(1, 5), "fraction", "Directives Part 1 §1.7.4 (ISO)",
              "Share of a year's committee ballots a P-member may miss (demoted when over it); "
              "IEC: 0.", minimum=Fraction(0), maximum=Fraction(1)),
        Param("cib_missed_minimum", 2, "int", "Directives Part 1 §1.7.4 (ISO)",
              "Missed committee ballots needed before demotion (IEC: 1).", minimum=0),
        Param("inactive_meetings", 2, "int", "Directives Part 1 §1.7.4",
              "Successive meetings without contribution (and no experts) that make a P-member "
              "persistently inactive.", minimum=1),
    ),
    frozenset({"member", "cib_ballots", "cib_missed", "enquiry_ballots_missed",
               "successive_meetings_missed", "experts_appointed", "satisfactory_response"}),
))  # fmt: skip
