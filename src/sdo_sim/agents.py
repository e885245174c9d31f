"""The actors: country delegations and firms (mesa agents).

Agents are the unit of identity, events and behaviour; their numeric attributes are mirrored in
the model's `Population` arrays so that one ballot's positions are one vectorised computation.
"""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from sdo_sim.model import SDOModel


class _IdsPerModel(weakref.WeakKeyDictionary):  # type: ignore[type-arg]
    """Each model's unique_id counter, held weakly. mesa 3.3's `Agent._ids` is a class-level
    defaultdict keyed by the model itself, so every model ever built stayed alive: a sweep worker
    grew by about 2 MB a 3GPP run, 4 GB after 2,000 runs (mesa issue #3179, fixed after 3.3)."""

    def __getitem__(self, model: Any) -> Any:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = itertools.count(1)
            self[model] = counter
            return counter


class Actor(mesa.Agent):
    """Anything that takes positions on proposals: a delegation or a firm."""

    kind = "actor"
    _ids = _IdsPerModel()

    def __init__(
        self,
        model: SDOModel,
        name: str,
        bloc: str | None,
        ideal: np.ndarray,
        memberships: dict[str, str],
        attendance: float,
        delegates: int,
        contributions: float,
        block_propensity: float,
    ) -> None:
        super().__init__(model)
        self.name = name
        self.bloc = bloc
        self.ideal = ideal
        self.memberships = dict(memberships)
        self.attendance = attendance
        self.delegates = delegates
        self.contributions = contributions
        self.initial_contributions = contributions  # a surge above it may cost quality (submissions.py)
        self.quality: tuple[float, float] | None = None  # Beta(a, b) of its proposals; None: the scenario's
        self.block_propensity = block_propensity
        self.posts: list[str] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, bloc={self.bloc!r})"


class Delegation(Actor):
    """A country's representation: an ITU Member State, an ISO/IEC national body."""

    kind = "delegation"


class Firm(Actor):
    """A company: ITU-T Sector Member, 3GPP Individual Member (via subsidiaries), IETF participant."""

    kind = "firm"

    def __init__(
        self,
        model: SDOModel,
        *args: object,
        home: Delegation | None,
        alignment: float,
        subsidiaries: int,
        **kw: object,
    ) -> None:
        super().__init__(model, *args, **kw)  # type: ignore[arg-type]
        self.home = home
        self.alignment = alignment
        self.subsidiaries = subsidiaries
