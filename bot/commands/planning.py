"""Today's session with loads: the planner's prescription moved by the user's own log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import metrics
from bot.coach.adherence import Adherence, adherence
from bot.coach.catalogue import Exercise, Gear, Measure
from bot.coach.dates import day_start
from bot.coach.loading import EquipmentProfile, LoadGrid, is_hard_set
from bot.coach.planner import PlannedExercise, PlanRequest, Session, add_sets
from bot.coach.progression import Progression, SessionResult, Target, next_working_load, reps_progression
from bot.coach.units import format_load
from bot.coach.vocabulary import Muscle, Unit
from bot.commands.base import Context
from bot.commands.formatting import lifted
from bot.commands.guardrails import SafetyState, guard
from bot.commands.prepared import PlanKey, Prepared
from bot.replies import Reply
from bot.store.training_log import LogEntry

ADHERENCE_HISTORY = timedelta(weeks=104)
# Sessions of one lift the progression reads, in multiples of the longest look-back of its rules
# (`sessions_without_progress`, 6 sessions in data/loading.toml): four times it, so a stall, a run
# of failures, the last deload and the best load all fall inside. Reading a window instead of the
# whole log keeps /today and /log as fast after five years of training as after five weeks.
PROGRESSION_WINDOW = 4


@dataclass(frozen=True)
class TodaysPlan:
    session: Session  # with loads and the safety limits applied
    progressions: dict[str, Progression]  # exercise key -> where its load goes next, from its log
    equipment: EquipmentProfile
    safety: SafetyState
    draft: Session  # the prescription before loads: what /log answers a set against


async def equipment_profile(ctx: Context) -> EquipmentProfile:
    """The lifter's equipment in their unit: their own values over the unit's defaults."""
    unit = ctx.profile.units
    own = await ctx.app.equipment.get(ctx.caller.user_id)
    values = {"bar": own.bar_kg, "plate_pair": own.plate_pair_kg, "dumbbell_step": own.dumbbell_kg,
              "machine_step": own.machine_kg}
    chosen: dict = {k: in_unit(v, unit) for k, v in values.items() if v is not None}
    if own.kettlebells_kg:
        chosen["kettlebell_sizes"] = tuple(sorted({in_unit(size, unit) for size in own.kettlebells_kg}))
    return ctx.app.loading.profile(unit, **chosen)


async def plan_request(ctx: Context, rotation_index: int | None = None) -> PlanRequest:
    profile = ctx.profile
    assert profile.goal is not None
    return PlanRequest(
        goal=profile.goal,
        experience=profile.experience,
        days_per_week=profile.days_per_week,
        equipment=profile.equipment,
        rotation_index=profile.rotation_index if rotation_index is None else rotation_index,
        unit=profile.units,
        swaps=await ctx.app.swaps.all(ctx.caller.user_id),
    )


def load_text(ctx: Context, exercise: Exercise | None, value: float, unit: Unit) -> str:
    """A load in the lifter's words, by the exercise's kind: "100 kg", "+10 kg" (added to
    bodyweight), "bodyweight" (no added load), "−20 kg assistance"."""
    if exercise is not None and exercise.assisted and value:
        return ctx.text("loads.assistance", load=format_load(abs(value), unit))
    if exercise is not None and exercise.assisted:
        return ctx.text("loads.bodyweight")
    if exercise is not None and exercise.added_load:
        return ctx.text("loads.added", load=format_load(value, unit)) if value > 0 else ctx.text("loads.bodyweight")
    if exercise is not None and not exercise.loadable and not value:
        return ctx.text("loads.bodyweight")
    return format_load(value, unit)


def local_date(moment: datetime, zone: ZoneInfo):
    return moment.astimezone(zone).date()


def today(ctx: Context) -> date:
    """The lifter's local date now."""
    return local_date(ctx.now, ZoneInfo(ctx.profile.timezone))


async def _kept(ctx: Context, rotation_index: int | None = None, *, keeping: bool = True
                ) -> tuple[Prepared | None, bool]:
    """This lifter's kept plan for today (`bot.commands.prepared`), and whether to keep what is computed.

    With `keeping`, a lifter with no current entry gets an empty one to keep into; without, this
    only looks (a caller that computes no plan must not push out another lifter's). Nothing is kept
    for another day of the rotation than the profile's. A command that has written looks for a
    plan under the revision its writes made (read again), and keeps none: its writes are not
    committed yet, and would move the revision of a rolled-back plan.
    """
    if rotation_index not in (None, ctx.profile.rotation_index) or not ctx.app.prepared.capacity:
        return None, False
    user_id = ctx.caller.user_id
    if ctx.app.db.holds_connection():
        revision = await ctx.app.users.plan_revision(user_id)
        if revision is None:
            return None, False
        return ctx.app.prepared.get(user_id, PlanKey(ctx.profile.created_at, revision, today(ctx))), False
    key = PlanKey(ctx.profile.created_at, ctx.profile.plan_revision, today(ctx))
    if not keeping:
        return ctx.app.prepared.get(user_id, key), False
    return ctx.app.prepared.slot(user_id, key, ctx.profile.timezone), True


