"""The rulebook: every SDO procedure as a pure, exactly computed, clause-citing function.

Two faces per procedure: a counts-level function (integers in, `Decision` out) for the model's hot
loop, and `tally(ballot)` for a JSON ballot, which validates and counts, then calls the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdo_sim.errors import BallotError
from sdo_sim.rules import etsi, ieee, ietf, iso, itu_t, threegpp
from sdo_sim.rules._ballot import check_fields, describe, resolve_params
from sdo_sim.rules._core import PROCEDURES, Decision, Param, Procedure, get_procedure

__all__ = [
    "PROCEDURES",
    "Decision",
    "Param",
    "Procedure",
    "etsi",
    "get_procedure",
    "ieee",
    "ietf",
    "iso",
    "itu_t",
    "tally",
    "threegpp",
]


def tally(ballot: Mapping[str, Any]) -> Decision:
    """Decide one ballot (the JSON format of docs/rules.md); raises `BallotError` on bad input."""
    if not isinstance(ballot, Mapping):
        raise BallotError("", f"got {describe(ballot)}; a ballot must be a JSON object")
    if "procedure" not in ballot:
        raise BallotError("procedure", 'missing; every ballot names its procedure, e.g. "iso.dis"')
    procedure = get_procedure(ballot["procedure"])
    check_fields(ballot, procedure)
    ballot_id = ballot.get("id", "")
    if not isinstance(ballot_id, str) and not (
        isinstance(ballot_id, int) and not isinstance(ballot_id, bool)
    ):
        raise BallotError("id", f"got {describe(ballot_id)}; must be a string or a whole number")
    params = resolve_params(procedure, ballot.get("params"))
    return procedure.ballot(ballot, params)
