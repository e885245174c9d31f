"""What every part of the scenario schema shares: unknown keys are errors, and numbers have bounds.

Apart from schema.py so that the venue (venue.py) and lever (levers.py) models build on it without a cycle.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

MAX_WEEKS = 5200
MAX_WEIGHT = 1000.0
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_WEIGHT)]
Coordinate = Annotated[float, Field(ge=-MAX_WEIGHT, le=MAX_WEIGHT)]
Weeks = Annotated[int, Field(ge=0, le=MAX_WEEKS)]
BetaParameter = Annotated[float, Field(gt=0, le=1e6)]


class Strict(BaseModel):
    """A schema object that rejects unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True, allow_inf_nan=False)