def in_unit(kg: float, unit: Unit) -> float:
    """A stored load back in the user's unit, as they typed it (225 lb stays 225, never 220) and as
    every reply shows it (`formatting.lifted`: 30 kg is 66.1 lb)."""
    return lifted(kg, unit)


def session_results(
    entries: list[LogEntry], planned: PlannedExercise, zone: ZoneInfo, unit: Unit, grid: LoadGrid | None = None
) -> list[SessionResult]:
    """One SessionResult per local training day: the working load's sets that day, in `unit`
    (`working_load_of_day` says which load that is).

    A load logged in `unit` is kept exactly; one logged in the other unit (before a switch of
    units) is moved to the nearest load the user's own plates make. An assisted lift's stored
    weight is its assistance: its load is the negative of it, and its heaviest load the least
    assistance.
    """
    sign = -1.0 if planned.exercise.assisted else 1.0
    by_day: dict = defaultdict(list)
    for entry in entries:
        by_day[local_date(entry.logged_at, zone)].append(entry)
    results = []
    for day, day_entries in sorted(by_day.items()):
        top = working_load_of_day(day_entries, sign, planned.reps_low)
        if top is None:
            continue
        working = [entry for entry in day_entries if abs(sign * entry.weight_kg - top) < 1e-9]
        reps = tuple(entry.reps for entry in working for _ in range(entry.sets))
        rpe = tuple(entry.rpe for entry in working for _ in range(entry.sets))
        first = working[0]
        load = sign * in_unit(abs(top), unit)
        if grid is not None and first.entered_unit is not unit and load != 0:
            load = grid.nearest(load)
        results.append(
            SessionResult(
                date=day,
                load=load,
                reps=reps,
                target_low=first.target_low or planned.reps_low,
                target_high=first.target_high or planned.reps_high,
                prescribed_sets=first.prescribed_sets or len(reps),
                rpe=rpe,
                deload=any(entry.deload for entry in day_entries),
            )
        )
    return results


def working_load_of_day(day_entries: list[LogEntry], sign: float = 1.0, reps_low: int = 1) -> float | None:
    """The load (kg; times `sign`, -1 for an assisted lift's assistance) of one day's working sets of
    one lift, whose sets progression reads:

    1. the load /today prescribed (`prescribed_kg`), when a set was done at it: a warm-up logged as
       work, a heavy single or back-off sets beside it change nothing, and a prescribed load tried
       and missed, then finished lighter, is a day that fell short at the prescribed load;
    2. otherwise (a load of the lifter's own choosing, an import, a set logged before loads were
       kept) the heaviest load done for at least the bottom of its rep range (`target_low`, else
       `reps_low`): lighter warm-ups and a heavier single are not the working sets;
    3. otherwise the heaviest load: every set fell short of the range; or None when each of those
       sets was heavier than its prescription (a day of heavy singles, a test): no working sets,
       and progression skips the day.

    Drop sets (an import's `drop`) never set it unless the day holds nothing else. §8 speaks of
    "the current load lifted" without defining a top set; this is Liftcoach's reading of it.
    """
    work = [entry for entry in day_entries if entry.kind != "drop"] or day_entries
    at_prescription = [entry for entry in work if entry.prescribed_kg is not None
                       and abs(entry.weight_kg - entry.prescribed_kg) < 1e-6]
    if at_prescription:
        return sign * at_prescription[0].weight_kg
    in_range = [sign * entry.weight_kg for entry in work if entry.reps >= (entry.target_low or reps_low)]
    if in_range:
        return max(in_range)
    if all(entry.prescribed_kg is not None and sign * entry.weight_kg > sign * entry.prescribed_kg for entry in work):
        return None
    return max(sign * entry.weight_kg for entry in work)


async def planned_session(ctx: Context, rotation_index: int | None = None) -> Session:
    """The prescription without loads: enough for day labels and rep targets, and no log queries."""
    return ctx.app.planner.session(await plan_request(ctx, rotation_index))


