"""Progress charts as PNG bytes, from plain data.

`render_progress_chart(chart)` is a pure function of one `bot.chart_data.ProgressChart` (frozen
dataclasses of dates, floats and strings, so it pickles): the app's chart pool runs it in a worker
process through `bot.chart_jobs.draw_progress_chart`, so the bot's own process never imports this
module. `build_figure` gives the matplotlib `Figure` itself, which tests inspect instead of pixels.

Built on `Figure` + `FigureCanvasAgg` rather than pyplot: no global figure registry, so charts
render the same in a worker process or a thread (CHART_WORKERS=0).

Look: Discord's own surfaces (dark #2b2d31, light #ffffff) with its text colours, so the picture
sits in either theme like part of the client. Colours are the Okabe–Ito colour-blind-safe palette
(Okabe & Ito 2008, "Color Universal Design"), each series also with its own line style and marker,
so nothing depends on telling hues apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from bot.chart_data import LiftSeries, ProgressChart, Theme, View

FIGURE_SIZE_IN = (9, 5.5)
DPI = 100
# A break in a lift's line: sessions further apart than this are not joined (a gap is not a trend).
GAP = timedelta(days=14)
DAY_MARGIN = 0.6  # days of axis beyond the first and last day shown, so their markers are whole

# Okabe–Ito without black (invisible on dark) and yellow (invisible on white): five hues.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00")
# Weekly sets against the goal's range: Okabe–Ito bluish green, orange and blue.
IN_BAND, UNDER_BAND, OVER_BAND = "#009E73", "#E69F00", "#0072B2"
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v")


@dataclass(frozen=True)
class _Colours:
    background: str
    text: str
    muted: str
    grid: str
    band: str
    partial: str


# Discord's colours: background-secondary, text-normal, text-muted, a divider, and neutral greys.
_THEMES = {
    Theme.DARK: _Colours("#2b2d31", "#dbdee1", "#949ba4", "#3f4147", "#949ba4", "#80848e"),
    Theme.LIGHT: _Colours("#ffffff", "#313338", "#5c5e66", "#e3e5e8", "#80848e", "#80848e"),
}


def render_progress_chart(chart: ProgressChart) -> bytes:
    """A 900x550 PNG of `chart`."""
    figure = build_figure(chart)
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=figure.get_facecolor())
    return buffer.getvalue()


def build_figure(chart: ProgressChart) -> Figure:
    colours = _THEMES[chart.theme]
    figure = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI, layout="constrained", facecolor=colours.background)
    FigureCanvasAgg(figure)
    figure.suptitle(chart.text.title, color=colours.text, fontsize="large", fontweight="bold", x=0.01, ha="left")
    if chart.view is View.E1RM:
        axes = figure.subplots()
        _draw_e1rm(axes, chart, colours)
        all_axes = [axes]
    elif chart.view is View.VOLUME:
        axes = figure.subplots()
        _draw_volume(axes, chart, colours)
        all_axes = [axes]
    else:
        all_axes = _draw_sets(figure, chart, colours)
    start, end = (date2num(day) for day in chart.period)
    for axes in all_axes:
        _style(axes, colours)
        # From the first day to the last one shown (the period's end is excluded), with room on each
        # side: markers on the first day were cut in half, and an axis ending on the next Monday
        # labelled a November chart "2026-Dec".
        axes.set_xlim(start - DAY_MARGIN, end - 1 + DAY_MARGIN)
    return figure


# -- views -------------------------------------------------------------------------------------


def _draw_e1rm(axes: Axes, chart: ProgressChart, colours: _Colours) -> None:
    _shade_partial_week(axes, chart, colours)
    for index, lift in enumerate(chart.lifts):
        colour, style, marker = _series_style(index)
        days, values = _with_gaps(lift.sessions)
        axes.plot(days, values, label=lift.name, color=colour, linestyle=style, linewidth=2,
                  marker=marker, markersize=4.5 if len(lift.sessions) <= 60 else 0, gid=f"lift:{lift.name}")
        # The latest value at the line's end: the number a lifter looks for first.
        last_day, last_value = lift.sessions[-1]
        axes.annotate(f"{last_value:g}", xy=(date2num(last_day), last_value), xytext=(5, 0),
                      textcoords="offset points", va="center", fontsize="small", color=colour, fontweight="bold")
        if lift.records:
            record_days, record_values = zip(*lift.records, strict=True)
            axes.scatter(record_days, record_values, marker="*", s=140, color=colour, zorder=3,
                         edgecolors=colours.background, linewidths=0.8, gid=f"records:{lift.name}")
    if len(chart.lifts) == 1 and chart.lifts[0].best_sets:
        _draw_best_sets(axes, chart.lifts[0], chart.text.best_set, colours)
    if any(lift.records for lift in chart.lifts):
        axes.scatter([], [], marker="*", s=140, color=colours.muted, label=chart.text.records)
    axes.set_ylabel(f"{chart.text.e1rm_axis} ({chart.unit})")
    _legend(axes, colours)


def _draw_best_sets(axes: Axes, lift: LiftSeries, label: str, colours: _Colours) -> None:
    """For one lift: the load of each session's best set under its e1RM, the last one labelled
    "117.5 × 5", so the chart shows what was on the bar as well as what it estimates."""
    days, loads = _with_gaps(tuple((day, load) for day, load, _ in lift.best_sets))
    axes.plot(days, loads, label=label, color=PALETTE[1], linestyle="--", linewidth=1.2, marker="s",
              markersize=3 if len(lift.best_sets) <= 60 else 0, gid=f"best-sets:{lift.name}")
    day, load, reps = lift.best_sets[-1]
    axes.annotate(f"{load:g} × {reps}", xy=(date2num(day), load), xytext=(5, 0), textcoords="offset points",
                  va="center", fontsize="small", color=PALETTE[1], fontweight="bold")


def _draw_volume(axes: Axes, chart: ProgressChart, colours: _Colours) -> None:
    bottoms = [0.0] * len(chart.weeks)
    for index, series in enumerate(chart.weekly):
        colour = colours.partial if series.name == chart.text.other else _series_style(index)[0]
        _week_bars(axes, chart, series.values, bottoms, [colour] * len(chart.weeks), f"volume:{series.name}",
                   colours, label=series.name)
        bottoms = [low + value for low, value in zip(bottoms, series.values, strict=True)]
    axes.set_ylabel(f"{chart.text.volume_axis} ({chart.unit})")
    axes.set_ylim(0, max(bottoms, default=0) * 1.08 or 1)
    axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    _partial_label(axes, chart, colours)
    _legend(axes, colours)


def _draw_sets(figure: Figure, chart: ProgressChart, colours: _Colours) -> list[Axes]:
    panels = list(chart.weekly)
    # One row up to five muscles, else two or three rows of at most five: panels stay wide enough.
    columns = len(panels) if len(panels) <= 5 else min(5, math.ceil(len(panels) / 2))
    rows = math.ceil(len(panels) / columns)
    # Fixed margins instead of constrained layout: with ten panels, layout costs seconds.
    figure.set_layout_engine(None)
    figure.subplots_adjust(left=0.07, right=0.99, top=0.87, bottom=0.15, hspace=0.45, wspace=0.1)
    grid = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
    top = max([*(max(series.values, default=0) for series in panels), chart.band[1] if chart.band else 0]) * 1.15
    used = []
    for index, axes in enumerate(grid.flat):
        if index >= len(panels):
            axes.set_visible(False)
            continue
        series = panels[index]
        if chart.band:
            axes.axhspan(*chart.band, color=colours.band, alpha=0.22, linewidth=0, gid="band")
        bar_colours = [_band_colour(value, chart.band) for value in series.values]
        _week_bars(axes, chart, series.values, [0.0] * len(series.values), bar_colours, f"sets:{series.name}",
                   colours)
        # A plain text, not set_title: title placement measures every tick label and costs ~80 ms a panel.
        axes.text(0, 1.04, series.name, transform=axes.transAxes, color=colours.text, fontsize="medium",
                  va="bottom", gid="panel-title")
        axes.set_ylim(0, max(top, 1))
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        used.append(axes)
    figure.supylabel(chart.text.sets_axis, color=colours.muted, fontsize="small", x=0.004)
    if chart.band:
        # One legend for all panels: what the shaded band, the bar colours and the faded bar mean.
        handles = [Patch(color=colours.band, alpha=0.22, label=chart.text.band),
                   Patch(color=IN_BAND, label=chart.text.in_band),
                   Patch(color=UNDER_BAND, label=chart.text.under_band),
                   Patch(color=OVER_BAND, label=chart.text.over_band),
                   Patch(facecolor=colours.partial, hatch="///", label=chart.text.partial_week)]
        legend = figure.legend(handles=handles, loc="lower center", ncols=5, frameon=False, fontsize="small")
        for text in legend.get_texts():
            text.set_color(colours.text)
    return used


def _week_bars(axes: Axes, chart: ProgressChart, heights, bottoms, bar_colours: list[str], gid: str,
               colours: _Colours, *, label: str | None = None) -> None:
    """One bar per week: the finished weeks as one collection (a thousand Rectangles would take
    seconds), the unfinished current week as its own faded, hatched bar with gid "partial"."""
    finished = len(chart.weeks) - 1
    boxes = []
    for week, height, bottom in zip(chart.weeks[:finished], heights, bottoms, strict=False):
        left = date2num(week) + 0.5
        boxes.append([(left, bottom), (left, bottom + height), (left + 6, bottom + height), (left + 6, bottom)])
    axes.add_collection(PolyCollection(boxes, facecolors=bar_colours[:finished], edgecolors=colours.background,
                                       linewidths=0.5, gid=gid, label=label),
                        autolim=False)
    current = Rectangle((date2num(chart.weeks[-1]) + 0.5, bottoms[-1]), 6, heights[-1], facecolor=bar_colours[-1],
                        alpha=0.45, hatch="///", edgecolor=colours.partial, linewidth=0.5, gid="partial")
    axes.add_patch(current)


# -- helpers -----------------------------------------------------------------------------------


def _band_colour(value: float, band: tuple[float, float] | None) -> str:
    if band is None or band[0] <= value <= band[1]:
        return IN_BAND
    return UNDER_BAND if value < band[0] else OVER_BAND


def _series_style(index: int) -> tuple[str, object, str]:
    return PALETTE[index % len(PALETTE)], LINE_STYLES[index % len(LINE_STYLES)], MARKERS[index % len(MARKERS)]


def _with_gaps(points: tuple[tuple[date, float], ...]) -> tuple[list[date], list[float]]:
    """The points with a NaN between sessions more than GAP apart, so the line breaks there."""
    days: list[date] = []
    values: list[float] = []
    for day, value in points:
        if days and day - days[-1] > GAP:
            days.append(days[-1] + (day - days[-1]) / 2)
            values.append(math.nan)
        days.append(day)
        values.append(value)
    return days, values


def _shade_partial_week(axes: Axes, chart: ProgressChart, colours: _Colours) -> None:
    start = date2num(chart.current_week)
    axes.axvspan(start, start + 7, color=colours.grid, alpha=0.5, linewidth=0, gid="partial")
    _partial_label(axes, chart, colours)


def _partial_label(axes: Axes, chart: ProgressChart, colours: _Colours) -> None:
    axes.annotate(chart.text.partial_week, xy=(date2num(chart.current_week) + 3.5, 1), xycoords=("data", "axes fraction"),
                  xytext=(0, -4), textcoords="offset points", ha="center", va="top", fontsize="x-small",
                  color=colours.muted)


def _legend(axes: Axes, colours: _Colours) -> None:
    if not axes.get_legend_handles_labels()[0]:
        return
    legend = axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=5, frameon=False, fontsize="small",
                         borderaxespad=0.2)
    for text in legend.get_texts():
        text.set_color(colours.text)


def _style(axes: Axes, colours: _Colours) -> None:
    axes.set_facecolor(colours.background)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(colours.grid)
    axes.tick_params(colors=colours.muted, labelsize="small")
    axes.yaxis.label.set_color(colours.muted)
    axes.grid(axis="y", color=colours.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    locator = AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
