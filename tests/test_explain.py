"""`sdo-sim explain`: a proposal's story told from a run's tables, on small scenarios whose story is known.

The scenario below is built so that each opponent has one reason, known in advance: noise 0, merit 0,
affinity 0, cohesion 1, everyone present. A west text at the west ideal point, in a 3GPP TSG of
6 west members, 3 east members, an east delegation CN and a firm F of no bloc:
- E-001, E-002 and CN sit at the east ideal, 2.83 away: distance makes them oppose;
- E-003 is given the west ideal: on its own it supports, but it follows the east line (no);
- F sits at the west ideal too but is wholly aligned with its home state CN (alignment 1): pressure.
So 5 of 11 oppose (45 %): within the 50 % tolerated, 60 % with a west chair leaning its way (chair_bias
0.1), and over the 20 % an east chair leaning against it (chair_bias 0.3) tolerates.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sdo_sim.explain import ExplainError, ballot, load, story
from sdo_sim.reasons import TERM_COLUMNS
from sdo_sim.results import write
from sdo_sim.runner import run
from sdo_sim.scenario import Scenario, validate

ROOT = Path(__file__).resolve().parents[1]
OWN_TABLES = ("proposals", "decisions", "timeseries", "events", "posts", "summary")


def scenario(chair: str = "W-001", bias: float = 0.1, **venue: Any) -> Scenario:
    member = {"tsg": "individual-member"}
    raw: dict[str, Any] = {
        "name": "explain-test",
        "weeks": 40,
        "positions": {
            "value": 0.5,
            "merit": 0.0,
            "noise": 0.0,
            "affinity": 0.0,
            "abstain_band": 0.1,
            "objection_threshold": 0.2,
            "support_threshold": 0.1,
        },
        "proposal_spread": 0.0,
        "blocs": {
            "east": {"cohesion": 1.0, "ideal": [1.0, 1.0], "spread": 0.0},
            "west": {"cohesion": 1.0, "ideal": [-1.0, -1.0], "spread": 0.0},
        },
        "actors": [
            {"id": "W", "kind": "delegation", "count": 6, "bloc": "west", "memberships": member},
            {
                "id": "E",
                "kind": "delegation",
                "count": 3,
                "bloc": "east",
                "memberships": member,
                "per_actor": {"E-003": {"ideal": [-1.0, -1.0]}},
            },
            {"id": "CN", "kind": "delegation", "bloc": "east", "memberships": member},
            {
                "id": "F",
                "kind": "firm",
                "ideal": [-1.0, -1.0],
                "home": "CN",
                "alignment": 1.0,
                "memberships": member,
            },
        ],
        "venues": [
            {
                "id": "tsg",
                "kind": "3gpp",
                "body": "3GPP TSG X",
                "first_meeting_week": 1,
                "meeting_interval_weeks": 13,
                "proposals_per_meeting": 0,
                "drafting_meetings": 1,
                "consensus_tolerance": 0.5,
                "chair_bias": bias,
                "election_interval_weeks": 0,
                "vote_request": 0.0,
                "posts": {"chair": chair},
                **venue,
            }
        ],
        "proposals": [
            {
                "id": "P1",
                "venue": "tsg",
                "proponent": "W-001",
                "week": 1,
                "quality": 0.5,
                "salience": 1.0,
                "point": [-1.0, -1.0],
            }
        ],
    }
    for actor in raw["actors"]:
        actor["attendance"] = 1.0
    return validate(raw, "explain-test")


def test_the_story_of_a_text_passed_over_a_bloc_that_opposed_it() -> None:
    told = story(run(scenario(), seed=3, positions=True), "P1")
    assert (told.outcome, told.approved, told.submitted, told.decided) == ("approved", True, 1, 14)
    assert [(g.week, g.stage, g.procedure, g.outcome) for g in told.gates] == [
        (1, "work-item", "3gpp.work-item", "work-item-approved"),
        (14, "approval", "3gpp.vote", "approved-consensus"),
    ]
    first = told.gates[0]
    assert first.counts == {"minimum": 4, "objecting": 5, "present": 11, "supporters": 6}
    assert first.clause == "3GPP WP Art. 39; Teleanu 2021, line 1673"
    assert told.gates[1].clause == "3GPP WP Art. 25"
    for gate in told.gates:
        blocs = {vote.bloc: vote for vote in gate.blocs}
        assert (blocs["east"].yes, blocs["east"].no, blocs["east"].line, blocs["east"].opposed) == (
            0,
            4,
            "no",
            True,
        )
        assert (blocs["west"].yes, blocs["west"].no, blocs["west"].line, blocs["west"].opposed) == (
            6,
            0,
            "yes",
            False,
        )
        assert (blocs[""].no, blocs[""].line) == (1, "")  # F, of no bloc
        assert blocs["east"].reasons == {"distance": 3, "line": 1}
        why = {o.actor: o.reason for o in gate.opponents}
        assert why == {
            "E-001": "distance",
            "E-002": "distance",
            "CN": "distance",
            "E-003": "line",
            "F": "pressure",
        }
        chair = [a for a in gate.acts if a.act == "judged"]
        assert [(a.post, a.holder, a.bloc, a.stance) for a in chair] == [("chair", "W-001", "west", "yes")]
        assert "tolerated 60% of those present opposed, not 50%" in chair[0].detail
    text = told.text()
    assert "Blocs opposed (more no than yes): east." in text
    # E-003 on its own: +0.50; the line moves it to just past the objection threshold, -0.20
    assert (
        "E-003: utility -0.20 (merit +0.50, line -0.70), followed the line; most against: bloc line" in text
    )
    assert "Chair W-001 (west), its own stance yes: supported the text" in text
    assert "Decided by 3GPP WP Art. 25:" in text


def test_a_leaning_chair_is_the_post_that_decided() -> None:
    """The same room under an east chair leaning against the text: 45 % opposed is over the 20 % it tolerates."""
    told = story(run(scenario(chair="E-001", bias=0.3), seed=3, positions=True), "P1")
    assert [(g.stage, g.outcome) for g in told.gates] == [("work-item", "substantial-objection")]
    assert (told.outcome, told.approved) == ("substantial-objection", False)
    (act,) = told.gates[0].acts
    assert (act.post, act.holder, act.bloc, act.act, act.stance) == ("chair", "E-001", "east", "judged", "no")
    assert "opposed the text: tolerated 20% of those present opposed, not 50%" in act.detail
    assert "over the 20% tolerated" in told.gates[0].reason


def test_the_terms_add_up_to_the_utility_and_name_the_set_up() -> None:
    result = run(scenario(), seed=3, positions=True)
    table = ballot(result, 0)
    assert np.allclose(table[list(TERM_COLUMNS)].sum(axis=1), table["utility"], atol=1e-5)
    assert table["noise_term"].abs().max() < 1e-12  # noise 0: the terms are the model's own formula
    rows = table.set_index("actor")
    assert rows.loc["E-001", "distance_term"] == pytest.approx(-np.sqrt(8))
    assert rows.loc["F", "pressure_term"] == pytest.approx(-np.sqrt(8))
    assert rows.loc["E-003", "line_followed"] and rows.loc["E-003", "line_term"] < -0.5
    assert not rows.loc["F", "line_followed"] and rows.loc["F", "line_term"] == 0.0
    assert set(table["clause"]) == {"3GPP WP Art. 39; Teleanu 2021, line 1673"}
    assert list(table["bloc"]) == ["east"] * 4 + ["west"] * 6 + [""]  # by bloc, no bloc last (dashboard)


@pytest.mark.parametrize(
    "path",
    [
        "baselines/itu-t-study-group.yaml",
        "baselines/iso-technical-committee.yaml",
        "baselines/ietf-working-group.yaml",
        "cases/5g-channel-coding.yaml",
        "cases/iso-wg9-convenor.yaml",
    ],
)
def test_recording_draws_nothing_and_explains_every_position(path: str) -> None:
    """Same seed: every table the same with and without --positions; every position has its terms."""
    file = ROOT / "scenarios" / path
    kept, plain = run(file, seed=2, weeks=80, positions=True), run(file, seed=2, weeks=80)
    for name in OWN_TABLES:
        pd.testing.assert_frame_equal(getattr(kept, name), getattr(plain, name))
    assert plain.positions is None and plain.acts is None
    terms = kept.positions[["utility", *TERM_COLUMNS]]  # type: ignore[index]
    assert len(terms) and not terms.isna().any().any()
    assert np.allclose(terms[list(TERM_COLUMNS)].sum(axis=1), terms["utility"], atol=1e-5)  # 32-bit floats


def test_a_patent_holder_opposes_the_alternative_without_its_patents() -> None:
    """A work item: alternative `a`'s patents all held by H (no bloc), so the others, averse to concentration,
    prefer `b`, chosen; H opposes `b`, and patents are what weighs against it (He 2022, line 540)."""
    raw = scenario().model_dump(mode="json")
    raw["positions"].update(ipr_own=1.0, ipr_concentration=1.0)
    raw["actors"].append(
        {
            "id": "H",
            "kind": "firm",
            "ideal": [-1.0, -1.0],
            "attendance": 1.0,
            "memberships": {"tsg": "individual-member"},
        }
    )
    raw["venues"][0]["consensus_tolerance"] = 0.1
    raw["proposals"] = [
        {
            "id": "code",
            "venue": "tsg",
            "proponent": "W-001",
            "week": 1,
            "salience": 1.0,
            "point": [-1.0, -1.0],
            "alternatives": [{"id": "a", "quality": 0.5, "ipr": {"H": 1.0}}, {"id": "b", "quality": 0.5}],
        }
    ]
    result = run(validate(raw, "explain-ipr"), seed=3, positions=True)
    told = story(result, "code:a")
    (gate,) = told.gates
    assert (gate.on, gate.stage, gate.outcome, told.outcome) == (
        "code:b",
        "choice",
        "consensus",
        "not-chosen",
    )
    assert [(o.actor, o.reason) for o in gate.opponents] == [("H", "ipr")]
    assert gate.opponents[0].terms["ipr"] == pytest.approx(-1.0)  # b's 0 less a's own share, 1
    assert "each term is this one's less its favourite's" in gate.note


def sdo_sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdo_sim.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_explain_command_text_json_and_bad_input(tmp_path: Path) -> None:
    write(run(scenario(), seed=3, positions=True), tmp_path / "run")
    shown = sdo_sim("explain", str(tmp_path / "run"), "P1")
    assert shown.returncode == 0, shown.stderr
    assert "E-003: utility" in shown.stdout and "most against: bloc line" in shown.stdout
    as_json = sdo_sim("explain", str(tmp_path / "run"), "P1", "--format", "json")
    data = json.loads(as_json.stdout)
    assert [g["stage"] for g in data["gates"]] == ["work-item", "approval"] and data["reasons"] is True
    unknown = sdo_sim("explain", str(tmp_path / "run"), "P2")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert (
        unknown.stderr.strip()
        == "sdo-sim: error: explain: proposal 'P2': not in this run; 1 proposals, e.g. P1"
    )
    bad = sdo_sim("explain", str(tmp_path / "run"), "P1", "--format", "xml")
    assert bad.returncode == 2 and "allowed: text, json" in bad.stderr and len(bad.stderr.splitlines()) == 1
    missing = sdo_sim("explain", str(tmp_path / "nowhere"), "P1")
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    a_file = sdo_sim("explain", str(tmp_path / "run" / "manifest.json"), "P1")
    assert a_file.returncode == 2 and "a file, not a folder" in a_file.stderr, a_file.stderr


def test_a_run_without_positions_tells_what_its_tables_allow(tmp_path: Path) -> None:
    write(run(scenario(), seed=3), tmp_path / "plain", fmt="csv")
    told = story(tmp_path / "plain", "P1")
    assert [g.stage for g in told.gates] == ["work-item", "approval"] and not told.positions
    assert all(not g.blocs and not g.opponents for g in told.gates)
    assert [(a.post, a.holder, a.act) for a in told.gates[0].acts] == [("chair", "W-001", "held")]
    assert any("rerun sdo-sim run with --positions" in note for note in told.notes)
    with pytest.raises(ExplainError, match="--positions"):
        ballot(tmp_path / "plain", 0)


def test_a_folder_that_is_not_a_run_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"runs": {"ok": 1}}))
    with pytest.raises(ExplainError, match="a sweep's folder"):
        load(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ExplainError, match=r"no readable manifest\.json"):
        load(tmp_path)


def test_the_same_story_from_parquet_csv_and_memory(tmp_path: Path) -> None:
    result = run(scenario(), seed=3, positions=True)
    for fmt in ("parquet", "csv"):
        write(result, tmp_path / fmt, fmt=fmt)
    told = story(result, "P1").text()
    assert story(tmp_path / "parquet", "P1").text() == told
    assert story(tmp_path / "csv", "P1").text() == told  # 10 digits in CSV; the story shows 2


def test_a_table_cut_short_is_refused_not_read_in_part(tmp_path: Path) -> None:
    write(run(scenario(), seed=3, positions=True), tmp_path / "run", fmt="csv")
    assert story(tmp_path / "run", "P1").text()
    cut = tmp_path / "run" / "positions.csv"
    cut.write_bytes(cut.read_bytes()[:-40])  # a copy that stopped early, mid-line
    with pytest.raises(ExplainError, match=r"positions\.csv: not the table sdo-sim run wrote"):
        story(tmp_path / "run", "P1")
    decisions = tmp_path / "run" / "decisions.csv"  # the report reads no positions: cut one it reads
    decisions.write_bytes(decisions.read_bytes()[:-40])
    report = sdo_sim("report", str(tmp_path / "run"), "--output", str(tmp_path / "r.html"))
    assert report.returncode == 2 and "not the table sdo-sim run wrote" in report.stderr, report.stderr


def test_positions_without_terms_still_tell_who_voted_how() -> None:
    """A positions table written before the terms were recorded: blocs and opponents, no reasons."""
    result = run(scenario(), seed=3, positions=True)
    result.positions = result.positions[["decision", "actor", "bloc", "position"]]  # type: ignore[index]
    told = story(result, "P1")
    assert told.positions and not told.reasons
    assert {o.actor for o in told.gates[0].opponents} == {"E-001", "E-002", "E-003", "CN", "F"}
    assert all(o.reason == "" for o in told.gates[0].opponents)
    assert any("no utility terms" in note for note in told.notes)


def test_an_editor_that_pulls_the_text_is_a_post_that_acted() -> None:
    """editor_pull 0.5: W-001, proponent and editor, moves a text 0.14 from its ideal half the way (editing.py)."""
    raw = scenario(editor_pull=0.5).model_dump(mode="json")
    raw["proposals"][0]["point"] = [-0.9, -0.9]
    told = story(run(validate(raw, "explain-editor"), seed=3, positions=True), "P1")
    assert [(a.week, a.post, a.holder, a.act) for a in told.acts] == [(14, "editor", "W-001", "edited")]
    assert "(distance 0.14 → 0.07)" in told.acts[0].detail
    assert "Posts acting between gates:\n  week 14: Editor W-001 (west): moved the text 50%" in told.text()
