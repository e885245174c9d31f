"""The report of a sweep (`sdo-sim sweep --out DIR`): what was varied, response curves with confidence
bands, sensitivity indices, the base scenario and its rules (analysing the sweep first if need be)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sdo_sim.analysis.plots import metric_label
from sdo_sim.report import page
from sdo_sim.report.common import (
    ReportError,
    manifest_section,
    read_manifest,
    rules_section,
    scenario_of,
    scenario_section,
)

ANALYSIS = "analysis"
TABLES = ("responses", "paired", "sobol", "morris", "notes")
KINDS = {"grid": "a grid of every combination of the factors' values", "lhs": "a Latin hypercube sample",
         "sobol": "Saltelli's sample for Sobol indices", "morris": "Morris trajectories"}  # fmt: skip
CAPTIONS = {
    "response": "How to read it: the metric's mean across replications at each value of a factor; the band "
    "is the confidence interval of that mean. A flat line means the factor does not move the metric.",
    "sobol": "How to read it: the share of the metric's variance each factor explains, alone (S1) and with "
    "its interactions (ST); error bars are bootstrap intervals. Factors near zero hardly matter.",
    "morris": "How to read it: μ* is how far the metric moves over a factor's range, σ how much that "
    "depends on the other factors; error bars are bootstrap intervals.",
}


def is_sweep(manifest: dict[str, Any]) -> bool:
    """Whether a manifest is a finished sweep's (sdo-sim sweep)."""
    return "experiment_hash" in manifest and "runs" in manifest and "factors" in manifest


