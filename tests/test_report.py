"""`sdo-sim report`: the take-home HTML report of a run or a sweep, and the terminal's progress bar."""

from __future__ import annotations

import base64
import html
import io
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from sdo_sim.experiment.sweeps import sweep
from sdo_sim.report.html import ReportError, build_report, write_report
from sdo_sim.report.rules import rules_in_words
from sdo_sim.report.run import read_run
from sdo_sim.results import RunResult, write
from sdo_sim.runner import run
from sdo_sim.scenario import load_scenario


class _Terminal(io.StringIO):
    """Standard error as a terminal, so that the progress bar draws."""

    def isatty(self) -> bool:
        return True


def test_the_progress_bar_never_shows_an_unknown_total(monkeypatch: pytest.MonkeyPatch) -> None:
    from sdo_sim.report import progress_bar

    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress_bar("ISO bloc voting") as update:
        assert update is not None
        time.sleep(0.25)  # rich redraws about ten times a second: the frames before any week
        update(1, 260)
        time.sleep(0.25)
    drawn = screen.getvalue()
    assert "ISO bloc voting" in drawn and "week 1/260" in drawn
    assert "None" not in drawn


# --- the HTML report ------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
ISO_BLOC = ROOT / "scenarios" / "iso-bloc-voting.yaml"
ISO = ROOT / "scenarios" / "baselines" / "iso-technical-committee.yaml"
SMOKE = ROOT / "experiments" / "smoke.yaml"


def sdo_sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sdo_sim.cli", *args], capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip


class _Resources(HTMLParser):
    """Every tag's src and href, and whether the page has scripts or style sheets of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if name in ("src", "href", "srcset", "data")]


def _self_contained(page: str) -> list[bytes]:
    """Check the page refers to nothing outside itself; return its embedded PNGs."""
    parser = _Resources()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    assert all(link.startswith("data:image/png;base64,") for link in parser.links), parser.links
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page
    pictures = [base64.b64decode(link.split(",", 1)[1]) for link in parser.links]
    assert pictures and all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pictures)
    assert page.count("<img ") == len(pictures)
    return pictures


def _text(page: str) -> str:
    """The page's visible text, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.split("</style>", 1)[1]))


def _write_run(scenario: Path, out: Path, seed: int = 1, weeks: int = 156, fmt: str = "parquet") -> RunResult:
    result = run(scenario, seed, weeks=weeks)
    write(result, out, fmt)
    return result


@pytest.fixture(scope="module")
def iso_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    out = tmp_path_factory.mktemp("iso") / "run"
    return out, _write_run(ISO_BLOC, out)


