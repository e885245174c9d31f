"""Leadership (leadership.py): the chair's consensus call leans toward the chair's own stance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sdo_sim
from sdo_sim.leadership import biased_tolerance, chair_stance
from sdo_sim.population import ABSENT, ABSTAIN, NO, YES
from sdo_sim.venues.base import chair_judgement

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("stance", "expected"), [(YES, 0.3), (NO, 0.1), (ABSTAIN, 0.2), (ABSENT, 0.2), (None, 0.2)]
)
def test_the_tolerance_moves_toward_the_chairs_stance(stance: int | None, expected: float) -> None:
    assert biased_tolerance(0.2, 0.1, stance) == expected


def test_the_tolerance_stays_a_share() -> None:
    assert biased_tolerance(0.9, 0.5, YES) == 1.0
    assert biased_tolerance(0.1, 0.5, NO) == 0.0
    assert biased_tolerance(0.1, 0.0, YES) == biased_tolerance(0.1, 0.0, NO) == 0.1


def test_a_supporting_chair_turns_a_call_just_past_the_tolerance() -> None:
    # tolerance 0.1 + bias 0.2 = 0.3: 30 of 100 present opposed pass the call, 31 do not
    assert chair_judgement(30, 100, biased_tolerance(0.1, 0.2, YES)) == "consensus"
    assert chair_judgement(31, 100, biased_tolerance(0.1, 0.2, YES)) != "consensus"
    assert chair_judgement(11, 100, biased_tolerance(0.1, 0.0, YES)) != "consensus"
    assert chair_judgement(11, 100, biased_tolerance(0.1, 0.01, YES)) == "consensus"


def test_an_opposing_chair_turns_a_call_just_within_the_tolerance() -> None:
    assert chair_judgement(10, 100, biased_tolerance(0.1, 0.0, NO)) == "consensus"
    assert chair_judgement(10, 100, biased_tolerance(0.1, 0.01, NO)) != "consensus"


def test_the_chairs_stance_is_read_only_when_the_chair_is_asked() -> None:
    idx, stance = np.array([4, 7, 9]), np.array([YES, NO, ABSENT])
    assert chair_stance(7, idx, stance) == NO
    assert chair_stance(9, idx, stance) == ABSENT
    assert chair_stance(5, idx, stance) is None
    assert chair_stance(None, idx, stance) is None


def chair_called_gates(chair: str, bias: float) -> pd.Series:
    """Share of the gates the chair decides (consensus calls) passed, by proponent bloc, seeds 1-10."""
    scenario = sdo_sim.load_scenario(ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml")
    overrides = {"venues.sg.chair_bias": bias, "venues.sg.posts.chair": chair}
    runs = [sdo_sim.run(scenario, seed=seed, overrides=overrides).decisions for seed in range(1, 11)]
    decisions = pd.concat(runs)
    return decisions[decisions["procedure"] == "chair-consensus"].groupby("proponent_bloc")["approved"].mean()


def test_a_biased_chair_pushes_its_own_sides_texts_and_holds_back_the_others() -> None:
    """Teleanu 2021, line 998: leaders may push proposals through without consensus or block others'."""
    assert chair_called_gates("CN", 0.0).equals(
        chair_called_gates("US", 0.0)
    )  # a neutral chair: no difference
    chinese, american = chair_called_gates("CN", 0.3), chair_called_gates("US", 0.3)
    assert chinese["east"] > american["east"] + 0.05  # the Chinese chair pushes the east's texts
    # and leans to its own side: the east's advantage over the west is larger under it
    assert chinese["east"] - chinese["west"] > american["east"] - american["west"] + 0.05


def test_the_posts_table_follows_every_holding_through_elections() -> None:
    """One row per holding (venue, post, holder, bloc, start, end); 3GPP chairs change by election."""
    result = sdo_sim.run(ROOT / "scenarios" / "baselines" / "3gpp-tsg.yaml", seed=1)
    assert list(result.posts.columns) == ["venue", "post", "holder", "bloc", "start", "end"]
    assert set(result.posts["post"]) == {"chair", "vice-chair", "editor"}
    posts = result.posts[result.posts["post"] != "editor"]  # editors: tests/model/test_editing.py
    held_at_end = posts[posts["end"].isna()]
    assert (held_at_end["post"] == "chair").sum() == 1 and (held_at_end["post"] == "vice-chair").sum() == 55
    chairs = posts[posts["post"] == "chair"].sort_values("start")
    assert chairs["start"].iloc[0] == 0
    assert (
        chairs["end"].iloc[:-1].to_numpy() == chairs["start"].iloc[1:].to_numpy()
    ).all()  # no gap, no overlap
    elections = result.decisions[result.decisions["procedure"] == "3gpp.election"]
    assert set(chairs["start"].iloc[1:]) <= set(elections["week"])
    assert result.posts.equals(sdo_sim.run(ROOT / "scenarios" / "baselines" / "3gpp-tsg.yaml", seed=1).posts)


@pytest.mark.parametrize(("stance", "bias", "deferred_last", "roll", "expected"), [
    (NO, 0.3, False, 0.29, True),
    (NO, 0.3, False, 0.30, False),   # the chance is exactly chair_bias
    (NO, 0.3, True, 0.0, False),     # never twice in a row
    (YES, 1.0, False, 0.0, False),   # a supporting chair never defers
    (ABSTAIN, 1.0, False, 0.0, False),
    (None, 1.0, False, 0.0, False),  # an absent chair sets no agenda
    (NO, 0.0, False, 0.0, False),    # a neutral chair never defers
])  # fmt: skip
def test_a_chair_defers_only_texts_it_opposes_and_only_once(
    stance: int | None, bias: float, deferred_last: bool, roll: float, expected: bool
) -> None:
    from sdo_sim.leadership import defers

    assert defers(stance, bias, deferred_last, roll) is expected


def test_a_biased_chair_keeps_the_other_sides_texts_off_the_agenda() -> None:
    """Agenda and timing are where posts are strong (Teleanu 2021, line 954)."""
    scenario = sdo_sim.load_scenario(ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml")

    def deferrals(chair: str, bias: float) -> pd.Series:
        overrides = {"venues.sg.chair_bias": bias, "venues.sg.posts.chair": chair}
        runs = [sdo_sim.run(scenario, seed=seed, overrides=overrides).decisions for seed in range(1, 21)]
        decisions = pd.concat(runs)
        agenda = decisions[decisions["procedure"] == "chair-agenda"]
        return agenda["proponent_bloc"].value_counts().reindex(["east", "west"], fill_value=0)

    assert deferrals("CN", 0.0).sum() == 0
    chinese, american = deferrals("CN", 0.3), deferrals("US", 0.3)
    assert chinese["west"] > 2 * chinese["east"] and chinese["west"] >= 5
    # the US chair follows its bloc's line less often (west cohesion 0.3 against east 0.6)
    assert american["east"] > american["west"] and american["east"] >= 5
