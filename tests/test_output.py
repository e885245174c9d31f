"""Results already written are never lost (issue 7): the marker, the lock, the swap, the leftovers."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sdo_sim import output, output_fs
from sdo_sim.output import OutputError, write_folder

ROOT = Path(__file__).resolve().parents[1]
IETF = ROOT / "scenarios" / "baselines" / "ietf-working-group.yaml"


def filler(
    tag: str, files: int = 3, then: Callable[[], None] | None = None
) -> Callable[[Path], dict[str, Any]]:
    """A fill function writing `files` small tables that say which run wrote them."""

    def fill(staging: Path) -> dict[str, Any]:
        for i in range(files):
            (staging / f"t{i}.csv").write_text(f"{tag} {i}\n")
            if then is not None and i == 0:
                then()
        return {"run": tag}

    return fill


def whole_result(out: Path) -> str:
    """The tag of the complete result in `out` (fails unless every listed file is there and agrees)."""
    manifest = json.loads((out / "manifest.json").read_text())
    tag = manifest["run"]
    assert manifest["sdo_sim_results"] == 1
    assert sorted(p.name for p in out.iterdir()) == sorted([*manifest["files"], "manifest.json"])
    for name in manifest["files"]:
        assert (out / name).read_text().startswith(f"{tag} "), name
    return tag


def in_child(action: Callable[[], None]) -> int:
    """Run `action` in a forked child; its exit status (OutputError → 2, a kill → -signal)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            action()
        except OutputError:
            code = 2
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def sdo_sim(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    from sdo_sim import cli

    monkeypatch.setattr(sys, "argv", ["sdo-sim", *args])
    try:
        cli.main()
    except SystemExit as exit_:
        return int(exit_.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().err


def leftovers(parent: Path) -> list[str]:
    names = (p.name for p in parent.iterdir() if p.name.startswith("."))
    return sorted(name for name in names if ".sdo-sim-staging-" in name or ".sdo-sim-old-" in name)


# --- --force replaces only what sdo-sim wrote --------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | str]:
    return {str(p.relative_to(folder)): ("link" if p.is_symlink() else p.read_bytes() if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}  # fmt: skip


@pytest.mark.parametrize("case", ["user files with result names", "a folder named like a table",
                                  "a symlink named like a table", "a manifest without the marker"])  # fmt: skip
def test_force_refuses_folders_sdo_sim_did_not_write(tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    out = tmp_path / "out"
    if case == "user files with result names":
        out.mkdir()
        (out / "summary.csv").write_text("my,own\n1,2\n")
        (out / "manifest.json").write_text('{"mine": true}\n')
    else:
        write_folder(out, False, filler("old"))
        if case == "a folder named like a table":
            (out / "summary.parquet").mkdir()
            (out / "summary.parquet" / "notes.txt").write_text("precious")
        elif case == "a symlink named like a table":
            (out / "t0.csv").unlink()
            (out / "t0.csv").symlink_to(tmp_path / "elsewhere")
        else:
            manifest = json.loads((out / "manifest.json").read_text())
            del manifest["sdo_sim_results"]
            (out / "manifest.json").write_text(json.dumps(manifest))
    before = snapshot(out)
    code, err = sdo_sim(
        ["run", str(IETF), "--out", str(out), "--weeks", "10", "--force"], capsys, monkeypatch
    )
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "not an sdo-sim result" in err, err
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_force_replaces_a_previous_result_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    out = tmp_path / "out"
    assert sdo_sim(["run", str(IETF), "--out", str(out), "--weeks", "10", "--seed", "1", "--positions"],
                   capsys, monkeypatch)[0] == 0  # fmt: skip
    code, err = sdo_sim(["run", str(IETF), "--out", str(out), "--weeks", "10", "--seed", "2", "--force"],
                        capsys, monkeypatch)  # fmt: skip
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert (
        manifest["seed"] == 2 and not (out / "positions.parquet").exists()
    )  # nothing of the old run is left
    assert sorted(p.name for p in out.iterdir()) == sorted([*manifest["files"], "manifest.json"])
    assert leftovers(tmp_path) == []


# --- concurrent runs ----------------------------------------------------------------------------


def test_concurrent_writers_into_one_folder_exactly_one_wins(tmp_path: Path) -> None:
    out = tmp_path / "new"
    codes = []
    for _ in range(3):  # rounds
        if out.exists():
            for p in out.iterdir():
                p.unlink()
            out.rmdir()
        pids = []
        for i in range(8):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                try:
                    write_folder(out, False, filler(f"run{i}", then=lambda: time.sleep(0.05)))
                    os._exit(0)
                except OutputError:
                    os._exit(2)
                except BaseException:
                    os._exit(1)
            pids.append(pid)
        codes = sorted(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids)
        assert codes == [0] + [2] * 7
        whole_result(out)
        assert leftovers(tmp_path) == []


def test_concurrent_cli_runs_exactly_one_wins(tmp_path: Path) -> None:
    out = tmp_path / "shared"
    command = [sys.executable, "-m", "sdo_sim.cli", "run", str(IETF), "--out", str(out), "--weeks", "20"]
    runs = [subprocess.Popen([*command, "--seed", str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for seed in range(6)]  # fmt: skip
    results = [(*run.communicate(timeout=120)[1:], run.returncode) for run in runs]
    assert sorted(code for _, code in results) == [0, 2, 2, 2, 2, 2], results
    for err, code in results:
        if code == 2:
            assert len(err.strip().splitlines()) == 1, err
            assert err.strip().endswith("folder is not empty; use --force to replace its results"), err
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(p.name for p in out.iterdir()) == sorted([*manifest["files"], "manifest.json"])
    winner = next(seed for seed, (_, code) in enumerate(results) if code == 0)
    assert manifest["seed"] == winner
    import pandas as pd

    for name in manifest["files"]:
        assert len(pd.read_parquet(out / name).columns) > 0


# --- a kill at any instant ---------------------------------------------------------------------


def killed_at(step: int, out: Path, exchange: bool) -> int:
    """Write results into `out`, killing the process at filesystem step `step` of the swap or move."""

    def action() -> None:
        calls = [0]

        def counted(function: Callable[..., Any]) -> Callable[..., Any]:
            def step_or_die(*args: Any, **kwargs: Any) -> Any:
                if calls[0] == step:
                    os.kill(os.getpid(), signal.SIGKILL)
                calls[0] += 1
                return function(*args, **kwargs)

            return step_or_die

        for name in ("rename", "rename_new", "unlink", "rmdir", "rmtree"):
            setattr(output.fs, name, counted(getattr(output_fs.Filesystem, name)))
        real = output_fs.Filesystem.exchange if exchange else (lambda a, b: False)
        output.fs.exchange = counted(real)
        write_folder(out, True, filler("new"))

    return in_child(action)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_a_kill_between_any_two_steps_leaves_old_or_new_results(tmp_path: Path, exchange: bool) -> None:
    if exchange and not output_fs.renameat2_exchange(tmp_path, tmp_path):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here")
    completed_at = None
    for step in range(20):
        parent = tmp_path / f"step{step}"
        parent.mkdir()
        out = parent / "out"
        write_folder(out, False, filler("old"))
        code = killed_at(step, out, exchange)
        if code == 0:
            completed_at = step
            assert whole_result(out) == "new"
            break
        assert code == -signal.SIGKILL
        if exchange:
            assert whole_result(out) in ("old", "new")  # at every instant
        else:
            # the fallback has one window, between its two renames, where out is missing
            if out.exists():
                assert whole_result(out) in ("old", "new")
        # the next run into the same parent puts things right and lands whole
        before = whole_result(out) if out.exists() else None
        output.clean(out)
        assert whole_result(out) == (before or "old")
        assert leftovers(parent) == []
        write_folder(out, True, filler("next"))
        assert whole_result(out) == "next"
    assert completed_at == (6 if exchange else 8)  # every step of the swap was a kill point


# --- leftovers of dead runs ---------------------------------------------------------------------


def test_a_run_killed_while_writing_leaves_a_staging_folder_the_next_run_removes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = in_child(lambda: write_folder(out, False, filler("dies", then=lambda: os.kill(os.getpid(), 9))))
    assert code == -signal.SIGKILL
    assert not out.exists()
    [stale] = leftovers(tmp_path)
    assert stale.startswith(".out.sdo-sim-staging-")
    user_things = [tmp_path / ".out.partial-x", tmp_path / "notes.sdo-sim-staging-not-hidden"]
    for path in user_things:
        path.mkdir()
    write_folder(tmp_path / "other", False, filler("next"))  # any run into the same parent
    assert leftovers(tmp_path) == []
    assert all(path.is_dir() for path in user_things)


def test_a_hand_made_staging_folder_nobody_holds_is_removed(tmp_path: Path) -> None:
    stale = tmp_path / ".elsewhere.sdo-sim-staging-999999-abcd1234"
    stale.mkdir()
    (stale / "summary.parquet").write_bytes(b"half")
    write_folder(tmp_path / "out", False, filler("next"))
    assert not stale.exists() and whole_result(tmp_path / "out") == "next"


def test_a_live_runs_staging_folder_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "slow"
    ready, done = os.pipe(), os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child

        def wait() -> None:
            os.write(ready[1], b"x")
            os.read(done[0], 1)

        write_folder(out, False, filler("slow", then=wait))
        os._exit(0)
    os.read(ready[0], 1)
    [staging] = leftovers(tmp_path)
    write_folder(tmp_path / "fast", False, filler("fast"))
    assert leftovers(tmp_path) == [staging]  # still being written by a live run
    os.write(done[1], b"x")
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert whole_result(out) == "slow" and leftovers(tmp_path) == []


# --- checked before the run, created with the user's umask --------------------------------------


def test_an_unusable_out_is_refused_before_the_simulation(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from sdo_sim import runner

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the simulation ran before --out was checked")

    monkeypatch.setattr(runner, "SDOModel", never)
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for out, expected in ((a_file / "out", "cannot be written"), (a_file, "exists and is not a folder"),
                          (tmp_path / ("x" * 300), "cannot be written (File name too long)"),
                          (Path("/proc/sdo-sim-out"), "cannot be written")):  # fmt: skip
        started = time.monotonic()
        code, err = sdo_sim(["run", str(IETF), "--out", str(out)], capsys, monkeypatch)
        assert time.monotonic() - started < 3
        assert code == 2 and len(err.strip().splitlines()) == 1, err
        assert f"--out {out}: {expected}" in err, err
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".sdo-sim.lock")) == [
        "a-file"
    ]  # no tables, no staging folder


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_parent_is_refused_before_the_simulation(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        code, err = sdo_sim(["run", str(IETF), "--out", str(parent / "out")], capsys, monkeypatch)
    finally:
        parent.chmod(0o700)
    assert code == 2 and "cannot be written (Permission denied)" in err


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o077, 0o700, 0o600)])
def test_results_follow_the_users_umask(tmp_path: Path, umask: int, folder: int, file: int) -> None:
    out = tmp_path / "out"

    def action() -> None:
        os.umask(umask)
        write_folder(out, False, filler("umask"))

    assert in_child(action) == 0
    assert out.stat().st_mode & 0o777 == folder
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {file}


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o077, 0o700, 0o600)])
def test_runs_and_sweeps_written_by_the_commands_follow_the_users_umask(
    tmp_path: Path, umask: int, folder: int, file: int
) -> None:
    """Issue 9: colleagues on a shared server read results when the umask lets them, and only then."""
    experiment = tmp_path / "experiment.yaml"
    experiment.write_text(f"name: small\nscenario: {IETF}\nfactors:\n  - {{path: blocs.east.cohesion, values: [0, 1]}}\n"
                          "design: {kind: grid}\nreplications: 1\nseed: 3\nmetrics: [approval_rate]\n")  # fmt: skip
    results = tmp_path / "results"
    commands = [["run", str(IETF), "--out", str(results / "run"), "--weeks", "30", "--plot"],
                ["run", str(IETF), "--out", str(results / "csv"), "--weeks", "30", "--format", "csv"],
                ["sweep", str(experiment), "--out", str(results / "sweep"), "--workers", "1"]]  # fmt: skip

    def action() -> None:
        from sdo_sim import cli

        os.umask(umask)
        for args in commands:
            sys.argv = ["sdo-sim", *args]
            try:
                cli.main()
            except SystemExit as exit_:
                assert not exit_.code, args

    assert in_child(action) == 0
    written = [results, *results.rglob("*")]
    assert {p.name for p in results.iterdir()} >= {"run", "csv", "sweep"}
    assert {p.name for p in written} >= {
        "overview.png",
        "decisions.csv",
        "sweep.json",
        "manifest.json",
        "runs",
    }
    assert any(p.suffix == ".parquet" for p in (results / "sweep" / "runs").iterdir())
    assert {p.stat().st_mode & 0o777 for p in written if p.is_dir()} == {folder}
    assert {p.stat().st_mode & 0o777 for p in written if not p.is_dir()} == {file}


