"""A scenario's rules in plain words, stage by stage, each with the clause it comes from.

`rules_in_words(scenario)` reads each venue's pipeline (venues/) with the parameters the scenario
gives the rulebook (its `rules`, else the rulebook's defaults with their clauses), then any `rules`
event that changes them mid-run. The report and the dashboard both show this table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from sdo_sim.rules import PROCEDURES
from sdo_sim.rules._ballot import resolve_params
from sdo_sim.rules._core import show
from sdo_sim.scenario.schema import RuleChange, Scenario
from sdo_sim.scenario.schema import Venue as VenueSpec
from sdo_sim.venues import ietf as ietf_venue
from sdo_sim.venues import iso as iso_venue
from sdo_sim.venues import itu_t as itu_venue
from sdo_sim.venues import threegpp as threegpp_venue

__all__ = ["Rule", "rules_in_words"]

MODEL = "model assumption (docs/ODD.md)"


class Rule(NamedTuple):
    """One stage of a venue's pipeline: (venue, stage, rule text, clause)."""

    venue: str
    stage: str
    text: str
    clause: str


class _Params:
    """A venue's rule parameters, shown as a sentence shows them, with the rulebook's default when changed."""

    def __init__(self, spec: VenueSpec) -> None:
        self.spec = spec

    def __call__(self, procedure: str, name: str) -> str:
        params = resolve_params(PROCEDURES[procedure], self.spec.rules.get(procedure))
        value = params[name]
        default = PROCEDURES[procedure].defaults()[name]
        return show(value) if value == default else f"{show(value)} (rulebook default: {show(default)})"

    def clause(self, procedure: str) -> str:
        """The clause the procedure applies, as the rulebook cites it."""
        return PROCEDURES[procedure].clause


def _pct(share: float) -> str:
    """A share as the rulebook writes one: `10 %`."""
    return f"{share * 100:.4g} %"


def _consensus(spec: VenueSpec, who: str = "the chair") -> str:
    """How a chair reads the room: the tolerance, and the lean when the scenario gives the chair one."""
    text = (
        f"{who} finds consensus when at most {_pct(spec.consensus_tolerance)} of the delegates present oppose"
    )
    if spec.chair_bias:
        text += (
            f"; {who} leans toward its own stance by {_pct(spec.chair_bias)} and, opposing a text, may "
            "keep it off a meeting's agenda once"
        )
    return text


def _retries(spec: VenueSpec, back: str) -> str:
    """What happens after a failed gate, and to a text nobody drafts."""
    return (
        f"A failed gate sends the text back to {back}; after {spec.max_attempts} failed gate(s) it ends. "
        f"With no progress for {spec.stall_meetings} meetings the item is discontinued."
    )


Rows = list[tuple[str, str, str]]


def _iso(spec: VenueSpec, p: _Params) -> Rows:
    experts = (p("iso.np", "experts_large_committee"), p("iso.np", "experts_small_committee"))
    np_text = (
        f"A {iso_venue.NP_WEEKS}-week ballot of P-members: at least {p('iso.np', 'majority')} of the "
        f"P-members' votes cast approve (abstentions not counted), and at least {experts[0]} approving "
        f"P-members name experts ({experts[1]} in a committee of up to 16 P-members). Failing ends the "
        "proposal."
    )
    wd_text = (
        f"The working group agrees the draft by consensus: {_consensus(spec, 'the convenor')}. "
        "Otherwise a further working draft."
    )
    cd_text = (
        f"{iso_venue.CD_WEEKS} weeks of comments from P- and O-members: {_consensus(spec)}; with consensus "
        f"and fewer than {iso_venue.DISAGREEING} P-members against, it goes to the enquiry; in doubt, "
        f"{p('iso.cd', 'majority')} of the P-members' votes cast suffice; else it is discussed at the next "
        "meeting or revised."
    )
    dis_text = (
        f"A {iso_venue.DIS_WEEKS}-week vote of all national bodies: at least {p('iso.dis', 'p_majority')} of "
        f"the P-members' votes cast in favour and at most {p('iso.dis', 'max_negative')} of all votes cast "
        "against (abstentions not counted)."
    )
    fdis_text = (
        f"An {iso_venue.FDIS_WEEKS}-week vote with the same test: at least {p('iso.fdis', 'p_majority')} of "
        f"P-member votes in favour, at most {p('iso.fdis', 'max_negative')} against; then publication."
    )
    status = (
        "Each year a P-member that missed a DIS or FDIS vote, or more than "
        f"{p('iso.p-member-status', 'cib_missed_share')} (and at least "
        f"{p('iso.p-member-status', 'cib_missed_minimum')}) of its committee ballots, becomes an O-member "
        "unless it answers the reminder."
    )
    posts = (
        "P-members vote by correspondence: the secretariat and each working group's convenor need more than "
        "half of the P-members' votes cast, the chair two thirds; terms of 5, 3 and 6 years."
    )
    return [
        ("new work item (NP)", np_text, p.clause("iso.np")),
        ("working draft (WD)", wd_text, "ISO/IEC Directives Part 1 §1.12.1"),
        ("committee draft (CD)", cd_text, f"{p.clause('iso.cd')}, §2.5.3"),
        ("enquiry (DIS)", dis_text, p.clause("iso.dis")),
        ("approval (FDIS)", fdis_text, p.clause("iso.fdis")),
        ("retries", _retries(spec, "an earlier draft"), MODEL),
        ("P-member status", status, p.clause("iso.p-member-status")),
        ("posts", posts, "Directives Part 1 §1.8.1, §1.9.1, §1.12.1"),
    ]


