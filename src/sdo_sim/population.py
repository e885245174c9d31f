"""The actors' numeric attributes as arrays, and positions on a proposal as one vectorised step.

The utility of actor i for proposal p (docs/ODD.md, "Positions"):

    own_i   = value + merit·(2q_p − 1) − s_p·(distance·‖x_i − x_p‖ − affinity·A[b_i, b_p]) + noise·ε_i
              (q: technical quality, s: salience — how contested the proposal is)
    u_i     = (1 − α_i)·own_i + α_i·home_h(i)          (firms, α = alignment with the home state)
    u_i     → the bloc line, with probability cohesion_b(i), unless too far from it (coordination.py)
    stance  = yes if u > band, no if u < −band·(1 − β_i), abstain otherwise   (β = block propensity)
    present with probability attendance_i (absent actors neither vote nor comment)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sdo_sim.agents import Actor
    from sdo_sim.proposals import Proposal
    from sdo_sim.scenario.schema import Bloc, Positions

YES, NO, ABSTAIN, ABSENT = 1, -1, 0, 9


@dataclass
class Population:
    """Arrays over all actors, indexed by `Actor.index`; rebuilt when an event changes actors."""

    names: list[str]
    ideal: np.ndarray  # (n, d)
    bloc: np.ndarray  # (n,) bloc index; the last index means "no bloc"
    bloc_names: list[str]
    bloc_ideal: np.ndarray  # (B + 1, d); the "no bloc" row is unused
    cohesion: np.ndarray  # (B + 1,)
    defection_threshold: np.ndarray  # (B + 1,) distance from the line past which a follower defects
    discipline: np.ndarray  # (B + 1,) rise of a defector's threshold per defection seen
    backs_own: np.ndarray  # (B + 1,) whether the bloc's line is yes on its own members' proposals
    affinity: np.ndarray  # (B + 1, B + 1)
    attendance: np.ndarray
    contributions: np.ndarray
    delegates: np.ndarray
    block_propensity: np.ndarray
    alignment: np.ndarray
    home: np.ndarray  # (n,) index of the home delegation, -1 for none
    subsidiaries: np.ndarray
    is_firm: np.ndarray
    sanctions: np.ndarray  # (n,) what each actor's defections have added to its threshold
    home_states: np.ndarray = field(init=False, repr=False)  # (h,) the firms' home states, sorted
    home_slot: np.ndarray = field(init=False, repr=False)  # (n,) each firm's row in it, -1 for none

    def __post_init__(self) -> None:
        # the home states of firms, found once per rebuild rather than once per gate
        pressured = self.home >= 0
        self.home_states = np.unique(self.home[pressured])
        self.home_slot = np.where(pressured, np.searchsorted(self.home_states, self.home), -1)

    @classmethod
    def build(
        cls,
        actors: list[Actor],
        blocs: dict[str, Bloc],
        dimensions: int,
        sanctions: np.ndarray | None = None,
    ) -> Population:
        """Arrays from agents and the scenario's blocs; `sanctions` carries over those of a rebuild."""
        from sdo_sim.agents import Firm

        names = list(blocs)
        none = len(names)
        index = {name: i for i, name in enumerate(names)}
        for position, actor in enumerate(actors):
            actor.index = position  # type: ignore[attr-defined]
        cohesion = np.zeros(none + 1)
        threshold = np.full(none + 1, np.inf)
        discipline = np.zeros(none + 1)
        backs_own = np.zeros(none + 1, dtype=bool)
        bloc_ideal = np.zeros((none + 1, dimensions))
        affinity = np.zeros((none + 1, none + 1))
        for name, bloc in blocs.items():
            i = index[name]
            cohesion[i] = bloc.cohesion
            if bloc.defection_threshold is not None:
                threshold[i] = bloc.defection_threshold
            discipline[i] = bloc.discipline
            backs_own[i] = bloc.backs_own
            bloc_ideal[i] = bloc.ideal
            affinity[i, i] = 1.0
            for other, value in bloc.affinity.items():
                affinity[i, index[other]] = value
        carried = np.zeros(len(actors))
        if sanctions is not None:  # actors are only ever appended, so old indices stay valid
            carried[: len(sanctions)] = sanctions
        firms = [isinstance(a, Firm) for a in actors]
        return cls(
            names=[a.name for a in actors],
            ideal=np.array([a.ideal for a in actors], dtype=float).reshape(len(actors), dimensions),
            bloc=np.array([index.get(a.bloc, none) if a.bloc else none for a in actors], dtype=np.int64),
            bloc_names=names,
            bloc_ideal=bloc_ideal,
            cohesion=cohesion,
            defection_threshold=threshold,
            discipline=discipline,
            backs_own=backs_own,
            affinity=affinity,
            attendance=np.array([a.attendance for a in actors], dtype=float),
            contributions=np.array([a.contributions for a in actors], dtype=float),
            delegates=np.array([a.delegates for a in actors], dtype=np.int64),
            block_propensity=np.array([a.block_propensity for a in actors], dtype=float),
            alignment=np.array([getattr(a, "alignment", 0.0) for a in actors], dtype=float),
            home=np.array(
                [
                    a.home.index if f and a.home is not None else -1
                    for a, f in zip(actors, firms, strict=True)
                ],  # type: ignore[attr-defined]
                dtype=np.int64,
            ),
            subsidiaries=np.array([getattr(a, "subsidiaries", 1) for a in actors], dtype=np.int64),
            is_firm=np.array(firms, dtype=bool),
            sanctions=carried,
        )

    def utilities(
        self, idx: np.ndarray, proposal: Proposal, weights: Positions, rng: np.random.Generator
    ) -> np.ndarray:
        """Each listed actor's utility for the proposal, noise and home-state pressure included."""
        base = weights.value + weights.merit * (2.0 * proposal.quality - 1.0)
        own = self._deterministic(idx, proposal, weights, base)
        if weights.noise:
            own = own + weights.noise * rng.standard_normal(len(idx))
        slot = self.home_slot[idx]
        pressured = slot >= 0
        if pressured.any():
            alpha = self.alignment[idx][pressured]
            # firms of one home state share its utility: computed once per home, not once per firm
            state = self._deterministic(self.home_states, proposal, weights, base)[slot[pressured]]
            own[pressured] = (1.0 - alpha) * own[pressured] + alpha * state
        return own

    def _deterministic(
        self, idx: np.ndarray, proposal: Proposal, weights: Positions, base: float
    ) -> np.ndarray:
        gap = self.ideal[idx] - proposal.point
        distance = np.sqrt(np.add.reduce(gap * gap, axis=1))  # np.linalg.norm's own sum, without its checks
        politics = (
            weights.distance * distance - weights.affinity * self.affinity[self.bloc[idx], proposal.bloc]
        )
        return base - proposal.salience * politics

    def stances(self, idx: np.ndarray, utility: np.ndarray, weights: Positions) -> np.ndarray:
        """yes / no / abstain for each listed actor, from the utility it acts on (coordination.py)."""
        band = weights.abstain_band
        return np.where(
            utility > band, YES, np.where(utility < -band * (1.0 - self.block_propensity[idx]), NO, ABSTAIN)
        ).astype(np.int8)

    def present(self, idx: np.ndarray, rng: np.random.Generator, factor: float = 1.0) -> np.ndarray:
        """Which listed actors attend (or return the ballot)."""
        return rng.random(len(idx)) < self.attendance[idx] * factor
