"""Model speed: each baseline's full horizon, median of several runs in one process on one core.

Run with `make bench` (or `python benchmarks/bench_model.py [--runs N]`); figures go into the README.
Target: every baseline's full horizon in under 0.5 s (median).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sdo_sim.model import SDOModel
from sdo_sim.results import collect
from sdo_sim.run_summary import summary_row
from sdo_sim.scenario import load_scenario

TARGET_SECONDS = 0.5
BASELINES = Path(__file__).resolve().parents[1] / "scenarios" / "baselines"


def compiled_seconds(path: Path, runs: int) -> str:
    """The summary-only median with the compiled kernels (the path a sweep's workers take), measured in
    a fresh process so that numba's import leaves the numpy figures of this one untouched."""
    code = (
        "import statistics, sys, time\n"
        "from sdo_sim.model import SDOModel\nfrom sdo_sim.positions import use_compiled\n"
        "from sdo_sim.run_summary import summary_row\nfrom sdo_sim.scenario import load_scenario\n"
        "if use_compiled() != 'numba': print('(numba not installed)'); sys.exit()\n"
        "scenario, times = load_scenario(sys.argv[1]), []\n"
        "for seed in range(1, int(sys.argv[2]) + 1):\n"
        "    start = time.perf_counter(); model = SDOModel(scenario, seed=seed); model.run()\n"
        "    summary_row(model, {'scenario': scenario.name, 'seed': seed, 'weeks': scenario.weeks})\n"
        "    times.append(time.perf_counter() - start)\n"
        "print(f'{statistics.median(times):.3f}')\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path), str(runs)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs per baseline (median reported)")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    rows = ["| baseline | weeks | actors | median s | median s, summary only | summary only, compiled "
            "kernels | decisions/s | actor-positions/s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"median of {args.runs} runs, seeds 1..{args.runs}")  # fmt: skip
    print(
        f"{'baseline':28} {'weeks':>5} {'actors':>6} {'median s':>9} {'decisions/s':>12} {'positions/s':>12}"
    )
    ok = True
    for path in sorted(BASELINES.glob("*.yaml")):
        scenario = load_scenario(path)
        times, decisions, positions, alone = [], [], [], []
        for seed in range(1, args.runs + 1):
            manifest = {"scenario": scenario.name, "seed": seed, "weeks": scenario.weeks}
            start = time.perf_counter()
            model = SDOModel(scenario, seed=seed)
            model.run()
            collect(model, manifest)
            times.append(time.perf_counter() - start)
            decisions.append(len(model.decision_rows))
            positions.append(model.positions_computed)
            start = time.perf_counter()  # the path a sweep takes: the summary row without the tables
            model = SDOModel(scenario, seed=seed)
            model.run()
            summary_row(model, manifest)
            alone.append(time.perf_counter() - start)
        fast = compiled_seconds(path, args.runs)
        median = statistics.median(times)
        total = sum(times)
        print(f"{path.stem:28} {scenario.weeks:>5} {len(model.actor_list):>6} {median:>9.3f} "
              f"{sum(decisions) / total:>12,.0f} {sum(positions) / total:>12,.0f}")  # fmt: skip
        rows.append(f"| `{path.stem}` | {scenario.weeks} | {len(model.actor_list)} | {median:.3f} "
                    f"| {statistics.median(alone):.3f} | {fast} "
                    f"| {sum(decisions) / total:,.0f} | {sum(positions) / total:,.0f} |")  # fmt: skip
        ok &= median < TARGET_SECONDS
    print("target met" if ok else "TARGET NOT MET")
    if args.readme:
        from readme_tables import write_table

        write_table("bench-model", "\n".join(rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
