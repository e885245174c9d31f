"""Work items with competing alternatives: members choose among them, the chair may broker a split.

The 2016 choice of 5G channel codes (He 2022, lines 257-261, 540): LDPC and Polar competed for the
data and the control channel; almost all major companies backed LDPC, reliable after decades and
cheap because most of its essential patents had expired; no company, Chinese ones included, wanted
Huawei "to become another Qualcomm"; Qualcomm, Ericsson and Samsung, who also held Polar patents,
could accept Polar for control; Huawei, who held LDPC patents too, accepted LDPC for data; the
outcome came from "bargaining and compromising" between big companies. So a member values each
alternative like any text (population.py) plus what its essential patents mean to it: royalties
from its own share (`positions.ipr_own`) less an aversion to the concentration of the others'
(`positions.ipr_concentration`, on their Herfindahl index), both scaled by the item's `stakes`.
A bloc's line is its favourite alternative. The chair looks for consensus on the most preferred
alternative; failing that, for a package across the items that share a `package` tag (a brokered
split); failing that, 3GPP votes on the leader (71 %); otherwise the item waits for the next
meeting. Where the venue lets holders bargain (`holders_bargain`), a package whose alternatives
declare essential patents is bargained as one: its holders act on their own interest and none may be
overruled (bargaining.py; He 2022, line 540). The chosen alternative is the decision: it ends
approved (`chosen`), the others not. None of the weights is given by a source: all are *assumed*
(docs/ODD.md, "Work items").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.bargaining import held_out, objecting_holders, on_business, package_holders
from sdo_sim.coordination import acting_utility, line_utilities
from sdo_sim.leadership import biased_tolerance
from sdo_sim.population import ABSENT, ABSTAIN, NO, YES
from sdo_sim.venues.base import consensus_decision

if TYPE_CHECKING:
    from sdo_sim.proposals import Proposal
    from sdo_sim.scenario.schema import ScriptedProposal
    from sdo_sim.venues.base import Venue

MAX_PACKAGES = 256  # combinations a chair weighs when brokering a split


@dataclass
class WorkItem:
    """A work item's alternatives (proposals `<item>:<alternative>`) and their patent holders."""

    id: str
    venue: str
    stakes: float
    package: str
    alternatives: list[Proposal]
    ipr: list[dict[int, float]]  # per alternative: actor index → share of its essential patents
    attempts: int = 0
    decided: bool = False


@dataclass
class Reading:
    """What the room thinks of one item at one meeting: utilities acted on, presence, first choices."""

    item: WorkItem
    idx: np.ndarray
    acted: np.ndarray  # (alternatives, members)
    present: np.ndarray
    own: np.ndarray | None = None  # (alternatives, members): own utilities, before any bloc line
    first: np.ndarray = field(init=False)
    regret: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.first = self.acted.argmax(axis=0)
        self.regret = self.acted.max(axis=0) - self.acted


def ipr_term(
    idx: np.ndarray, shares: dict[int, float], stakes: float, own: float, concentration: float
) -> np.ndarray:
    """Stakes × (own · the member's share − concentration · the others' Herfindahl index) (He 2022)."""
    mine = np.array([shares.get(int(i), 0.0) for i in idx])
    total = sum(share * share for share in shares.values())
    return stakes * (own * mine - concentration * (total - mine * mine))


def bloc_ipr(bloc: np.ndarray, blocs: int, terms: np.ndarray) -> np.ndarray:
    """The patent term of each bloc's line: the mean of its members' own terms, so that a bloc of
    many members without patents is not taken for one big holder (blocs without members: 0)."""
    totals = np.bincount(bloc, weights=terms, minlength=blocs)
    counts = np.bincount(bloc, minlength=blocs)
    return np.divide(totals, counts, out=np.zeros(blocs), where=counts > 0)


def read_room(venue: Venue, item: WorkItem, present: np.ndarray | None = None) -> Reading:
    """Each member's utility for each alternative, the bloc line as a favourite, and who is present
    (`present`: the meeting's attendance, drawn once for all its items; none: drawn here)."""
    model = venue.model
    pop, weights, rng = model.population, model.scenario.positions, model.rng
    idx = venue.members
    patents = np.array([
        ipr_term(idx, item.ipr[k], item.stakes, weights.ipr_own, weights.ipr_concentration)
        for k in range(len(item.alternatives))
    ])  # fmt: skip
    plain = np.array([pop.utilities(idx, alt, weights, rng) for alt in item.alternatives])
    own = plain + patents
    blocs = len(pop.cohesion)
    lines = np.array([
        line_utilities(pop, alt, weights) + bloc_ipr(pop.bloc[idx], blocs, patents[k])
        for k, alt in enumerate(item.alternatives)
    ])  # fmt: skip
    # A bloc that `backs_own` takes its own member's alternative (Russel & Berger 2020, lines 135-137)
    mine = np.array([np.arange(blocs) == alt.bloc for alt in item.alternatives]) & pop.backs_own[:blocs]
    lines[~mine & mine.any(axis=0)] = -np.inf
    bloc = pop.bloc[idx]
    favourite = lines.argmax(axis=0)[bloc]
    follows = rng.random(len(idx)) < pop.cohesion[bloc]
    regret = own.max(axis=0) - own[favourite, np.arange(len(idx))]
    defects = follows & (regret > pop.defection_threshold[bloc] + pop.sanctions[idx])
    follows &= ~defects
    acted = own.copy()
    reach = acting_utility(weights)
    acted[:, follows] = -reach  # a follower takes the line's favourite and opposes the rest
    acted[favourite[follows], np.flatnonzero(follows)] = reach
    present = pop.present(idx, rng) if present is None else present
    seen = idx[defects & present]
    if len(seen):
        np.add.at(pop.sanctions, seen, pop.discipline[pop.bloc[seen]])
        model.defections += len(seen)
    if model.reasons is not None:  # why each member takes its position (reasons.py)
        model.reasons.seen_item(item.alternatives, idx, plain, patents, acted, follows, defects, favourite)
    return Reading(item, idx, acted, present, own)


