"""How long one /progress chart takes to draw in the worst case /progress allows: 104 weeks, five
lifts logged daily, ten muscles, for each view (e1RM, volume, sets).

Part of `python -m bench` (`--only charts`). Calls the renderer directly (as the chart pool's
worker does), so the figure is drawing alone; the first render, which loads fonts, is timed apart
from the steady state. Target: under 1 s per chart, so a chart burst clears well inside Discord's
15-minute follow-up window and a lone chart comes back within a second or two of its deferral.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from bench.report import Figure
from bot.chart_data import ChartText, LiftSeries, ProgressChart, View, WeeklySeries
from bot.coach.vocabulary import Muscle

LIFTS = ("squat", "bench press", "deadlift", "overhead press", "barbell row")
CURRENT = date(2026, 11, 23)
TEXT = ChartText("Progress", "Estimated 1RM", "Tonnage", "Hard sets per week", "Goal", "Record", "Best set", "so far",
                 "Other", "in range", "under", "over")
TARGET_MS = 1000.0


def worst_case(view: View, weeks: int) -> ProgressChart:
    """`weeks` of daily sessions of every lift and weekly sets of every muscle, as /progress would send them."""
    axis = tuple(CURRENT - timedelta(weeks=weeks - 1 - index) for index in range(weeks))
    days = [axis[0] + timedelta(days=offset) for offset in range(7 * weeks - 4)]
    lifts = tuple(
        LiftSeries(name, tuple((day, 60 + 20 * index + 0.05 * offset) for offset, day in enumerate(days)),
                   tuple((day, 60 + 20 * index + 0.05 * offset) for offset, day in enumerate(days)
                         if offset % 30 == 1))
        for index, name in enumerate(LIFTS)
    )
    weekly = tuple(WeeklySeries(muscle.value, tuple(float((week + index) % 22) for week in range(weeks)))
                   for index, muscle in enumerate(Muscle))
    return ProgressChart(view=view, text=TEXT, unit="kg", period=(axis[0], CURRENT + timedelta(weeks=1)),
                         current_week=CURRENT, lifts=lifts, weeks=axis, weekly=weekly, band=(10.0, 20.0))


async def run(quick: bool) -> list[Figure]:
    from bot.charts import render_progress_chart  # matplotlib: only this benchmark needs it

    weeks, runs = (12, 2) if quick else (104, 10)
    figures = []
    for view in View:
        chart = worst_case(view, weeks)
        started = time.perf_counter()
        png = render_progress_chart(chart)
        first_ms = (time.perf_counter() - started) * 1000
        timings_ms = []
        for _ in range(runs):
            started = time.perf_counter()
            render_progress_chart(chart)
            timings_ms.append((time.perf_counter() - started) * 1000)
        median_ms = statistics.median(timings_ms)
        figures.append(Figure("charts", f"{view.value} chart, {weeks} weeks: first render (loads fonts)", first_ms, "ms"))
        figures.append(Figure("charts", f"{view.value} chart, {weeks} weeks: median of {runs} "
                              f"(PNG {len(png) / 1024:.0f} KiB)", median_ms, "ms",
                              target=f"< {TARGET_MS:.0f}", met=median_ms < TARGET_MS))
    return figures
