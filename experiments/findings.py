"""Answer the scenario library's questions from their experiments (`make findings`).

Runs every experiment of QUESTIONS through the sweep engine into out/findings/<name>/ (resuming
what is already there: a finished experiment costs nothing), computes means with 95 % confidence
intervals across replications and paired differences between design points that share their seeds
(common random numbers) with sdo_sim.analysis, draws one figure per question into docs/figures/,
and rewrites the numbers in docs/findings.md between `<!-- findings:NAME -->` and
`<!-- /findings:NAME -->`, so that no number there is typed by hand. Progress goes to stderr.

    .venv/bin/python experiments/findings.py                 # every question
    .venv/bin/python experiments/findings.py tap-for-all     # one question (its markers only)
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
FINDINGS = ROOT / "docs" / "findings.md"
FIGURES = ROOT / "docs" / "figures"
OUT = ROOT / "out" / "findings"
LEVEL = 0.95
COHESION = "blocs.east.cohesion"
#: A run's east advantage: the east's approval rate minus the west's (added to every sweep table).
ADVANTAGE = "east_advantage"
BLOCS = ["approval_rate.west", "approval_rate.east", "approval_rate"]
#: Colours that stay apart for colour-blind readers and on a projector (Okabe & Ito).
COLOURS = {"west": "#0072B2", "east": "#D55E00", "all": "#000000", "mixed": "#7F6A93"}
STYLE = {
    "font.size": 16, "axes.titlesize": 17, "axes.labelsize": 16, "xtick.labelsize": 15,
    "ytick.labelsize": 15, "legend.fontsize": 14, "figure.titlesize": 19, "lines.linewidth": 3.0,
    "lines.markersize": 8, "axes.linewidth": 1.4, "axes.grid": True, "grid.alpha": 0.3,
    "legend.handlelength": 3.0,
}  # fmt: skip
LABELS = {"approval_rate": "all proposals", "approval_rate.west": "west's proposals",
          "approval_rate.east": "east's proposals"}  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Statistics: sdo_sim.analysis's means and paired differences, keyed by factor values
# ----------------------------------------------------------------------------------------------

TIDY = ["metric", "mean", "low", "high", "n"]


def responses(table: pd.DataFrame, by: list[str], metrics: list[str]) -> pd.DataFrame:
    """Each metric's mean at each combination of `by` (the factors that tell the design points apart),
    with its 95 % t-interval across replications; failed runs left out."""
    from sdo_sim.analysis import response_table

    ok = table[table["status"] == "ok"]
    if ok.groupby(by)["point"].nunique().max() > 1:
        raise ValueError(f"{by} do not tell the design points apart")
    frame = response_table(ok, by, metrics, confidence=LEVEL)
    return frame[[*by, *TIDY]].sort_values([*by, "metric"], ignore_index=True)


def paired(
    table: pd.DataFrame, factor: str, reference: Any, metrics: list[str], by: list[str] | None = None
) -> pd.DataFrame:
    """Each level of `factor` minus its `reference` level at each combination of `by`, paired by
    replication (common random numbers): the mean difference with its 95 % t-interval."""
    from sdo_sim.analysis import paired_differences

    by = list(by or [])
    ok = table[table["status"] == "ok"]
    parts = []
    for _, group in ok.groupby(by, sort=True) if by else [((), ok)]:
        base = group.loc[group[factor] == reference, "point"].unique()
        if len(base) != 1:
            raise ValueError(f"{factor}={reference!r} is {len(base)} design points at {by}")
        diffs = paired_differences(group, [*by, factor], metrics, reference=int(base[0]), confidence=LEVEL)
        parts.append(diffs[diffs["point"] != base[0]])
    frame = pd.concat(parts).rename(columns={"difference": "mean", "pairs": "n"})
    return frame[[*by, factor, *TIDY]].sort_values([*by, factor, "metric"], ignore_index=True)


def with_advantage(table: pd.DataFrame) -> pd.DataFrame:
    """The sweep table with each run's east advantage (ADVANTAGE)."""
    return table.assign(**{ADVANTAGE: table["approval_rate.east"] - table["approval_rate.west"]})


def value(frame: pd.DataFrame, metric: str, where: dict[str, Any] | None = None) -> pd.Series:
    """The one row of a tidy frame for `metric` where the given columns have the given values."""
    mask = frame["metric"] == metric
    for column, x in (where or {}).items():
        mask &= frame[column] == x
    rows = frame[mask]
    if len(rows) != 1:
        raise KeyError(f"{metric} at {where}: {len(rows)} rows")
    return rows.iloc[0]


def excludes_zero(row: pd.Series) -> bool:
    """Whether a row's interval lies wholly above or wholly below zero."""
    return bool(row["low"] > 0 or row["high"] < 0)


def threshold(diffs: pd.DataFrame, factor: str, metric: str) -> Any:
    """The lowest level from which every higher level's difference excludes zero, all of one sign."""
    found, sign = None, None
    for _, row in diffs[diffs["metric"] == metric].sort_values(factor, ascending=False).iterrows():
        if not excludes_zero(row) or (sign is not None and (row["mean"] > 0) != sign):
            break
        found, sign = row[factor], row["mean"] > 0
    return found


# ----------------------------------------------------------------------------------------------
# Formatting: tables and sentences
# ----------------------------------------------------------------------------------------------


def level(x: Any) -> str:
    """A factor level as a table shows it: 0.25, 1, CN."""
    if isinstance(x, bool | str) or x is None:
        return str(x)
    return f"{float(x):g}"


def number(x: float, digits: int = 2, signed: bool = False) -> str:
    """A number rounded to `digits` decimals, with its sign if asked, never written -0.00."""
    sign = "+" if signed else ""
    text = f"{x:{sign}.{digits}f}"
    return f"{0.0:{sign}.{digits}f}" if float(text) == 0 else text


def ci(row: pd.Series | dict[str, Any], digits: int = 2, signed: bool = False) -> str:
    """A mean with its interval: `0.51 [0.47, 0.55]`, or `+0.034 [+0.010, +0.058]` for a difference."""
    if row["n"] == 0 or math.isnan(row["mean"]):
        return "n/a"
    mean = number(row["mean"], digits, signed)
    if math.isnan(row["low"]):
        return mean
    return f"{mean} [{number(row['low'], digits, signed)}, {number(row['high'], digits, signed)}]"