def progression_for(
    ctx: Context, request: PlanRequest, planned: PlannedExercise, history: list[LogEntry], equipment: EquipmentProfile
) -> Progression | None:
    """Where this exercise's load (or reps) goes next, from its logged `history`; None if nothing to say."""
    exercise = planned.exercise
    zone = ZoneInfo(ctx.profile.timezone)
    unit = ctx.profile.units
    grid = ctx.app.loading.grid(exercise, unit, equipment)
    target = Target(planned.reps_low, planned.reps_high, planned.rir_low, planned.pct_low)
    if not exercise.loadable or grid is None:
        if exercise.measure is not Measure.REPS:
            return None
        return reps_progression(session_results(history, planned, zone, unit), target, exercise.harder is not None,
                                band=exercise.equipment is Gear.BAND)
    return next_working_load(
        session_results(history, planned, zone, unit, grid),
        request.goal,
        request.experience,
        grid,
        target,
        ctx.app.loading.progression,
        today=local_date(ctx.now, zone),
    )


async def lift_histories(ctx: Context, keys: list[str]) -> dict[str, list[LogEntry]]:
    """The lifter's latest training days (local days) of each exercise that progression reads,
    oldest first, read together."""
    zone = ZoneInfo(ctx.profile.timezone)
    return await ctx.app.log.recent_sessions_of(ctx.caller.user_id, keys, progression_sessions(ctx),
                                                lambda moment: local_date(moment, zone))


async def before_this_session(ctx: Context, histories: Mapping[str, list[LogEntry]]) -> dict[str, list[LogEntry]]:
    """`histories` (exercise key -> entries) without the sets of the session in progress (since
    `session_start`): what /log answers a set against.

    A set is measured against the prescription the session began with: a first set (or a warm-up
    logged as work) must not move the prescribed load, deload or rep target of the sets after it.
    """
    since = await current_session_start(ctx)
    return {key: [entry for entry in entries if entry.logged_at < since] for key, entries in histories.items()}


async def current_session_start(ctx: Context) -> datetime:
    """`session_start` from the lifter's latest completed session, as stored (one read)."""
    return session_start(ctx, await ctx.app.users.last_completed_at(ctx.caller.user_id))


def session_start(ctx: Context, last_completed: datetime | None) -> datetime:
    """Where today's session began (UTC): local midnight, or the last completed session if later."""
    zone = ZoneInfo(ctx.profile.timezone)
    since = datetime.combine(local_date(ctx.now, zone), time(), zone).astimezone(UTC)
    return last_completed if last_completed is not None and last_completed > since else since


def progression_sessions(ctx: Context) -> int:
    """How many sessions of a lift the progression reads (`PROGRESSION_WINDOW` x its longest look-back)."""
    return PROGRESSION_WINDOW * ctx.app.loading.progression.sessions_without_progress


async def todays_plan(ctx: Context, rotation_index: int | None = None) -> TodaysPlan:
    """Today's session with loads, the progressions behind them and the safety limits applied;
    the lifter's kept plan when there is one (`bot.commands.prepared`).

    `rotation_index`: the day of the rotation to plan (default: the profile's next one).
    """
    kept, keep = await _kept(ctx, rotation_index)
    metrics.count_plan("kept" if kept is not None and kept.plan is not None
                       else "prepared" if ctx.preparing else "computed")
    if kept is not None and kept.plan is not None:
        return kept.plan
    plan = await _compute_plan(ctx, rotation_index)
    if kept is not None and keep:
        kept.plan = plan
    return plan


async def todays_reply(ctx: Context, build: Callable[[Context], Awaitable[Reply]]) -> Reply:
    """/today's reply, kept with the lifter's plan (`bot.commands.prepared`): `build(ctx)` once per plan.

    The reply shows the plan, the week and profile settings that all move the plan revision
    (`PLAN_PROFILE_COLUMNS`), in prompts that never change while the bot runs, so a reply kept under
    the plan's key is the one `build` would give again. Building it (each lift's lines, the week's
    counts phrased, the reply's checks) was most of what a kept plan still cost /today beyond /help.
    """
    kept, keep = await _kept(ctx)
    if kept is not None and kept.reply is not None:
        metrics.count_plan("kept")
        return kept.reply
    reply = await build(ctx)
    if kept is not None and keep:
        kept.reply = reply
    return reply


async def todays_step(ctx: Context, key: str) -> tuple[Session, Progression | None]:
    """Today's prescription before loads, and where exercise `key`'s load goes next (None when it is
    not in today's session or nothing is known), from the kept plan when there is one: a lifter's
    first /log after /today reads nothing more."""
    kept, _ = await _kept(ctx, keeping=False)
    if kept is not None and kept.plan is not None:
        return kept.plan.draft, kept.plan.progressions.get(key)
    request = await plan_request(ctx)
    session = ctx.app.planner.session(request)
    target = next((planned for planned in session.exercises if planned.exercise.key == key), None)
    if target is None:
        return session, None
    history = (await before_this_session(ctx, await lift_histories(ctx, [key])))[key]
    return session, progression_for(ctx, request, target, history, await equipment_profile(ctx))


