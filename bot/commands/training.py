"""/log, /undo and /1rm, plus the log buttons on /today."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field

from bot.coach.adherence import week_start
from bot.coach.catalogue import Exercise, normalise
from bot.coach.dates import DateError, past_date
from bot.coach.onerm import ACCURATE_REP_LIMIT, Formula, estimate_1rm, is_reliable, load_table, rpe_load_table
from bot.coach.planner import CONSTRAINED_MUSCLES, PlannedExercise, Session
from bot.coach.progression import Progression
from bot.coach.units import UNIT_WORD, format_load, from_kg, round_load, to_kg, unit_named
from bot.coach.vocabulary import Unit
from bot.commands.base import Command, Context, Interaction, count_argument
from bot.commands.formatting import duration, lifted, number, span
from bot.commands.options import Options
from bot.commands.planning import (
    current_session_start,
    load_text,
    local_date,
    muscle_sets,
    planned_session,
    session_start,
    todays_plan,
    todays_step,
)
from bot.commands.safety import Pain, ask_about_pain, pain_word, report_pain
from bot.errors import UserError
from bot.imports.parser import EARLIEST_DAY
from bot.replies import Button, Form, Reply, Section, TextInput, Tone
from bot.store.custom_exercises import CUSTOM_PREFIX, CustomExercise
from bot.store.training_log import LogEntry, NewEntry

# The heaviest load accepted (500 kg, just under the deadlift record). The load options declare
# no upper bound: Discord's `max_value` is one number for every user, so 1100 (the limit in
# pounds) told a kg user the wrong limit; `check_load` names it in the user's unit instead.
MAX_LOAD_KG = 500.0
# Below this, /1rm's tables round to zero at plate increments.
MIN_ONE_RM_LOAD = 5
MAX_NOTE_LENGTH = 200
# Sets of one exercise in one /log, or in one log form.
MAX_SETS = 20
GENERIC_BARBELL_INCREMENT_KG = 2.5


class LogOptions(Options):
    exercise: str = Field(min_length=1, max_length=100)
    weight: float = Field(ge=0)
    reps: int = Field(ge=1, le=100)
    sets: int = Field(default=1, ge=1, le=MAX_SETS)
    rpe: float | None = Field(default=None, ge=1, le=10)
    note: str | None = Field(default=None, min_length=1, max_length=MAX_NOTE_LENGTH)
    custom: bool = False
    # A past day in the user's time zone (`2026-11-20`, `yesterday`, `tuesday`); default today.
    date: str | None = Field(default=None, min_length=1, max_length=20)
    pain: Pain | None = None


class OneRepMaxOptions(Options):
    weight: float = Field(ge=MIN_ONE_RM_LOAD)
    reps: int = Field(ge=1, le=30)
    formula: Formula = Formula.EPLEY


class UndoOptions(Options):
    pass


async def find_exercise(ctx: Context, text: str) -> Exercise | CustomExercise:
    """A catalogue exercise, or one of the user's own; else a "did you mean" error."""
    if not normalise(text):
        raise UserError("errors.exercise_no_letters", exercise=text)
    exercise = ctx.app.catalogue.find(text)
    if exercise is not None:
        return exercise
    wanted = normalise(text)
    for custom in await ctx.app.custom_exercises.all(ctx.caller.user_id):
        if normalise(custom.name) == wanted:
            return custom
    suggestions = ctx.app.catalogue.suggest(text)
    if suggestions:
        raise UserError("errors.unknown_exercise_suggest", exercise=text,
                        suggestions=", ".join(f"`{s.name}`" for s in suggestions))
    raise UserError("errors.unknown_exercise", exercise=text)


async def exercise_names(ctx: Context) -> dict[str, str]:
    """Key -> display name for the catalogue and this user's own exercises."""
    names = {exercise.key: exercise.name for exercise in ctx.app.catalogue}
    names.update({custom.key: custom.name for custom in await ctx.app.custom_exercises.all(ctx.caller.user_id)})
    return names


