"""Editors: who holds the pen on a text, where the text drifts while drafted, and how fast it goes.

The reports: posts, rapporteurs and editors give a "prominent role" in framing the work (Teleanu
2021, line 954); in the ITU a small team of editors takes responsibility for each project (Voo &
Creemers 2021, line 110); editors come from the proponents' side — the surveillance items were led
by editors from Chinese entities (Teleanu 2021, line 1182), five Chinese editors led the one
approved autonomous-vehicle item (line 1321), and 195 of SG20's 313 editors were Chinese (line
1332). So the most active contributor (by `contributions`) among the proponent and the members
committed to the work holds the pen, once drafting starts. At each drafting meeting the editor
attends, the text moves
`editor_pull` of the way toward the editor's ideal point, and with chance `editor_speed` an editor
who still supports the text completes two drafting steps instead of one. No report gives either
size: both are *assumed*, 0 by default (docs/ODD.md, "Editors").
"""

from __future__ import annotations

import numpy as np


def pull(point: np.ndarray, ideal: np.ndarray, share: float) -> np.ndarray:
    """The text after a drafting meeting: `share` of the way from where it was to the editor's ideal."""
    return point + share * (ideal - point)


class EditorLog:
    """Who edits which text from which week to which: `editor` rows of the `posts` table."""

    def __init__(self) -> None:
        self.open: dict[str, dict[str, object]] = {}  # proposal id → its row while drafted
        self.rows: list[dict[str, object]] = []

    def start(self, week: int, venue: str, proposal: str, holder: int, bloc: str) -> None:
        """The editor takes the pen when drafting starts (once per text)."""
        if proposal not in self.open:
            self.open[proposal] = {"venue": venue, "post": "editor", "holder": holder, "bloc": bloc,
                                   "start": week, "end": None}  # fmt: skip

    def end(self, week: int, proposal: str) -> None:
        """The text is decided: the editorship ends."""
        row = self.open.pop(proposal, None)
        if row is not None:
            self.rows.append({**row, "end": week})

    def table_rows(self) -> list[dict[str, object]]:
        """Every editorship, those still open at the end with an empty `end`."""
        return [*self.rows, *self.open.values()]
