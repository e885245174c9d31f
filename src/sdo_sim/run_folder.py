"""A run's tables read back from the folder `sdo-sim run --out` wrote (docs/ODD.md 7.8): what explain and
the dashboard read, so that a story is told from the tables, never by running the model again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sdo_sim.errors import SdoSimError
from sdo_sim.results import DECISION_TYPES, POST_TYPES, PROPOSAL_TYPES, RunResult

#: Column types a CSV table gets back on reading (Parquet keeps its own).
CSV_TYPES: dict[str, dict[str, Any]] = {
    "proposals": PROPOSAL_TYPES,
    "decisions": DECISION_TYPES,
    "posts": POST_TYPES,
}


class RunFolderError(SdoSimError):
    """A folder that is not a readable run: names it and what to give instead."""


def check_whole(path: Path, manifest: dict[str, Any], name: str) -> None:
    """Refuse a table that is not the file the run wrote (cut short, edited, damaged): its SHA-256 is
    in the manifest. Folders written before digests were recorded are read as they are."""
    from sdo_sim.results import file_digest

    expected = manifest.get("sha256", {}).get(name) if isinstance(manifest.get("sha256"), dict) else None
    if expected is None or not path.is_file():
        return
    if file_digest(path) != expected:
        raise RunFolderError(f"{path}: not the table sdo-sim run wrote (its SHA-256 differs from the "
                             "manifest's: cut short, edited or damaged); rerun sdo-sim run")  # fmt: skip


def read_run(folder: str | Path) -> RunResult:
    """Every table a run's folder holds (Parquet or CSV, as its manifest says) as a RunResult."""
    folder = Path(folder)
    if not folder.is_dir():
        what = "a file, not a folder" if folder.exists() else "no such folder"
        raise RunFolderError(f"{folder}: {what} (give the --out folder of sdo-sim run)")
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise RunFolderError(
            f"{folder}: no readable manifest.json; give the --out folder of sdo-sim run"
        ) from None
    tables = manifest.get("tables") if isinstance(manifest, dict) else None
    if not isinstance(tables, list) or "proposals" not in tables or "decisions" not in tables:
        sweep = isinstance(manifest, dict) and "runs" in manifest
        what = "a sweep's folder" if sweep else "not a run's folder"
        raise RunFolderError(f"{folder}: {what}; give one run's folder (sdo-sim run SCENARIO --out DIR)")
    fmt = manifest.get("format", "parquet")

    def table(name: str) -> pd.DataFrame | None:
        if name not in tables:
            return None
        path = folder / f"{name}.{fmt}"
        check_whole(path, manifest, name)
        try:
            if fmt == "parquet":
                return pd.read_parquet(path)
            typed = CSV_TYPES.get(name, {})
            # a typed table's text columns keep "" (no track, no bloc); every other empty cell is missing
            missing = {c: [""] for c, kind in typed.items() if kind is not str} if typed else [""]
            frame = pd.read_csv(path, keep_default_na=False, na_values=missing)
        except (OSError, ValueError) as error:
            raise RunFolderError(
                f"{path}: cannot be read ({type(error).__name__}); rerun sdo-sim run"
            ) from None
        text = [column for column in frame if pd.api.types.is_string_dtype(frame[column].dtype)]
        frame = frame.fillna(dict.fromkeys(text, ""))  # an empty text cell (no bloc, no line) is "", not NaN
        types = {c: kind for c, kind in CSV_TYPES.get(name, {}).items() if c in frame.columns}
        try:  # the run's own column types, so a CSV run reads as its Parquet twin
            return frame.astype(types)
        except (TypeError, ValueError) as error:
            raise RunFolderError(f"{path}: not readable as a run table ({error})") from None

    frames = {name: table(name) for name in ("proposals", "decisions", "timeseries", "summary")}
    result = RunResult(**frames, manifest=manifest, positions=table("positions"), acts=table("acts"))  # type: ignore[arg-type]
    for name in ("events", "posts"):
        found = table(name)
        if found is not None:
            setattr(result, name, found)
    return result
