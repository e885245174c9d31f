"""Sweep speed: runs per second for an N-run sweep of each baseline on 1 and 2 local workers and a Dask
LocalCluster; parallel efficiency; the engine's own overhead (issue 9, "Performance").

Run with `make bench` (or `python benchmarks/bench_sweep.py [--runs N] [--baselines NAME ...]`).
Each sweep is one design point with N replications of the baseline, written to a fresh folder.

- runs/s: runs ÷ wall time of `sdo_sim.sweep` (from the call to the returned table: workers
  starting, runs, writing every chunk, reading the table back, the manifest).
- efficiency: runs/s on W workers ÷ (W × runs/s on 1 worker).
- engine overhead: the share of the workers' wall time not spent inside the model,
  1 − Σ run seconds ÷ (W × wall): scheduling, pickling, writing, starting workers.

Targets on a 2-core machine: efficiency ≥ 85 %, overhead < 10 %.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ("itu-t-study-group", "iso-technical-committee", "3gpp-tsg", "ietf-working-group")
EFFICIENCY, OVERHEAD = 0.85, 0.10


def experiment(folder: Path, baseline: str, runs: int) -> Path:
    """An experiment of `runs` replications of one baseline at its own east cohesion."""
    from sdo_sim.scenario import load_scenario

    scenario = ROOT / "scenarios" / "baselines" / f"{baseline}.yaml"
    cohesion = load_scenario(scenario).blocs["east"].cohesion
    path = folder / f"{baseline}.yaml"
    path.write_text(
        f"name: bench-{baseline}\nscenario: {scenario}\nfactors:\n  - {{path: blocs.east.cohesion, "
        f"values: [{cohesion}]}}\ndesign: {{kind: grid}}\nreplications: {runs}\nseed: 1\n"
    )
    return path


def measure(path: Path, workers: int, backend: str) -> tuple[float, float]:
    """(runs per second, engine overhead) of one sweep into a fresh folder."""
    from sdo_sim.experiment.sweeps import sweep

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        table = sweep(path, Path(out) / "sweep", workers=workers, backend=backend)
        wall = time.perf_counter() - start
    assert (table["status"] == "ok").all(), table[table["status"] != "ok"]["error"].iloc[0]
    return len(table) / wall, 1 - table["seconds"].sum() / (workers * wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000, help="runs per sweep")
    parser.add_argument("--baselines", nargs="*", default=list(BASELINES), help="baselines to sweep")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.runs} runs per sweep", flush=True)  # fmt: skip
    rows = ["| baseline | runs | 1 worker runs/s | 2 workers runs/s | efficiency | overhead (2 workers) "
            "| Dask, 2 workers runs/s | Dask overhead |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for baseline in args.baselines:
            path = experiment(Path(folder), baseline, args.runs)
            one, _ = measure(path, 1, "local")
            two, overhead = measure(path, 2, "local")
            efficiency = two / (2 * one)
            dask_rate, dask_overhead = (float("nan"), float("nan"))
            if not args.no_dask:
                dask_rate, dask_overhead = measure(path, 2, "dask")
            print(f"{baseline:26} 1 worker {one:7.1f} runs/s | 2 workers {two:7.1f} runs/s, efficiency "
                  f"{efficiency:.0%}, overhead {overhead:.1%} | dask {dask_rate:7.1f} runs/s, overhead "
                  f"{dask_overhead:.1%}", flush=True)  # fmt: skip
            rows.append(f"| `{baseline}` | {args.runs} | {one:.1f} | {two:.1f} | {efficiency:.0%} "
                        f"| {overhead:.1%} | {dask_rate:.1f} | {dask_overhead:.1%} |")  # fmt: skip
            ok &= efficiency >= EFFICIENCY and overhead < OVERHEAD
    print("targets met" if ok else "TARGETS NOT MET (efficiency >= 85 %, overhead < 10 %)")
    if args.readme:
        sys.path.insert(0, str(Path(__file__).parent))
        from readme_tables import write_table

        write_table("bench-sweep", "\n".join(rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
