"""Result folders that are never lost: private staging, a marker, a lock, and one atomic swap.

Every writer of results (runs now; sweeps and reports later) goes through `write_folder`:

1. `prepare` checks `--out` before any work: a missing or empty folder, or a previous sdo-sim
   result (with `force`), in a parent that can be written; and cleans what dead runs left.
2. The files are written into a private staging folder beside `--out`
   (`.NAME.sdo-sim-staging-PID-TOKEN`), created with the user's umask and `flock`ed by its owner.
3. `manifest.json` is the marker: it names sdo-sim's schema and lists every file written. A folder
   is a previous result only if its manifest says so and it holds nothing else: `--force`
   replaces nothing a user made.
4. Under an exclusive lock in the parent (`.NAME.sdo-sim.lock`, never removed), what is at `--out`
   is checked again and the staging folder takes its place in one step: a rename where `--out` is
   missing, or Linux's `renameat2(RENAME_EXCHANGE)` over old results. A kill at any instant leaves
   the old results or the new ones. Where the exchange is not available, two renames through
   `.NAME.sdo-sim-old-TOKEN` are used, and the next run restores that folder if `--out` is gone.
   An existing empty `--out` is not replaced but filled file by file, manifest last (`_move_in`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sdo_sim import output_fs
from sdo_sim.errors import SdoSimError
from sdo_sim.inputs import printable
from sdo_sim.output_fs import fs

MARKER = "sdo_sim_results"
MARKER_VERSION = 1
MANIFEST = "manifest.json"
INCOMING = ".sdo-sim-incoming-manifest.json"  # the manifest, inside an empty --out until it is filled
STAGING = ".sdo-sim-staging-"
OLD = ".sdo-sim-old-"
PROBE = ".sdo-sim-probe-"
MAX_MANIFEST_BYTES = 1024 * 1024
TOKEN = re.compile(r"[0-9a-f]{8}")
_EFFECTIVE = os.access in os.supports_effective_ids  # check write access as the effective user
STAGING_NAME = re.compile(rf"(?s)\..+{re.escape(STAGING)}[0-9]+-{TOKEN.pattern}")


class OutputError(SdoSimError):
    """Results cannot be written where asked."""


def _fail(out: Path, message: str) -> OutputError:
    return OutputError(f"--out {out}: {message}")


def listed_files(folder: Path, name: str = MANIFEST) -> list[str] | None:
    """The files a folder's sdo-sim manifest (or the one named `name`) lists, or None if there is none."""
    manifest = folder / name
    try:
        if not manifest.is_file() or manifest.is_symlink() or manifest.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    files = data.get(MARKER) == MARKER_VERSION and data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) and f and "/" not in f for f in files):
        return None
    return files


def state(out: Path) -> str:
    """What is at `out`: missing, empty, result (only sdo-sim's files), partial (see `_move_in`), other."""
    if not out.exists() and not out.is_symlink():
        return "missing"
    if out.is_symlink() or not out.is_dir():
        return "other"
    entries = list(out.iterdir())
    if not entries:
        return "empty"
    files, marker = listed_files(out), MANIFEST
    if files is None:
        files, marker = listed_files(out, INCOMING), INCOMING
    if files is None:
        return "other"
    ours = {*files, marker}
    if not all(p.name in ours and p.is_file() and not p.is_symlink() for p in entries):
        return "other"
    return "result" if marker == MANIFEST else "partial"


def _check_state(out: Path, force: bool) -> str:
    found = state(out)
    found = "other" if found == "partial" else found  # only when it could not be undone (_clean_locked)
    if found == "other" and out.is_dir() and not out.is_symlink():
        if not force:
            raise _fail(out, "folder is not empty; use --force to replace its results")
        stranger = sorted(
            p.name for p in out.iterdir() if p.name not in {*(listed_files(out) or []), MANIFEST}
        )
        shown = repr(stranger[0]) if stranger else "files not listed in its manifest.json"
        raise _fail(out, f"holds {shown}, which is not an sdo-sim result; --force replaces only "
                         "sdo-sim results, so choose another folder")  # fmt: skip
    if found == "other":
        raise _fail(out, "exists and is not a folder (or is a symbolic link)")
    if found == "result" and not force:
        raise _fail(out, "folder is not empty; use --force to replace its results")
    return found


def _lock_path(out: Path) -> Path:
    """The lock file beside `out`."""
    return out.parent / f".{out.name}.sdo-sim.lock"


@contextlib.contextmanager
def _parent_lock(out: Path) -> Iterator[None]:
    """The lock that makes check-and-swap one step for every sdo-sim run into `out`."""
    # the lock file is never removed, after a failed run or a good one: removing it would let one run
    # lock the unlinked file while another creates and locks a new one; it is empty and harmless
    lock = _lock_path(out)
    try:
        # flock needs only a read-only handle; O_NOFOLLOW refuses a planted symbolic link and
        # O_NONBLOCK keeps a planted FIFO from blocking the open (it is refused just below)
        handle = os.open(lock, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o666)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _fail(out, f"the lock file {lock} is a symbolic link; remove it") from None
        if error.errno == errno.EISDIR:
            raise _fail(out, f"the lock file {lock} is a folder; remove it") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise _fail(out, f"the lock file {lock} is not a plain file; remove it")
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock; a dead process's lock is released by the kernel


