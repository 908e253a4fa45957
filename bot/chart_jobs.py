"""What a command needs to ask for a chart, without importing matplotlib into the bot's process.

`draw_progress_chart` is the picklable job the app's chart pool runs (see `bot.app.chart_pool`):
matplotlib is imported in the worker, never in the event loop's process, which keeps its memory
(~30 MB) and import time (~0.4 s) out of the bot.
"""

from __future__ import annotations

from typing import NamedTuple


class ChartText(NamedTuple):
    """Every word drawn on the chart, so that all of it can come from prompts/."""

    e1rm_axis: str
    weekly_sets_axis: str
    target_band: str
    records: str
    no_data: str


def draw_progress_chart(*args: object, **kwargs: object) -> bytes:
    """`bot.charts.render_progress_chart(*args, **kwargs)`, imported where it runs."""
    from bot.charts import render_progress_chart

    return render_progress_chart(*args, **kwargs)  # type: ignore[arg-type]
