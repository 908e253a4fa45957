"""/goal, /compare, /today, /settings and /help, plus the goal picker and the Done button."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.coach.planner import PlannedExercise, Session, split_name
from bot.coach.rules import GoalTable, LevelRules
from bot.coach.schedule import ScheduleError, load_zone, search_zones
from bot.coach.units import format_load
from bot.coach.vocabulary import MAX_DAYS_PER_WEEK, MIN_DAYS_PER_WEEK, Equipment, Experience, Goal, Unit
from bot.commands.base import Command, Context, Interaction
from bot.commands.formatting import duration_span, span
from bot.commands.planning import adherence_line, planned_session, todays_plan
from bot.commands.safety import offer_screen_on_first_goal, safety_lines
from bot.errors import UserError
from bot.replies import Button, ButtonStyle, Choice, Menu, Reply, Section, Tone

VARIABLES = ("intensity", "repetitions", "sets", "rest", "selection")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GoalOptions(Options):
    goal: Goal | None = None
    experience: Experience | None = None
    days: int | None = Field(default=None, ge=MIN_DAYS_PER_WEEK, le=MAX_DAYS_PER_WEEK)
    equipment: Equipment | None = None


class CompareOptions(Options):
    first: Goal = Goal.STRENGTH
    second: Goal = Goal.HYPERTROPHY


class SettingsOptions(Options):
    units: Unit | None = None
    timezone: str | None = Field(default=None, max_length=64)


class NoOptions(Options):
    pass


# -- rule tables ---------------------------------------------------------------------------


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
        title=ctx.text("goal.title", goal=table.title, experience=ctx.text(f"experience.{experience.value}")),
        body=f"{table.summary}\n\n{intro}",
        sections=sections,
        buttons=(Button(label=ctx.text("buttons.today"), action=ctx.action("today"), style=ButtonStyle.PRIMARY),),
        tone=Tone.SUCCESS if saved else Tone.INFO,
    )


def goal_picker(ctx: Context, *, body_key: str = "goal.pick") -> Reply:
    choices = tuple(
        Choice(label=ctx.app.rules.table(goal).title, value=goal.value, description=ctx.text(f"goal.blurb.{goal.value}"))
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


async def compare(ctx: Context, options: CompareOptions) -> Reply:
    experience = ctx.profile.experience
    first, second = ctx.app.rules.table(options.first), ctx.app.rules.table(options.second)
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
                ),
            )
        )
    return Reply(
        title=ctx.text("compare.title", first=first.title, second=second.title),
        body=ctx.text("compare.intro", experience=ctx.text(f"experience.{experience.value}")),
        sections=tuple(sections),
    )


# -- /today ----------------------------------------------------------------------------------


def exercise_line(ctx: Context, planned: PlannedExercise, unit: Unit) -> str:
    prescription = ctx.text(
        "today.prescription",
        sets=planned.sets,
        reps=span(planned.reps_low, planned.reps_high),
        pct=span(planned.pct_low, planned.pct_high),
        rir=span(planned.rir_low, planned.rir_high),
        rest=duration_span(planned.rest_seconds, planned.rest_seconds),
    )
    if planned.load is not None:
        load = ctx.text("today.load", load=format_load(planned.load, unit))
    else:
        load = ctx.text(
            "today.effort_cue",
            reps=planned.reps_high,
            rir=span(planned.rir_low, planned.rir_high),
        )
    return f"{prescription}\n{load}"


def session_reply(
    ctx: Context, session: Session, *, extra_lines: tuple[str, ...] = (), extra_buttons: tuple[Button, ...] = ()
) -> Reply:
    profile = ctx.profile
    assert profile.goal is not None
    table = ctx.app.rules.table(profile.goal)
    sections = tuple(
        Section(name=f"{index}. {planned.exercise.name}", value=exercise_line(ctx, planned, profile.units))
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
        *extra_lines,
    ]
    rotation = str(session.rotation_index)
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
    )


async def today(ctx: Context, options: NoOptions) -> Reply:
    if ctx.profile.goal is None:
        return goal_picker(ctx, body_key="today.needs_goal")
    plan = await todays_plan(ctx)
    names = {planned.exercise.key: planned.exercise.name for planned in plan.session.exercises}
    safety, buttons = safety_lines(ctx, plan.safety, names)
    lines = (*safety, await adherence_line(ctx), *progression_lines(ctx, plan))
    return session_reply(ctx, plan.session, extra_lines=lines, extra_buttons=buttons)


async def today_button(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    return await today(ctx, NoOptions())


def progression_lines(ctx: Context, plan) -> tuple[str, ...]:
    """One line per exercise whose load moved, or a deload suggestion, from the user's log."""
    lines = []
    names = {p.exercise.key: p.exercise.name for p in plan.session.exercises}
    for key, progression in plan.progressions.items():
        if progression.decision.value in {"increase", "cut", "deload"}:
            lines.append(ctx.text(progression.reason_key.value, exercise=names[key]))
    return tuple(lines)


async def mark_done(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    profile = ctx.profile
    if profile.goal is None or not argument.isdigit():
        raise UserError("errors.stale_button")
    expected = int(argument)
    session = planned_session(ctx, expected)
    recorded = await ctx.app.users.complete_session(
        ctx.caller.user_id, expected, session.day_label, profile.goal, ctx.now, source="button"
    )
    if recorded is None:
        return Reply(body=ctx.text("today.already_done", day=session.day_label), ephemeral=True, tone=Tone.WARNING)
    ctx.profile = await ctx.app.users.get(ctx.caller.user_id)
    following = planned_session(ctx)
    return Reply(
        title=ctx.text("today.done_title"),
        body=ctx.text("today.done", day=session.day_label, next_day=following.day_label),
        tone=Tone.SUCCESS,
    )


# -- /settings -------------------------------------------------------------------------------


async def settings(ctx: Context, options: SettingsOptions) -> Reply:
    changes: dict[str, object] = {}
    if options.units is not None:
        changes["units"] = options.units
    if options.timezone is not None:
        try:
            changes["timezone"] = load_zone(options.timezone).key
        except ScheduleError:
            raise UserError("errors.timezone", timezone=options.timezone) from None
    if changes:
        ctx.profile = await ctx.app.users.update(ctx.caller.user_id, ctx.now, **changes)
    profile = ctx.profile
    return Reply(
        title=ctx.text("settings.title"),
        body=ctx.text(
            "settings.saved" if changes else "settings.current",
            units=profile.units.value,
            timezone=profile.timezone,
        ),
        tone=Tone.SUCCESS if changes else Tone.INFO,
    )


async def complete_timezone(ctx: Context, typed: str) -> list[tuple[str, str]]:
    return [(name, name) for name in search_zones(typed, limit=25)]


# -- /help -----------------------------------------------------------------------------------


async def help_(ctx: Context, options: NoOptions) -> Reply:
    names = sorted({name.split(" ")[0] for name in ctx.app.commands})
    lines = [ctx.text("help.line", command=name, summary=ctx.text(f"help.commands.{name}")) for name in names]
    return Reply(title=ctx.text("help.title"), body="\n".join([ctx.text("help.intro"), "", *lines]))


COMMANDS = (
    Command("goal", GoalOptions, goal),
    Command("compare", CompareOptions, compare),
    Command("today", NoOptions, today),
    Command("settings", SettingsOptions, settings, completers={"timezone": complete_timezone}),
    Command("help", NoOptions, help_),
)
ACTIONS = {"pick-goal": pick_goal, "today": today_button, "done": mark_done}
