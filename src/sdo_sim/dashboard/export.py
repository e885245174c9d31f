"""What the room takes home: every table as CSV and a one-file HTML report of the comparison (the
scenario, seed, runs, the change, the differences in words and every figure)."""

from __future__ import annotations

import base64
import html
from datetime import datetime

import pandas as pd

from sdo_sim.dashboard.ensemble import Comparison, Difference
from sdo_sim.dashboard.figures import FIGURES, png
from sdo_sim.results import csv_float


def csv(table: pd.DataFrame) -> bytes:
    """A table as CSV bytes, floats to 10 significant digits as the run tables are written."""
    return table.to_csv(index=False, float_format=csv_float).encode("utf-8")


def differences_table(differences: list[Difference]) -> pd.DataFrame:
    """The differences as a table: metric, mean as is, mean changed, paired difference, ± and pairs."""
    return pd.DataFrame(
        [
            {
                "metric": d.label,
                "as is": d.before,
                "changed": d.after,
                "difference": d.difference,
                "plus_minus": d.half_width,
                "pairs": d.pairs,
                "in words": d.words(),
            }
            for d in differences
        ]
    )


def tables(comparison: Comparison, differences: list[Difference]) -> dict[str, pd.DataFrame]:
    """Every table the comparison view shows or draws, by file stem."""
    return {
        "differences": differences_table(differences),
        "runs": comparison.tidy("summary"),
        "proposals": comparison.tidy("proposals"),
        "decisions": comparison.tidy("decisions"),
        "posts": comparison.tidy("posts"),
    }


def report(title: str, change: str, comparison: Comparison, differences: list[Difference]) -> bytes:
    """The comparison as one HTML file, figures embedded, readable without sdo-sim or a network."""
    figures = []
    for name, (caption, draw) in FIGURES.items():
        data = base64.b64encode(png(draw(comparison))).decode("ascii")
        figures.append(
            f'<h2>{html.escape(caption)}</h2><img alt="{name}" src="data:image/png;base64,{data}">'
        )
    words = "".join(f"<li>{html.escape(d.words())}</li>" for d in differences)
    runs = len(comparison.seeds)
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;font-size:20px;max-width:1200px;margin:2em auto}}img{{max-width:100%}}
li{{margin:.4em 0}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p><b>Change:</b> {html.escape(change)}<br><b>Runs:</b> {runs} on each side, paired by seed (common random
numbers); root seed {comparison.root_seed}; scenario file {html.escape(comparison.scenario)}<br>
<b>Made:</b> {datetime.now().strftime("%Y-%m-%d %H:%M")} with sdo-sim's workshop dashboard</p>
<h2>What the change does (mean as is → mean changed, ± the 95 % interval of the paired difference)</h2>
<ul>{words}</ul>{"".join(figures)}</body></html>"""
    return page.encode("utf-8")