def show_load(ctx: Context, kg: float, increment_kg: float = GENERIC_BARBELL_INCREMENT_KG) -> str:
    unit = ctx.profile.units
    return format_load(round_load(kg, unit, increment_kg), unit)


def show_exact(ctx: Context, kg: float) -> str:
    """A stored load shown back as the user typed it (no plate rounding; `formatting.lifted`)."""
    unit = ctx.profile.units
    return format_load(lifted(kg, unit), unit)


def show_estimate(ctx: Context, kg: float) -> str:
    """An estimated 1RM to 0.1 in the user's unit (rounded after converting, so 30 lb × 15 reads 45 lb)."""
    unit = ctx.profile.units
    return format_load(round(from_kg(kg, unit), 1), unit)


def show_kind(ctx: Context, exercise: Exercise | None, kg: float) -> str:
    """A stored weight as typed, in the words of the exercise's kind ("+10 kg", "−20 kg assistance")."""
    unit = ctx.profile.units
    typed = lifted(kg, unit)
    return load_text(ctx, exercise, exercise.as_load(typed) if exercise else typed, unit)


def check_load(ctx: Context, weight: float) -> float:
    """`weight` in the user's unit as kg; raises UserError (naming the limit in that unit) above 500 kg."""
    weight_kg = to_kg(round(weight, 2), ctx.profile.units)
    if weight_kg > MAX_LOAD_KG + 1e-9:
        raise UserError("errors.too_heavy", limit=format_load(round(from_kg(MAX_LOAD_KG, ctx.profile.units)), ctx.profile.units))
    return weight_kg


def week_start_utc(ctx: Context) -> datetime:
    """Monday 00:00 of this week in the user's time zone, as a UTC instant."""
    zone = ZoneInfo(ctx.profile.timezone)
    monday = week_start(local_date(ctx.now, zone))
    return datetime.combine(monday, time(), zone).astimezone(UTC)


def weekly_volume_lines(ctx: Context, exercise: Exercise | CustomExercise, week_sets: dict[str, int]) -> list[str]:
    """This week's sets of the muscles `exercise` trains, from sets per exercise key this week, against
    the goal's weekly range for the muscles the plan budgets (`CONSTRAINED_MUSCLES`)."""
    # The catalogue's own key map: a dict of every exercise built per /log was nearly half this CPU.
    totals = muscle_sets(week_sets, ctx.app.catalogue.by_key)
    target = None
    if ctx.profile.goal is not None:
        band = ctx.app.rules.level(ctx.profile.goal, ctx.profile.experience).weekly_sets_per_muscle
        target = span(band.low, band.high)
    if not exercise.primary:
        # A custom lift trains muscles Liftcoach does not know, so it counts toward none.
        return [ctx.text("log.week_untracked")]
    lines = []
    for muscle in exercise.primary:
        done = number(totals.get(muscle, 0))
        # Only the major groups have a weekly budget in the plan; arms, calves and core are counted, not targeted.
        if target and muscle in CONSTRAINED_MUSCLES:
            lines.append(ctx.text("log.week_line_target", muscle=muscle.value, done=done, target=target))
        else:
            lines.append(ctx.text("log.week_line", muscle=muscle.value, done=done))
    return lines


def logged(
    key: str, weight_kg: float, unit: Unit, reps: int, sets: int, planned: PlannedExercise | None,
    prescribed_kg: float | None = None, **details: object
) -> NewEntry:
    """A log entry that remembers what /today prescribed for it, which progression compares against:
    the rep range and sets of `planned`, and its load `prescribed_kg` (stored like `weight_kg`)."""
    return NewEntry(
        exercise=key, weight_kg=weight_kg, entered_unit=unit, reps=reps, sets=sets,
        target_low=planned.reps_low if planned else None, target_high=planned.reps_high if planned else None,
        prescribed_sets=planned.sets if planned else None, prescribed_kg=prescribed_kg if planned else None,
        **details,
    )


