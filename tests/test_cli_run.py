"""`sdo-sim run` and `sdo-sim validate` as a user runs them, good files and bad."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
IETF = ROOT / "scenarios" / "baselines" / "ietf-working-group.yaml"


def sdo_sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sdo_sim.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


def test_run_writes_tables_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = sdo_sim("run", str(IETF), "--out", str(out), "--seed", "3", "--weeks", "60")
    assert result.returncode == 0, result.stderr
    assert "approval_rate" in result.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == ["decisions.parquet", "events.parquet", "manifest.json", "posts.parquet", "proposals.parquet",
                     "summary.parquet", "timeseries.parquet"]  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["weeks"], manifest["format"]) == (3, 60, "parquet")
    assert len(pd.read_parquet(out / "timeseries.parquet")) == 60


def test_run_csv_with_positions_and_overrides(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    result = sdo_sim("run", str(IETF), "--out", str(out), "--format", "csv", "--positions", "--weeks", "40",
                     "--set", "blocs.east.cohesion=1.0", "--set", "venues.wg.proposals_per_meeting=6")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (out / "positions.csv").exists()
    assert pd.read_csv(out / "summary.csv")["proposals"].iloc[0] > 0


ITU_T = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"


def test_csv_floats_are_rounded_and_decision_counts_are_tidy_columns(tmp_path: Path) -> None:
    """Issue 9: no float noise in CSV (Parquet keeps it all), and counts as plain integer columns."""
    from sdo_sim.results import CSV_DIGITS
    from sdo_sim.venues.base import COUNT_COLUMNS

    for fmt in ("csv", "parquet"):
        result = sdo_sim("run", str(ITU_T), "--out", str(tmp_path / fmt), "--format", fmt, "--seed", "4")
        assert result.returncode == 0, result.stderr
    floats = re.compile(r"-?(\d+)\.(\d+)(e[-+]\d+)?")
    written = [cell for path in sorted((tmp_path / "csv").glob("*.csv"))
               for row in csv.reader(path.read_text().splitlines()) for cell in row]  # fmt: skip
    digits = [len((m[1] + m[2]).lstrip("0")) for cell in written if (m := floats.fullmatch(cell))]
    assert digits and max(digits) <= CSV_DIGITS  # was 0.49999999999999983 and the like
    for table in ("summary", "timeseries"):
        full = pd.read_parquet(tmp_path / "parquet" / f"{table}.parquet")
        assert any(len(repr(v)) > CSV_DIGITS + 3 for v in full.select_dtypes("float").stack())  # noise to go
        rounded = pd.read_csv(tmp_path / "csv" / f"{table}.csv")  # the same numbers, to CSV_DIGITS digits
        pd.testing.assert_frame_equal(rounded, full, check_dtype=False, rtol=10.0**-CSV_DIGITS)
    decisions = pd.read_parquet(tmp_path / "parquet" / "decisions.parquet")
    assert list(decisions.columns[10:17]) == [*COUNT_COLUMNS, "counts"]
    for column, names in COUNT_COLUMNS.items():
        assert str(decisions[column].dtype) == "Int64"
        expected = [next((c[n] for n in names if n in c), None) for c in decisions["counts"].map(json.loads)]
        assert [None if pd.isna(v) else int(v) for v in decisions[column]] == expected, column
    assert decisions["present"].notna().any() and decisions["cast"].notna().any()
    from_csv = pd.read_csv(tmp_path / "csv" / "decisions.csv", dtype={c: "Int64" for c in COUNT_COLUMNS})
    pd.testing.assert_frame_equal(from_csv[list(COUNT_COLUMNS)], decisions[list(COUNT_COLUMNS)])


def test_run_draws_the_overview_plot(tmp_path: Path) -> None:
    out = tmp_path / "plotted"
    result = sdo_sim("run", str(IETF), "--out", str(out), "--weeks", "60", "--plot")
    assert result.returncode == 0, result.stderr
    png = (out / "overview.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_run_refuses_non_empty_out_without_force_and_never_replaces_other_files(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = sdo_sim("run", str(IETF), "--out", str(out), "--weeks", "10")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"sdo-sim: error: --out {out}: folder is not empty; use --force to replace its results"
    )
    forced = sdo_sim("run", str(IETF), "--out", str(out), "--weeks", "10", "--force")
    assert forced.returncode == 2 and "'keep.txt', which is not an sdo-sim result" in forced.stderr
    assert (out / "keep.txt").read_text() == "mine"

    results = tmp_path / "results"
    assert sdo_sim("run", str(IETF), "--out", str(results), "--weeks", "10", "--seed", "1").returncode == 0
    assert (
        sdo_sim("run", str(IETF), "--out", str(results), "--weeks", "10", "--seed", "2", "--force").returncode
        == 0
    )
    assert json.loads((results / "manifest.json").read_text())["seed"] == 2


def test_validate_ok() -> None:
    result = sdo_sim("validate", *map(str, sorted((ROOT / "scenarios" / "baselines").glob("*.yaml"))))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok: ") == 4


BAD = {
    "unknown key": ("venues:\n  - {id: wg, kind: ietf, body: WG, meetings: 3}\n", "venues.wg.meetings: unknown field; allowed: "),
    "wrong type": ("weeks: many\n", "weeks: got \"many\"; input should be a valid integer"),
    "unknown bloc": ("actors:\n  - {id: A, kind: firm, bloc: north, memberships: {wg: participant}}\n",
                     "actors.A.bloc: unknown bloc 'north'; allowed: east, west, nonaligned"),
    "unknown venue": ("actors:\n  - {id: A, kind: firm, bloc: east, memberships: {sg: participant}}\n",
                      "actors.A.memberships.sg: unknown venue; allowed: wg"),
    "event in the past": ("events:\n  - {week: -1, kind: bloc, bloc: east, cohesion: 1}\n",
                          "events[0].week: got -1; input should be greater than or equal to 0"),
    "event after the end": ("events:\n  - {week: 999, kind: bloc, bloc: east, cohesion: 1}\n",
                            "events[0].week: got 999; the scenario ends at week 207"),
    "negative count": ("actors:\n  - {id: A, kind: firm, count: -3, bloc: east}\n",
                       "actors.A.count: got -3; input should be greater than or equal to 0"),
    "unknown rule parameter": ("venues:\n  - {id: wg, kind: ietf, body: WG, rules: {ietf.iesg: {quorum: 3}}}\n",
                               "venues.wg.rules.ietf.iesg.quorum: unknown parameter"),
    "bad condition": ("events:\n  - {when: 'mood > 3', kind: bloc, bloc: east}\n", "events[0].when: unknown metric 'mood'"),
    "bad yaml": ("weeks: [1, 2\n", "not valid YAML"),
    "negative seed": ("seed: -1\n", "seed: got -1; input should be greater than or equal to 0"),
    "unknown chair": ("venues:\n  - {id: wg, kind: ietf, body: WG, posts: {chair: P-west-999}}\n",
                      "venues.wg.posts.chair: unknown actor 'P-west-999'"),
    "chair not a member": ("actors:\n  - {id: X, kind: firm, bloc: east}\n  - {id: P, kind: firm, count: 3, bloc: east, memberships: {wg: participant}}\n"
                           "  - {id: AD, kind: firm, count: 3, bloc: east, memberships: {wg: area-director}}\n"
                           "venues:\n  - {id: wg, kind: ietf, body: WG, posts: {chair: X}}\n", "venues.wg.posts.chair: 'X' is not a member of venue 'wg'"),
    "rule of another SDO": ("venues:\n  - {id: wg, kind: ietf, body: WG, rules: {iso.dis: {p_majority: 0.5}}}\n",
                            "venues.wg.rules.iso.dis: not a procedure of an ietf venue; allowed: ietf.iesg"),
    "bad rule in an event": ("events:\n  - {week: 5, kind: rules, venue: wg, rules: {ietf.iesg: {standards_track_share: 7}}}\n",
                             "events[0].rules.ietf.iesg.standards_track_share: got 7; must be from 0 % to 100 %"),
    "posts event with unknown bloc": ("events:\n  - {week: 5, kind: posts, venue: wg, shares: {martians: 0.5}}\n",
                                      "events[0].shares.martians: unknown bloc"),
    "join of unknown actor": ("events:\n  - {week: 5, kind: bloc, bloc: east, join: [Atlantis]}\n", "events[0].join[0]: unknown actor 'Atlantis'"),
    "surge adding existing ids": ("events:\n  - {week: 5, kind: surge, add: [{id: P-west, kind: firm, count: 90, bloc: west}]}\n",
                                  "events[0].add[0].id: 'P-west' names actors that exist already"),
    "firm with unknown home": ("actors:\n  - {id: P, kind: firm, count: 3, bloc: east, home: Atlantis, memberships: {wg: participant}}\n",
                               "actors.P.home: unknown delegation 'Atlantis'"),
    "venue nobody decides in": ("actors:\n  - {id: P, kind: firm, count: 3, bloc: east, memberships: {wg: participant}}\n",
                                "venues.wg: no actor is a member of class 'area-director', so this ietf venue can decide nothing"),
    "first meeting after the end": ("weeks: 10\nvenues:\n  - {id: wg, kind: ietf, body: WG, first_meeting_week: 12}\n",
                                    "venues.wg.first_meeting_week: got 12; the scenario ends at week 9"),
}  # fmt: skip


def in_process(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """Run the command's entry point in this process (fast), returning its exit code and stderr."""
    from sdo_sim import cli

    monkeypatch.setattr(sys, "argv", ["sdo-sim", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_gets_one_line_and_exit_2(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text, expected = BAD[case]
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {IETF}\n{text}")
    for command in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "out")]):
        code, stderr = in_process(command, capsys, monkeypatch)
        assert code == 2, stderr
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in stderr, stderr
        assert lines[0].startswith(f"sdo-sim: error: {path}: ")
        assert expected in lines[0]
    assert not (tmp_path / "out").exists()


