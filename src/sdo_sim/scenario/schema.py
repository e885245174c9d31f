"""The schema of scenario files: every field, its default, its allowed values (docs/scenarios.md).

Unknown keys are errors. Every numeric field is addressable by a dotted path
(`blocs.east.cohesion`, `venues.tc.meeting_interval_weeks`, `actors.CN.attendance`) so that sweeps
can override it; list items are addressed by their `id`. Venues are in venue.py, levers in levers.py
and the bounds they share in base.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sdo_sim.scenario.base import MAX_WEEKS, BetaParameter, Coordinate, NonNegative, Share, Strict, Weeks
from sdo_sim.scenario.levers import MAX_LEVERS, Lever
from sdo_sim.scenario.venue import Posts as Posts  # re-exported: callers and the docs test read schema.Posts
from sdo_sim.scenario.venue import Venue

# Upper bounds keep every run finite and every number meaningful (docs/scenarios.md, "Limits"); weeks and
# weights are bounded in base.py, which the venue and lever models share.
MAX_ACTORS = 100_000
MAX_ACTOR_WEEKS = 200_000_000  # actors × weeks: 20,000 actors for the full 5,200 weeks fit
# Lists whose checks and events cost time per pair of entries stay short (issue 7).
MAX_SPECS = 10_000  # entries of `actors:` (each may generate up to MAX_ACTORS actors)
MAX_VENUES = 100
MAX_BLOCS = 1000
MAX_EVENTS = 1000
MAX_DELEGATES = 10_000
MAX_SUBSIDIARIES = 1000

#: The membership classes each venue kind knows, in the rulebook's words.
MEMBERSHIP_CLASSES: dict[str, tuple[str, ...]] = {
    "itu-t": ("member-state", "sector-member"),
    "iso": ("P", "O"),
    "3gpp": ("individual-member",),
    "ietf": ("participant", "area-director"),
}


class Draw(Strict):
    """A distribution a generated actor's attribute is drawn from (one draw per actor)."""

    uniform: tuple[Coordinate, Coordinate] | None = Field(
        None, description="Uniform between the two bounds (low, high)."
    )
    beta: tuple[BetaParameter, BetaParameter] | None = Field(None, description="Beta(a, b), between 0 and 1.")
    normal: tuple[Coordinate, NonNegative] | None = Field(
        None, description="Normal(mean, sd), clipped to the range."
    )

    @model_validator(mode="after")
    def _one(self) -> Draw:
        if sum(x is not None for x in (self.uniform, self.beta, self.normal)) != 1:
            raise ValueError("give exactly one of uniform, beta or normal")
        if self.uniform is not None and self.uniform[0] > self.uniform[1]:
            raise ValueError(f"uniform: got {list(self.uniform)}; the low bound comes first")
        return self


ShareOrDraw = Share | Draw
NonNegativeOrDraw = NonNegative | Draw


class Positions(Strict):
    """Weights of the utility an actor draws from a proposal (docs/ODD.md, "Positions")."""

    value: Coordinate = Field(
        0.6, description="Utility any actor draws from an agreed standard at all (interoperability, markets)."
    )
    merit: NonNegative = Field(1.0, description="Weight of the proposal's technical quality.")
    distance: NonNegative = Field(1.0, description="Weight of the distance from the actor's ideal point.")
    affinity: NonNegative = Field(0.5, description="Weight of the actor's bloc affinity with the proponent.")
    noise: NonNegative = Field(0.25, description="Standard deviation of each actor's idiosyncratic noise.")
    abstain_band: NonNegative = Field(0.15, description="Utilities within ± this band abstain.")
    objection_threshold: NonNegative = Field(
        0.35, description="Utility below minus this: the actor files a substantive comment or objection."
    )
    support_threshold: NonNegative = Field(
        0.3, description="Utility above this: the actor supports (co-signs, commits experts, contributes)."
    )
    ipr_own: NonNegative = Field(
        0.0, description="Weight of a member's own share of an alternative's patents."
    )
    ipr_concentration: NonNegative = Field(
        0.0, description="Weight of the aversion to the concentration of the others' patents (Herfindahl)."
    )
    policy_declaration: Share = Field(
        0.5,
        description="Chance that an opposing Member State declares policy implications of a sensitive text.",
    )


