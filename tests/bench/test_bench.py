"""`python -m bench --quick --json` runs every benchmark end to end: correctness only, never timings.

Checks that each benchmark reports its figures beside a baseline where it has one, and the
figures that are counts rather than times: one REST call per reminder, no duplicate DMs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_python_m_bench_quick_reports_every_benchmark() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json"], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert finished.returncode == 0, finished.stderr[-4000:]
    report = json.loads(finished.stdout)
    figures = {(figure["benchmark"], figure["name"]): figure for figure in report["figures"]}
    benchmarks = {benchmark.split("/")[0] for benchmark, _ in figures}
    assert benchmarks == {"latency", "reminders", "memory", "storage", "imports", "charts"}
    by_name = {name: figure for (_, name), figure in figures.items()}
    assert by_name["REST calls per reminder"]["value"] == 1
    assert by_name["duplicate or missing DMs"]["value"] == 0
    latency = [figure for (benchmark, _), figure in figures.items() if benchmark == "latency/sqlite"]
    assert any("/noop" in figure["baseline_name"] for figure in latency)
    for figure in report["figures"]:
        if figure["baseline"] is not None:
            assert figure["ratio"] is not None, figure
