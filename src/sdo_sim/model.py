"""The mesa model: actors, venues and scripted events, one step per week.

The model acts at meetings and ballot closings (a heap of scheduled callbacks), not every actor
every week; positions on a proposal are computed for all voters at once from `Population` arrays.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from functools import partial
from typing import Any

import mesa
import numpy as np

from sdo_sim.agents import Actor, Delegation, Firm
from sdo_sim.coordination import line_stances, line_utilities
from sdo_sim.editing import EditorLog
from sdo_sim.events import EventQueue
from sdo_sim.forum import Forum
from sdo_sim.leadership import POST_TITLES, PostLog
from sdo_sim.population import Population
from sdo_sim.proposals import Proposal
from sdo_sim.reasons import Reasons
from sdo_sim.scenario.schema import ActorOverride, ActorSpec, Draw, Scenario, ScriptedProposal
from sdo_sim.scripted import Script, fix, proponent_for
from sdo_sim.submissions import flooded_quality
from sdo_sim.venues import VENUE_KINDS, Venue
from sdo_sim.work_items import WorkItem, decide, open_item


def own(actor: Actor, values: ActorOverride) -> None:
    """Give one generated actor its own values (`per_actor`) in place of its group's."""
    for field, value in values.model_dump(exclude_none=True).items():
        if field == "ideal":
            actor.ideal = np.array(value, dtype=float)
        elif field == "quality":
            actor.quality = (float(value[0]), float(value[1]))
        elif field == "contributions":
            actor.contributions = actor.initial_contributions = float(value)
        else:
            setattr(actor, field, value)


