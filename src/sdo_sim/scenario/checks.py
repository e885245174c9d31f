"""Cross-field checks of a scenario: names that must exist, sizes that must agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sdo_sim.scenario.schema import ActorSpec, NewGroup, Scenario, ScriptedProposal


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
    if actor.per_actor:
        _check_per_actor(scenario, actor, path)


def _check_per_actor(scenario: Scenario, actor: ActorSpec, path: str) -> None:
    """`per_actor` names actors this entry generates, and gives them values that fit."""
    names = set(generated_names(actor))
    for name, own in actor.per_actor.items():
        where = f"{path}.per_actor.{name}"
        if name not in names:
            _fail(where, f"{actor.id} makes no actor {name!r}; it makes {group_range(actor.id, actor.count)}")
        if own.ideal is not None and len(own.ideal) != scenario.dimensions:
            _fail(
                f"{where}.ideal",
                f"has {len(own.ideal)} coordinates; the issue space has {scenario.dimensions}",
            )
        if actor.kind == "delegation":
            for field in ("alignment", "subsidiaries"):
                if getattr(own, field) is not None:
                    _fail(f"{where}.{field}", "only firms have it; this entry makes delegations")


def group_range(spec_id: str, count: int) -> str:
    """The names an entry generates, in short: one named id, none, or '40 actors, id-001 to id-040'."""
    if count == 1:
        return f"one actor, named {spec_id}"
    if count == 0:
        return "no actors (count 0)"
    return f"{count} actors, {spec_id}-001 to {spec_id}-{count:03d}"


def generated_names(spec: ActorSpec) -> list[str]:
    """The names one spec generates: its id, or id-001, id-002 ... when count is not 1."""
    return [spec.id] if spec.count == 1 else [f"{spec.id}-{k + 1:03d}" for k in range(spec.count)]


def actor_names(specs: list[ActorSpec], path: str | None = None) -> dict[str, ActorSpec]:
    """Every actor name the specs generate and its spec; with `path`, two specs naming one actor fail."""
    names: dict[str, ActorSpec] = {}
    for i, spec in enumerate(specs):
        for name in generated_names(spec):
            if path is not None and name in names:
                _fail(f"{path}[{i}].id", f"generates {name!r}, which actor {names[name].id!r} names already")
            names[name] = spec
    return names


#: The class each venue kind needs at least one member of, to decide anything.
DECIDING_CLASSES = {"itu-t": ("member-state",), "iso": ("P",), "3gpp": ("individual-member",),
                    "ietf": ("participant", "area-director")}  # fmt: skip


def check_rules(kind: str, rules: dict[str, dict[str, object]], path: str) -> None:
    """Rule overrides name procedures of the venue's own SDO, with valid parameter values."""
    from sdo_sim.errors import BallotError
    from sdo_sim.rules import PROCEDURES
    from sdo_sim.rules._ballot import resolve_params

    family = kind + "."
    for procedure, params in rules.items():
        own = sorted(p for p in PROCEDURES if p.startswith(family))
        if procedure not in own:
            article = "an" if kind[0] in "aeiou" else "a"
            _fail(
                f"{path}.{procedure}", f"not a procedure of {article} {kind} venue; allowed: {', '.join(own)}"
            )
        try:
            resolve_params(PROCEDURES[procedure], params)
        except BallotError as error:
            _fail(f"{path}.{procedure}.{error.field.removeprefix('params.')}", error.message)


