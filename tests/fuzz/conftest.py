"""Fuzz session summary: the outcome counts, printed and written to tests/fuzz/.work/counts.json."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

from tests.fuzz.mutations import COUNTS, WORK


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print and save the counts of mutations and exit codes, when fuzz tests ran."""
    shutil.rmtree(WORK / f"test-{os.getpid()}", ignore_errors=True)  # the last mutation's files
    if not COUNTS:
        return
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "counts.json").write_text(json.dumps(dict(sorted(COUNTS.items())), indent=1) + "\n")
    terminalreporter.section("sdo-sim fuzz counts")
    for name, count in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{name:<38} {count:>7}")
    terminalreporter.write_line(f"(written to {WORK / 'counts.json'})")
