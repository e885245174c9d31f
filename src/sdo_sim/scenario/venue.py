"""A venue of a scenario (`venues:`): a standards body's kind, calendar, posts and rule parameters."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sdo_sim.scenario.base import MAX_WEEKS, Share, Strict, Weeks

VenueKind = Literal["itu-t", "iso", "3gpp", "ietf"]


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
