"""Today's plan under the user's safety state: readiness screen limits and pain holds (issue 10).

`guard` runs on every plan /today and the log buttons use, so what is shown, what "log as
prescribed" records and what the form offers are the same capped session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coach.dates import day_start
from bot.coach.onerm import best_estimate
from bot.coach.planner import Session
from bot.coach.safety import conservative, hold
from bot.coach.units import from_kg, increment_in
from bot.commands.base import Context
from bot.commands.formatting import lifted as shown_load
from bot.store.training_log import LogEntry

# How far back the last load, the last pain report and the 1RM estimate are looked for.
RECENT = timedelta(weeks=26)


@dataclass(frozen=True)
class SafetyState:
    conservative: bool = False  # a readiness "yes" not yet followed by clearance
    paused: dict[str, datetime] = field(default_factory=dict)  # exercise key -> paused (sharp pain) at
    mild: frozenset[str] = frozenset()  # exercise keys last logged with mild pain: load held


def last_loads(entries: list[LogEntry]) -> dict[str, LogEntry]:
    """Exercise key -> its latest entry (entries in time order)."""
    latest: dict[str, LogEntry] = {}
    for entry in entries:
        latest[entry.exercise] = entry
    return latest


async def guard(ctx: Context, session: Session, histories: Mapping[str, list[LogEntry]]) -> tuple[Session, SafetyState]:
    """The session with every safety limit applied, and what was applied (for /today to explain).

    `histories`: each planned exercise's latest sessions, oldest first (`lift_histories`); only
    entries of the last `RECENT` weeks count.
    """
    user_id = ctx.caller.user_id
    screen = await ctx.app.safety.screen(user_id)
    paused = await ctx.app.safety.pauses(user_id)
    keys = {planned.exercise.key for planned in session.exercises}
    # From the start of a local day, so the guard is a function of the day (bot.commands.prepared).
    zone = ZoneInfo(ctx.profile.timezone)
    since = day_start(ctx.now.astimezone(zone).date() - RECENT, zone)
    entries = [e for key in keys for e in histories.get(key, ()) if e.logged_at >= since]
    latest = last_loads(entries)
    unit = ctx.profile.units
    exercises = {planned.exercise.key: planned.exercise for planned in session.exercises}
    lifted = {key: exercises[key].as_load(shown_load(entry.weight_kg, unit)) for key, entry in latest.items()}
    mild = frozenset(key for key, entry in latest.items() if entry.pain == "mild" and key not in paused)
    state = SafetyState(conservative=screen is not None and screen.conservative, paused=paused, mild=mild)
    held = tuple(
        hold(planned, lifted.get(planned.exercise.key)) if planned.exercise.key in paused or planned.exercise.key in mild
        else planned
        for planned in session.exercises
    )
    session = replace(session, exercises=held)
    if state.conservative:
        assert ctx.profile.goal is not None
        limits = ctx.app.conservative_limits
        band = ctx.app.rules.level(ctx.profile.goal, limits.intensity_level).intensity_pct
        # Every set of the last RECENT weeks, not only the latest sessions: the estimate caps the load.
        recent = await ctx.app.log.entries(user_id, since=since)
        estimates = {}
        for key in keys:
            if not exercises[key].has_1rm:
                continue
            estimate = best_estimate((e.weight_kg, e.reps) for e in recent if e.exercise == key and e.weight_kg > 0)
            if estimate is not None:
                estimates[key] = from_kg(estimate.e1rm_kg, unit)
        steps = {p.exercise.key: increment_in(unit, p.exercise.increment_kg) for p in session.exercises
                 if p.exercise.increment_kg > 0}
        session = conservative(session, limits, (band.low, band.high), lifted, steps, estimates)
    return session, state
