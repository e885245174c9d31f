"""Scripted events: blocs form or tighten, participation surges, rules change, posts change hands.

Each event fires once: at its week, or the first week its condition on model metrics holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sdo_sim.forum import create_group
from sdo_sim.scenario.base import MAX_WEIGHT
from sdo_sim.scenario.conditions import holds, parse_condition
from sdo_sim.scenario.schema import MAX_DELEGATES, MAX_SUBSIDIARIES

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel
    from sdo_sim.scenario.schema import BlocChange, PostChange, RuleChange, Surge


class EventQueue:
    """The scenario's events not yet fired."""

    def __init__(self, events: list[Any]) -> None:
        self.pending = list(events)
        self.order = {id(e): i for i, e in enumerate(events)}  # the event's index in the scenario
        self.conditions = {id(e): parse_condition(e.when) for e in events if e.when is not None}
        self.metrics_used = {condition[0] for condition in self.conditions.values()}
        self.fired: list[tuple[int, str, int]] = []  # (week, kind, index in the scenario's events)

    def fire_due(self, model: SDOModel, week: int) -> None:
        """Apply every event due this week, in scenario order."""
        if not self.pending:
            return
        waiting = any(e.when is not None for e in self.pending)
        metrics = model.metrics(self.metrics_used) if waiting else {}
        due = [
            e
            for e in self.pending
            if e.week == week or (e.when is not None and holds(self.conditions[id(e)], metrics))
        ]
        for event in due:
            self.pending.remove(event)
            APPLY[event.kind](model, event)
            self.fired.append((week, event.kind, self.order[id(event)]))


def _bloc(model: SDOModel, event: BlocChange) -> None:
    """A bloc tightens (cohesion) or grows (actors join it)."""
    bloc = model.scenario.blocs[event.bloc]
    if event.cohesion is not None:
        bloc.cohesion = event.cohesion
    joining = set(event.join)  # a set: a long join list must not make this actors × names
    for actor in model.actor_list:
        if actor.name in joining or actor.name.rsplit("-", 1)[0] in joining:
            actor.bloc = event.bloc
    model.rebuild()
    model.posts_changed()


def _surge(model: SDOModel, event: Surge) -> None:
    """A bloc's members attend and contribute more, and new members arrive (as specified)."""
    if event.bloc is not None:
        for actor in model.actor_list:
            if actor.bloc == event.bloc:
                actor.attendance = min(1.0, actor.attendance * event.attendance)
                # Surges compound; each stays within the bounds a scenario may set directly, so
                # that a thousand surges cannot overflow a float or an int (issue 7).
                actor.contributions = min(MAX_WEIGHT, actor.contributions * event.contributions)
                actor.delegates = min(MAX_DELEGATES, max(1, round(actor.delegates * event.delegates)))
                if hasattr(actor, "subsidiaries"):
                    subsidiaries = actor.subsidiaries + event.subsidiaries  # type: ignore[attr-defined]
                    actor.subsidiaries = min(MAX_SUBSIDIARIES, subsidiaries)  # type: ignore[attr-defined]
    for spec in event.add:
        model.add_actors(spec)
    model.rebuild()


def _rules(model: SDOModel, event: RuleChange) -> None:
    """A policy intervention: new rule parameters (e.g. affiliates one-per-group), or TAP for all."""
    venue = model.venue_by_id[event.venue]
    venue.change_rules(event.rules)
    if event.tap_share is not None:
        venue.spec.tap_share = event.tap_share


def _posts(model: SDOModel, event: PostChange) -> None:
    """Posts change hands: a new chair, or posts redistributed by bloc shares."""
    venue = model.venue_by_id[event.venue]
    if event.shares is not None:
        model.assign_posts(venue, event.chair, event.shares)
    elif event.chair is not None:
        venue.chair = next((a.index for a in model.actor_list if a.name == event.chair), venue.chair)
        model.posts_changed()


APPLY = {"bloc": _bloc, "surge": _surge, "rules": _rules, "posts": _posts, "group": create_group}
