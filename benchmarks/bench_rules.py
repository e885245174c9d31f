"""Rulebook speed: decisions per second through the counts-level API, the ballot API and `sdo-sim tally`.

Run with `make bench` (or `python benchmarks/bench_rules.py [--quick]`); figures go into the README.
Floors: ≥ 500,000 counts-level and ≥ 20,000 ballot-level decisions per second for ~200-voter ballots.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sdo_sim.rules import iso, itu_t, tally, threegpp

COUNTS_FLOOR = 500_000
BALLOT_FLOOR = 20_000


def rate(call: Callable[[], Any], seconds: float) -> float:
    """Calls per second: the median of five timed batches."""
    batch = 1
    while True:  # size a batch to about a fifth of the budget
        start = time.perf_counter()
        for _ in range(batch):
            call()
        elapsed = time.perf_counter() - start
        if elapsed > seconds / 25:
            break
        batch *= 2
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(batch):
            call()
        rates.append(batch / (time.perf_counter() - start))
    return statistics.median(rates)


def itu_meeting(rng: random.Random) -> dict[str, Any]:
    """An AAP meeting: 193 Member States present, one opposing."""
    votes = [{"voter": f"MS{i:03d}", "class": "member-state", "position": "yes"} for i in range(193)]
    for i in rng.sample(range(193), 20):
        votes[i]["position"] = "abstain"
    votes[rng.randrange(193)]["position"] = "no"
    return {"procedure": "itu-t.aap.meeting", "votes": votes}


def iso_dis(rng: random.Random) -> dict[str, Any]:
    """A DIS ballot: 165 national bodies, 40 of them P-members of the committee."""
    votes = []
    for i in range(165):
        cls = "P" if i < 40 else rng.choice(["O", "other"])
        votes.append(
            {"voter": f"NB{i:03d}", "class": cls, "position": rng.choice(["yes"] * 6 + ["no", "abstain"])}
        )
    return {"procedure": "iso.dis", "votes": votes}


def gpp_vote(rng: random.Random) -> dict[str, Any]:
    """A 3GPP TSG vote of 700 Individual Members."""
    votes = [{"voter": f"IM{i:03d}", "position": rng.choice(["yes"] * 3 + ["no"])} for i in range(700)]
    return {"procedure": "3gpp.vote", "votes": votes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter timings (a smoke run)")
    parser.add_argument("--readme", action="store_true", help="write the tables into README.md")
    args = parser.parse_args()
    rows = ["| ballot | counts-level decisions/s | ballot-level decisions/s |", "|---|---:|---:|"]
    budget = 0.5 if args.quick else 3.0
    rng = random.Random(20261125)
    ballots = {"ITU-T AAP meeting, 193 MS": itu_meeting(rng), "ISO DIS, 165 NBs": iso_dis(rng),
               "3GPP vote, 700 IMs": gpp_vote(rng)}  # fmt: skip
    counts_calls = {
        "ITU-T AAP meeting, 193 MS": lambda: itu_t.aap_meeting(1, 172, 0),
        "ISO DIS, 165 NBs": lambda: iso.dis_vote(30, 5, 120, 20),
        "3GPP vote, 700 IMs": lambda: threegpp.tsg_vote(525, 175),
    }
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    print(f"{'ballot':28} {'counts-level/s':>15} {'ballot-level/s':>15}")
    ok = True
    for name, ballot in ballots.items():
        counts_rate = rate(counts_calls[name], budget)
        ballot_rate = rate(lambda b=ballot: tally(b), budget)
        print(f"{name:28} {counts_rate:>15,.0f} {ballot_rate:>15,.0f}")
        rows.append(f"| {name} | {counts_rate:,.0f} | {ballot_rate:,.0f} |")
        ok &= counts_rate >= COUNTS_FLOOR
        if len(ballot.get("votes", [])) <= 200:
            ok &= ballot_rate >= BALLOT_FLOOR

    # The whole command on a 10,000-ballot list (process start and JSON parsing included).
    mix = [itu_meeting(rng), iso_dis(rng), gpp_vote(rng)]
    ten_thousand = [mix[i % 2] for i in range(10_000)]  # the ~200-voter ITU-T and ISO ballots
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(ten_thousand, handle)
    try:
        times = []
        for _ in range(1 if args.quick else 3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sdo_sim.cli", "tally", handle.name],
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
            times.append(time.perf_counter() - start)
    finally:
        os.unlink(handle.name)
    best = statistics.median(times)
    print(f"sdo-sim tally, 10,000 ballots of 165-193 voters: {best:.2f} s ({10_000 / best:,.0f} ballots/s)")
    print("floors met" if ok else "FLOORS NOT MET")
    if args.readme:
        from readme_tables import write_table

        write_table("bench-rules", "\n".join(rows))
        what = "`sdo-sim tally` on a list of 10,000 ballots of 165–193 voters"
        included = "process start, JSON parsing and output included"
        tally_line = f"{what} ({included}): {best:.2f} s, {10_000 / best:,.0f} ballots/s."
        write_table("bench-tally", tally_line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
