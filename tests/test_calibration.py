"""Calibration: metrics on hand-built tables, the target table, scoring over seeds, the seeded fit, and
`sdo-sim calibrate`'s one-line errors."""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sdo_sim import calibration as cal
from sdo_sim import targets as tg
from sdo_sim.results import DECISION_TYPES, POST_TYPES, PROPOSAL_TYPES, RunResult
from sdo_sim.scenario import Scenario, load_scenario, validate

ROOT = Path(__file__).resolve().parents[1]
ITU = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"
TARGETS = ROOT / "data" / "targets.csv"


# --- hand-built runs --------------------------------------------------------------------------


def proposal(pid: str, *, topic: str = "", decided: int | None = None, approved: bool = False,
             outcome: str = "pending", submitted: int = 0, bloc: str = "east", venue: str = "sg") -> dict[str, Any]:  # fmt: skip
    return {"proposal": pid, "venue": venue, "body": "b", "proponent": "X", "bloc": bloc, "submitted": submitted,
            "decided": decided, "weeks_to_decision": None if decided is None else decided - submitted,
            "outcome": outcome, "approved": approved, "stage": "s", "procedure": "p", "track": "", "quality": 0.5,
            "gates": 1, "supported_by": "", "opposed_by": "", "topic": topic, "resubmitted_from": "",
            "work_item": ""}  # fmt: skip


def gate(pid: str, week: int, stage: str, approved: bool) -> dict[str, Any]:
    return {"decision": 0, "week": week, "venue": "sg", "body": "b", "proposal": pid, "stage": stage,
            "procedure": "p", "approved": approved, "outcome": "", "reason": "", "yes": None, "no": None,
            "counts": "{}", "proponent_bloc": ""}  # fmt: skip


def post(title: str, bloc: str, start: int, end: int | None, venue: str = "sg") -> dict[str, Any]:
    return {"venue": venue, "post": title, "holder": "h", "bloc": bloc, "start": start, "end": end}


def run_of(proposals: list[dict[str, Any]], decisions: list[dict[str, Any]] = (),  # type: ignore[assignment]
           posts: list[dict[str, Any]] = ()) -> RunResult:  # type: ignore[assignment]  # fmt: skip
    """A RunResult holding just the given rows, typed as a real run's tables are."""
    table = pd.DataFrame(list(proposals), columns=list(PROPOSAL_TYPES)).astype(PROPOSAL_TYPES)
    gates = pd.DataFrame(list(decisions), columns=list(DECISION_TYPES)).astype(DECISION_TYPES)
    held = pd.DataFrame(list(posts), columns=list(POST_TYPES)).astype(POST_TYPES)
    return RunResult(table, gates, pd.DataFrame(), pd.DataFrame(), {"weeks": 208}, posts=held)


@pytest.fixture
def surveillance() -> RunResult:
    """Four surveillance items adopted at week 10 (approved at 60, discontinued at 80, open, open),
    one refused at its Question, and one approved item of another topic."""
    rows = [proposal("a", topic="surveillance", decided=60, approved=True, outcome="approved"),
            proposal("b", topic="surveillance", decided=80, outcome="discontinued"),
            proposal("c", topic="surveillance"), proposal("d", topic="surveillance"),
            proposal("e", topic="surveillance", decided=4, outcome="no-consensus"),
            proposal("f", topic="quantum", decided=30, approved=True, outcome="approved")]  # fmt: skip
    gates = [gate(p, 10, "question", True) for p in "abcdf"] + [gate("e", 4, "question", False),
             gate("a", 60, "last-call", True), gate("b", 30, "consent", False)]  # fmt: skip
    return run_of(rows, gates)


def test_status_shares_are_counted_among_adopted_items_and_sum_to_one(surveillance: RunResult) -> None:
    shares = [tg.approved_share(surveillance, topic="surveillance"),
              tg.under_study_share(surveillance, topic="surveillance"),
              tg.discontinued_share(surveillance, topic="surveillance")]  # fmt: skip
    assert shares == [1 / 4, 2 / 4, 1 / 4]  # e never became a work item: not in the denominator
    assert tg.approved_share(surveillance, topic="quantum") == 1.0
    assert tg.approved_share(surveillance) == 2 / 5
    assert tg.approved_share(surveillance, topic="surveillance|quantum") == 2 / 5


