"""/goal, /compare, /today, /settings and /help, plus the goal picker and the Done button."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

from pydantic import Field

from bot.coach.catalogue import Exercise, Gear, Kind, Measure
from bot.coach.loading import EquipmentProfile, plates_per_side, warmup_ramp
from bot.coach.planner import PlannedExercise, Session, split_name
from bot.coach.progression import Decision, Progression, Reason
from bot.coach.rules import GoalTable, LevelRules
from bot.coach.schedule import ScheduleError, city_zone_hint, load_zone, search_zones, zones_for_abbreviation
from bot.coach.units import UNIT_WORD, format_load, from_kg, to_kg, unit_named
from bot.coach.vocabulary import MAX_DAYS_PER_WEEK, MIN_DAYS_PER_WEEK, Equipment, Experience, Goal, Unit
from bot.commands.base import Command, Context, Interaction, count_argument
from bot.commands.formatting import duration_span, number, span
from bot.commands.options import NoOptions, Options
from bot.commands.planning import (
    adherence_text,
    equipment_profile,
    load_text,
    local_date,
    plan_request,
    planned_session,
    todays_plan,
    todays_reply,
    week_adherence,
)
from bot.commands.safety import offer_screen_on_first_goal, safety_lines
from bot.errors import UserError
from bot.replies import Button, ButtonStyle, Choice, Menu, Reply, Section, Tone

# Names in the tz database that are no place: `localtime` is whatever zone the host runs in (it
# differs between servers and moves with them), `Factory` is tzdata's placeholder ("-00"),
# `posixrules` a compiler default.
NOT_PLACES = frozenset({"localtime", "factory", "posixrules"})
# `Etc/GMT+5` is UTC-05:00: POSIX counts these offsets west-positive, the opposite of ISO 8601.
_INVERTED_OFFSET = re.compile(r"Etc/GMT([+-])(\d{1,2})")

VARIABLES = ("intensity", "repetitions", "sets", "rest", "selection")


class GoalOptions(Options):
    goal: Goal | None = None
    experience: Experience | None = None
    days: int | None = Field(default=None, ge=MIN_DAYS_PER_WEEK, le=MAX_DAYS_PER_WEEK)
    equipment: Equipment | None = None


class CompareOptions(Options):
    first: Goal | None = None
    second: Goal | None = None


class SettingsOptions(Options):
    units: Unit | None = None
    timezone: str | None = Field(default=None, min_length=1, max_length=64)


# -- rule tables ---------------------------------------------------------------------------


def goal_name(ctx: Context, goal: Goal) -> str:
    """The field's term with a plain gloss: "Hypertrophy (muscle size)"."""
    return ctx.text("goal.named", title=ctx.app.rules.table(goal).title, gloss=ctx.text(f"goal.gloss.{goal.value}"))


def _variable_lines(ctx: Context, rules: LevelRules) -> dict[str, str]:
    selection = rules.selection
    return {
        "intensity": ctx.text(
            "rules.intensity",
            pct=span(rules.intensity_pct.low, rules.intensity_pct.high),
            rir=span(rules.rir.low, rules.rir.high),
        ),
        "repetitions": ctx.text("rules.repetitions", reps=span(rules.reps.low, rules.reps.high)),
        "sets": ctx.text(
            "rules.sets",
            sets=span(rules.sets.low, rules.sets.high),
            weekly=span(rules.weekly_sets_per_muscle.low, rules.weekly_sets_per_muscle.high),
            sessions=span(rules.sessions_per_week.low, rules.sessions_per_week.high),
        ),
        "rest": ctx.text("rules.rest", rest=duration_span(rules.rest_seconds.low, rules.rest_seconds.high)),
        "selection": ctx.text(
            "rules.selection",
            exercises=span(selection.exercises_per_session.low, selection.exercises_per_session.high),
            compound=round(selection.min_compound_share.value * 100),
            patterns=", ".join(pattern.replace("_", " ") for pattern in selection.weekly_patterns.value),
        ),
    }


def _variable_sources(rules: LevelRules) -> dict[str, str]:
    return {
        "intensity": f"{rules.intensity_pct.source}; {rules.rir.source}",
        "repetitions": rules.reps.source,
        "sets": f"{rules.sets.source}; {rules.weekly_sets_per_muscle.source}",
        "rest": rules.rest_seconds.source,
        "selection": f"{rules.selection.exercises_per_session.source}; {rules.selection.min_compound_share.source}",
    }