def _remove_if_dead(folder: Path) -> None:
    """Remove a staging folder whose owner is dead (its lock is free), holding that lock meanwhile."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return  # gone already, or not a folder
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fs.rmtree(folder, ignore_errors=True)
    except BlockingIOError:
        pass  # a live run is writing into it
    finally:
        os.close(handle)


def clean(out: Path) -> None:
    """Remove what dead runs left beside `out`, and bring back results a fallback swap left aside."""
    with _parent_lock(out):
        _clean_locked(out)


def _named(out: Path, kind: str) -> list[Path]:
    """The folders beside `out` named `.NAME<kind>TOKEN` for exactly this name."""
    # matched as text, not as a glob pattern: an --out named `res[1]` must not match `.res1...`
    prefix = f".{out.name}{kind}"
    return sorted(p for p in out.parent.iterdir()
                  if p.name.startswith(prefix) and TOKEN.fullmatch(p.name[len(prefix):]))  # fmt: skip


def _clean_locked(out: Path) -> None:
    """`clean`, for a caller that holds the lock."""
    for path in sorted(p for p in out.parent.iterdir() if STAGING_NAME.fullmatch(p.name)):
        _remove_if_dead(path)  # any name's: a staging folder is dead exactly when its lock is free
    for path in _named(out, PROBE):
        with contextlib.suppress(OSError):
            fs.rmdir(path)  # probes are made under this name's lock, which we hold
    for path in _named(out, OLD):
        if not path.is_dir() or path.is_symlink():
            continue
        if state(path) == "empty":
            fs.rmdir(path)  # a replaced result, emptied before its owner died
            continue
        if state(path) != "result":
            continue
        if state(out) in ("missing", "empty"):
            fs.rename(path, out)  # a run was killed between the fallback's two renames
        elif state(out) == "result":
            _remove_result(path)  # the newer results are in place
    if state(out) == "partial":
        _undo_move(out)  # its filler died under the lock we now hold: give the folder back empty


def prepare(out: Path, force: bool) -> Path:
    """Check `--out` and its parent before any work is done; returns `out` made absolute."""
    try:
        out = Path(os.path.abspath(out))  # a relative path needs the current folder, which may be gone
    except OSError as error:
        raise _fail(out, f"the current folder cannot be found ({error.strerror or error})") from None
    if out == out.parent:
        raise _fail(out, "is the root folder; results are swapped in by rename, give a folder inside it")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if not out.parent.is_dir():
            raise _fail(out, f"{out.parent} is not a folder")
        _check_place(out)
        with _parent_lock(out):
            _clean_locked(out)
            found = _check_state(out, force)
            _check_owner(out, found)
            if found == "empty" and not os.access(out, os.W_OK | os.X_OK, effective_ids=_EFFECTIVE):
                raise _fail(out, f"cannot be written ({os.strerror(errno.EACCES)})")  # it is filled in place
            probe = out.parent / f".{out.name}{PROBE}{secrets.token_hex(4)}"
            try:
                os.mkdir(probe)
            except OSError as error:
                raise _fail(out, f"cannot be written ({error.strerror or error}): results are made "
                                 f"beside it, in {out.parent}, which must be writable") from None  # fmt: skip
            os.rmdir(probe)
    except OutputError:
        raise
    except OSError as error:
        raise _fail(out, f"cannot be written ({error.strerror or error})") from None
    return out


def _check_place(out: Path) -> None:
    """Refuse, before the lock is taken, an --out that is a mount point or a lock we cannot share."""
    parent = os.stat(out.parent)
    with contextlib.suppress(FileNotFoundError):
        here = os.lstat(out)
        # a rename cannot move a mount point, nor move files into it from the parent's filesystem
        mounted = here.st_dev != parent.st_dev or os.path.ismount(out)
        if stat.S_ISDIR(here.st_mode) and (mounted or os.path.realpath(out) in output_fs.mount_points()):
            raise _fail(out, "is a mount point; results are swapped in by rename, give a folder inside it")
    if parent.st_mode & stat.S_ISVTX:
        lock = _lock_path(out)
        with contextlib.suppress(FileNotFoundError):
            # another user could hold it for ever, and fs.protected_regular refuses to open it
            if os.lstat(lock).st_uid != os.geteuid():
                raise _fail(out, f"the lock file {lock} belongs to another user in a shared (sticky) "
                                 "folder; choose another folder")  # fmt: skip


def _check_owner(out: Path, found: str) -> None:
    """Refuse results that cannot be replaced: in a sticky folder only their owner may rename them."""
    if found != "result":
        return
    parent, euid = os.stat(out.parent), os.geteuid()
    if parent.st_mode & stat.S_ISVTX and euid not in (0, parent.st_uid) and os.lstat(out).st_uid != euid:
        raise _fail(out, "belongs to another user in a shared (sticky) folder, so it cannot be replaced; "
                         "choose another folder")  # fmt: skip


def _new_staging(out: Path) -> tuple[Path, int]:
    """A staging folder beside `out`, locked by this process, and the lock's handle."""
    for _ in range(5):
        staging = out.parent / f".{out.name}{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
        os.mkdir(staging)  # the umask applies, unlike tempfile.mkdtemp's 0700
        # another run's cleaner may take it for a dead run's between mkdir and flock: then make another
        try:
            handle = os.open(staging, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except FileNotFoundError:
            continue
        fcntl.flock(handle, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):
            if os.path.samestat(os.fstat(handle), os.lstat(staging)):
                return staging, handle
        os.close(handle)
    raise OSError(errno.EAGAIN, "no staging folder could be kept", str(out.parent))


def _remove_result(folder: Path) -> None:
    """Delete a replaced result: only the plain files its manifest lists, then the folder."""
    # a cleaner may be removing the same folder (it is no run's staging any more): tolerate that
    for name in [*(listed_files(folder) or []), MANIFEST]:
        path = folder / name
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                fs.unlink(path)
    try:
        fs.rmdir(folder)
    except FileNotFoundError:
        pass
    except OSError:
        print(
            f"sdo-sim: warning: {printable(str(folder))} held more than sdo-sim's results; left in place",
            file=sys.stderr,
        )


def write_folder(out: Path, force: bool, fill: Callable[[Path], dict[str, Any]]) -> list[str]:
    """Write a result folder: `fill(staging)` writes the files and returns the manifest's fields.

    Returns the names of the files written (manifest.json last)."""
    out = prepare(out, force)
    try:
        staging, handle = _new_staging(out)
    except OSError as error:
        raise _fail(out, f"cannot be written ({error.strerror or error})") from None
    try:
        try:
            manifest = fill(staging)
            files = sorted(p.name for p in staging.iterdir() if p.name != MANIFEST)
            manifest = {**manifest, MARKER: MARKER_VERSION, "files": files}
            text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
            (staging / MANIFEST).write_text(text, encoding="utf-8")
            _publish(staging, out, force, files)
        except OSError as error:  # a full disk or quota too: one line, and `out` is left as it was
            raise _fail(out, f"cannot be written ({error.strerror or error})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(handle)
    return [*files, MANIFEST]


def _publish(staging: Path, out: Path, force: bool, files: list[str]) -> None:
    """Put the staging folder in place of `out` in one step (or fill an empty `out`), under the lock."""
    with _parent_lock(out):
        _clean_locked(out)  # a run may have died filling `out` since prepare
        found = _check_state(out, force)  # another run may have landed since prepare
        if found == "missing":
            fs.rename(staging, out)
            return
        if found == "empty":
            _move_in(staging, out, files)
            return
        if fs.exchange(staging, out):
            _remove_result(staging)  # the old results, now at the staging path
            return
        old = out.parent / f".{out.name}{OLD}{secrets.token_hex(4)}"
        fs.rename(out, old)
        try:
            fs.rename(staging, out)
        except OSError:
            with contextlib.suppress(OSError):
                fs.rename(old, out)  # put the old results straight back rather than leave --out missing
            raise
        _remove_result(old)


def _move_in(staging: Path, out: Path, files: list[str]) -> None:
    """Fill the existing empty folder `out` file by file, so it keeps its inode, mode, owner and ACL.

    The manifest goes in first under a hidden name (INCOMING) and becomes manifest.json only after
    every file is in: a kill part-way leaves no manifest.json, so nothing takes the folder for a
    result, and as the move runs under the lock, the next run into `out` (which takes that lock)
    knows the filler is dead and empties the folder again (`_clean_locked`) before it goes on."""
    moved: list[str] = []
    try:
        fs.rename_new(staging / MANIFEST, out / INCOMING)
        for name in files:
            fs.rename_new(staging / name, out / name)
            moved.append(name)
        output_fs.fsync_dir(out)  # every file is in before the manifest says so
        fs.rename_new(out / INCOMING, out / MANIFEST)
    except OSError:
        with contextlib.suppress(OSError):
            _undo_move(out, moved)  # back to the empty folder it was (what a user put there stays)
        raise
    output_fs.fsync_dir(out)
    fs.rmdir(staging)


def _undo_move(out: Path, moved: list[str] | None = None) -> None:
    """Empty a folder a run died or failed filling: the files it `moved` (or all listed), then INCOMING."""
    for name in [*(listed_files(out, INCOMING) or [] if moved is None else moved), INCOMING]:
        path = out / name
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                fs.unlink(path)
