"""Forum shopping: a proposal that fails in one venue comes back, revised, in another; events create groups.

The reports: after TSAG did not take up New IP (2019), its proponents brought the ideas back as
Questions at SG11 and SG13 and through a focus group (Teleanu 2021, lines 1095-1110); venue choice
and low-visibility placement are tactics (lines 1160, 1170); ITU-T focus groups are created
between assemblies and anyone may join them (line 900). No report gives how often a failed
proposal is brought back: `forum_shopping.chance` and `.revision` are *assumed*, off by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sdo_sim.coordination import line_stances, line_utilities

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel
    from sdo_sim.proposals import Proposal
    from sdo_sim.scenario.schema import NewGroup
    from sdo_sim.venues.base import Venue


def root_id(proposal_id: str) -> str:
    """The id of the first proposal of a chain of resubmissions (`new-ip` for `new-ip@sg13`)."""
    return proposal_id.split("@", 1)[0]


def destinations(model: SDOModel, proposal: Proposal) -> list[Venue]:
    """Other venues where the proponent may propose and the chain has not been yet, in scenario order."""
    seen = {proposal.venue, *proposal.route}
    return [
        venue
        for venue in model.venues
        if venue.id not in seen and proposal.proponent in set(venue.proponent_pool().tolist())
    ]


def revised_point(point: np.ndarray, members_mean: np.ndarray, revision: float) -> np.ndarray:
    """The text moved `revision` of the way toward the new venue's members' mean ideal point."""
    return point + revision * (members_mean - point)


class Forum:
    """Failed proposals waiting for their proponent to bring them to another venue's next meeting."""

    def __init__(self) -> None:
        self.waiting: dict[str, list[Proposal]] = {}  # venue → failed proposals bound for it

    def consider(self, model: SDOModel, proposal: Proposal) -> None:
        """After a failure: with chance `forum_shopping.chance`, the text goes to one of the other venues."""
        settings = model.scenario.forum_shopping
        if settings.chance <= 0 or model.rng.random() >= settings.chance:
            return
        options = destinations(model, proposal)
        if options:
            target = options[int(model.rng.integers(len(options)))]
            self.waiting.setdefault(target.id, []).append(proposal)

    def resubmit(self, model: SDOModel, venue: Venue, week: int) -> list[Proposal]:
        """The proposals brought to this meeting, each linked to the one it comes from."""
        made = []
        for failed in self.waiting.pop(venue.id, []):
            proposal = model.new_proposal(venue, failed.proponent, week)
            mean = model.population.ideal[venue.members].mean(axis=0)
            proposal.id = f"{root_id(failed.id)}@{venue.id}"  # unique: a chain visits a venue once
            proposal.route = (*failed.route, failed.venue)
            proposal.point = revised_point(failed.point, mean, model.scenario.forum_shopping.revision)
            proposal.quality, proposal.salience = failed.quality, failed.salience
            proposal.sensitive, proposal.topic = failed.sensitive, failed.topic
            proposal.resubmitted_from = failed.id
            weights = model.scenario.positions  # the revised text meets the blocs' lines afresh
            proposal.lines = line_stances(
                line_utilities(model.population, proposal, weights), weights.abstain_band
            )
            made.append(proposal)
        return made


def create_group(model: SDOModel, event: NewGroup) -> None:
    """A new group opens mid-run (an ITU-T focus group): the members of `members_from` join it."""
    from sdo_sim.venues import VENUE_KINDS

    spec = event.venue.model_copy(deep=True)
    for actor in model.actor_list:
        if event.members_from in actor.memberships:
            actor.memberships[spec.id] = actor.memberships[event.members_from]
    model.scenario.venues.append(spec)
    venue = VENUE_KINDS[spec.kind](model, spec)
    model.venues.append(venue)
    model.venue_by_id[spec.id] = venue
    model.assign_posts(venue, spec.posts.chair, spec.posts.shares)
