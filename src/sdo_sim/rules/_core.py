"""The rulebook's building blocks: `Decision`, parameters with their clauses, and the registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sdo_sim.errors import CountsError, UnknownProcedureError


def show(value: object) -> str:
    """Render a number for a sentence: a Fraction over 100 as a percentage, others as a/b."""
    if isinstance(value, Fraction):
        if 100 % value.denominator == 0:
            return f"{value * 100} %"
        return f"{value.numerator}/{value.denominator}"
    return str(value)


class Decision:
    """What a rule decided: `approved`, a kebab-case `outcome`, a `reason` naming the clause, `counts`.

    The reason is kept as a template and rendered on first access, because the model asks for
    hundreds of thousands of decisions and reads few of their sentences.
    """

    __slots__ = ("_extra", "_template", "approved", "counts", "outcome", "winner")

    def __init__(
        self,
        approved: bool,
        outcome: str,
        template: str,
        counts: dict[str, int],
        extra: Mapping[str, object] | None = None,
        winner: str | None = None,
    ) -> None:
        self.approved = approved
        self.outcome = outcome
        self._template = template
        self.counts = counts
        self._extra = extra
        self.winner = winner

    @property
    def reason(self) -> str:
        """One sentence naming the clause that decided, with the numbers filled in."""
        if self._extra:
            values = dict(self.counts)
            values.update((k, show(v)) for k, v in self._extra.items())
            return self._template.format_map(values)
        return self._template.format_map(self.counts)

    def to_dict(self, procedure: str | None = None) -> dict[str, Any]:
        """The decision as a JSON-ready dict (the `sdo-sim tally` output format)."""
        out: dict[str, Any] = {}
        if procedure is not None:
            out["procedure"] = procedure
        out["approved"] = self.approved
        out["outcome"] = self.outcome
        out["reason"] = self.reason
        out["counts"] = dict(self.counts)
        if self.winner is not None:
            out["winner"] = self.winner
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return (self.approved, self.outcome, self.counts, self.reason, self.winner) == (
            other.approved,
            other.outcome,
            other.counts,
            other.reason,
            other.winner,
        )

    def __hash__(self) -> int:
        return hash((self.approved, self.outcome, self.reason))

    def __repr__(self) -> str:
        return f"Decision(approved={self.approved!r}, outcome={self.outcome!r}, counts={self.counts!r})"


@dataclass(frozen=True)
class Param:
    """A rule parameter: its default, its kind, the clause the default comes from."""

    name: str
    default: Any
    kind: str  # "fraction" | "int" | "bool" | "choice"
    clause: str
    doc: str
    choices: tuple[str, ...] = ()
    minimum: int | Fraction | None = None
    maximum: int | Fraction | None = None


@dataclass(frozen=True)
class Procedure:
    """One SDO procedure: its id, its clause, its counts-level and ballot-level functions."""

    id: str
    title: str
    clause: str
    counts: Callable[..., Decision]
    ballot: Callable[[Mapping[str, Any], dict[str, Any]], Decision]
    params: tuple[Param, ...] = ()
    fields: frozenset[str] = field(default_factory=frozenset)

    def defaults(self) -> dict[str, Any]:
        """The parameters' default values, by name."""
        return {p.name: p.default for p in self.params}


PROCEDURES: dict[str, Procedure] = {}


def register(procedure: Procedure) -> Procedure:
    """Add a procedure to the rulebook's registry."""
    if procedure.id in PROCEDURES:
        raise ValueError(f"procedure {procedure.id!r} registered twice")
    PROCEDURES[procedure.id] = procedure
    return procedure


def get_procedure(procedure_id: str) -> Procedure:
    """The registered procedure with this id, or `UnknownProcedureError` listing the known ones."""
    try:
        return PROCEDURES[procedure_id]
    except (KeyError, TypeError):
        known = ", ".join(sorted(PROCEDURES))
        raise UnknownProcedureError(
            "procedure", f"unknown procedure {procedure_id!r}; allowed: {known}"
        ) from None


def check_counts(**counts: int) -> None:
    """Raise `CountsError` unless every count is a non-negative int (called only on bad input)."""
    for name, value in counts.items():
        if (value.__class__ is not int and not isinstance(value, int)) or isinstance(value, bool):
            raise CountsError(f"{name} must be a whole number, got {value!r}")
        if value < 0:
            raise CountsError(f"{name} must not be negative, got {value}")


def ratio_at_least(part: int, whole: int, threshold: Fraction) -> bool:
    """part/whole >= threshold, exactly, by integer cross-multiplication (whole > 0)."""
    return part * threshold.denominator >= threshold.numerator * whole


def ceil_fraction_of(n: int, share: Fraction) -> int:
    """The least integer k with k >= share × n, exactly."""
    return -(-share.numerator * n // share.denominator)


def share_of_votes_cast(yes: int, no: int, threshold: Fraction, passed: str, failed: str) -> Decision:
    """≥ `threshold` of yes + no (abstentions excluded); no votes cast is no majority."""
    if yes < 0 or no < 0:
        check_counts(yes=yes, no=no)
    cast = yes + no
    counts = {"yes": yes, "no": no, "cast": cast}
    extra = {"threshold": threshold}
    if cast and ratio_at_least(yes, cast, threshold):
        return Decision(True, "approved", passed, counts, extra)
    return Decision(False, "not-approved", failed, counts, extra)