def test_status_at_a_week_counts_only_what_had_happened_by_then(surveillance: RunResult) -> None:
    assert math.isnan(tg.approved_share(surveillance, topic="surveillance", week=9))  # nothing adopted yet
    assert tg.under_study_share(surveillance, topic="surveillance", week=10) == 1.0
    assert tg.approved_share(surveillance, topic="surveillance", week=59) == 0.0
    assert (
        tg.approved_share(surveillance, topic="surveillance", week=60) == 1 / 4
    )  # decided that week: counts
    assert tg.discontinued_share(surveillance, topic="surveillance", week=79) == 0.0
    assert tg.discontinued_share(surveillance, topic="surveillance", week=80) == 1 / 4


def test_metrics_with_nothing_to_count_are_nan_not_zero(surveillance: RunResult) -> None:
    empty = run_of([])
    for metric in (tg.approved_share, tg.under_study_share, tg.discontinued_share, tg.approval_rate,
                   tg.median_months_to_decision):  # fmt: skip
        assert math.isnan(metric(empty))
        assert math.isnan(metric(surveillance, topic="no-such-topic"))
    assert math.isnan(tg.posts_share(empty, bloc="east"))
    assert tg.proposal_count(empty) == 0.0  # a count of nothing is a count


def test_approval_rate_is_approved_over_decided_whether_adopted_or_not(surveillance: RunResult) -> None:
    assert tg.approval_rate(surveillance, topic="surveillance") == 1 / 3  # a of a, b, e
    assert tg.approval_rate(surveillance, bloc="east") == 2 / 4
    assert math.isnan(tg.approval_rate(surveillance, bloc="west"))


def test_median_months_to_decision_counts_52_weeks_as_12_months() -> None:
    rows = [proposal("a", decided=52, approved=True, outcome="published"),
            proposal("b", decided=104, approved=True, outcome="published"),
            proposal("c", decided=156, approved=True, outcome="approved"),
            proposal("d", submitted=10, decided=36, outcome="not-approved")]  # fmt: skip
    result = run_of(rows)
    assert tg.median_months_to_decision(result, outcome="approved") == pytest.approx(24.0)
    assert tg.median_months_to_decision(result, outcome="published") == pytest.approx(18.0)
    assert tg.median_months_to_decision(result, outcome="failed") == pytest.approx(6.0)
    assert tg.median_months_to_decision(result) == pytest.approx(78 / tg.WEEKS_PER_MONTH)


def test_posts_share_counts_holdings_at_a_week_start_inclusive_end_exclusive() -> None:
    posts = [post("chair", "west", 0, 104), post("chair", "east", 104, None), post("vice-chair", "east", 0, None),
             post("vice-chair", "west", 0, None), post("rapporteur", "east", 0, None, venue="other")]  # fmt: skip
    result = run_of([], posts=posts)
    assert tg.posts_share(result, bloc="east", posts="chair", week=103) == 0.0
    assert tg.posts_share(result, bloc="east", posts="chair", week=104) == 1.0  # handed over that week
    assert tg.posts_share(result, bloc="east", posts="chair|vice-chair") == 2 / 3  # at the end
    assert tg.posts_share(result, bloc="east", posts="chair|vice-chair", week=0) == 1 / 3
    assert tg.posts_share(result, bloc="east", venue="sg") == 2 / 3
    assert math.isnan(tg.posts_share(result, bloc="east", posts="editor"))


# --- scores and loss --------------------------------------------------------------------------


def target(**fields: Any) -> tg.Target:
    base = {"id": "t", "applies_to": "itu-t", "metric": "approval_rate", "value": 0.4, "low": 0.3,
            "high": 0.5, "unit": "share", "source": "001:L1"}  # fmt: skip
    return tg.Target(**{**base, **fields})


def test_a_seed_exactly_at_a_band_edge_is_in_the_band_and_the_mean_decides_pass() -> None:
    scores = cal.summarise([target()], pd.DataFrame([[0.3], [0.5], [0.51], [math.nan]]).to_numpy())
    row = scores.iloc[0]
    assert row["in_band"] == pytest.approx(2 / 3)  # 0.3 and 0.5 in, 0.51 out; the NaN seed not counted
    assert (row["computed"], row["seeds"]) == (3, 4)
    assert row["mean"] == pytest.approx(1.31 / 3) and row["passed"]
    edge = cal.summarise([target()], pd.DataFrame([[0.5], [0.5]]).to_numpy()).iloc[0]
    assert edge["passed"] and edge["in_band"] == 1.0


def test_a_target_no_run_can_compute_says_so() -> None:
    row = cal.summarise([target(params={"topic": "x"})], pd.DataFrame([[math.nan]]).to_numpy()).iloc[0]
    assert row["passed"] is None and math.isnan(row["mean"])
    assert row["note"] == "not computable: no decided proposal with topic=x"


