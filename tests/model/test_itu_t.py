"""ITU-T procedural choices (venues/itu_t_track.py): the track at consent, consultations on request,
formal opposition only from the strongly opposed, discontinuation as a decision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sdo_sim
from sdo_sim.model import SDOModel
from sdo_sim.population import ABSENT, NO, YES
from sdo_sim.venues import itu_t_track as track
from tests.model.conftest import last_decision, member_states, proposal_from, tiny

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"


def study_group(east: int, west: int, **venue: Any) -> SDOModel:
    scenario = tiny(member_states(east, west), {"id": "sg", "kind": "itu-t", "body": "ITU-T SG99", **venue})
    scenario.positions.policy_declaration = 1.0
    return SDOModel(scenario, seed=1)


@pytest.mark.parametrize(("yes", "no", "approved"), [(6, 5, True), (5, 5, False), (0, 0, False)])
def test_a_member_state_vote_needs_a_majority_of_votes_cast(yes: int, no: int, approved: bool) -> None:
    assert track.majority_decision(yes, no, "Res. 1 §1.13").approved is approved


def test_a_switch_needs_a_member_state_proposer_and_a_second() -> None:
    states = np.array([True, True, False])
    rolls = np.zeros(3)
    assert track.switch_proposed(True, states, np.array([NO, NO, YES]), 1.0, rolls)
    assert track.switch_proposed(True, states, np.array([YES, NO, NO]), 1.0, rolls)  # a Sector Member seconds
    assert not track.switch_proposed(True, states, np.array([NO, YES, YES]), 1.0, rolls)  # no second
    assert not track.switch_proposed(True, states, np.array([YES, YES, NO]), 1.0, rolls)  # no Member State
    assert not track.switch_proposed(False, states, np.array([NO, NO, NO]), 1.0, rolls)  # no policy at stake
    assert not track.switch_proposed(True, states, np.array([NO, NO, ABSENT]), 0.0, rolls)


@pytest.mark.parametrize(("east", "switched"), [(6, True), (5, False)])
def test_the_track_is_switched_to_tap_at_consent_by_a_member_state_majority(
    east: int, switched: bool
) -> None:
    # Res. 1 §8.1.1: no consensus on the switch (the west backs the text), so Member States vote
    model = study_group(east, 5)
    proposal = proposal_from(model, "west", "sg", stage="drafting", track="aap", sensitive=True)
    model.venue_by_id["sg"].ready(proposal, 14)
    selection = [row for row in model.decision_rows if row["stage"] == "track-selection"]
    assert len(selection) == 1 and selection[0]["procedure"] == "itu-t.track-vote"
    assert selection[0]["approved"] is switched
    assert proposal.track == ("tap" if switched else "aap")
    assert last_decision(model)["stage"] == ("determination" if switched else "consent")


def test_a_text_without_policy_implications_keeps_its_track() -> None:
    model = study_group(6, 5)
    proposal = proposal_from(model, "west", "sg", stage="drafting", track="aap", sensitive=False)
    model.venue_by_id["sg"].ready(proposal, 14)
    assert proposal.track == "aap"
    assert not any(row["stage"] == "track-selection" for row in model.decision_rows)


def test_only_strong_opposition_is_formal_at_an_approval_meeting() -> None:
    model = study_group(2, 2)
    venue = model.venue_by_id["sg"]
    threshold = model.scenario.positions.objection_threshold
    utility = np.array([-threshold, np.nextafter(-threshold, -1.0), -5.0, -5.0])
    stance = np.array([NO, NO, YES, ABSENT])
    assert list(venue.formal_opposition(utility, stance)) == [False, True, False, False]


def test_a_text_out_of_attempts_is_discontinued_by_a_recorded_decision() -> None:
    model = study_group(6, 5, max_attempts=1)
    proposal = proposal_from(model, "west", "sg", stage="drafting", track="aap", sensitive=False)
    model.venue_by_id["sg"].ready(proposal, 14)  # no consensus at consent, no attempts left
    decision = last_decision(model)
    assert (decision["stage"], decision["procedure"], decision["outcome"]) == (
        "discontinuation", "itu-t.discontinuation", "discontinued")  # fmt: skip
    assert proposal.outcome == "discontinued" and proposal.decided == 14


def gates(overrides: dict[str, Any], seeds: range = range(1, 7)) -> pd.DataFrame:
    return pd.concat(sdo_sim.run(BASELINE, seed=s, overrides=overrides).decisions for s in seeds)


def test_question_consultations_run_only_when_the_study_group_requests_them() -> None:
    never = gates({"venues.sg.question_consultation": 0.0})
    always = gates({"venues.sg.question_consultation": 1.0})
    assert (never["procedure"] == "itu-t.question").sum() == 0
    assert (always["procedure"] == "itu-t.question").sum() >= 10