def check_scenario(scenario: Scenario) -> None:
    """Every reference in the scenario names something that exists."""
    from sdo_sim.scenario.schema import MAX_ACTOR_WEEKS, MAX_ACTORS

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
    names = actor_names(scenario.actors, "actors")
    added = actor_names([spec for event in scenario.events for spec in getattr(event, "add", [])])
    total = len(names) + len(added)
    if total > MAX_ACTORS:
        _fail("actors", f"{total} actors in all (with those events add); at most {MAX_ACTORS:,}")
    if total * scenario.weeks > MAX_ACTOR_WEEKS:
        _fail("weeks", f"{total:,} actors for {scenario.weeks:,} weeks; actors × weeks may be at most "
                       f"{MAX_ACTOR_WEEKS:,}")  # fmt: skip
    delegations = {name: s for name, s in names.items() if s.kind == "delegation"}  # once, not per firm
    delegation_ids = {s.id for s in delegations.values()}
    delegation_blocs = {s.bloc for s in delegations.values()}
    for spec in scenario.actors:
        if spec.kind == "firm" and spec.home is not None:
            _check_home(spec, delegations, delegation_ids, delegation_blocs)
    all_specs = [*scenario.actors, *(s for e in scenario.events for s in getattr(e, "add", []))]
    for venue in scenario.venues:
        path = f"venues.{venue.id}"
        if venue.first_meeting_week >= scenario.weeks:
            _fail(
                f"{path}.first_meeting_week",
                f"got {venue.first_meeting_week}; the scenario ends at week {scenario.weeks - 1}",
            )
        for cls in DECIDING_CLASSES[venue.kind]:
            if not any(spec.memberships.get(venue.id) == cls and spec.count for spec in all_specs):
                _fail(
                    path,
                    f"no actor is a member of class {cls!r}, so this {venue.kind} venue can decide nothing",
                )
        check_rules(venue.kind, venue.rules, f"{path}.rules")
        _check_chair(venue.posts.chair, venue.id, names, f"{path}.posts.chair")
        _check_chair(venue.convenor, venue.id, names, f"{path}.convenor")  # ISO (venues/iso_posts.py)
        for bloc in venue.posts.shares:
            if bloc not in scenario.blocs:
                _fail(f"{path}.posts.shares.{bloc}", f"unknown bloc; allowed: {', '.join(scenario.blocs)}")
    check_proposals(scenario, {**names, **added})
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
        if event.kind == "group":
            _check_group(scenario, event, path, ids)
            ids = [*ids, event.venue.id]  # later groups may draw on this one
            continue
        venue = getattr(event, "venue", None)
        if venue is not None and venue not in ids[: len(scenario.venues)]:
            _fail(f"{path}.venue", f"unknown venue {venue!r}; allowed: {', '.join(ids)}")
        for j, actor in enumerate(getattr(event, "add", [])):
            check_actor(scenario, actor, f"{path}.add[{j}]")
            if actor.id in actor_ids or any(n in names for n in actor_names([actor])):
                _fail(f"{path}.add[{j}].id", f"{actor.id!r} names actors that exist already")
        for j, name in enumerate(getattr(event, "join", [])):
            if name not in names and name not in actor_ids and name not in added:
                _fail(f"{path}.join[{j}]", f"unknown actor {name!r}")
        if event.kind == "rules":
            kind = next(v.kind for v in scenario.venues if v.id == venue)
            check_rules(kind, event.rules, f"{path}.rules")
        if event.kind == "posts":
            _check_chair(event.chair, venue, {**names, **added}, f"{path}.chair")
            for bloc in event.shares or {}:
                if bloc not in scenario.blocs:
                    _fail(f"{path}.shares.{bloc}", f"unknown bloc; allowed: {', '.join(scenario.blocs)}")


def _check_group(scenario: Scenario, event: NewGroup, path: str, ids: list[str]) -> None:
    """A new group has a new id, opens after the event, and takes its members from a venue of its kind."""
    spec = event.venue
    if event.week is None:
        _fail(f"{path}.week", "a group opens at a week, not on a condition")
    if spec.id in ids:
        _fail(f"{path}.venue.id", f"{spec.id!r} is a venue already")
    if event.members_from not in ids:
        _fail(f"{path}.members_from", f"unknown venue {event.members_from!r}; allowed: {', '.join(ids)}")
    source = next((v for v in scenario.venues if v.id == event.members_from), None)
    kinds = {e.venue.id: e.venue.kind for e in scenario.events if e.kind == "group"}
    kind = source.kind if source is not None else kinds[event.members_from]
    if spec.kind != kind:
        _fail(f"{path}.venue.kind", f"got {spec.kind!r}; its members come from {event.members_from!r}, "
                                    f"of kind {kind!r}")  # fmt: skip
    if not event.week < spec.first_meeting_week < scenario.weeks:  # type: ignore[operator]
        got, week = spec.first_meeting_week, event.week
        _fail(f"{path}.venue.first_meeting_week", f"got {got}; must come after week {week}, within the run")
    check_rules(spec.kind, spec.rules, f"{path}.venue.rules")
    if spec.posts.chair is not None:
        _fail(f"{path}.venue.posts.chair", "a new group's chair is drawn by `shares`")
    for bloc in spec.posts.shares:
        if bloc not in scenario.blocs:
            _fail(f"{path}.venue.posts.shares.{bloc}", f"unknown bloc; allowed: {', '.join(scenario.blocs)}")


