"""Experiment files and designs (issue 9, item 1): checked whole before any run, with one-line errors;
the runs of each design, and their seeds."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import pandas as pd
import pytest

from sdo_sim.experiment import (
    MAX_RUNS,
    Experiment,
    ExperimentError,
    designs,
    load_experiment,
    summary_metrics,
)
from sdo_sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
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
    # every actor of the baseline is in a bloc: no `.none` columns (sdo_sim.results.summary_blocs)
    assert "approval_rate.east" in experiment.metrics and "posts_share.none" not in experiment.metrics


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


def test_a_data_reference_among_the_values_is_the_number_it_stands_for(tmp_path: Path) -> None:
    body = (
        'factors: [{path: venues.sg.posts.shares.east, values: [0.1, "data:itu_t.rapporteur_share_china"]}]\n'
    )
    experiment = load_experiment(write(tmp_path, body + "design: {kind: grid}\n"))
    assert experiment.factors[0].values == [0.1, 0.29]
    message = refused(
        write(tmp_path, body.replace("rapporteur_share_china", "nope") + "design: {kind: grid}\n")
    )
    assert ": factors[0].values[1]: 'itu_t.nope' is not a key of" in message


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


# --- designs: the runs of an experiment ---------------------------------------------------------

CONTINUOUS = (
    "factors:\n"
    "  - {path: blocs.east.cohesion, range: {low: 0.2, high: 0.9}}\n"
    "  - {path: actors.MS-east.count, range: {low: 5, high: 30}}\n"
    "  - {path: venues.sg.tap_share, distribution: {kind: triangular, low: 0, high: 0.5, peak: 0.1}}\n"
)


def runs_of(folder: Path, body: str) -> tuple[Experiment, pd.DataFrame]:
    """A loaded experiment and its runs."""
    experiment = load_experiment(write(folder, body))
    return experiment, designs.runs(experiment)


def check_columns(experiment: Experiment, table: pd.DataFrame) -> None:
    """run, point, replication, seed, then one column per factor; point-major, replication-minor."""
    reps = experiment.replications
    assert list(table.columns) == [
        "run",
        "point",
        "replication",
        "seed",
        *(f.path for f in experiment.factors),
    ]
    assert len(table) == experiment.total_runs == experiment.points * reps
    assert table["run"].tolist() == list(range(len(table)))
    assert (table["point"] == table["run"] // reps).all() and (
        table["replication"] == table["run"] % reps
    ).all()


def test_a_grid_runs_every_combination_times_the_replications(tmp_path: Path) -> None:
    body = ("factors:\n  - {path: blocs.east.cohesion, values: [0, 0.5, 1]}\n"
            "  - {path: venues.sg.posts.chair, values: [null, CN, US]}\n"
            "  - {path: blocs.east.backs_own, values: [true, false]}\n"
            "design: {kind: grid}\nreplications: 4\n")  # fmt: skip
    experiment, table = runs_of(tmp_path, body)
    check_columns(experiment, table)
    assert len(table) == 3 * 3 * 2 * 4
    points = table.drop_duplicates("point")
    assert points["blocs.east.cohesion"].tolist() == [0.0] * 6 + [0.5] * 6 + [1.0] * 6  # first factor slowest
    assert points["venues.sg.posts.chair"].tolist()[:6] == [None, None, "CN", "CN", "US", "US"]
    assert points["blocs.east.backs_own"].tolist()[:2] == [True, False]
    assert table["blocs.east.backs_own"].dtype == bool


def test_the_smoke_experiment_gives_sixty_runs_over_three_cohesions() -> None:
    experiment = load_experiment(SMOKE)
    table = designs.runs(experiment)
    check_columns(experiment, table)
    assert table.groupby("blocs.east.cohesion").size().to_dict() == {0.0: 20, 0.5: 20, 1.0: 20}


def test_lhs_gives_n_points_one_in_each_stratum_within_bounds(tmp_path: Path) -> None:
    experiment, table = runs_of(tmp_path, CONTINUOUS + "design: {kind: lhs, samples: 20}\nreplications: 2\n")
    check_columns(experiment, table)
    assert experiment.points == 20 and len(table) == 40
    cohesion = table.drop_duplicates("point")["blocs.east.cohesion"]
    assert cohesion.between(0.2, 0.9).all()
    assert sorted(((cohesion - 0.2) / 0.7 * 20).astype(int)) == list(range(20))  # Latin: one per stratum
    assert table["venues.sg.tap_share"].between(0, 0.5).all()


def test_sobol_rounds_samples_up_to_a_power_of_two_with_a_warning(tmp_path: Path) -> None:
    experiment = load_experiment(write(tmp_path, CONTINUOUS + "design: {kind: sobol, samples: 10}\n"))
    assert experiment.points == 16 * (3 + 2)
    with pytest.warns(UserWarning, match="10 samples rounded up to 16"):
        table = designs.runs(experiment)
    check_columns(experiment, table)
    assert table["blocs.east.cohesion"].between(0.2, 0.9).all()
    assert table["actors.MS-east.count"].between(5, 30).all()


def test_sobol_with_a_power_of_two_does_not_warn_and_second_order_doubles(tmp_path: Path) -> None:
    experiment = load_experiment(
        write(
            tmp_path, CONTINUOUS + "design: {kind: sobol, samples: 8, second_order: true}\nreplications: 3\n"
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = designs.runs(experiment)
    assert experiment.points == 8 * (2 * 3 + 2) and len(table) == 8 * 8 * 3
    check_columns(experiment, table)


def test_morris_gives_trajectories_of_d_plus_one_points_on_its_levels(tmp_path: Path) -> None:
    body = ("factors:\n  - {path: blocs.east.cohesion, range: {low: 0, high: 0.6}}\n"
            "  - {path: blocs.west.cohesion, range: {low: 0.3, high: 0.9}}\n"
            "design: {kind: morris, samples: 5, levels: 4}\nreplications: 2\n")  # fmt: skip
    experiment, table = runs_of(tmp_path, body)
    assert experiment.points == 5 * (2 + 1)
    check_columns(experiment, table)
    levels = {round(0.0 + k * 0.2, 9) for k in range(4)}
    assert set(table["blocs.east.cohesion"].round(9)) <= levels
    # each step of a trajectory changes one factor
    points = table.drop_duplicates("point")[["blocs.east.cohesion", "blocs.west.cohesion"]].to_numpy()
    for trajectory in points.reshape(5, 3, 2):
        assert ((abs(trajectory[1:] - trajectory[:-1]) > 1e-9).sum(axis=1) == 1).all()


def test_whole_number_fields_get_whole_numbers(tmp_path: Path) -> None:
    experiment, table = runs_of(tmp_path, CONTINUOUS + "design: {kind: lhs, samples: 30}\n")
    counts = table["actors.MS-east.count"]
    assert counts.dtype == "int64" and counts.between(5, 30).all() and counts.nunique() > 10
    row = next(table.iterrows())[1]  # iterrows makes the row's ints floats
    for given in (designs.overrides(row), designs.overrides(row, experiment)):
        assert type(given["actors.MS-east.count"]) is int
        assert type(given["blocs.east.cohesion"]) is float
        assert set(given) == {f.path for f in experiment.factors}
    assert designs.overrides(table.to_dict("records")[0], experiment) == designs.overrides(row, experiment)


def test_overrides_give_plain_python_values_the_runner_accepts(tmp_path: Path) -> None:
    from sdo_sim.runner import run

    experiment, table = runs_of(tmp_path, CONTINUOUS + "design: {kind: lhs, samples: 3}\n")
    row = table.iloc[2]
    given = designs.overrides(row, experiment)
    assert all(type(v) in (int, float) for v in given.values())
    result = run(experiment.scenario_path, seed=int(row["seed"]), weeks=8, overrides=given)
    assert result.manifest["seed"] == int(row["seed"])


def test_seeds_are_common_across_points_distinct_across_replications_and_from_the_root(
    tmp_path: Path,
) -> None:
    table = runs_of(tmp_path, COHESION + "replications: 50\nseed: 11\n")[1]
    by_point = table.pivot(index="replication", columns="point", values="seed")
    assert (by_point[0] == by_point[1]).all()  # common random numbers: the same seed at every point
    assert by_point[0].nunique() == 50
    assert by_point[0].tolist() == designs.replication_seeds(11, 50)
    assert table["seed"].between(0, 2**63 - 1).all()
    # deterministic from the root seed, and a prefix when replications grow
    assert designs.replication_seeds(11, 50) == designs.replication_seeds(11, 50)
    assert designs.replication_seeds(11, 80)[:50] == designs.replication_seeds(11, 50)
    assert set(designs.replication_seeds(12, 50)).isdisjoint(designs.replication_seeds(11, 50))
    assert designs.sampler_seed(11) not in designs.replication_seeds(11, 10_000)


def test_the_sampled_points_derive_from_the_root_seed(tmp_path: Path) -> None:
    for kind in ("lhs", "sobol", "morris"):
        body = CONTINUOUS + f"design: {{kind: {kind}, samples: 4}}\nseed: 5\n"
        first, again = runs_of(tmp_path, body)[1], runs_of(tmp_path, body)[1]
        other = runs_of(tmp_path, body.replace("seed: 5", "seed: 6"))[1]
        pd.testing.assert_frame_equal(first, again)
        assert not first["blocs.east.cohesion"].equals(other["blocs.east.cohesion"]), kind


def test_the_salib_problem_names_factors_with_their_bounds_and_distributions(tmp_path: Path) -> None:
    body = (
        CONTINUOUS
        + "  - {path: venues.sg.consensus_tolerance, distribution: {kind: normal, mean: 0.1, sd: 0.05, low: 0, high: 0.3}}\n"
    )
    experiment = load_experiment(write(tmp_path, body + "design: {kind: lhs, samples: 50}\n"))
    assert designs.problem(experiment) == {
        "num_vars": 4,
        "names": [
            "blocs.east.cohesion",
            "actors.MS-east.count",
            "venues.sg.tap_share",
            "venues.sg.consensus_tolerance",
        ],
        "bounds": [[0.2, 0.9], [5.0, 30.0], [0.0, 0.5, 0.2], [0.0, 0.3, 0.1, 0.05]],
        "dists": ["unif", "unif", "triang", "truncnorm"],
    }
    table = designs.runs(experiment)
    assert table["venues.sg.consensus_tolerance"].between(0, 0.3).all()
    assert designs.problem(load_experiment(SMOKE))["bounds"] == [[0.0, 1.0]]


def test_the_design_functions_take_salib_problems() -> None:
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [10, 20]]}
    assert designs.lhs(problem, 7, seed=1).shape == (7, 2)
    assert designs.morris(problem, 3, levels=6, seed=1).shape == (3 * 3, 2)
    assert designs.sobol(problem, 4, seed=1).shape == (4 * 4, 2)
    assert designs.sobol(problem, 4, second_order=True, seed=1).shape == (4 * 6, 2)
    assert designs.grid([2, 3]).tolist() == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]


def test_every_field_of_the_format_is_documented_in_the_experiments_readme() -> None:
    from sdo_sim.experiment import Design, Distribution, Factor, Range

    readme = (ROOT / "experiments" / "README.md").read_text(encoding="utf-8")
    for model in (Experiment, Factor, Design, Distribution, Range):
        for name in model.model_fields:
            assert f"`{name}" in readme, f"{model.__name__}.{name} missing from experiments/README.md"
    assert "sdo-sim sweep experiments/smoke.yaml --out DIR" in readme
