"""A proposal's story (explain.py) as plain text: a header, then one block per gate (docs/explain.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdo_sim.explain import SHOWN, TERM_NAMES

if TYPE_CHECKING:
    from sdo_sim.explain import Act, BlocVote, Gate, Opponent, Story


def render(story: Story) -> str:
    """The whole story, ready to print."""
    lines = _header(story)
    for number, gate in enumerate(story.gates, 1):
        lines += ["", *_gate(number, gate)]
    if story.acts:
        lines += ["", "Posts acting between gates:"]
        lines += [f"  week {act.week}: {_act(act)}" for act in story.acts]
    if story.notes:
        lines += ["", *(f"Note: {note}." for note in story.notes)]
    return "\n".join(lines)


def _header(story: Story) -> list[str]:
    who = f"{story.proponent} ({story.bloc})" if story.bloc else story.proponent
    lines = [
        f"{story.proposal} in {story.body} ({story.venue})",
        f"Proposed by {who} in week {story.submitted}; technical quality {story.quality:.2f}.",
    ]
    sides = [
        f"for: {_list(story.supported_by)}" if story.supported_by else "",
        f"against: {_list(story.opposed_by)}" if story.opposed_by else "",
    ]
    if any(sides):
        lines.append("Bloc lines at submission: " + "; ".join(s for s in sides if s) + ".")
    for key, label in (
        ("resubmitted_from", "Brought back from"),
        ("resubmitted_as", "Taken elsewhere as"),
        ("work_item", "An alternative of work item"),
        ("alternatives", "Its rivals"),
    ):
        if story.related.get(key):
            lines.append(f"{label}: {story.related[key]}.")
    gates = f"{len(story.gates)} gate{'s' if len(story.gates) != 1 else ''}"
    if story.decided is None:
        lines.append(f"Outcome: still open at stage {story.stage} after {gates}.")
    else:
        verdict = "approved" if story.approved else "not approved"
        said = story.outcome if story.outcome.replace("-", " ") == verdict else f"{story.outcome} ({verdict})"
        lines.append(
            f"Outcome: {said} in week {story.decided}, "
            f"{story.decided - story.submitted} weeks after submission, after {gates}."
        )
    return lines


def _gate(number: int, gate: Gate) -> list[str]:
    verdict = "passed" if gate.approved else "failed"
    on = f" on its rival {gate.on}" if gate.on else ""
    lines = [f"{number}. Week {gate.week} · {gate.stage}{on} · {gate.procedure} → {gate.outcome} ({verdict})"]
    if gate.counts:
        lines.append("   Counts: " + ", ".join(f"{k} {v}" for k, v in gate.counts.items()) + ".")
    room = gate.blocs if gate.procedure != "chair-agenda" else []  # a deferral: the chair's position alone
    if room:
        lines.append("   By bloc: " + "; ".join(_bloc(vote) for vote in room) + ".")
    opposed = ", ".join(vote.bloc or "no bloc" for vote in room if vote.opposed)
    if room:
        said = f"Blocs opposed (more no than yes): {opposed}" if opposed else "No bloc opposed as a whole"
        lines.append(f"   {said}" + (f"; {gate.note}" if gate.note else "") + ".")
    for vote in gate.blocs:
        members = [o for o in gate.opponents if o.bloc == vote.bloc]
        if members:
            lines += _why(vote, members)
    for act in gate.acts:
        lines.append(f"   {_act(act)}.")
    lines.append(f"   Decided by {gate.clause or gate.procedure}: {gate.reason}")
    return lines


def _examples(members: list[Opponent]) -> list[Opponent]:
    """The first few opponents, one for each reason first, so that a rarer reason is not hidden."""
    first = list({member.reason: member for member in reversed(members)}.values())[::-1]
    chosen = sorted(first, key=members.index)[:SHOWN]
    return chosen + [member for member in members if member not in chosen][: SHOWN - len(chosen)]


def _bloc(vote: BlocVote) -> str:
    counts = f"{vote.yes} yes, {vote.no} no, {vote.abstain} abstain, {vote.absent} absent"
    line = f", line {vote.line}" if vote.line else ""
    return f"{vote.bloc or 'no bloc'} {counts}{line}"


def _why(vote: BlocVote, members: list[Opponent]) -> list[str]:
    """Why a bloc's members opposed: how many for each term, and the first few with their terms."""
    tally = ", ".join(f"{TERM_NAMES.get(term, term)} {count}" for term, count in vote.reasons.items())
    head = f"   Opposing in {vote.bloc or 'no bloc'} ({len(members)} no"
    lines = [head + (f"; weighed most: {tally}" if tally else "") + "):"]
    for member in _examples(members):
        terms = ", ".join(f"{t} {v:+.2f}" for t, v in member.terms.items() if abs(v) >= 0.005)
        followed = ", followed the line" if member.line_followed else ""
        lines.append(
            f"     {member.actor}: utility {member.utility:+.2f} ({terms}){followed}; "
            f"most against: {TERM_NAMES.get(member.reason, member.reason) or 'unknown'}"
        )
    if len(members) > SHOWN:
        lines.append(f"     ... and {len(members) - SHOWN} more")
    return lines


def _list(blocs: str) -> str:
    return ", ".join(blocs.split(","))


def _act(act: Act) -> str:
    who = f"{act.holder} ({act.bloc})" if act.bloc else act.holder
    stance = f", its own stance {act.stance}" if act.stance else ""
    return f"{act.post.capitalize()} {who}{stance}: {act.detail}"
