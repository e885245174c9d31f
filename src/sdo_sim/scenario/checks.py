"""Cross-field checks of a scenario: names that must exist, sizes that must agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sdo_sim.scenario.schema import ActorSpec, Scenario


def _fail(path: str, message: str) -> None:
    # pydantic turns a ValueError raised in a validator into a ValidationError; the loader then
    # splits the "path: message" text back into the field path and the message.
    raise ValueError(f"{path}: {message}")


def check_actor(scenario: Scenario, actor: ActorSpec, path: str) -> None:
    """An actor's bloc, venues, classes and ideal point exist and fit."""
    from sdo_sim.scenario.schema import MEMBERSHIP_CLASSES

    venues = {venue.id: venue for venue in scenario.venues}
    if actor.bloc is not None and actor.bloc not in scenario.blocs:
        _fail(
            f"{path}.bloc",
            f"unknown bloc {actor.bloc!r}; allowed: {', '.join(scenario.blocs) or 'none defined'}",
        )
    if actor.ideal is not None and len(actor.ideal) != scenario.dimensions:
        _fail(
            f"{path}.ideal", f"has {len(actor.ideal)} coordinates; the issue space has {scenario.dimensions}"
        )
    if actor.ideal is None and actor.bloc is None:
        _fail(f"{path}.ideal", "needed when the actor has no bloc")
    for venue_id, cls in actor.memberships.items():
        if venue_id not in venues:
            _fail(f"{path}.memberships.{venue_id}", f"unknown venue; allowed: {', '.join(venues)}")
        allowed = MEMBERSHIP_CLASSES[venues[venue_id].kind]
        if cls not in allowed:
            _fail(f"{path}.memberships.{venue_id}", f"got {cls!r}; allowed: {', '.join(allowed)}")
    if actor.kind == "delegation" and actor.home is not None:
        _fail(f"{path}.home", "only firms have a home delegation")


def check_scenario(scenario: Scenario) -> None:
    """Every reference in the scenario names something that exists."""
    ids = [venue.id for venue in scenario.venues]
    if len(set(ids)) != len(ids):
        _fail("venues", "two venues share an id")
    for name, bloc in scenario.blocs.items():
        if len(bloc.ideal) != scenario.dimensions:
            _fail(
                f"blocs.{name}.ideal",
                f"has {len(bloc.ideal)} coordinates; the issue space has {scenario.dimensions}",
            )
        for other in bloc.affinity:
            if other not in scenario.blocs:
                _fail(f"blocs.{name}.affinity.{other}", f"unknown bloc; allowed: {', '.join(scenario.blocs)}")
    actor_ids: set[str] = set()
    for i, actor in enumerate(scenario.actors):
        check_actor(scenario, actor, f"actors.{actor.id}")
        if actor.id in actor_ids:
            _fail(f"actors[{i}].id", f"{actor.id!r} is used twice")
        actor_ids.add(actor.id)
    for venue in scenario.venues:
        if venue.posts.chair is not None and not _is_actor(venue.posts.chair, actor_ids):
            _fail(f"venues.{venue.id}.posts.chair", f"unknown actor {venue.posts.chair!r}")
        for bloc in venue.posts.shares:
            if bloc not in scenario.blocs:
                _fail(
                    f"venues.{venue.id}.posts.shares.{bloc}",
                    f"unknown bloc; allowed: {', '.join(scenario.blocs)}",
                )
    for i, event in enumerate(scenario.events):
        path = f"events[{i}]"
        if (event.week is None) == (event.when is None):
            _fail(path, "give exactly one of week or when")
        if event.week is not None and event.week >= scenario.weeks:
            _fail(f"{path}.week", f"got {event.week}; the scenario ends at week {scenario.weeks - 1}")
        if event.when is not None:
            from sdo_sim.scenario.conditions import parse_condition

            try:
                _, key, _, _ = parse_condition(event.when)
            except ValueError as error:
                _fail(f"{path}.when", str(error))
            if key is not None and key not in (*scenario.blocs, "all", "none"):
                _fail(f"{path}.when", f"unknown bloc {key!r}; allowed: {', '.join(scenario.blocs)}")
        bloc = getattr(event, "bloc", None)
        if bloc is not None and bloc not in scenario.blocs:
            _fail(f"{path}.bloc", f"unknown bloc {bloc!r}; allowed: {', '.join(scenario.blocs)}")
        venue = getattr(event, "venue", None)
        if venue is not None and venue not in ids:
            _fail(f"{path}.venue", f"unknown venue {venue!r}; allowed: {', '.join(ids)}")
        for j, actor in enumerate(getattr(event, "add", [])):
            check_actor(scenario, actor, f"{path}.add[{j}]")


def _is_actor(name: str, actor_ids: set[str]) -> bool:
    """An explicit actor id, or a generated one (prefix-NNN)."""
    return name in actor_ids or name.rsplit("-", 1)[0] in actor_ids
