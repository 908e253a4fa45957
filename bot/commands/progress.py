"""/progress: a chart a lifter opens weekly, with a one-line summary per lift and alt text.

The handler turns the log into plain `bot.chart_data.ProgressChart` data; the PNG is drawn later,
outside the command's transaction, by `bot.chart_jobs.draw_progress_chart` in the app's chart pool
(a worker process, so the bot never imports matplotlib), after the Discord adapter has deferred.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from pydantic import Field

from bot.chart_data import ChartText, LiftSeries, ProgressChart, Theme, View, WeeklySeries
from bot.chart_jobs import draw_progress_chart
from bot.coach.adherence import week_start
from bot.coach.catalogue import Kind, Measure
from bot.coach.onerm import estimate_1rm, is_reliable
from bot.coach.units import format_load, from_kg
from bot.coach.vocabulary import Muscle
from bot.commands.base import Command, Context
from bot.commands.formatting import lifted, number, span
from bot.commands.options import Options
from bot.commands.planning import hard_sets_by_muscle, local_date, plan_request
from bot.commands.training import complete_exercise, exercise_names, find_exercise
from bot.prompts import LOCALE
from bot.replies import Attachment, Reply
from bot.store.training_log import LogEntry

# Four lines stay readable, each with its own colour, line style and marker.
MAIN_LIFTS = 4
# Discord's limit on an attachment's description (the alt text).
ALT_TEXT_LIMIT = 1024


class ProgressOptions(Options):
    exercise: str | None = Field(default=None, min_length=1, max_length=100)
    # None: e1RM, or volume when no set gives an e1RM (a plan of 12-15 reps logs none).
    view: View | None = None
    weeks: int = Field(default=12, ge=1, le=104)
    theme: Theme = Theme.DARK


DayOf = Callable[[datetime], date]


def local_days(zone: ZoneInfo) -> DayOf:
    """`local_date` in `zone`, remembered per moment: the views ask for each entry's day several times."""
    return functools.cache(lambda moment: local_date(moment, zone))


@dataclass(frozen=True)
class BestSet:
    day: date
    e1rm_kg: float
    weight_kg: float
    reps: int


def best_sets(entries: list[LogEntry], day_of: DayOf) -> list[BestSet]:
    """Per local training day, the set with the best estimated 1RM (Epley; sets of at most 10 reps,
    where estimates are reliable: Reynolds et al. 2006), oldest day first."""
    best: dict[date, BestSet] = {}
    for entry in entries:
        if entry.weight_kg <= 0 or not is_reliable(entry.reps):
            continue
        day = day_of(entry.logged_at)
        candidate = BestSet(day, estimate_1rm(entry.weight_kg, entry.reps), entry.weight_kg, entry.reps)
        if day not in best or candidate.e1rm_kg > best[day].e1rm_kg:
            best[day] = candidate
    return [best[day] for day in sorted(best)]


def records(sessions: list[BestSet]) -> list[BestSet]:
    """Sessions whose estimate beats every earlier session's; the first session is no record."""
    marked, running = [], None
    for session in sessions:
        if running is not None and session.e1rm_kg > running + 1e-9:
            marked.append(session)
        running = session.e1rm_kg if running is None else max(running, session.e1rm_kg)
    return marked


async def plan_core_lifts(ctx: Context) -> list[str]:
    """Keys of the core (multi-joint) lifts in the user's rotation, in plan order (empty without a goal)."""
    if ctx.profile.goal is None:
        return []
    request = await plan_request(ctx, 0)
    keys = [
        planned.exercise.key
        for session in ctx.app.planner.week(request)
        for planned in session.exercises
        if planned.exercise.kind is Kind.COMPOUND and planned.exercise.loadable
    ]
    return list(dict.fromkeys(keys))


def counts_reps(exercises: dict, key: str) -> bool:
    """Whether the exercise is counted in reps with a load that is the whole load (a hold counts
    seconds, a carry metres; a weighted bodyweight lift logs only the added load and an assisted
    one the assistance, the body mass unknown: no 1RM, no tonnage); the user's own exercises count."""
    return key not in exercises or (exercises[key].measure is Measure.REPS
                                    and (exercises[key].has_1rm or not exercises[key].loadable))