def test_missing_scenario_file(tmp_path: Path) -> None:
    result = sdo_sim("validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"sdo-sim: error: {tmp_path / 'nope.yaml'}: no such file"


def test_validate_reports_every_bad_file_and_checks_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {IETF}\nweeks: many\n")
    worse = tmp_path / "worse.yaml"
    worse.write_text(f"extends: {IETF}\nseed: -2\n")
    code, stderr = in_process(["validate", str(bad), str(IETF), str(worse)], capsys, monkeypatch)
    assert code == 2
    assert [line.split(": ")[2] for line in stderr.strip().splitlines()] == [str(bad), str(worse)]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--set", "blocs.east.cohesion=1.5"], f"{IETF} with blocs.east.cohesion=1.5: blocs.east.cohesion: got 1.5"),
        (["--set", "events[0].week=3"], "events has no item 0"),
        (["--seed", "-1"], "--seed: got -1; must be a whole number from 0 to 2**63 - 1"),
        (["--seed", "99999999999999999999"], "--seed: got 99999999999999999999"),
        (["--weeks", "10000"], "with --weeks 10000: weeks: got 10000; input should be less than or equal to 5200"),
    ],
)  # fmt: skip
def test_bad_options_get_one_line_and_exit_2(
    tmp_path: Path,
    extra: list[str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, stderr = in_process(["run", str(IETF), "--out", str(tmp_path / "out"), *extra], capsys, monkeypatch)
    assert code == 2, stderr
    assert len(stderr.strip().splitlines()) == 1 and expected in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_weeks_shorter_than_an_event_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = ROOT / "scenarios" / "iso-bloc-voting.yaml"
    code, stderr = in_process(
        ["run", str(scenario), "--out", str(tmp_path / "o"), "--weeks", "20"], capsys, monkeypatch
    )
    assert code == 2 and "events[0].week: got 52; the scenario ends at week 19" in stderr, stderr


def test_overrides_accept_the_paths_errors_print() -> None:
    scenario = sdo_sim_load(ROOT / "scenarios" / "iso-bloc-voting.yaml", {"events[0].week": 60})
    assert scenario.events[0].week == 60


def sdo_sim_load(path: Path, overrides: dict) -> object:
    from sdo_sim.scenario import load_scenario

    return load_scenario(path, overrides)


def test_scenarios_lists_every_runnable_file() -> None:
    import os

    wide = subprocess.run([sys.executable, "-m", "sdo_sim.cli", "scenarios", str(ROOT / "scenarios")],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "400"})  # fmt: skip
    assert wide.returncode == 0, wide.stderr
    for name in (
        "ITU-T study group baseline",
        "ISO bloc voting",
        "3GPP participation surge",
        "IETF working group baseline",
    ):
        assert name in wide.stdout
    assert "blocs.yaml" not in wide.stdout  # a fragment, not a scenario
    assert sdo_sim("scenarios", "no-such-folder").returncode == 2


def test_scenarios_shows_a_broken_scenario_with_its_error_and_skips_fragments(tmp_path: Path) -> None:
    import os

    (tmp_path / "broken.yaml").write_text("name: broken\nweeks: -1\nactors: []\n")
    (tmp_path / "fragment.yaml").write_text("blocs: {}\n")
    listing = subprocess.run([sys.executable, "-m", "sdo_sim.cli", "scenarios", str(tmp_path)],
                             capture_output=True, text=True, timeout=120, check=False,
                             env={**os.environ, "COLUMNS": "400"})  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert "broken.yaml" in listing.stdout and "(does not load)" in listing.stdout
    assert "weeks: got -1" in listing.stdout
    assert "fragment.yaml" not in listing.stdout
    bad_setting = subprocess.run([sys.executable, "-m", "sdo_sim.cli", "scenarios", str(tmp_path)],
                                 capture_output=True, text=True, timeout=120, check=False,
                                 env={**os.environ, "SDO_SIM_MAX_INPUT_MB": "abc"})  # fmt: skip
    assert bad_setting.returncode == 2
    assert bad_setting.stderr.strip() == (
        "sdo-sim: error: SDO_SIM_MAX_INPUT_MB: expected a positive number of MiB, got 'abc'"
    )


def test_scenarios_piped_gives_one_whole_line_per_scenario() -> None:
    listing = sdo_sim("scenarios", str(ROOT / "scenarios"))  # captured: stdout is not a terminal
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].split("\t") == ["file", "name", "venues", "events", "description"]
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == 5 for row in rows)
    files = {row[0] for row in rows}
    assert {"baselines/iso-technical-committee.yaml", "cases/5g-channel-coding.yaml"} <= files
    assert all(len(line) > 80 for line in lines[1:3])  # never wrapped at a terminal's width


@pytest.mark.parametrize("command", ["tally", "run", "sweep", "validate"])
def test_help_shows_flags_without_a_value_and_formats_with_their_choices(command: str) -> None:
    import os

    shown = subprocess.run([sys.executable, "-m", "sdo_sim.cli", command, "--help"], capture_output=True,
                           text=True, timeout=60, check=False, env={**os.environ, "COLUMNS": "200"})  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "<bool>" not in shown.stdout
    choices = {"tally": "json|table", "run": "parquet|csv", "sweep": "local|dask"}
    if command in choices:
        assert choices[command] in shown.stdout
