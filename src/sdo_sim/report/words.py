"""A scenario in plain words: its venues, who takes part by bloc, and what its events do."""

from __future__ import annotations

from typing import Any

from sdo_sim.rules import PROCEDURES
from sdo_sim.scenario.schema import ActorSpec, Scenario

__all__ = ["actors_by_bloc", "event_in_words", "event_label", "venues_in_words"]

KINDS = {"itu-t": "an ITU-T study group", "iso": "an ISO/IEC technical committee",
         "3gpp": "a 3GPP Technical Specification Group", "ietf": "an IETF working group"}  # fmt: skip
CLASSES = {"P": "P-members", "O": "O-members", "member-state": "Member States",
           "sector-member": "Sector Members", "associate": "Associates",
           "individual-member": "Individual Members", "participant": "participants",
           "area-director": "Area Directors"}  # fmt: skip
#: Most actor names an event's sentence lists before it says how many more.
NAMES_SHOWN = 5


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


def _members(scenario: Scenario, venue_id: str) -> str:
    """How many actors take part in a venue, by membership class."""
    counts: dict[str, int] = {}
    for spec in scenario.actors:
        cls = spec.memberships.get(venue_id)
        if cls is not None:
            counts[cls] = counts.get(cls, 0) + spec.count
    return ", ".join(f"{n} {CLASSES.get(cls, cls)}" for cls, n in counts.items()) or "no members at the start"


def venues_in_words(scenario: Scenario) -> list[str]:
    """One sentence per venue: what it is, who sits in it, and how often it meets."""
    out = []
    for venue in scenario.venues:
        out.append(
            f"{venue.body or venue.id} ({venue.id}) is {KINDS.get(venue.kind, venue.kind)} with "
            f"{_members(scenario, venue.id)}. It meets every {venue.meeting_interval_weeks} weeks from week "
            f"{venue.first_meeting_week}, with about {venue.proposals_per_meeting:g} new proposals a meeting "
            f"and {venue.drafting_meetings} drafting meeting(s) per text."
        )
    return out


def _count(specs: list[ActorSpec], bloc: str | None, kind: str) -> int:
    return sum(s.count for s in specs if s.bloc == bloc and s.kind == kind)


def actors_by_bloc(scenario: Scenario) -> list[dict[str, Any]]:
    """Per bloc (and for actors in none): delegations and firms at the start and added by events, cohesion."""
    added = [spec for event in scenario.events for spec in getattr(event, "add", [])]
    blocs: list[str | None] = [*scenario.blocs]
    if any(spec.bloc is None for spec in [*scenario.actors, *added]):
        blocs.append(None)
    rows = []
    for bloc in blocs:
        rows.append({
            "bloc": bloc or "no bloc",
            "delegations": _count(scenario.actors, bloc, "delegation"),
            "firms": _count(scenario.actors, bloc, "firm"),
            "added by events": sum(s.count for s in added if s.bloc == bloc),
            "cohesion": f"{scenario.blocs[bloc].cohesion:g}" if bloc else "–",
        })  # fmt: skip
    return rows


def _when(event: Any) -> str:
    return f"At week {event.week}" if event.week is not None else f"In the first week that {event.when}"


def _factors(event: Any) -> list[str]:
    """A surge's changes to the existing members of its bloc, as `attendance × 1.5`."""
    parts = [f"{name} × {getattr(event, name):g}" for name in ("attendance", "contributions", "delegates")
             if getattr(event, name) != 1.0]  # fmt: skip
    if event.subsidiaries:
        parts.append(f"{event.subsidiaries} more memberships per firm")
    return parts


def _rules(event: Any) -> list[str]:
    """A rule change's parameters in words."""
    parts = []
    for procedure, params in event.rules.items():
        title = PROCEDURES[procedure].title if procedure in PROCEDURES else procedure
        parts += [f"{title}: {name} = {value}" for name, value in params.items()]
    if event.tap_share is not None:
        parts.append(f"{event.tap_share:.0%} of new texts follow TAP")
    return parts


def event_in_words(event: Any) -> str:
    """One sentence: when the event fires and what it changes."""
    what: str
    if event.kind == "bloc":
        parts = (
            [f"the {event.bloc} bloc's cohesion becomes {event.cohesion:g}"]
            if event.cohesion is not None
            else []
        )
        if event.join:
            parts.append(f"{_names(event.join)} join the {event.bloc} bloc")
        what = "; ".join(parts) or f"the {event.bloc} bloc is unchanged"
    elif event.kind == "surge":
        parts = []
        for spec in event.add:
            parts.append(f"{spec.count} new {spec.kind}(s) {spec.id} join ({spec.bloc or 'no bloc'})")
        if event.bloc and _factors(event):
            parts.append(f"the {event.bloc} bloc's members: {', '.join(_factors(event))}")
        what = "; ".join(parts) or "nothing changes"
    elif event.kind == "rules":
        what = f"the rules of {event.venue} change: {'; '.join(_rules(event)) or 'nothing'}"
    elif event.kind == "posts":
        parts = [f"{event.chair} takes the chair"] if event.chair else []
        if event.shares:
            parts.append("posts are shared " + ", ".join(f"{b} {s:.0%}" for b, s in event.shares.items()))
        what = f"in {event.venue}, " + ("; ".join(parts) or "the posts are redrawn")
    else:
        venue = event.venue
        what = f"a new group {venue.body or venue.id} ({venue.id}) opens with the members of "
        what += event.members_from
    return f"{_when(event)}: {what}."


def event_label(event: Any) -> str:
    """A few words for a figure's event mark: `east cohesion 1.0, 9 join`."""
    if event.kind == "bloc":
        parts = [f"cohesion {event.cohesion:g}"] if event.cohesion is not None else []
        if event.join:
            parts.append(f"{len(event.join)} join")
        return f"{event.bloc} bloc " + ", ".join(parts)
    if event.kind == "surge":
        added = sum(spec.count for spec in event.add)
        return f"surge: {added} new actors" if added else f"surge: {event.bloc} more active"
    if event.kind == "rules":
        words = [f"{name} {value}" for params in event.rules.values() for name, value in params.items()]
        if event.tap_share is not None:
            words.append(f"TAP share {event.tap_share:.0%}")
        return "rule change: " + ", ".join(words) if len(words) <= 2 else "rule change"
    if event.kind == "posts":
        return f"new posts in {event.venue}"
    return f"new group {event.venue.id}"