class Column(NamedTuple):
    """A column of a findings table: the tidy frame's metric it shows, its heading and format."""

    metric: str
    heading: str
    digits: int = 2
    signed: bool = False
    missing: str = "n/a"


def tagged(frame: pd.DataFrame, tag: str, where: dict[str, Any] | None = None) -> pd.DataFrame:
    """The rows of a tidy frame where the given columns have the given values, their metrics renamed
    `metric@tag`, so that levels and differences can stand side by side in one table."""
    part = frame
    for column, x in (where or {}).items():
        part = part[part[column] == x].drop(columns=[column])
    return part.assign(metric=part["metric"] + "@" + tag)


def ci_table(frame: pd.DataFrame, by: list[str], headers: list[str], columns: list[Column]) -> str:
    """A Markdown table of a tidy frame: one row per combination of `by` (headed `headers`), one
    column per Column, each cell a mean with its 95 % interval."""
    lines = ["| " + " | ".join([*headers, *(c.heading for c in columns)]) + " |",
             "|" + "---:|" * (len(headers) + len(columns))]  # fmt: skip
    for key, part in frame.groupby(by, sort=True):
        keys = key if isinstance(key, tuple) else (key,)
        rows = part.set_index("metric")
        cells = [ci(rows.loc[c.metric], c.digits, c.signed) if c.metric in rows.index else c.missing
                 for c in columns]  # fmt: skip
        lines.append("| " + " | ".join([*(level(x) for x in keys), *cells]) + " |")
    return "\n".join(lines)


def across(diffs: pd.DataFrame, metric: str, digits: int = 3) -> str:
    """How a difference ranges over the rows of a tidy frame, and at how many its interval excludes 0."""
    rows = diffs[diffs["metric"] == metric]
    means = rows["mean"].dropna()
    low, high = number(means.min(), digits, True), number(means.max(), digits, True)
    span = low if low == high else f"{low} to {high}"
    clear = sum(excludes_zero(row) for _, row in rows.iterrows())
    return f"{span} (interval excludes 0 at {clear} of {len(rows)})"