def prescribed_kg(load: float | None, unit: Unit) -> float | None:
    """A prescribed load (user's unit; negative for assistance) as a set at it is stored: the value
    the lifter types, in kg, so a set typed at the prescription matches it exactly."""
    return None if load is None else to_kg(round(abs(load), 2), unit)


def records_broken(best_by_reps: dict[int, float], weight_kg: float, reps: int, *, assisted: bool = False,
                   has_1rm: bool = True) -> list[str]:
    """Keys of the records this set beats: heaviest load (for an assisted lift: least assistance),
    best estimated 1RM (only where a logged load gives one), most reps at a load (or less assistance).

    `best_by_reps`: reps -> the heaviest load logged before for that many reps (for an assisted
    lift the lightest: `LoggedSet.lightest_by_reps`); an estimated 1RM grows with the load at a
    given rep count, so these loads hold every earlier record.
    """
    if not best_by_reps:
        return []
    if assisted:
        broken = []
        if weight_kg < min(best_by_reps.values()):
            broken.append("log.record_least_assistance")
        at_assistance = [count for count, load in best_by_reps.items() if load <= weight_kg]
        if at_assistance and reps > max(at_assistance):
            broken.append("log.record_reps")
        return broken
    broken = []
    if weight_kg > max(best_by_reps.values()):
        broken.append("log.record_heaviest")
    if weight_kg > 0 and has_1rm and is_reliable(reps):
        # Sets over 10 reps claim no e1RM record but set the bar: 30 kg × 10 after 30 kg × 15 is none.
        best = max((estimate_1rm(load, count) for count, load in best_by_reps.items() if load > 0), default=0.0)
        if estimate_1rm(weight_kg, reps) > best:
            broken.append("log.record_e1rm")
    at_load = [count for count, load in best_by_reps.items() if load >= weight_kg]
    if at_load and reps > max(at_load):
        broken.append("log.record_reps")
    return broken


def logged_at(ctx: Context, text: str | None) -> datetime:
    """When a /log happened: now, or the same time of day on a past local date (backfill)."""
    if text is None:
        return ctx.now
    zone = ZoneInfo(ctx.profile.timezone)
    local_now = ctx.now.astimezone(zone)
    try:
        day = past_date(text, local_now.date())
    except DateError as error:
        raise UserError("errors.future_date" if error.future else "errors.date", date=text) from None
    if day < EARLIEST_DAY:
        raise UserError("errors.early_date", date=text, earliest=EARLIEST_DAY.isoformat())
    if day == local_now.date():
        return ctx.now
    return datetime.combine(day, local_now.time().replace(tzinfo=None), zone).astimezone(UTC)