# --- names, links and races around the parent folder ------------------------------------------


def test_an_out_name_with_glob_characters_touches_only_its_own_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "res[1]"
    other_old = tmp_path / ".res1.sdo-sim-old-abcd1234"  # what the glob `.res[1].sdo-sim-old-*` matches
    write_folder(other_old, False, filler("theirs"))
    other_probe = tmp_path / ".res1.sdo-sim-probe-abcd1234"
    other_probe.mkdir()
    write_folder(out, False, filler("mine"))
    assert whole_result(out) == "mine" and whole_result(other_old) == "theirs"
    assert other_probe.is_dir()
    own_probe = tmp_path / ".res[1].sdo-sim-probe-abcd1234"
    own_probe.mkdir()
    output.clean(out)
    assert not own_probe.exists() and other_probe.is_dir()


def test_a_symlink_planted_at_the_lock_path_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "victim"
    (tmp_path / ".out.sdo-sim.lock").symlink_to(target)
    with pytest.raises(OutputError, match=r"lock file .* is a symbolic link"):
        write_folder(tmp_path / "out", False, filler("x"))
    assert not target.exists() and not (tmp_path / "out").exists()


def test_a_staging_folder_removed_before_it_is_locked_is_made_again(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    real_mkdir, taken = os.mkdir, []

    def mkdir_then_cleaner(path: Any, *args: Any, **kwargs: Any) -> None:
        real_mkdir(path, *args, **kwargs)
        if ".sdo-sim-staging-" in str(path) and not taken:
            taken.append(path)
            os.rmdir(path)  # another run's cleaner, between our mkdir and open

    monkeypatch.setattr(os, "mkdir", mkdir_then_cleaner)
    write_folder(tmp_path / "out", False, filler("again"))
    assert taken and whole_result(tmp_path / "out") == "again"
    assert leftovers(tmp_path) == []


def test_a_warning_escapes_control_characters_in_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a\x1b[2Jb"
    write_folder(folder, False, filler("x"))
    (folder / "mine.txt").write_text("precious")
    output._remove_result(folder)
    err = capsys.readouterr().err
    assert "warning" in err and "\x1b" not in err and "\\x1b" in err
    assert (folder / "mine.txt").read_text() == "precious"


# --- places results cannot be swapped into ------------------------------------------------------


@pytest.mark.parametrize("how", ["ismount", "another device", "mountinfo"])
def test_a_mount_point_is_refused_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    out = tmp_path / "mnt"
    out.mkdir()
    if how == "ismount":
        real_ismount = os.path.ismount
        monkeypatch.setattr(os.path, "ismount", lambda p: os.fspath(p) == str(out) or real_ismount(p))
    elif how == "another device":
        real_lstat = os.lstat

        def lstat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            found = real_lstat(path, *args, **kwargs)
            if os.fspath(path) != str(out):
                return found
            return os.stat_result((found.st_mode, found.st_ino, found.st_dev + 1, *found[3:10]))

        monkeypatch.setattr(os, "lstat", lstat)
    else:  # a bind mount of the same filesystem: same device, only the mount table knows
        monkeypatch.setattr(output_fs, "mount_points", lambda: {str(out)})
    with pytest.raises(OutputError, match="is a mount point; results are swapped in by rename"):
        output.prepare(out, False)
    assert list(out.iterdir()) == []


def test_mount_points_are_read_from_the_mount_table() -> None:
    if not Path("/proc/self/mountinfo").exists():
        pytest.skip("no /proc/self/mountinfo here")
    assert "/" in output_fs.mount_points()


def test_the_root_folder_is_refused_with_one_line(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    code, err = sdo_sim(["run", str(IETF), "--out", "/"], capsys, monkeypatch)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "--out /: is the root folder" in err, err


def test_a_current_folder_that_is_gone_is_refused_with_one_line(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(OutputError, match="the current folder cannot be found"):
        output.prepare(Path("."), False)


def test_out_as_the_current_folder_in_a_read_only_parent_is_one_line(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    def refuse(path: Any, *args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setattr(os, "mkdir", refuse)  # as if the parent could not be written
    with pytest.raises(OutputError, match=r"cannot be written \(Permission denied\).*beside it"):
        output.prepare(Path("."), False)


def sticky_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shared folder like /tmp, whose files (made by this test) belong to another user than us."""
    parent = tmp_path / "shared"
    parent.mkdir(exist_ok=True)
    parent.chmod(0o1777)
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 4242)
    return parent


def test_results_of_another_user_in_a_sticky_folder_are_refused(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    parent = tmp_path / "shared"
    parent.mkdir()
    out = parent / "out"
    write_folder(out, False, filler("theirs"))
    (parent / ".out.sdo-sim.lock").unlink()
    sticky_parent(tmp_path, monkeypatch)
    with pytest.raises(OutputError, match="belongs to another user in a shared"):
        output.prepare(out, True)
    assert whole_result(out) == "theirs"


def test_a_lock_file_of_another_user_in_a_sticky_folder_is_refused(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    parent = sticky_parent(tmp_path, monkeypatch)
    (parent / ".out.sdo-sim.lock").touch()
    with pytest.raises(OutputError, match=r"lock file .* belongs to another user"):
        output.prepare(parent / "out", False)


# --- a full disk ----------------------------------------------------------------------------------


def test_a_full_disk_while_writing_is_one_error_and_the_old_results_stay(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, False, filler("old"))

    def fill(staging: Path) -> dict[str, Any]:
        (staging / "t0.csv").write_text("new 0\n")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(staging / "t1.csv"))

    with pytest.raises(OutputError, match=rf"--out {out}: cannot be written \(No space left on device\)"):
        write_folder(out, True, fill)
    assert whole_result(out) == "old" and leftovers(tmp_path) == []


# --- an existing empty folder is filled, not replaced --------------------------------------------


def test_an_empty_out_folder_is_filled_and_keeps_its_inode_and_mode(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    out.chmod(0o2751)
    before = out.stat()
    write_folder(out, False, filler("new"))
    after = out.stat()
    assert whole_result(out) == "new" and leftovers(tmp_path) == []
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_the_current_folder_as_an_empty_out_stays_the_current_folder(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    write_folder(Path("."), False, filler("here"))
    assert os.getcwd() == str(here) and whole_result(Path(".")) == "here"


def test_a_kill_while_filling_an_empty_folder_leaves_no_manifest_and_is_undone(tmp_path: Path) -> None:
    completed_at = None
    for step in range(12):
        parent = tmp_path / f"step{step}"
        parent.mkdir()
        out = parent / "out"
        out.mkdir()
        inode = out.stat().st_ino
        code = killed_at(step, out, exchange=True)
        if code == 0:
            completed_at = step
            assert whole_result(out) == "new" and out.stat().st_ino == inode
            break
        assert code == -signal.SIGKILL
        assert out.stat().st_ino == inode
        if (out / "manifest.json").exists():
            assert whole_result(out) == "new"  # the manifest is the last step: only ever a whole result
        output.clean(out)  # the next run into `out` holds the lock the dead one held, and undoes it
        assert leftovers(parent) == []
        done = (out / "manifest.json").exists()
        assert whole_result(out) == "new" if done else list(out.iterdir()) == []
        write_folder(out, done, filler("next"))
        assert whole_result(out) == "next"
    assert completed_at == 6  # five renames (manifest under a hidden name first) and one rmdir


def test_a_file_appearing_while_filling_an_empty_folder_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real = output_fs.Filesystem.rename_new

    def user_races(a: Path, b: Path) -> None:
        if b.name == "t1.csv":
            b.write_text("the user's")
        real(a, b)

    monkeypatch.setattr(output.fs, "rename_new", user_races)
    with pytest.raises(OutputError, match="cannot be written"):
        write_folder(out, False, filler("new"))
    assert [p.name for p in out.iterdir()] == ["t1.csv"] and (out / "t1.csv").read_text() == "the user's"
    assert leftovers(tmp_path) == []


def test_an_empty_out_folder_that_cannot_be_written_is_refused_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, *a, **k: os.fspath(p) != str(out) and real_access(p, *a, **k))
    with pytest.raises(OutputError, match=r"cannot be written \(Permission denied\)"):
        output.prepare(out, False)