def rule_table_reply(ctx: Context, goal: Goal, experience: Experience, *, saved: bool) -> Reply:
    table: GoalTable = ctx.app.rules.table(goal)
    rules = table.levels[experience]
    lines = _variable_lines(ctx, rules)
    sources = _variable_sources(rules)
    sections = tuple(
        Section(
            name=ctx.text(f"variables.{variable}"),
            value=ctx.text("rules.with_source", line=lines[variable], source=sources[variable]),
        )
        for variable in VARIABLES
    )
    profile = ctx.profile
    intro = ctx.text(
        "goal.saved" if saved else "goal.current",
        days=profile.days_per_week,
        equipment=ctx.text(f"equipment.{profile.equipment.value}"),
        split=split_name(profile.days_per_week),
    )
    sessions = rules.sessions_per_week
    if not sessions.low <= profile.days_per_week <= sessions.high:
        intro += "\n" + ctx.text("goal.days_outside", days=profile.days_per_week, range=span(sessions.low, sessions.high))
    return Reply(
        title=ctx.text("goal.title", goal=goal_name(ctx, goal), experience=ctx.text(f"experience.{experience.value}")),
        body=f"{table.summary}\n\n{intro}",
        sections=sections,
        buttons=(Button(label=ctx.text("buttons.today"), action=ctx.action("today"), style=ButtonStyle.PRIMARY),),
        tone=Tone.SUCCESS if saved else Tone.INFO,
    )


def goal_picker(ctx: Context, *, body_key: str = "goal.pick") -> Reply:
    choices = tuple(
        Choice(label=goal_name(ctx, goal), value=goal.value, description=ctx.text(f"goal.blurb.{goal.value}"))
        for goal in Goal
    )
    return Reply(
        title=ctx.text("goal.pick_title"),
        body=ctx.text(body_key),
        menu=Menu(action=ctx.action("pick-goal"), placeholder=ctx.text("goal.pick_placeholder"), choices=choices),
    )


async def goal(ctx: Context, options: GoalOptions) -> Reply:
    changes = {
        "goal": options.goal,
        "experience": options.experience,
        "days_per_week": options.days,
        "equipment": options.equipment,
    }
    changes = {key: value for key, value in changes.items() if value is not None}
    if changes:
        ctx.profile = await ctx.app.users.update(ctx.caller.user_id, ctx.now, **changes)
    if ctx.profile.goal is None:
        return goal_picker(ctx, body_key="goal.pick_after_save" if changes else "goal.pick")
    return await offer_screen_on_first_goal(
        ctx, rule_table_reply(ctx, ctx.profile.goal, ctx.profile.experience, saved=bool(changes)))


