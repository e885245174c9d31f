"""Submissions: how many proposals a venue receives, their quality, and how many a meeting can handle.

The reports: volume follows resources — China's 238 new ISO/IEC proposals in 2019 and 3,021
contributions to three ITU-T study groups in 2009-2020 (Teleanu 2021, line 974); "the more
proposals there are, the less time and resources are available to tackle them" (line 976), though
volume need not mean a plan to overwhelm committees; Chinese firms "flood the zone" with proposals
(Russel & Berger 2020, lines 502-504, 910-913); counts show effort, not take-up (He 2022, line
150). So the number of proposals a venue receives scales with its members' contributions, an
optional `quality_cost` lowers the quality of proposals from an actor pushing its volume above its
own starting level, and an optional `agenda_capacity` lets a meeting handle only so many texts.
None of the three sizes is given by a source: the cost and the capacity are *assumed*, off by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sdo_sim.proposals import Proposal


def expected_proposals(per_meeting: float, contributions: float, initial: float) -> float:
    """New proposals expected at a meeting: `per_meeting` at the members' starting contributions,
    in proportion to what they contribute now (Teleanu 2021, line 974)."""
    if initial <= 0:
        return per_meeting if contributions > 0 else 0.0
    return per_meeting * contributions / initial


def flooded_quality(quality: float, initial: float, contributions: float, cost: float) -> float:
    """A proposal's quality when its proponent contributes more than it did at the start: scaled by
    (initial / now) ** cost, so that tripling one's volume at cost 1 leaves a third of the quality."""
    if cost <= 0 or contributions <= initial or contributions <= 0:
        return quality
    return quality * (initial / contributions) ** cost


def on_agenda(waiting: list[Proposal], capacity: int | None) -> tuple[list[Proposal], list[Proposal]]:
    """(handled, held over): the first `capacity` texts in order of submission (Teleanu 2021, line 976)."""
    if capacity is None or len(waiting) <= capacity:
        return waiting, []
    return waiting[:capacity], waiting[capacity:]