def check_proposals(scenario: Scenario, names: dict[str, ActorSpec]) -> None:
    """Scripted proposals name a venue, a proponent who is its member, a week within the run, and
    fixed ids that no other proposal can take."""
    import re

    from sdo_sim.scripted import expand

    venues = {venue.id: venue for venue in scenario.venues}
    generated = re.compile(rf"^({'|'.join(map(re.escape, venues))})-\d{{4,}}$")
    by_spec = {spec.id: spec for spec in names.values()}
    seen: set[str] = set()
    for i, spec in enumerate(scenario.proposals):
        path = f"proposals.{spec.id}"
        if spec.venue not in venues:
            _fail(f"{path}.venue", f"unknown venue {spec.venue!r}; allowed: {', '.join(venues)}")
        actor = names.get(spec.proponent) or by_spec.get(spec.proponent)
        if actor is None:
            _fail(f"{path}.proponent", f"unknown actor {spec.proponent!r}")
        elif spec.venue not in actor.memberships:
            _fail(f"{path}.proponent", f"{spec.proponent!r} is not a member of venue {spec.venue!r}")
        last = spec.week + (spec.count - 1) * spec.every_weeks
        if last >= scenario.weeks:
            _fail(
                f"{path}.week",
                f"the last falls in week {last}; the scenario ends at week {scenario.weeks - 1}",
            )
        if spec.point is not None and len(spec.point) != scenario.dimensions:
            _fail(
                f"{path}.point",
                f"has {len(spec.point)} coordinates; the issue space has {scenario.dimensions}",
            )
        if spec.track is not None and venues[spec.venue].kind != "itu-t":
            _fail(f"{path}.track", "only ITU-T texts have an approval track")
        _check_alternatives(spec, path, names, by_spec, scenario.dimensions)
        for name, _, _ in expand([spec]):
            if name in seen:
                _fail(f"proposals[{i}].id", f"{name!r} is used twice")
            if generated.match(name):
                _fail(f"{path}.id", f"{name!r} looks like a generated proposal's id; choose another")
            seen.add(name)


def _check_alternatives(
    spec: ScriptedProposal,
    path: str,
    names: dict[str, ActorSpec],
    by_spec: dict[str, ActorSpec],
    dimensions: int,
) -> None:
    """A work item's alternatives have distinct ids, proponents who are members, and known patent holders."""
    if not spec.alternatives:
        if spec.package:
            _fail(f"{path}.package", "only a work item with alternatives can be part of a package")
        return
    if spec.count != 1:
        _fail(f"{path}.count", "a work item with alternatives is one proposal (count 1)")
    if len(spec.alternatives) < 2:
        _fail(f"{path}.alternatives", "give at least two alternatives to choose between")
    seen: set[str] = set()
    for alt in spec.alternatives:
        where = f"{path}.alternatives.{alt.id}"
        if alt.id in seen:
            _fail(f"{where}.id", f"{alt.id!r} is used twice")
        seen.add(alt.id)
        if alt.proponent is not None:
            actor = names.get(alt.proponent) or by_spec.get(alt.proponent)
            if actor is None:
                _fail(f"{where}.proponent", f"unknown actor {alt.proponent!r}")
            elif spec.venue not in actor.memberships:
                _fail(f"{where}.proponent", f"{alt.proponent!r} is not a member of venue {spec.venue!r}")
        if alt.point is not None and len(alt.point) != dimensions:
            _fail(f"{where}.point", f"has {len(alt.point)} coordinates; the space has {dimensions}")
        for holder in alt.ipr:
            if holder not in names and holder not in by_spec:
                _fail(f"{where}.ipr.{holder}", f"unknown actor {holder!r}")
        if sum(alt.ipr.values()) > 1 + 1e-9:
            _fail(f"{where}.ipr", f"shares add up to {sum(alt.ipr.values()):g}; at most 1")


def _check_chair(chair: str | None, venue: str, names: dict[str, ActorSpec], path: str) -> None:
    """A chair is an actor that is a member of the venue."""
    if chair is None:
        return
    if chair not in names:
        _fail(path, f"unknown actor {chair!r}")
    if venue not in names[chair].memberships:
        _fail(path, f"{chair!r} is not a member of venue {venue!r}")


def _check_home(
    spec: ActorSpec, delegations: dict[str, ActorSpec], ids: set[str], blocs: set[str | None]
) -> None:
    """A firm's home is a delegation of the scenario (or, with 'bloc', its bloc has one)."""
    path = f"actors.{spec.id}.home"
    if spec.home == "bloc":
        if spec.bloc not in blocs:
            _fail(path, f"'bloc', but bloc {spec.bloc!r} has no delegation")
    elif spec.home not in delegations and spec.home not in ids:
        _fail(path, f"unknown delegation {spec.home!r}")