async def main_lifts(ctx: Context, entries: list[LogEntry], day_of: DayOf) -> list[str]:
    """The lifts to chart, at most MAIN_LIFTS: the plan's core lifts the user trained, in the plan's
    order (the planner lists the main lifts first); then other multi-joint lifts, then the rest,
    each by number of sessions (not log rows)."""
    exercises = {exercise.key: exercise for exercise in ctx.app.catalogue}
    days: dict[str, set[date]] = defaultdict(set)
    for entry in entries:
        if entry.weight_kg > 0 and counts_reps(exercises, entry.exercise):
            days[entry.exercise].add(day_of(entry.logged_at))
    core = await plan_core_lifts(ctx)

    def rank(key: str) -> tuple:
        compound = key in exercises and exercises[key].kind is Kind.COMPOUND
        return (key not in core, core.index(key) if key in core else 0, not compound, -len(days[key]), key)

    return sorted(days, key=rank)[:MAIN_LIFTS]


@dataclass(frozen=True)
class Drawn:
    """What one view draws and says: the chart's series and the reply's summary lines."""

    summary: list[str]
    lifts: tuple[LiftSeries, ...] = ()
    weekly: tuple[WeeklySeries, ...] = ()
    band: tuple[float, float] | None = None


@dataclass(frozen=True)
class Log:
    """The log as the views need it: everything of the chosen lifts (records look back), the
    entries inside the window, and the weeks on the axis."""

    history: list[LogEntry]
    window: list[LogEntry]
    day_of: DayOf
    weeks: tuple[date, ...]
    names: dict[str, str]
    only: str | None


def _weeks(first: date, current: date) -> tuple[date, ...]:
    count = (current - first).days // 7 + 1
    return tuple(first + timedelta(weeks=index) for index in range(count))


async def progress(ctx: Context, options: ProgressOptions) -> Reply:
    zone = ZoneInfo(ctx.profile.timezone)
    today = local_date(ctx.now, zone)
    day_of = local_days(zone)
    current_week = week_start(today)
    window_start = current_week - timedelta(weeks=options.weeks - 1)
    only = (await find_exercise(ctx, options.exercise)).key if options.exercise else None
    history = await ctx.app.log.entries(ctx.caller.user_id, exercise=only)
    window = [entry for entry in history
              if window_start <= day_of(entry.logged_at) <= today and entry.logged_at <= ctx.now]
    if not window:
        key = "progress.empty_window" if history else "progress.empty_exercise" if only else "progress.empty"
        return Reply(title=ctx.text("progress.title"), ephemeral=True,
                     body=ctx.text(key, weeks=ctx.plural("count.weeks", options.weeks),
                                   exercise=(await exercise_names(ctx)).get(only or "", "")))

    # The axis starts at the first week with data, so two weeks of log are not lost in twelve.
    first_week = week_start(min(day_of(entry.logged_at) for entry in window))
    weeks = _weeks(first_week, current_week)
    names = await exercise_names(ctx)
    log = Log(history, window, day_of, weeks, names, only)
    view = options.view or View.E1RM
    drawn = await VIEWS[view](ctx, log)
    notes = []
    if drawn is None and options.view is None:
        view = View.VOLUME
        drawn = await VIEWS[view](ctx, log)
        notes.append(ctx.text("progress.volume_instead"))
    if drawn is None:
        return Reply(title=ctx.text("progress.title"), body=ctx.text(f"progress.empty_{view.value}"),
                     ephemeral=True)
    shown_weeks = ctx.plural("count.weeks", len(weeks))
    text = ChartText(
        title=ctx.text(f"progress.chart_title.{view.value}", weeks=shown_weeks),
        e1rm_axis=ctx.text("progress.axis_e1rm"),
        volume_axis=ctx.text("progress.axis_volume"),
        sets_axis=ctx.text("progress.axis_sets"),
        band=ctx.text("progress.band", band=span(*drawn.band)) if drawn.band else "",
        records=ctx.text("progress.records"),
        best_set=ctx.text("progress.best_set_series"),
        partial_week=ctx.text("progress.partial_week"),
        other=ctx.text("progress.other"),
        in_band=ctx.text("progress.in_band"),
        under_band=ctx.text("progress.under_band"),
        over_band=ctx.text("progress.over_band"),
    )
    chart = ProgressChart(
        view=view, text=text, unit=ctx.profile.units.value,
        period=(first_week, current_week + timedelta(weeks=1)), current_week=current_week,
        lifts=drawn.lifts, weeks=weeks, weekly=drawn.weekly, band=drawn.band, theme=options.theme,
    )
    alt_text = ctx.text(f"progress.alt.{view.value}", start=first_week.strftime("%d %b %Y"),
                        end=today.strftime("%d %b %Y"), summary="; ".join(drawn.summary))
    return Reply(
        title=ctx.text("progress.title"),
        body="\n".join([*notes, *drawn.summary]),
        attachments=(
            Attachment(filename="progress.png", render=partial(draw_progress_chart, chart),
                       description=alt_text[:ALT_TEXT_LIMIT]),
        ),
    )


