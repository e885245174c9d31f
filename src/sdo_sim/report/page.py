"""The report's HTML: one self-contained page, its styles inline and its figures embedded as data URIs.

Nothing on the page refers to anything outside it (no scripts, fonts, style sheets or images to
fetch), so it opens offline and prints whole (the browser's Print to PDF). Every text from a file
or a table is escaped.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from sdo_sim import __version__

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       font-size: 18px; line-height: 1.5; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 1150px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 2.1rem; margin: 0 0 .3rem; line-height: 1.2; }
h2 { font-size: 1.5rem; margin: 2.6rem 0 .8rem; padding-bottom: .3rem; border-bottom: 3px solid #0072B2; }
h3 { font-size: 1.2rem; margin: 1.6rem 0 .5rem; }
.subtitle { color: #444; margin: 0 0 1.5rem; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid #ccc; border-radius: 8px; padding: .7rem 1rem; flex: 1 1 8rem; }
.card .value { font-size: 2rem; font-weight: 700; line-height: 1.1; }
.card .label { color: #333; }
.card .small { color: #555; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .95rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: #f2f5f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1.2rem 0 2rem; }
figure img { width: 100%; height: auto; border: 1px solid #e3e3e3; }
figcaption { color: #333; margin-top: .4rem; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .85rem; white-space: pre-wrap; }
code { background: #f3f3f3; padding: 0 .2rem; }
.note { border-left: 4px solid #E69F00; padding: .3rem .8rem; background: #fff8e8; }
footer { color: #555; font-size: .9rem; margin-top: 3rem; }
@media print {
  body { font-size: 12pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure, table, .cards { break-inside: avoid; }
}
"""


def esc(value: Any) -> str:
    """Any value as text safe inside HTML (quotes too)."""
    return html.escape(str(value), quote=True)


def number(value: Any, digits: int = 3) -> str:
    """A number as a reader wants it: whole numbers whole, others to `digits` significant digits, NaN as –."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}".replace(",", " ") if abs(value) >= 10_000 else str(int(value))
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def share(part: float, whole: float) -> str:
    """`0.45 (9 of 20)`, or `none decided`."""
    if not whole:
        return "none decided"
    return f"{part / whole:.2f} ({number(part)} of {number(whole)})"


def para(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def note(text: str) -> str:
    """A highlighted paragraph: what a reader must know before trusting a number."""
    return f'<p class="note">{esc(text)}</p>'


def items(lines: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>"


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A table; numbers right-aligned (with their column's heading) and formatted by `number`."""
    rows = [list(row) for row in rows]
    numeric = [bool(rows) and all(_is_number(row[k]) for row in rows) for k in range(len(header))]
    head = "".join(f'<th class="num">{esc(h)}</th>' if numeric[k] else f"<th>{esc(h)}</th>"
                   for k, h in enumerate(header))  # fmt: skip
    body = []
    for row in rows:
        cells = []
        for cell in row:
            if _is_number(cell):
                cells.append(f'<td class="num">{esc(number(cell))}</td>')
            else:
                cells.append(f"<td>{esc(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def frame_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a table (its index left out)."""
    rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False)]
    return table([str(c) for c in frame.columns], rows)


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones, so that `table` formats them as numbers."""
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def figure(png: bytes, alt: str, caption: str) -> str:
    """A PNG embedded in the page as a data URI, with its alternative text and caption."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")  # fmt: skip


def cards(values: Iterable[tuple[str, str, str]]) -> str:
    """Headline numbers as large cards: (label, value, note)."""
    out = []
    for label, value, small in values:
        extra = f'<div class="small">{esc(small)}</div>' if small else ""
        out.append(f'<div class="card"><div class="value">{esc(value)}</div><div class="label">{esc(label)}'
                   f"</div>{extra}</div>")  # fmt: skip
    return f'<div class="cards">{"".join(out)}</div>'


def section(title: str, *parts: str) -> str:
    """A titled section of the page; `parts` are HTML already escaped."""
    return f"<section><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def page(title: str, subtitle: str, sections: Sequence[str]) -> str:
    """The whole page, self-contained."""
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        f'<h1>{esc(title)}</h1><p class="subtitle">{esc(subtitle)}</p>{"".join(sections)}'
        f"<footer>Made by sdo-sim {esc(__version__)} report on {made}. This page needs no network: its "
        "figures are inside it. To keep it as a PDF, print it from a browser (Print → Save as PDF).</footer>"
        "</main></body></html>\n"
    )
