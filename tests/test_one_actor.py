"""One actor of a generated group, addressed as the output tables name it (issue 9): `per_actor`."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from sdo_sim.model import SDOModel
from sdo_sim.runner import run
from sdo_sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
ITU_T = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"
# a group with distributions, firms drawing homes and alignments: every draw must stay where it was
GROUPS = """\
name: one actor of a group
weeks: 40
blocs:
  east: {ideal: [0.4, 0.5], cohesion: 0.5}
  west: {ideal: [-0.3, -0.4]}
actors:
  - {id: CN, kind: delegation, bloc: east, memberships: {tc: P}}
  - {id: NB-east-P, kind: delegation, count: 40, bloc: east, memberships: {tc: P},
     attendance: {uniform: [0.2, 0.9]}, contributions: {beta: [2, 5]}, block_propensity: {normal: [0.3, 0.1]}}
  - {id: NB-west-P, kind: delegation, count: 14, bloc: west, memberships: {tc: P}}
  - {id: F-east, kind: firm, count: 12, bloc: east, home: bloc, alignment: {uniform: [0, 1]}}
venues:
  - {id: tc, kind: iso, body: ISO/TC 999}
"""
SAME = ("names", "bloc", "home", "is_firm", "subsidiaries")
PER_ACTOR = ("ideal", "attendance", "contributions", "block_propensity", "delegates", "alignment")


@pytest.fixture
def groups(tmp_path: Path) -> Path:
    path = tmp_path / "groups.yaml"
    path.write_text(GROUPS)
    return path


def built(path: Path, overrides: dict[str, object] | None = None) -> SDOModel:
    """The model of a scenario just after its actors are made (nothing run yet)."""
    return SDOModel(load_scenario(path, overrides), seed=5)


def test_a_numbered_name_sets_that_actor_alone_and_every_other_actor_and_draw_stays(groups: Path) -> None:
    overrides = {"actors.NB-east-P-017.attendance": 1, "actors.NB-east-P-017.ideal": [0.9, -0.9],
                 "actors.F-east-003.alignment": 0.25, "actors.F-east-003.contributions": 4}  # fmt: skip
    scenario = load_scenario(groups, overrides)
    spec = next(s for s in scenario.actors if s.id == "NB-east-P")
    assert spec.count == 40 and [s.id for s in scenario.actors] == ["CN", "NB-east-P", "NB-west-P", "F-east"]
    plain, changed = built(groups), built(groups, overrides)
    # the random stream is where it was after the actors were made: no draw added, none skipped
    assert plain.rng.bit_generator.state == changed.rng.bit_generator.state
    a, b = plain.population, changed.population
    for name in SAME:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    one, firm = a.names.index("NB-east-P-017"), a.names.index("F-east-003")
    expected = {(one, "attendance"): 1.0, (one, "ideal"): [0.9, -0.9], (firm, "alignment"): 0.25,
                (firm, "contributions"): 4.0}  # fmt: skip
    for name in PER_ACTOR:
        before, after = getattr(a, name), getattr(b, name)
        differ = sorted({int(i) for i in np.nonzero(before != after)[0]})
        assert differ == sorted(i for i, field in expected if field == name), name
    for (i, name), value in expected.items():
        assert np.array_equal(getattr(b, name)[i], value), name
    assert changed.actor_list[firm].initial_contributions == 4.0  # a surge's quality cost starts there


def test_the_same_override_and_seed_give_identical_tables(groups: Path) -> None:
    overrides = {"actors.NB-east-P-040.attendance": 0.0}
    first, again = run(groups, 2, overrides=overrides), run(groups, 2, overrides=overrides)
    for table in ("proposals", "decisions", "timeseries", "posts", "summary"):
        assert getattr(first, table).equals(getattr(again, table)), table
    assert first.manifest["overrides"] == overrides


def test_per_actor_written_in_the_file_is_the_same_as_the_override(groups: Path, tmp_path: Path) -> None:
    written = tmp_path / "written.yaml"
    written.write_text(GROUPS.replace("block_propensity: {normal: [0.3, 0.1]}}",
                                      "block_propensity: {normal: [0.3, 0.1]}, per_actor: {NB-east-P-002: {delegates: 3}}}"))  # fmt: skip
    assert load_scenario(written) == load_scenario(groups, {"actors.NB-east-P-002.delegates": 3})


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        ({"actors.NB-east-P-041.attendance": 1}, "actors.NB-east-P-041.attendance",
         ["NB-east-P makes 40 actors, NB-east-P-001 to NB-east-P-040", "ids: CN, NB-east-P (NB-east-P-001 to "]),
        ({"actors.CN-001.attendance": 1}, "actors.CN-001.attendance", ["no item 'CN-001'", "ids: CN, NB-east-P"]),
        ({"actors.NB-east-P-003.bloc": "west"}, "actors.NB-east-P-003.bloc",
         ["takes only ideal, attendance", "give it an entry of its own in actors"]),
        ({"actors.NB-east-P-003.ideal.0": 0.1}, "actors.NB-east-P-003.ideal.0", ["given whole"]),
        ({"actors.NB-east-P-003": 1}, "actors.NB-east-P-003", ["addresses a whole actor"]),
        ({"actors.NB-east-P-003.attendance": 2}, "actors.NB-east-P.per_actor.NB-east-P-003.attendance",
         ["less than or equal to 1"]),
        ({"actors.NB-east-P-003.alignment": 0.5}, "actors.NB-east-P.per_actor.NB-east-P-003.alignment",
         ["only firms have it"]),
        ({"actors.NB-east-P.per_actor.NB-east-P-041.delegates": 2}, "actors.NB-east-P.per_actor.NB-east-P-041",
         ["makes no actor 'NB-east-P-041'", "NB-east-P-001 to NB-east-P-040"]),
    ],
)  # fmt: skip
def test_a_name_or_field_that_is_not_there_is_one_line_naming_what_is(
    groups: Path, override: dict[str, object], field: str, words: list[str]
) -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario(groups, override)
    message = str(error.value)
    assert f": {field}: " in message and "\n" not in message, message
    for word in words:
        assert word in message, message


def test_the_command_refuses_a_number_outside_the_group_with_the_ids_that_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sdo_sim import cli

    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["sdo-sim", "run", str(ITU_T), "--out", str(out), "--set",
                                      "actors.MS-west-999.attendance=1"])  # fmt: skip
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    err = capsys.readouterr().err.strip()
    assert exit_.value.code == 2 and len(err.splitlines()) == 1, err
    for words in (f"{ITU_T} with actors.MS-west-999.attendance=1: actors.MS-west-999.attendance: ",
                  "MS-west makes 40 actors, MS-west-001 to MS-west-040",
                  "ids: CN, US, MS-east (MS-east-001 to MS-east-020), MS-west (MS-west-001 to MS-west-040)"):  # fmt: skip
        assert words in err, err
    assert not out.exists()


def test_an_actor_an_event_adds_is_addressed_under_the_events_add_list() -> None:
    path = ROOT / "scenarios" / "3gpp-participation-surge.yaml"
    scenario = load_scenario(path, {"events.0.add.IM-group-003.attendance": 1})
    spec = scenario.events[0].add[0]  # type: ignore[union-attr]
    assert set(spec.per_actor) == {"IM-group-003"}
    made = SDOModel(scenario, seed=1).add_actors(spec)  # what the surge does at its week
    assert [a.attendance for a in made] == [1.0 if a.name == "IM-group-003" else 0.8 for a in made]