def _itu_t(spec: VenueSpec, p: _Params) -> Rows:
    late = p("itu-t.aap.meeting", "late_opposition_mode")
    late_words = ("counts toward that limit" if "counts" in late else "alone defeats approval") + f" ({late})"
    question = (
        f"Adopted at a meeting by consensus ({_consensus(spec)}) with at least {itu_venue.MIN_COMMITTED} "
        "members committed to the work. With support but no consensus the study group may consult Member "
        f"States (chance {_pct(spec.question_consultation)}, assumed): at least "
        f"{p('itu-t.question', 'min_replies')} replies and a simple majority."
    )
    track = (
        f"{_pct(spec.tap_share)} of texts (numbering, tariff, policy) follow TAP, the rest AAP. An AAP text "
        "with policy implications moves to TAP if a Member State proposes it and another seconds: by "
        "consensus, failing which by a simple majority of Member States present."
    )
    last_call = (
        f"{itu_venue.LAST_CALL_WEEKS} weeks: approved if no substantive comment arrives, from any member; "
        "otherwise comment resolution and an Additional Review, or the next meeting."
    )
    review = f"{itu_venue.REVIEW_WEEKS} weeks with the same test; comments send the text to the meeting."
    aap_meeting = (
        f"Approved unless more than {p('itu-t.aap.meeting', 'max_member_states_opposing')} Member State(s) "
        "present oppose; Sector Members' objections are noted, not counted; a Member State declaring policy "
        f"implications moves the text to TAP; opposition advised within four weeks {late_words}."
    )
    consultation = (
        f"Member States are consulted before the meeting (at least {itu_venue.TAP_NOTICE_WEEKS} weeks' "
        f"notice): at least {p('itu-t.tap.consultation', 'threshold')} of replies support consideration, or "
        "none reply."
    )
    tap_meeting = (
        "Approved only if no Member State present opposes; abstentions and Sector Members do not count."
    )
    ends = _retries(spec, "drafting").replace("it ends", "the study group discontinues it")
    rows = [
        ("new Question", question, f"WTSA Res. 1 §7.2.2; {p.clause('itu-t.question')}"),
        ("approval track", track, "WTSA Res. 1 §8.1.1, §8.3, §1.13"),
        ("consent (AAP)", f"At the meeting where drafting ends: {_consensus(spec)}.", "ITU-T A.8 §3.1"),
        ("Last Call (AAP)", last_call, p.clause("itu-t.aap.last-call")),
        ("Additional Review (AAP)", review, p.clause("itu-t.aap.additional-review")),
        ("AAP meeting", aap_meeting, p.clause("itu-t.aap.meeting")),
        (
            "determination (TAP)",
            f"At the meeting where drafting ends: {_consensus(spec)}.",
            "WTSA Res. 1 §9.3.1",
        ),
        ("TAP consultation", consultation, p.clause("itu-t.tap.consultation")),
        ("TAP meeting", tap_meeting, p.clause("itu-t.tap.meeting")),
        ("retries", ends, "Teleanu 2021, line 1148; model"),
    ]
    if spec.appointment_interval_weeks:
        posts = (
            f"Every {spec.appointment_interval_weeks} weeks the Member States appoint the chair and posts "
            "among candidates nominated by their activity."
        )
        rows.append(("posts", posts, "WTSA Res. 1 §1.11.3"))
    return rows