async def pick_goal(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    try:
        chosen = Goal(interaction.values[0])
    except (IndexError, ValueError):
        raise UserError("errors.choice", option="goal", allowed=", ".join(g.value for g in Goal)) from None
    ctx.profile = await ctx.app.users.update(ctx.caller.user_id, ctx.now, goal=chosen)
    reply = await offer_screen_on_first_goal(ctx, rule_table_reply(ctx, chosen, ctx.profile.experience, saved=True))
    return reply.model_copy(update={"update_source": True})


# -- /compare --------------------------------------------------------------------------------


def _midpoints(rules: LevelRules) -> dict[str, float]:
    return {
        "intensity": (rules.intensity_pct.low + rules.intensity_pct.high) / 2,
        "repetitions": (rules.reps.low + rules.reps.high) / 2,
        "sets": (rules.weekly_sets_per_muscle.low + rules.weekly_sets_per_muscle.high) / 2,
        "rest": (rules.rest_seconds.low + rules.rest_seconds.high) / 2,
        "selection": rules.selection.min_compound_share.value,
    }


def compared_goals(options: CompareOptions, own: Goal | None) -> tuple[Goal, Goal]:
    """The pair to compare: what was given, filled from the user's goal, then strength and
    hypertrophy, never one goal with itself. Raises UserError when both options name the same goal."""
    if options.first is not None and options.first == options.second:
        raise UserError("compare.same_goal")
    given = [goal for goal in (options.first, options.second) if goal is not None]
    fill = [goal for goal in (own, Goal.STRENGTH, Goal.HYPERTROPHY) if goal is not None and goal not in given]
    first = options.first or fill.pop(0)
    second = options.second or next(goal for goal in fill if goal != first)
    return first, second


async def compare(ctx: Context, options: CompareOptions) -> Reply:
    experience = ctx.profile.experience
    first_goal, second_goal = compared_goals(options, ctx.profile.goal)
    first, second = ctx.app.rules.table(first_goal), ctx.app.rules.table(second_goal)
    first_rules, second_rules = first.levels[experience], second.levels[experience]
    first_lines, second_lines = _variable_lines(ctx, first_rules), _variable_lines(ctx, second_rules)
    first_mid, second_mid = _midpoints(first_rules), _midpoints(second_rules)
    sections = []
    for variable in VARIABLES:
        a, b = first_mid[variable], second_mid[variable]
        direction = "same" if abs(a - b) < 1e-9 else ("more" if a > b else "less")
        sentence = ctx.text(f"compare.{variable}.{direction}", first=first.title, second=second.title)
        sections.append(
            Section(
                name=ctx.text(f"variables.{variable}"),
                value=ctx.text(
                    "compare.cell",
                    first=first.title,
                    first_line=first_lines[variable],
                    second=second.title,
                    second_line=second_lines[variable],
                    sentence=sentence,
                    first_why=ctx.text(f"compare.why.{variable}.{first_goal.value}"),
                    second_why=ctx.text(f"compare.why.{variable}.{second_goal.value}"),
                ),
            )
        )
    return Reply(
        title=ctx.text("compare.title", first=goal_name(ctx, first_goal), second=goal_name(ctx, second_goal)),
        body=ctx.text("compare.intro", experience=ctx.text(f"experience.{experience.value}")),
        sections=tuple(sections),
    )


# -- /today ----------------------------------------------------------------------------------


def _load_text(value: float, unit: Unit) -> str:
    return format_load(value, unit)


def why_line(ctx: Context, progression: Progression, unit: Unit, exercise: Exercise | None = None) -> str:
    """The reason for a load, in the lifter's words ("+2.5 kg: 3×5 at RPE 7 last time",
    "5 kg less assistance: every set reached 8 at RPE 8")."""
    facts = dict(progression.facts)
    for name in ("weight", "reset"):
        if name in facts:
            facts[name] = load_text(ctx, exercise, float(facts[name]), unit)  # type: ignore[arg-type]
    if "e1rm" in facts:
        facts["e1rm"] = _load_text(float(facts["e1rm"]), unit)  # type: ignore[arg-type]
    for name in ("heaviest", "heavier"):
        if name in facts:
            facts[name] = _load_text(float(facts[name]), unit)  # type: ignore[arg-type]
    if "step" in facts:
        step = _load_text(round(float(facts["step"]), 2), unit)  # type: ignore[arg-type]
        assisted = exercise is not None and exercise.assisted
        facts["step"] = ctx.text("loads.less_assistance" if assisted else "loads.step", load=step)
    if progression.reason in (Reason.HARDER_VARIATION, Reason.GRADUATE):
        exercise = ctx.app.catalogue.find(harder) if (harder := facts.get("harder")) else None
        facts["harder"] = exercise.name if exercise else ""
    if progression.reason is Reason.REP_RANGE_CHANGED and "rir" in facts:
        return ctx.text("progression.start.rep_range_changed_rpe", **facts)
    if progression.is_deload:
        facts["plan"] = ctx.text("progression.deload.same_load" if "extra_rir" in facts else "progression.deload.lighter",
                                 **facts)
    if "sets" in facts:
        rpe = facts.pop("rpe", None)
        facts["effort"] = ctx.text("progression.at_rpe", rpe=rpe) if rpe is not None else ctx.text("progression.as_planned")
    return ctx.text(progression.reason.value, **facts)


def _prescription(ctx: Context, planned: PlannedExercise) -> str:
    measure = planned.exercise.measure
    values = dict(
        sets=planned.sets,
        pct=span(planned.pct_low, planned.pct_high),
        rir=span(planned.rir_low, planned.rir_high),
        rest=duration_span(planned.rest_seconds, planned.rest_seconds),
    )
    if measure is Measure.REPS and planned.exercise.assisted:
        return ctx.text("today.prescription_assisted", reps=span(planned.reps_low, planned.reps_high), **values)
    if measure is Measure.REPS and planned.exercise.added_load:
        return ctx.text("today.prescription_weighted", reps=span(planned.reps_low, planned.reps_high), **values)
    if measure is Measure.REPS and planned.exercise.ballistic:
        return ctx.text("today.prescription_ballistic", reps=span(planned.reps_low, planned.reps_high), **values)
    if measure is Measure.REPS and planned.exercise.loadable:
        return ctx.text("today.prescription", reps=span(planned.reps_low, planned.reps_high), **values)
    if measure is Measure.REPS:
        key = "today.prescription_band" if planned.exercise.equipment is Gear.BAND else "today.prescription_bodyweight"
        return ctx.text(key, reps=span(planned.reps_low, planned.reps_high), **values)
    amount = ctx.app.loading.measures
    low, high = (amount.seconds_low, amount.seconds_high) if measure is Measure.SECONDS else (amount.metres_low, amount.metres_high)
    return ctx.text(f"today.prescription_{measure.value}", amount=span(low, high), **values)


def exercise_line(ctx: Context, planned: PlannedExercise, unit: Unit, equipment: EquipmentProfile,
                  progression: Progression | None = None, warmup: bool = False, held: str | None = None) -> str:
    """The exercise's prescription, load, warm-up and why; `held`: why the safety guard held its load
    (pain), which then replaces the progression's reason (a "+2.5 kg" there would contradict the load)."""
    lines = [_prescription(ctx, planned)]
    exercise = planned.exercise
    grid = ctx.app.loading.grid(exercise, unit, equipment)
    rir = span(planned.rir_low, planned.rir_high)
    if planned.load is not None and exercise.assisted:
        lines.append(ctx.text("today.load_assisted", load=load_text(ctx, exercise, planned.load, unit)))
    elif planned.load is not None and exercise.added_load and planned.load <= 0:
        lines.append(ctx.text("today.load_bodyweight_first", top=planned.reps_high, rir=rir,
                              step=format_load(grid.step if grid and grid.step else 0, unit)))
    elif planned.load is not None and exercise.added_load:
        lines.append(ctx.text("today.load_added", load=load_text(ctx, exercise, planned.load, unit)))
    elif planned.load is not None:
        key = "today.load_one_dumbbell" if exercise.one_dumbbell else \
            "today.load_per_hand" if exercise.equipment is Gear.DUMBBELL else "today.load"
        lines.append(ctx.text(key, load=format_load(planned.load, unit)))
        if grid is not None and grid.barbell:
            plates = plates_per_side(planned.load, equipment)
            if plates:
                lines.append(ctx.text("today.plates", plates=" + ".join(number(plate) for plate in plates),
                                      bar=format_load(equipment.bar, unit)))
            elif plates == ():
                lines.append(ctx.text("today.empty_bar", bar=format_load(equipment.bar, unit)))
        if warmup and grid is not None:
            ramp = warmup_ramp(planned.load, grid, ctx.app.loading.progression)
            if ramp:
                sets = ", ".join(f"{format_load(step.load, unit)} × {step.reps}" for step in ramp)
                lines.append(ctx.text("today.warmup", sets=sets))
    elif exercise.assisted:
        lines.append(ctx.text("today.assisted_cue", top=planned.reps_high, rir=rir))
    elif not exercise.loadable or exercise.added_load:
        if exercise.measure is Measure.REPS:
            key = "today.band_cue" if exercise.equipment is Gear.BAND else "today.bodyweight_cue"
            lines.append(ctx.text(key, top=planned.reps_high, rir=span(planned.rir_low, planned.rir_high)))
    else:
        key = "today.effort_cue_one_dumbbell" if exercise.one_dumbbell else \
            "today.effort_cue_per_hand" if exercise.equipment is Gear.DUMBBELL else "today.effort_cue"
        lines.append(ctx.text(key, reps=planned.reps_high, rir=span(planned.rir_low, planned.rir_high)))
    if held is not None:
        lines.append(ctx.text("today.why", why=held))
        return "\n".join(lines)
    if progression is not None and progression.reason in (Reason.HARDER_VARIATION, Reason.GRADUATE):
        progression = replace(progression, facts={**progression.facts, "harder": exercise.harder})
    if progression is not None and progression.reason not in (Reason.START_BY_EFFORT, Reason.BODYWEIGHT_FIRST):
        lines.append(ctx.text("today.why", why=why_line(ctx, progression, unit, exercise)))
    return "\n".join(lines)


def session_reply(ctx: Context, session: Session, equipment: EquipmentProfile, *, extra_lines: tuple[str, ...] = (),
                  progressions: dict[str, Progression] | None = None, extra_buttons: tuple[Button, ...] = (),
                  held: Mapping[str, str] | None = None) -> Reply:
    """Today's session as a reply; `held`: exercise key -> why its load was held for pain (see `exercise_line`)."""
    profile = ctx.profile
    held = held or {}
    assert profile.goal is not None
    table = ctx.app.rules.table(profile.goal)
    progressions = progressions or {}
    first_core = next((p.exercise.key for p in session.exercises
                       if p.exercise.kind is Kind.COMPOUND and p.exercise.has_1rm and p.load is not None), None)
    sections = tuple(
        Section(
            name=f"{index}. {planned.exercise.name}",
            value=exercise_line(ctx, planned, profile.units, equipment, progressions.get(planned.exercise.key),
                                warmup=planned.exercise.key == first_core, held=held.get(planned.exercise.key))[:1024],
        )
        for index, planned in enumerate(session.exercises, start=1)
    )
    body_lines = [
        ctx.text(
            "today.summary",
            goal=table.title,
            experience=ctx.text(f"experience.{profile.experience.value}"),
            day=session.day_number,
            days=profile.days_per_week,
            split=split_name(profile.days_per_week),
        ),
        *([ctx.text("today.terms_hint")] if profile.experience is Experience.NOVICE else []),
        *extra_lines,
    ]
    rotation = str(session.rotation_index)
    swap_choices = tuple(
        Choice(label=f"{index}. {planned.exercise.name}"[:100], value=planned.exercise.key)
        for index, planned in enumerate(session.exercises, start=1)
    )[:25]
    return Reply(
        title=ctx.text("today.title", day=session.day_label),
        body="\n".join(body_lines),
        sections=sections,
        buttons=(
            Button(label=ctx.text("buttons.log_plan"), action=ctx.action("log-plan", rotation), style=ButtonStyle.SUCCESS),
            Button(label=ctx.text("buttons.log_form"), action=ctx.action("log-open", rotation), style=ButtonStyle.PRIMARY),
            Button(label=ctx.text("buttons.done"), action=ctx.action("done", rotation)),
            *extra_buttons,
        ),
        menu=Menu(action=ctx.action("swap-pick"), placeholder=ctx.text("today.swap_placeholder"),
                  choices=swap_choices) if swap_choices else None,
    )


async def today(ctx: Context, options: NoOptions) -> Reply:
    if ctx.profile.goal is None:
        return goal_picker(ctx, body_key="today.needs_goal")
    return await todays_reply(ctx, _today_reply)


async def _today_reply(ctx: Context) -> Reply:
    plan = await todays_plan(ctx)
    names = {planned.exercise.key: planned.exercise.name for planned in plan.session.exercises}
    safety, buttons = await safety_lines(ctx, plan.safety, names)
    week = await week_adherence(ctx)
    lines = [*safety, adherence_text(ctx, week)]
    if week.meets_target:
        lines.append(ctx.text("today.week_done", planned=ctx.plural("count.planned_sessions", week.target)))
    if any(progression.is_deload for progression in plan.progressions.values()):
        lines.append(ctx.text("today.deload_note"))
    if any(progression.decision is Decision.CAUTIOUS for progression in plan.progressions.values()):
        lines.append(ctx.text("today.cautious_note", limit=ctx.app.loading.progression.reliable_reps))
    held = {key: ctx.text("pain.why_mild") for key in plan.safety.mild}
    # Sharp pain stops the exercise for the day it was felt; on later days the pause holds its load.
    zone = ZoneInfo(ctx.profile.timezone)
    day = local_date(ctx.now, zone)
    held.update({key: ctx.text("pain.why_stopped_today" if local_date(since, zone) == day else "pain.why_paused")
                 for key, since in plan.safety.paused.items()})
    reply = session_reply(ctx, plan.session, plan.equipment, extra_lines=tuple(lines), progressions=plan.progressions,
                          extra_buttons=buttons, held=held)
    # /today is a public message in a server; the health check and reported pain are nobody else's business.
    return reply.model_copy(update={"ephemeral": True}) if safety else reply


async def today_button(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    return await today(ctx, NoOptions())


async def swap_pick(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    """Step 1 of a swap: which exercise -> a menu of same-pattern alternatives (at most 25)."""
    if ctx.profile.goal is None or not interaction.values:
        raise UserError("errors.stale_button")
    exercise = ctx.app.catalogue.find(interaction.values[0])
    if exercise is None:
        raise UserError("errors.stale_button")
    request = await plan_request(ctx)
    # Not an exercise today's session already has: that swap would leave this day as it is.
    others = {planned.exercise.key for planned in ctx.app.planner.session(request).exercises} - {exercise.key}
    choices = tuple(
        Choice(label=other.name[:100], value=other.key) for other in ctx.app.planner.alternatives(exercise, request)
        if other.key not in others
    )[:25]
    if len(choices) < 2:
        return Reply(body=ctx.text("today.swap_none", exercise=exercise.name), ephemeral=True)
    return Reply(
        title=ctx.text("today.swap_title", exercise=exercise.name),
        body=ctx.text("today.swap_intro", exercise=exercise.name),
        menu=Menu(action=ctx.action("swap", exercise.key), placeholder=ctx.text("today.swap_placeholder"),
                  choices=choices),
        ephemeral=True,
    )


async def swap(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    """Step 2: remember the replacement for later sessions and show /today with it."""
    if ctx.profile.goal is None or not interaction.values:
        raise UserError("errors.stale_button")
    replaced = ctx.app.catalogue.find(argument)
    replacement = ctx.app.catalogue.find(interaction.values[0])
    request = await plan_request(ctx)
    if replaced is None or replacement is None or replacement not in ctx.app.planner.alternatives(replaced, request):
        raise UserError("errors.stale_button")
    swaps = await ctx.app.swaps.all(ctx.caller.user_id)
    original = next((key for key, value in swaps.items() if value == replaced.key), replaced.key)
    await ctx.app.swaps.set(ctx.caller.user_id, original, replacement.key, ctx.now)
    reply = await today(ctx, NoOptions())
    note = ctx.text("today.swapped", old=replaced.name, new=replacement.name)
    return reply.model_copy(update={"body": f"{note}\n{reply.body}"})


async def mark_done(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    profile = ctx.profile
    expected = count_argument(argument)
    if profile.goal is None or expected is None:
        raise UserError("errors.stale_button")
    session = await planned_session(ctx, expected)
    recorded = await ctx.app.users.complete_session(
        ctx.caller.user_id, expected, session.day_label, profile.goal, ctx.now, source="button"
    )
    if recorded is None:
        return Reply(body=ctx.text("today.already_done", day=session.day_label), ephemeral=True, tone=Tone.WARNING)
    ctx.profile = await ctx.app.users.get(ctx.caller.user_id)
    following = await planned_session(ctx)
    return Reply(
        title=ctx.text("today.done_title"),
        body=ctx.text("today.done", day=session.day_label, next_day=following.day_label),
        tone=Tone.SUCCESS,
    )


# -- /settings -------------------------------------------------------------------------------


async def save_timezone(ctx: Context, typed: str, *, announce_reminders: bool = True) -> list[str]:
    """Make `typed` the user's one time zone: the profile, and any reminders (re-scheduled to the
    same local time). Returns lines to tell the user; raises UserError for an unknown or empty zone."""
    if not typed:
        raise UserError("errors.timezone_empty")
    try:
        zone = load_zone(typed)
    except ScheduleError:
        meant = zones_for_abbreviation(typed)
        if meant:
            raise UserError("errors.timezone_abbreviation", timezone=typed,
                            zones=", ".join(f"`{name}`" for name in meant)) from None
        raise UserError("errors.timezone", timezone=typed) from None
    if zone.key.casefold() in NOT_PLACES:
        raise UserError("errors.timezone_not_a_place", timezone=typed)
    lines = []
    hint = city_zone_hint(zone)
    inverted = inverted_sign_note(ctx, zone.key)
    if inverted is not None:
        lines.append(inverted)
    elif hint is not None:
        lines.append(ctx.text("settings.city_zone", zone=zone.key, city=hint) if hint
                     else ctx.text("settings.city_zone_unknown", zone=zone.key))
    if zone.key != ctx.profile.timezone:
        ctx.profile = await ctx.app.users.update(ctx.caller.user_id, ctx.now, timezone=zone.key)
    moved = await ctx.app.reminders.follow_timezone(ctx.caller.user_id, zone.key, ctx.now)
    if announce_reminders and moved is not None and moved.next_due_utc is not None:
        lines.append(ctx.text("settings.reminders_moved", time=moved.local_time.strftime("%H:%M"), zone=zone.key,
                              stamp=f"<t:{int(moved.next_due_utc.timestamp())}:F>"))
    return lines


def inverted_sign_note(ctx: Context, zone: str) -> str | None:
    """For `Etc/GMT+5`-style zones (not `Etc/GMT+0`), the fixed-offset note saying the offset is
    the other way round (UTC−05:00) and which zone has the offset the user may have meant; None
    for any other zone."""
    match = _INVERTED_OFFSET.fullmatch(zone)
    if match is None or int(match.group(2)) == 0:
        return None
    sign, hours = match.group(1), int(match.group(2))
    shown = f"{'−' if sign == '+' else '+'}{hours:02d}:00"  # the real offset: the sign turned round
    meant = f"{sign.replace('-', '−')}{hours:02d}:00"
    opposite = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    try:
        load_zone(opposite)
    except ScheduleError:  # tzdata stops at Etc/GMT+12, so Etc/GMT-14 (UTC+14:00) has no mirror
        return ctx.text("settings.inverted_sign_only", zone=zone, offset=shown)
    return ctx.text("settings.inverted_sign", zone=zone, offset=shown, meant=meant, opposite=opposite)


async def settings(ctx: Context, options: SettingsOptions) -> Reply:
    notes: list[str] = []
    if options.units is not None:
        ctx.profile = await ctx.app.users.update(ctx.caller.user_id, ctx.now, units=options.units)
    if options.timezone is not None:
        notes = await save_timezone(ctx, options.timezone)
    changed = options.units is not None or options.timezone is not None
    profile = ctx.profile
    body = ctx.text("settings.saved" if changed else "settings.current", units=profile.units.value,
                    timezone=profile.timezone)
    # Private: a time zone says where the user lives.
    return Reply(
        title=ctx.text("settings.title"),
        body="\n".join([body, *notes]),
        tone=Tone.SUCCESS if changed else Tone.INFO,
        ephemeral=True,
    )


async def complete_timezone(ctx: Context, typed: str) -> list[tuple[str, str]]:
    return [(name, name) for name in search_zones(typed, limit=25)]


# -- /equipment -----------------------------------------------------------------------------


class EquipmentOptions(Options):
    """The lifter's own equipment, in their unit; unset options keep their current value."""

    bar: float | None = Field(default=None, ge=5, le=50)
    plate_pair: float | None = Field(default=None, ge=0.25, le=20)
    dumbbell_step: float | None = Field(default=None, ge=0.5, le=10)
    machine_step: float | None = Field(default=None, ge=0.5, le=20)
    # The bells owned, e.g. "8,12,16,24" in the user's unit; "default" restores the usual sizes.
    kettlebells: str | None = Field(default=None, min_length=1, max_length=100)


# Kettlebells a lifter can name: at most this many, each from 1 kg to 100 kg (the heaviest
# competition and strongman bells are about 90 kg), in the user's unit.
MAX_KETTLEBELLS = 20
KETTLEBELL_KG = (1.0, 100.0)
_DEFAULT_WORDS = {"default", "defaults", "reset"}


_SIZE = re.compile(rf"(?P<value>\d+(?:\.\d+)?)(?P<unit>{UNIT_WORD})?", re.I)


def kettlebell_sizes(ctx: Context, text: str) -> tuple[float, ...] | None:
    """The sizes in `text` ("8, 12, 16,24" in the user's unit) as kilograms, increasing, without
    repeats; None for "default". Raises UserError with a friendly message for anything else."""
    unit = ctx.profile.units
    if text.strip().casefold() in _DEFAULT_WORDS:
        return None
    # "16 kg" is one size: the unit joins its number before the text is split.
    joined = re.sub(rf"(\d)\s+(?=(?:{UNIT_WORD})\b)", r"\1", text.strip(), flags=re.I)
    parts = [part for part in re.split(r"[\s,;/]+", joined) if part]
    low, high = (round(from_kg(limit, unit)) for limit in KETTLEBELL_KG)
    sizes = set()
    for part in parts:
        match = _SIZE.fullmatch(part)
        if match is None:
            raise UserError("errors.kettlebells", text=text[:40], unit=unit.value)
        value = float(match["value"])
        if match["unit"]:  # a bell sold in the other unit ("16kg" for a lb user) is kept as sold
            value = from_kg(to_kg(value, unit_named(match["unit"])), unit)
        if not math.isfinite(value) or not low <= round(value, 2) <= high:
            raise UserError("errors.kettlebells_range", size=part[:12], low=low, high=high, unit=unit.value)
        sizes.add(round(value, 2))
    if not sizes:
        raise UserError("errors.kettlebells", text=text[:40], unit=unit.value)
    if len(sizes) > MAX_KETTLEBELLS:
        raise UserError("errors.kettlebells_count", limit=MAX_KETTLEBELLS)
    return tuple(to_kg(size, unit) for size in sorted(sizes))


async def equipment(ctx: Context, options: EquipmentOptions) -> Reply:
    unit = ctx.profile.units
    changes: dict[str, object] = {
        column: to_kg(value, unit)
        for column, value in (("bar_kg", options.bar), ("plate_pair_kg", options.plate_pair),
                              ("dumbbell_kg", options.dumbbell_step), ("machine_kg", options.machine_step))
        if value is not None
    }
    if options.kettlebells is not None:
        changes["kettlebells_kg"] = kettlebell_sizes(ctx, options.kettlebells)
    if changes:
        await ctx.app.equipment.update(ctx.caller.user_id, ctx.now, **changes)
    profile = await equipment_profile(ctx)
    return Reply(
        title=ctx.text("equipment_profile.title"),
        body=ctx.text(
            "equipment_profile.saved" if changes else "equipment_profile.current",
            bar=format_load(profile.bar, unit),
            plate_pair=format_load(profile.plate_pair, unit),
            dumbbell=format_load(profile.dumbbell_step, unit),
            machine=format_load(profile.machine_step, unit),
            kettlebells=format_load_list(profile.kettlebell_sizes, unit),
        ),
        tone=Tone.SUCCESS if changes else Tone.INFO,
        ephemeral=True,
    )


def format_load_list(sizes: tuple[float, ...], unit: Unit) -> str:
    """"8, 12, 16, 24 kg": the sizes, then the unit once."""
    return f"{', '.join(number(size) for size in sizes)} {unit.value}"


# -- /help -----------------------------------------------------------------------------------


async def help_(ctx: Context, options: NoOptions) -> Reply:
    names = sorted({name.split(" ")[0] for name in ctx.app.commands})
    lines = [ctx.text("help.line", command=name, summary=ctx.text(f"help.commands.{name}")) for name in names]
    return Reply(title=ctx.text("help.title"), body="\n".join([ctx.text("help.intro"), "", *lines]),
                 sections=(Section(name=ctx.text("help.terms_title"), value=ctx.text("help.terms")),))


COMMANDS = (
    Command("goal", GoalOptions, goal),
    Command("compare", CompareOptions, compare),
    Command("today", NoOptions, today),
    Command("settings", SettingsOptions, settings, completers={"timezone": complete_timezone}),
    Command("equipment", EquipmentOptions, equipment),
    Command("help", NoOptions, help_),
)
ACTIONS = {"pick-goal": pick_goal, "today": today_button, "done": mark_done, "swap-pick": swap_pick, "swap": swap}