async def log_set(ctx: Context, options: LogOptions) -> Reply:
    weight_kg = check_load(ctx, options.weight)
    when = logged_at(ctx, options.date)
    try:
        exercise = await find_exercise(ctx, options.exercise)
    except UserError as error:
        if not options.custom or error.key == "errors.exercise_no_letters":
            raise
        exercise = await ctx.app.custom_exercises.add(ctx.caller.user_id, options.exercise, ctx.now)
    kind = exercise if isinstance(exercise, Exercise) else None
    assisted = kind is not None and kind.assisted
    target, deload, session, progression = None, False, None, None
    if ctx.profile.goal is not None and when == ctx.now:
        # Only today's set answers today's prescription (and its deload); a backfilled one answers nothing.
        session, progression = await todays_step(ctx, exercise.key)
        target = next((p for p in session.exercises if p.exercise.key == exercise.key), None)
        if target is not None:
            deload = is_deload_set(progression, target.exercise.as_load(options.weight))
            if progression is not None and progression.reps_high is not None and progression.load is not None \
                    and abs(target.exercise.as_load(options.weight) - progression.load) < 1e-6:
                # A set at today's load answers today's rep target: the reps built before a big jump.
                target = replace(target, reps_high=progression.reps_high)
    stored = await ctx.app.log.log_set(
        ctx.caller.user_id,
        logged(exercise.key, weight_kg, ctx.profile.units, options.reps, options.sets, target,
               prescribed_kg(progression.load if progression else None, ctx.profile.units),
               rpe=options.rpe, note=options.note, deload=deload,
               pain=options.pain.value if options.pain not in (None, Pain.NONE) else None),
        when,
        week_start=week_start_utc(ctx),
        hard_set_min_rpe=ctx.app.loading.volume.hard_set_min_rpe,
    )
    entry = stored.entry
    lines = [ctx.text("log.stored", sets=entry.sets, reps=entry.reps, load=show_kind(ctx, kind, weight_kg),
                      exercise=exercise.name)]
    if when != ctx.now:
        lines.append(ctx.text("log.backfilled", day=local_date(when, ZoneInfo(ctx.profile.timezone)).strftime(
            "%a %d %b %Y")))
    if options.rpe is not None:
        lines.append(ctx.text("log.rpe", rpe=number(options.rpe)))
    if options.note:
        lines.append(ctx.text("log.note", note=options.note))
    if weight_kg > 0 and (kind is None or kind.has_1rm):
        e1rm = estimate_1rm(weight_kg, options.reps)
        key = "log.e1rm" if is_reliable(options.reps) else "log.e1rm_rough"
        lines.append(ctx.text(key, e1rm=show_estimate(ctx, e1rm), limit=ACCURATE_REP_LIMIT))
    if deload:
        lines.append(ctx.text("log.deload_recorded"))
    # Sharp pain stops the exercise for today: no rest before a next set, no records to celebrate.
    sharp = options.pain is Pain.SHARP
    if target is not None and not sharp:
        lines.append(rest_line(ctx, target))
    if session is not None:
        # A set logged now is in this week, so the week's latest sets tell the day's logged exercises.
        since = session_start(ctx, stored.last_completed)
        lines.extend(await close_day_if_done(ctx, session, since, stored.logged_since(since), source="logged"))
    best_by_reps = stored.lightest_by_reps if assisted else stored.heaviest_by_reps
    records = records_broken(best_by_reps, weight_kg, options.reps, assisted=assisted,
                             has_1rm=kind is None or kind.has_1rm)
    sections = []
    buttons: tuple[Button, ...] = ()
    tone = Tone.SUCCESS
    pain_section = await report_pain(ctx, exercise, exercise.key, exercise.name, options.pain or Pain.NONE)
    word = pain_word(ctx, options.note) if options.pain is None else None
    if pain_section is not None:
        sections.append(pain_section)
        tone = Tone.WARNING
    elif word is not None:
        # A pain word in the note is never ignored: ask, and act on the answer.
        question, buttons = ask_about_pain(ctx, entry.log_id, word, exercise.name)
        sections.append(question)
    if records and not sharp:
        sections.append(Section(name=ctx.text("log.records_title"), value="\n".join(ctx.text(k) for k in records)))
    sections.append(Section(name=ctx.text("log.week_title"),
                            value="\n".join(weekly_volume_lines(ctx, exercise, stored.week_sets))))
    return Reply(title=ctx.text("log.title"), body="\n".join(lines), sections=tuple(sections), buttons=buttons,
                 tone=tone, ephemeral=True)


def is_deload_set(progression: Progression | None, weight: float) -> bool:
    """A set counts as the deload /today asked for when it is no heavier than the deload load."""
    return (
        progression is not None and progression.is_deload and progression.load is not None
        and weight <= progression.load + 1e-6
    )


def rest_line(ctx: Context, planned: PlannedExercise) -> str:
    """The prescribed rest as a live countdown (Discord renders <t:…:R> as "in 3 minutes")."""
    ends = int((ctx.now + timedelta(seconds=planned.rest_seconds)).timestamp())
    return ctx.text("log.rest", rest=duration(planned.rest_seconds), ends=f"<t:{ends}:R>")


