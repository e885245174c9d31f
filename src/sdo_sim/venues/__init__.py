"""Venues: each SDO body's pipeline of stages, each gate a call to the rulebook."""

from sdo_sim.venues.base import Venue
from sdo_sim.venues.ietf import WorkingGroup
from sdo_sim.venues.iso import TechnicalCommittee
from sdo_sim.venues.itu_t import StudyGroup
from sdo_sim.venues.threegpp import TechnicalSpecificationGroup

VENUE_KINDS: dict[str, type[Venue]] = {
    "itu-t": StudyGroup,
    "iso": TechnicalCommittee,
    "3gpp": TechnicalSpecificationGroup,
    "ietf": WorkingGroup,
}

__all__ = [
    "VENUE_KINDS",
    "StudyGroup",
    "TechnicalCommittee",
    "TechnicalSpecificationGroup",
    "Venue",
    "WorkingGroup",
]