def test_loss_is_squared_distance_from_the_band_in_widths_plus_a_small_pull_to_the_value() -> None:
    scores = cal.summarise([target(), target(id="u")], pd.DataFrame([[0.7, 0.45]]).to_numpy())
    outside = ((0.7 - 0.5) / 0.2) ** 2 + cal.POINT_WEIGHT * ((0.7 - 0.4) / 0.2) ** 2
    inside = cal.POINT_WEIGHT * ((0.45 - 0.4) / 0.2) ** 2
    assert cal.loss(scores) == pytest.approx((outside + inside) / 2)
    nothing = cal.summarise([target()], pd.DataFrame([[math.nan]]).to_numpy())
    assert cal.loss(nothing) == math.inf


# --- the target table -------------------------------------------------------------------------


def test_every_row_of_the_target_table_parses_names_a_metric_and_a_source() -> None:
    targets = tg.read_targets(TARGETS)
    with TARGETS.open(newline="") as handle:
        assert len(targets) == len(list(csv.DictReader(handle)))
    for t in targets:
        assert t.metric in tg.METRICS
        assert t.low <= t.value <= t.high and t.low < t.high
        for source in t.source.split(";"):
            assert source.split(":")[0] in {"000", "001", "002", "003", "004"}, t.id
        assert t.note, f"{t.id}: say how the band was chosen"
        assert t.applies_to in (*tg.VENUE_KINDS, *CASES), t.id
    ids = {t.id for t in targets}
    assert {"itu-t.base-rates.surveillance.approved", "iso.median-months-to-publication",
            "3gpp-leadership.share-east-2021"} <= ids  # fmt: skip


def test_the_itu_t_base_rates_are_the_sources_counts_within_ten_points() -> None:
    by_id = {t.id: t for t in tg.read_targets(TARGETS)}
    for family, share in (("surveillance", 15 / 33), ("sg13-quantum", 7 / 17), ("sg17-quantum", 4 / 11),
                          ("autonomous-vehicles", 1 / 6)):  # fmt: skip
        t = by_id[f"itu-t.base-rates.{family}.approved"]
        assert t.params == {"topic": family}
        assert t.value == pytest.approx(share, abs=5e-4)
        assert (t.low, t.high) == pytest.approx((t.value - 0.1, t.value + 0.1))


#: The historical cases issue 8 names (scenarios/cases/<name>.yaml).
CASES = (
    "new-ip",
    "face-recognition",
    "5g-channel-coding",
    "itu-t-base-rates",
    "3gpp-leadership",
    "iso-wg9-convenor",
)
HEADER = "target,scenario_kind_or_case,metric,params,value,low,high,unit,source,note\n"
GOOD = "x,itu-t,approved_share,topic=a,0.5,0.4,0.6,share,001:L1182,n\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (GOOD.replace("approved_share", "approval_share"), "line 2.metric: got 'approval_share'; metrics:"),
        (GOOD.replace("topic=a", "colour=a"), "line 2.params: approved_share takes no parameter 'colour'"),
        (GOOD.replace("topic=a", "week=soon"), "line 2.params.week: got 'soon'; must be a week"),
        (GOOD.replace("0.5,0.4,0.6", "0.5,0.6,0.4"), "line 2.low: 0.6 must be below high"),
        (GOOD.replace("0.5,0.4,0.6", "0.7,0.4,0.6"), "line 2.value: 0.7 must lie within"),
        (GOOD.replace("0.5,0.4", "half,0.4"), "line 2.value: got 'half'; must be a number"),
        (GOOD.replace("001:L1182", "Teleanu 2021"), "line 2.source: got 'Teleanu 2021'; name the report"),
        (GOOD.replace("share,001", ",001"), "line 2.unit: is empty"),
        (GOOD + GOOD, "line 3.target: 'x' is also on line 2"),
        (GOOD.replace("approved_share,topic=a", "posts_share,"), "line 2.params: posts_share needs bloc="),
    ],
)
def test_a_bad_row_is_named_by_file_line_and_field(tmp_path: Path, row: str, expected: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + row)
    with pytest.raises(tg.TargetError) as error:
        tg.read_targets(path)
    assert str(error.value).startswith(f"{path}: ") and expected in str(error.value)


def test_a_table_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("key,value\na,1\n")
    with pytest.raises(tg.TargetError, match="missing: target, scenario_kind_or_case, metric, params"):
        tg.read_targets(path)