async def logged_since_last_session(ctx: Context) -> list[LogEntry]:
    """Entries logged today (local time) since the last completed session: today's session so far."""
    since = await current_session_start(ctx)
    return await ctx.app.log.entries(ctx.caller.user_id, since=since)


async def complete_if_logged(ctx: Context, session: Session, source: str) -> list[str]:
    """Mark the day done once every prescribed exercise is logged, however it was logged."""
    since = await current_session_start(ctx)
    logged_keys = set(await ctx.app.log.sets_by_exercise(ctx.caller.user_id, since))
    return await close_day_if_done(ctx, session, since, logged_keys, source)


async def close_day_if_done(ctx: Context, session: Session, since: datetime, logged_keys: set[str], source: str
                            ) -> list[str]:
    """Mark the day done if `logged_keys` (exercises logged since `since`, the session's start) hold
    every prescribed exercise; else say what is missing, once some are in."""
    assert ctx.profile.goal is not None
    missing = [p.exercise.name for p in session.exercises if p.exercise.key not in logged_keys]
    if missing:
        if len(missing) < len(session.exercises):
            return [ctx.text("log.day_open", day=session.day_label, missing=", ".join(missing))]
        return []
    session_id = await ctx.app.users.complete_session(
        ctx.caller.user_id, session.rotation_index, session.day_label, ctx.profile.goal, ctx.now, source=source
    )
    if session_id is None:
        return []
    # The day's sets belong to the session they completed: /undo of the last one re-opens the day.
    logged_today = await ctx.app.log.entries(ctx.caller.user_id, since=since)
    await ctx.app.log.attach(ctx.caller.user_id, [entry.log_id for entry in logged_today], session_id)
    ctx.profile = await ctx.app.users.get(ctx.caller.user_id)
    following = await planned_session(ctx)
    return [ctx.text("log.day_done", day=session.day_label, next_day=following.day_label)]


async def complete_exercise(ctx: Context, typed: str) -> list[tuple[str, str]]:
    """The user's own recent and custom exercises first, then the catalogue's matches."""
    names = await exercise_names(ctx)
    wanted = normalise(typed)
    mine = [names[key] for key in await ctx.app.log.exercises_logged(ctx.caller.user_id) if key in names]
    mine += [name for key, name in names.items() if key.startswith(CUSTOM_PREFIX)]
    ranked = [name for name in mine if wanted in normalise(name)]
    ranked += [exercise.name for exercise in ctx.app.catalogue.search(typed, limit=25)]
    return [(name, name) for name in dict.fromkeys(ranked)][:25]


async def undo(ctx: Context, options: UndoOptions) -> Reply:
    """Undo the latest action: one /log, a whole logged session (re-opened in /today), or an import."""
    undone = await ctx.app.log.undo_last_action(ctx.caller.user_id)
    if undone is None:
        raise UserError("errors.nothing_to_undo")
    sets = ctx.plural("count.sets", sum(entry.sets for entry in undone.entries))
    if undone.imported_from is not None:
        body = ctx.text("undo.import", filename=undone.imported_from, sets=sets)
    elif undone.reopened_day is not None:
        # Name what went: "Undid logging Full body B" read as the whole session when one /log had closed it.
        names = await exercise_names(ctx)
        exercises = ctx.listing(list(dict.fromkeys(names.get(entry.exercise, entry.exercise)
                                                   for entry in undone.entries)))
        body = ctx.text("undo.session", day=undone.reopened_day, sets=sets, exercises=exercises)
    elif len(undone.entries) == 1:
        [removed] = undone.entries
        name = (await exercise_names(ctx)).get(removed.exercise, removed.exercise)
        body = ctx.text("undo.removed", sets=removed.sets, reps=removed.reps,
                        load=show_kind(ctx, ctx.app.catalogue.find(removed.exercise), removed.weight_kg),
                        exercise=name)
    else:
        body = ctx.text("undo.entries", count=len(undone.entries), sets=sets)
    return Reply(title=ctx.text("undo.title"), body=body, tone=Tone.SUCCESS, ephemeral=True)