def fill(text: str, name: str, content: str) -> str:
    """The text with what stands between the markers of `name` replaced by `content`."""
    quoted = re.escape(name)
    pattern = re.compile(rf"(<!-- findings:{quoted} -->\n).*?(<!-- /findings:{quoted} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"docs/findings.md has no markers for {name!r}")
    return pattern.sub(lambda m: m.group(1) + content.rstrip("\n") + "\n" + m.group(2), text)


def markers(text: str) -> dict[str, str]:
    """Every findings marker of a text, with what stands between its two lines."""
    found = re.findall(r"<!-- findings:([\w.-]+) -->\n(.*?)<!-- /findings:\1 -->", text, re.S)
    return {name: content.rstrip("\n") for name, content in found}


#: The claims of docs/findings.md's hand-written answers that no longer hold on the numbers just computed.
BROKEN: list[str] = []


def claim(question: str, statement: str, holds: bool) -> None:
    """Check a claim the hand-written answer to a question makes, so that new numbers cannot leave the
    prose behind unnoticed: a claim that fails is reported at the end and `make findings` exits 1."""
    if not holds:
        BROKEN.append(f"{question}: {statement}")


def rows_of(frame: pd.DataFrame, metric: str, where: dict[str, Any] | None = None) -> pd.DataFrame:
    """The rows of a tidy frame for `metric` where the given columns have the given values."""
    mask = frame["metric"] == metric
    for column, x in (where or {}).items():
        mask &= frame[column] == x
    return frame[mask]


def all_above(rows: pd.DataFrame) -> bool:
    """Whether every row's interval lies wholly above zero."""
    return bool(len(rows) and (rows["low"] > 0).all())


def all_below(rows: pd.DataFrame) -> bool:
    """Whether every row's interval lies wholly below zero."""
    return bool(len(rows) and (rows["high"] < 0).all())


def none_clear(rows: pd.DataFrame) -> bool:
    """Whether every row's interval includes zero."""
    return bool(len(rows) and ((rows["low"] <= 0) & (rows["high"] >= 0)).all())


# ----------------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------------


def _pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, in the findings' projector style."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(STYLE)
    return plt


def band(
    ax: Any, frame: pd.DataFrame, x: str, metric: str, label: str, colour: str, style: str = "-"
) -> None:
    """A response curve with its 95 % band: the mean over replications at each level of `x`."""
    part = frame[frame["metric"] == metric].sort_values(x)
    ax.plot(part[x], part["mean"], style, color=colour, label=label, marker="o")
    ax.fill_between(part[x], part["low"], part["high"], color=colour, alpha=0.18, linewidth=0)


def zero_line(ax: Any) -> None:
    """A black line at zero, where a difference means no effect."""
    ax.axhline(0, color="black", linewidth=1.5, zorder=1)


def save(fig: Any, name: str) -> Path:
    """Write a figure to docs/figures/NAME.png and close it."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{name}.png"
    fig.savefig(path, dpi=100)
    _pyplot().close(fig)
    return path


# ----------------------------------------------------------------------------------------------
# The questions: each takes the sweep tables and returns its markers' contents, drawing its figure
# ----------------------------------------------------------------------------------------------

Tables = dict[str, pd.DataFrame]
VENUES = {"itu-t": "ITU-T study group", "iso": "ISO technical committee", "3gpp": "3GPP TSG",
          "ietf": "IETF working group"}  # fmt: skip


def bloc_cohesion(tables: Tables) -> dict[str, str]:
    """Q1: each baseline's approval rates by east cohesion, and their paired change from cohesion 0."""
    plt = _pyplot()
    metrics = [*BLOCS, "blocked_by_minority"]
    fig, axes = plt.subplots(2, 2, figsize=(15, 11), sharex=True, constrained_layout=True)
    fig.suptitle("Bloc voting: how cohesive must the east bloc be to change outcomes?")
    out, sentences = {}, []
    for ax, venue in zip(axes.flat, VENUES, strict=True):
        table = tables[f"bloc-cohesion-{venue}"]
        levels = responses(table, [COHESION], metrics)
        diffs = paired(table, COHESION, 0.0, metrics)
        band(ax, levels, COHESION, "approval_rate.west", "west's proposals", COLOURS["west"])
        band(ax, levels, COHESION, "approval_rate.east", "east's proposals", COLOURS["east"], "--")
        ax.axvline(0.6, color="grey", linestyle=":", linewidth=2)
        ax.text(0.62, 0.22, "baseline", color="grey", fontsize=14)
        ax.set(title=VENUES[venue], ylabel="share approved", ylim=(0.2, 0.9))
        ax.legend(loc="upper left")
        frame = pd.concat([tagged(levels, "level"), tagged(diffs, "diff")])
        out[f"bloc-cohesion-{venue}"] = ci_table(frame, [COHESION], ["east cohesion"], [
            Column("approval_rate.west@level", "west's proposals"),
            Column("approval_rate.east@level", "east's proposals"),
            Column("approval_rate@level", "all"),
            Column("approval_rate.west@diff", "west's: change from cohesion 0", 3, True, "(reference)"),
            Column("approval_rate.east@diff", "east's: change from cohesion 0", 3, True, "(reference)"),
            Column("blocked_by_minority@level", "blocked by a minority", 1),
        ])  # fmt: skip
        top = {m: value(diffs, m, {COHESION: 1.0}) for m in metrics}
        west = threshold(diffs, COHESION, "approval_rate.west")
        east = threshold(diffs, COHESION, "approval_rate.east")
        sentences.append(
            f"- **{VENUES[venue]}**: from cohesion 0 to 1 the west's approval rate changes by "
            f"{ci(top['approval_rate.west'], 3, True)}, the east's by "
            f"{ci(top['approval_rate.east'], 3, True)}, "
            f"and the votes blocked by a minority per run by {ci(top['blocked_by_minority'], 1, True)}. "
            f"Threshold: the west's rate {_from(west)}, the east's {_from(east)}."
        )
        q = "bloc-cohesion"
        claim(q, f"{venue}: no cohesion threshold for the east's own rate", east is None)
        if venue == "itu-t":
            claim(q, "itu-t: the west's rate rises from some cohesion up", west is not None)
        if venue == "3gpp":
            claim(q, "3gpp: fewer votes blocked at cohesion 1", top["blocked_by_minority"]["high"] < 0)
    for ax in axes[1]:
        ax.set_xlabel("east bloc cohesion (chance a member follows the bloc line)")
    save(fig, "bloc-cohesion")
    out["bloc-cohesion-answer"] = "\n".join(sentences)
    return out


def _from(found: Any) -> str:
    """Where a threshold was found, in words."""
    return "at no level" if found is None else f"from cohesion {level(found)} up"


SURGE, COUNTER = "events.0.add.IM-group.count", "events.1.add.IM-west-group.count"
#: Memberships per corporate group in the surges of experiments/scenarios/3gpp-surge-counter.yaml.
BRANCHES = 10


def surge_counter(tables: Tables) -> dict[str, str]:
    """Q2: the east's surge of memberships and a west counter-surge, by east cohesion (3GPP)."""
    plt = _pyplot()
    table = tables["surge-counter-3gpp"]
    table = table.assign(**{SURGE: table[SURGE] * BRANCHES, COUNTER: table[COUNTER] * BRANCHES})
    metrics = [*BLOCS, "posts_share.east"]
    levels = responses(table, [COHESION, SURGE, COUNTER], metrics)
    by_surge = paired(table[table[COUNTER] == 0], SURGE, 0, metrics, by=[COHESION])
    by_counter = paired(table, COUNTER, 0, metrics, by=[COHESION, SURGE])
    cohesions, surges = sorted(table[COHESION].unique()), sorted(table[SURGE].unique())
    counters = sorted(table[COUNTER].unique())
    fig, axes = plt.subplots(2, len(cohesions), figsize=(18, 11), sharex=True, sharey="row",
                             constrained_layout=True)  # fmt: skip
    fig.suptitle("Participation surges: does an east surge change what passes, and does a west counter-surge "
                 "undo it? (3GPP)")  # fmt: skip
    looks = zip(counters, ("-", "--", ":"), (COLOURS["east"], COLOURS["mixed"], COLOURS["west"]), strict=True)
    for n, style, colour in looks:
        label = "no counter-surge" if n == 0 else f"west counter-surge of {level(n)}"
        for j, c in enumerate(cohesions):
            part = levels[(levels[COHESION] == c) & (levels[COUNTER] == n)]
            band(axes[0, j], part, SURGE, "approval_rate.east", label, colour, style)
            band(axes[1, j], part, SURGE, "posts_share.east", label, colour, style)
    for j, c in enumerate(cohesions):
        axes[0, j].set_title(f"east cohesion {level(c)}")
        axes[1, j].set_xlabel("east surge (new memberships, week 52)")
        axes[1, j].set_xticks(surges)
    axes[0, 0].set_ylabel("east's proposals:\nshare approved")
    axes[1, 0].set_ylabel("east's share of posts\n(end of run)")
    axes[0, 0].legend(loc="upper left")
    save(fig, "surge-counter-3gpp")
    biggest, big, mid = max(counters), max(surges), sorted(surges)[-2]
    frame = pd.concat([tagged(levels, "level", {COUNTER: 0}), tagged(by_surge, "surge"),
                       tagged(by_counter, "counter", {COUNTER: biggest})])  # fmt: skip
    table_text = ci_table(frame, [COHESION, SURGE], ["east cohesion", "east surge"], [
        Column("approval_rate.east@level", "east's approval rate"),
        Column("approval_rate.east@surge", "change from no surge", 3, True, "(reference)"),
        Column("posts_share.east@level", "east's share of posts"),
        Column("posts_share.east@surge", "change from no surge", 3, True, "(reference)"),
        Column("approval_rate.east@counter", f"west counter-surge of {level(biggest)}: change in the east's "
               "approval rate", 3, True),
        Column("posts_share.east@counter", "and in its share of posts", 3, True),
    ])  # fmt: skip
    most, middle = by_surge[by_surge[SURGE] == big], by_surge[by_surge[SURGE] == mid]
    answered = by_counter[(by_counter[SURGE] == big) & (by_counter[COUNTER] == biggest)]
    answer = (
        f"Over the three cohesion levels, an east surge of {level(big)} memberships changes the east's "
        f"approval rate by {across(most, 'approval_rate.east')}, the west's by "
        f"{across(most, 'approval_rate.west')}, and the east's share of the posts by "
        f"{across(most, 'posts_share.east')}; a surge of {level(mid)} changes the east's approval rate by "
        f"{across(middle, 'approval_rate.east')} and its share of posts by "
        f"{across(middle, 'posts_share.east')}. "
        f"A west counter-surge of {level(biggest)} after the east's {level(big)} changes the east's approval "
        f"rate by {across(answered, 'approval_rate.east')}, the west's by "
        f"{across(answered, 'approval_rate.west')}, and the east's share of posts by "
        f"{across(answered, 'posts_share.east')}."
    )
    q = "surge-counter"
    claim(
        q,
        "the largest surge raises the east's posts at every cohesion",
        all_above(rows_of(most, "posts_share.east")),
    )
    claim(q, "it raises posts more than approvals", rows_of(most, "approval_rate.east")["mean"].max()
          < rows_of(most, "posts_share.east")["mean"].min())  # fmt: skip
    claim(q, "it leaves the west's rate unchanged", none_clear(rows_of(most, "approval_rate.west")))
    claim(q, "the counter-surge takes posts back", all_below(rows_of(answered, "posts_share.east")))
    claim(q, "the counter-surge moves no approval rate", none_clear(rows_of(answered, "approval_rate.east"))
          and none_clear(rows_of(answered, "approval_rate.west")))  # fmt: skip
    return {"surge-counter-3gpp": table_text, "surge-counter-answer": answer}


CANDIDATES = "venues.tsg.election_candidates"


def surge_contested(tables: Tables) -> dict[str, str]:
    """Q2, robustness: the surge's paired gain at 1.03, 2 and 3 candidates per post, by east cohesion."""
    table = tables["surge-contested-3gpp"]
    table = table.assign(**{SURGE: table[SURGE] * BRANCHES})
    metrics = [*BLOCS, "posts_share.east"]
    gains = paired(table, SURGE, 0, metrics, by=[CANDIDATES, COHESION])
    table_text = ci_table(gains, [CANDIDATES, COHESION], ["candidates per post", "east cohesion"], [
        Column("posts_share.east", "surge's change in the east's share of posts", 3, True),
        Column("approval_rate.east", "in the east's approval rate", 3, True),
        Column("approval_rate.west", "in the west's", 3, True),
    ])  # fmt: skip
    posts = rows_of(gains, "posts_share.east")
    spans = []
    for n, part in posts.groupby(CANDIDATES):
        spans.append(f"{number(part['mean'].min(), 2, True)} to {number(part['mean'].max(), 2, True)} at "
                     f"{level(n)} candidates")  # fmt: skip
    answer = (
        f"With contested elections the surge of {level(table[SURGE].max())} memberships wins more posts: "
        f"over the three cohesion levels its change in the east's share of posts is {'; '.join(spans)}. "
        f"Its change in the east's approval rate stays {across(gains, 'approval_rate.east')}."
    )
    low, high = sorted(table[CANDIDATES].unique())[0], sorted(table[CANDIDATES].unique())[-1]
    q = "surge-counter"
    for c in sorted(table[COHESION].unique()):
        at = {COHESION: c}
        claim(q, f"contested elections amplify the surge's posts at cohesion {level(c)}",
              value(gains, "posts_share.east", {**at, CANDIDATES: high})["low"]
              > value(gains, "posts_share.east", {**at, CANDIDATES: low})["high"])  # fmt: skip
    for n, part in posts.groupby(CANDIDATES):
        claim(q, f"at {level(n)} candidates cohesion moves the surge's posts by under 0.1",
              part["mean"].max() - part["mean"].min() < 0.1)  # fmt: skip
    claim(q, "approvals move by under 0.05 at any candidates level",
          rows_of(gains, "approval_rate.east")["mean"].abs().max() < 0.05)  # fmt: skip
    return {"surge-contested-3gpp": answer + "\n\n" + table_text}


TAP = "events.0.tap_share"


def tap_for_all(tables: Tables) -> dict[str, str]:
    """Q3: TAP for all texts from week 52 against the baseline's share, paired, by east cohesion (ITU-T)."""
    plt = _pyplot()
    table = tables["tap-for-all-itu-t"]
    metrics = [*BLOCS, "blocked_by_minority", ADVANTAGE]
    levels = responses(table, [TAP, COHESION], metrics)
    diffs = paired(table, TAP, 0.1, metrics, by=[COHESION])
    fig, (left, right) = plt.subplots(1, 2, figsize=(16, 7.5), constrained_layout=True)
    fig.suptitle("The AAP→TAP defence: does TAP for all protect the west, and at what cost? (ITU-T)")
    for share, style, name in ((0.1, "-", "10 % on TAP (baseline)"), (1.0, "--", "TAP for all")):
        for bloc in ("west", "east"):
            part = levels[levels[TAP] == share]
            band(left, part, COHESION, f"approval_rate.{bloc}", f"{bloc}'s, {name}", COLOURS[bloc], style)
    left.set(title="Approval rates", xlabel="east bloc cohesion", ylabel="share approved", ylim=(0.25, 0.7))
    left.legend(loc="lower left", fontsize=14)
    for metric, colour, style in (("approval_rate.west", COLOURS["west"], "-"),
                                  ("approval_rate.east", COLOURS["east"], "--"),
                                  ("approval_rate", COLOURS["all"], "-")):  # fmt: skip
        band(right, diffs, COHESION, metric, LABELS[metric], colour, style)
    zero_line(right)
    right.set(title="TAP for all minus baseline (paired)", xlabel="east bloc cohesion",
              ylabel="change in share approved", ylim=(-0.15, 0.05))  # fmt: skip
    right.legend(loc="lower right")
    save(fig, "tap-for-all-itu-t")
    frame = pd.concat(
        [tagged(levels, "base", {TAP: 0.1}), tagged(levels, "tap", {TAP: 1.0}), tagged(diffs, "diff")]
    )
    table_text = ci_table(frame, [COHESION], ["east cohesion"], [
        Column("approval_rate.west@base", "west's: baseline"),
        Column("approval_rate.west@tap", "west's: TAP for all"),
        Column("approval_rate.west@diff", "west's: change", 3, True),
        Column("approval_rate.east@base", "east's: baseline"),
        Column("approval_rate.east@tap", "east's: TAP for all"),
        Column("approval_rate.east@diff", "east's: change", 3, True),
        Column("approval_rate@diff", "all: change", 3, True),
        Column("blocked_by_minority@diff", "blocked by a minority: change", 2, True),
    ])  # fmt: skip
    answer = (
        f"Over the five cohesion levels, TAP for all changes the west's approval rate by "
        f"{across(diffs, 'approval_rate.west')}, the east's by {across(diffs, 'approval_rate.east')}, all "
        f"proposals' by {across(diffs, 'approval_rate')}, the east's advantage (its rate minus the west's) "
        "by "
        f"{across(diffs, ADVANTAGE)}, and the votes blocked by a minority per run by "
        f"{across(diffs, 'blocked_by_minority', 2)}."
    )
    q = "tap-for-all"
    claim(
        q,
        "TAP for all lowers the west's rate at every cohesion",
        all_below(rows_of(diffs, "approval_rate.west")),
    )
    claim(q, "and approval overall", all_below(rows_of(diffs, "approval_rate")))
    claim(q, "and the east's, less surely", bool((rows_of(diffs, "approval_rate.east")["mean"] < 0).all()))
    claim(q, "the east's advantage does not shrink", not (rows_of(diffs, ADVANTAGE)["high"] < 0).any())
    return {"tap-for-all-itu-t": table_text, "tap-for-all-answer": answer}


AFFILIATES = "events.1.rules.3gpp.vote.affiliates"


def affiliates(tables: Tables) -> dict[str, str]:
    """Q4: affiliates counted one per group from week 104 after the east's surge, paired, by cohesion."""
    plt = _pyplot()
    table = tables["affiliates-3gpp"]
    metrics = [*BLOCS, "blocked_by_minority", "posts_share.east"]
    levels = responses(table, [AFFILIATES, COHESION], metrics)
    diffs = paired(table, AFFILIATES, "each", metrics, by=[COHESION])
    fig, axes = plt.subplots(1, 3, figsize=(19, 7), constrained_layout=True)
    fig.suptitle("Affiliates counted one per group: does it undo the east's surge? (3GPP, paired change)")
    for metric, colour, style in (("approval_rate.west", COLOURS["west"], "-"),
                                  ("approval_rate.east", COLOURS["east"], "--"),
                                  ("approval_rate", COLOURS["all"], "-")):  # fmt: skip
        band(axes[0], diffs, COHESION, metric, LABELS[metric], colour, style)
    axes[0].set(title="Approval rates", ylabel="change in share approved", ylim=(-0.06, 0.06))
    axes[0].legend(loc="upper left")
    band(axes[1], diffs, COHESION, "blocked_by_minority", "blocked by a minority", COLOURS["all"])
    axes[1].set(title="Votes blocked by a minority", ylabel="change in votes per run")
    band(axes[2], diffs, COHESION, "posts_share.east", "east's share of posts", COLOURS["east"])
    axes[2].set(title="East's share of posts", ylabel="change in share")
    for ax in axes:
        zero_line(ax)
        ax.set_xlabel("east bloc cohesion")
    save(fig, "affiliates-3gpp")
    each, one = (
        tagged(levels, "each", {AFFILIATES: "each"}),
        tagged(levels, "one", {AFFILIATES: "one-per-group"}),
    )
    frame = pd.concat([each, one, tagged(diffs, "diff")])
    table_text = ci_table(frame, [COHESION], ["east cohesion"], [
        Column("approval_rate.east@each", "east's approval rate: each"),
        Column("approval_rate.east@one", "one per group"),
        Column("approval_rate.east@diff", "change: east's", 3, True),
        Column("approval_rate.west@diff", "change: west's", 3, True),
        Column("approval_rate@diff", "change: all", 3, True),
        Column("blocked_by_minority@each", "blocked by a minority: each", 2),
        Column("blocked_by_minority@diff", "change", 2, True),
        Column("posts_share.east@diff", "east's share of posts: change", 3, True),
    ])  # fmt: skip
    answer = (
        "Over the five cohesion levels, counting affiliates one per group from week 104 changes the east's "
        f"approval rate by {across(diffs, 'approval_rate.east')}, the west's by "
        f"{across(diffs, 'approval_rate.west')}, all proposals' by {across(diffs, 'approval_rate')}, the "
        f"votes blocked by a minority per run by {across(diffs, 'blocked_by_minority', 2)}, and the east's "
        f"share of posts by {across(diffs, 'posts_share.east')}."
    )
    q = "affiliates"
    for metric in BLOCS:
        claim(
            q, f"{metric} moves by less than 0.01", bool((rows_of(diffs, metric)["mean"].abs() < 0.01).all())
        )
    claim(q, "more votes are blocked", bool((rows_of(diffs, "blocked_by_minority")["mean"] > 0).all()))
    claim(q, "the east's posts fall slightly", bool((rows_of(diffs, "posts_share.east")["mean"] < 0).all()))
    return {"affiliates-3gpp": table_text, "affiliates-answer": answer}


CHAIRS = {"itu-t": ("venues.sg", "CN", "US"), "3gpp": ("venues.tsg", "Huawei", "Ericsson")}


def chair_bias(tables: Tables) -> dict[str, str]:
    """Q5: a leaning chair from the east or the west, by bias and east cohesion, on ITU-T and 3GPP."""
    plt = _pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(18, 11), sharex=True, sharey=True, constrained_layout=True)
    fig.suptitle("Chair bias: does a chair who leans its own way change outcomes, and whose chair?")
    out, sentences = {}, []
    for row_axes, (venue, (prefix, east_chair, west_chair)) in zip(axes, CHAIRS.items(), strict=True):
        table = tables[f"chair-bias-{venue}"]
        bias, chair = f"{prefix}.chair_bias", f"{prefix}.posts.chair"
        metrics = [*BLOCS, ADVANTAGE]
        levels = responses(table, [chair, bias, COHESION], metrics)
        diffs = paired(table, chair, west_chair, metrics, by=[bias, COHESION])
        cohesions = sorted(table[COHESION].unique())
        for ax, c in zip(row_axes, cohesions, strict=True):
            for who, bloc, style in ((east_chair, "east", "-"), (west_chair, "west", "--")):
                part = levels[(levels[chair] == who) & (levels[COHESION] == c)]
                band(ax, part, bias, ADVANTAGE, f"{who} chair", COLOURS[bloc], style)
            zero_line(ax)
            ax.set_title(f"{VENUES[venue]}, east cohesion {level(c)}", fontsize=16)
            ax.legend(loc="upper left")
        row_axes[0].set_ylabel("east's minus west's\napproval rate")
        versus = f"{east_chair} minus {west_chair}"
        east, west = tagged(levels, "east", {chair: east_chair}), tagged(levels, "west", {chair: west_chair})
        frame = pd.concat([east, west, tagged(diffs, "diff")])
        out[f"chair-bias-{venue}"] = ci_table(frame, [bias, COHESION], ["chair bias", "east cohesion"], [
            Column(f"{ADVANTAGE}@east", f"east's advantage, {east_chair} chair", 2, True),
            Column(f"{ADVANTAGE}@west", f"east's advantage, {west_chair} chair", 2, True),
            Column(f"{ADVANTAGE}@diff", f"{versus}: east's advantage", 3, True),
            Column("approval_rate.west@diff", f"{versus}: west's", 3, True),
            Column("approval_rate.east@diff", f"{versus}: east's", 3, True),
            Column("approval_rate@diff", f"{versus}: all", 3, True),
        ])  # fmt: skip
        top, none = diffs[diffs[bias] == diffs[bias].max()], diffs[diffs[bias] == 0]
        sentences.append(
            f"- **{VENUES[venue]}** ({east_chair} against {west_chair} in the chair): at bias 0 the chair "
            f"changes the east's advantage by {across(none, ADVANTAGE)}; at bias {level(diffs[bias].max())}, "
            f"over the three cohesion levels, by {across(top, ADVANTAGE)}: the west's approval rate by "
            f"{across(top, 'approval_rate.west')}, the east's by {across(top, 'approval_rate.east')} and all "
            f"proposals' by {across(top, 'approval_rate')}."
        )
        claim("chair-bias", f"{venue}: at bias 0 the chair changes nothing",
              bool((none["mean"] == 0).all() and (none["high"] - none["low"] == 0).all()))  # fmt: skip
        claim("chair-bias", f"{venue}: at the largest bias an east chair raises the east's advantage",
              all_above(rows_of(top, ADVANTAGE)))  # fmt: skip
        claim("chair-bias", f"{venue}: at little cost overall (under 0.06)",
              bool((rows_of(top, "approval_rate")["mean"].abs() < 0.06).all()))  # fmt: skip
    for ax in axes[1]:
        ax.set_xlabel("chair bias")
    save(fig, "chair-bias")
    out["chair-bias-answer"] = "\n".join(sentences)
    return out


