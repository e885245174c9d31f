"""A sweep's results on disk: a Parquet dataset written in atomic chunks, resumable (issue 9, item 2).

`DIR/runs/` holds one Parquet file per completed batch (`part-<first run>.parquet`), each written
to a temporary name, flushed and renamed into place, so a crash, a kill or Ctrl-C leaves only
whole files: at most the batches in flight are lost. `pandas.read_parquet(DIR / "runs")` reads
them all. `DIR/sweep.json` names the experiment (its hash) the folder belongs to, so `--resume`
refuses another experiment's results and skips every run already written. A lock (`flock`) keeps
two sweeps out of one folder. `DIR/manifest.json` is written last, when the sweep ends. Folders and
files are made by mkdir and open, so they follow the user's umask (never tempfile's fixed 0700):
colleagues read them where the umask lets them (tests/test_output.py).
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from sdo_sim.errors import SdoSimError

STATE = "sweep.json"
MANIFEST = "manifest.json"
LOCK = ".sweep.lock"
RUNS = "runs"


class SweepError(SdoSimError):
    """A sweep that cannot start or go on: names the folder or option and what is allowed."""


def _atomic_text(path: Path, text: str) -> None:
    """Write a small text file whole: a temporary name, flushed, then renamed over `path`."""
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


class SweepStore:
    """The result folder of one sweep: its state, its lock and its chunks of runs."""

    def __init__(self, out: Path, identity: dict[str, Any], resume: bool) -> None:
        self.out = out
        self.runs = out / RUNS
        self._open(identity, resume)

    def _open(self, identity: dict[str, Any], resume: bool) -> None:
        out = self.out
        if out.exists() and not out.is_dir():
            raise SweepError(f"--out {out}: exists and is not a folder")
        state = out / STATE
        if out.is_dir() and any(out.iterdir()):
            if not state.is_file():
                raise SweepError(
                    f"--out {out}: not empty and not a sweep's results; choose an empty or new folder"
                )
            if not resume:
                raise SweepError(f"--out {out}: holds a sweep's results; add --resume to go on with it, "
                                 "or choose another folder")  # fmt: skip
            try:
                found = json.loads(state.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise SweepError(f"--out {out}: {STATE} is unreadable ({error})") from None
            if found.get("experiment_hash") != identity["experiment_hash"]:
                raise SweepError(f"--out {out}: --resume: the folder holds experiment "
                                 f"{found.get('experiment', '?')!r} with other settings; resume needs the "
                                 "same experiment file and scenario")  # fmt: skip
        out.mkdir(parents=True, exist_ok=True)
        self.runs.mkdir(exist_ok=True)
        self._lock = open(out / LOCK, "a+")  # noqa: SIM115 - held for the store's life
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise SweepError(f"--out {out}: another sweep is writing there") from None
        for leftover in self.runs.glob(".*.partial"):
            leftover.unlink()  # a batch a crash cut short: its runs are run again
        if not state.is_file():
            _atomic_text(state, json.dumps(identity, indent=2, sort_keys=True))

    def done(self) -> set[int]:
        """The runs already written (ok or failed), read from the chunks' `run` columns."""
        written: set[int] = set()
        for part in sorted(self.runs.glob("part-*.parquet")):
            written.update(int(r) for r in pq.read_table(part, columns=["run"]).column("run").to_pylist())
        return written

    def write(self, rows: pd.DataFrame) -> None:
        """One chunk of finished runs, whole or not at all."""
        first = int(rows["run"].min())
        path = self.runs / f"part-{first:09d}.parquet"
        partial = self.runs / f".part-{first:09d}.partial"
        rows.to_parquet(partial, index=False)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)

    def read(self) -> pd.DataFrame:
        """Every run written, in run order."""
        parts = sorted(self.runs.glob("part-*.parquet"))
        if not parts:
            return pd.DataFrame()
        table = pd.concat([pd.read_parquet(part) for part in parts], ignore_index=True)
        return table.sort_values("run", kind="stable").reset_index(drop=True)

    def finish(self, manifest: dict[str, Any]) -> None:
        """Write the manifest, last."""
        _atomic_text(self.out / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True, default=str))

    def close(self) -> None:
        """Release the folder's lock."""
        if not self._lock.closed:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