# -- /1rm ------------------------------------------------------------------------------------


async def one_rep_max(ctx: Context, options: OneRepMaxOptions) -> Reply:
    weight_kg = check_load(ctx, options.weight)
    try:
        e1rm = estimate_1rm(weight_kg, options.reps, options.formula)
    except ValueError:
        raise UserError("errors.formula_range", formula=ctx.text(f"onerm.formula.{options.formula.value}")) from None
    percent_rows = [
        ctx.text("onerm.pct_row", reps=row.reps, pct=number(row.pct_1rm), load=show_load(ctx, row.load_kg))
        for row in load_table(e1rm)
    ]
    rpe_reps = min(options.reps, 12)
    rpe_rows = [
        ctx.text("onerm.rpe_row", rpe=number(row.rpe), pct=number(row.pct_1rm), load=show_load(ctx, row.load_kg))
        for row in rpe_load_table(e1rm, rpe_reps)
    ]
    formula = ctx.text(f"onerm.formula.{options.formula.value}")
    body = [ctx.text("onerm.estimate", e1rm=show_estimate(ctx, e1rm), formula=formula,
                     weight=show_exact(ctx, weight_kg), reps=options.reps)]
    if not is_reliable(options.reps):
        body.append(ctx.text("onerm.warning", limit=ACCURATE_REP_LIMIT))
    return Reply(
        title=ctx.text("onerm.title"),
        body="\n".join(body),
        sections=(
            Section(name=ctx.text("onerm.pct_title"), value="\n".join(percent_rows), inline=True),
            Section(name=ctx.text("onerm.rpe_title", reps=rpe_reps), value="\n".join(rpe_rows), inline=True),
        ),
    )


# -- logging a whole session from /today --------------------------------------------------------

_FORM_LINE = re.compile(
    rf"^\s*(?P<name>[^:]+?)\s*:\s*(?P<weight>\d+(?:[.,]\d+)?|\?)\s*(?P<unit>{UNIT_WORD})?\s*[x×*]\s*(?P<reps>[\d\s,]+)\s*$",
    re.I,
)
# In the form, "?" stands for a load not known yet; a line left with it is an exercise not logged.
UNKNOWN_LOAD = "?"


async def _finish_session(ctx: Context, session: Session, entries: list[NewEntry], source: str) -> Reply:
    """The form reports a whole session: store it and close the day (skipped lines included)."""
    assert ctx.profile.goal is not None
    session_id = await ctx.app.users.complete_session(
        ctx.caller.user_id, session.rotation_index, session.day_label, ctx.profile.goal, ctx.now, source=source
    )
    if session_id is None:
        raise UserError("errors.session_already_logged", day=session.day_label)
    await ctx.app.log.add(ctx.caller.user_id, entries, ctx.now, session_id=session_id)
    ctx.profile = await ctx.app.users.get(ctx.caller.user_id)
    following = await planned_session(ctx)
    return Reply(
        title=ctx.text("today.done_title"),
        body=ctx.text("log.session_logged", entries=ctx.plural("count.entries", len(entries)), day=session.day_label, next_day=following.day_label),
        tone=Tone.SUCCESS,
        ephemeral=True,  # like /log: what someone lifted, and any pain they report, is theirs
    )


async def _log_session(ctx: Context, session: Session, entries: list[NewEntry], source: str) -> Reply:
    """Store what was logged for today's session; the day closes once every exercise is in."""
    assert ctx.profile.goal is not None
    if ctx.profile.rotation_index != session.rotation_index:
        raise UserError("errors.session_already_logged", day=session.day_label)
    await ctx.app.log.add(ctx.caller.user_id, entries, ctx.now)
    lines = [ctx.text("log.session_entries", entries=ctx.plural("count.entries", len(entries)), day=session.day_label)]
    lines.extend(await complete_if_logged(ctx, session, source=source))
    return Reply(title=ctx.text("log.title"), body="\n".join(lines), tone=Tone.SUCCESS, ephemeral=True)


