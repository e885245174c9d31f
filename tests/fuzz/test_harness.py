"""The fuzz harness itself: it runs the command in-process, notices every broken promise, makes every mutation."""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path

import pytest
import yaml

from tests.fuzz import mutations as m

ROOT = Path(__file__).resolve().parents[2]


def test_invoke_captures_output_of_json_and_rich_tables() -> None:
    """stdout, stderr and the exit code are caught; rich tables print into the captured stdout."""
    ballot = str(ROOT / "examples" / "ballots" / "ieee-sa.json")
    result = m.invoke(["tally", ballot])
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["procedure"] == "ieee.sa"
    table = m.invoke(["tally", ballot, "--format", "table"])
    assert (table.code, table.stderr) == (0, "")
    assert "Decisions" in table.stdout
    missing = m.invoke(["tally", str(ROOT / "no-such-ballot.json")])
    assert missing.code == 2
    assert missing.stderr.startswith(m.ERROR_PREFIX)
    assert m.problems(missing, "tally") == []


def test_invoke_ends_a_hang_at_the_time_bound(tmp_path: Path) -> None:
    """A command still running at the bound is stopped and reported as a hang."""
    scenario = str(ROOT / "scenarios" / "baselines" / "3gpp-tsg.yaml")
    args = ["run", scenario, "--out", str(tmp_path / "out"), "--format", "csv", "--weeks", "5200"]
    result = m.invoke(args, timeout=0.3)
    assert result.code is None, result.stderr[-2000:]
    assert result.seconds < 5
    assert m.problems(result, "run")[0].startswith("hang")


@pytest.mark.parametrize(
    ("code", "stdout", "stderr", "verb", "expected"),
    [
        (1, "", "sdo-sim: internal error: TypeError: x\n", "tally", "exit 1"),
        (2, "", "sdo-sim: error: a\nsdo-sim: error: b\n", "validate", "2 lines on stderr"),
        (2, "", "Error: something\n", "validate", "stderr line not starting"),
        (2, "", "", "validate", "exit 2 with nothing on stderr"),
        (2, "", "sdo-sim: error: a\x1b[31m\n", "validate", "raw control character '\\x1b' on stderr"),
        (2, "", "sdo-sim: error: a\u2028b\n", "validate", "a line break other than"),
        (0, "x\x9b31m\n", "", "tally", "raw control character '\\x9b' on stdout"),
        (0, "ok: a\n", "Traceback (most recent call last):\n", "validate", "traceback on stderr"),
        (0, "ok: a\n", "RuntimeWarning: overflow\n", "validate", "exit 0 with stderr"),
        (0, "oops\n", "", "validate", "validate: stdout lines must start"),
        (0, '{"a": NaN}\n', "", "tally", "stdout is not strict JSON"),
        (0, "", "", "run", "exit 0 with nothing on stdout"),
    ],
)
def test_problems_names_each_broken_promise(
    code: int, stdout: str, stderr: str, verb: str, expected: str
) -> None:
    """Each way of breaking the command line's promises is caught."""
    result = m.Result([verb, "file"], code, stdout, stderr, 0.1)
    assert any(found.startswith(expected) for found in m.problems(result, verb)), m.problems(result, verb)


def test_odd_values_are_written_as_intended() -> None:
    """The odd values reach the loaders as the values they stand for."""
    odd = {value.label: value for value in m.ODD_VALUES}
    assert math.isnan(yaml.safe_load(odd["NaN"].yaml))
    assert yaml.safe_load(odd["+inf"].yaml) == math.inf
    assert (
        yaml.safe_load(odd["ANSI colour"].yaml) == json.loads(odd["ANSI colour"].json) == "\x1b[31mred\x1b[0m"
    )
    assert yaml.safe_load(odd["lone surrogate"].yaml) == json.loads(odd["lone surrogate"].json) == "\ud800"
    assert yaml.safe_load(odd["C1 CSI"].yaml) == "\x9b31mred"
    assert len(odd["10**5000"].json) == 5001
    assert depth(yaml.safe_load(odd["list nested 100 deep"].yaml)) == 100
    assert depth(json.loads(odd["list nested 100 deep"].json)) == 100
    assert isinstance(yaml.safe_load("a: " + odd["date"].yaml)["a"], datetime.date)


def depth(node: object) -> int:
    """How deep lists nest in `node`, following first items."""
    levels = 0
    while isinstance(node, list):
        levels, node = levels + 1, node[0] if node else None
    return levels


def test_node_mutations_change_only_their_node() -> None:
    """A replaced leaf reads back as the odd value, its neighbours unchanged; keys duplicate and rename."""
    source = next(s for s in m.SCENARIOS if s.rel.endswith("iso-bloc-voting.yaml"))
    odd = next(v for v in m.ODD_VALUES if v.label == "-1")
    replaced = yaml.safe_load(m.mutated_text(m.Mutation(source, "replace", ("events", 0, "week"), odd)))
    assert replaced["events"][0]["week"] == -1
    assert replaced["events"][0]["bloc"] == "east"
    duplicated = m.mutated_text(m.Mutation(source, "duplicate", ("name",), odd))
    assert duplicated.count('"name": -1') == 1
    assert duplicated.count("name: ISO bloc voting") == 1
    renamed = yaml.safe_load(m.mutated_text(m.Mutation(source, "rename", ("name",), detail="plural")))
    assert "names" in renamed
    assert "name" not in renamed
    ballot = next(s for s in m.BALLOTS if s.rel.endswith("iso-dis.json"))
    text = m.mutated_text(m.Mutation(ballot, "duplicate", ("procedure",), odd))
    assert '"procedure": "iso.dis"' in text
    assert '"procedure": -1' in text


def test_every_node_is_reachable() -> None:
    """The node shapes a mutation draws from hold every node of every shipped file."""
    for source in (*m.SCENARIOS, *m.BALLOTS):
        drawn = {path for group in source.patterns for path in group}
        assert drawn == set(m.node_paths(source.data)), source.rel


@pytest.mark.parametrize("detail", m.WHOLE_FILE)
def test_every_whole_file_change_materialises(detail: str, tmp_path: Path) -> None:
    """Every whole-file change writes a file (or names one) for both kinds of source."""
    for source in (m.SCENARIOS[0], m.BALLOTS[0], m.BALLOTS[1]):
        folder = tmp_path / source.rel.replace("/", "-")
        given, entry = m.materialise(m.Mutation(source, "whole", detail=detail, position=99), folder)
        assert entry is None
        assert given.is_symlink() or given.exists() or detail == "missing file"
