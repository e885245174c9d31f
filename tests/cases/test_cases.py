"""Historical cases (sdo_sim.cases, scenarios/cases): predicates and bands on hand-built tables, the
case files, `sdo-sim cases`, and each case's documented pattern over seeds.

CI runs the pattern tests on seeds 1-10 (CI_SEEDS); `make cases` runs seeds 1-50 and docs/cases.md
records that table. A pattern the model does not reproduce keeps its target and is marked
xfail(strict=True) with the measured share and why, so the shortfall stays visible and a fix shows
up as an unexpected pass.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sdo_sim
from sdo_sim import cases
from sdo_sim.results import DECISION_TYPES, PROPOSAL_TYPES, RunResult

ROOT = Path(__file__).resolve().parents[2]
CI_SEEDS = 10


def table(rows: list[dict[str, Any]], types: dict[str, Any], defaults: dict[str, Any]) -> pd.DataFrame:
    """A run table from partial rows: every column present, each with its type."""
    return pd.DataFrame([{**defaults, **row} for row in rows], columns=list(types)).astype(types)


PROPOSAL_DEFAULTS = {
    "venue": "sg", "body": "SG", "proponent": "A", "bloc": "east", "submitted": 0, "decided": None,
    "weeks_to_decision": None, "outcome": "pending", "approved": False, "stage": "drafting",
    "procedure": "", "track": "aap", "quality": 0.5, "gates": 1, "supported_by": "", "opposed_by": "",
    "topic": "", "resubmitted_from": "", "work_item": "",
}  # fmt: skip
DECISION_DEFAULTS = {
    "week": 0, "venue": "sg", "body": "SG", "stage": "question", "procedure": "chair-consensus",
    "approved": True, "outcome": "consensus", "reason": "", "yes": None, "no": None, "counts": "{}",
    "proponent_bloc": "east",
}  # fmt: skip


def result(proposals: list[dict[str, Any]], decisions: list[dict[str, Any]] | None = None) -> RunResult:
    """A RunResult holding only the given proposal and decision rows."""
    rows = [{"decision": i, **row} for i, row in enumerate(decisions or [])]
    return RunResult(
        proposals=table(proposals, PROPOSAL_TYPES, PROPOSAL_DEFAULTS),
        decisions=table(rows, DECISION_TYPES, DECISION_DEFAULTS),
        timeseries=pd.DataFrame(),
        summary=pd.DataFrame(),
        manifest={},
    )


def pattern(pattern_id: str) -> cases.Pattern:
    return next(p for case in cases.CASES.values() for p in case.patterns if p.id == pattern_id)


# --- predicates on hand-built tables ------------------------------------------------------------


def test_new_ip_predicates_read_the_chain_of_resubmissions() -> None:
    failed = {"proposal": "new-ip", "venue": "tsag", "outcome": "no-consensus", "decided": 38}
    back = {"proposal": "new-ip@sg13", "venue": "sg13", "resubmitted_from": "new-ip", "submitted": 61}
    not_adopted = {"stage": "question", "approved": False, "outcome": "no-consensus"}
    alone = result([failed], [{"proposal": "new-ip", **not_adopted}])
    assert pattern("new-ip/not-approved").holds(alone)  # type: ignore[misc]
    assert not pattern("new-ip/back-elsewhere").holds(alone)  # type: ignore[misc]
    shopped = result([failed, back], [{"proposal": "new-ip", **not_adopted}, {"proposal": "new-ip@sg13"}])
    assert pattern("new-ip/back-elsewhere").holds(shopped)  # type: ignore[misc]
    # the text came back and SG13 adopted it as a Question: taken up, though nothing was approved
    assert not pattern("new-ip/taken-up-nowhere").holds(shopped)  # type: ignore[misc]
    assert pattern("new-ip/taken-up-nowhere").holds(alone)  # type: ignore[misc]
    passed = result([{**failed, "approved": True, "outcome": "approved"}])
    assert not pattern("new-ip/not-approved").holds(passed)  # type: ignore[misc]
    # a run without the focal proposal reproduces nothing
    assert not pattern("new-ip/not-approved").holds(result([]))  # type: ignore[misc]


def test_face_recognition_needs_the_switch_at_consent_and_a_discontinuation() -> None:
    holds = pattern("face-recognition/tap-then-discontinued").holds
    assert holds is not None
    ended = {"proposal": "f-fravsrreqs", "outcome": "discontinued", "track": "tap", "decided": 91}
    switch = {"proposal": "f-fravsrreqs", "stage": "track-selection", "procedure": "itu-t.track-vote",
              "approved": True, "outcome": "approved"}  # fmt: skip
    assert holds(result([ended], [switch]))
    assert not holds(result([ended], [{**switch, "approved": False, "outcome": "not-approved"}]))
    assert not holds(result([ended], []))  # switched at the AAP meeting, not at consent: no row
    assert not holds(result([{**ended, "approved": True, "outcome": "approved"}], [switch]))
    assert not holds(result([{**ended, "outcome": "pending", "decided": None}], [switch]))


def test_channel_coding_needs_ldpc_for_data_and_polar_for_control() -> None:
    holds = pattern("5g-channel-coding/ldpc-data-polar-control").holds
    assert holds is not None

    def run(data: str, control: str) -> RunResult:
        rows = []
        for item, chosen in (("data", data), ("control", control)):
            for alt in ("ldpc", "polar"):
                rows.append({"proposal": f"channel-coding-{item}:{alt}", "work_item": f"channel-coding-{item}",
                             "approved": alt == chosen, "outcome": "chosen" if alt == chosen else "not-chosen"})  # fmt: skip
        return result(rows)

    assert holds(run("ldpc", "polar"))
    assert not holds(run("ldpc", "ldpc"))
    assert not holds(run("polar", "polar"))
    assert not holds(run("none", "polar"))


def test_a_family_share_counts_only_adopted_items_at_the_runs_end() -> None:
    rows = [
        {"proposal": "s-001", "topic": "surveillance", "approved": True, "outcome": "approved", "decided": 80},
        {"proposal": "s-002", "topic": "surveillance"},  # adopted, still under study
        {"proposal": "s-003", "topic": "surveillance", "outcome": "no-consensus", "decided": 4},  # not adopted
        {"proposal": "q-001", "topic": "sg13-quantum", "approved": True, "outcome": "approved", "decided": 90},
    ]  # fmt: skip
    gates = [{"proposal": "s-001"}, {"proposal": "s-002"}, {"proposal": "q-001"},
             {"proposal": "s-003", "approved": False, "outcome": "no-consensus"}]  # fmt: skip
    run = result(rows, gates)
    assert pattern("itu-t-base-rates/surveillance").measure(run) == 0.5
    assert pattern("itu-t-base-rates/sg13-quantum").measure(run) == 1.0
    assert math.isnan(pattern("itu-t-base-rates/autonomous-vehicles").measure(run))
    assert pattern("itu-t-base-rates/under-study").measure(run) == pytest.approx(1 / 3)


# --- scoring over seeds -------------------------------------------------------------------------


def test_a_share_pattern_passes_at_its_target_and_not_below() -> None:
    share = pattern("new-ip/not-approved")  # target 0.8
    accounts = ["a"] * 5
    assert cases.evaluate(share, [1, 1, 1, 1, 0], accounts)["passed"]
    row = cases.evaluate(share, [1, 1, 1, 0, 0], ["x", "x", "x", "tsag approved", "tsag approved"])
    assert not row["passed"] and row["measured"] == 0.6
    assert "2x tsag approved" in str(row["why"])


def test_the_mean_band_includes_its_edges_and_skips_runs_with_nothing_to_count() -> None:
    mean = pattern("itu-t-base-rates/sg13-quantum")  # 7/17 +- 0.10
    low, high = 7 / 17 - 0.10, 7 / 17 + 0.10
    assert cases.evaluate(mean, [low, low], ["", ""])["passed"]
    assert cases.evaluate(mean, [high, high, math.nan], ["", "", ""])["passed"]
    assert cases.evaluate(mean, [low - 0.002, low], ["", ""])["passed"] is False
    assert cases.evaluate(mean, [high + 0.002, high], ["", ""])["passed"] is False
    row = cases.evaluate(mean, [high, math.nan, low], ["", "", ""])
    assert row["computed"] == 2 and row["measured"] == pytest.approx(7 / 17)
    empty = cases.evaluate(mean, [math.nan, math.nan], ["", ""])
    assert empty["passed"] is False and "anything to count" in str(empty["why"])


def test_cases_are_selected_by_id_and_an_unknown_one_is_refused() -> None:
    assert [c.id for c in cases.select(None)] == list(cases.CASES)
    assert [c.id for c in cases.select(["new-ip", "new-ip"])] == ["new-ip"]
    with pytest.raises(cases.CaseError, match="unknown case 'nope'; known: new-ip"):
        cases.select(["nope"])
    assert cases.seed_list(3) == [1, 2, 3]
    with pytest.raises(cases.CaseError, match="--seeds: got 0"):
        cases.seed_list(0)
    with pytest.raises(cases.CaseError, match="--workers: got 0"):
        cases.run_cases(["new-ip"], seeds=1, workers=0)


def test_every_case_file_is_registered_and_validates() -> None:
    files = sorted(path.stem for path in (ROOT / "scenarios" / "cases").glob("*.yaml"))
    assert files == sorted(cases.CASES)
    for case in cases.CASES.values():
        scenario = sdo_sim.load_scenario(case.path)
        # every case scripts its focal proposals, but the leadership case, whose patterns read posts
        assert scenario.proposals or case.id == "3gpp-leadership", case.id
        header = case.path.read_text().split("\nextends:")[0]
        assert "Documented pattern" in header and "do not say" in header, case.id


def test_the_table_is_the_same_on_one_or_two_workers() -> None:
    one = cases.run_cases(["face-recognition", "5g-channel-coding"], seeds=3, workers=1)
    two = cases.run_cases(["face-recognition", "5g-channel-coding"], seeds=3, workers=2)
    pd.testing.assert_frame_equal(one, two)


def test_the_command_prints_the_table_and_refuses_a_bad_case() -> None:
    command = [sys.executable, "-m", "sdo_sim.cli", "cases"]
    done = subprocess.run([*command, "--seeds", "2", "--case", "new-ip", "--workers", "1"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    for text in (
        "Historical cases: seeds 1-2",
        "share reproduced",
        "new-ip is not approved at TSAG",
        ">= 80%",
    ):
        assert text in done.stdout, done.stdout
    assert "2/2 runs" in done.stderr
    bad = subprocess.run([*command, "--case", "nope"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        f"sdo-sim: error: --case: unknown case 'nope'; known: {', '.join(cases.CASES)}"
    ]


# --- the documented patterns, seeds 1..CI_SEEDS -----------------------------------------------------

#: Patterns the model does not reproduce: measured over seeds 1-50 (docs/cases.md) and why.
SHORT = {
    "new-ip/back-elsewhere": "36 % at 50 seeds: forum_shopping.chance is assumed 0.5, which caps it near half",
    "new-ip/taken-up-nowhere": "64 % at 50 seeds: a Question consultation at TSAG, or consensus at SG11/SG13, adopts it",
    "face-recognition/tap-then-discontinued": "2 % at 50 seeds: the text rarely passes the Question gate, and "
    "the Member State vote on the switch fails (non-aligned majority backs the text)",
    "5g-channel-coding/ldpc-data-polar-control": "46 % at 50 seeds: the holders bargain, but Huawei "
    "accepts LDPC for both channels in about half the seeds (assumed patent shares)",
    "itu-t-base-rates/autonomous-vehicles": "mean 0.459 at 50 seeds against 1/6: nothing in the model holds this "
    "family back more than the others",
}


@pytest.fixture(scope="module")
def measured() -> pd.DataFrame:
    """Every case over seeds 1..CI_SEEDS, once for the module."""
    return cases.run_cases(seeds=CI_SEEDS, workers=2).set_index("pattern_id")


PATTERN_IDS = [p.id for case in cases.CASES.values() for p in case.patterns]


@pytest.mark.parametrize(
    "pattern_id",
    [
        pytest.param(pid, marks=pytest.mark.xfail(strict=True, reason=SHORT[pid])) if pid in SHORT else pid
        for pid in PATTERN_IDS
    ],
)
def test_the_documented_pattern_reproduces(measured: pd.DataFrame, pattern_id: str) -> None:
    row = measured.loc[pattern_id]
    assert row["passed"], (
        f"{pattern_id}: measured {row['measured']:.3f}, target {row['target']}: {row['why']}"
    )


def test_a_paired_pattern_sees_both_runs_and_a_case_lists_each_pairing_once() -> None:
    on = result([{"proposal": "x", "approved": True, "outcome": "approved"}])
    off = result([{"proposal": "x"}])
    lever = (("venues.wg.chair_bias", 0.0),)
    moved = cases.Pattern("c/p", "x passes only with the lever on", "test", paired=lever,
                          holds=lambda a, b: cases.core.approved(a, "x") and not cases.core.approved(b, "x"))  # fmt: skip
    assert moved.measure(on, off) == 1.0 and moved.measure(off, off) == 0.0
    gap = cases.Pattern("c/m", "difference", "test", paired=lever, point=1.0, low=0.5, high=1.0,
                        value=lambda a, b: float(a.proposals["approved"].sum() - b.proposals["approved"].sum()))  # fmt: skip
    assert gap.measure(on, off) == 1.0
    case = cases.Case("c", (moved, gap, cases.Pattern("c/q", "plain", "test", holds=lambda r: True)), str)
    assert case.pairings == [lever]
