"""The renderer alone: plain picklable data in, a PNG out; figure data checked, not pixels."""

import pickle
import threading
from datetime import date, timedelta
from io import BytesIO

import matplotlib.dates
import matplotlib.image
import numpy as np
import pytest
from matplotlib.colors import to_hex

from bot.chart_data import ChartText, LiftSeries, ProgressChart, Theme, View, WeeklySeries
from bot.charts import DPI, FIGURE_SIZE_IN, LINE_STYLES, PALETTE, build_figure, render_progress_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXPECTED_SHAPE = (round(FIGURE_SIZE_IN[1] * DPI), round(FIGURE_SIZE_IN[0] * DPI))
TEXT = ChartText("Progress", "Estimated 1RM", "Tonnage", "Hard sets", "Goal", "Record", "Best set", "so far", "Other",
                 "in range", "under", "over")
CURRENT = date(2026, 11, 23)
WEEKS = tuple(CURRENT - timedelta(weeks=103 - index) for index in range(104))
MUSCLES = ("Chest", "Back", "Shoulders", "Biceps", "Triceps", "Quads", "Hamstrings", "Glutes", "Calves", "Core")


def two_years_daily(view: View, theme: Theme = Theme.DARK) -> ProgressChart:
    """The worst case: 104 weeks, five lifts logged every day, ten muscles."""
    days = [WEEKS[0] + timedelta(days=offset) for offset in range(7 * 104 - 4)]
    lifts = tuple(
        LiftSeries(name, tuple((day, 60 + 20 * index + 0.05 * offset) for offset, day in enumerate(days)),
                   tuple((day, 60 + 20 * index + 0.05 * offset) for offset, day in enumerate(days) if offset % 30 == 1))
        for index, name in enumerate(("Squat", "Bench press", "Deadlift", "Overhead press", "Row"))
    )
    weekly = tuple(WeeklySeries(name, tuple(float((week + index) % 22) for week in range(104)))
                   for index, name in enumerate(MUSCLES))
    return ProgressChart(view=view, text=TEXT, unit="kg", period=(WEEKS[0], CURRENT + timedelta(weeks=1)),
                         current_week=CURRENT, lifts=lifts, weeks=WEEKS, weekly=weekly, band=(10.0, 20.0),
                         theme=theme)


def panel_title(axes) -> str:
    [title] = [text.get_text() for text in axes.texts if text.get_gid() == "panel-title"]
    return title


def decode(png: bytes) -> np.ndarray:
    assert png.startswith(PNG_SIGNATURE)
    return matplotlib.image.imread(BytesIO(png), format="png")


@pytest.mark.parametrize("view", list(View))
@pytest.mark.parametrize("theme", list(Theme))
def test_every_view_and_theme_renders_two_years_in_a_small_png(view, theme):
    png = render_progress_chart(two_years_daily(view, theme))
    assert decode(png).shape[:2] == EXPECTED_SHAPE
    assert len(png) < 1024 * 1024


def test_chart_data_pickles_so_rendering_can_move_to_a_process_pool():
    chart = two_years_daily(View.E1RM)
    assert pickle.loads(pickle.dumps(chart)) == chart


def test_lines_differ_in_colour_style_and_marker_from_the_okabe_ito_palette():
    """Why: lines on the same values hid each other, and similar colours tangled."""
    [axes] = build_figure(two_years_daily(View.E1RM)).axes
    lines = [line for line in axes.get_lines() if (line.get_gid() or "").startswith("lift:")]
    assert len({to_hex(line.get_color()) for line in lines}) == len(lines)
    assert {to_hex(line.get_color()).upper() for line in lines} <= set(PALETTE)
    # matplotlib reports any custom dash pattern as "--", so the fifth style reads as the second here.
    assert len({str(line.get_linestyle()) for line in lines}) == 4 and len(lines) == len(LINE_STYLES)
    assert len({line.get_marker() for line in lines}) == len(lines)


def test_sets_are_one_panel_per_muscle_not_one_tangle():
    """Why: nine muscle lines tangled, and at 104 weeks the chart was a knot."""
    figure = build_figure(two_years_daily(View.SETS))
    panels = [axes for axes in figure.axes if axes.get_visible()]
    assert [panel_title(axes) for axes in panels] == list(MUSCLES)
    assert all(len(axes.get_lines()) == 0 for axes in panels)


def test_the_current_week_is_drawn_as_partial():
    """Why: the unfinished current week looked like a collapse in weekly sets."""
    figure = build_figure(two_years_daily(View.SETS))
    for axes in (axes for axes in figure.axes if axes.get_visible()):
        [partial] = [patch for patch in axes.patches if patch.get_gid() == "partial"]
        assert partial.get_x() > max(path.vertices[0][0] for path in axes.collections[0].get_paths())
        assert partial.get_alpha() < 1 and partial.get_hatch()


def test_charts_render_in_parallel_threads():
    chart = two_years_daily(View.E1RM)
    results: list[bytes] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(render_progress_chart(chart))
        except BaseException as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 4


def test_the_date_axis_ends_on_the_last_day_shown_with_room_for_the_end_markers():
    # The axis ran from the period's first day exactly to its excluded end (next Monday): the first
    # day's markers were cut in half, and a November chart's corner label read "2026-Dec".
    period = (date(2026, 11, 2), date(2026, 11, 30))
    lift = LiftSeries("Squat", ((period[0], 100.0), (date(2026, 11, 29), 110.0)), ())
    chart = ProgressChart(view=View.E1RM, text=TEXT, unit="kg", period=period, current_week=date(2026, 11, 23),
                          lifts=(lift,), weeks=tuple(period[0] + timedelta(weeks=n) for n in range(4)), weekly=(),
                          band=None, theme=Theme.LIGHT)
    figure = build_figure(chart)
    [axes] = [axes for axes in figure.axes if axes.get_lines()]
    figure.canvas.draw()
    low, high = axes.get_xlim()
    first, last = (matplotlib.dates.date2num(day) for day in (period[0], date(2026, 11, 29)))
    assert low < first and last < high < last + 1
    assert "Dec" not in axes.xaxis.get_major_formatter().get_offset()