class SDOModel(mesa.Model):
    """Delegations and firms moving proposals through their venues' real procedures."""

    def __init__(self, scenario: Scenario, seed: int | None = None, record_positions: bool = False) -> None:
        super().__init__(seed=scenario.seed if seed is None else seed)
        self.scenario = scenario.model_copy(deep=True)  # events change it; the caller's stays intact
        self.record_positions = record_positions
        self.reasons = Reasons() if record_positions else None  # why each took its position (reasons.py)
        self.week = 0
        self.proposals: list[Proposal] = []
        self.outcomes = {"approved": 0, "failed": 0}  # kept by Venue.finish, read weekly
        self.outcomes_by_bloc: dict[str, list[int]] = {}  # bloc (and "all") → [approved, decided]
        self._posts_share: dict[str, float] = {}
        self.positions_computed = 0  # actor-positions, for the benchmark
        self.defections = 0  # positions taken against the bloc line by a follower (coordination.py)
        self.positions_recorded = 0  # rows of the positions table, for the memory guard (budget.py)
        self.decision_rows: list[dict[str, Any]] = []
        self.position_chunks: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        self._queue: list[tuple[int, int, Callable[..., None], tuple[Any, ...]]] = []
        self._sequence = 0
        self.actor_list: list[Actor] = []
        self.post_log = PostLog()
        self.editor_log = EditorLog()  # editors hold a text's pen while it is drafted (editing.py)
        # Delegations first, so that every firm's home delegation exists when the firm is made.
        for spec in sorted(self.scenario.actors, key=lambda spec: spec.kind != "delegation"):
            self.add_actors(spec)
        self.rebuild()
        self.venues: list[Venue] = [VENUE_KINDS[v.kind](self, v) for v in self.scenario.venues]
        self.venue_by_id = {venue.id: venue for venue in self.venues}
        for venue in self.venues:
            self.assign_posts(venue, venue.spec.posts.chair, venue.spec.posts.shares)
        self.events = EventQueue(self.scenario.events)
        self.script = Script(self.scenario.proposals)
        self.forum = Forum()
        self.work_items: dict[str, list[WorkItem]] = {}  # venue → its work items with alternatives
        reporters: dict[str, Any] = {
            "week": "week",
            "open_proposals": self.open_proposals,
            "approved": self.approved_count,
            "failed": self.failed_count,
            "approval_rate": self.approval_rate,
            "actors": self.actor_count,
        }
        for bloc in self.scenario.blocs:
            reporters[f"posts_share.{bloc}"] = partial(SDOModel.posts_share_of, bloc=bloc)
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    # --- population -----------------------------------------------------------------------

    def add_actors(self, spec: ActorSpec) -> list[Actor]:
        """Create the actors a spec describes (ideal points drawn around their bloc's)."""
        made: list[Actor] = []
        blocs = self.scenario.blocs
        homes = self._home_pool(spec)
        for k in range(spec.count):
            name = spec.id if spec.count == 1 else f"{spec.id}-{k + 1:03d}"
            if spec.ideal is not None:
                ideal = np.array(spec.ideal, dtype=float)
            else:
                bloc = blocs[spec.bloc]  # type: ignore[index]  # checked by the schema
                ideal = np.array(bloc.ideal) + bloc.spread * self.rng.standard_normal(
                    self.scenario.dimensions
                )
            attendance = self._draw(spec.attendance, 1.0)
            contributions = self._draw(spec.contributions, None)
            common = (name, spec.bloc, ideal, spec.memberships, attendance, spec.delegates, contributions,
                      self._draw(spec.block_propensity, 1.0))  # fmt: skip
            if spec.kind == "delegation":
                actor: Actor = Delegation(self, *common)
            else:
                home = homes[int(self.rng.integers(len(homes)))] if homes else None
                actor = Firm(self, *common, home=home, alignment=self._draw(spec.alignment, 1.0),
                             subsidiaries=spec.subsidiaries)  # fmt: skip
            actor.quality = spec.quality or (blocs[spec.bloc].quality if spec.bloc else None)
            if spec.per_actor and name in spec.per_actor:
                own(actor, spec.per_actor[name])  # after the draws: every other actor stays as it was
            self.actor_list.append(actor)
            made.append(actor)
        return made

    def _draw(self, value: float | Draw, upper: float | None) -> float:
        """A plain number, or one draw from the distribution, clipped to [0, upper]."""
        if not isinstance(value, Draw):
            return float(value)
        if value.uniform is not None:
            drawn = self.rng.uniform(*value.uniform)
        elif value.beta is not None:
            drawn = self.rng.beta(*value.beta)
        else:
            drawn = self.rng.normal(*value.normal)  # type: ignore[misc]
        return float(np.clip(drawn, 0.0, np.inf if upper is None else upper))

    def _home_pool(self, spec: ActorSpec) -> list[Delegation]:
        """The delegations a firm's home is drawn from: its bloc's, or those named by `home`."""
        if spec.kind != "firm" or spec.home is None:
            return []
        delegations = [a for a in self.actor_list if isinstance(a, Delegation)]
        if spec.home == "bloc":
            return [a for a in delegations if a.bloc == spec.bloc]
        return [a for a in delegations if a.name == spec.home or a.name.rsplit("-", 1)[0] == spec.home]

    def rebuild(self) -> None:
        """Refresh the array view of the actors after the population changed."""
        old = getattr(self, "population", None)
        self.population = Population.build(
            self.actor_list, self.scenario.blocs, self.scenario.dimensions, old.sanctions if old else None
        )
        for venue in getattr(self, "venues", []):
            venue.refresh()

    def bloc_name(self, index: int) -> str:
        names = self.population.bloc_names
        return names[index] if index < len(names) else ""

    # --- proposals and scheduling ---------------------------------------------------------

    def scripted_proposals(self, venue: Venue, week: int) -> list[Proposal]:
        """The scenario's named proposals due at this meeting of the venue (scripted.py)."""
        made, held = [], []
        members = set(venue.members.tolist())
        for name, spec in self.script.due(venue.id, week):
            if spec.alternatives:  # a work item: its alternatives are chosen among (work_items.py)
                item = open_item(venue, name, spec, week)
                if item is None:
                    held.append((name, spec))
                else:
                    self.work_items.setdefault(venue.id, []).append(item)
                    self.proposals.extend(item.alternatives)
                continue
            proponent = proponent_for(spec, self.population.names, members, float(self.rng.random()))
            if proponent is None:
                held.append((name, spec))
                continue
            proposal = self.new_proposal(venue, proponent, week, (name, spec))
            made.append(proposal)
        self.script.hold(venue.id, week, held)
        return made

    def decide_work_items(self, venue: Venue, week: int) -> None:
        """The meeting's choices among the alternatives of the venue's open work items."""
        items = [item for item in self.work_items.get(venue.id, []) if not item.decided]
        if items:
            decide(venue, items, week)

    def new_proposal(
        self, venue: Venue, proponent: int, week: int, scripted: tuple[str, ScriptedProposal] | None = None
    ) -> Proposal:
        """A proposal near its proponent's ideal point, of random quality (Beta); a scripted one
        then takes its fixed id and what the scenario fixes."""
        pop = self.population
        actor = self.actor_list[proponent]
        a, b = actor.quality or self.scenario.quality  # merit per proponent, else the scenario's
        point = pop.ideal[proponent] + self.scenario.proposal_spread * self.rng.standard_normal(
            pop.ideal.shape[1]
        )
        proposal = Proposal(
            id=f"{venue.id}-{venue.next_number():04d}",
            venue=venue.id,
            proponent=proponent,
            bloc=int(pop.bloc[proponent]),
            point=point,
            quality=flooded_quality(
                float(self.rng.beta(a, b)),
                actor.initial_contributions,
                actor.contributions,
                self.scenario.quality_cost,
            ),
            salience=float(self.rng.beta(*self.scenario.salience)),
            sensitive=bool(self.rng.random() < venue.spec.policy_sensitivity),
            submitted=week,
        )
        if scripted is not None:
            fix(proposal, *scripted)
        weights = self.scenario.positions
        proposal.lines = line_stances(line_utilities(pop, proposal, weights), weights.abstain_band)
        return proposal

    def schedule(self, week: int, callback: Callable[..., None], *args: Any) -> None:
        """Run `callback(args[0], week, *args[1:])` at `week`; same-week ones run in the order scheduled."""
        if week < self.scenario.weeks:
            heapq.heappush(self._queue, (week, self._sequence, callback, args))
            self._sequence += 1

    def step(self) -> None:
        """One week: events, due ballot closings, meetings, the year-end review, data collection."""
        week = self.week
        self.events.fire_due(self, week)
        while self._queue and self._queue[0][0] <= week:
            _, _, callback, args = heapq.heappop(self._queue)
            args = (*args[:1], week, *args[1:])
            callback(*args)
        for venue in self.venues:
            if venue.is_meeting(week):
                venue.meeting(week)
            if week % 52 == 51 and hasattr(venue, "year_end"):
                venue.year_end(week)
        self.datacollector.collect(self)
        self.week += 1
        if self.week >= self.scenario.weeks:
            self.running = False

    def run(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Step through the whole horizon."""
        while self.running:
            self.step()
            if progress is not None:
                progress(self.week, self.scenario.weeks)

    # --- posts ----------------------------------------------------------------------------

    def assign_posts(self, venue: Venue, chair: str | None, shares: dict[str, float]) -> None:
        """Fill a venue's chair and other posts: a named chair, others drawn by bloc shares."""
        if hasattr(venue, "fill_posts"):  # a venue that fills its posts by its own procedure (ISO)
            venue.fill_posts(self.week)
            self.posts_changed()
            return
        members = venue.members
        if not len(members):
            return
        if chair is not None:
            venue.chair = next((a.index for a in self.actor_list if a.name == chair), None)
        else:
            venue.chair = self._draw_chair(members, shares)
        others = members[members != venue.chair]
        venue.posts = self._draw_by_shares(others, shares, min(venue.spec.posts.count, len(others)))
        self.posts_changed()

    def _draw_chair(self, members: np.ndarray, shares: dict[str, float]) -> int:
        """A chair from a bloc drawn with the shares as chances (the rest: any other member)."""
        pop = self.population
        roll, total = self.rng.random(), 0.0
        for bloc, share in shares.items():
            total += share
            pool = members[pop.bloc[members] == pop.bloc_names.index(bloc)]
            if roll < total and len(pool):
                return int(self.rng.choice(pool))
        named = np.isin(pop.bloc[members], [pop.bloc_names.index(b) for b in shares])
        pool = members[~named] if (~named).any() else members
        return int(self.rng.choice(pool))

    def _draw_by_shares(self, members: np.ndarray, shares: dict[str, float], count: int) -> list[int]:
        """`count` distinct members: round(share × count) from each named bloc, the rest from other blocs."""
        pop = self.population
        chosen: list[int] = []
        named = np.isin(pop.bloc[members], [pop.bloc_names.index(b) for b in shares])
        for bloc, share in shares.items():
            pool = np.setdiff1d(members[pop.bloc[members] == pop.bloc_names.index(bloc)], chosen)
            take = min(len(pool), round(share * count), count - len(chosen))
            if take > 0:
                chosen += self.rng.choice(pool, size=take, replace=False).tolist()
        for pool in (members[~named], members):  # other blocs first, so that the shares hold
            rest = np.setdiff1d(pool, chosen)
            extra = min(len(rest), count - len(chosen))
            if extra > 0:
                chosen += self.rng.choice(rest, size=extra, replace=False).tolist()
        return [int(c) for c in chosen]

    def posts_changed(self) -> None:
        """Record who holds which post, and the share of posts each bloc holds."""
        holdings = [
            (venue.id, "chair" if i == 0 and venue.chair is not None else POST_TITLES[venue.kind], holder)
            for venue in self.venues
            if not hasattr(venue, "titled_posts")
            for i, holder in enumerate(([venue.chair] if venue.chair is not None else []) + list(venue.posts))
        ] + [(v.id, title, holder) for v in self.venues if hasattr(v, "titled_posts") for title, holder in
             v.titled_posts()]  # fmt: skip  # a venue that names its own posts (ISO)
        bloc_of = {holder: self.actor_list[holder].bloc or "" for _, _, holder in holdings}
        self.post_log.update(self.week, holdings, bloc_of)
        for actor in self.actor_list:
            actor.posts = []
        shares: dict[str, float] = {}
        holders = [
            holder
            for venue in self.venues
            for holder in ([venue.chair] if venue.chair is not None else []) + list(venue.posts)
        ]
        for venue in self.venues:
            for i, holder in enumerate(
                ([venue.chair] if venue.chair is not None else []) + list(venue.posts)
            ):
                self.actor_list[holder].posts.append(f"{venue.id}:{'chair' if i == 0 else 'post'}")
        for holder in holders:
            bloc = self.actor_list[holder].bloc or ""
            shares[bloc] = shares.get(bloc, 0.0) + 1.0 / len(holders)
        self._posts_share = shares

    # --- metrics (DataCollector reporters and event conditions) -----------------------------

    def open_proposals(self) -> int:
        return len(self.proposals) - self.outcomes["approved"] - self.outcomes["failed"]

    def approved_count(self) -> int:
        return self.outcomes["approved"]

    def failed_count(self) -> int:
        return self.outcomes["failed"]

    def approval_rate(self) -> float:
        decided = self.approved_count() + self.failed_count()
        return self.approved_count() / decided if decided else float("nan")

    def actor_count(self) -> int:
        return len(self.actor_list)

    def posts_share(self) -> dict[str, float]:
        """Share of all posts (chairs and others) held by each bloc."""
        return dict(self._posts_share)

    def posts_share_of(self, bloc: str) -> float:
        return self.posts_share().get(bloc, 0.0)

    def metrics(self, names: set[str] | None = None) -> dict[str, Any]:
        """What event conditions may test: 'metric[.bloc] op number' (only `names`, when given)."""
        wanted = set(names) if names is not None else {"approval_rate", "posts_share", "members_share",
                                                          "contributions_share"}  # fmt: skip
        out: dict[str, Any] = {"week": self.week}
        if "posts_share" in wanted:
            out["posts_share"] = {bloc or "none": share for bloc, share in self.posts_share().items()}
        if "approval_rate" in wanted:
            out["approval_rate"] = {k: a / n for k, (a, n) in self.outcomes_by_bloc.items() if n}
        if wanted & {"members_share", "contributions_share"}:
            out.update(self._population_shares())
        return out

    def _population_shares(self) -> dict[str, dict[str, float]]:
        members: dict[str, float] = {}
        contributions: dict[str, float] = {}
        total = sum(a.contributions for a in self.actor_list) or 1.0
        for actor in self.actor_list:
            key = actor.bloc or "none"
            members[key] = members.get(key, 0.0) + 1.0 / len(self.actor_list)
            contributions[key] = contributions.get(key, 0.0) + actor.contributions / total
        return {"members_share": members, "contributions_share": contributions}
