"""The comparison's figures: the run figures of `sdo_sim.plots`, drawn for the changed ensemble with the
ensemble as is beside it as their baseline (same seeds), each as a Figure or the PNG bytes a download gives.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from matplotlib.figure import Figure

from sdo_sim import plots
from sdo_sim.dashboard.ensemble import Comparison


def blocs_of(comparison: Comparison) -> list[str]:
    """The scenario's blocs in its order, as the tables name them ("" for actors without a bloc)."""
    columns = comparison.changed.summary.columns
    return ["" if c == "approval_rate.none" else c.split(".", 1)[1] for c in columns
            if c.startswith("approval_rate.")]  # fmt: skip


def _events(comparison: Comparison) -> pd.DataFrame:
    """The events of the changed side's first run (a condition's week may differ from run to run)."""
    events = comparison.changed.tables["events"]
    return events[events["seed"] == comparison.seeds[0]]


def _weeks(comparison: Comparison) -> int:
    return int(comparison.changed.summary["weeks"].iloc[0])


def approval(comparison: Comparison) -> Figure:
    """Share of each bloc's decided proposals approved, over time and between events."""
    return plots.approval_by_bloc(
        comparison.changed.tables["proposals"], weeks=_weeks(comparison), events=_events(comparison),
        baseline=comparison.base.tables["proposals"], blocs=blocs_of(comparison),
    )  # fmt: skip


def stages(comparison: Comparison) -> Figure:
    """Gates passed, failed and deferred at each stage."""
    return plots.outcomes_by_stage(comparison.changed.tables["decisions"],
                                   baseline=comparison.base.tables["decisions"])  # fmt: skip


def weeks(comparison: Comparison) -> Figure:
    """Weeks from submission to decision, by bloc."""
    return plots.weeks_to_decision(
        comparison.changed.tables["proposals"], baseline=comparison.base.tables["proposals"],
        blocs=blocs_of(comparison),
    )  # fmt: skip


def posts(comparison: Comparison) -> Figure:
    """Share of the posts each bloc holds, week by week."""
    return plots.posts_by_bloc(
        comparison.changed.tables["posts"], weeks=_weeks(comparison), events=_events(comparison),
        baseline=comparison.base.tables["posts"], blocs=blocs_of(comparison),
    )  # fmt: skip


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes (closed afterwards)."""
    return plots.png(figure)


#: The comparison's figures, by the name their PNG file gets: (what the tab says, the figure).
FIGURES: dict[str, tuple[str, Callable[[Comparison], Figure]]] = {
    "approval-by-bloc": ("Approval by bloc", approval),
    "outcomes-by-stage": ("Outcomes by stage", stages),
    "weeks-to-decision": ("Weeks to decision", weeks),
    "posts-by-bloc": ("Posts by bloc", posts),
}