def _call(venue: Venue, reading: Reading, choice: int, regret: np.ndarray) -> tuple[object, np.ndarray]:
    """A chair's consensus call on one alternative: who regrets it past the objection threshold objects."""
    model = venue.model
    objecting = reading.present & (regret > model.scenario.positions.objection_threshold)
    stance = np.where(~reading.present, ABSENT, np.where(objecting, NO,
                      np.where(reading.first == choice, YES, ABSTAIN))).astype(np.int8)  # fmt: skip
    against, present, _ = venue.opposition_share(reading.idx, stance)
    chair = None
    if venue.chair is not None and venue.chair in set(reading.idx.tolist()):
        chair = int(stance[int(np.flatnonzero(reading.idx == venue.chair)[0])])
    tolerance = biased_tolerance(venue.spec.consensus_tolerance, venue.spec.chair_bias, chair)
    return consensus_decision(against, present, tolerance, "He 2022, line 540"), stance


def leader(venue: Venue, reading: Reading) -> int:
    """The alternative most members present prefer, by delegates (ties: the one listed first)."""
    delegates = venue.model.population.delegates[reading.idx] * reading.present
    support = np.bincount(reading.first, weights=delegates, minlength=len(reading.item.alternatives))
    return int(support.argmax())


def bargained(venue: Venue, readings: list[Reading]) -> list[list[Reading]]:
    """The packages of open items whose patent holders bargain (`holders_bargain`; He 2022, line 540)."""
    if not venue.spec.holders_bargain:
        return []
    packages: dict[str, list[Reading]] = {}
    for reading in readings:
        if reading.item.package:
            packages.setdefault(reading.item.package, []).append(reading)
    return [group for group in packages.values() if len(group) > 1 and len(package_holders(group))]


def decide(venue: Venue, items: list[WorkItem], week: int) -> None:
    """A meeting's decisions on the venue's open work items: consensus, a brokered split, a vote."""
    present = venue.model.population.present(venue.members, venue.model.rng)  # one meeting, one roll-call
    readings = [read_room(venue, item, present) for item in items if not item.decided]
    bargains = bargained(venue, readings)
    taken = {id(reading) for group in bargains for reading in group}
    open_ = []
    for reading in readings:
        if id(reading) in taken:  # decided as a package below
            continue
        choice = leader(venue, reading)
        decision, stance = _call(venue, reading, choice, reading.regret[choice])
        venue.record(reading.item.alternatives[choice], week, "choice", "chair-consensus", decision,
                     reading.idx, stance)  # fmt: skip
        if decision.approved:  # type: ignore[attr-defined]
            settle(venue, reading.item, choice, week)
        else:
            open_.append(reading)
    packages: dict[str, list[Reading]] = {}
    for reading in open_:
        if reading.item.package:
            packages.setdefault(reading.item.package, []).append(reading)
    for group in packages.values():
        if len(group) > 1 and broker(venue, group, week):
            open_ = [r for r in open_ if r not in group]
    for group in bargains:
        holders = package_holders(group)
        group = [on_business(reading, holders) for reading in group]
        if venue.model.reasons is not None:
            venue.model.reasons.bargain(group, holders)
        if not broker(venue, group, week, holders):
            open_.extend(group)
    for reading in open_:
        if not vote(venue, reading, week):
            reading.item.attempts += 1
            if reading.item.attempts >= venue.spec.max_attempts:
                settle(venue, reading.item, None, week)