# -- views: each returns what it draws, or None when it has nothing to draw ----------------------


async def _e1rm_view(ctx: Context, log: Log) -> Drawn | None:
    unit = ctx.profile.units
    keys = [log.only] if log.only else await main_lifts(ctx, log.window, log.day_of)
    exercises = {exercise.key: exercise for exercise in ctx.app.catalogue}
    start = log.weeks[0]
    lifts, summary = [], []
    for key in keys:
        if not counts_reps(exercises, key):
            continue  # a hold or a carry has no one-rep max
        sessions = best_sets([entry for entry in log.history if entry.exercise == key], log.day_of)
        shown = [session for session in sessions if session.day >= start]
        if not shown:
            continue
        marked = [session for session in records(sessions) if session.day >= start]
        name = log.names.get(key, key)
        lifts.append(LiftSeries(
            name=name,
            sessions=tuple((s.day, round(from_kg(s.e1rm_kg, unit), 1)) for s in shown),
            records=tuple((s.day, round(from_kg(s.e1rm_kg, unit), 1)) for s in marked),
            best_sets=tuple((s.day, lifted(s.weight_kg, unit), s.reps) for s in shown),
        ))
        summary.append(_lift_line(ctx, name, shown, len(marked)))
    return Drawn(summary, lifts=tuple(lifts)) if lifts else None


def _lift_line(ctx: Context, name: str, sessions: list[BestSet], record_count: int) -> str:
    unit = ctx.profile.units
    first, last = sessions[0], sessions[-1]
    best = ctx.text("progress.best_set", load=format_load(lifted(last.weight_kg, unit), unit),
                    reps=last.reps)
    if len(sessions) == 1:
        line = ctx.text("progress.lift_one", exercise=name,
                        e1rm=format_load(round(from_kg(last.e1rm_kg, unit)), unit), best=best)
    else:
        weeks = max(1, round((last.day - first.day).days / 7))
        line = ctx.text("progress.lift_line", exercise=name, first=number(round(from_kg(first.e1rm_kg, unit))),
                        last=format_load(round(from_kg(last.e1rm_kg, unit)), unit),
                        weeks=ctx.plural("count.weeks", weeks), best=best)
    if record_count:
        line += ctx.text("progress.record_count", records=ctx.plural("count.records", record_count))
    return line


def _week_index(weeks: tuple[date, ...], day: date) -> int:
    return (week_start(day) - weeks[0]).days // 7


