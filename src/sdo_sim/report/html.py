"""`sdo-sim report DIR`: a run's or a sweep's results as one self-contained HTML page (issue 10, item 3)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sdo_sim.report import page
from sdo_sim.report.common import ReportError, default_output, read_manifest
from sdo_sim.report.run import is_run, run_report
from sdo_sim.report.sweep import is_sweep, sweep_report

__all__ = ["ReportError", "build_report", "folder_kind", "write_report"]

SUFFIXES = (".html", ".htm")


def folder_kind(folder: Path) -> str:
    """`run` or `sweep`, from the folder's manifest.json; a ReportError saying what the folder is not."""
    if not folder.is_dir():
        raise ReportError(f"{folder}: {'a file, not a folder' if folder.exists() else 'no such folder'}")
    if not (folder / "manifest.json").is_file() and (folder / "sweep.json").is_file():
        raise ReportError(f"{folder}: the sweep has not finished (no manifest.json); finish it with "
                          "sdo-sim sweep EXPERIMENT --out DIR --resume")  # fmt: skip
    manifest = read_manifest(folder)
    if "analysis_of" in manifest:
        raise ReportError(f"{folder}: a sweep's analysis folder; give the sweep's folder, {folder.parent}")
    if is_run(manifest):
        return "run"
    if is_sweep(manifest):
        return "sweep"
    raise ReportError(
        f"{folder}: its manifest.json is neither a run's (sdo-sim run) nor a sweep's (sdo-sim sweep)"
    )


def build_report(folder: Path, baseline: Path | None = None) -> str:
    """The report's HTML: for a run (compared with a baseline run when given) or for a sweep."""
    kind = folder_kind(folder)
    if baseline is not None:
        if kind != "run":
            raise ReportError(f"--baseline: compares one run with another; {folder} is a sweep")
        if folder_kind(baseline) != "run":
            raise ReportError(f"--baseline {baseline}: a sweep; give a run's folder (sdo-sim run --out)")
    title, subtitle, sections = run_report(folder, baseline) if kind == "run" else sweep_report(folder)
    return page.page(title, subtitle, sections)


def check_output(output: Path, folder: Path) -> None:
    """Refuse an output that is not an .html file in an existing folder, or that lies inside the results
    (sdo-sim would then refuse to replace them, seeing a file it did not write)."""
    if output.suffix.lower() not in SUFFIXES:
        raise ReportError(f"--output {output}: must end in .html")
    if output.is_dir():
        raise ReportError(f"--output {output}: is a folder; give a file name ending in .html")
    if not output.parent.resolve().is_dir():
        raise ReportError(f"--output {output}: the folder {output.parent} does not exist")
    if folder.resolve() in output.resolve().parents:
        raise ReportError(f"--output {output}: inside the results folder {folder}; write it beside it")


def write_report(folder: Path, output: Path | None = None, baseline: Path | None = None) -> Path:
    """Write the report (default: DIR.html beside the folder), whole or not at all; return its path."""
    output = default_output(folder) if output is None else output
    check_output(output, folder)
    text = build_report(folder, baseline)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent.resolve())
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as any file the user writes (mkstemp makes it private)
        os.replace(temporary, output)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ReportError(f"--output {output}: cannot write it ({error.strerror or error})") from None
    return output