def test_a_run_report_embeds_its_figures_and_states_its_headline_numbers(
    iso_run: tuple[Path, RunResult], tmp_path: Path
) -> None:
    folder, result = iso_run
    target = tmp_path / "take-home.html"
    done = sdo_sim("report", str(folder), "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"report written to {target}"
    page = target.read_text(encoding="utf-8")
    assert len(_self_contained(page)) == 4
    text = _text(page)
    row = result.summary.iloc[0]
    assert (
        f"{row['approval_rate']:.2f}" in text
        and f"{int(row['approved'])} of {int(row['decided'])} decided" in text
    )
    for name in ("proposals", "decided", "approved", "blocked_by_minority"):
        assert re.search(rf"\b{int(row[name])}\b", text), name
    decided = result.proposals[result.proposals["decided"].notna()]
    for bloc in ("east", "west"):
        mine = decided[decided["bloc"] == bloc]
        assert f"{mine['approved'].mean():.2f} ({int(mine['approved'].sum())} of {len(mine)})" in text, bloc
    # the scenario in words, its rules with their clauses, and how to reproduce it
    assert "The east bloc tightens to cohesion 1.0 at week 52" in text
    assert "At week 52: the east bloc's cohesion becomes 1" in text
    assert "ISO/IEC Directives Part 1 §2.3.5" in text and "ISO/IEC Directives Part 1 §2.6.3" in text
    assert f"sdo-sim run {ISO_BLOC} --seed 1 --weeks 156 --out DIR" in text
    assert result.manifest["scenario_hash"] in text and "has changed since" not in text


def test_a_run_report_compared_with_a_baseline_run(iso_run: tuple[Path, RunResult], tmp_path: Path) -> None:
    folder, _ = iso_run
    base = tmp_path / "baseline"
    baseline = _write_run(ISO, base)
    page = build_report(folder, base)
    _self_contained(page)
    text = _text(page)
    row = baseline.summary.iloc[0]
    assert f"baseline: {int(row['proposals'])}" in text and f"baseline: {row['approval_rate']:.3g}" in text
    assert "baseline: approved of decided" in text
    assert "another scenario file (ISO technical committee baseline)" in text  # ISO bloc voting against it
    same = tmp_path / "same"
    _write_run(ISO_BLOC, same, seed=2)
    assert "another scenario file" not in _text(build_report(folder, same))  # one scenario, other seeds


def test_a_csv_run_is_read_as_its_parquet_twin(tmp_path: Path) -> None:
    result = _write_run(ISO, tmp_path / "csv", weeks=104, fmt="csv")
    _write_run(ISO, tmp_path / "parquet", weeks=104)
    from_csv, from_parquet = read_run(tmp_path / "csv"), read_run(tmp_path / "parquet")
    for name in ("proposals", "decisions", "posts"):
        pd.testing.assert_frame_equal(getattr(from_csv, name), getattr(from_parquet, name), check_dtype=False)
    text = _text(build_report(tmp_path / "csv"))
    assert f"{int(result.summary.iloc[0]['proposals'])}" in text and "--format csv" in text


def test_a_scenario_file_changed_or_gone_since_the_run_is_said_not_hidden(tmp_path: Path) -> None:
    scenario = tmp_path / "mine.yaml"
    scenario.write_text(f"extends: {ISO}\nweeks: 60\n", encoding="utf-8")
    _write_run(scenario, tmp_path / "run", weeks=60)
    scenario.write_text(f"extends: {ISO}\nweeks: 60\nseed: 9\n", encoding="utf-8")
    assert "has changed since these results were made" in _text(build_report(tmp_path / "run"))
    scenario.unlink()
    text = _text(build_report(tmp_path / "run"))
    assert "cannot be read now" in text and "Headline numbers" in text


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smoke experiment's shape (three cohesion levels on the ITU-T baseline), two replications."""
    folder = tmp_path_factory.mktemp("sweep")
    text = SMOKE.read_text(encoding="utf-8").replace("../scenarios/", f"{ROOT / 'scenarios'}/")
    (folder / "small.yaml").write_text(text.replace("replications: 20", "replications: 2"), encoding="utf-8")
    sweep(folder / "small.yaml", folder / "out", workers=1)
    return folder / "out"


def test_a_sweep_report_has_response_curves_with_bands_and_its_headline_means(
    small_sweep: Path, tmp_path: Path
) -> None:
    target = tmp_path / "sweep.html"
    done = sdo_sim("report", str(small_sweep), "--output", str(target))
    assert done.returncode == 0, done.stderr
    page = target.read_text(encoding="utf-8")
    metrics = ["approval_rate", "approval_rate.west", "approval_rate.east", "blocked_by_minority"]
    assert len(_self_contained(page)) == len(metrics)  # one response curve per metric
    text = _text(page)
    assert "Analysed for this report" in text  # no sdo-sim analyze had been run
    responses = pd.read_csv(small_sweep / "analysis" / "responses.csv")
    for r in responses.itertuples():
        assert f"{r.mean:.3f} [{r.low:.3f}, {r.high:.3f}]" in text, (r.metric, r.point)
    assert "blocs.east.cohesion=0.5" in text and "Response curves" in text
    assert "WTSA Res. 1 §9.5" in text and "ITU-T A.8 §4.4" in text  # the base scenario's rules
    assert "sdo-sim analyze DIR" in text
    again = _text(build_report(small_sweep))
    assert "Analysed for this report" not in again  # the analysis now matches the runs


def test_a_sobol_sweep_report_shows_the_sensitivity_indices(tmp_path: Path) -> None:
    (tmp_path / "short.yaml").write_text(f"extends: {ROOT / 'scenarios/baselines/itu-t-study-group.yaml'}\n"
                                         "weeks: 156\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "sobol.yaml").write_text(
        "name: sobol\nscenario: short.yaml\nfactors:\n  - {path: blocs.east.cohesion, range: {low: 0, high: 1}}\n"
        "  - {path: venues.sg.chair_bias, range: {low: 0, high: 0.5}}\ndesign: {kind: sobol, samples: 4}\n"
        "metrics: [approval_rate]\n", encoding="utf-8"
    )  # fmt: skip
    sweep(tmp_path / "sobol.yaml", tmp_path / "out", workers=1)
    page = build_report(tmp_path / "out")
    assert len(_self_contained(page)) == 1
    text = _text(page)
    indices = pd.read_csv(tmp_path / "out" / "analysis" / "sobol.csv")
    assert "Sobol indices" in text
    for r in indices.itertuples():
        assert f"{r.S1:.3g} ± {r.S1_conf:.2g}" in text and f"{r.ST:.3g} ± {r.ST_conf:.2g}" in text


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", "no such folder"),
        ("file", "a file, not a folder"),
        ("empty", "not a run's or a sweep's results (no manifest.json)"),
        ("not-ours", "neither a run's (sdo-sim run) nor a sweep's (sdo-sim sweep)"),
        ("garbled", "not readable as a manifest"),
        ("unfinished", "the sweep has not finished"),
    ],
)
def test_a_folder_that_is_neither_a_run_nor_a_sweep_is_one_line_and_exit_2(
    setup: str, expected: str, tmp_path: Path
) -> None:
    folder = tmp_path / "results"
    if setup == "file":
        folder.write_text("a,b\n", encoding="utf-8")
    elif setup != "missing":
        folder.mkdir()
    if setup == "not-ours":
        (folder / "manifest.json").write_text('{"name": "something else"}', encoding="utf-8")
    if setup == "garbled":
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    if setup == "unfinished":
        (folder / "sweep.json").write_text("{}", encoding="utf-8")
    done = sdo_sim("report", str(folder), "--output", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and expected in done.stderr, done.stderr
    assert done.stderr.startswith("sdo-sim: error: ") and "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_bad_outputs_and_baselines_are_refused_before_anything_is_written(
    iso_run: tuple[Path, RunResult], small_sweep: Path, tmp_path: Path
) -> None:
    folder, _ = iso_run
    cases = [
        (["--output", str(tmp_path / "r.pdf")], "must end in .html"),
        (["--output", str(folder / "r.html")], "inside the results folder"),
        (["--output", str(tmp_path / "nowhere" / "r.html")], "does not exist"),
        (
            ["--output", str(tmp_path / "r.html"), "--baseline", str(small_sweep)],
            "a sweep; give a run's folder",
        ),
    ]
    for options, expected in cases:
        done = sdo_sim("report", str(folder), *options)
        assert done.returncode == 2 and expected in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    with pytest.raises(ReportError, match="compares one run with another"):
        build_report(small_sweep, folder)


