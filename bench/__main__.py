"""`python -m bench [--quick] [--json] [--only NAME ...]`: every benchmark, each beside its baseline and target.

Benchmarks: latency (commands through the real client and the fake Discord), reminders (fan-out),
memory (resident set after READY), storage (logging throughput, size; query plans are a test),
imports (/import of a large export), charts (drawing one worst-case /progress chart per view).
PostgreSQL runs too when LIFTCOACH_TEST_POSTGRES_URL is set (see tests/databases.py).
Exits 0 whatever the figures: they are reported, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

from bench import charts, imports, latency, memory, reminders, storage
from bench.report import Figure, table

BENCHMARKS = {"latency": latency.run, "reminders": reminders.run, "memory": memory.run, "storage": storage.run,
              "imports": imports.run, "charts": charts.run}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", "--smoke", action="store_true", help="small sizes: checks that everything runs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown (docs/performance.md)")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these benchmarks")
    return parser


async def run_all(names: list[str], quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    for name in names:
        started = time.perf_counter()
        figures += await BENCHMARKS[name](quick)
        print(f"[bench] {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = args.only or list(BENCHMARKS)
    figures = asyncio.run(run_all(names, args.quick))
    if args.json:
        print(json.dumps({"cores": os.cpu_count(), "load": os.getloadavg(), "quick": args.quick,
                          "figures": [figure.as_json() for figure in figures]}, indent=2))
    else:
        print(f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(table(figures, markdown=args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
