"""The package's exceptions: one base class, so callers can catch everything sdo_sim raises."""

from __future__ import annotations


class SdoSimError(Exception):
    """Base class of every error sdo_sim reports to a user."""


class BallotError(SdoSimError, ValueError):
    """A ballot that cannot be tallied: names the field, what was found and what is allowed."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class UnknownProcedureError(BallotError):
    """A ballot names a procedure the rulebook does not have."""


class CountsError(SdoSimError, ValueError):
    """Counts passed to a counts-level rule that cannot occur (negative, or more votes than voters)."""
