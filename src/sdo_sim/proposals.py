"""Proposals: what actors submit and what a venue's pipeline moves from stage to stage."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Proposal:
    """A proposed standard (Recommendation, International Standard, specification, RFC)."""

    id: str
    venue: str
    proponent: int  # actor index
    bloc: int  # proponent's bloc index (the Population's "no bloc" index when none)
    point: np.ndarray  # position in the issue space
    quality: float  # technical quality, 0 to 1
    salience: float = 1.0  # how contested: scales the distance and affinity terms, 0 to 1
    sensitive: bool = False  # policy or regulatory implications (ITU-T A.8 §5.2)
    track: str = ""  # ITU-T: "aap" or "tap"
    topic: str = ""  # a tag a scenario gives (scripted.py)
    resubmitted_from: str = ""  # the id of the failed proposal this one brings back elsewhere
    route: tuple[str, ...] = ()  # venues the text failed in before this one (forum.py)
    work_item: str = ""  # the work item whose alternative this is
    stage: str = "proposed"
    submitted: int = 0
    decided: int | None = None
    outcome: str = "pending"
    approved: bool = False
    procedure: str = ""  # the procedure of the last gate
    drafting_left: int = 0
    stalled: int = 0
    attempts: int = 0
    deferred: bool = False  # kept off the last meeting's agenda by the chair (leadership.py)
    gates: list[int] = field(default_factory=list)  # decision ids
    sponsors: list[int] = field(default_factory=list)  # actors committed to the work (proponent first)
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # bloc lines at submission

    @property
    def open(self) -> bool:
        """Whether the proposal is still moving through the pipeline."""
        return self.decided is None