def _current(folder: Path, manifest: dict[str, Any]) -> bool:
    """Whether DIR/analysis/ was made from the runs the sweep holds now."""
    try:
        analysed = json.loads((folder / ANALYSIS / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    runs = manifest.get("runs", {})
    return analysed.get("runs") == {"ok": runs.get("ok"), "failed": runs.get("failed")}


def analysis_tables(folder: Path, manifest: dict[str, Any]) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The sweep's analysis tables, read from DIR/analysis/, or made now (as `sdo-sim analyze DIR` would)
    when that folder is missing or older than the runs; and notes saying which."""
    notes = []
    if not _current(folder, manifest):
        from sdo_sim.analysis import analyze

        analyze(folder)
        notes.append(f"Analysed for this report with the defaults of sdo-sim analyze (written to "
                     f"{folder / ANALYSIS}).")  # fmt: skip
    tables = {}
    for name in TABLES:
        path = folder / ANALYSIS / f"{name}.csv"
        if path.is_file():
            try:
                tables[name] = pd.read_csv(path)
            except pd.errors.EmptyDataError:  # analyze writes an empty file for a table with no rows
                tables[name] = pd.DataFrame()
            except (OSError, ValueError) as error:
                raise ReportError(f"{path}: not readable as an analysis table ({error})") from None
    if "responses" not in tables:
        raise ReportError(f"{folder / ANALYSIS}: no responses.csv; run sdo-sim analyze {folder}")
    return tables, notes


def _factors(manifest: dict[str, Any]) -> str:
    """What the sweep varied: each factor's path and its values or range."""
    rows = []
    for factor in manifest.get("settings", {}).get("factors", []):
        if factor.get("values") is not None:
            what = ", ".join("null" if v is None else str(v) for v in factor["values"])
        elif factor.get("range") is not None:
            what = f"from {factor['range']['low']:g} to {factor['range']['high']:g}"
        else:
            what = str(factor.get("distribution"))
        rows.append([factor["path"], what])
    return page.table(["factor (scenario field)", "values"], rows)


def _figure_files(folder: Path, prefix: str, metrics: list[str]) -> list[tuple[str, Path]]:
    """The analysis figures with this prefix, in the order of the experiment's metrics."""
    from sdo_sim.analysis.plots import file_name

    found = []
    for metric in metrics:
        path = folder / ANALYSIS / file_name(prefix, metric)
        if path.is_file():
            found.append((metric, path))
    return found


def _figures(folder: Path, kind: str, metrics: list[str]) -> list[str]:
    """The response curves (grid, lhs) or index charts (sobol, morris), embedded."""
    parts = []
    for prefix, title in (("response", "Response curves"), ("sobol", "Sobol indices"),
                          ("morris", "Morris screening")):  # fmt: skip
        files = _figure_files(folder, prefix, metrics)
        if not files:
            continue
        shown = []
        for metric, path in files:
            what = "{} ({})".format(*metric_label(metric))
            shown.append(f"<h3>{page.esc(metric)}: {page.esc(what)}</h3>")
            shown.append(page.figure(path.read_bytes(), f"{title}: {metric}", CAPTIONS[prefix]))
        parts.append(page.section(title, *shown))
    if not parts:
        parts.append(
            page.section("Figures", page.para(f"The analysis of this {kind} design drew no figure."))
        )
    return parts


def _scenario_file(folder: Path, manifest: dict[str, Any]) -> str | None:
    """The base scenario's file: as the manifest names it, else the experiment's `scenario` beside its
    source, from here or from the sweep folder's parent (sweeps written before manifests named it)."""
    if manifest.get("scenario_file"):
        return str(manifest["scenario_file"])
    relative = manifest.get("settings", {}).get("scenario")
    if not relative:
        return None
    source = Path(str(manifest.get("source", ""))).parent
    for base in (Path.cwd(), folder.resolve().parent):
        candidate = base / source / relative
        if candidate.is_file():
            return str(candidate.resolve())
    return None


def _base_scenario(folder: Path, manifest: dict[str, Any]) -> tuple[Any, list[str]]:
    """The sweep's base scenario, and a note if it has changed since the sweep (its identity differs)."""
    scenario, notes = scenario_of(_scenario_file(folder, manifest), {}, None, None, None)
    if scenario is None or "settings" not in manifest:
        return scenario, notes
    from pydantic import ValidationError

    from sdo_sim.experiment.spec import Experiment
    from sdo_sim.experiment.sweeps import experiment_identity

    try:
        identity = experiment_identity(Experiment.model_validate(manifest["settings"]), scenario)
    except ValidationError:
        return scenario, notes
    if identity["experiment_hash"] != manifest.get("experiment_hash"):
        notes.append("The base scenario file has changed since this sweep ran: the scenario and rules below "
                     "are the file's as it is now, not necessarily those the runs used.")  # fmt: skip
    return scenario, notes


def sweep_report(folder: Path) -> tuple[str, str, list[str]]:
    """(title, subtitle, sections) of a sweep folder's report."""
    from sdo_sim.analysis import headline

    manifest = read_manifest(folder)
    if not is_sweep(manifest):
        raise ReportError(
            f"{folder}: not a sweep's results (its manifest.json is not one sdo-sim sweep writes)"
        )
    tables, notes = analysis_tables(folder, manifest)
    settings = manifest.get("settings", {})
    runs, kind = manifest["runs"], manifest.get("design", {}).get("kind", "?")
    replications = int(manifest.get("replications", 1))
    points = int(runs.get("designed", 0)) // max(replications, 1)
    metrics = [str(m) for m in settings.get("metrics") or tables["responses"]["metric"].unique()]
    scenario, scenario_notes = _base_scenario(folder, manifest)
    title, shown = headline(tables, limit=60)
    cards = page.cards([
        ("runs analysed", page.number(runs.get("ok")), f"of {page.number(runs.get('designed'))} designed"),
        ("failed runs", page.number(runs.get("failed")), "left out of every number"),
        ("design points", page.number(points), KINDS.get(kind, kind)),
        ("replications per point", page.number(replications), "seeds shared across points"),
    ])  # fmt: skip
    results = [cards, *(page.note(n) for n in notes), "<h3>What was varied</h3>", _factors(manifest),
               f"<h3>{page.esc(title)}</h3>", page.frame_table(shown)]  # fmt: skip
    left_out = tables.get("notes")
    if left_out is not None and len(left_out):
        results.append("<h3>Left out, and why</h3>" + page.items(
            f"{r.metric + ': ' if isinstance(r.metric, str) and r.metric else ''}{r.note}"
            for r in left_out.itertuples()))  # fmt: skip
    paths = ", ".join(str(f) for f in manifest.get("factors", [])) or "no field"
    varied = page.note(f"The sweep varies {paths} run by run (What was varied, below); the text and rules "
                       "here are the base scenario's, before any factor is applied.")  # fmt: skip
    commands = [["sdo-sim", "sweep", str(manifest.get("source", "EXPERIMENT.yaml")), "--out", "DIR"],
                ["sdo-sim", "analyze", "DIR"]]  # fmt: skip
    sections = [
        scenario_section(scenario, scenario_notes, varied),
        page.section("Headline numbers", *results),
        *_figures(folder, kind, metrics),
        rules_section(scenario),
        manifest_section(manifest, commands),
    ]
    version = manifest.get("versions", {}).get("sdo-sim", "?")
    subtitle = (
        f"A sweep of {page.number(runs.get('ok'))} runs: {points} design points × {replications} "
        f"replications ({kind} design), sdo-sim {version}"
    )
    description = settings.get("description") or ""
    if description:
        sections.insert(0, page.section("The question", page.para(description)))
    return f"{manifest.get('experiment', 'sweep')}: sweep report", subtitle, sections
