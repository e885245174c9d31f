"""The schema of scenario files: every field, its default, its allowed values (docs/scenarios.md).

Unknown keys are errors. Every numeric field is addressable by a dotted path
(`blocs.east.cohesion`, `venues.tc.meeting_interval_weeks`, `actors.CN.attendance`) so that sweeps
can override it; list items are addressed by their `id`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

VenueKind = Literal["itu-t", "iso", "3gpp", "ietf"]
# Upper bounds keep every run finite and every number meaningful (docs/scenarios.md, "Limits").
MAX_ACTORS = 100_000
MAX_ACTOR_WEEKS = 200_000_000  # actors × weeks: 20,000 actors for the full 5,200 weeks fit
MAX_WEEKS = 5200
MAX_WEIGHT = 1000.0
# Lists whose checks and events cost time per pair of entries stay short (issue 7).
MAX_SPECS = 10_000  # entries of `actors:` (each may generate up to MAX_ACTORS actors)
MAX_VENUES = 100
MAX_BLOCS = 1000
MAX_EVENTS = 1000
MAX_DELEGATES = 10_000
MAX_SUBSIDIARIES = 1000
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_WEIGHT)]
Coordinate = Annotated[float, Field(ge=-MAX_WEIGHT, le=MAX_WEIGHT)]
Weeks = Annotated[int, Field(ge=0, le=MAX_WEEKS)]
BetaParameter = Annotated[float, Field(gt=0, le=1e6)]

#: The membership classes each venue kind knows, in the rulebook's words.
MEMBERSHIP_CLASSES: dict[str, tuple[str, ...]] = {
    "itu-t": ("member-state", "sector-member"),
    "iso": ("P", "O"),
    "3gpp": ("individual-member",),
    "ietf": ("participant", "area-director"),
}


class Strict(BaseModel):
    """A schema object that rejects unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True, allow_inf_nan=False)


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


class Posts(Strict):
    """Who holds a venue's posts: explicit actor ids, or shares by bloc filled from its members."""

    chair: str | None = Field(None, description="Actor id of the chair (none: drawn by `shares`).")
    count: Annotated[int, Field(ge=0, le=10_000)] = Field(
        0, description="Posts besides the chair (vice-chairs, editors)."
    )
    shares: dict[str, Share] = Field(default_factory=dict, description="Bloc → share of the posts.")


