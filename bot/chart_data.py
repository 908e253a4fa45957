"""What a progress chart shows, as plain picklable data (no matplotlib here: importing this is cheap).

Loads are in the user's unit; dates are local calendar days; weeks start on Monday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class View(StrEnum):
    """What /progress draws: estimated 1RM per session, tonnage (load x reps x sets) per week,
    or hard sets per muscle per week against the goal's range."""

    E1RM = "e1rm"
    VOLUME = "volume"
    SETS = "sets"


class Theme(StrEnum):
    """Discord's dark or light theme, so the picture looks native in the client."""

    DARK = "dark"
    LIGHT = "light"


@dataclass(frozen=True)
class ChartText:
    """Every word drawn on the chart, so that all of it can come from prompts/."""

    title: str
    e1rm_axis: str
    volume_axis: str
    sets_axis: str
    band: str
    records: str
    best_set: str
    partial_week: str
    other: str
    in_band: str
    under_band: str
    over_band: str


@dataclass(frozen=True)
class LiftSeries:
    """One lift: its best estimated 1RM per session (date, load in the chart's unit), oldest first;
    the sessions whose estimate beat every earlier one; and the set behind each session's estimate
    (date, load, reps)."""

    name: str
    sessions: tuple[tuple[date, float], ...]
    records: tuple[tuple[date, float], ...] = ()
    best_sets: tuple[tuple[date, float, int], ...] = ()


@dataclass(frozen=True)
class WeeklySeries:
    """A value per week (aligned with `ProgressChart.weeks`): tonnage of one lift, or hard sets of
    one muscle."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class ProgressChart:
    """Everything one chart shows. `period` is the date axis [start, end); `weeks` are the Mondays
    of the weekly views, the last one being `current_week` (unfinished, drawn as partial)."""

    view: View
    text: ChartText
    unit: str
    period: tuple[date, date]
    current_week: date
    lifts: tuple[LiftSeries, ...] = ()
    weeks: tuple[date, ...] = ()
    weekly: tuple[WeeklySeries, ...] = ()
    band: tuple[float, float] | None = None
    theme: Theme = Theme.DARK
