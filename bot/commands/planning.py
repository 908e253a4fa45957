"""Today's session with loads: the planner's prescription moved by the user's own log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coach.adherence import adherence
from bot.coach.catalogue import Exercise
from bot.coach.onerm import best_estimate
from bot.coach.planner import PlannedExercise, PlanRequest, Session, add_sets
from bot.coach.progression import Progression, SessionResult, next_working_load
from bot.coach.vocabulary import Muscle
from bot.commands.base import Context
from bot.commands.guardrails import SafetyState, guard
from bot.store.training_log import LogEntry

ESTIMATE_WINDOW = timedelta(weeks=12)
ADHERENCE_HISTORY = timedelta(weeks=104)


@dataclass(frozen=True)
class TodaysPlan:
    session: Session
    progressions: dict[str, Progression]
    safety: SafetyState


def plan_request(ctx: Context, rotation_index: int | None = None) -> PlanRequest:
    profile = ctx.profile
    assert profile.goal is not None
    return PlanRequest(
        goal=profile.goal,
        experience=profile.experience,
        days_per_week=profile.days_per_week,
        equipment=profile.equipment,
        rotation_index=profile.rotation_index if rotation_index is None else rotation_index,
        unit=profile.units,
    )


def local_date(moment: datetime, zone: ZoneInfo):
    return moment.astimezone(zone).date()


def session_results(entries: list[LogEntry], planned: PlannedExercise, zone: ZoneInfo) -> list[SessionResult]:
    """One SessionResult per local training day: the heaviest load's sets that day."""
    by_day: dict = defaultdict(list)
    for entry in entries:
        by_day[local_date(entry.logged_at, zone)].append(entry)
    results = []
    for day, day_entries in sorted(by_day.items()):
        top = max(entry.weight_kg for entry in day_entries)
        working = [entry for entry in day_entries if entry.weight_kg == top]
        reps = tuple(entry.reps for entry in working for _ in range(entry.sets))
        first = working[0]
        results.append(
            SessionResult(
                date=day,
                load_kg=top,
                reps=reps,
                target_low=first.target_low or planned.reps_low,
                target_high=first.target_high or planned.reps_high,
                prescribed_sets=first.prescribed_sets or len(reps),
            )
        )
    return results


def estimated_1rm(history: list[LogEntry], now: datetime) -> float | None:
    """The best estimate from the last ESTIMATE_WINDOW of one exercise's log."""
    recent = [entry for entry in history if entry.weight_kg > 0 and entry.logged_at >= now - ESTIMATE_WINDOW]
    estimate = best_estimate((entry.weight_kg, entry.reps) for entry in recent)
    return estimate.e1rm_kg if estimate else None


def planned_session(ctx: Context, rotation_index: int | None = None) -> Session:
    """The prescription without loads: enough for day labels and rep targets, and no log queries."""
    return ctx.app.planner.session(plan_request(ctx, rotation_index))


async def todays_plan(ctx: Context, rotation_index: int | None = None) -> TodaysPlan:
    """Plan once to learn the exercises, then again with each one's working load."""
    request = plan_request(ctx, rotation_index)
    draft = ctx.app.planner.session(request)
    zone = ZoneInfo(ctx.profile.timezone)
    working: dict[str, float] = {}
    progressions: dict[str, Progression] = {}
    for planned in draft.exercises:
        exercise = planned.exercise
        if not exercise.loadable:
            continue
        history = await ctx.app.log.entries(ctx.caller.user_id, exercise=exercise.key)
        progression = next_working_load(
            session_results(history, planned, zone),
            request.goal,
            exercise.increment_kg,
            estimated_1rm(history, ctx.now),
            (planned.pct_low + planned.pct_high) / 2,
            (planned.reps_low, planned.reps_high),
        )
        progressions[exercise.key] = progression
        if progression.next_load_kg is not None:
            working[exercise.key] = progression.next_load_kg
    session, safety = await guard(ctx, ctx.app.planner.session(replace(request, working_load_kg=working)))
    return TodaysPlan(session, progressions, safety)


def hard_sets_by_muscle(entries: list[LogEntry], exercises: dict[str, Exercise]) -> dict[Muscle, float]:
    """Logged sets per muscle, counted as the planner budgets them (primary 1, secondary 0.5)."""
    totals = {muscle: 0.0 for muscle in Muscle}
    for entry in entries:
        exercise = exercises.get(entry.exercise)
        if exercise is not None:
            add_sets(totals, exercise, entry.sets)
    return {muscle: sets for muscle, sets in totals.items() if sets}


async def adherence_line(ctx: Context) -> str:
    zone = ZoneInfo(ctx.profile.timezone)
    done = await ctx.app.users.completed_session_times(ctx.caller.user_id, ctx.now - ADHERENCE_HISTORY)
    summary = adherence(done, zone, ctx.profile.days_per_week, ctx.now)
    return ctx.text(
        "adherence.line",
        done=summary.sessions_this_week,
        target=summary.target,
        days=summary.training_days_this_week,
        guideline=summary.guideline,
        streak=summary.streak_weeks,
    )
