"""`sdo-sim report`: the take-home HTML report of a run or a sweep, and the terminal's progress bar."""

from __future__ import annotations

import io
import sys
import time

import pytest


class _Terminal(io.StringIO):
    """Standard error as a terminal, so that the progress bar draws."""

    def isatty(self) -> bool:
        return True


def test_the_progress_bar_never_shows_an_unknown_total(monkeypatch: pytest.MonkeyPatch) -> None:
    from sdo_sim.report import progress_bar

    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress_bar("ISO bloc voting") as update:
        assert update is not None
        time.sleep(0.25)  # rich redraws about ten times a second: the frames before any week
        update(1, 260)
        time.sleep(0.25)
    drawn = screen.getvalue()
    assert "ISO bloc voting" in drawn and "week 1/260" in drawn
    assert "None" not in drawn
