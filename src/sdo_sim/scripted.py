"""Scripted proposals: the texts a scenario names under fixed ids, submitted like any other.

A historical case needs its focal proposals to be recognisable in the tables (`new-ip`,
`f-fravsrreqs`); the scenario gives who proposes what, where and when, and may fix the proposal's
quality, salience, position or track, each of which the case file must mark as sourced or
assumed. Everything after submission follows the venue's procedure: nothing here decides an outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sdo_sim.proposals import Proposal
    from sdo_sim.scenario.schema import ScriptedProposal


def expand(specs: list[ScriptedProposal]) -> list[tuple[str, int, ScriptedProposal]]:
    """(id, week, spec) of every scripted proposal: a spec with count n gives id-001 ... id-n."""
    items = []
    for spec in specs:
        for k in range(spec.count):
            name = spec.id if spec.count == 1 else f"{spec.id}-{k + 1:03d}"
            items.append((name, spec.week + k * spec.every_weeks, spec))
    return items


class Script:
    """The scripted proposals not yet submitted, by venue, in the order the scenario lists them."""

    def __init__(self, specs: list[ScriptedProposal]) -> None:
        self.pending: dict[str, list[tuple[str, int, ScriptedProposal]]] = {}
        for item in expand(specs):
            self.pending.setdefault(item[2].venue, []).append(item)

    def due(self, venue: str, week: int) -> list[tuple[str, ScriptedProposal]]:
        """The venue's scripted proposals due by this meeting (their week has come)."""
        waiting = self.pending.get(venue, [])
        ready = [(name, spec) for name, due_week, spec in waiting if due_week <= week]
        if ready:
            self.pending[venue] = [item for item in waiting if item[1] > week]
        return ready

    def hold(self, venue: str, week: int, items: list[tuple[str, ScriptedProposal]]) -> None:
        """Keep proposals whose proponent does not exist yet (an event adds it later) for the next meeting."""
        if items:
            self.pending[venue] = [(name, week, spec) for name, spec in items] + self.pending.get(venue, [])


def proponent_for(spec: ScriptedProposal, names: list[str], members: set[int], roll: float) -> int | None:
    """The proponent's actor index: the named actor, or one of a spec's actors (by `roll`) that is a
    member of the venue; None while no such actor exists (an event may add it later)."""
    prefix = spec.proponent + "-"
    candidates = [i for i, name in enumerate(names) if i in members and (
        name == spec.proponent or (name.startswith(prefix) and name[len(prefix):].isdigit()))]  # fmt: skip
    if not candidates:
        return None
    return candidates[min(int(roll * len(candidates)), len(candidates) - 1)]


def fix(proposal: Proposal, name: str, spec: ScriptedProposal) -> None:
    """Give a drawn proposal the scripted id and whatever the scenario fixes about it."""
    proposal.id, proposal.topic = name, spec.topic
    if spec.quality is not None:
        proposal.quality = spec.quality
    if spec.salience is not None:
        proposal.salience = spec.salience
    if spec.point is not None:
        proposal.point = np.array(spec.point, dtype=float)
    if spec.sensitive is not None:
        proposal.sensitive = spec.sensitive
    if spec.track is not None:
        proposal.track = spec.track
