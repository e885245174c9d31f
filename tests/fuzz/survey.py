"""Run the fuzz mutations without stopping at the first failure; print counts and distinct failure classes.

Usage: `.venv/bin/python -m tests.fuzz.survey --examples 1000 [--seed 0] [--jobs 2] [--save DIR]`,
or `--sweep scenarios|ballots|all` for every node shape with every odd value once (about 40,000 mutations).
Half the mutations are of scenarios, half of ballots; each failure class is shown with one
reproducing mutation (file, node, action, value), and `--save` writes that mutation's files.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from tests.fuzz import mutations as m


def _batch(
    seed: int, start: int, stop: int, kind: str
) -> tuple[Counter[str], dict[str, dict[str, Any]], float]:
    """Mutations number start..stop-1 of the seeded sequence (or the sweep): counts, classes, seconds."""
    folder = m.WORK / f"survey-{os.getpid()}"
    classes: dict[str, dict[str, Any]] = {}
    m.COUNTS.clear()
    began = time.perf_counter()
    for number in range(start, stop):
        mutation = replay(seed, number, kind)
        report = m.execute(mutation, folder, debug_site=True)
        for result, found in report.failures:
            key = m.failure_class(result, found, folder)
            if key not in classes:
                classes[key] = {
                    "count": 0,
                    "number": number,
                    "example": mutation.describe(),
                    "value": mutation.value_text(),
                    "command": " ".join(_short(a.replace(str(folder), "<work>")) for a in result.args),
                    "exit": result.code,
                    "stderr": (result.stderr.splitlines() or [""])[0].replace(str(folder), "<work>")[:240],
                }
            classes[key]["count"] += 1
    shutil.rmtree(folder, ignore_errors=True)
    return Counter(m.COUNTS), classes, time.perf_counter() - began


def _short(arg: str, limit: int = 60) -> str:
    """An argument as a shell would take it, cut to `limit` characters."""
    text = arg if len(arg) <= limit else arg[: limit - 3] + "..."
    return repr(text) if any(c in text for c in " '\"[]{}*;") or not text.isprintable() else text


@functools.cache
def swept(kind: str) -> list[m.Mutation]:
    """The sweep's mutations of scenarios, ballots or both."""
    return [
        *(m.sweep(m.SCENARIOS) if kind in ("scenarios", "all") else []),
        *(m.sweep(m.BALLOTS) if kind in ("ballots", "all") else []),
    ]


def replay(seed: int, number: int, kind: str = "") -> m.Mutation:
    """Mutation `number` of the seeded sequence, or of the sweep of `kind` (to reproduce a class)."""
    if kind:
        return swept(kind)[number]
    rng = random.Random(f"{seed}:{number}")
    return m.draw_mutation(rng, m.SCENARIOS if number % 2 else m.BALLOTS)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the mutations in batches over worker processes, print the summary."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.survey", description=__doc__)
    parser.add_argument("--examples", type=int, default=1000, help="number of mutations (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the mutation sequence")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument(
        "--sweep",
        choices=("scenarios", "ballots", "all"),
        help="instead of random draws: every node shape with every odd value, once (ignores --examples)",
    )
    parser.add_argument("--save", type=Path, help="write each class's reproducing files into this folder")
    parser.add_argument("--json", type=Path, help="also write counts and classes as JSON here")
    args = parser.parse_args(argv)

    kind = args.sweep or ""
    total = len(swept(kind)) if kind else args.examples
    size = 25
    batches = [(args.seed, i, min(i + size, total), kind) for i in range(0, total, size)]
    counts: Counter[str] = Counter()
    classes: dict[str, dict[str, Any]] = {}
    busy = 0.0
    began = time.perf_counter()
    try:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for batch_counts, batch_classes, seconds in pool.map(_batch, *zip(*batches, strict=True)):
                counts.update(batch_counts)
                busy += seconds
                for key, entry in batch_classes.items():
                    if key in classes:
                        classes[key]["count"] += entry["count"]
                        if entry["number"] < classes[key]["number"]:
                            classes[key] = {**entry, "count": classes[key]["count"]}
                    else:
                        classes[key] = entry
    except BrokenProcessPool:
        print("a worker process died (a hang in C code ends it after the watchdog's limit)", file=sys.stderr)
        return 1
    wall = time.perf_counter() - began

    label = f"the sweep of {kind}" if kind else f"seed {args.seed}"
    print(f"{total} mutations ({label}) in {wall:.0f} s wall, {busy:.0f} s of work:")
    print(f"  {100 * busy / max(total, 1):.1f} s of work per 100 mutations")
    for name in ("mutations", "commands", "exit 0", "exit 2", "exit 1", "timeouts", "commands with a problem",
                 "runs skipped (too big or not valid)"):  # fmt: skip
        print(f"  {name:<38} {counts[name]:>7}")
    for name in sorted(set(counts) - {"mutations", "commands", "exit 0", "exit 2", "exit 1", "timeouts"}):
        if name.startswith("exit "):
            print(f"  {name:<38} {counts[name]:>7}")
    print(f"\n{len(classes)} distinct failure classes:")
    for index, (key, entry) in enumerate(sorted(classes.items(), key=lambda kv: -kv[1]["count"]), start=1):
        print(f"\n[{index}] {key}  (x{entry['count']})")
        print(f"    mutation #{entry['number']}: {entry['example']}")
        if entry["value"]:
            print(f"    value text: {entry['value']}")
        print(f"    $ sdo-sim {entry['command']}  -> exit {entry['exit']}")
        print(f"    {entry['stderr']}")
        if args.save:
            folder = args.save / f"class-{index:02d}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            m.materialise(replay(args.seed, entry["number"], kind), folder)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"counts": counts, "classes": classes}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
