"""The report of one run (`sdo-sim run --out DIR`): headline numbers, figures, the scenario and its rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sdo_sim import plots
from sdo_sim.plots_run import holdings, segments, split_weeks
from sdo_sim.report import page
from sdo_sim.report.common import (
    ReportError,
    manifest_section,
    read_manifest,
    rules_section,
    scenario_of,
    scenario_section,
    set_options,
)
from sdo_sim.report.words import event_label
from sdo_sim.results import RunResult
from sdo_sim.run_folder import RunFolderError
from sdo_sim.run_folder import read_run as read_folder
from sdo_sim.scenario import Scenario

CAPTIONS = {
    "approval": "How to read it: left, the share of decided proposals approved so far, by the proponent's "
    "bloc, starting again at each event (dashed lines); right, the same share in each period between "
    "events, with approved/decided beside each bar.",
    "outcomes": "How to read it: each bar counts the gates proposals met at a stage, in the order they meet "
    "them; green passed, orange failed (or deferred by the chair). A proposal can meet a stage twice.",
    "weeks": "How to read it: each box spans the middle half of the proposals decided, the thick line is the "
    "median; dots are single proposals. Proposals still open at the end are not counted.",
    "posts": "How to read it: the share of the chairs and other posts each bloc holds, week by week; the "
    "final share and count are written at the right.",
}


def is_run(manifest: dict[str, Any]) -> bool:
    """Whether a manifest is a run's (sdo-sim run), not a sweep's."""
    return "sdo_sim_results" in manifest and "tables" in manifest and "seed" in manifest


def read_run(folder: Path) -> RunResult:
    """A run folder's tables (Parquet or CSV) and manifest, as the run wrote them (sdo_sim.run_folder)."""
    if not is_run(read_manifest(folder)):
        raise ReportError(f"{folder}: not a run's results (its manifest.json is not one sdo-sim run writes)")
    try:
        return read_folder(folder)
    except RunFolderError as error:
        raise ReportError(str(error)) from None


def _blocs(result: RunResult) -> list[str]:
    """The blocs the run's summary reports, in its order (`none` read back as the empty bloc)."""
    names = [c.split(".", 1)[1] for c in result.summary.columns if c.startswith("approval_rate.")]
    return ["" if name == "none" else name for name in names]


def _labelled(events: pd.DataFrame, scenario: Scenario | None) -> pd.DataFrame:
    """The events table with a short label for each mark, from the scenario when it is known."""
    if scenario is None:
        return events.assign(label=events["kind"]) if len(events) else events
    labels = [event_label(scenario.events[i]) if 0 <= i < len(scenario.events) else kind
              for i, kind in zip(events["event"], events["kind"], strict=True)]  # fmt: skip
    return events.assign(label=labels)


def _headline(result: RunResult, baseline: RunResult | None) -> str:
    """The cards: proposals, decisions, approval rate, time to decision and votes a minority blocked."""
    row = result.summary.iloc[0]
    base = baseline.summary.iloc[0] if baseline is not None else None

    def compare(name: str) -> str:
        return "" if base is None else f"baseline: {page.number(_py(base[name]))}"

    rate = "–" if not row["decided"] else f"{row['approval_rate']:.2f}"
    return page.cards([
        ("proposals submitted", page.number(int(row["proposals"])), compare("proposals")),
        ("decided", page.number(int(row["decided"])),
         f"{int(row['proposals']) - int(row['decided'])} still open at week {int(row['weeks'])}"),
        ("approved", page.number(int(row["approved"])), compare("approved")),
        ("approval rate", rate, f"{int(row['approved'])} of {int(row['decided'])} decided"
         + (f"; {compare('approval_rate')}" if base is not None else "")),
        ("median weeks to decision", page.number(_py(row["median_weeks_to_decision"])),
         compare("median_weeks_to_decision")),
        ("votes blocked by a minority", page.number(int(row["blocked_by_minority"])),
         "failed although more voted yes than no"),
    ])  # fmt: skip