def test_targets_are_chosen_by_venue_kind_or_case_and_others_skipped_with_a_note() -> None:
    targets = tg.read_targets(TARGETS)
    scenario = load_scenario(ITU)
    chosen, notes = tg.select(targets, scenario, ITU)
    assert chosen and {t.applies_to for t in chosen} == {"itu-t"}
    assert len(notes) == 1 and "case itu-t-base-rates: 8" in notes[0] and "--target" in notes[0]
    case, _ = tg.select(targets, scenario, ITU.with_name("itu-t-base-rates.yaml"))
    assert any(t.params.get("topic") == "surveillance" for t in case)
    picked, none = tg.select(targets, scenario, ITU, ["iso.median-months-to-publication"])
    assert [t.id for t in picked] == ["iso.median-months-to-publication"] and not none
    with pytest.raises(tg.TargetError, match="--target: no target 'nope' in targets; targets: itu-t"):
        tg.select(targets, scenario, ITU, ["nope"])


def test_a_venue_kind_target_counts_only_venues_of_that_kind() -> None:
    scenario = load_scenario(ITU)
    assert tg.bind(target(), scenario) == {"venue": "sg"}
    assert tg.bind(target(applies_to="iso"), scenario) == {"venue": "|"}  # no ISO venue: nothing to count
    assert tg.bind(target(applies_to="some-case"), scenario) == {}


# --- scoring runs, and the fit ----------------------------------------------------------------


def test_score_is_deterministic_and_the_same_on_one_or_two_workers() -> None:
    targets, _ = tg.select(tg.read_targets(TARGETS), load_scenario(ITU), ITU)
    one = cal.score(ITU, targets, cal.seed_list(3, 3), workers=1, weeks=160)
    two = cal.score(ITU, targets, cal.seed_list(3, 3), workers=2, weeks=160)
    pd.testing.assert_frame_equal(one, two)
    assert one.loc[one["target"] == "itu-t.approved-share", "computed"].item() == 3
    other = cal.score(ITU, targets, cal.seed_list(4, 3), workers=1, weeks=160)
    assert not one["mean"].equals(other["mean"])  # other seeds, other runs


def counting() -> Scenario:
    """Three 3GPP members, too few to support anything: every proposal is one cheap row. 50 meetings."""
    member = {"kind": "firm", "memberships": {"wg": "individual-member"}}
    return validate({
        "name": "counting", "weeks": 100,
        "blocs": {"east": {"ideal": [0.5, 0.5]}, "west": {"ideal": [-0.5, -0.5]}},
        "actors": [{"id": "A", "count": 2, "bloc": "east", **member}, {"id": "B", "bloc": "west", **member}],
        "venues": [{"id": "wg", "kind": "3gpp", "body": "wg", "first_meeting_week": 1, "meeting_interval_weeks": 2,
                    "proposals_per_meeting": 2}],
    }, "counting")  # fmt: skip


def test_fit_recovers_proposals_per_meeting_from_the_number_of_proposals() -> None:
    # Submissions are Poisson with mean proposals_per_meeting at each of the 50 meetings, so a target of
    # 100 proposals is met at 2 per meeting; over 8 seeds the mean count's standard error is 0.07 per meeting.
    aim = target(
        id="count", applies_to="3gpp", metric="proposal_count", value=100, low=95, high=105, unit="count"
    )
    found = cal.fit(counting(), [aim], {"venues.wg.proposals_per_meeting": (0.5, 4.5)}, budget=8,
                    seeds=cal.seed_list(1, 8), seed=5, workers=2)  # fmt: skip
    fitted = found.parameters.set_index("parameter").loc["venues.wg.proposals_per_meeting", "fitted"]
    assert fitted == pytest.approx(2.0, abs=0.2)
    assert found.scores.iloc[0]["passed"] and found.parameters["loss"].item() < cal.POINT_WEIGHT
    assert len(found.history) <= 8 + cal.REFINE_ROUNDS * 2


def test_fit_is_the_same_on_one_or_two_workers_and_follows_its_seed() -> None:
    aim = target(
        id="count", applies_to="3gpp", metric="proposal_count", value=100, low=95, high=105, unit="count"
    )
    ranges = {"venues.wg.proposals_per_meeting": (0.5, 4.5), "venues.wg.drafting_meetings": (1, 3)}

    def search(workers: int, seed: int) -> cal.FitResult:
        return cal.fit(
            counting(), [aim], ranges, budget=3, seeds=[1, 2], seed=seed, workers=workers, refine=1
        )

    one, two = search(1, 7), search(2, 7)
    pd.testing.assert_frame_equal(one.history, two.history)
    pd.testing.assert_frame_equal(one.parameters, two.parameters)
    assert one.history["venues.wg.drafting_meetings"].isin([1, 2, 3]).all()
    assert not search(1, 8).history.equals(one.history)


