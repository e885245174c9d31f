"""The scenario's states: a model at the start, then one after each event that fires at a fixed week.

Power is computed at the start of the run and again after each event that fires at a fixed week
(blocs tighten or grow, members arrive, rules change); events that fire on a condition of the
run are listed, not applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel
    from sdo_sim.scenario.schema import Scenario


@dataclass
class State:
    """The scenario from `week` on: its model (members, blocs, rules) and the events that led here."""

    week: int
    model: SDOModel
    events: list[str] = field(default_factory=list)
    end: int | None = None  # the week the next state starts (None: the end of the run)


def describe_event(event: Any, dated: bool = True) -> str:
    """An event in a few words, for a table title (`dated`: with the week or condition it fires at)."""
    when = f"week {event.week}" if event.week is not None else f"when {event.when}"
    text = _what(event)
    return f"{when}: {text}" if dated else text


def _what(event: Any) -> str:
    if event.kind == "bloc":
        parts = [f"cohesion {event.cohesion}"] if event.cohesion is not None else []
        parts += [f"{len(event.join)} actor(s) join"] if event.join else []
        return f"bloc {event.bloc} ({', '.join(parts) or 'no change'})"
    if event.kind == "surge":
        added = sum(spec.count for spec in event.add)
        return f"surge ({added} actor(s) added{f', bloc {event.bloc}' if event.bloc else ''})"
    if event.kind == "rules":
        changes = ", ".join(f"{p} {v}" for p, v in event.rules.items())
        tap = f"tap_share {event.tap_share}" if event.tap_share is not None else ""
        return f"rules of {event.venue} ({'; '.join(x for x in (changes, tap) if x)})"
    if event.kind == "group":
        return f"new group {event.venue.id}"
    return str(event.kind)


def states(scenario: Scenario, seed: int | None = None) -> tuple[list[State], list[str]]:
    """The scenario's states, and the events not applied (those that fire on a condition).

    Each state is a model built from the scenario, with the fixed-week events up to its week
    applied by the model's own event code (events.APPLY) and nothing simulated in between."""
    from sdo_sim.events import APPLY
    from sdo_sim.model import SDOModel

    fixed = sorted({e.week for e in scenario.events if e.when is None and e.week is not None})
    skipped = [describe_event(e) for e in scenario.events if e.when is not None]
    out: list[State] = []
    for k, week in enumerate([0, *[w for w in fixed if w > 0]]):
        model = SDOModel(scenario, seed=scenario.seed if seed is None else seed)
        fired = [e for e in model.scenario.events if e.when is None and e.week is not None and e.week <= week]
        for event in fired:
            APPLY[event.kind](model, event)
        state = State(
            week, model, [describe_event(e, dated=False) for e in fired if e.week == week or k == 0]
        )
        if out:
            out[-1].end = week
        out.append(state)
    return out, skipped


def groups_of(scenario: Scenario) -> dict[str, str]:
    """Actor name → the id of its group in the scenario (its `actors` entry or a surge's `add`)."""
    specs = [*scenario.actors, *(s for e in scenario.events if e.kind == "surge" for s in e.add)]
    out: dict[str, str] = {}
    for spec in specs:
        for k in range(spec.count):
            out.setdefault(spec.id if spec.count == 1 else f"{spec.id}-{k + 1:03d}", spec.id)
    return out


__all__ = ["State", "describe_event", "groups_of", "states"]
