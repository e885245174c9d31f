"""The ISO cases: the WG9 convenor's contested proposal (Teleanu 2021, lines 1279-1283).

ISO TC22/SC33/WG9 is convened by CATARC (line 1279); a Chinese proposal "did not find support within
the group and, as such, did not advance" (line 1283), while other reports say leaders can "push
proposals through" (line 1000). Here "advance past CD" means registered for the enquiry: the text
reached the DIS stage (Directives Part 1 §2.5.6), whatever happened to it there.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sdo_sim.cases.core import Case, Pattern, row_of

if TYPE_CHECKING:
    from sdo_sim.results import RunResult

#: The focal proposal's fixed id (issue 8) and the case's venue id (`--set venues.wg.chair_bias=0`).
FOCAL, VENUE = "convenor-proposal", "wg"
#: Stages a text reaches only once registered as an enquiry draft (§2.5.6, §2.6, §2.7, §2.8).
PAST_CD = frozenset({"DIS", "FDIS", "publication"})


def past_cd(result: RunResult, proposal: str) -> bool:
    """Whether the proposal was registered as a DIS (Directives §2.5.6): it stands at or has been voted
    at the DIS or FDIS, or is published; a DIS that failed and went back to a CD still counts."""
    row = row_of(result, proposal)
    if row is None:
        return False
    d = result.decisions
    voted = (d["proposal"] == proposal) & d["stage"].isin(PAST_CD)
    return row["stage"] in PAST_CD or bool(row["approved"]) or bool(voted.any())


def not_past_cd(result: RunResult) -> bool:
    """The WG9 pattern: the convenor's proposal exists and never got past CD (Teleanu 2021, line 1283)."""
    return row_of(result, FOCAL) is not None and not past_cd(result, FOCAL)


def convenor_bloc(result: RunResult) -> str | None:
    """The bloc of the WG's first convenor, from the posts table (the case names it: line 1279)."""
    posts = result.posts
    held = posts[(posts["venue"] == VENUE) & (posts["post"] == "convenor")].sort_values(
        "start", kind="stable"
    )
    return None if held.empty else str(held["bloc"].iloc[0])


def accepted(result: RunResult, bloc: str) -> list[str]:
    """The bloc's proposals accepted at the NP ballot (§2.3.5): the projects the WG works on."""
    d = result.decisions
    rows = d[(d["stage"] == "NP") & d["approved"] & (d["proponent_bloc"] == bloc) & (d["venue"] == VENUE)]
    return list(dict.fromkeys(rows["proposal"]))


def advance_rate(result: RunResult, bloc: str | None) -> float:
    """Share of a bloc's accepted projects that advanced past CD (NaN when it had none; line 1283)."""
    projects = accepted(result, bloc) if bloc is not None else []
    if not projects:
        return math.nan
    return sum(past_cd(result, p) for p in projects) / len(projects)


def convenor_gain(result: RunResult, paired: RunResult) -> float:
    """Advance rate of the convenor's bloc's projects with `chair_bias` on minus off, same seed
    (the lever of Teleanu 2021, lines 954, 1000; NaN when either run has no such project)."""
    bloc = convenor_bloc(result)
    return advance_rate(result, bloc) - advance_rate(paired, bloc)


def fate(result: RunResult, proposal: str) -> str:
    """Where a proposal stopped: not accepted at NP, stopped or open at a stage, or past CD."""
    row = row_of(result, proposal)
    if row is None:
        return "never submitted"
    if past_cd(result, proposal):
        return f"past CD ({row['outcome']} at {row['stage']})"
    d = result.decisions
    if not ((d["proposal"] == proposal) & (d["stage"] == "NP") & d["approved"]).any():
        return f"not accepted at NP ({row['outcome']})"
    state = "open" if row["outcome"] == "pending" else f"stopped ({row['outcome']})"
    return f"{state} at {row['stage']}"


def describe(result: RunResult) -> str:
    """One run: where the convenor's proposal stopped, and how many of its bloc's projects got past CD
    (Teleanu 2021, line 1283)."""
    bloc = convenor_bloc(result)
    projects = accepted(result, bloc) if bloc is not None else []
    passed = sum(past_cd(result, p) for p in projects)
    convenor = f"{bloc or 'no'} convenor, {passed}/{len(projects)} of its bloc's projects past CD"
    return f"{FOCAL} {fate(result, FOCAL)}; {convenor}"


CONVENOR_WHY = (
    "the convenor's lever acts only at the WD consensus call and the WG agenda (venues/iso.py); its "
    "bloc's projects still meet the committee's CD ballot, where the west holds 19 of 35 P-members and "
    "the committee chair, mostly west, leans the other way with the same chair_bias; and the two runs "
    "of a seed draw different proposals once any draw differs"
)


CASES: tuple[Case, ...] = (
    Case(
        "iso-wg9-convenor",
        (
            Pattern(
                "iso-wg9-convenor/not-past-cd",
                "the convenor country's contested proposal does not advance past CD",
                "Teleanu 2021, lines 1279, 1283",
                holds=not_past_cd,
                target=0.7,
                why="a contested text is accepted at the NP, and then finds consensus in the WG and the "
                "committee, when its drawn quality is high enough to outweigh the west's distance",
            ),
            Pattern(
                "iso-wg9-convenor/convenor-power",
                "mean gain, chair_bias on minus off, in the share of the convenor's bloc's projects "
                "that advance past CD",
                "Teleanu 2021, lines 954, 1000, 1283",
                value=convenor_gain,
                point=0.02,
                low=0.02,
                high=1.0,
                why=CONVENOR_WHY,
                paired=((f"venues.{VENUE}.chair_bias", 0.0),),
            ),
        ),
        describe,
    ),
)
