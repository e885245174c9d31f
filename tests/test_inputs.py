"""Bad and hostile inputs (issue 7): each ends quickly with exit 2 and one line naming file and field."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IETF = ROOT / "scenarios" / "baselines" / "ietf-working-group.yaml"
DIS = ROOT / "examples" / "ballots" / "iso-dis.json"
SECONDS = 10  # "finishes within a few seconds"


class Hang(Exception):
    pass


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def sdo_sim(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
            seconds: float = SECONDS) -> tuple[int, str, str]:  # fmt: skip
    """Run the command in this process within a time bound: exit code, stdout, stderr."""
    from sdo_sim import cli

    monkeypatch.setattr(sys, "argv", ["sdo-sim", *args])
    code = 0
    with time_bound(seconds):
        try:
            cli.main()
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(code: int, err: str) -> str:
    """The single error line of a refused input."""
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sdo-sim: error: ") and "Traceback" not in err
    return lines[0]


def child(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    """A scenario extending the IETF baseline with the given lines."""
    path = tmp_path / name
    path.write_text(f"extends: {IETF}\n{text}")
    return path


# --- ballots ------------------------------------------------------------------------------------


def ballot(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ballot.json"
    path.write_text(text)
    return path


ISO_DIS = '{"procedure": "iso.dis", "votes": [{"voter": "A", "position": "yes", "class": "P"}]%s}'
BAD_BALLOTS = {
    "huge exponent in a text parameter": (ISO_DIS % ', "params": {"p_majority": "1e999999999"}', "params.p_majority"),
    "huge exponent as a number": (ISO_DIS % ', "params": {"p_majority": 1e999999999}', "1e999999999 is out of range"),
    "tiny exponent as a number": (ISO_DIS % ', "params": {"p_majority": 0.5e-999999999}', "out of range"),
    "NaN parameter": (ISO_DIS % ', "params": {"p_majority": NaN}', "NaN is not a number JSON allows"),
    "Infinity parameter": (ISO_DIS % ', "params": {"p_majority": Infinity}', "Infinity is not a number"),
    "nan as text": (ISO_DIS % ', "params": {"p_majority": "nan"}', "params.p_majority: got 'nan'"),
    "5,000-digit integer": (ISO_DIS % (', "note": ' + "7" * 5000), "at most 40 digits"),
    "lone surrogate in an id": (ISO_DIS % ', "id": "x\\ud800"', "lone surrogate"),
    "duplicate key": ('{"procedure": "iso.dis", "procedure": "iso.fdis"}', "key 'procedure' appears twice"),
    "50,000 levels of nesting": ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    "not UTF-8": ('{"id": "\xff"}', "not UTF-8"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_BALLOTS))
def test_bad_ballot_gets_one_line_and_exit_2(tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    text, expected = BAD_BALLOTS[case]
    path = ballot(tmp_path, "")
    path.write_bytes(text.encode("latin-1") if case == "not UTF-8" else text.encode())
    for fmt in ("json", "table"):
        line = one_line(*sdo_sim(["tally", str(path), "--format", fmt], capsys, monkeypatch)[::2])
        assert f"error: tally: {path}: " in line or f"error: {path}: " in line, line
        assert expected in line, line


def test_ballots_above_the_size_cap_are_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(257 * 1024 * 1024)  # sparse: nothing is written, nothing need be read
    line = one_line(*sdo_sim(["tally", str(big)], capsys, monkeypatch, seconds=2)[::2])
    assert (
        "larger than 256 MiB, the limit for ballot files (set the environment variable SDO_SIM_MAX_INPUT_MB"
        in line
    )
    monkeypatch.setenv("SDO_SIM_MAX_INPUT_MB", "300")
    line = one_line(*sdo_sim(["tally", str(big)], capsys, monkeypatch)[::2])
    assert "not UTF-8" in line or "not valid JSON" in line
    line = one_line(*sdo_sim(["tally", "/dev/zero"], capsys, monkeypatch)[::2])
    assert "/dev/zero: is not a regular file; give a ballot file" in line


def test_an_endless_pipe_is_cut_at_the_size_cap(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import io

    monkeypatch.setenv("SDO_SIM_MAX_INPUT_MB", "1")

    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            buffer[:] = b" " * len(buffer)
            return len(buffer)

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Endless())))
    line = one_line(*sdo_sim(["tally", "-"], capsys, monkeypatch)[::2])
    assert "<stdin>: larger than 1 MiB, the limit for ballot files" in line


def test_a_large_but_allowed_ballot_file_still_tallies(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    votes = [{"voter": f"P{i}", "position": "yes", "class": "P"} for i in range(30_000)]
    path = ballot(tmp_path, json.dumps({"procedure": "iso.dis", "votes": votes}))
    code, out, err = sdo_sim(["tally", str(path)], capsys, monkeypatch)
    assert code == 0, err
    assert json.loads(out)["approved"] is True


def test_exact_parameters_still_read_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    votes = [{"voter": f"P{i}", "position": "yes" if i < 3 else "no", "class": "P"} for i in range(4)]
    for written, approved in (('"3/4"', True), ("0.75", True), ('"0.7500000000000000000000000001"', False)):
        text = (
            f'{{"procedure": "iso.dis", "votes": {json.dumps(votes)}, "params": {{"p_majority": {written}}}}}'
        )
        path = ballot(tmp_path, text)
        code, out, err = sdo_sim(["tally", str(path)], capsys, monkeypatch)
        assert code == 0, err
        assert json.loads(out)["approved"] is approved, written


def test_markup_and_escapes_in_ballot_ids_are_printed_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = ballot(tmp_path, ISO_DIS % ', "id": "[/oops] \\u001b[31mred\\u009b"')
    code, out, err = sdo_sim(["tally", str(path), "--format", "table"], capsys, monkeypatch)
    assert code == 0, err
    assert "[/oops]" in out and "\x1b[31m" not in out and "\\x1b[31mred" in out
    code, out, err = sdo_sim(["tally", str(path)], capsys, monkeypatch)
    assert code == 0, err
    assert "\x9b" not in out and json.loads(out)["id"] == "[/oops] \x1b[31mred\x9b"


# --- scenario files -----------------------------------------------------------------------------

BAD_SCENARIOS = {
    "NaN bloc ideal": ("blocs:\n  east: {ideal: [.nan, 0]}\n", "blocs.east.ideal[0]: got NaN"),
    "infinite positions value": ("positions: {value: .inf}\n", "positions.value: got Infinity"),
    "NaN quality": ("quality: [.nan, 2]\n", "quality[0]: got NaN"),
    "NaN proposal spread": ("proposal_spread: .nan\n", "proposal_spread: got NaN"),
    "infinite contributions": ("actors:\n  - {id: P, kind: firm, count: 3, bloc: east, memberships: {wg: participant}, contributions: .inf}\n",
                               "actors.P.contributions"),
    "reversed uniform bounds": ("actors:\n  - {id: P, kind: firm, count: 3, bloc: east, memberships: {wg: participant}, attendance: {uniform: [0.9, 0.1]}}\n",
                                "the low bound comes first"),
    "non-finite uniform bounds": ("actors:\n  - {id: P, kind: firm, count: 3, bloc: east, memberships: {wg: participant}, attendance: {uniform: [0, .inf]}}\n",
                                  "actors.P.attendance.uniform[1]: got Infinity"),
    "count of 10**100": ("actors:\n  - {id: P, kind: firm, count: 10000000000000000000000000000000, bloc: east}\n",
                         "actors.P.count: got 10000000000000000000000000000000; input should be less than or equal to 100000"),
    "count as an expression": ("actors:\n  - {id: P, kind: firm, count: 10**100, bloc: east}\n", "actors.P.count: got \"10**100\""),
    "a million proposals a meeting": ("venues:\n  - {id: wg, kind: ietf, body: WG, proposals_per_meeting: 1e6}\n",
                                      "venues.wg.proposals_per_meeting: got \"1e6\"; input should be less than or equal to 100"),
    "1e300 proposals a meeting": ("venues:\n  - {id: wg, kind: ietf, body: WG, proposals_per_meeting: 1e300}\n",
                                  "venues.wg.proposals_per_meeting"),
    "too many actor-weeks": ("weeks: 5200\nactors:\n  - {id: P, kind: firm, count: 40000, bloc: east, memberships: {wg: participant}}\n"
                             "  - {id: AD, kind: firm, count: 3, bloc: east, memberships: {wg: area-director}}\n",
                             "weeks: 40,003 actors for 5,200 weeks; actors × weeks may be at most 200,000,000"),
    "duplicate YAML key": ("weeks: 52\nweeks: 5\n", "key 'weeks' appears twice (first at line 2) at line 3"),
    "alias": ("blocs: &b {}\nname: *b\n", "aliases (*name) are not allowed"),
    "generated name collides with a given one": (
        "actors:\n  - {id: W, kind: firm, count: 10, bloc: west, memberships: {wg: participant}}\n"
        "  - {id: W-001, kind: firm, bloc: west, memberships: {wg: participant}}\n"
        "  - {id: AD, kind: firm, count: 3, bloc: east, memberships: {wg: area-director}}\n",
        "actors[1].id: generates 'W-001', which actor 'W' names already"),
    "very long number": ("weeks: 1" + "0" * 5000 + "\n", "has more than 40 digits"),
    "control character": ("name: a\x07b\n", "not valid YAML: character U+0007 (at character"),
    "python tag": ("name: !!python/object/apply:os.system [echo hi]\n", "could not determine a constructor"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_bad_scenario_value_gets_one_line_and_exit_2(tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    text, expected = BAD_SCENARIOS[case]
    path = child(tmp_path, text)
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert line.startswith(f"sdo-sim: error: {path}: ") and expected in line, line


def test_alias_bomb_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch, seconds=3)[::2])
    assert "aliases (*name) are not allowed" in line


def test_deep_nesting_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = tmp_path / "deep.yaml"
    path.write_text("name: " + "[" * 3000 + "]" * 3000 + "\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert "nested more than 64 levels deep" in line


def test_an_endless_scenario_or_base_is_cut_at_the_size_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    line = one_line(*sdo_sim(["validate", "/dev/zero"], capsys, monkeypatch)[::2])
    assert "/dev/zero: is not a regular file; give a scenario file" in line
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    line = one_line(*sdo_sim(["validate", str(big)], capsys, monkeypatch, seconds=2)[::2])
    assert "larger than 8 MiB, the limit for scenario files" in line
    path = tmp_path / "s.yaml"
    path.write_text("extends: big.yaml\nname: x\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch, seconds=2)[::2])
    assert line.startswith(f"sdo-sim: error: {big}: larger than 8 MiB")
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    path = tmp_path / "s.yaml"
    path.write_text("extends: zero.yaml\nname: x\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert "extends: zero.yaml is not a regular file" in line
    path.write_text("extends: /dev/zero\nname: x\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert "extends: /dev/zero: must be a .yaml or .yml scenario file" in line


def test_extends_reads_only_scenario_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text("extends: /etc/passwd\nname: x\n")
    code, out, err = sdo_sim(["validate", str(path)], capsys, monkeypatch)
    line = one_line(code, err)
    assert line == f"sdo-sim: error: {path}: extends: /etc/passwd: must be a .yaml or .yml scenario file"
    assert "root:" not in err and "root:" not in out


def test_a_long_extends_chain_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    for i in range(1000):
        (tmp_path / f"s{i}.yaml").write_text(f"extends: s{i + 1}.yaml\n")
    (tmp_path / "s1000.yaml").write_text(
        IETF.read_text().replace("../common/", f"{IETF.parent.parent}/common/")
    )
    line = one_line(*sdo_sim(["validate", str(tmp_path / "s0.yaml")], capsys, monkeypatch)[::2])
    assert "extends: chain longer than 16 files; flatten it" in line


def test_a_typo_in_a_base_file_is_reported_against_the_base(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    base = child(tmp_path, "blocs:\n  east: {cohesoin: 0.5, ideal: [0, 0]}\n", "base.yaml")
    path = tmp_path / "child.yaml"
    path.write_text("extends: base.yaml\nname: child\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert line.startswith(f"sdo-sim: error: {base}: blocs.east.cohesoin: unknown field"), line


def test_validate_checks_every_file_and_reports_each_bad_one(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    deep = tmp_path / "deep.yaml"
    deep.write_text("name: " + "[" * 3000 + "]" * 3000 + "\n")
    dup = child(tmp_path, "weeks: 52\nweeks: 5\n", "dup.yaml")
    code, out, err = sdo_sim(["validate", str(IETF), str(deep), str(dup), str(IETF)], capsys, monkeypatch)
    assert code == 2
    assert out.count("ok: ") == 2
    assert [line.split(": ")[2] for line in err.strip().splitlines()] == [str(deep), str(dup)]


def test_escapes_and_markup_in_names_are_printed_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = child(tmp_path, 'name: "[/oops] \\e]0;pwned\\a \\e[31mred"\n')
    out_dir = tmp_path / "r_[/x]"
    code, out, err = sdo_sim(["run", str(path), "--out", str(out_dir), "--weeks", "20"], capsys, monkeypatch)
    assert code == 0, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "[/oops]" in out and "r_[/x]" in out
    code, out, err = sdo_sim(["validate", str(path)], capsys, monkeypatch)
    assert code == 0 and "\x1b" not in out and "\\x1b[31mred" in out
    code, out, err = sdo_sim(["scenarios", str(tmp_path)], capsys, monkeypatch)
    assert code == 0, err
    assert "\x1b]" not in out and "[/oops]" in out


# --- data: references reach only the project's own table ----------------------------------------


def with_data_reference(folder: Path) -> Path:
    path = folder / "s.yaml"
    path.write_text(f"extends: {IETF}\nweeks: data:itu_t.member_states\n")
    return path


def test_data_references_never_climb_to_a_planted_table(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "calibration.csv").write_text("key,value\nitu_t.member_states,999\n")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    path = with_data_reference(tmp_path / "deep" / "er")
    code, out, err = sdo_sim(["validate", str(path)], capsys, monkeypatch)
    assert code == 0, err
    assert "193 weeks" in out  # sdo_sim's own figure (ITU Member States), not the planted 999


def test_a_repository_uses_its_own_table_and_says_which(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    table = tmp_path / "data" / "calibration.csv"
    table.write_text("key,value\nitu_t.member_states,30\n")
    (tmp_path / "scenarios").mkdir()
    path = with_data_reference(tmp_path / "scenarios")
    code, out, err = sdo_sim(["validate", str(path)], capsys, monkeypatch)
    assert code == 0 and "30 weeks" in out, err
    table.write_text("key,value\nother,1\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert line == f"sdo-sim: error: {path}: weeks: 'itu_t.member_states' is not a key of {table}"


BAD_TABLES = {
    "malformed": (b'key,value\n"x,1\n', "not a valid CSV file"),
    "not UTF-8": (b"key,value\nx,\xff\n", "is not UTF-8 text"),
    "no columns": (b"name;number\nx;1\n", "needs a header with the columns key and value"),
    "empty": (b"", "needs a header with the columns key and value"),
    "not a number": (b"key,value\nitu_t.member_states,many\n", "line 2.value: got 'many'; must be a number"),
    "infinite": (b"key,value\nitu_t.member_states,inf\n", "line 2.value: got 'inf'"),
    "twice": (b"key,value\na,1\na,2\n", "line 3.key: 'a' appears twice"),
    "a folder": (None, "is a folder, not a file"),
}


@pytest.mark.parametrize("case", sorted(BAD_TABLES))
def test_a_bad_calibration_table_is_named_in_one_line(tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    content, expected = BAD_TABLES[case]
    table = tmp_path / "table.csv"
    if content is None:
        table.mkdir()
    else:
        table.write_bytes(content)
    path = with_data_reference(tmp_path)
    line = one_line(*sdo_sim(["validate", str(path), "--data", str(table)], capsys, monkeypatch)[::2])
    assert line.startswith(f"sdo-sim: error: {table}: ") and expected in line, line


# --- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("blocs.east.cohesion=[0.5", "--set 'blocs.east.cohesion=[0.5': not valid YAML"),
    ("name=!!python/object/apply:os.system [echo]", "could not determine a constructor for the tag"),
    ("weeks=.nan", "weeks: got NaN"),
    ("=3", "--set '=3': write path=value"),
])  # fmt: skip
def test_bad_set_values_get_one_line(tmp_path: Path, value: str, expected: str, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    args = ["run", str(IETF), "--out", str(tmp_path / "out"), "--weeks", "10", "--set", value]
    line = one_line(*sdo_sim(args, capsys, monkeypatch)[::2])
    assert expected in line, line
    assert not (tmp_path / "out").exists()


def test_a_run_too_large_for_memory_is_refused_before_it_starts(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = child(tmp_path, "weeks: 5200\nactors:\n  - {id: P, kind: firm, count: 30000, bloc: east, memberships: {wg: participant}}\n"
                           "  - {id: AD, kind: firm, count: 15, bloc: west, memberships: {wg: area-director}}\n")  # fmt: skip
    args = ["run", str(path), "--out", str(tmp_path / "out"), "--positions"]
    line = one_line(*sdo_sim(args, capsys, monkeypatch, seconds=5)[::2])
    assert "needs an estimated" in line and "above the 8 GB limit; drop --positions" in line
    line = one_line(*sdo_sim([*args, "--max-memory", "0.01"], capsys, monkeypatch)[::2])
    assert "above the 0.01 GB limit" in line
    monkeypatch.setenv("SDO_SIM_MAX_MEMORY_GB", "none")
    line = one_line(*sdo_sim(args, capsys, monkeypatch)[::2])
    assert "SDO_SIM_MAX_MEMORY_GB='none': must be a number of gigabytes" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "name", ["3gpp-tsg", "ietf-working-group", "iso-technical-committee", "itu-t-study-group"]
)
def test_the_memory_estimate_bounds_the_work_of_every_baseline(name: str) -> None:
    import sdo_sim
    from sdo_sim.budget import estimate

    scenario = sdo_sim.load_scenario(ROOT / "scenarios" / "baselines" / f"{name}.yaml")
    result = sdo_sim.run(scenario, seed=1, positions=True)
    _, gates, evaluations = estimate(scenario, positions=True)
    assert len(result.decisions) <= gates
    assert result.positions is not None and len(result.positions) <= evaluations
    assert evaluations <= 5 * len(result.positions)  # an upper estimate, not a wild one


def test_a_symlink_loop_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    line = one_line(*sdo_sim(["validate", str(loop)], capsys, monkeypatch)[::2])
    assert line == f"sdo-sim: error: {loop}: is a symbolic link that loops"
    path = tmp_path / "s.yaml"
    path.write_text("extends: loop.yaml\nname: x\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert line.startswith(f"sdo-sim: error: {path}: extends: loop.yaml")


@pytest.mark.parametrize("ballot_id", ["1.5", "true", "null", "[1]", '{"a": 1}'])
def test_a_ballot_id_must_be_text_or_a_whole_number(tmp_path: Path, ballot_id: str, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = ballot(tmp_path, ISO_DIS % f', "id": {ballot_id}')
    line = one_line(*sdo_sim(["tally", str(path)], capsys, monkeypatch)[::2])
    assert "id: got" in line and "must be a string or a whole number" in line
    path.write_text(ISO_DIS % ', "id": 7')
    code, out, err = sdo_sim(["tally", str(path)], capsys, monkeypatch)
    assert code == 0 and json.loads(out)["id"] == 7, err


def test_overrides_are_recorded_and_a_mistyped_bloc_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import pandas as pd

    out = tmp_path / "out"
    args = ["run", str(IETF), "--out", str(out), "--weeks", "20", "--seed", "4"]
    code, stdout, err = sdo_sim([*args, "--set", "blocs.east.cohesion=0.9"], capsys, monkeypatch)
    assert code == 0, err
    assert "overrides: blocs.east.cohesion=0.9" in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["overrides"]) == (4, {"blocs.east.cohesion": 0.9})
    summary = pd.read_parquet(out / "summary.parquet").iloc[0]
    assert (summary["seed"], json.loads(summary["overrides"])) == (4, {"blocs.east.cohesion": 0.9})
    line = one_line(
        *sdo_sim([*args, "--force", "--set", "blocs.eest.cohesion=0.5"], capsys, monkeypatch)[::2]
    )
    assert line.endswith("blocs.eest.cohesion: no bloc 'eest'; blocs: east, nonaligned, west")


# --- settings and printing ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "0", "-3", "nan", "inf", "-inf"])
def test_a_bad_size_cap_setting_names_the_setting_not_the_file(value: str, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SDO_SIM_MAX_INPUT_MB", value)
    expected = f"sdo-sim: error: SDO_SIM_MAX_INPUT_MB: expected a positive number of MiB, got {value!r}"
    assert one_line(*sdo_sim(["tally", str(DIS)], capsys, monkeypatch)[::2]) == expected
    assert one_line(*sdo_sim(["validate", str(IETF)], capsys, monkeypatch)[::2]) == expected


def test_a_huge_size_cap_setting_is_allowed(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SDO_SIM_MAX_INPUT_MB", "1e300")  # no buffer of the cap's size is ever allocated
    code, out, err = sdo_sim(["tally", str(DIS)], capsys, monkeypatch)
    assert code == 0, err
    code, out, err = sdo_sim(["validate", str(IETF)], capsys, monkeypatch)
    assert code == 0 and out.startswith("ok: "), err


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize("char", list(BIDI))
def test_bidirectional_controls_are_printed_as_escapes(char: str) -> None:
    from sdo_sim.inputs import printable, shorten

    assert printable(f"a{char}b") == f"a\\u{ord(char):04x}b"
    assert char not in shorten(f"x{char}" * 50)


def test_a_trojan_source_ballot_id_is_shown_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = ballot(tmp_path, ISO_DIS % ', "id": "admin\\u202e\\u2066 // ok\\u2069\\u2066"')
    code, out, err = sdo_sim(["tally", str(path), "--format", "table"], capsys, monkeypatch)
    assert code == 0, err
    assert not set(BIDI) & set(out) and "\\u202e" in out
    path.write_text('{"procedure": "iso.dis\\u202e", "votes": []}')
    line = one_line(*sdo_sim(["tally", str(path)], capsys, monkeypatch)[::2])
    assert not set(BIDI) & set(line) and "iso.dis\\u202e" in line, line


@pytest.mark.parametrize("name", ["a" * 300 + ".yaml", "/".join(["b" * 200] * 25) + ".yaml"])
def test_an_extends_name_too_long_for_the_system_is_one_line(tmp_path: Path, name: str,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {name}\nname: x\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert line.startswith(f"sdo-sim: error: {path}: extends: {name[:20]}"), line
    assert "cannot be looked up (File name too long)" in line, line


# --- item caps: files of tiny lists and mappings --------------------------------------------------

ITEMS = "SDO_SIM_MAX_INPUT_ITEMS"


def test_a_ballot_of_millions_of_tiny_lists_is_refused_unparsed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = ballot(tmp_path, "[" + "[]," * 2_500_001 + "[]]")  # 7.5 MB: 5,000,003 items
    line = one_line(*sdo_sim(["tally", str(path)], capsys, monkeypatch, seconds=3)[::2])
    assert line == (
        f"sdo-sim: error: tally: {path}: holds more than 5,000,000 items (each [, {{ and , counts), "
        f"the limit for ballot files (set the environment variable {ITEMS} to raise it)"
    )
    monkeypatch.setenv(ITEMS, "10")
    line = one_line(*sdo_sim(["tally", str(DIS)], capsys, monkeypatch)[::2])
    assert "holds more than 10 items" in line, line
    monkeypatch.setenv(ITEMS, "1e4")
    code, _, err = sdo_sim(["tally", str(DIS)], capsys, monkeypatch)
    assert code == 0, err


def test_a_scenario_of_tiny_lists_stops_at_the_item_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from sdo_sim import inputs

    monkeypatch.setitem(inputs.ITEM_CAPS, "scenario", 1000)  # the real cap, 500,000, takes 15 s to reach
    path = child(tmp_path, "name: [" + "[]," * 1000 + "]\n")
    line = one_line(*sdo_sim(["validate", str(path)], capsys, monkeypatch)[::2])
    assert line.startswith(
        f"sdo-sim: error: {path}: holds more than 1,000 items (lists, mappings and values)"
    )
    assert line.endswith(f"the limit for scenario files (set the environment variable {ITEMS} to raise it)")
    big = tmp_path / "big.yaml"  # 8 MB: 2.7 million nodes, 80 s to read in full
    big.write_text("- [" + "[]," * 2_700_000 + "]\n")
    monkeypatch.setenv(ITEMS, "2000")  # the setting replaces the cap
    line = one_line(*sdo_sim(["validate", str(big)], capsys, monkeypatch, seconds=2)[::2])
    assert "holds more than 2,000 items" in line, line


def test_a_calibration_table_of_many_rows_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    table = tmp_path / "table.csv"
    table.write_text("key,value\n" + "".join(f"k{i},1\n" for i in range(250_000)))
    path = with_data_reference(tmp_path)
    line = one_line(*sdo_sim(["validate", str(path), "--data", str(table)], capsys, monkeypatch)[::2])
    assert line.startswith(
        f"sdo-sim: error: {table}: holds more than 500,000 items (each comma and line counts)"
    )
    monkeypatch.setenv(ITEMS, "nan")
    line = one_line(*sdo_sim(["validate", str(path), "--data", str(table)], capsys, monkeypatch)[::2])
    assert line == f"sdo-sim: error: {ITEMS}: expected a positive number of items, got 'nan'"


def test_shipped_files_are_far_below_the_item_caps(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from sdo_sim.inputs import ITEM_CAPS

    monkeypatch.setenv(ITEMS, str(ITEM_CAPS["scenario"] // 100))  # a hundredth of the scenario cap
    scenarios = sorted((ROOT / "scenarios").rglob("*.yaml"))
    code, out, err = sdo_sim(["validate", *map(str, scenarios)], capsys, monkeypatch)
    assert "items" not in err and out.count("ok: ") == len(scenarios) - 1  # common/blocs.yaml: a fragment
    monkeypatch.setenv(ITEMS, str(ITEM_CAPS["ballot"] // 1000))  # a thousandth of the ballot cap
    code, out, err = sdo_sim(
        ["tally", *map(str, sorted((ROOT / "examples").rglob("*.json")))], capsys, monkeypatch
    )
    assert code == 0, err
