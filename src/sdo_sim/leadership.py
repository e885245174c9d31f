"""Leadership: what a post does to a decision. The chair leans consensus calls and the agenda its own way.

The reports: chair, vice-chair and rapporteur posts give a "prominent role" in framing work, but
consensus limits what they can do (Teleanu 2021, line 954); the worry is that leaders "push
proposals through" without consensus, or block others' proposals (line 998; evidence and
counter-evidence at lines 1000-1002); a Chinese convenor did not unduly advance China's proposal
in ISO TC22/SC33/WG9 (line 1283); oversight and good governance make posts harder to abuse
(Voo & Creemers 2021, lines 268-270). None gives a size: `chair_bias` is *assumed*, neutral (0) by
default, and meant to be swept (docs/ODD.md, "Leadership").
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from sdo_sim.population import NO, YES


def biased_tolerance(tolerance: float, chair_bias: float, chair_stance: int | None) -> float:
    """The share of opposition the chair tolerates, moved by `chair_bias` toward the chair's own stance.

    A chair who supports the text still finds consensus with up to `tolerance + chair_bias` of those
    present opposed ("pushing it through"); a chair who opposes it finds none above
    `tolerance - chair_bias` (blocking); an absent, abstaining or missing chair calls it straight."""
    # decimal arithmetic, so that 0.1 + 0.2 tolerates exactly 30 of 100 and not 30.000000000000004
    shift = Decimal(repr(chair_bias)) if chair_stance in (YES, NO) else Decimal(0)
    shifted = Decimal(repr(tolerance)) + (shift if chair_stance == YES else -shift)
    return float(min(Decimal(1), max(Decimal(0), shifted)))


def defers(chair_stance: int | None, chair_bias: float, deferred_last_meeting: bool, roll: float) -> bool:
    """Whether a chair keeps a text off this meeting's agenda: only a chair who opposes it, with chance
    `chair_bias`, and never twice in a row (posts frame "the parameters for standardisation processes",
    Teleanu 2021, line 954; read as agenda and timing in research/report_001_part1.md, mechanism 16)."""
    return chair_stance == NO and not deferred_last_meeting and roll < chair_bias


def chair_stance(chair: int | None, idx: np.ndarray, stance: np.ndarray) -> int | None:
    """The chair's own position at this gate, if the chair is among those asked and present."""
    if chair is None:
        return None
    where = np.flatnonzero(idx == chair)
    return int(stance[where[0]]) if len(where) else None


#: What a venue's posts besides the chair are called, by venue kind: the posts the baselines'
#: shares count (ITU-T rapporteurs, ISO secretariats, 3GPP vice-chairs, the IETF's second co-chair).
POST_TITLES = {"itu-t": "rapporteur", "iso": "secretariat", "3gpp": "vice-chair", "ietf": "chair"}


class PostLog:
    """Who held which post from which week to which: the run's `posts` table, one row per holding."""

    def __init__(self) -> None:
        self.held: dict[tuple[str, str, int], tuple[int, str]] = {}  # (venue, post, holder) → start, bloc
        self.rows: list[dict[str, object]] = []

    def update(self, week: int, holdings: list[tuple[str, str, int]], bloc_of: dict[int, str]) -> None:
        """Close the holdings that ended and open the new ones (called whenever posts change)."""
        current = set(holdings)
        for key in sorted(self.held.keys() - current):
            start, bloc = self.held.pop(key)
            self._row(key, start, week, bloc)
        for key in sorted(current - self.held.keys()):
            self.held[key] = (week, bloc_of[key[2]])

    def _row(self, key: tuple[str, str, int], start: int, end: int | None, bloc: str) -> None:
        venue, post, holder = key
        self.rows.append({"venue": venue, "post": post, "holder": holder, "bloc": bloc, "start": start,
                          "end": end})  # fmt: skip

    def table_rows(self) -> list[dict[str, object]]:
        """Every holding, those still held at the end with an empty `end`, in order of start."""
        still = [dict(venue=k[0], post=k[1], holder=k[2], bloc=b, start=s, end=None)
                 for k, (s, b) in sorted(self.held.items())]  # fmt: skip
        return sorted([*self.rows, *still], key=lambda r: (r["start"], r["venue"], r["post"], r["holder"]))
