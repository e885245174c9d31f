"""The ISO cases: the WG9 convenor's contested proposal (Teleanu 2021, lines 1279-1283)."""

from __future__ import annotations

from sdo_sim.cases.core import Case

CASES: tuple[Case, ...] = ()
