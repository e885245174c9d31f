"""The dashboard's pure parts: scenario levers, paired ensembles on common seeds, the difference in words."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from sdo_sim.dashboard import ensemble
from sdo_sim.dashboard.levers import AS_IN_FILE, controls, describe, overrides
from sdo_sim.scenario import ScenarioError, load_scenario, scenario_hash

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(
    [
        *ROOT.glob("scenarios/baselines/*.yaml"),
        *ROOT.glob("scenarios/*.yaml"),
        *ROOT.glob("scenarios/cases/*.yaml"),
    ]
)
ISO = ROOT / "scenarios" / "baselines" / "iso-technical-committee.yaml"


def _ends(control) -> list[object]:
    lever = control.lever
    if lever.kind == "slider":
        return [lever.min, lever.max]
    if lever.kind == "switch":
        return [True, False]
    return list(control.labels)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_lever_exists_and_each_end_of_it_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.levers, f"{path.name} declares no levers"
    for control in controls(scenario):
        assert control.lever.help, control.lever.label
        for setting in _ends(control):
            changed = overrides([control], {control.lever.path: setting})
            load_scenario(path, changed)  # raises ScenarioError (one line) if the field refuses the value


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {ISO}\n{text}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lever", "field", "words"),
    [
        (
            "{label: x, path: blocs.eest.cohesion, min: 0, max: 1}",
            "levers[0].path",
            "no 'eest'; there: east, west",
        ),
        ("{label: x, path: venues.sg.chair_bias, min: 0, max: 1}", "levers[0].path", "no item 'sg'; ids: tc"),
        (
            "{label: x, path: venues.tc.rules.3gpp.vote.affiliates, kind: choice, choices: [each, one-per-group]}",
            "levers[0].path",
            "no procedure '3gpp.vote'",
        ),
        ("{label: x, path: blocs.east.cohesion, min: 0}", "levers[0].max", "a slider needs min and max"),
        ("{label: x, path: blocs.east.cohesion, min: 1, max: 0}", "levers[0].max", "must be above min"),
        (
            "{label: x, path: blocs.east.cohesion, kind: switch, min: 0}",
            "levers[0].min",
            "a switch lever takes no min",
        ),
        (
            "{label: x, path: blocs.east.cohesion, kind: choice, choices: [0.5]}",
            "levers[0].choices",
            "at least two",
        ),
        ("{label: x, path: blocs.east, min: 0, max: 1}", "levers[0].path", "a group of fields"),
        ("{label: x, path: quality.0, kind: choice, choices: [1, 2]}", "levers[0].path", "is set whole"),
    ],
)
def test_a_bad_lever_is_one_line_naming_its_field(tmp_path: Path, lever: str, field: str, words: str) -> None:
    path = _write(tmp_path, f"levers:\n  - {lever}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "\n" not in message
    assert field in message and words in message, message


def test_levers_are_a_files_own_and_leave_the_hash_alone(tmp_path: Path) -> None:
    # the ISO baseline's levers name actors.NB-east-P: a file that replaces the actors must still load
    child = _write(tmp_path, "actors:\n  - {id: A, kind: delegation, bloc: east, memberships: {tc: P}}\n")
    assert load_scenario(child).levers == []
    base = load_scenario(ISO)
    plain = base.model_copy(update={"levers": []})
    assert scenario_hash(base) == scenario_hash(plain)


def test_controls_start_at_the_file_and_only_moved_levers_override() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "baselines" / "3gpp-tsg.yaml")
    by_path = {c.lever.path: c for c in controls(scenario)}
    cohesion = by_path["blocs.east.cohesion"]
    members = by_path["actors.IM-cn.count"]
    affiliates = by_path["venues.tsg.rules.3gpp.vote.affiliates"]
    quality = by_path["blocs.east.quality"]
    assert cohesion.start() == 0.6 and members.start() == 173 and members.whole
    assert affiliates.start() == "each membership votes"
    assert quality.start() == AS_IN_FILE  # the bloc sets none: its members' proposals follow the scenario's
    settings = {c.lever.path: c.start() for c in by_path.values()}
    assert overrides(list(by_path.values()), settings) == {}
    settings |= {
        "blocs.east.cohesion": 0.9000000001,
        "actors.IM-cn.count": 250.0,
        "venues.tsg.rules.3gpp.vote.affiliates": "one vote per group",
        "blocs.east.quality": "stronger",
    }
    changes = overrides(list(by_path.values()), settings)
    assert changes == {
        "blocs.east.cohesion": 0.9000000001,
        "actors.IM-cn.count": 250,
        "venues.tsg.rules.3gpp.vote.affiliates": "one-per-group",
        "blocs.east.quality": [4, 2],
    }
    assert isinstance(changes["actors.IM-cn.count"], int)
    words = describe(list(by_path.values()), changes)
    assert "East bloc cohesion 0.6 → 0.9" in words
    assert "Affiliates' votes each membership votes → one vote per group" in words
    with pytest.raises(ValueError, match="not a lever"):
        overrides(list(by_path.values()), {"weeks": 3})


def test_a_scenario_without_levers_offers_each_blocs_cohesion(tmp_path: Path) -> None:
    scenario = load_scenario(
        _write(tmp_path, "actors:\n  - {id: A, kind: delegation, bloc: east, memberships: {tc: P}}\n")
    )
    assert [c.lever.path for c in controls(scenario)] == [f"blocs.{b}.cohesion" for b in scenario.blocs]


def test_seeds_are_shared_by_both_sides_and_follow_seed_sequence() -> None:
    import numpy as np

    chosen = ensemble.seeds(7, 5)
    assert chosen == ensemble.seeds(7, 5) and len(set(chosen)) == 5
    first = int(np.random.SeedSequence(7).spawn(1)[0].generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
    assert chosen[0] == first
    assert ensemble.seeds(8, 5) != chosen
    with pytest.raises(ValueError, match="runs"):
        ensemble.seeds(1, 0)


def test_difference_in_words_is_the_paired_mean_with_its_t_interval() -> None:
    d = ensemble.difference("west proposals approved", [0.62, 0.60, 0.64], [0.41, 0.39, 0.43], share=True)
    assert d.words() == "west proposals approved: 62 % → 41 %, ± 0.0 points (clearly lower)"
    # differences 1, 2, 3: mean 2, sd 1, t(0.975, 2) = 4.3027 → half width 2.484
    d = ensemble.difference("weeks to decision (median)", [10, 10, 10], [11, 12, 13], share=False)
    assert d.difference == 2 and math.isclose(d.half_width, 4.302652729911275 / math.sqrt(3))
    assert d.words() == "weeks to decision (median): 10 → 12, ± 2.5 (no clear change)"
    d = ensemble.difference("east proposals approved", [0.5, math.nan, 0.5], [0.7, 0.2, math.nan], share=True)
    assert (
        d.pairs == 1 and d.words() == "east proposals approved: 50 % → 70 % (one pair of runs: no interval)"
    )
    assert "nothing to compare" in ensemble.difference("x", [math.nan], [0.1], share=True).words()
    with pytest.raises(ValueError, match="must pair"):
        ensemble.difference("x", [0.1, 0.2], [0.1], share=True)


def test_an_ensemble_pairs_runs_by_seed_and_is_the_same_on_any_worker_count() -> None:
    one = ensemble.Workers(1)
    same = ensemble.compare(one, ISO, {}, root_seed=3, runs=2)
    assert same.base.summary["seed"].tolist() == same.seeds == same.changed.summary["seed"].tolist()
    pd.testing.assert_frame_equal(same.base.tables["proposals"], same.changed.tables["proposals"])
    changed = ensemble.compare(
        one, ISO, {"blocs.east.cohesion": 1.0, "positions.affinity": 1.5}, root_seed=3, runs=2
    )
    assert changed.changed.overrides == {"blocs.east.cohesion": 1.0, "positions.affinity": 1.5}
    assert not changed.base.summary["approval_rate"].equals(changed.changed.summary["approval_rate"])
    tidy = changed.tidy("summary")
    assert tidy["side"].tolist() == ["as is", "as is", "changed", "changed"]
    words = [d.label for d in ensemble.headline(changed)]
    assert (
        words[:2] == ["proposals approved", "east proposals approved"] and "posts held by the west" in words
    )
    ensemble._ENSEMBLES.clear()  # the pool must run them again, not hand back what one process made
    pool = ensemble.Workers(2)
    try:
        again = ensemble.compare(
            pool, ISO, {"blocs.east.cohesion": 1.0, "positions.affinity": 1.5}, root_seed=3, runs=2
        )
    finally:
        pool.close()
    for table in ensemble.TABLES:
        pd.testing.assert_frame_equal(again.changed.tables[table], changed.changed.tables[table])


def test_a_value_the_field_refuses_is_one_line_before_any_run() -> None:
    with pytest.raises(ScenarioError, match=r"blocs\.east\.cohesion"):
        ensemble.compare(ensemble.Workers(1), ISO, {"blocs.east.cohesion": 2.0}, root_seed=1, runs=2)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["no-such-file.yaml"], "no-such-file.yaml"),
        ([str(ISO), "--port", "70000"], "--port: got 70000"),
        ([str(ISO), "--workers", "0"], "--workers: got 0"),
    ],
)
def test_bad_dashboard_input_is_one_line_and_exit_2(args: list[str], words: str) -> None:
    import subprocess
    import sys

    workers = [] if "--workers" in args else ["--workers", "1"]  # no pool is started for a refused input
    command = [sys.executable, "-m", "sdo_sim.cli", "dashboard", *args, *workers]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, (
        done.stderr
    )
