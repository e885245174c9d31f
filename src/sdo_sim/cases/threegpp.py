"""The 3GPP cases: the 5G channel-coding choice (He 2022) and the east's share of posts (Voo & Creemers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdo_sim.cases.core import Case, Pattern, approved

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
                why="a bloc's line reads its members' mean patent interest, and most west members hold "
                "no Polar patent, so LDPC wins both channels by consensus; the bargaining among the few "
                "big holders that line 540 credits is not modelled",
            ),
        ),
        _describe_coding,
    ),
)