class Venue(Strict):
    """A standards body in the scenario: its kind, calendar, flow of proposals and rule parameters."""

    id: str = Field(min_length=1, max_length=100)
    kind: VenueKind
    body: str = Field(max_length=200, description="The body's name, e.g. 'ITU-T SG17' or 'ISO/TC 307'.")
    meeting_interval_weeks: Annotated[int, Field(ge=1, le=MAX_WEEKS)] = Field(
        26, description="Weeks between meetings."
    )
    first_meeting_week: Weeks = Field(4, description="Week of the first meeting.")
    proposals_per_meeting: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        2.0, description="Mean new proposals per meeting, shared among members by their contributions."
    )
    drafting_meetings: Annotated[int, Field(ge=0, le=100)] = Field(
        2, description="Meetings of drafting a text needs between adoption and its approval procedure."
    )
    stall_meetings: Annotated[int, Field(ge=1, le=100)] = Field(
        4, description="Meetings without progress after which a work item is discontinued (3GPP: ~6 months)."
    )
    max_attempts: Annotated[int, Field(ge=1, le=100)] = Field(
        2, description="Failed gates that end a text: it goes back a stage after each earlier failure."
    )
    consensus_tolerance: Share = Field(
        0.1, description="Largest share of those present opposing at which the chair still finds consensus."
    )
    chair_bias: Share = Field(
        0.0,
        description="Shift of the opposition share the chair tolerates toward the chair's own stance, and "
        "the chance that the chair defers a text it opposes (assumed; 0: a neutral chair; leadership.py).",
    )
    holders_bargain: bool = Field(
        True,
        description="Work items sharing a package whose alternatives declare essential patents are "
        "bargained as one: their holders act on their own interest and none is overruled (bargaining.py).",
    )
    editor_pull: Share = Field(
        0.0, description="Share of the way a drafting meeting moves the text toward its editor's ideal point."
    )
    editor_speed: Share = Field(
        0.0, description="Chance a supporting editor present completes two drafting steps in one meeting."
    )
    agenda_capacity: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        None, description="Texts a meeting can handle, in order of submission; the rest wait (none: all)."
    )
    appointment_interval_weeks: Weeks = Field(
        0,
        description="ITU-T: weeks between appointments of chair and posts (a study period: 208; 0: none).",
    )
    question_consultation: Share = Field(
        0.5,
        description="ITU-T: chance the study group requests a consultation of Member States on a Question "
        "that has support but no consensus (Res. 1 §7.2.3).",
    )
    tap_share: Share = Field(
        0.1,
        description="ITU-T: share of texts on numbering, tariff or policy, which follow TAP (Res. 1 §8.1.1).",
    )
    policy_sensitivity: Share = Field(
        0.2,
        description="ITU-T: share of proposals with policy or regulatory implications (AAP→TAP, A.8 §5.2).",
    )
    nonmember_participation: Share = Field(
        0.2, description="ISO: chance that a national body outside the committee votes on a DIS or FDIS."
    )
    p_member_return: Share = Field(
        0.8,
        description="ISO: share of its absences a P-member covers by returning ballots (NP, DIS, FDIS).",
    )
    reminder_response: Share = Field(
        0.5,
        description="ISO: chance that a P-member that missed its obligations answers the reminder (§1.7.4).",
    )
    technical_changes: Share = Field(
        0.5,
        description="ISO: chance that an approved DIS had technical changes and so needs an FDIS (§2.6.4).",
    )
    working_groups: Annotated[int, Field(ge=1, le=50)] = Field(
        1, description="ISO: working groups under the committee, each led by a convenor (§1.12.1)."
    )
    convenor: str | None = Field(
        None,
        max_length=110,
        description="ISO: actor id whose expert convenes the first working group (none: appointed, §1.12.1).",
    )
    objection_resolution: Share = Field(
        0.6,
        description="IETF: chance the WG answers an objection to even the weakest text (rises with quality).",
    )
    election_interval_weeks: Weeks = Field(
        104, description="3GPP: weeks between elections of the chair and vice-chairs (0: none)."
    )
    election_candidates: Annotated[float, Field(ge=1.0, le=10.0)] = Field(
        1.5, description="3GPP: mean number of candidates standing for each post at an election (assumed)."
    )
    vote_request: Share = Field(
        0.1,
        description="3GPP: chance that a member asks for a vote on a text the chair finds no consensus on "
        "(else it goes back to drafting; assumed).",
    )
    posts: Posts = Field(default_factory=Posts)
    rules: dict[str, dict[str, float | int | str | bool]] = Field(
        default_factory=dict, description="Procedure id → rule parameters overriding the rulebook's defaults."
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


#: A value a lever sets: a number, a word, true/false, or a pair such as Beta(a, b) parameters.
LeverValue = bool | int | float | Annotated[str, Field(max_length=100)] | list[Coordinate]
MAX_LEVERS = 12  # few controls per page: a room reads them on a projector


class LeverChoice(Strict):
    """One option of a choice lever: the words the room reads and the value it sets."""

    label: str = Field(min_length=1, max_length=60, description="What the option is called on screen.")
    value: LeverValue = Field(description="The value the field takes.")


class Lever(Strict):
    """A control the workshop dashboard offers: one field, by its `--set` path (dashboard/levers.py)."""

    label: str = Field(min_length=1, max_length=80, description="What the room reads, e.g. 'East cohesion'.")
    path: str = Field(min_length=1, max_length=300, description="The field it sets, as `--set` names it.")
    kind: Literal["slider", "switch", "choice"] = Field("slider", description="slider, switch or choice.")
    min: float | None = Field(None, ge=-1e9, le=1e9, description="Slider: the lowest value.")
    max: float | None = Field(None, ge=-1e9, le=1e9, description="Slider: the highest value.")
    step: float | None = Field(None, gt=0, le=1e9, description="Slider: the step (default: a twentieth).")
    on: LeverValue | None = Field(None, description="Switch: the value when on (default true).")
    off: LeverValue | None = Field(None, description="Switch: the value when off (default false).")
    choices: list[LeverChoice | LeverValue] = Field(
        default_factory=list, max_length=20, description="Choice: the values offered (or label and value)."
    )
    help: str = Field("", max_length=300, description="One sentence in plain words: what moving it means.")

    @model_validator(mode="after")
    def _fits_kind(self) -> Lever:
        given = {name for name in ("min", "max", "step", "on", "off") if getattr(self, name) is not None}
        allowed = {"slider": {"min", "max", "step"}, "switch": {"on", "off"}, "choice": set()}[self.kind]
        if given - allowed or (self.choices and self.kind != "choice"):
            extra = sorted(given - allowed) or ["choices"]
            raise ValueError(f"{extra[0]}: a {self.kind} lever takes no {extra[0]}")
        if self.kind == "slider":
            if self.min is None or self.max is None:
                raise ValueError(f"{'min' if self.min is None else 'max'}: a slider needs min and max")
            if self.min >= self.max:
                raise ValueError(f"max: got {self.max:g}; must be above min ({self.min:g})")
            if self.step is not None and self.step > self.max - self.min:
                raise ValueError(f"step: got {self.step:g}; must be at most max - min")
        if self.kind == "choice" and len(self.choices) < 2:
            raise ValueError("choices: a choice lever needs at least two choices")
        return self


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