class Bloc(Strict):
    """A group of actors that may vote together."""

    cohesion: Share = Field(
        0.0, description="Chance that a member takes the bloc's line rather than its own."
    )
    defection_threshold: NonNegative | None = Field(
        None,
        description="A member whose own utility is further than this from the line's acts on its own "
        "(none: members who follow never defect).",
    )
    discipline: NonNegative = Field(
        0.0, description="Rise of a member's defection threshold for each defection seen at a gate."
    )
    quality: tuple[BetaParameter, BetaParameter] | None = Field(
        None, description="Beta(a, b) of the quality of members' proposals (none: the scenario's `quality`)."
    )
    backs_own: bool = Field(
        False, description="The bloc's line is yes on every proposal of its own members (none: judged)."
    )
    ideal: list[Coordinate] = Field(description="The bloc's ideal point in the issue space.")
    spread: NonNegative = Field(0.15, description="Spread of generated members' ideal points around `ideal`.")
    affinity: dict[str, Annotated[float, Field(ge=-1.0, le=1.0)]] = Field(
        default_factory=dict,
        description="Affinity with proposals from each other bloc, -1 to 1 (own bloc: 1; others: 0).",
    )


class ActorOverride(Strict):
    """One generated actor's own values, set after its group's are drawn (`per_actor`; plain values only)."""

    ideal: list[Coordinate] | None = Field(None, description="Its ideal point instead of the one drawn.")
    attendance: Share | None = Field(None, description="Chance of attending a meeting or returning a ballot.")
    contributions: NonNegative | None = Field(
        None, description="Contributions (proposals, drafts) per meeting."
    )
    delegates: Annotated[int, Field(ge=1, le=MAX_DELEGATES)] | None = Field(
        None, description="People the actor sends to a meeting."
    )
    block_propensity: Share | None = Field(
        None, description="Readiness to vote no rather than abstain when unhappy."
    )
    quality: tuple[BetaParameter, BetaParameter] | None = Field(
        None, description="Beta(a, b) of the quality of its proposals."
    )
    alignment: Share | None = Field(
        None, description="Firms: weight of the home state's utility in the firm's."
    )
    subsidiaries: Annotated[int, Field(ge=1, le=MAX_SUBSIDIARIES)] | None = Field(
        None, description="3GPP firms: Individual Memberships held through national subsidiaries."
    )


class ActorSpec(Strict):
    """One actor, or `count` generated alike (`id` then is a prefix: id-001, id-002, ...)."""

    id: str = Field(min_length=1, max_length=100, description="Actor id, or the prefix of generated ids.")
    kind: Literal["delegation", "firm"] = Field(description="A country's delegation or a firm.")
    count: Annotated[int, Field(ge=0, le=MAX_ACTORS)] = Field(
        1, description="How many such actors to generate."
    )
    bloc: str | None = Field(None, description="The bloc the actor belongs to (none: votes alone).")
    ideal: list[Coordinate] | None = Field(None, description="Ideal point; default: drawn around the bloc's.")
    home: str | None = Field(
        None, description="Firms: id of the home delegation; 'bloc' picks one of the bloc's delegations."
    )
    alignment: ShareOrDraw = Field(
        0.0, description="Firms: weight of the home state's utility in the firm's."
    )
    memberships: dict[str, str] = Field(
        default_factory=dict, description="Venue id → membership class (e.g. {tc: P}, {sg: member-state})."
    )
    subsidiaries: Annotated[int, Field(ge=1, le=MAX_SUBSIDIARIES)] = Field(
        1, description="3GPP: Individual Memberships the firm holds through national subsidiaries."
    )
    attendance: ShareOrDraw = Field(0.8, description="Chance of attending a meeting or returning a ballot.")
    delegates: Annotated[int, Field(ge=1, le=MAX_DELEGATES)] = Field(
        1, description="People the actor sends to a meeting."
    )
    contributions: NonNegativeOrDraw = Field(
        1.0, description="Contributions (proposals, drafts) per meeting."
    )
    quality: tuple[BetaParameter, BetaParameter] | None = Field(
        None,
        description="Beta(a, b) of the quality of its proposals (none: its bloc's, else the scenario's).",
    )
    block_propensity: ShareOrDraw = Field(
        0.0, description="Readiness to vote no rather than abstain when unhappy."
    )
    per_actor: dict[str, ActorOverride] = Field(
        default_factory=dict,
        max_length=MAX_ACTORS,
        description="Generated actor's name (id-001, ...) → values of its own, set after the group's are "
        "drawn, so every other actor and every draw stay as they were.",
    )