def _threegpp(spec: VenueSpec, p: _Params) -> Rows:
    affiliates = p("3gpp.vote", "affiliates")
    if "one-per-group" in affiliates:
        weight = f"one vote per group of affiliated members ({affiliates})"
    else:
        weight = f"one vote per Individual Membership, so a firm with subsidiaries has several ({affiliates})"
    work_item = (
        f"Needs at least {threegpp_venue.MIN_SUPPORTERS} supporting Individual Members and no substantial "
        f"objection: objectors over {_pct(spec.consensus_tolerance)} of those present stop it."
    )
    approval = (
        f"By consensus ({_consensus(spec)}). Without it, a member asks for a vote with chance "
        f"{_pct(spec.vote_request)} (assumed): yes must be at least {p('3gpp.vote', 'threshold')} of votes "
        f"cast, {weight}; otherwise the text goes back to drafting."
    )
    rows = [
        ("work item", work_item, "3GPP WP Art. 39; Teleanu 2021, line 1673"),
        ("approval", approval, p.clause("3gpp.vote")),
        ("retries", _retries(spec, "drafting"), MODEL),
    ]
    if spec.election_interval_weeks:
        elections = (
            f"Every {spec.election_interval_weeks} weeks the chair and vice-chairs are elected, one "
            f"Individual Member one vote: {p('3gpp.election', 'threshold')} of votes cast in the first "
            "round, then a run-off."
        )
        rows.append(("elections", elections, p.clause("3gpp.election")))
    return rows


def _ietf(spec: VenueSpec, p: _Params) -> Rows:
    rough = (
        "rough consensus: the chair judges whether every technical objection has been answered; head counts "
        f"do not decide (an objection is answered with chance {_pct(spec.objection_resolution)} for the "
        "weakest text, more for better ones)"
    )
    iesg = (
        "No DISCUSS, at least one YES, and YES or NO OBJECTION from at least "
        f"{p('ietf.iesg', 'standards_track_share')} of the Area Directors not recused."
    )
    last_call = f"At least {p('ietf.last-call', 'wg_minimum_days')} days for a working group document."
    return [
        (
            "adoption",
            f"{ietf_venue.DRAFT_WEEKS} weeks after the Internet-Draft: {rough}.",
            p.clause("ietf.wg"),
        ),
        ("WG Last Call", f"{ietf_venue.WGLC_WEEKS} weeks, the same test.", p.clause("ietf.wg")),
        ("IETF Last Call", last_call, p.clause("ietf.last-call")),
        ("IESG ballot", iesg, p.clause("ietf.iesg")),
        ("retries", _retries(spec, "the working group draft"), MODEL),
    ]


PIPELINES: dict[str, Callable[[VenueSpec, _Params], Rows]] = {
    "iso": _iso, "itu-t": _itu_t, "3gpp": _threegpp, "ietf": _ietf,
}  # fmt: skip


def _venue_name(spec: VenueSpec) -> str:
    return f"{spec.body} ({spec.id})" if spec.body and spec.body != spec.id else spec.id


def _changes(event: RuleChange, spec: VenueSpec, when: str) -> Rows:
    """A rule-change event as rows: what each changed parameter means, its new and its old value."""
    rows = []
    for procedure, params in event.rules.items():
        found = PROCEDURES.get(procedure)
        if found is None:
            continue
        before = resolve_params(found, spec.rules.get(procedure))
        after = resolve_params(found, {**spec.rules.get(procedure, {}), **params})
        by_name = {q.name: q for q in found.params}
        for name in params:
            doc = by_name[name].doc.rstrip(".") if name in by_name else name
            what = f"{found.title} — {doc[:1].lower()}{doc[1:]}"
            rows.append((f"change {when}", f"{what}: now {show(after[name])} (was {show(before[name])}).",
                         by_name[name].clause if name in by_name else found.clause))  # fmt: skip
    if event.tap_share is not None:
        share = f"{_pct(event.tap_share)} of new texts follow TAP (was {_pct(spec.tap_share)})."
        rows.append((f"change {when}", share, "WTSA Res. 1 §8.1.1"))
    return rows


def _when(event: Any) -> str:
    return f"at week {event.week}" if event.week is not None else f"when {event.when}"


def rules_in_words(scenario: Scenario) -> list[Rule]:
    """Every venue's stages as (venue, stage, rule text, clause), in pipeline order, then rule changes."""
    rows: list[Rule] = []
    venues = [*scenario.venues, *(e.venue for e in scenario.events if e.kind == "group")]
    for spec in venues:
        pipeline = PIPELINES.get(spec.kind)
        if pipeline is None:
            continue
        name = _venue_name(spec)
        rows += [Rule(name, stage, text, clause) for stage, text, clause in pipeline(spec, _Params(spec))]
        if spec.agenda_capacity is not None:
            agenda = (
                f"A meeting handles at most {spec.agenda_capacity} texts in order of submission; others wait."
            )
            rows.append(Rule(name, "agenda", agenda, MODEL))
        for event in scenario.events:
            if isinstance(event, RuleChange) and event.venue == spec.id:
                rows += [
                    Rule(name, stage, text, clause)
                    for stage, text, clause in _changes(event, spec, _when(event))
                ]
    return rows
