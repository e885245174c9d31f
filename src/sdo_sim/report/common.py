"""What run and sweep reports share: the scenario behind the results, in words and rules, and the manifest."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from sdo_sim.errors import SdoSimError
from sdo_sim.report import page
from sdo_sim.report.rules import rules_in_words
from sdo_sim.report.words import actors_by_bloc, event_in_words, venues_in_words
from sdo_sim.scenario import Scenario, load_scenario, scenario_hash


class ReportError(SdoSimError):
    """A folder or option the report cannot use: says what is allowed."""


def read_manifest(folder: Path) -> dict[str, Any]:
    """A result folder's manifest.json, or a ReportError naming the file."""
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{folder}: not a run's or a sweep's results (no manifest.json); give a folder "
                          "written by sdo-sim run --out or sdo-sim sweep --out") from None  # fmt: skip
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ReportError(f"{path}: not readable as a manifest ({error})") from None
    if not isinstance(manifest, dict):
        raise ReportError(f"{path}: not a manifest (a JSON object is expected)")
    return manifest


def scenario_of(
    file: str | None, overrides: dict[str, Any], weeks: int | None, data: str | None, expected: str | None
) -> tuple[Scenario | None, list[str]]:
    """The scenario a result came from, as it ran (overrides and horizon applied), and notes for the reader:
    a file that is gone, no longer loads, or has changed since (its hash differs)."""
    if not file:
        missing = (
            "The manifest does not name the scenario file (results written before sdo-sim named it), so the "
            "scenario and its rules cannot be shown; rerun to include them."
        )
        return None, [missing]
    try:
        scenario = load_scenario(file, overrides or None, data_file=data)
        if weeks is not None and weeks != scenario.weeks:
            from sdo_sim.scenario.load import validate

            scenario = validate({**scenario.model_dump(mode="json"), "weeks": weeks}, file)
    except SdoSimError as error:
        return None, [f"The scenario file cannot be read now, so its rules are not shown: {error}"]
    notes = []
    if expected is not None and scenario_hash(scenario) != expected:
        notes.append(
            f"The scenario file {file} has changed since these results were made (hash "
            f"{scenario_hash(scenario)}, not {expected}): the scenario and rules below are the file's as it "
            "is now."
        )
    return scenario, notes


def scenario_section(scenario: Scenario | None, notes: list[str], extra: str = "") -> str:
    """The scenario in plain words: its description, venues, who takes part and its events."""
    if scenario is None:
        return page.section("The scenario", *(page.note(n) for n in notes))
    parts = [page.note(n) for n in notes]
    if scenario.description:
        parts.append(page.para(scenario.description))
    parts.append(page.items(venues_in_words(scenario)))
    rows = actors_by_bloc(scenario)
    parts.append("<h3>Who takes part</h3>" + page.table(list(rows[0]), [list(r.values()) for r in rows]))
    if scenario.events:
        parts.append("<h3>Events</h3>" + page.items(event_in_words(e) for e in scenario.events))
    else:
        parts.append(page.para("No scripted events: the rules and the population stay as they start."))
    parts.append(page.para(f"Horizon: {scenario.weeks} weeks (one step is one week)."))
    return page.section("The scenario in words", extra, *parts)


def rules_section(scenario: Scenario | None, extra: str = "") -> str:
    """The rules each venue applied, stage by stage, with the clause each comes from."""
    if scenario is None:
        return page.section(
            "The rules used", page.para("Not available: the scenario could not be read (above).")
        )
    found = rules_in_words(scenario)
    # each venue named once, on its first row
    rows = [["" if k and r.venue == found[k - 1].venue else r.venue, r.stage, r.text, r.clause]
            for k, r in enumerate(found)]  # fmt: skip
    intro = page.para("Each stage a proposal passes, as the model applies it, and the clause the rule comes "
                      "from (docs/rules.md gives each rule's full text and its sources).")  # fmt: skip
    return page.section(
        "The rules used", intro, extra, page.table(["venue", "stage", "rule", "clause"], rows)
    )


def manifest_section(manifest: dict[str, Any], commands: list[list[str]]) -> str:
    """How to make these results again: the commands, and the manifest as written."""
    shown = "\n".join(shlex.join(command) for command in commands)
    text = json.dumps(manifest, indent=2, sort_keys=True, default=str)
    return page.section(
        "Reproduce these results",
        page.para("The same commands with the same versions give the same tables, row for row:"),
        f"<pre>{page.esc(shown)}</pre>",
        page.para("The manifest the results were written with:"),
        f"<pre>{page.esc(text)}</pre>",
    )


def set_options(overrides: dict[str, Any]) -> list[str]:
    """`--set path=value` options that repeat a run's overrides."""
    options = []
    for path, value in overrides.items():
        options += ["--set", f"{path}={json.dumps(value) if not isinstance(value, str) else value}"]
    return options


def default_output(folder: Path) -> Path:
    """Where a report goes when no --output is given: beside the folder, named after it."""
    resolved = folder.resolve()
    return resolved.parent / f"{resolved.name}.html"