def _py(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _by_bloc(result: RunResult, baseline: RunResult | None, blocs: list[str], weeks: int) -> str:
    """Per bloc: proposals, approval rate (with counts), by period between events, posts held at the end."""
    proposals = result.proposals
    periods = segments(split_weeks(result.events, weeks), weeks)
    held = holdings(result.posts, weeks).iloc[-1] if weeks and len(result.posts) else pd.Series(dtype=int)
    header = ["bloc", "proposals", "approved of decided"]
    header += [f"decided {label}" for *_, label in periods] if len(periods) > 1 else []
    header += ["posts held at the end"] + (["baseline: approved of decided"] if baseline is not None else [])
    rows = []
    for bloc in blocs:
        mine = proposals[proposals["bloc"].fillna("") == bloc]
        decided = mine[mine["decided"].notna()]
        row: list[Any] = [
            bloc or "no bloc",
            len(mine),
            page.share(int(decided["approved"].sum()), len(decided)),
        ]
        if len(periods) > 1:
            for start, end, _ in periods:
                inside = decided[(decided["decided"] >= start) & (decided["decided"] < end)]
                row.append(page.share(int(inside["approved"].sum()), len(inside)))
        posts_share = result.summary.iloc[0].get(f"posts_share.{bloc or 'none'}", float("nan"))
        row.append(
            f"{posts_share:.2f} ({int(held.get(bloc, 0))} of {int(held.sum())})" if len(held) else "none"
        )
        if baseline is not None:
            theirs = baseline.proposals
            theirs = theirs[(theirs["bloc"].fillna("") == bloc) & theirs["decided"].notna()]
            row.append(page.share(int(theirs["approved"].sum()), len(theirs)))
        rows.append(row)
    return "<h3>By the proponent's bloc</h3>" + page.table(header, rows)


def _figures(result: RunResult, baseline: RunResult | None, scenario: Scenario | None) -> str:
    """The four run figures, embedded, each with how to read it."""
    weeks = int(result.summary.iloc[0]["weeks"])
    blocs = _blocs(result)
    events = _labelled(result.events, scenario)
    other = (lambda name: getattr(baseline, name)) if baseline is not None else (lambda name: None)
    drawn = {
        "approval": plots.approval_by_bloc(result.proposals, weeks=weeks, events=events, blocs=blocs,
                                           baseline=other("proposals")),
        "outcomes": plots.outcomes_by_stage(result.decisions, baseline=other("decisions")),
        "weeks": plots.weeks_to_decision(result.proposals, blocs=blocs, baseline=other("proposals")),
        "posts": plots.posts_by_bloc(result.posts, weeks=weeks, events=events, blocs=blocs,
                                     baseline=other("posts")),
    }  # fmt: skip
    titles = {"approval": "Which bloc's proposals pass", "outcomes": "Where proposals stop",
              "weeks": "How long a decision takes", "posts": "Who holds the chairs and posts"}  # fmt: skip
    return "".join(f"<h3>{titles[k]}</h3>" + page.figure(plots.png(fig), titles[k], CAPTIONS[k])
                   for k, fig in drawn.items())  # fmt: skip


def run_report(folder: Path, baseline_folder: Path | None = None) -> tuple[str, str, list[str]]:
    """(title, subtitle, sections) of a run folder's report, compared with a baseline run when given."""
    result = read_run(folder)
    baseline = read_run(baseline_folder) if baseline_folder is not None else None
    manifest = result.manifest
    row = result.summary.iloc[0]
    weeks = int(row["weeks"])
    overrides = manifest.get("overrides") or {}
    scenario, notes = scenario_of(manifest.get("scenario_file"), overrides, weeks, manifest.get("data_file"),
                                  manifest.get("scenario_hash"))  # fmt: skip
    subtitle = f"One run: seed {row['seed']}, {weeks} weeks, sdo-sim {manifest.get('sdo_sim_version', '?')}"
    if baseline is not None:
        subtitle += f"; compared with the baseline run in {baseline_folder}"
        theirs = baseline.manifest.get("scenario_file"), baseline.summary.iloc[0]["scenario"]
        if theirs != (
            manifest.get("scenario_file"),
            row["scenario"],
        ):  # --set changes are the point; files not
            notes.append(f"The baseline run is of another scenario file ({theirs[1]}): the comparison shows "
                         "two scenarios, not one change to this one.")  # fmt: skip
    labelled = _labelled(result.events, scenario)
    fired = "; ".join(f"week {r.week} ({r.label})" for r in labelled.itertuples()) or "none"
    changed = ", ".join(f"{k} = {v}" for k, v in overrides.items())
    told = f"Events that fired: {fired}." + (f" Changed from the file: {changed}." if changed else "")
    headline = [
        _headline(result, baseline),
        _by_bloc(result, baseline, _blocs(result), weeks),
        page.para(told),
    ]
    command = ["sdo-sim", "run", manifest.get("scenario_file") or "SCENARIO.yaml", "--seed", str(row["seed"]),
               "--weeks", str(weeks), *set_options(overrides), "--out", "DIR"]  # fmt: skip
    if manifest.get("data_file"):
        command[-2:-2] = ["--data", manifest["data_file"]]
    if manifest.get("format") == "csv":
        command[-2:-2] = ["--format", "csv"]
    sections = [
        scenario_section(scenario, notes),
        page.section("Headline numbers", *headline),
        page.section("Figures", _figures(result, baseline, scenario)),
        rules_section(scenario),
        manifest_section(manifest, [command]),
    ]
    return f"{row['scenario']}: run report", subtitle, sections
