"""Time rendering the worst case /progress allows: 104 weeks, five lifts logged daily, ten muscles.

Run: python bench/bench_charts.py [runs]. Target: under 1 s per chart.
"""

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.chart_data import ChartText, LiftSeries, ProgressChart, View, WeeklySeries  # noqa: E402
from bot.charts import render_progress_chart  # noqa: E402
from bot.coach.vocabulary import Muscle  # noqa: E402

LIFTS = ("squat", "bench press", "deadlift", "overhead press", "barbell row")
CURRENT = date(2026, 11, 23)
WEEKS = tuple(CURRENT - timedelta(weeks=103 - index) for index in range(104))
TEXT = ChartText("Progress", "Estimated 1RM", "Tonnage", "Hard sets per week", "Goal", "Record", "Best set", "so far",
                 "Other", "in range", "under", "over")


def worst_case(view: View) -> ProgressChart:
    days = [WEEKS[0] + timedelta(days=offset) for offset in range(7 * 104 - 4)]
    lifts = tuple(
        LiftSeries(name, tuple((day, 60 + 20 * index + 0.05 * offset) for offset, day in enumerate(days)),
                   tuple((day, 60 + 20 * index + 0.05 * offset) for offset, day in enumerate(days)
                         if offset % 30 == 1))
        for index, name in enumerate(LIFTS)
    )
    weekly = tuple(WeeklySeries(muscle.value, tuple(float((week + index) % 22) for week in range(104)))
                   for index, muscle in enumerate(Muscle))
    return ProgressChart(view=view, text=TEXT, unit="kg", period=(WEEKS[0], CURRENT + timedelta(weeks=1)),
                         current_week=CURRENT, lifts=lifts, weeks=WEEKS, weekly=weekly, band=(10.0, 20.0))


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for view in View:
        chart = worst_case(view)
        # The first render loads fonts; time it apart from the steady state.
        started = time.perf_counter()
        png = render_progress_chart(chart)
        first_ms = (time.perf_counter() - started) * 1000
        timings_ms = []
        for _ in range(runs):
            started = time.perf_counter()
            render_progress_chart(chart)
            timings_ms.append((time.perf_counter() - started) * 1000)
        print(f"{view.value}: first render {first_ms:.0f} ms; PNG {len(png) / 1024:.0f} KiB; "
              f"{runs} runs: min {min(timings_ms):.0f} ms, median {statistics.median(timings_ms):.0f} ms")


if __name__ == "__main__":
    main()
