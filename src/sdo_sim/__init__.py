"""sdo_sim: an agent-based simulation of how standards development organisations decide."""

from sdo_sim.errors import BallotError, SdoSimError

__version__ = "0.1.0"
__all__ = ["BallotError", "SdoSimError", "__version__"]