def test_the_default_output_is_beside_the_folder_and_readable_by_others(
    iso_run: tuple[Path, RunResult],
) -> None:
    folder, _ = iso_run
    written = write_report(folder)
    assert written == folder.parent / f"{folder.name}.html"
    assert written.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_rules_in_words_follow_the_scenarios_parameters_and_rule_changes() -> None:
    changed = load_scenario(ISO, {"venues.tc.rules.iso.np.majority": 0.75, "venues.tc.chair_bias": 0.2})
    rules = rules_in_words(changed)
    assert all(isinstance(r, tuple) and len(r) == 4 and all(r) for r in rules)
    np_rule = next(r for r in rules if r.stage.startswith("new work item"))
    assert "at least 75 % (rulebook default: 2/3) of the P-members' votes cast" in np_rule.text
    assert (
        np_rule.clause == "ISO/IEC Directives Part 1 §2.3.5"
        and np_rule.venue == "ISO technical committee (tc)"
    )
    assert "leans toward its own stance by 20 %" in next(r for r in rules if "(CD)" in r.stage).text
    surge = rules_in_words(load_scenario(ROOT / "scenarios" / "3gpp-participation-surge.yaml"))
    change = [r for r in surge if r.stage == "change at week 104"]
    assert len(change) == 1 and "now one-per-group (was each)" in change[0].text
    tap = rules_in_words(load_scenario(ROOT / "scenarios" / "itu-t-tap-for-all.yaml"))
    assert any(
        r.stage == "change at week 52" and "100 % of new texts follow TAP (was 10 %)" in r.text for r in tap
    )
    for path in sorted((ROOT / "scenarios" / "baselines").glob("*.yaml")):
        stages = [r.stage for r in rules_in_words(load_scenario(path))]
        assert len(stages) >= 4 and "retries" in stages, path.stem