def broker(venue: Venue, group: list[Reading], week: int, holders: np.ndarray | None = None) -> bool:
    """The chair proposes the package of alternatives, one per item, that the fewest present object to;
    with patent holders bargaining, first one that none of them objects to (He 2022, line 540)."""
    stakes = np.array([r.item.stakes for r in group]) + 1e-12
    combos = list(product(*(range(len(r.item.alternatives)) for r in group)))[:MAX_PACKAGES]
    holders = np.zeros(0, dtype=np.int64) if holders is None else holders
    threshold = venue.model.scenario.positions.objection_threshold
    best, best_key = None, (len(holders) + 1, 2.0)
    present = np.any([r.present for r in group], axis=0)
    for combo in combos:
        regret = sum(s * r.regret[c] for s, r, c in zip(stakes, group, combo, strict=True)) / stakes.sum()
        merged = Reading(group[0].item, group[0].idx, group[0].acted, present)
        decision, _ = _call(venue, merged, combo[0], regret)
        counts = decision.counts  # type: ignore[attr-defined]
        share = counts["against"] / counts["present"] if counts["present"] else 0.0
        vetoes = objecting_holders(regret, present, holders, threshold)
        if (len(vetoes), share) < best_key:
            best, best_key = (combo, decision, regret, vetoes), (len(vetoes), share)
    if best is None:
        return False
    combo, decision, regret, vetoes = best
    if len(vetoes):
        counts = decision.counts  # type: ignore[attr-defined]
        names = [venue.model.population.names[int(group[0].idx[k])] for k in vetoes]
        decision = held_out(counts["against"], counts["present"], names)
    for reading, choice in zip(group, combo, strict=True):
        _, stance = _call(venue, Reading(reading.item, reading.idx, reading.acted, present), choice, regret)
        venue.record(reading.item.alternatives[choice], week, "package", "chair-consensus", decision,
                     reading.idx, stance)  # fmt: skip
        if decision.approved:  # type: ignore[attr-defined]
            settle(venue, reading.item, choice, week)
    return bool(decision.approved)  # type: ignore[attr-defined]


def vote(venue: Venue, reading: Reading, week: int) -> bool:
    """3GPP: without consensus, a member may ask (`vote_request`) for a vote on the leading alternative
    (71 % of votes cast, one vote per Individual Membership as for texts; Teleanu 2021, line 1673)."""
    if venue.kind != "3gpp":
        return False
    if venue.model.rng.random() >= venue.spec.vote_request:  # a vote only when a member asks (7.5)
        return False
    from sdo_sim.rules import threegpp

    choice = leader(venue, reading)
    objecting = reading.present & (
        reading.regret[choice] > venue.model.scenario.positions.objection_threshold
    )
    backing = reading.present & (reading.first == choice)
    votes = venue.weights(reading.idx)  # type: ignore[attr-defined]  # venues/threegpp.py
    decision = threegpp.tsg_vote(int(votes[backing].sum()), int(votes[objecting].sum()),
                                 threshold=venue.params("3gpp.vote")["threshold"])  # fmt: skip
    stance = np.where(~reading.present, ABSENT, np.where(objecting, NO, np.where(backing, YES, ABSTAIN)))
    venue.record(reading.item.alternatives[choice], week, "choice", "3gpp.vote", decision, reading.idx,
                 stance.astype(np.int8))  # fmt: skip
    if decision.approved:
        settle(venue, reading.item, choice, week)
    return decision.approved


def settle(venue: Venue, item: WorkItem, choice: int | None, week: int) -> None:
    """The chosen alternative is approved (`chosen`); the others end `not-chosen` (or all `no-choice`)."""
    item.decided = True
    for k, alternative in enumerate(item.alternatives):
        if choice is None:
            venue.finish(alternative, week, "no-choice", False)
        else:
            venue.finish(alternative, week, "chosen" if k == choice else "not-chosen", k == choice)


def open_item(venue: Venue, name: str, spec: ScriptedProposal, week: int) -> WorkItem | None:
    """A scripted work item's alternatives as proposals `<item>:<alternative>`; None while a proponent
    does not exist yet."""
    from sdo_sim.scripted import proponent_for

    model = venue.model
    names, members = model.population.names, set(venue.members.tolist())
    alternatives, ipr = [], []
    for alt in spec.alternatives:
        who = spec.model_copy(update={"proponent": alt.proponent or spec.proponent})
        proponent = proponent_for(who, names, members, float(model.rng.random()))
        if proponent is None:
            return None
        proposal = model.new_proposal(venue, proponent, week, (f"{name}:{alt.id}", spec))
        if alt.quality is not None:
            proposal.quality = alt.quality
        if alt.point is not None:
            proposal.point = np.array(alt.point, dtype=float)
        proposal.work_item, proposal.stage = name, "alternative"
        alternatives.append(proposal)
        ipr.append(holders(alt.ipr, names))
    return WorkItem(name, venue.id, spec.stakes, spec.package, alternatives, ipr)


def holders(ipr: dict[str, float], names: list[str]) -> dict[int, float]:
    """Actor index → patent share: a share given to an actor spec id is split among its actors."""
    shares: dict[int, float] = {}
    for holder, share in ipr.items():
        prefix = holder + "-"
        owners = [i for i, n in enumerate(names)
                  if n == holder or (n.startswith(prefix) and n[len(prefix):].isdigit())]  # fmt: skip
        for i in owners:
            shares[i] = shares.get(i, 0.0) + share / len(owners)
    return shares
