"""`sdo-sim tally` as a user runs it: files, lists, stdin, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "ballots"


def sdo_sim(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdo_sim.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_tally_single_ballot_prints_one_decision() -> None:
    result = sdo_sim("tally", str(EXAMPLES / "iso-dis.json"))
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert set(decision) == {"id", "procedure", "approved", "outcome", "reason", "counts"}
    assert decision["procedure"] == "iso.dis"
    assert decision["approved"] is True
    assert "§2.6.3" in decision["reason"]


def test_tally_list_answers_in_order_and_exits_zero_whatever_the_outcome() -> None:
    ballots = json.loads((ROOT / "examples" / "all-procedures.json").read_text())
    result = sdo_sim("tally", str(ROOT / "examples" / "all-procedures.json"))
    assert result.returncode == 0, result.stderr
    decisions = json.loads(result.stdout)
    assert [d["procedure"] for d in decisions] == [b["procedure"] for b in ballots]
    assert {d["approved"] for d in decisions} == {True, False}


def test_every_example_ballot_tallies() -> None:
    files = sorted(str(p) for p in EXAMPLES.glob("*.json"))
    result = sdo_sim("tally", *files)
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)) == set(files)


def test_tally_reads_stdin() -> None:
    ballot = {"procedure": "3gpp.vote", "votes": [{"voter": f"m{i}", "position": "yes"} for i in range(3)]}
    result = sdo_sim("tally", "-", stdin=json.dumps(ballot))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "approved"


def test_decimal_parameters_are_read_exactly() -> None:
    ballot = {
        "procedure": "3gpp.vote",
        "params": {"threshold": 0.7},
        "votes": [{"voter": f"m{i}", "position": "yes" if i < 7 else "no"} for i in range(10)],
    }
    result = sdo_sim("tally", "-", stdin=json.dumps(ballot))
    assert json.loads(result.stdout)["approved"] is True  # 7/10 >= 0.7 exactly


def test_table_format() -> None:
    result = sdo_sim("tally", "--format", "table", str(EXAMPLES / "ieee-sa.json"))
    assert result.returncode == 0, result.stderr
    assert "too-many-abstentions" in result.stdout


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        ('{"procedure": "iso.dis", "votes": [', "<stdin>: not valid JSON: Expecting value at line 1"),
        ('{"procedure": "ansi.vote"}', "procedure: unknown procedure 'ansi.vote'; allowed: 3gpp.election"),
        ('{"votes": []}', "procedure: missing"),
        ('{"procedure": "iso.dis", "votes": [{"voter": "A", "position": "yes", "class": "Q"}]}',
         "<stdin>: votes[0].class: got 'Q'; allowed: P, O, other"),
        ('{"procedure": "ieee.sa", "balloting_group": "ten", "votes": []}',
         "balloting_group: got 'ten'"),
        ('{"procedure": "etsi.tb", "votes": [{"voter": "A", "position": "yes"}, {"voter": "A", "position": "no"}]}',
         "votes[1].voter: 'A' is listed twice (also at votes[0])"),
        ('{"procedure": "ieee.sa", "balloting_group": 1, "votes": [{"voter": "A", "position": "yes"},'
         ' {"voter": "B", "position": "no"}]}', "votes: 2 ballots but balloting_group is 1"),
        ('[{"procedure": "etsi.tb", "votes": []}, {"procedure": "etsi.tb"}]', "<stdin>: ballot 1: votes: missing"),
        ('"iso.dis"', "a ballot must be a JSON object"),
    ],
)  # fmt: skip
def test_bad_input_gets_one_line_and_exit_code_2(stdin: str, expected: str) -> None:
    result = sdo_sim("tally", "-", stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sdo-sim: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_each_bad_ballot_in_a_list_gets_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ballots.json"
    path.write_text(json.dumps([{"procedure": "x"}, {"procedure": "etsi.tb", "votes": []}, {}]))
    result = sdo_sim("tally", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert [line.split(": ")[3] for line in lines] == ["ballot 0", "ballot 2"]
    assert all(str(path) in line for line in lines)


def test_missing_file() -> None:
    result = sdo_sim("tally", "no-such-file.json")
    assert result.returncode == 2
    assert result.stderr.strip() == "sdo-sim: error: tally: no-such-file.json: no such file"


def test_bad_format_option() -> None:
    result = sdo_sim("tally", "--format", "xml", str(EXAMPLES / "ieee-sa.json"))
    assert result.returncode == 2
    assert "--format" in result.stderr and "json, table" in result.stderr


def test_version() -> None:
    result = sdo_sim("--version")
    assert result.returncode == 0
    assert result.stdout.strip()[0].isdigit()


def test_the_same_file_twice_is_refused() -> None:
    path = str(EXAMPLES / "ieee-sa.json")
    result = sdo_sim("tally", path, path)
    assert result.returncode == 2
    assert "given twice" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["tally"], "sdo-sim tally: Missing argument 'files'."),
        (["nosuch"], "No such command 'nosuch'."),
        (["run", "x.yaml", "--out", "o", "--weeks", "0"], "Invalid value for '--weeks'"),
    ],
)
def test_usage_errors_are_one_line_too(args: list[str], expected: str) -> None:
    result = sdo_sim(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sdo-sim: error: ") and expected in lines[0], result.stderr
