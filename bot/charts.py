"""Progress charts as PNG bytes.

Built on `Figure` + `FigureCanvasAgg` rather than pyplot: no global figure registry, so
charts render the same in a worker process (the app's chart pool) or a thread (CHART_WORKERS=0).
"""

from collections.abc import Mapping, Sequence
from datetime import date
from io import BytesIO

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from bot.chart_jobs import ChartText

FIGURE_SIZE_IN = (9, 7)
DPI = 100

_DOTTED_SERIES_LIMIT = 60
_RECORD_STYLE = {"marker": "*", "s": 90, "edgecolors": "black", "linewidths": 0.5, "zorder": 3}


def render_progress_chart(
    lifts: Mapping[str, Sequence[tuple[date, float]]],
    records: Mapping[str, Sequence[tuple[date, float]]],
    weekly_sets: Sequence[tuple[date, Mapping[str, float]]],
    target_band: tuple[float, float],
    unit_label: str,
    title: str,
    text: ChartText,
    period: tuple[date, date] | None = None,
) -> bytes:
    """A 900x700 PNG: estimated 1RM per lift with records starred (top), and weekly hard
    sets per muscle group against the goal's target band (bottom).

    A panel with nothing to draw shows `text.no_data` instead; with no data at all, the
    message fills the whole chart. `period` fixes the date axis to the window asked for, so a
    few sessions are not stretched over years by autoscaling.
    """
    figure = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title)
    drawn_lifts = {name: points for name, points in lifts.items() if points}
    if not drawn_lifts and not any(sets for _, sets in weekly_sets):
        _show_no_data(figure.subplots(), text.no_data)
    else:
        e1rm_axes, sets_axes = figure.subplots(2, 1, height_ratios=(3, 2))
        _draw_e1rm(e1rm_axes, drawn_lifts, records, f"{text.e1rm_axis} ({unit_label})", text)
        _draw_weekly_sets(sets_axes, weekly_sets, target_band, text)
        if period is not None:
            for axes in (e1rm_axes, sets_axes):
                if axes.axison:
                    axes.set_xlim(*period)

    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _draw_e1rm(
    axes: Axes,
    lifts: Mapping[str, Sequence[tuple[date, float]]],
    records: Mapping[str, Sequence[tuple[date, float]]],
    y_label: str,
    text: ChartText,
) -> None:
    if not lifts:
        _show_no_data(axes, text.no_data)
        return
    for index, (name, points) in enumerate(lifts.items()):
        color = _color(index)
        days, values = zip(*sorted(points), strict=True)
        # Dots keep a lone session visible; on long series they would only thicken the line.
        marker = "." if len(days) <= _DOTTED_SERIES_LIMIT else None
        axes.plot(days, values, label=name, color=color, linewidth=1.6, marker=marker)
        if records.get(name):
            record_days, record_values = zip(*records[name], strict=True)
            axes.scatter(record_days, record_values, color=color, **_RECORD_STYLE)
    if any(records.get(name) for name in lifts):
        # One neutral legend entry stands for the records of every lift.
        axes.scatter([], [], color="0.6", label=text.records, **_RECORD_STYLE)
    axes.set_ylabel(y_label)
    axes.grid(alpha=0.3)
    _format_dates(axes)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)


def _draw_weekly_sets(
    axes: Axes,
    weekly_sets: Sequence[tuple[date, Mapping[str, float]]],
    target_band: tuple[float, float],
    text: ChartText,
) -> None:
    weeks = sorted(weekly_sets, key=lambda week: week[0])
    muscles = list(dict.fromkeys(muscle for _, sets in weeks for muscle in sets))
    if not muscles:
        _show_no_data(axes, text.no_data)
        return
    low, high = target_band
    axes.axhspan(low, high, color="tab:green", alpha=0.15, label=text.target_band)
    week_starts = [start for start, _ in weeks]
    for index, muscle in enumerate(muscles):
        # A week in which a muscle was not trained is zero sets, not a gap.
        counts = [sets.get(muscle, 0) for _, sets in weeks]
        axes.plot(week_starts, counts, label=muscle, color=_color(index), marker=".", linewidth=1.2)
    axes.set_ylabel(text.weekly_sets_axis)
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    _format_dates(axes)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)


def _color(index: int) -> str:
    """Matplotlib's default ten-colour cycle; lifts and muscles past ten reuse colours."""
    return f"C{index % 10}"


def _format_dates(axes: Axes) -> None:
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _show_no_data(axes: Axes, message: str) -> None:
    axes.set_axis_off()
    axes.text(
        0.5, 0.5, message, ha="center", va="center", fontsize="large", transform=axes.transAxes
    )