def _rotation(ctx: Context, argument: str) -> int:
    rotation = count_argument(argument)
    if ctx.profile.goal is None or rotation is None:
        raise UserError("errors.stale_button")
    return rotation


async def log_as_prescribed(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    """Log what the plan asks: the top of the rep range at the prescribed reps in reserve.

    The RIR becomes an RPE (10 - RIR, §3.1), so a lifter who follows the plan progresses.
    Exercises without a known load, or already logged today, are left for /log or the form.
    """
    rotation = _rotation(ctx, argument)
    # A double click: the second waits here for the first, then finds its sets logged.
    await ctx.app.users.hold(ctx.caller.user_id)
    ctx.profile = await ctx.app.users.get(ctx.caller.user_id)
    if ctx.profile.rotation_index != rotation:
        session = await planned_session(ctx, rotation)
        raise UserError("errors.session_already_logged", day=session.day_label)
    plan = await todays_plan(ctx, rotation)
    unit = ctx.profile.units
    done = {entry.exercise for entry in await logged_since_last_session(ctx)}
    entries = []
    for planned in plan.session.exercises:
        if planned.exercise.key in done or (planned.exercise.loadable and planned.load is None):
            continue  # logged already, or no known load yet: the user logs it with /log or the form
        weight_kg = to_kg(abs(planned.load), unit) if planned.load is not None else 0.0  # assistance: stored positive
        progression = plan.progressions.get(planned.exercise.key)
        # The set is the prescription itself: its stored load is the prescribed one.
        entries.append(logged(planned.exercise.key, weight_kg, unit, planned.reps_high, planned.sets, planned,
                              weight_kg if planned.load is not None else None, rpe=float(10 - planned.rir_low),
                              deload=bool(progression and progression.is_deload)))
    if not entries:
        raise UserError("errors.nothing_prescribed_to_log")
    return await _log_session(ctx, plan.session, entries, source="logged-as-prescribed")


async def open_log_form(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    rotation = _rotation(ctx, argument)
    plan = await todays_plan(ctx, rotation)
    unit = ctx.profile.units
    lines = []
    for planned in plan.session.exercises:
        if planned.load is not None:
            load = number(abs(planned.load))  # an assisted lift's line takes the assistance, as /log does
        else:
            load = "0" if not planned.exercise.loadable else UNKNOWN_LOAD
        reps = ", ".join([str(planned.reps_high)] * planned.sets)
        lines.append(f"{planned.exercise.name}: {load} x {reps}")
    return Reply(form=Form(
        action=ctx.action("log-form", str(rotation)),
        title=ctx.text("log.form_title"),
        inputs=(TextInput(key="sets", label=ctx.text("log.form_label", unit=unit.value), default="\n".join(lines),
                          placeholder=ctx.text("log.form_placeholder"), multiline=True),
                TextInput(key="pain", label=ctx.text("pain.form_label"), placeholder=ctx.text("pain.form_placeholder"),
                          multiline=True, required=False, max_length=400)),
    ))


async def _form_pain(ctx: Context, text: str) -> dict[str, tuple[Exercise | CustomExercise, Pain]]:
    """The form's pain lines ("exercise: mild" or "exercise: sharp"), by exercise key."""
    reported = {}
    for number_, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _, level = line.rpartition(":")
        level = level.strip().casefold()
        if not name.strip() or level not in Pain._value2member_map_:
            raise UserError("errors.form_pain_line", line=number_, text=line.strip()[:80])
        exercise = await _form_exercise(ctx, name, number_, box="pain")
        reported[exercise.key] = (exercise, Pain(level))
    return reported


async def _form_exercise(ctx: Context, name: str, line: int, box: str = "sets") -> Exercise | CustomExercise:
    """`find_exercise` for a line of the form's `box` ("sets" or "pain"), whose error cannot say
    "add `custom:True`" (a form has no options)."""
    try:
        return await find_exercise(ctx, name)
    except UserError as error:
        if error.key not in ("errors.unknown_exercise", "errors.unknown_exercise_suggest"):
            raise
        suggestions = error.values.get("suggestions")
        raise UserError(f"errors.form_unknown_exercise_{box}", line=line, exercise=name.strip()[:80],
                        suggestions=ctx.text("errors.form_suggestions", suggestions=suggestions) if suggestions else "",
                        ) from None


async def submit_log_form(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    rotation = _rotation(ctx, argument)
    plan = await todays_plan(ctx, rotation)
    session = plan.session
    planned_by_key = {p.exercise.key: p for p in session.exercises}
    pains = await _form_pain(ctx, interaction.form.get("pain", ""))
    entries = []
    per_exercise: Counter[str] = Counter()
    for number_, line in enumerate(interaction.form.get("sets", "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _FORM_LINE.match(line)
        if match is None:
            raise UserError("errors.form_line", line=number_, text=line.strip()[:80])
        if match["weight"] == UNKNOWN_LOAD:
            continue
        exercise = await _form_exercise(ctx, match["name"], number_)
        typed = float(match["weight"].replace(",", "."))
        # A unit typed after the load ("135lb x 5") is the load's, whatever the user's is.
        typed_unit = unit_named(match["unit"]) if match["unit"] else ctx.profile.units
        weight_kg = to_kg(typed, typed_unit)
        in_user_unit = round(from_kg(weight_kg, ctx.profile.units), 2)
        check_load(ctx, in_user_unit)  # refused over the limit, which it names in the user's unit
        planned = planned_by_key.get(exercise.key)
        for reps_text in filter(None, re.split(r"[\s,]+", match["reps"].strip())):
            reps = int(reps_text)
            if not 1 <= reps <= 100:
                raise UserError("errors.range", option="reps", low=1, high=100)
            pain = pains[exercise.key][1] if exercise.key in pains else Pain.NONE
            deload = is_deload_set(plan.progressions.get(exercise.key),
                                   exercise.as_load(in_user_unit) if isinstance(exercise, Exercise) else in_user_unit)
            entries.append(logged(exercise.key, weight_kg, typed_unit, reps, 1, planned,
                                  prescribed_kg(planned.load if planned else None, ctx.profile.units), deload=deload,
                                  pain=None if pain is Pain.NONE else pain.value))
            per_exercise[exercise.key] += 1
            if per_exercise[exercise.key] > MAX_SETS:
                raise UserError("errors.form_too_many_sets", exercise=exercise.name, limit=MAX_SETS)
    if not entries:
        raise UserError("errors.form_empty")
    logged_keys = {entry.exercise for entry in entries}
    for exercise, pain in pains.values():
        # Mild pain holds a load through the sets it is stored on: with none, the promise would be empty.
        if pain is Pain.MILD and exercise.key not in logged_keys:
            raise UserError("errors.form_pain_without_sets", exercise=exercise.name)
    reply = await _finish_session(ctx, session, entries, source="logged-by-form")
    skipped = [planned.exercise.name for planned in session.exercises if planned.exercise.key not in logged_keys]
    if skipped:
        reply = reply.model_copy(update={
            "body": f"{reply.body}\n{ctx.text('log.session_skipped', exercises=ctx.listing(skipped))}"})
    sections = [await report_pain(ctx, exercise, exercise.key, exercise.name, pain) for exercise, pain in pains.values()]
    sections = [section for section in sections if section is not None]
    if not sections:
        return reply
    return reply.model_copy(update={"sections": (*reply.sections, *sections), "tone": Tone.WARNING})


COMMANDS = (
    Command("log", LogOptions, log_set, completers={"exercise": complete_exercise}),
    Command("undo", UndoOptions, undo),
    Command("1rm", OneRepMaxOptions, one_rep_max),
)
ACTIONS = {
    "log-plan": log_as_prescribed,
    "log-open": open_log_form,
    "log-form": submit_log_form,
}