class Alternative(Strict):
    """One competing solution of a work item, e.g. LDPC or Polar codes (work_items.py)."""

    id: str = Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    proponent: str | None = Field(None, max_length=110, description="Its proponent (none: the work item's).")
    quality: Share | None = Field(None, description="Technical quality (none: drawn).")
    point: list[Coordinate] | None = Field(None, description="Position in the issue space (none: drawn).")
    ipr: dict[str, Share] = Field(
        default_factory=dict, description="Holder (actor name or spec id) → share of its essential patents."
    )


class ScriptedProposal(Strict):
    """A proposal the scenario names, under a fixed id: a historical case's focal text (scripted.py)."""

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
                    description="Fixed id (with count > 1: id-001, id-002 ...).")  # fmt: skip
    venue: str = Field(description="The venue it is submitted to.")
    proponent: str = Field(
        min_length=1,
        max_length=110,
        description="Actor name, or an actor spec id (one of its actors, drawn).",
    )
    week: Weeks = Field(description="Submitted at the venue's first meeting at or after this week.")
    count: Annotated[int, Field(ge=1, le=1000)] = Field(1, description="How many such proposals.")
    every_weeks: Weeks = Field(0, description="With count > 1: weeks between one submission and the next.")
    topic: str = Field("", max_length=100, description="A tag for the proposals table (e.g. surveillance).")
    quality: Share | None = Field(None, description="Technical quality (none: drawn as for any proposal).")
    salience: Share | None = Field(None, description="How contested (none: drawn).")
    point: list[Coordinate] | None = Field(None, description="Position in the issue space (none: drawn).")
    sensitive: bool | None = Field(None, description="Policy or regulatory implications (none: drawn).")
    track: Literal["aap", "tap"] | None = Field(
        None, description="ITU-T: the track at adoption (none: drawn)."
    )
    alternatives: list[Alternative] = Field(
        default_factory=list, max_length=10, description="Competing solutions; members choose one."
    )
    stakes: NonNegative = Field(1.0, description="Weight of what the alternatives' patents mean to members.")
    package: str = Field(
        "", max_length=100, description="Work items the chair may settle together in a split."
    )


class Trigger(Strict):
    """When an event fires: at a week, or the first week a condition on model metrics holds."""

    week: Weeks | None = Field(None, description="The week the event fires.")
    when: str | None = Field(
        None,
        max_length=100,
        description="A condition 'metric op number', e.g. 'posts_share.east > 0.3' (fires once).",
    )


class BlocChange(Trigger):
    kind: Literal["bloc"] = "bloc"
    bloc: str
    cohesion: Share | None = Field(None, description="New cohesion.")
    join: list[str] = Field(
        default_factory=list,
        max_length=MAX_ACTORS,
        description="Actor ids (or id prefixes) that join the bloc.",
    )