AFFINITY, MERIT, BACKS = "positions.affinity", "positions.merit", "blocs.east.backs_own"


def theses(tables: Tables) -> dict[str, str]:
    """Q6: the east's approval advantage over east cohesion x political weight (bloc affinity), at three
    merit weights, with and without the east backing its own proposals (ITU-T)."""
    plt = _pyplot()
    from matplotlib.patches import Rectangle

    table = tables["theses-itu-t"]
    table = table.assign(**{BACKS: table[BACKS].map({False: "no", True: "yes"})})
    adv = responses(table, [BACKS, MERIT, AFFINITY, COHESION], [ADVANTAGE])
    merits, affinities = sorted(table[MERIT].unique()), sorted(table[AFFINITY].unique())
    cohesions, backs = sorted(table[COHESION].unique()), sorted(table[BACKS].unique())
    top = max(0.1, float(adv["mean"].abs().max()))
    fig, axes = plt.subplots(len(backs), len(merits), figsize=(21, 14), sharex=True, sharey=True,
                             constrained_layout=True)  # fmt: skip
    fig.suptitle("The two theses: where in cohesion × political weight does the east's approval advantage "
                 "appear? (ITU-T)")  # fmt: skip
    image = None
    for row_axes, b in zip(axes, backs, strict=True):
        for ax, m in zip(row_axes, merits, strict=True):
            part = adv[(adv[MERIT] == m) & (adv[BACKS] == b)]
            grid = part.pivot(index=AFFINITY, columns=COHESION, values="mean").loc[affinities, cohesions]
            image = ax.imshow(
                grid.to_numpy(), origin="lower", cmap="RdBu_r", vmin=-top, vmax=top, aspect="auto"
            )
            for i, a in enumerate(affinities):
                for j, c in enumerate(cohesions):
                    row = value(part, ADVANTAGE, {AFFINITY: a, COHESION: c})
                    clear = excludes_zero(row)
                    ax.text(j, i, number(row["mean"], 2, True), ha="center", va="center", fontsize=15,
                            fontweight="bold" if clear else "normal",
                            color="white" if abs(row["mean"]) > 0.6 * top else "black")  # fmt: skip
                    if clear:
                        ax.add_patch(Rectangle((j - 0.46, i - 0.46), 0.92, 0.92, fill=False, linewidth=3,
                                               edgecolor="black"))  # fmt: skip
            ax.set_xticks(range(len(cohesions)), [level(c) for c in cohesions])
            ax.set_yticks(range(len(affinities)), [level(a) for a in affinities])
            ax.grid(False)
            ax.set_title(f"merit {level(m)}{' (baseline)' if m == 1 else ''}; east backs its own: {b}")
        row_axes[0].set_ylabel("political weight\n(bloc affinity)")
    for ax in axes[-1]:
        ax.set_xlabel("east bloc cohesion")
    bar = fig.colorbar(image, ax=list(axes.flat), shrink=0.8)
    bar.set_label("east's minus west's approval rate (boxed: 95 % interval excludes 0)")
    save(fig, "theses-itu-t")
    frame = pd.concat([tagged(adv, level(c), {COHESION: c}) for c in cohesions])
    columns = [Column(f"{ADVANTAGE}@{level(c)}", f"cohesion {level(c)}", 2, True) for c in cohesions]
    headers = ["east backs its own", "merit", "political weight"]
    table_text = ci_table(frame, [BACKS, MERIT, AFFINITY], headers, columns)
    above, below = int((adv["low"] > 0).sum()), int((adv["high"] < 0).sum())
    lines = [f"Of the {len(adv)} cells, the east's advantage is above 0 with 95 % confidence in {above} and "
             f"below 0 in {below}."]  # fmt: skip
    for b in backs:
        for m in merits:
            part = adv[(adv[MERIT] == m) & (adv[BACKS] == b)]
            best = part.loc[part["mean"].idxmax()]
            low_corner = value(part, ADVANTAGE, {AFFINITY: affinities[0], COHESION: cohesions[0]})
            high_corner = value(part, ADVANTAGE, {AFFINITY: affinities[-1], COHESION: cohesions[-1]})
            lines.append(
                f"- **merit {level(m)}{' (baseline)' if m == 1 else ''}, east backing its own: {b}**: "
                f"{ci(low_corner, 3, True)} at cohesion {level(cohesions[0])} and weight "
                f"{level(affinities[0])}, "
                f"{ci(high_corner, 3, True)} at cohesion {level(cohesions[-1])} and weight "
                f"{level(affinities[-1])}; above 0 in {int((part['low'] > 0).sum())} of {len(part)} cells, "
                f"below 0 in {int((part['high'] < 0).sum())}; the largest, {ci(best, 3, True)}, at cohesion "
                f"{level(best[COHESION])} and weight {level(best[AFFINITY])}."
            )
    claim("theses", "the east's advantage is above 0 in no cell", above == 0)
    return {"theses-itu-t": table_text, "theses-answer": "\n".join(lines)}


