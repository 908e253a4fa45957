"""The chart job the app's chart pool runs, without importing matplotlib into the bot's process.

`draw_progress_chart` is picklable (a module-level function over a `bot.chart_data.ProgressChart`
of plain frozen dataclasses), so `bot.app.chart_pool` can run it in a worker process: matplotlib is
imported there, never in the event loop's process, which keeps its memory (~30 MB) and import time
(~0.4 s) out of the bot.
"""

from __future__ import annotations

from bot.chart_data import ProgressChart


def draw_progress_chart(chart: ProgressChart) -> bytes:
    """`bot.charts.render_progress_chart(chart)`: PNG bytes, imported where it runs."""
    from bot.charts import render_progress_chart

    return render_progress_chart(chart)
