"""`sdo-sim power SCENARIO`'s figures: one PNG per state, venue and rule, power and success by bloc."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def figure(
    report: dict[str, Any], state: dict[str, Any], venue: dict[str, Any], game: dict[str, Any], path: Path
) -> Path:
    """Two panels per rule: a priori power by bloc (shares), then success by bloc (chances)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sdo_sim.analysis.plots import COLOURS, DPI, STYLE

    rows = [r for r in game["blocs"] if r["voters"]]
    names = [r["bloc"] for r in rows]
    x = np.arange(len(rows))
    total = sum(r["votes"][0] for r in rows) or 1
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(16, 8.5), constrained_layout=True)
        procedures = ", ".join(game["procedures"])
        when = f", from week {state['from_week']}" if len(report["states"]) > 1 else ""
        rule = game["rules"][0]["rule"] + (" (and others, same indices)" if len(game["rules"]) > 1 else "")
        fig.suptitle(
            textwrap.fill(f"{report['scenario']}: {venue['venue']} — {procedures}{when}", 90)
            + "\n"
            + textwrap.fill(rule, 110),
            fontsize=STYLE["figure.titlesize"] - 2,
        )
        bars = [
            ("share of " + game["dimensions"][0], [r["votes"][0] / total for r in rows], None),
            ("Banzhaf, members vote alone", [_num(r["banzhaf_alone"]) for r in rows], "banzhaf_alone_se"),
            (
                "Banzhaf, cohesive blocs en bloc",
                [_num(r["banzhaf_en_bloc"]) for r in rows],
                "banzhaf_en_bloc_se",
            ),
        ]
        _grouped(left, x, bars, rows)
        left.set(
            title="Who holds the power (a priori)", ylabel="share (each bar type sums to 1)", ylim=(0, 1.05)
        )
        left.set_xticks(x, names)
        bars = [
            ("a priori, members alone", [_num(r["success_alone"]) for r in rows], None),
            ("a priori, blocs en bloc", [_num(r["success_en_bloc"]) for r in rows], None),
        ]
        if report["runs"]:
            bars += [
                (
                    f"simulated: votes on the winning side ({report['runs']} runs)",
                    [_num(r.get("simulated_success")) for r in rows],
                    "simulated_success_se",
                ),
                ("simulated: its proposals approved", [_num(r.get("approval_rate")) for r in rows], None),
            ]
        _grouped(right, x, bars, rows, colours=COLOURS[3:])
        right.axhline(0.5, color="black", linestyle=":", linewidth=2, label="a coin toss (1/2)")
        right.set(
            title="Who wins: a member's chance to be on the winning side",
            ylabel="share of votes or proposals",
            ylim=(0, 1.05),
        )
        right.set_xticks(x, names)
        for ax in (left, right):
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False, ncol=1)
        fig.savefig(path, dpi=DPI)
        plt.close(fig)
    return path


def _grouped(
    ax: Any,
    x: np.ndarray,
    bars: list[tuple[str, list[Any], str | None]],
    rows: list[dict[str, Any]],
    colours: Sequence[str] | None = None,
) -> None:
    from sdo_sim.analysis.plots import COLOURS

    colours = colours or COLOURS
    width = 0.8 / len(bars)
    for k, (label, values, se_key) in enumerate(bars):
        heights = [np.nan if v is None else v for v in values]
        errors = [r.get(se_key) or 0.0 for r in rows] if se_key else None
        shown = errors if errors and any(errors) else None
        ax.bar(
            x - 0.4 + width * (k + 0.5),
            heights,
            width,
            label=label,
            color=colours[k % len(colours)],
            yerr=shown,
            capsize=6 if shown else 0,
        )


def slug(text: str) -> str:
    """A file-name part: iso.dis iso.fdis → iso.dis+iso.fdis."""
    import re

    return re.sub(r"[^A-Za-z0-9._+-]+", "_", text)


def figures(report: dict[str, Any], folder: Path) -> list[Path]:
    """One PNG per state, venue and rule: power-<venue>-<procedures>[-week<N>].png."""
    out = []
    for state in report["states"]:
        suffix = f"-week{state['from_week']}" if len(report["states"]) > 1 else ""
        for venue in state["venues"]:
            for game in venue["games"]:
                name = f"power-{slug(venue['venue'])}-{slug('+'.join(game['procedures']))}{suffix}.png"
                out.append(figure(report, state, venue, game, folder / name))
    return out


__all__ = ["figure", "figures"]
