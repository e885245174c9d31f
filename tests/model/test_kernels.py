"""The compiled position kernels (kernels.py, numba) give the numpy reference's bits (positions.py):
on random proposals, sanctions and cohesion over every baseline's population, and on every shipped
scenario's whole tables. A sweep uses them; nothing a user reads may depend on which ran."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sdo_sim import positions
from sdo_sim.model import SDOModel
from sdo_sim.runner import run
from sdo_sim.scenario import load_scenario

kernels = pytest.importorskip("sdo_sim.kernels", reason="numba is not installed (the sweep extra)")

ROOT = Path(__file__).resolve().parents[2]
BASELINES = sorted((ROOT / "scenarios" / "baselines").glob("*.yaml"))
SCENARIOS = sorted(path for path in (ROOT / "scenarios").rglob("*.yaml") if "common" not in path.parts)


@pytest.fixture
def numpy_after() -> object:
    """Leave the process on the numpy reference, whatever the test switched to."""
    yield
    positions.use_numpy()


@pytest.mark.parametrize("path", BASELINES, ids=lambda p: p.stem)
def test_kernels_give_the_references_bits_on_random_gates(path: Path) -> None:
    model = SDOModel(load_scenario(path), seed=5)
    pop, weights = model.population, model.scenario.positions
    draw = np.random.default_rng(11)
    proposal = model.new_proposal(model.venues[0], int(draw.integers(len(pop.names))), 0)
    for trial in range(40):
        proposal.point = draw.uniform(-1.5, 1.5, pop.ideal.shape[1])
        proposal.quality, proposal.salience = float(draw.random()), float(draw.uniform(0, 2))
        proposal.bloc = int(draw.integers(len(pop.bloc_names) + 1))
        pop.sanctions[:] = draw.exponential(0.3, len(pop.names)) * (draw.random(len(pop.names)) < 0.3)
        pop.cohesion[:] = draw.random(len(pop.cohesion))
        noisy = weights.model_copy(update={"noise": [0.0, 0.3][trial % 2]})
        idx = np.sort(
            draw.choice(len(pop.names), size=int(draw.integers(1, len(pop.names) + 1)), replace=False)
        )
        reference, compiled = np.random.default_rng(trial), np.random.default_rng(trial)
        expected = positions.compute(pop, idx, proposal, noisy, reference)
        got = kernels.positions(pop, idx, proposal, noisy, compiled)
        for name, a, b in zip(("own", "acted", "defects", "follows"), expected, got, strict=True):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), f"trial {trial}: {name} differs"
        assert reference.random() == compiled.random(), "the kernels drew other random numbers"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT / "scenarios")))
def test_every_scenarios_tables_are_the_same_on_either_path(path: Path, numpy_after: object) -> None:
    scenario = load_scenario(path)
    positions.use_numpy()
    expected = run(scenario, seed=2, positions=True)
    assert positions.use_compiled() == "numba"
    got = run(scenario, seed=2, positions=True)
    for table in ("proposals", "decisions", "positions", "timeseries", "posts", "summary"):
        a, b = getattr(expected, table), getattr(got, table)
        assert a.equals(b), f"{table} differs"
    assert kernels.signatures() == 2, "a run compiled a layout warm() did not: it would compile mid-run"


def test_numpy_is_kept_when_asked(monkeypatch: pytest.MonkeyPatch, numpy_after: object) -> None:
    positions.use_numpy()
    monkeypatch.setenv("SDO_SIM_KERNEL", "numpy")
    assert positions.use_compiled() == "numpy"
    assert positions.kernel() == "numpy"
