"""Experiment files (issue 9, item 1): checked whole before any run, with one-line errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from sdo_sim.experiment import MAX_RUNS, Experiment, ExperimentError, load_experiment, summary_metrics
from sdo_sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
ITU = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"
SMOKE = ROOT / "experiments" / "smoke.yaml"
COHESION = "factors: [{path: blocs.east.cohesion, values: [0, 1]}]\ndesign: {kind: grid}\n"


def write(folder: Path, body: str, scenario: Path | str = ITU) -> Path:
    """An experiment file of the ITU-T baseline (or `scenario`) with `body` after its name."""
    path = folder / "experiment.yaml"
    path.write_text(f"name: test\nscenario: {scenario}\n{body}")
    return path


def refused(path: Path) -> str:
    """The one-line message load_experiment gives for `path`."""
    with pytest.raises(ExperimentError) as caught:
        load_experiment(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


def test_the_smoke_experiment_is_the_issues_grid_of_sixty_runs() -> None:
    experiment = load_experiment(SMOKE)
    assert experiment.design.kind == "grid"
    assert [f.path for f in experiment.factors] == ["blocs.east.cohesion"]
    assert experiment.factors[0].values == [0, 0.5, 1]
    assert (experiment.points, experiment.replications, experiment.total_runs) == (3, 20, 60)
    assert experiment.seed == 1
    assert experiment.scenario_path.resolve() == ITU
    assert experiment.metrics == ["approval_rate", "approval_rate.west", "approval_rate.east",
                                  "blocked_by_minority"]  # fmt: skip


def test_defaults_keep_every_metric_and_one_replication(tmp_path: Path) -> None:
    experiment = load_experiment(write(tmp_path, COHESION))
    assert experiment.replications == 1 and experiment.seed == 0 and experiment.description == ""
    assert experiment.metrics == summary_metrics(load_scenario(ITU))
    assert "approval_rate.east" in experiment.metrics and "posts_share.none" in experiment.metrics


def test_the_metrics_are_the_summary_columns_a_run_writes() -> None:
    from sdo_sim.runner import run

    summary = run(ITU, seed=3, weeks=8).summary
    naming = {"scenario", "seed", "weeks", "overrides"}
    assert summary_metrics(load_scenario(ITU)) == [c for c in summary.columns if c not in naming]


def test_the_scenario_is_found_relative_to_the_experiment_file(tmp_path: Path) -> None:
    (tmp_path / "experiments").mkdir()
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "s.yaml").write_text(
        ITU.read_text().replace("../common/", str(ITU.parents[1]) + "/common/")
    )
    path = write(tmp_path / "experiments", COHESION, scenario="../scenarios/s.yaml")
    assert load_experiment(path).scenario_path == tmp_path / "experiments" / ".." / "scenarios" / "s.yaml"


def test_a_whole_number_field_is_known_so_continuous_values_are_rounded(tmp_path: Path) -> None:
    body = ("factors:\n  - {path: actors.MS-east.count, range: {low: 1, high: 30}}\n"
            "  - {path: venues.sg.rules.itu-t.question.min_replies, range: {low: 0, high: 20}}\n"
            "  - {path: blocs.east.cohesion, range: {low: 0, high: 1}}\n"
            "design: {kind: lhs, samples: 4}\n")  # fmt: skip
    experiment = load_experiment(write(tmp_path, body))
    assert [f.integer for f in experiment.factors] == [True, True, False]


def test_a_loaded_experiment_survives_pickling_for_the_workers(tmp_path: Path) -> None:
    body = "factors: [{path: actors.MS-east.count, range: {low: 1, high: 30}}]\ndesign: {kind: lhs, samples: 4}\n"
    experiment = load_experiment(write(tmp_path, body))
    copy = pickle.loads(pickle.dumps(experiment))
    assert isinstance(copy, Experiment)
    assert copy.scenario_path == experiment.scenario_path and copy.factors[0].integer
    assert copy.model_dump() == experiment.model_dump()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        # a factor path the scenario lacks: what exists there is listed
        ("factors: [{path: blocs.eest.cohesion, values: [0, 1]}]\ndesign: {kind: grid}\n",
         "factors[0].path", ["no bloc 'eest'", "blocs: east, nonaligned, west"]),
        ("factors: [{path: blocs.east.cohesio, values: [0, 1]}]\ndesign: {kind: grid}\n",
         "factors[0].path", ["unknown field", "cohesion", "discipline"]),
        ("factors: [{path: actors.NOPE.attendance, values: [0, 1]}]\ndesign: {kind: grid}\n",
         "factors[0].path", ["no item 'NOPE'", "ids: CN, US, MS-east"]),
        ("factors: [{path: venues.nope.tap_share, range: {low: 0, high: 1}}]\ndesign: {kind: lhs, samples: 2}\n",
         "factors[0].path", ["no item 'nope'", "ids: sg"]),
        ("factors: [{path: seed, values: [1, 2]}]\ndesign: {kind: grid}\n",
         "factors[0].path", ["set for each run"]),
        # values the scenario refuses, found before any run
        ("factors: [{path: blocs.east.cohesion, range: {low: 0, high: 2}}]\ndesign: {kind: lhs, samples: 5}\n",
         "factors[0].range.high", ["blocs.east.cohesion=2.0", "less than or equal to 1"]),
        ("factors: [{path: blocs.east.cohesion, range: {low: -1, high: 1}}]\ndesign: {kind: sobol, samples: 4}\n",
         "factors[0].range.low", ["greater than or equal to 0"]),
        ("factors:\n  - {path: blocs.west.cohesion, values: [0, 1]}\n  - {path: blocs.east.cohesion, values: [0.5, 1.5]}\n"
         "design: {kind: grid}\n", "factors[1].values[1]", ["blocs.east.cohesion=1.5", "less than or equal to 1"]),
        ("factors: [{path: actors.CN.attendance, distribution: {kind: uniform, low: 0.5, high: 1.2}}]\n"
         "design: {kind: morris, samples: 2}\n", "factors[0].distribution.high", ["actors.CN.attendance=1.2"]),
        ("factors: [{path: venues.sg.drafting_meetings, values: [2, 2.5]}]\ndesign: {kind: grid}\n",
         "factors[0].values[1]", ["valid integer"]),
        # the design and the factors must fit each other
        ("factors: [{path: blocs.east.cohesion, range: {low: 0, high: 1}}]\ndesign: {kind: grid}\n",
         "factors[0]", ["a grid design needs values"]),
        ("factors: [{path: blocs.east.cohesion, values: [0, 1]}]\ndesign: {kind: lhs, samples: 3}\n",
         "factors[0]", ["values (listed levels) need design kind grid"]),
        ("factors: [{path: blocs.east.cohesion, values: [0, 1], range: {low: 0, high: 1}}]\ndesign: {kind: grid}\n",
         "factors[0]", ["exactly one of values, range or distribution", "got values and range"]),
        ("factors: [{path: blocs.east.cohesion}]\ndesign: {kind: grid}\n",
         "factors[0]", ["exactly one of values, range or distribution", "got none"]),
        ("factors: [{path: blocs.east.cohesion, values: [0, 0.5, 0]}]\ndesign: {kind: grid}\n",
         "factors[0].values[2]", ["appears twice"]),
        ("factors: [{path: blocs.east.cohesion, values: [0, {a: 1}]}]\ndesign: {kind: grid}\n",
         "factors[0].values[1]", ["number, text, true/false or null"]),
        ("factors:\n  - {path: blocs.east.cohesion, values: [0]}\n  - {path: blocs.east.cohesion, values: [1]}\n"
         "design: {kind: grid}\n", "factors[1].path", ["is also factors[0]"]),
        ("factors: [{path: blocs.east.cohesion, range: {low: 1, high: 0}}]\ndesign: {kind: lhs, samples: 3}\n",
         "factors[0].range.high", ["high must be above low"]),
        ("factors: [{path: blocs.east.cohesion, range: {low: 0, high: 1}}]\ndesign: {kind: lhs}\n",
         "design.samples", ["missing"]),
        ("factors: [{path: blocs.east.cohesion, values: [0, 1]}]\ndesign: {kind: grid, samples: 4}\n",
         "design.samples", ["a grid takes no samples"]),
        ("factors: [{path: blocs.east.cohesion, range: {low: 0, high: 1}}]\ndesign: {kind: morris, samples: 4, levels: 5}\n",
         "design.levels", ["even"]),
        ("factors: [{path: blocs.east.cohesion, range: {low: 0, high: 1}}]\ndesign: {kind: lhs, samples: 4, levels: 4}\n",
         "design.levels", ["only a morris design"]),
        ("factors: [{path: blocs.east.cohesion, range: {low: 0, high: 1}}]\ndesign: {kind: sobol, samples: 4, second_order: true}\n",
         "design.second_order", ["at least 2 factors"]),
        ("factors: [{path: blocs.east.cohesion, values: [0, 1]}]\ndesign: {kind: factorial}\n",
         "design.kind", ["'grid', 'lhs', 'sobol' or 'morris'"]),
        ("factors: [{path: blocs.east.cohesion, distribution: {kind: normal, low: 0, high: 1, mean: 0.5}}]\n"
         "design: {kind: lhs, samples: 3}\n", "factors[0].distribution.sd", ["missing (required for a normal"]),
        ("factors: [{path: blocs.east.cohesion, distribution: {kind: uniform, low: 0, high: 1, peak: 0.5}}]\n"
         "design: {kind: lhs, samples: 3}\n", "factors[0].distribution.peak", ["takes only low, high"]),
        ("factors: [{path: blocs.east.cohesion, distribution: {kind: beta, low: 0, high: 1}}]\n"
         "design: {kind: lhs, samples: 3}\n", "factors[0].distribution.kind", ["'uniform', 'normal' or 'triangular'"]),
        # too many runs, before anything is sampled
        ("factors: [{path: blocs.east.cohesion, range: {low: 0, high: 1}}]\ndesign: {kind: sobol, samples: 4000000}\n"
         "replications: 2\n", "design", [f"at most {MAX_RUNS:,}", "12,582,912 points"]),
        ("factors:\n" + "".join(f"  - {{path: blocs.{b}.{f}, values: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]}}\n"
         for b in ("east", "west", "nonaligned") for f in ("cohesion", "discipline", "spread")) + "design: {kind: grid}\n",
         "design", ["1,000,000,000 runs", "at most"]),
        # the other fields
        (COHESION + "metrics: [approval_rate, approval_rate.eats]\n",
         "metrics[1]", ["unknown metric 'approval_rate.eats'", "approval_rate.east", "posts_share.nonaligned"]),
        (COHESION + "metrics: [seed]\n", "metrics[0]", ["unknown metric 'seed'"]),
        (COHESION + "metrics: [approval_rate, approval_rate]\n", "metrics[1]", ["appears twice"]),
        (COHESION + "replications: 0\n", "replications", ["greater than or equal to 1"]),
        (COHESION + "replications: 10001\n", "replications", ["less than or equal to 10000"]),
        (COHESION + "seed: -1\n", "seed", ["greater than or equal to 0"]),
        (COHESION + "sede: 1\n", "sede", ["unknown field", "allowed: description, design, factors, metrics, name"]),
        ("factors: [{path: blocs.east.cohesion, values: [0, 1], step: 1}]\ndesign: {kind: grid}\n",
         "factors[0].step", ["unknown field; allowed: distribution, path, range, values"]),
        ("factors: [{path: blocs.east.cohesion, values: [0, 1]}]\n", "design", ["missing (required)"]),
        ("factors: []\ndesign: {kind: grid}\n", "factors", ["at least 1 item"]),
    ],
)  # fmt: skip
def test_a_bad_experiment_gets_a_one_line_error_naming_file_and_field(
    tmp_path: Path, body: str, field: str, words: list[str]
) -> None:
    message = refused(write(tmp_path, body))
    assert message.startswith(f"{tmp_path / 'experiment.yaml'}: {field}: "), message
    for word in words:
        assert word in message, message


def test_bad_yaml_and_a_file_that_is_not_a_mapping_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "factors: [{path: blocs.east.cohesion, values: [0, 1]}\ndesign: {kind: grid}\n")
    assert "not valid YAML" in refused(path) and "line 4" in refused(path)
    path.write_text("- a\n- b\n")
    assert "must be a YAML mapping" in refused(path)
    path.write_text("name: x\nname: y\n")
    assert "appears twice" in refused(path)


def test_a_missing_or_odd_scenario_is_named_in_the_experiment(tmp_path: Path) -> None:
    message = refused(write(tmp_path, COHESION, scenario="nowhere.yaml"))
    assert (
        ": scenario: nowhere.yaml is not a scenario file" in message
        and "relative to the experiment" in message
    )
    message = refused(write(tmp_path, COHESION, scenario="data.csv"))
    assert ": scenario: data.csv: must be a .yaml or .yml" in message


def test_a_broken_scenario_is_reported_against_its_own_file(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("name: s\nactors: []\nvenues: []\n")
    with pytest.raises(ScenarioError) as caught:
        load_experiment(write(tmp_path, COHESION, scenario="s.yaml"))
    assert str(caught.value).startswith(f"{tmp_path / 's.yaml'}: ")


def test_an_experiment_file_is_read_within_the_size_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, COHESION + "description: " + "x" * 4000 + "\n")
    monkeypatch.setenv("SDO_SIM_MAX_INPUT_MB", "0.001")
    assert "larger than" in refused(path)
    assert "no such file" in refused(tmp_path / "missing.yaml")
