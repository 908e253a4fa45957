"""The next working load for one exercise, from the user's logged sessions of it.

Rules (training-science.md §8, §9):

- Strength uses the NSCA 2-for-2 rule: when the last set beats the goal reps (the top of the
  range) by 2 or more in two consecutive sessions at the current load, add
  max(increment, 2.5 % of the load) rounded to the increment. That is the low end of both the
  ACSM 2009 "+2-10 %" and the NSCA relative alternative (2.5-10 %); the 10 % cap below is
  their high end.
- Hypertrophy, endurance and health use double progression: same load until every prescribed
  set reaches the top of the range, then one increment (reps restart at the bottom).
- A session that falls short (a set below the range, or fewer sets than prescribed) holds the
  load; every third one in a row cuts it by exactly 10 % (StrongLifts), which resets the count.
- No load moves more than 10 % from the last working session. Unloaded (0 kg) movements are
  exempt: any first increment would be infinitely "more".
- A deload week is suggested after six weeks without a new best session (estimated 1RM, or
  reps at an unloaded movement). Six weeks is the Rogerson 2024 survey's mean interval
  (5.8 weeks) in whole weeks. A logged deload session, or a break of a week or more (the mean
  deload lasts 6.4 days), restarts the clock. The deload load is the working load / 1.1
  (about 9 % down), so that going back to the working load afterwards is itself within the
  10 % limit; cutting the week's volume (§9) is the program's job.
- With no history, or when the prescribed rep range changes (a new goal), the load comes from
  the estimated 1RM rather than from the old load.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.coach.onerm import best_estimate, estimate_1rm
from bot.coach.vocabulary import Goal

MAX_LOAD_CHANGE = 0.10
STALL_CUT = 0.10
STALLS_BEFORE_CUT = 3
TWO_FOR_TWO_MARGIN = 2
TWO_FOR_TWO_SESSIONS = 2
STRENGTH_RELATIVE_STEP = 0.025
DELOAD_AFTER = timedelta(weeks=6)
RECOVERY_BREAK = timedelta(days=7)

_SAME_LOAD_TOLERANCE_KG = 1e-6


@dataclass(frozen=True)
class SessionResult:
    """One logged session of one exercise: the load and the reps done in each set.

    `deload` marks sessions of a deload week: they restart the no-progress clock and are
    otherwise ignored, so the working load resumes where it was.
    """

    date: date
    load_kg: float
    reps: tuple[int, ...]
    target_low: int
    target_high: int
    prescribed_sets: int
    deload: bool = False

    @property
    def completed_sets(self) -> bool:
        return len(self.reps) >= self.prescribed_sets

    @property
    def fell_short(self) -> bool:
        return not self.completed_sets or any(reps < self.target_low for reps in self.reps)

    @property
    def topped_range(self) -> bool:
        return self.completed_sets and all(reps >= self.target_high for reps in self.reps)

    @property
    def beat_goal_by_two(self) -> bool:
        """The NSCA 2-for-2 trigger: the last set beat the goal reps by at least two."""
        return (
            bool(self.reps)
            and not self.fell_short
            and self.reps[-1] >= self.target_high + TWO_FOR_TWO_MARGIN
        )

    @property
    def performance(self) -> tuple[float, int]:
        """What a new best means: a higher estimated 1RM, or more reps at the same one (0 kg)."""
        done = [reps for reps in self.reps if reps >= 1]
        if not done:
            return (0.0, 0)
        return (max(estimate_1rm(self.load_kg, reps) for reps in done), max(done))


class Decision(StrEnum):
    START = "start"
    INCREASE = "increase"
    HOLD = "hold"
    CUT = "cut"
    DELOAD = "deload"


class Reason(StrEnum):
    """Keys of the sentences in prompts/ that explain a decision."""

    START_FROM_E1RM = "progression.start.from_e1rm"
    START_BY_EFFORT = "progression.start.by_effort"
    REP_RANGE_CHANGED = "progression.start.rep_range_changed"
    TOP_OF_RANGE = "progression.increase.top_of_range"
    TWO_FOR_TWO = "progression.increase.two_for_two"
    BUILDING_REPS = "progression.hold.building_reps"
    TWO_FOR_TWO_PENDING = "progression.hold.two_for_two_pending"
    BELOW_RANGE = "progression.hold.below_range"
    THREE_STALLS = "progression.cut.three_stalls"
    NO_PROGRESS = "progression.deload.no_progress"


@dataclass(frozen=True)
class Progression:
    """`next_load_kg` is None when nothing is known to derive a load from: coach by effort.

    `stalls` counts the sessions in a row that fell short since the last cut, the latest
    included (3 on a cut, 0 after a session in range).
    """

    next_load_kg: float | None
    decision: Decision
    reason_key: Reason
    stalls: int

    @property
    def deload_suggested(self) -> bool:
        return self.decision is Decision.DELOAD


def rederive_load(e1rm_kg: float, target_pct_1rm: float) -> float:
    """A working load from an estimated 1RM, e.g. after a change of goal (percent, 0-100]."""
    if not 0 < target_pct_1rm <= 100:
        raise ValueError(f"target %1RM must be in (0, 100], got {target_pct_1rm}")
    return e1rm_kg * target_pct_1rm / 100


def next_working_load(
    history: Sequence[SessionResult],
    goal: Goal,
    increment_kg: float,
    e1rm_kg: float | None,
    target_pct_1rm: float,
    target_reps: tuple[int, int] | None = None,
) -> Progression:
    """The load for the next session of one exercise, and why.

    `history` is every logged session of the exercise, in any order. `e1rm_kg` (if known) and
    `target_pct_1rm` (the goal's intensity, in percent) seed the load when there is no
    history, or when `target_reps`, the rep range about to be prescribed, differs from the
    last session's.
    """
    if increment_kg <= 0:
        raise ValueError(f"increment must be positive, got {increment_kg}")
    logged = sorted(history, key=lambda session: session.date)
    working = [session for session in logged if not session.deload]
    if not working:
        if e1rm_kg is None:
            return Progression(None, Decision.START, Reason.START_BY_EFFORT, 0)
        load = rederive_load(e1rm_kg, target_pct_1rm)
        return Progression(load, Decision.START, Reason.START_FROM_E1RM, 0)

    last = working[-1]
    if target_reps is not None and target_reps != (last.target_low, last.target_high):
        return _rederive_for_new_range(working, e1rm_kg, target_pct_1rm)

    stalls = _stalls_since_cut(working)
    increase = _increase(working, goal, increment_kg)
    if increase is not None:
        return increase
    if _weeks_without_progress_exceeded(logged):
        return Progression(
            last.load_kg / (1 + MAX_LOAD_CHANGE), Decision.DELOAD, Reason.NO_PROGRESS, stalls
        )
    if stalls == STALLS_BEFORE_CUT:
        return Progression(
            last.load_kg * (1 - STALL_CUT), Decision.CUT, Reason.THREE_STALLS, stalls
        )
    if stalls:
        return Progression(last.load_kg, Decision.HOLD, Reason.BELOW_RANGE, stalls)
    waiting = Reason.TWO_FOR_TWO_PENDING if goal is Goal.STRENGTH else Reason.BUILDING_REPS
    return Progression(last.load_kg, Decision.HOLD, waiting, 0)


def _rederive_for_new_range(
    working: Sequence[SessionResult], e1rm_kg: float | None, target_pct_1rm: float
) -> Progression:
    if e1rm_kg is None:
        logged_best = best_estimate(
            (session.load_kg, reps) for session in working for reps in session.reps
        )
        e1rm_kg = logged_best.e1rm_kg if logged_best else None
    if e1rm_kg is None:
        return Progression(None, Decision.START, Reason.START_BY_EFFORT, 0)
    load = rederive_load(e1rm_kg, target_pct_1rm)
    return Progression(load, Decision.START, Reason.REP_RANGE_CHANGED, 0)


def _increase(
    working: Sequence[SessionResult], goal: Goal, increment_kg: float
) -> Progression | None:
    last = working[-1]
    if goal is Goal.STRENGTH:
        recent = working[-TWO_FOR_TWO_SESSIONS:]
        earned = len(recent) == TWO_FOR_TWO_SESSIONS and all(
            session.beat_goal_by_two
            and abs(session.load_kg - last.load_kg) < _SAME_LOAD_TOLERANCE_KG
            and (session.target_low, session.target_high) == (last.target_low, last.target_high)
            for session in recent
        )
        if not earned:
            return None
        # Half up, not Python's half-to-even: 2.5 % of 100 kg on 1 kg plates is 3 kg, not 2.
        increments = math.floor(last.load_kg * STRENGTH_RELATIVE_STEP / increment_kg + 0.5)
        step = max(1, increments) * increment_kg
        return Progression(
            _capped_rise(last.load_kg, step), Decision.INCREASE, Reason.TWO_FOR_TWO, 0
        )
    if not last.topped_range:
        return None
    return Progression(
        _capped_rise(last.load_kg, increment_kg), Decision.INCREASE, Reason.TOP_OF_RANGE, 0
    )


def _capped_rise(load_kg: float, step_kg: float) -> float:
    if load_kg <= 0:
        return load_kg + step_kg
    return min(load_kg + step_kg, load_kg * (1 + MAX_LOAD_CHANGE))


def _stalls_since_cut(working: Sequence[SessionResult]) -> int:
    in_a_row = 0
    for session in reversed(working):
        if not session.fell_short:
            break
        in_a_row += 1
    # Counting in blocks of three keeps the reset even if plate rounding undid the cut.
    return (in_a_row - 1) % STALLS_BEFORE_CUT + 1 if in_a_row else 0


def _weeks_without_progress_exceeded(logged: Sequence[SessionResult]) -> bool:
    clock_start = logged[0].date
    best = (float("-inf"), 0)
    previous_date = logged[0].date
    for session in logged:
        if session.deload or session.date - previous_date >= RECOVERY_BREAK:
            clock_start = session.date
        elif session.performance > best:
            clock_start = session.date
        if not session.deload:
            best = max(best, session.performance)
        previous_date = session.date
    return logged[-1].date - clock_start >= DELOAD_AFTER