SOBOL_FACTORS = {COHESION: "east cohesion", AFFINITY: "political weight", MERIT: "merit"}
SOBOL_METRICS = {ADVANTAGE: "east's advantage", "approval_rate.west": "west's approval",
                 "approval_rate.east": "east's approval"}  # fmt: skip


def sobol_table(table: pd.DataFrame) -> pd.DataFrame:
    """Sobol S1 and ST (SALib, 95 % bootstrap intervals) of each metric of a Saltelli sweep, one row per
    metric × factor; each point has one run, so failed runs (none expected) cannot be left out."""
    from sdo_sim.analysis import sobol_indices

    ordered = table.sort_values("run")
    if (ordered["status"] != "ok").any():
        raise SystemExit("a Sobol sweep with failed runs cannot be analysed: rerun it")
    bounds = [[float(ordered[f].min()), float(ordered[f].max())] for f in SOBOL_FACTORS]
    problem = {"num_vars": len(SOBOL_FACTORS), "names": list(SOBOL_FACTORS), "bounds": bounds}
    parts = []
    for metric in SOBOL_METRICS:
        frame = sobol_indices(problem, ordered[metric].to_numpy(float), confidence=LEVEL, seed=1)
        parts.append(frame.assign(metric=metric))
    return pd.concat(parts, ignore_index=True)