class Surge(Trigger):
    kind: Literal["surge"] = "surge"
    add: list[ActorSpec] = Field(
        default_factory=list, max_length=MAX_SPECS, description="New actors joining."
    )
    bloc: str | None = Field(None, description="Bloc whose existing members change (with the factors below).")
    attendance: NonNegative = Field(1.0, description="Factor on the bloc members' attendance (capped at 1).")
    contributions: NonNegative = Field(1.0, description="Factor on the bloc members' contributions.")
    delegates: NonNegative = Field(1.0, description="Factor on the bloc members' delegates.")
    subsidiaries: Annotated[int, Field(ge=0, le=1000)] = Field(
        0, description="Extra 3GPP memberships per bloc firm."
    )


class RuleChange(Trigger):
    kind: Literal["rules"] = "rules"
    venue: str
    rules: dict[str, dict[str, float | int | str | bool]] = Field(default_factory=dict)
    tap_share: Share | None = Field(None, description="ITU-T: new share of texts on TAP (1.0: TAP for all).")


class PostChange(Trigger):
    kind: Literal["posts"] = "posts"
    venue: str
    chair: str | None = Field(None, description="New chair (actor id).")
    shares: dict[str, Share] | None = Field(None, description="Posts redistributed by bloc shares.")


class NewGroup(Trigger):
    """A group opens mid-run (an ITU-T focus group), with the members of an existing venue (forum.py)."""

    kind: Literal["group"] = "group"
    venue: Venue = Field(description="The new group, as any venue (its first meeting after the event).")
    members_from: str = Field(description="The venue whose members join the group, in the same classes.")


Event = Annotated[BlocChange | Surge | RuleChange | PostChange | NewGroup, Field(discriminator="kind")]


class ForumShopping(Strict):
    """How failed proposals come back in other venues (forum.py); assumed, off by default."""

    chance: Share = Field(0.0, description="Chance a failed proposal's proponent brings it to another venue.")
    revision: Share = Field(
        0.0, description="Share of the way the text moves toward the new venue's members' mean ideal point."
    )


class Scenario(Strict):
    """A whole scenario: issue space, blocs, actors, venues and events."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    weeks: Annotated[int, Field(ge=1, le=MAX_WEEKS)] = Field(
        208, description="Horizon in weeks (one step = one week)."
    )
    seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(0, description="Default seed; `--seed` overrides it.")
    dimensions: Annotated[int, Field(ge=1, le=3)] = Field(2, description="Dimensions of the issue space.")
    positions: Positions = Field(default_factory=Positions)
    quality: tuple[BetaParameter, BetaParameter] = Field(
        (2.0, 2.0), description="Beta(a, b) parameters of proposals' technical quality."
    )
    salience: tuple[BetaParameter, BetaParameter] = Field(
        (1.5, 3.5), description="Beta(a, b) parameters of how contested proposals are (0: purely technical)."
    )
    quality_cost: NonNegative = Field(
        0.0,
        description="Quality lost by an actor contributing above its starting level: quality × "
        "(initial / now) ** quality_cost (0: none).",
    )
    proposal_spread: NonNegative = Field(
        0.2, description="Spread of a proposal around its proponent's ideal point."
    )
    blocs: dict[str, Bloc] = Field(default_factory=dict, max_length=MAX_BLOCS)
    actors: list[ActorSpec] = Field(min_length=1, max_length=MAX_SPECS)
    venues: list[Venue] = Field(min_length=1, max_length=MAX_VENUES)
    events: list[Event] = Field(default_factory=list, max_length=MAX_EVENTS)
    proposals: list[ScriptedProposal] = Field(default_factory=list, max_length=MAX_EVENTS)
    forum_shopping: ForumShopping = Field(default_factory=ForumShopping)
    levers: list[Lever] = Field(
        default_factory=list,
        max_length=MAX_LEVERS,
        description="Controls the workshop dashboard offers (they change nothing in a run by themselves).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        from sdo_sim.scenario.checks import check_scenario
        from sdo_sim.scenario.levers import check_levers

        check_scenario(self)
        check_levers(self)
        return self