async def _volume_view(ctx: Context, log: Log) -> Drawn | None:
    unit, weeks, names = ctx.profile.units, log.weeks, log.names
    keys = [log.only] if log.only else await main_lifts(ctx, log.window, log.day_of)
    other = ctx.text("progress.other")
    totals: dict[str, list[float]] = {names.get(key, key): [0.0] * len(weeks) for key in keys}
    exercises = {exercise.key: exercise for exercise in ctx.app.catalogue}
    for entry in log.window:
        if not counts_reps(exercises, entry.exercise):
            continue  # load x seconds or metres is no tonnage
        name = names.get(entry.exercise, entry.exercise) if entry.exercise in keys else other
        tonnage = from_kg(entry.weight_kg, unit) * entry.reps * entry.sets
        if tonnage:
            week = _week_index(weeks, log.day_of(entry.logged_at))
            totals.setdefault(name, [0.0] * len(weeks))[week] += tonnage
    weekly = tuple(WeeklySeries(name, tuple(round(value) for value in values))
                   for name, values in totals.items() if any(values))
    if not weekly:
        return None
    per_week = [sum(series.values[index] for series in weekly) for index in range(len(weeks))]
    so_far, full = per_week[-1], per_week[:-1]

    def amount(value: float) -> str:
        return f"{format_decimal(round(value), locale=LOCALE)} {unit.value}"

    if full:
        summary = [ctx.text("progress.volume_line", last=amount(full[-1]), average=amount(sum(full) / len(full)),
                            weeks=ctx.plural("count.full_weeks", len(full)), so_far=amount(so_far))]
    else:
        summary = [ctx.text("progress.volume_first_week", so_far=amount(so_far))]
    return Drawn(summary, weekly=weekly)


async def _sets_view(ctx: Context, log: Log) -> Drawn | None:
    exercises = {exercise.key: exercise for exercise in ctx.app.catalogue}
    by_week: list[dict] = [defaultdict(float) for _ in log.weeks]
    min_rpe = ctx.app.loading.volume.hard_set_min_rpe
    for entry in log.window:
        for muscle, sets in hard_sets_by_muscle([entry], exercises, min_rpe).items():
            by_week[_week_index(log.weeks, log.day_of(entry.logged_at))][muscle] += sets
    trained = [muscle for muscle in Muscle if any(week.get(muscle) for week in by_week)]
    if not trained:
        return None
    weekly = tuple(WeeklySeries(ctx.text(f"muscles.{muscle.value}"), tuple(week.get(muscle, 0.0) for week in by_week))
                   for muscle in trained)
    band = None
    if ctx.profile.goal is not None:
        rules = ctx.app.rules.level(ctx.profile.goal, ctx.profile.experience).weekly_sets_per_muscle
        band = (float(rules.low), float(rules.high))
    return Drawn([_sets_line(ctx, weekly, band, len(log.weeks))], weekly=weekly, band=band)


def _sets_line(ctx: Context, weekly: tuple[WeeklySeries, ...], band: tuple[float, float] | None,
               week_count: int) -> str:
    """About the last full week (the current one is unfinished), or this week when it is the only one."""
    index = -2 if week_count > 1 else -1
    which = ctx.text("progress.last_week" if week_count > 1 else "progress.this_week")
    if band is None:
        counts = ", ".join(f"{series.name} {number(series.values[index])}" for series in weekly)
        return ctx.text("progress.sets_line", week=which, counts=counts)
    low, high = band
    under = [series for series in weekly if series.values[index] < low]
    over = [series for series in weekly if series.values[index] > high]
    inside = len(weekly) - len(under) - len(over)
    line = ctx.text("progress.sets_band_line", week=which, inside=inside,
                    muscles=ctx.plural("count.muscles", len(weekly)), band=span(low, high))
    if under:
        line += ctx.text("progress.sets_under", counts=", ".join(f"{s.name} {number(s.values[index])}" for s in under))
    if over:
        line += ctx.text("progress.sets_over", counts=", ".join(f"{s.name} {number(s.values[index])}" for s in over))
    return line


VIEWS = {View.E1RM: _e1rm_view, View.VOLUME: _volume_view, View.SETS: _sets_view}

COMMANDS = (Command("progress", ProgressOptions, progress, completers={"exercise": complete_exercise}),)
ACTIONS: dict = {}