def sensitivity(tables: Tables) -> dict[str, str]:
    """Q7: which contested parameter drives the east's advantage? Sobol indices, ITU-T and 3GPP."""
    plt = _pyplot()
    venues = {"itu-t": VENUES["itu-t"], "3gpp": VENUES["3gpp"]}
    fig, axes = plt.subplots(1, 2, figsize=(15, 7), sharey=True, constrained_layout=True)
    fig.suptitle("Which contested parameter drives the east's advantage? (Sobol indices)")
    lines = ["| venue | metric | factor | first order S1 | total order ST |", "|---|---|---|---:|---:|"]
    sentences = []
    for ax, (venue, title) in zip(axes, venues.items(), strict=True):
        frame = sobol_table(tables[f"sobol-{venue}"])
        for row in frame.itertuples(index=False):
            s1 = f"{number(row.S1, 2)} ± {number(row.S1_conf, 2)}"
            st = f"{number(row.ST, 2)} ± {number(row.ST_conf, 2)}"
            lines.append(
                f"| {title} | {SOBOL_METRICS[row.metric]} | {SOBOL_FACTORS[row.factor]} | {s1} | {st} |"
            )
        adv = frame[frame["metric"] == ADVANTAGE].set_index("factor")
        x = np.arange(len(SOBOL_FACTORS))
        bars = ((-0.2, "S1", "first order (alone)", COLOURS["mixed"]),
                (0.2, "ST", "total (with interactions and chance)", "#A0A0A0"))  # fmt: skip
        for offset, key, label, colour in bars:
            values = adv.loc[list(SOBOL_FACTORS), key]
            errors = adv.loc[list(SOBOL_FACTORS), f"{key}_conf"]
            ax.bar(x + offset, values, 0.4, yerr=errors, capsize=6, color=colour, label=label)
        ax.set_xticks(x, list(SOBOL_FACTORS.values()))
        ax.set(title=title, ylabel="share of the variance of the east's advantage", ylim=(0, 1.25))
        ax.legend(loc="upper left")
        top = adv["S1"].idxmax()
        alone = float(adv["S1"].sum())
        runs = len(tables[f"sobol-{venue}"])
        others = " and ".join(f"{number(adv.loc[f, 'S1'], 2)} ± {number(adv.loc[f, 'S1_conf'], 2)} for "
                              f"{SOBOL_FACTORS[f]}" for f in SOBOL_FACTORS if f != top)  # fmt: skip
        rates = frame[(frame["factor"] == MERIT) & (frame["metric"] != ADVANTAGE)].set_index("metric")["S1"]
        sentences.append(
            f"- **{title}** ({runs:,} runs): alone, {SOBOL_FACTORS[top]} explains more of the variance of "
            f"the east's advantage than the others, S1 = {number(adv.loc[top, 'S1'], 2)} ± "
            f"{number(adv.loc[top, 'S1_conf'], 2)}, "
            f"against {others}; the three together explain {number(alone, 2)} of it alone, so the rest "
            f"({number(1 - alone, 2)}) is their interactions and the chance of single runs, which the total "
            f"indices ST ({', '.join(number(adv.loc[f, 'ST'], 2) for f in SOBOL_FACTORS)}) count under every "
            f"factor. Merit alone explains {number(rates.min(), 2)} to {number(rates.max(), 2)} of each "
            "bloc's approval rate."
        )
        q = "sensitivity"
        claim(q, f"{venue}: merit has the largest first-order index of the east's advantage", top == MERIT)
        claim(q, f"{venue}: the first-order indices of the east's advantage sum to under a half", alone < 0.5)
        claim(q, f"{venue}: cohesion and political weight each explain under 0.1 alone",
              bool((adv.loc[[COHESION, AFFINITY], "S1"] < 0.1).all()))  # fmt: skip
        claim(
            q,
            f"{venue}: merit alone explains over 0.4 of each bloc's approval rate",
            bool((rates > 0.4).all()),
        )
    save(fig, "sensitivity")
    return {"sensitivity-answer": "\n".join(sentences), "sensitivity-indices": "\n".join(lines)}


