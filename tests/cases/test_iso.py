"""The ISO WG9 convenor case (scenarios/cases/iso-wg9-convenor.yaml): its predicate and paired statistic
on hand-built tables, and that the file names the convenor as its only scripted post (Teleanu 2021,
lines 1279, 1283)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sdo_sim import cases
from sdo_sim.cases import iso
from sdo_sim.results import POST_TYPES, RunResult
from sdo_sim.scenario import load_scenario
from sdo_sim.venues import iso_posts
from tests.cases.test_cases import result

CASE = Path(cases.CASES_DIR) / "iso-wg9-convenor.yaml"
FOCAL = "convenor-proposal"


def pattern(suffix: str) -> cases.Pattern:
    return next(p for p in cases.CASES["iso-wg9-convenor"].patterns if p.id.endswith(suffix))


def gate(
    proposal: str, stage: str, approved: bool = True, outcome: str = "approved", bloc: str = "east"
) -> dict[str, Any]:
    return {"proposal": proposal, "venue": "wg", "stage": stage, "procedure": f"iso.{stage.lower()}",
            "approved": approved, "outcome": outcome, "proponent_bloc": bloc}  # fmt: skip


def run_of(
    rows: list[dict[str, Any]], gates: list[dict[str, Any]], convenor: str | None = "east"
) -> RunResult:
    """A run of venue wg with these proposals and gates, and a convenor of the given bloc from week 0."""
    run = result([{"venue": "wg", "bloc": "east", **row} for row in rows], gates)
    held = [{"venue": "wg", "post": "convenor", "holder": "CN", "bloc": convenor, "start": 0, "end": None}]
    run.posts = pd.DataFrame(held if convenor else [], columns=list(POST_TYPES)).astype(POST_TYPES)
    return run


# --- "advance past CD": registered as a DIS (Directives §2.5.6) -------------------------------------


def test_a_text_is_past_cd_once_registered_as_a_dis_even_if_the_dis_then_fails() -> None:
    holds = pattern("not-past-cd").holds
    assert holds is not None
    np_ok, wd_ok, cd_ok = gate(FOCAL, "NP"), gate(FOCAL, "WD"), gate(FOCAL, "CD")
    # stopped at the CD meeting: never registered as a DIS
    stopped = run_of([{"proposal": FOCAL, "stage": "CD-meeting", "outcome": "no-consensus", "decided": 90}],
                     [np_ok, wd_ok, gate(FOCAL, "CD-meeting", False, "no-consensus")])  # fmt: skip
    assert holds(stopped)
    # registered, ballot still open at the run's end: past CD
    waiting = run_of([{"proposal": FOCAL, "stage": "DIS"}], [np_ok, wd_ok, cd_ok])
    assert not holds(waiting)
    # the DIS failed and a revised CD went out: it still advanced past CD once
    back = run_of(
        [{"proposal": FOCAL, "stage": "CD"}], [np_ok, wd_ok, cd_ok, gate(FOCAL, "DIS", False, "not-approved")]
    )
    assert not holds(back)
    published = run_of(
        [{"proposal": FOCAL, "stage": "publication", "approved": True, "outcome": "published"}], []
    )
    assert not holds(published)
    # turned down at the NP ballot, and a run without the focal proposal reproduces nothing
    refused = run_of([{"proposal": FOCAL, "stage": "NP", "outcome": "not-approved", "decided": 16}],
                     [gate(FOCAL, "NP", False, "not-approved")])  # fmt: skip
    assert holds(refused)
    assert not holds(run_of([], []))


def test_the_account_says_where_the_convenors_proposal_stopped() -> None:
    refused = run_of([{"proposal": FOCAL, "stage": "NP", "outcome": "not-approved", "decided": 16}],
                     [gate(FOCAL, "NP", False, "not-approved")])  # fmt: skip
    assert (
        iso.describe(refused)
        == f"{FOCAL} not accepted at NP (not-approved); east convenor, 0/0 of its bloc's projects past CD"
    )
    open_wd = run_of([{"proposal": FOCAL, "stage": "WD"}], [gate(FOCAL, "NP")])
    assert iso.fate(open_wd, FOCAL) == "open at WD"
    assert iso.describe(open_wd).endswith("0/1 of its bloc's projects past CD")
    assert iso.fate(run_of([], []), FOCAL) == "never submitted"


# --- the paired statistic: the convenor's bloc's projects past CD, lean on minus off ------------------


def projects(passed: int, failed: int, bloc: str = "east", convenor: str | None = "east") -> RunResult:
    """A run with `passed` + `failed` NP-accepted projects of a bloc, `passed` of them registered as DIS,
    and one refused at the NP (not a project, so not counted)."""
    rows, gates = [], [gate("x-np", "NP", False, "not-approved", bloc)]
    for k in range(passed + failed):
        rows.append({"proposal": f"x-{k}", "bloc": bloc, "stage": "DIS" if k < passed else "WD"})
        gates.append(gate(f"x-{k}", "NP", bloc=bloc))
    rows.append({"proposal": "x-np", "bloc": bloc, "stage": "NP", "outcome": "not-approved"})
    return run_of(rows, gates, convenor)


def test_the_gain_is_the_on_rate_minus_the_off_rate_of_the_convenors_bloc() -> None:
    gain = pattern("convenor-power")
    assert gain.paired == (("venues.wg.chair_bias", 0.0),)
    assert gain.measure(projects(2, 1), projects(1, 2)) == 1 / 3
    assert gain.measure(projects(1, 3), projects(1, 1)) == -0.25
    # another bloc's projects do not count; with no project of the convenor's bloc the run gives NaN
    assert math.isnan(gain.measure(projects(2, 0, bloc="west"), projects(1, 1)))
    assert math.isnan(gain.measure(projects(2, 0, convenor=None), projects(1, 1)))  # no convenor named


def test_the_gain_band_refuses_no_effect_and_accepts_a_small_positive_one() -> None:
    gain = pattern("convenor-power")
    assert cases.evaluate(gain, [0.0, 0.0, math.nan], ["", "", ""])["passed"] is False
    assert cases.evaluate(gain, [0.02, 0.02], ["", ""])["passed"]
    assert cases.evaluate(gain, [0.5, -0.25, math.nan], ["", "", ""])["passed"]
    assert cases.evaluate(gain, [-0.1, 0.1, 0.0], ["", "", ""])["passed"] is False


# --- the case file ------------------------------------------------------------------------------------


def test_the_file_names_the_convenor_and_scripts_no_other_post_and_no_event() -> None:
    raw = yaml.safe_load(CASE.read_text())
    assert "events" not in raw
    [venue] = raw["venues"]
    assert (venue["id"], venue["kind"], venue["convenor"], venue["working_groups"]) == ("wg", "iso", "CN", 1)
    assert "posts" not in venue  # secretariat and chair by the Directives' procedures (iso_posts.py)
    [focal] = raw["proposals"]
    assert (focal["id"], focal["proponent"]) == (FOCAL, "CN")
    assert "quality" not in focal and "point" not in focal  # drawn like any Chinese text
    header = CASE.read_text().split("\nextends:")[0]
    assert "sourced initial condition" in header and "line 1283" in header


def test_the_lever_is_a_venue_field_the_paired_run_switches_off() -> None:
    on = load_scenario(CASE)
    off = load_scenario(CASE, {"venues.wg.chair_bias": 0})
    assert on.venues[0].chair_bias > 0 and off.venues[0].chair_bias == 0
    assert on.weeks < iso_posts.CONVENOR_TERM  # the convenor's three-year term (§1.12.1) covers the run
