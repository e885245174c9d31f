"""The filesystem steps under output.py: renames that never replace, the atomic exchange, the mount table."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import sys
from pathlib import Path

RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2


def _renameat2(a: Path, b: Path, flags: int) -> bool:
    """Linux renameat2(a, b, flags); False where the system or the filesystem has no such call."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), flags)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # a filesystem without the flag: the caller falls back
    raise OSError(code, os.strerror(code), str(b))


def renameat2_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    return _renameat2(a, b, RENAME_EXCHANGE)


class Filesystem:
    """The filesystem steps of a swap, in one place (tests inject a kill between any two)."""

    rename = staticmethod(os.rename)
    unlink = staticmethod(os.unlink)
    rmdir = staticmethod(os.rmdir)
    rmtree = staticmethod(shutil.rmtree)

    @staticmethod
    def exchange(a: Path, b: Path) -> bool:
        """Swap two paths atomically (Linux renameat2); False where the system cannot."""
        return renameat2_exchange(a, b)

    @staticmethod
    def rename_new(a: Path, b: Path) -> None:
        """Rename `a` to `b`, never replacing what is at `b` (a file a user just put there)."""
        if _renameat2(a, b, RENAME_NOREPLACE):
            return
        if os.path.lexists(b):  # without the flag a small window remains; the lock covers sdo-sim's own
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(b))
        os.rename(a, b)


fs = Filesystem()


def fsync_dir(folder: Path) -> None:
    """Make the renames into `folder` durable before the next step depends on them."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def mount_points() -> set[str]:
    """Every mount point in this process's mount table (bind mounts too); empty where there is none."""
    try:
        table = Path("/proc/self/mountinfo").read_bytes()
    except OSError:
        return set()
    unescape = re.compile(rb"\\([0-7]{3})")  # the table writes space, tab, newline, backslash as \ooo
    return {os.fsdecode(unescape.sub(lambda m: bytes([int(m.group(1), 8)]), line.split(b" ")[4]))
            for line in table.splitlines() if line.count(b" ") >= 4}  # fmt: skip