# ----------------------------------------------------------------------------------------------
# Running
# ----------------------------------------------------------------------------------------------


class Question(NamedTuple):
    """One question of the scenario library: its experiments, what answers it, the markers that
    answer fills in docs/findings.md and the figure it draws (docs/figures/FIGURE.png)."""

    name: str
    experiments: tuple[str, ...]
    answer: Callable[[Tables], dict[str, str]]
    markers: tuple[str, ...]
    figure: str


QUESTIONS = [
    Question("bloc-cohesion", tuple(f"bloc-cohesion-{v}" for v in VENUES), bloc_cohesion,
             ("bloc-cohesion-answer", *(f"bloc-cohesion-{v}" for v in VENUES)), "bloc-cohesion"),
    Question("surge-counter", ("surge-counter-3gpp", "surge-contested-3gpp"),
             lambda tables: {**surge_counter(tables), **surge_contested(tables)},
             ("surge-counter-answer", "surge-counter-3gpp", "surge-contested-3gpp"), "surge-counter-3gpp"),
    Question("tap-for-all", ("tap-for-all-itu-t",), tap_for_all, ("tap-for-all-answer", "tap-for-all-itu-t"),
             "tap-for-all-itu-t"),
    Question("affiliates", ("affiliates-3gpp",), affiliates, ("affiliates-answer", "affiliates-3gpp"),
             "affiliates-3gpp"),
    Question("chair-bias", ("chair-bias-itu-t", "chair-bias-3gpp"), chair_bias,
             ("chair-bias-answer", "chair-bias-itu-t", "chair-bias-3gpp"), "chair-bias"),
    Question("theses", ("theses-itu-t",), theses, ("theses-answer", "theses-itu-t"), "theses-itu-t"),
    Question("sensitivity", ("sobol-itu-t", "sobol-3gpp"), sensitivity,
             ("sensitivity-answer", "sensitivity-indices"), "sensitivity"),
]  # fmt: skip


