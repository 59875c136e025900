"""Benchmark: Erlang C staffing for a day of 96 quarter-hours × 30 queues (goal: under 50 ms).

    .venv/bin/python benchmarks/erlang_c.py [--intervals 96] [--queues 30] [--repeat 7]

Times `erlang.staffing_table` (the Erlang B recursion over every interval and queue at once, numpy) and
`erlang.staffing` called once per cell, against the textbook formula (powers and factorials, re-summed for every
candidate agent count) on the same inputs in the same run; all three must agree on every agent count. Prints JSON
with median latencies.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qadesk.operations import erlang

AHT, TARGET, LEVEL, INTERVAL = 240.0, 20.0, 0.8, 900.0


def textbook_agents(calls: float) -> int:
    """The fewest agents by the factorial formula (the reference; overflows past ~170 agents)."""
    a = calls * AHT / INTERVAL
    n = math.floor(a) + 1
    while True:
        top = a**n / math.factorial(n) * n / (n - a)
        c = top / (sum(a**k / math.factorial(k) for k in range(n)) + top)
        if 1 - c * math.exp(-(n - a) * TARGET / AHT) >= LEVEL:
            return n
        n += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--intervals", type=int, default=96)
    parser.add_argument("--queues", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    loads = [20 + (q * 7 + i * 13) % 300 for q in range(args.queues) for i in range(args.intervals)]

    def ours() -> list[int]:
        table = erlang.staffing_table(
            loads, interval_seconds=INTERVAL, aht_seconds=AHT, target_seconds=TARGET, target_level=LEVEL
        )
        return [row.agents for row in table]

    def one_by_one() -> list[int]:
        return [
            erlang.staffing(calls=c, interval_seconds=INTERVAL, aht_seconds=AHT, target_seconds=TARGET, target_level=LEVEL).agents
            for c in loads
        ]

    def reference() -> list[int]:
        return [textbook_agents(c) for c in loads]

    timings: dict[str, list[float]] = {name: [] for name in ("erlang_c", "one_by_one", "textbook")}
    for _ in range(args.repeat):
        for name, call in (("erlang_c", ours), ("one_by_one", one_by_one), ("textbook", reference)):
            started = time.perf_counter()
            call()
            timings[name].append(time.perf_counter() - started)
    result = {
        "cells": len(loads),
        "erlang_c_ms": round(statistics.median(timings["erlang_c"]) * 1000, 2),
        "one_by_one_ms": round(statistics.median(timings["one_by_one"]) * 1000, 2),
        "textbook_ms": round(statistics.median(timings["textbook"]) * 1000, 2),
        "agree": ours() == reference() == one_by_one(),
    }
    print(json.dumps(result, indent=2))
    if not result["agree"]:
        sys.exit("the recursion and the textbook formula disagree")


if __name__ == "__main__":
    main()
