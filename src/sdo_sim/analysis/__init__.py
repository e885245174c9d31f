"""Analysis (issue 9 item 3, issue 10 item 5): response tables, paired differences and sensitivity
indices of a sweep (`tables`), their figures (`plots`)."""

from __future__ import annotations

from sdo_sim.analysis.tables import (
    AnalysisError,
    analyze,
    half_width,
    headline,
    morris_indices,
    paired_differences,
    response_table,
    sobol_indices,
)

__all__ = [
    "AnalysisError",
    "analyze",
    "half_width",
    "headline",
    "morris_indices",
    "paired_differences",
    "response_table",
    "sobol_indices",
]
