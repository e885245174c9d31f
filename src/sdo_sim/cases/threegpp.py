"""The 3GPP cases: the 5G channel-coding choice (He 2022) and the east's share of posts (Voo & Creemers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdo_sim.cases.core import Case, Pattern, approved
from sdo_sim.targets import posts_share

if TYPE_CHECKING:
    from sdo_sim.results import RunResult


def _coding_split(result: RunResult) -> bool:
    return approved(result, "channel-coding-data:ldpc") and approved(result, "channel-coding-control:polar")


def _describe_coding(result: RunResult) -> str:
    parts = []
    for item in ("data", "control"):
        rows = result.proposals[result.proposals["work_item"] == f"channel-coding-{item}"]
        chosen = rows[rows["approved"]]["proposal"].str.split(":").str[-1].tolist()
        parts.append(f"{item}: {chosen[0] if chosen else 'none'}")
    return ", ".join(parts)


#: The posts the leadership figures count (Voo & Creemers 2021, line 108; Teleanu 2021, line 1215).
LEADERS = "chair|vice-chair"
#: Dec 2017, 261 weeks after the case's week 0 (Dec 2012).
DEC_2017 = 261


def east_leaders(result: RunResult, week: int | None = None) -> float:
    """The east's share of chair and vice-chair posts held at `week` (None: at the run's end)."""
    return posts_share(result, "east", posts=LEADERS, week=week)


def _rises_to_30(result: RunResult) -> bool:
    return 0.12 <= east_leaders(result, 0) <= 0.22 and east_leaders(result) >= 0.30


def _describe_leaders(result: RunResult) -> str:
    shares = (east_leaders(result, 0), east_leaders(result, DEC_2017), east_leaders(result))
    return "east {:.0%} (2012), {:.0%} (2017), {:.0%} (end)".format(*shares)


LEADERSHIP_WHY = (
    "candidacies follow attendance x contributions and most posts have one candidate, so the east's "
    "share after an election scatters around its share of activity (53 posts: about +-6 points); the "
    "last election (Dec 2020) comes before the last year's growth"
)


CASES: tuple[Case, ...] = (
    Case(
        "5g-channel-coding",
        (
            Pattern(
                "5g-channel-coding/ldpc-data-polar-control",
                "LDPC is chosen for the data channel and Polar for the control channel",
                "He 2022, lines 257-261, 540",
                holds=_coding_split,
                target=0.6,
                why="the four patent holders bargain (line 540, bargaining.py) and none is overruled, but "
                "with the assumed patent shares Huawei's regret for LDPC on both channels sits at its "
                "objection threshold: in about half the seeds it accepts LDPC for both",
            ),
        ),
        _describe_coding,
    ),
    Case(
        "3gpp-leadership",
        (
            Pattern(
                "3gpp-leadership/rises-to-30",
                "the east's share of chair and vice-chair posts goes from about 17 % (2012) "
                "to >= 30 % (2021), by elections alone",
                "Voo & Creemers 2021, line 108; Teleanu 2021, lines 1206, 1215, 1672",
                holds=_rises_to_30,
                target=0.8,
                why=LEADERSHIP_WHY,
            ),
            Pattern(
                "3gpp-leadership/share-2017",
                "mean east share of chair and vice-chair posts in Dec 2017 = 11/58",
                "Voo & Creemers 2021, line 108",
                value=lambda result: east_leaders(result, DEC_2017),
                point=0.19,
                low=0.14,
                high=0.24,
                why="linear membership growth (assumed) adds as many Chinese members before 2017 "
                "as after; the sources' two points suggest growth accelerated after 2017",
            ),
            Pattern(
                "3gpp-leadership/share-2021",
                "mean east share of chair and vice-chair posts at the end (2021) = 36 %",
                "Teleanu 2021, line 1215",
                value=east_leaders,
                point=0.36,
                low=0.26,
                high=0.46,
            ),
        ),
        _describe_leaders,
    ),
)
