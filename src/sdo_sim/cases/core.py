"""What a historical case is: its patterns over a run's tables, and the helpers that read them.

A case is a scenario file in `scenarios/cases/` (its id is the file stem) and one or more patterns.
A *share* pattern is a predicate `holds(result) -> bool` and a target share of seeds where it must
hold; a *mean* pattern is a statistic `value(result) -> float` whose mean over seeds must fall in a
band (NaN runs, where there was nothing to count, are left out of the mean). A *paired* pattern
also gets a second run on the same seed with the pattern's `paired` overrides (the `--set` paths of
`sdo-sim run`), so it can say what a lever changes: `holds(result, paired)`, `value(result, paired)`.
Predicates and statistics read only the run's tables (proposals, decisions, posts), so a case can
never peek at the model's internals or fire on the answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sdo_sim.errors import SdoSimError

if TYPE_CHECKING:
    from sdo_sim.results import RunResult

#: The case files, in the checkout the package runs from.
CASES_DIR = Path(__file__).resolve().parents[3] / "scenarios" / "cases"
Overrides = tuple[tuple[str, Any], ...]


class CaseError(SdoSimError):
    """A request for cases that cannot be met: names the option and what is allowed."""


@dataclass(frozen=True)
class Pattern:
    """One documented pattern of a case: a share of seeds where `holds` is true, or a band for the
    mean of `value` over seeds; with `paired` overrides, both also get the paired run."""

    id: str
    pattern: str
    sources: str
    holds: Callable[..., bool] | None = None
    target: float = 0.0  # share patterns: the least share of seeds
    value: Callable[..., float] | None = None
    point: float = math.nan  # mean patterns: the source's figure, and the band around it
    low: float = math.nan
    high: float = math.nan
    why: str = ""  # what is known about a shortfall, printed when the pattern fails
    paired: Overrides = ()  # (dotted path, value) pairs for the second run on the same seed

    @property
    def kind(self) -> str:
        """`share` (of seeds where a predicate holds) or `mean` (of a statistic over seeds)."""
        return "share" if self.holds is not None else "mean"

    def measure(self, result: RunResult, paired: RunResult | None = None) -> float:
        """This run's value: 1.0 or 0.0 for a share pattern, the statistic for a mean pattern."""
        runs = (result,) if not self.paired else (result, paired)
        if self.holds is not None:
            return 1.0 if self.holds(*runs) else 0.0
        assert self.value is not None
        return float(self.value(*runs))

    def target_text(self) -> str:
        """The target as the table prints it."""
        if self.kind == "share":
            return f">= {self.target:.0%}"
        return f"{self.point:.3f} in [{self.low:.3f}, {self.high:.3f}]"


@dataclass(frozen=True)
class Case:
    """A historical case: its scenario file's stem, its patterns, and a one-word account of each run."""

    id: str
    patterns: tuple[Pattern, ...]
    describe: Callable[[RunResult], str]

    @property
    def path(self) -> Path:
        """The case's scenario file."""
        return CASES_DIR / f"{self.id}.yaml"

    @property
    def pairings(self) -> list[Overrides]:
        """The distinct override sets its paired patterns need, in pattern order."""
        return list(dict.fromkeys(p.paired for p in self.patterns if p.paired))


# --- reading a run's tables ------------------------------------------------------------------


def row_of(result: RunResult, proposal: str) -> pd.Series | None:
    """The proposals-table row of a proposal id, or None if the run has no such proposal."""
    rows = result.proposals[result.proposals["proposal"] == proposal]
    return None if rows.empty else rows.iloc[0]


def approved(result: RunResult, proposal: str) -> bool:
    """Whether the proposal exists in the run and ended approved."""
    row = row_of(result, proposal)
    return row is not None and bool(row["approved"])


def not_approved(result: RunResult, proposal: str) -> bool:
    """Whether the proposal exists in the run and did not end approved (failed, or still open)."""
    row = row_of(result, proposal)
    return row is not None and not bool(row["approved"])


def chain(result: RunResult, root: str) -> pd.DataFrame:
    """A proposal and every text brought back from it in other venues (`<root>@<venue>`)."""
    ids = result.proposals["proposal"]
    return result.proposals[(ids == root) | ids.str.startswith(f"{root}@")]


def came_back(result: RunResult, proposal: str) -> bool:
    """Whether some proposal names `proposal` as the one it was resubmitted from."""
    return bool((result.proposals["resubmitted_from"] == proposal).any())


def adopted(result: RunResult, proposals: pd.Series) -> bool:
    """Whether any of these proposals passed its ITU-T Question gate (adopted as a work item)."""
    d = result.decisions
    return bool((d["proposal"].isin(proposals) & (d["stage"] == "question") & d["approved"]).any())


def switched_at_consent(result: RunResult, proposal: str) -> bool:
    """Whether a track-selection decision moved the proposal from AAP to TAP (Res. 1 §8, before consent)."""
    d = result.decisions
    return bool(((d["proposal"] == proposal) & (d["stage"] == "track-selection") & d["approved"]).any())
