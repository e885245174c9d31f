"""The run figures (sdo_sim.plots): counts behind every share, events marked in large type, ensembles and
baselines drawn, and every label readable from the back of a room (14 pt or more)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from sdo_sim import plots
from sdo_sim.results import RunResult
from sdo_sim.runner import run

ROOT = Path(__file__).resolve().parents[1]
ISO_BLOC = ROOT / "scenarios" / "iso-bloc-voting.yaml"
IETF = ROOT / "scenarios" / "baselines" / "ietf-working-group.yaml"
BLOCS = ["east", "west", "nonaligned"]


@pytest.fixture(scope="module")
def iso() -> RunResult:
    return run(ISO_BLOC, 1, weeks=156)


@pytest.fixture(scope="module")
def ietf_runs() -> list[RunResult]:
    return [run(IETF, seed, weeks=104) for seed in (1, 2, 3)]


def _stack(results: list[RunResult], table: str) -> pd.DataFrame:
    return pd.concat([getattr(r, table).assign(seed=s) for s, r in enumerate(results, 1)], ignore_index=True)


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _strings(fig: Figure) -> list[str]:
    return [t.get_text() for t in _texts(fig)]


def _readable(fig: Figure) -> None:
    small = [(t.get_text(), t.get_fontsize()) for t in _texts(fig) if t.get_fontsize() < 14]
    plt.close(fig)
    assert not small, f"text under 14 pt: {small}"


def test_approval_by_bloc_splits_at_the_event_and_writes_the_counts_behind_each_share(iso: RunResult) -> None:
    events = iso.events.assign(label="east bloc votes as one")
    fig = plots.approval_by_bloc(iso.proposals, weeks=156, events=events, blocs=BLOCS)
    shown = _strings(fig)
    assert "week 52: east bloc votes as one" in shown
    assert {"before week 52", "from week 52"} <= set(shown)
    decided = iso.proposals[iso.proposals["decided"].notna()]
    for bloc in BLOCS:
        for before in (True, False):
            mine = decided[(decided["bloc"] == bloc) & ((decided["decided"] < 52) == before)]
            if len(mine):
                label = f"{mine['approved'].mean():.2f} ({int(mine['approved'].sum())}/{len(mine)})"
                assert label in shown, (bloc, before, label)
    assert shown.count("none decided") == sum(
        1 for bloc in BLOCS for before in (True, False)
        if not len(decided[(decided["bloc"] == bloc) & ((decided["decided"] < 52) == before)])
    )  # fmt: skip
    _readable(fig)


def test_an_ensemble_is_pooled_with_a_band_and_a_baseline_is_drawn_beside_it(
    ietf_runs: list[RunResult],
) -> None:
    proposals = _stack(ietf_runs, "proposals")
    baseline = _stack(ietf_runs[:2], "proposals")
    fig = plots.approval_by_bloc(proposals, weeks=104, baseline=baseline, blocs=BLOCS)
    over_time, by_period = fig.axes[:2]
    assert any(isinstance(c, PolyCollection) for c in over_time.collections)  # the band across seeds
    assert any(line.get_marker() == "D" and len(line.get_xdata()) for line in by_period.lines)  # baseline
    decided = proposals[proposals["decided"].notna()]
    west = decided[decided["bloc"] == "west"]
    pooled = f"{west['approved'].mean():.2f} ({int(west['approved'].sum())}/{len(west)})"
    assert pooled in _strings(fig)
    assert "3 runs pooled" in fig._suptitle.get_text() and "baseline (2 runs)" in fig._suptitle.get_text()
    _readable(fig)


def test_outcomes_by_stage_puts_the_counts_on_the_bars_in_pipeline_order(iso: RunResult) -> None:
    fig = plots.outcomes_by_stage(iso.decisions)
    ax = fig.axes[0]
    stages = [t.get_text() for t in ax.get_yticklabels()]
    assert stages[:2] == ["NP", "WD"] and stages.index("DIS") < stages.index("FDIS")
    gates = iso.decisions[iso.decisions["proposal"] != ""]
    shown = _strings(fig)
    for stage, rows in gates.groupby("stage"):
        total = f" {len(rows)}"
        assert any(s.startswith(total) for s in shown), (stage, total)
        passed = int(rows["approved"].sum())
        assert str(passed) in shown or any(f"{passed} passed" in s for s in shown), stage
    _readable(fig)


def test_weeks_to_decision_gives_each_blocs_median_and_count(iso: RunResult) -> None:
    fig = plots.weeks_to_decision(iso.proposals, blocs=BLOCS, baseline=iso.proposals)
    shown = _strings(fig)
    decided = iso.proposals[iso.proposals["decided"].notna()]
    for bloc, rows in decided.groupby("bloc"):
        median = rows["weeks_to_decision"].astype(float).median()
        assert f"median {median:.0f} weeks, n = {len(rows)}" in shown, bloc
        assert f"median {median:.0f} weeks, n = {len(rows)} baseline" in shown, bloc
    _readable(fig)


def test_posts_by_bloc_ends_each_line_with_its_share_and_count(iso: RunResult) -> None:
    fig = plots.posts_by_bloc(iso.posts, weeks=156, events=iso.events, blocs=BLOCS)
    held = iso.posts[(iso.posts["post"] != "editor") & iso.posts["end"].isna()]
    total = len(held)
    shown = _strings(fig)
    for bloc in BLOCS:
        count = int((held["bloc"] == bloc).sum())
        assert f"{bloc} {count / total:.2f} ({count} of {total})" in shown, bloc
    assert "week 52: bloc" in shown
    _readable(fig)


def test_overview_draws_the_four_figures_on_one_page(iso: RunResult, tmp_path: Path) -> None:
    path = plots.overview(iso, tmp_path / "overview.png")
    from matplotlib import image

    picture = image.imread(path)
    assert picture.shape[0] > 1000 and picture.shape[1] > 2000


def test_outcomes_by_stage_names_each_venues_stages_and_counts_deferrals_apart() -> None:
    rows = [  # (venue, proposal, stage, approved, outcome), in the order they were decided
        ("tc", "tc-1", "NP", True, "approved"), ("tc", "tc-1", "CD", False, "deferred"),
        ("tc", "tc-1", "CD", True, "approved"), ("tc", "tc-2", "NP", False, "not-approved"),
        ("sg", "sg-1", "question", True, "consensus"), ("sg", "sg-1", "consent", False, "no-consensus"),
        ("tc", "", "chair", True, "appointed"),  # a post, not a proposal's gate
    ]  # fmt: skip
    decisions = pd.DataFrame(rows, columns=["venue", "proposal", "stage", "approved", "outcome"])
    decisions.insert(0, "decision", range(len(rows)))
    fig = plots.outcomes_by_stage(decisions)
    stages = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert stages == ["tc: NP", "tc: CD", "sg: question", "sg: consent"]
    bars = {c.get_label(): [p.get_width() for p in c.patches] for c in fig.axes[0].containers}
    assert bars == {"passed": [1, 1, 1, 0], "failed": [1, 0, 0, 1], "deferred by the chair": [0, 1, 0, 0]}
    assert [s for s in _strings(fig) if s.startswith(" ")] == [" 2", " 2", " 1", " 1"]  # totals at the ends
    _readable(fig)
