"""Regenerate the README's tables from the scenario files and fresh runs (`make readme`).

The benchmark tables are written by the benchmarks themselves (`make bench` passes `--readme`).

Each table sits between `<!-- table:NAME -->` and `<!-- /table:NAME -->` in README.md; the text
between the markers is replaced. `--check` only reports whether the README is up to date.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BASELINES = ("itu-t-study-group", "iso-technical-committee", "3gpp-tsg", "ietf-working-group")
SEEDS = range(1, 11)


def scenarios_table() -> str:
    """Every shipped scenario file with its own description (the file is the one source)."""
    from sdo_sim.scenario import load_scenario

    rows = ["| file | what it is |", "|---|---|"]
    paths = [ROOT / "scenarios" / "baselines" / f"{name}.yaml" for name in BASELINES]
    paths += sorted((ROOT / "scenarios").glob("*.yaml"))
    for path in paths:
        rows.append(f"| `{path.relative_to(ROOT)}` | {load_scenario(path).description} |")
    return "\n".join(rows)


def outcomes_table() -> str:
    """Each baseline over seeds 1-10: proposals, approval rate and range, weeks to decision, blocks."""
    import sdo_sim

    rows = [
        "| baseline | proposals | approval rate | weeks to decision | blocked by a minority |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in BASELINES:
        scenario = sdo_sim.load_scenario(ROOT / "scenarios" / "baselines" / f"{name}.yaml")
        summaries = [sdo_sim.run(scenario, seed=seed).summary.iloc[0] for seed in SEEDS]
        rates = [s["approval_rate"] for s in summaries]
        rows.append(
            f"| `{name}` | {statistics.mean(s['proposals'] for s in summaries):.1f} "
            f"| {statistics.mean(rates):.2f} ({min(rates):.2f}–{max(rates):.2f}) "
            f"| {statistics.median(s['median_weeks_to_decision'] for s in summaries):.0f} "
            f"| {statistics.mean(s['blocked_by_minority'] for s in summaries):.1f} |"
        )
    return "\n".join(rows)


def calibration_table() -> str:
    """The ITU-T baseline scored against its targets in data/targets.csv, seeds 1-10 (`sdo-sim calibrate`)."""
    import math

    from sdo_sim.calibration import score
    from sdo_sim.scenario import load_scenario
    from sdo_sim.targets import PROJECT_TARGETS, read_targets, select

    path = ROOT / "scenarios" / "baselines" / "itu-t-study-group.yaml"
    scenario = load_scenario(path)
    targets, _ = select(read_targets(PROJECT_TARGETS), scenario, path)
    scores = score(scenario, targets, SEEDS)
    rows = ["| target | metric | mean | band (source's value) | seeds in band | pass |",
            "|---|---|---:|---:|---:|---|"]  # fmt: skip
    for row in scores.itertuples():
        metric = row.metric + (f" ({row.params})" if row.params else "")
        band = f"{row.low:.3g}–{row.high:.3g} ({row.value:.3g})"
        if not row.computed:
            rows.append(f"| `{row.target}` | {metric} | n/a | {band} | n/a | n/a |")
            continue
        mean = f"{row.mean:.3g}" if not math.isnan(row.mean) else "n/a"
        verdict = "pass" if row.passed else "FAIL"
        share = f"{row.in_band:.0%} of {row.seeds}"
        rows.append(f"| `{row.target}` | {metric} | {mean} | {band} | {share} | {verdict} |")
    return "\n".join(rows)


CASE_SEEDS = 50


def cases_table() -> str:
    """Every historical case's patterns over seeds 1-50, as `make cases` prints them (docs/cases.md)."""
    from sdo_sim.cases import run_cases

    table = run_cases(seeds=CASE_SEEDS, workers=2)
    rows = ["| case | pattern | share of seeds (or mean) | target | pass |", "|---|---|---:|---|---|"]
    for row in table.itertuples():
        measured = f"{row.measured:.0%}" if row.kind == "share" else f"mean {row.measured:.3f}"
        verdict = "yes" if row.passed else "**no**"
        rows.append(f"| `{row.case}` | {row.pattern} | {measured} | {row.target} | {verdict} |")
    return "\n".join(rows)


TABLES: dict[str, Callable[[], str]] = {
    "scenarios": scenarios_table,
    "baseline-outcomes": outcomes_table,
    "itu-t-calibration": calibration_table,
    "cases": cases_table,
}


def regenerate(text: str, names: list[str]) -> str:
    """The README text with the named tables replaced by freshly computed ones."""
    for name in names:
        pattern = re.compile(rf"(<!-- table:{name} -->\n).*?(\n<!-- /table:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no markers for table {name!r}")
        table = TABLES[name]()
        text = pattern.sub(lambda m, table=table: m.group(1) + table + m.group(2), text)
    return text


def write_table(name: str, table: str) -> None:
    """Put a table a benchmark measured between its markers in README.md (`--readme`)."""
    pattern = re.compile(rf"(<!-- table:{name} -->\n).*?(\n<!-- /table:{name} -->)", re.S)
    text = README.read_text(encoding="utf-8")
    if not pattern.search(text):
        raise SystemExit(f"README.md has no markers for table {name!r}")
    README.write_text(pattern.sub(lambda m: m.group(1) + table + m.group(2), text), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="Exit 1 if the README is out of date.")
    parser.add_argument("tables", nargs="*", default=list(TABLES), help=f"Tables: {', '.join(TABLES)}.")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    new = regenerate(text, args.tables)
    if args.check:
        print("README tables up to date" if new == text else "README tables OUT OF DATE")
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    print(f"regenerated: {', '.join(args.tables)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
