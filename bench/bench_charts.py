"""Time rendering a year of daily logs: 365 points x 5 lifts, 52 weeks x 10 muscles.

Run: python bench/bench_charts.py [runs]. Target: under 1 s per chart.
"""

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.charts import ChartText, render_progress_chart  # noqa: E402
from bot.coach.vocabulary import Muscle  # noqa: E402

LIFTS = ("squat", "bench press", "deadlift", "overhead press", "barbell row")
START = date(2025, 1, 6)
TEXT = ChartText("Estimated 1RM", "Hard sets per week", "Target", "Record", "No data yet")


def year_of_logs() -> tuple[dict, dict, list]:
    days = [START + timedelta(days=offset) for offset in range(365)]
    lifts = {
        name: [(day, 60 + 20 * index + 0.05 * offset) for offset, day in enumerate(days)]
        for index, name in enumerate(LIFTS)
    }
    records = {name: points[::30] for name, points in lifts.items()}
    weekly_sets = [
        (
            START + timedelta(weeks=week),
            {muscle.value: (week + index) % 22 for index, muscle in enumerate(Muscle)},
        )
        for week in range(52)
    ]
    return lifts, records, weekly_sets


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    lifts, records, weekly_sets = year_of_logs()
    # The first render loads fonts; time it apart from the steady state.
    started = time.perf_counter()
    png = render_progress_chart(lifts, records, weekly_sets, (10, 20), "kg", "Progress", TEXT)
    first_ms = (time.perf_counter() - started) * 1000
    timings_ms = []
    for _ in range(runs):
        started = time.perf_counter()
        render_progress_chart(lifts, records, weekly_sets, (10, 20), "kg", "Progress", TEXT)
        timings_ms.append((time.perf_counter() - started) * 1000)
    print(f"first render: {first_ms:.0f} ms; PNG size: {len(png) / 1024:.0f} KiB")
    median_ms = statistics.median(timings_ms)
    print(f"{runs} runs: min {min(timings_ms):.0f} ms, median {median_ms:.0f} ms")


if __name__ == "__main__":
    main()