async def _compute_plan(ctx: Context, rotation_index: int | None) -> TodaysPlan:
    """Plan once to learn the exercises, then again with each one's working load."""
    request = await plan_request(ctx, rotation_index)
    draft = ctx.app.planner.session(request)
    equipment = await equipment_profile(ctx)
    histories = await lift_histories(ctx, [planned.exercise.key for planned in draft.exercises])
    working: dict[str, float] = {}
    reps_high: dict[str, int] = {}
    progressions: dict[str, Progression] = {}
    for planned in draft.exercises:
        progression = progression_for(ctx, request, planned, histories[planned.exercise.key], equipment)
        if progression is None:
            continue
        progressions[planned.exercise.key] = progression
        if progression.load is not None and planned.exercise.loadable:
            working[planned.exercise.key] = progression.load
        if progression.reps_high is not None:
            reps_high[planned.exercise.key] = progression.reps_high
    planned_today = ctx.app.planner.session(replace(request, working_load=working, reps_high=reps_high))
    session, safety = await guard(ctx, planned_today, histories)
    return TodaysPlan(session, progressions, equipment, safety, draft)


def hard_sets_by_muscle(entries: list[LogEntry], exercises: dict[str, Exercise], min_rpe: float) -> dict[Muscle, float]:
    """Logged hard sets per muscle, counted as the planner budgets them (primary 1, secondary 0.5);
    a set logged with an RPE below `min_rpe` (`VolumeRules.hard_set_min_rpe`) is no hard set."""
    counts: dict[str, int] = defaultdict(int)
    for entry in entries:
        if is_hard_set(entry.rpe, min_rpe):
            counts[entry.exercise] += entry.sets
    return muscle_sets(counts, exercises)


def muscle_sets(sets_by_exercise: Mapping[str, int], exercises: dict[str, Exercise]) -> dict[Muscle, float]:
    """Sets per muscle from sets per exercise key (primary 1, secondary 0.5); muscles with none left out."""
    totals = {muscle: 0.0 for muscle in Muscle}
    for key, sets in sets_by_exercise.items():
        exercise = exercises.get(key)
        if exercise is not None:
            add_sets(totals, exercise, sets)
    return {muscle: sets for muscle, sets in totals.items() if sets}


async def week_adherence(ctx: Context) -> Adherence:
    """This week's sessions and training days and the streak of weeks meeting the guideline, as of
    the end of the lifter's local day (a function of the day, so it can be kept with the plan)."""
    kept, keep = await _kept(ctx)
    if kept is not None and kept.week is not None:
        return kept.week
    zone = ZoneInfo(ctx.profile.timezone)
    day = today(ctx)
    done = await ctx.app.users.completed_session_times(ctx.caller.user_id,
                                                       day_start(day - ADHERENCE_HISTORY, zone))
    week = adherence(done, zone, ctx.profile.days_per_week, day_start(day + timedelta(days=1), zone) - timedelta.resolution)
    if kept is not None and keep:
        kept.week = week
    return week


def adherence_text(ctx: Context, summary: Adherence) -> str:
    """This week against the plan and the guideline, with counts phrased and capped: "all 3 planned
    sessions and 1 extra", not "4 of 3"; "3 training days, meeting the guidelines' 2", not "3 of the 2"."""
    done, planned = summary.sessions_this_week, summary.target
    planned_text = ctx.plural("count.planned_sessions", planned)
    if done < planned:
        sessions = ctx.text("adherence.sessions_under", done=done, planned=planned_text)
    elif done == planned:
        sessions = ctx.text("adherence.sessions_all", planned=planned_text)
    else:
        sessions = ctx.text("adherence.sessions_over", planned=planned_text,
                            extra=ctx.plural("count.extra", done - planned))
    if summary.meets_guideline:
        days = ctx.text("adherence.days_met", guideline=summary.guideline,
                        training_days=ctx.plural("count.training_days", summary.training_days_this_week))
    else:
        days = ctx.text("adherence.days_under", done=summary.training_days_this_week, guideline=summary.guideline)
    streak = (ctx.text("adherence.streak", weeks=ctx.plural("count.weeks", summary.streak_weeks))
              if summary.streak_weeks else ctx.text("adherence.streak_none"))
    return ctx.text("adherence.line", sessions=sessions, days=days, streak=streak)


async def adherence_line(ctx: Context) -> str:
    return adherence_text(ctx, await week_adherence(ctx))
