"""What a run will cost before it starts: an upper estimate of its memory, and the limit it must fit.

The estimate comes from measured runs (docs/scenarios.md, "Limits"): about 340 bytes of peak memory
per recorded actor-position, and the gates per proposal below; it errs on the high side so that a
refusal comes before the run, never as an exhausted machine at its end.
"""

from __future__ import annotations

import math
import os

from sdo_sim.errors import SdoSimError
from sdo_sim.scenario.schema import Scenario

GIB = 1024**3
#: Memory a run may plan to use unless the user raises the limit (--max-memory, SDO_SIM_MAX_MEMORY_GB).
DEFAULT_LIMIT_GB = 8.0
LIMIT_VARIABLE = "SDO_SIM_MAX_MEMORY_GB"
MAX_LIMIT_GB = 1e6
BASE_BYTES = 250 * 1024**2  # the interpreter, numpy, pandas, pyarrow and mesa
BYTES_PER_ACTOR = 4096
BYTES_PER_DECISION = 1024
#: Twice what the position alone took (160) since each also keeps its utility terms (reasons.py): the
#: 3GPP baseline with --positions peaks at 302 MB, not 226 MB, for 351,439 positions.
BYTES_PER_POSITION = 340
#: Gates per proposal, above those measured: 3GPP 2.1, IETF 1.7, ITU-T 2.6 in the baselines (seed 1),
#: ISO 3.9-5.2 (seeds 1-8: NP, WD, CD ballot and meeting, DIS, FDIS, and the post ballots), IETF 2.9
#: with 20,000 participants, where more objections send texts round again.
GATES_PER_PROPOSAL = {"3gpp": 3.0, "ietf": 3.5, "itu-t": 3.5, "iso": 6.5}
#: Extra share of those gates per attempt above the default two: a text sent back goes through its
#: gates again. Measured with weekly meetings (seed 1): 3GPP 17.0 gates per proposal with
#: max_attempts 100 (estimate 3.0 × 5.9 = 17.7), ITU-T 10.7 (20.6), ISO 3.4, IETF 3.3.
GATES_PER_EXTRA_ATTEMPT = 0.05


class BudgetError(SdoSimError):
    """A run whose estimated memory exceeds the limit."""


def members(scenario: Scenario, venue_id: str) -> int:
    """Actors who take a position at the venue's gates, counting those events add."""
    specs = [*scenario.actors, *(s for event in scenario.events for s in getattr(event, "add", []))]
    return sum(spec.count for spec in specs if venue_id in spec.memberships)


def estimate(scenario: Scenario, positions: bool) -> tuple[int, int, int]:
    """(bytes, gates, actor-positions): an upper estimate of a run's peak memory and its work."""
    actors = sum(spec.count for spec in scenario.actors) + sum(
        spec.count for event in scenario.events for spec in getattr(event, "add", [])
    )
    gates = 0
    evaluations = 0
    groups = {e.venue.id: e.members_from for e in scenario.events if e.kind == "group"}  # type: ignore[union-attr]
    venues = [*scenario.venues, *(e.venue for e in scenario.events if e.kind == "group")]  # type: ignore[union-attr]
    for venue in venues:
        meetings = max(
            0, math.ceil((scenario.weeks - venue.first_meeting_week) / venue.meeting_interval_weeks)
        )
        per_proposal = GATES_PER_PROPOSAL[venue.kind] * (
            1 + GATES_PER_EXTRA_ATTEMPT * max(0, venue.max_attempts - 2)
        )
        venue_gates = math.ceil(meetings * venue.proposals_per_meeting * per_proposal)
        gates += venue_gates
        source = venue.id
        while source in groups:  # a new group's members are those of the venue it draws on
            source = groups[source]
        evaluations += venue_gates * members(scenario, source)
    size = footprint(actors, gates, evaluations if positions else 0)
    return size, gates, evaluations


def footprint(actors: int, decisions: int, positions: int) -> int:
    """Peak bytes of a run with these many actors, decisions and recorded positions (measured)."""
    tables = decisions * BYTES_PER_DECISION + positions * BYTES_PER_POSITION
    return BASE_BYTES + actors * BYTES_PER_ACTOR + tables


def limit_bytes(max_memory_gb: float | None = None) -> int:
    """The memory limit: the argument, else SDO_SIM_MAX_MEMORY_GB, else DEFAULT_LIMIT_GB."""
    if max_memory_gb is None:
        text = os.environ.get(LIMIT_VARIABLE)
        if text is None:
            return int(DEFAULT_LIMIT_GB * GIB)
        try:
            max_memory_gb = float(text)
        except ValueError:
            max_memory_gb = math.nan
        if not 0 < max_memory_gb < MAX_LIMIT_GB:
            raise BudgetError(f"{LIMIT_VARIABLE}={text[:40]!r}: must be a number of gigabytes above 0 and "
                              f"below {MAX_LIMIT_GB:g}")  # fmt: skip
    if not 0 < max_memory_gb < MAX_LIMIT_GB:
        raise BudgetError(f"--max-memory: got {max_memory_gb}; must be a number of gigabytes above 0 "
                          f"and below {MAX_LIMIT_GB:g}")  # fmt: skip
    return int(max_memory_gb * GIB)


def check_use(actors: int, decisions: int, positions: int, limit: int, week: int, weeks: int) -> None:
    """Stop a run whose tables have grown past the limit: the estimate before the run is an average,
    and an unlucky or unusual run must still end with a clear error, never an exhausted machine."""
    size = footprint(actors, decisions, positions)
    if size > limit:
        raise BudgetError(
            f"stopped at week {week} of {weeks}: the run's tables would need about {size / GIB:.1f} GB, "
            f"above the {limit / GIB:g} GB limit; nothing was written. Drop --positions, shorten "
            f"--weeks, or raise the limit with --max-memory GB (or {LIMIT_VARIABLE})"
        )


def check(scenario: Scenario, positions: bool, max_memory_gb: float | None = None) -> int:
    """The run's estimated peak memory in bytes, or a BudgetError when it is above the limit."""
    size, _, _ = estimate(scenario, positions)
    limit = limit_bytes(max_memory_gb)
    if size > limit:
        hint = "drop --positions, " if positions and estimate(scenario, False)[0] <= limit else ""
        raise BudgetError(
            f"{scenario.name}: this run needs an estimated {size / GIB:.1f} GB of memory, above the "
            f"{limit / GIB:g} GB limit; {hint}shorten --weeks, or raise the limit with --max-memory GB "
            f"(or {LIMIT_VARIABLE})"
        )
    return size