def test_latin_hypercube_puts_one_point_in_each_stratum() -> None:
    import numpy as np

    points = cal.latin_hypercube(7, 3, np.random.default_rng(0))
    for d in range(3):
        assert sorted((points[:, d] * 7).astype(int)) == list(range(7))


@pytest.mark.parametrize(
    ("path", "low", "high", "expected"),
    [
        ("venues.wg.nope", 0, 1, "--fit venues.wg.nope: not a field of the scenario; fields of venues.wg: "),
        ("blocs.eest.cohesion", 0, 1, "fields of blocs: east, west"),
        ("venues.wg.kind", 0, 1, "holds '3gpp', not a number"),
        ("venues.wg.drafting_meetings", 1, 2.5, "takes whole numbers"),
        ("venues.wg.consensus_tolerance", 0, 3, "venues.wg.consensus_tolerance: got 3"),
        ("venues.wg.consensus_tolerance", 0.5, 0.5, "give LOW:HIGH with LOW < HIGH"),
    ],
)
def test_a_parameter_must_be_a_numeric_field_that_takes_its_range(path: str, low: float, high: float,
                                                                  expected: str) -> None:  # fmt: skip
    with pytest.raises(cal.CalibrationError) as error:
        cal.parameter(counting(), path, low, high)
    assert expected in str(error.value)


def test_a_whole_number_field_is_fitted_in_whole_numbers() -> None:
    found = cal.parameter(counting(), "venues.wg.drafting_meetings", 1, 4)
    assert found.integer and found.value(0.0) == 1 and found.value(0.45) == 2 and found.value(1.0) == 4


# --- the command ------------------------------------------------------------------------------


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run `sdo-sim ARGS` in this process: (exit code, stdout, stderr)."""
    from sdo_sim.cli import main

    monkeypatch.setattr(sys, "argv", ["sdo-sim", *args])
    with pytest.raises(SystemExit) as code:
        main()
    out, err = capsys.readouterr()
    return int(code.value.code or 0), out, err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--target", "nope"], "--target: no target 'nope' in "),
        (
            ["--fit", "venues.sg.drafting_meetings"],
            "--fit 'venues.sg.drafting_meetings': write PATH=LOW:HIGH",
        ),
        (["--fit", "venues.sg.drafting_meetings=4:1"], "with numbers LOW < HIGH"),
        (["--fit", "venues.sg.nope=1:2"], "--fit venues.sg.nope: not a field of the scenario"),
        (["--seeds", "0"], "--seeds: got 0; must be at least 1"),
        (["--workers", "0"], "--workers: got 0; must be from 1 to 256"),
        (["--budget", "0", "--fit", "venues.sg.drafting_meetings=1:3"], "--budget: got 0"),
        (
            ["--out", "/no/such/folder/x.csv"],
            "--out /no/such/folder/x.csv: folder /no/such/folder does not exist",
        ),
        (["--targets", "BAD"], ": line 2.metric: got 'approval_share'; metrics: approved_share"),
    ],
)
def test_calibrate_bad_input_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path, args: list[str], expected: str) -> None:  # fmt: skip
    if args == ["--targets", "BAD"]:
        bad = tmp_path / "bad.csv"
        bad.write_text(HEADER + GOOD.replace("approved_share", "approval_share"))
        args = ["--targets", str(bad)]
    code, out, err = cli(monkeypatch, capsys, "calibrate", str(ITU), "--weeks", "30", "--seeds", "1", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("sdo-sim: error: ") and expected in err, err


def test_calibrate_prints_the_score_table_and_writes_it(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # fmt: skip
    out_file = tmp_path / "scores.csv"
    code, out, err = cli(monkeypatch, capsys, "calibrate", str(ITU), "--weeks", "60", "--seeds", "2",
                         "--workers", "1", "--target", "itu-t.approved-share",
                         "--target", "itu-t.base-rates.surveillance.approved", "--out", str(out_file))  # fmt: skip
    assert code == 0, err
    assert "seeds 1-2, 60 weeks" in out and "itu-t.approved-share" in out and "0.303-0.503 (0.403)" in out
    assert "itu-t.base-rates.surveillance.approved: not computable: no proposal adopted as a work item with " \
           "topic=surveillance" in out  # fmt: skip
    written = pd.read_csv(out_file)
    assert list(written["target"]) == ["itu-t.approved-share", "itu-t.base-rates.surveillance.approved"]
    assert written["seeds"].tolist() == [2, 2]