def reporter(name: str) -> Callable[[int, int, int, float], None]:
    """A sweep progress callback that prints a line to stderr at every tenth of the runs."""
    shown: set[int] = set()

    def progress(done: int, failed: int, todo: int, seconds: float) -> None:
        tenth = 10 * done // todo if todo else 10
        if tenth not in shown:
            shown.add(tenth)
            print(f"findings: {name}: {done}/{todo} runs, {failed} failed, {seconds:.0f} s", file=sys.stderr)

    return progress


def run_all(workers: int, names: Sequence[str]) -> Tables:
    """The named experiments swept into out/findings/ (resuming), each run with its east advantage."""
    from sdo_sim.experiment.sweeps import sweep

    tables: Tables = {}
    for k, name in enumerate(names, 1):
        started = time.perf_counter()
        print(f"findings: [{k}/{len(names)}] {name} -> {OUT.relative_to(ROOT) / name}", file=sys.stderr)
        table = sweep(EXPERIMENTS / f"{name}.yaml", OUT / name, workers=workers, resume=True,
                      progress=reporter(name))  # fmt: skip
        failed = int((table["status"] != "ok").sum())
        seconds = time.perf_counter() - started
        print(f"findings: {name}: {len(table)} runs, {failed} failed, {seconds:.1f} s", file=sys.stderr)
        if failed:
            print(
                f"findings: {name}: the {failed} failed runs are left out of the statistics", file=sys.stderr
            )
        tables[name] = with_advantage(table)
    return tables


def main() -> int:
    """Run the experiments, draw the figures and rewrite docs/findings.md."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="Worker processes per sweep (default 2).")
    parser.add_argument(
        "questions", nargs="*", help=f"Questions (default all): {', '.join(q.name for q in QUESTIONS)}."
    )
    args = parser.parse_args()
    unknown = set(args.questions) - {q.name for q in QUESTIONS}
    if unknown:
        parser.error(f"unknown question(s): {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    chosen = [q for q in QUESTIONS if not args.questions or q.name in args.questions]
    tables = run_all(args.workers, [name for q in chosen for name in q.experiments])
    text = FINDINGS.read_text(encoding="utf-8")
    for question in chosen:
        print(f"findings: answering {question.name}", file=sys.stderr)
        answered = question.answer(tables)
        if set(answered) != set(question.markers):
            raise SystemExit(
                f"{question.name}: wrote {sorted(answered)}, declared {sorted(question.markers)}"
            )
        for name, content in answered.items():
            text = fill(text, name, content)
    FINDINGS.write_text(text, encoding="utf-8")
    seconds = time.perf_counter() - started
    print(f"findings: docs/findings.md and docs/figures/ written in {seconds:.0f} s", file=sys.stderr)
    for broken in BROKEN:
        print(f"findings: the answer no longer holds: {broken}; reread and rewrite it", file=sys.stderr)
    return 1 if BROKEN else 0


if __name__ == "__main__":
    sys.exit(main())
