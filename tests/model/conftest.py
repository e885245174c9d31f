"""Tiny scenarios with deterministic positions: cohesion 1, no noise, everyone attends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sdo_sim.model import SDOModel
from sdo_sim.proposals import Proposal
from sdo_sim.scenario import Scenario, validate

FAR_APART = {
    "east": {"cohesion": 1.0, "ideal": [1.0, 1.0], "spread": 0.0},
    "west": {"cohesion": 1.0, "ideal": [-1.0, -1.0], "spread": 0.0},
}


def tiny(actors: list[dict[str, Any]], venue: dict[str, Any], **fields: Any) -> Scenario:
    """A scenario where every bloc member takes its bloc's line and quality does not matter."""
    raw: dict[str, Any] = {
        "name": "tiny",
        "weeks": 104,
        "positions": {
            "value": 0.5,
            "merit": 0.0,
            "noise": 0.0,
            "affinity": 0.0,
            "abstain_band": 0.1,
            "objection_threshold": 0.2,
            "support_threshold": 0.1,
        },
        "salience": [1e6, 1.0],  # every proposal fully contested
        "proposal_spread": 0.0,
        "blocs": FAR_APART,
        "actors": [{"attendance": 1.0, **a} for a in actors],
        "venues": [
            {"first_meeting_week": 1, "meeting_interval_weeks": 13, "proposals_per_meeting": 0, **venue}
        ],
    }
    raw.update(fields)
    return validate(raw, "tiny")


def proposal_from(model: SDOModel, bloc: str, venue_id: str, **attributes: Any) -> Proposal:
    """A proposal at the named bloc's ideal point, made by one of its members."""
    venue = model.venue_by_id[venue_id]
    pop = model.population
    proponent = int(np.flatnonzero(pop.bloc == pop.bloc_names.index(bloc))[0])
    proposal = model.new_proposal(venue, proponent, week=0)
    proposal.point = pop.bloc_ideal[pop.bloc_names.index(bloc)].copy()
    for name, value in attributes.items():
        setattr(proposal, name, value)
    venue.proposals.append(proposal)
    model.proposals.append(proposal)
    return proposal


def last_decision(model: SDOModel) -> dict[str, Any]:
    return model.decision_rows[-1]


@pytest.fixture
def build() -> Any:
    def make(scenario: Scenario, seed: int = 1) -> SDOModel:
        return SDOModel(scenario, seed=seed)

    return make


def member_states(east: int, west: int) -> list[dict[str, Any]]:
    """`east` and `west` Member State delegations of one ITU-T study group `sg`."""
    return [
        {"id": bloc[0].upper(), "kind": "delegation", "count": count, "bloc": bloc,
         "memberships": {"sg": "member-state"}}
        for bloc, count in (("east", east), ("west", west))
    ]  # fmt: skip
