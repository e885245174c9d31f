"""The issue's scale targets: a 10,000-run Sobol sweep of the ITU-T baseline in under 5 minutes and of
the 3GPP baseline in under 15, on a 2-core machine (issue 9, "Performance").

Run with `python benchmarks/bench_sobol.py [--workers 2] [--readme] [NAME ...]` (NAME: itu-t, 3gpp).
Each sweep is `experiments/sobol-NAME.yaml` (2,048 Saltelli base samples of three factors: 10,240
runs, one replication each), run from scratch into `out/findings/sobol-NAME/`, where `make findings`
then finds it complete and answers its question from it (docs/findings.md, section 7). Time: from
the call to `sdo_sim.sweep` to the returned table (workers starting, every run, every chunk written
and read back, the manifest).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Sweep name -> the most seconds the issue allows for its 10,000 runs.
TARGETS = {"itu-t": 5 * 60, "3gpp": 15 * 60}


def progress(name: str) -> Callable[[int, int, int, float], None]:
    """Print a line at every tenth of the runs, so a long benchmark shows it is alive."""
    shown: set[int] = set()

    def report(done: int, failed: int, todo: int, seconds: float) -> None:
        tenth = 10 * done // todo if todo else 10
        if tenth not in shown:
            shown.add(tenth)
            print(f"  {name}: {done:,}/{todo:,} runs, {failed} failed, {seconds:.0f} s", flush=True)

    return report


def measure(name: str, workers: int) -> tuple[int, float]:
    """(runs, wall seconds) of one Sobol sweep run from scratch."""
    from sdo_sim.experiment.sweeps import sweep

    out = ROOT / "out" / "findings" / f"sobol-{name}"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    table = sweep(ROOT / "experiments" / f"sobol-{name}.yaml", out, workers=workers, progress=progress(name))
    wall = time.perf_counter() - start
    failed = int((table["status"] != "ok").sum())
    if failed:
        raise SystemExit(
            f"{name}: {failed} runs failed; first: {table[table['status'] != 'ok']['error'].iloc[0]}"
        )
    return len(table), wall


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", default=list(TARGETS), help="sweeps: itu-t, 3gpp (default both)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    unknown = set(args.names) - set(TARGETS)
    if unknown:
        parser.error(f"unknown sweep(s): {', '.join(sorted(unknown))}; known: {', '.join(TARGETS)}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.workers} workers", flush=True)  # fmt: skip
    rows = [
        "| Sobol sweep | runs | workers | wall time | runs/s | target | met |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    ok = True
    for name in args.names:
        runs, wall = measure(name, args.workers)
        met = wall < TARGETS[name]
        ok &= met
        print(f"{name}: {runs:,} runs in {wall:.0f} s ({runs / wall:.1f} runs/s); target {TARGETS[name]} s: "
              f"{'met' if met else 'NOT MET'}", flush=True)  # fmt: skip
        limit = f"< {TARGETS[name] // 60} min"
        rows.append(f"| `experiments/sobol-{name}.yaml` | {runs:,} | {args.workers} | {wall / 60:.1f} min "
                    f"| {runs / wall:.1f} | {limit} | {'yes' if met else 'no'} |")  # fmt: skip
    if args.readme:
        sys.path.insert(0, str(Path(__file__).parent))
        from readme_tables import write_table

        write_table("bench-sobol", "\n".join(rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
