"""The next working load for one exercise, from the user's logged sessions of it, and why.

Loads are in the user's own unit (kg or lb) and always on their equipment's grid
(`bot.coach.loading.LoadGrid`); a load that is held is the logged load, unrounded. The
numbers come from `data/loading.toml` (`ProgressionRules`), each citing
training-science.md. The rules:

- Effort counts, and nobody is asked to go past the prescribed reps in reserve: a session
  *succeeds* when every prescribed set reached the top of the rep range and no logged RPE is
  above the target RPE (10 - the prescribed RIR, §3.1). Sets logged without an RPE are
  taken as done at the prescribed effort.
- Strength novices progress linearly (§8 StrongLifts): every successful session adds the
  smallest achievable step. Other strength levels add it after `two_for_two_sessions`
  successful sessions in a row at one load (§8 NSCA 2-for-2, read with RIR), or at once when
  every set was rated below the target RPE (more in reserve than asked). Hypertrophy,
  endurance and health use double progression (§8): the load rises once every set reaches
  the top of the range.
- A rise is the smallest achievable step (next plate pair, dumbbell, stack plate or bell).
  That is never more than `max_rise` (10 %, §8) unless that step is itself the smallest.
- A big jump (a smallest step over `max_rise`, such as 12 to 16 kg bells; never a barbell's
  plate pair, which §8 StrongLifts adds from the empty bar on) waits for reps beyond
  the top of the range (§8 double progression: reps first, then load): the rep range at that
  load tops out at `jump_reps`, the reps whose Epley e1RM (§4) lets the heavier load be lifted
  for the range's bottom with the prescribed reps in reserve; a jump needing more than
  `jump_reps_max` is held. Sessions short of the range at a big jump's heavier load do not
  deload by effort at that load (which looped: short, deload, short): the lifter goes back to the
  lighter load to build those reps.
- Stalls are counted in sessions of this exercise, never in days: `fails_before_deload`
  sessions in a row short of the plan (sets or reps), or `sessions_without_progress` sessions
  without a new best (heavier load, or a higher RPE-anchored e1RM; for weighted and assisted
  lifts more reps per set at that load or a harder one), bring one deload session: the load cut
  by `deload_cut`, never below `deload_floor` of the best working load nor the empty bar; when
  no achievable load lies in between, the load stays and every set stops `deload_extra_rir`
  reps earlier (§9: a deload cuts load or effort).
  The deload is recorded with the logged sets (`SessionResult.deload`), which restarts the
  count; the next session returns to the working load. Deloads never compound.
- Back after a break (`break_days` or more since the lift's last session): the first session
  back is that same one lighter session, then the working load returns, instead of a rise
  earned before the time off.
- With no history, or a new rep range (a new goal), the load comes from an estimated 1RM at
  the light end of the goal's %1RM band, but only from reliable sets: at most
  `reliable_reps` reps, or RPE-anchored sets of at most `rpe_anchored_reps` (§4, §3.2).
  Without one the start is cautious: chosen by effort, and the reason says so.
- Weighted bodyweight (`grid.added`) and assisted (`grid.assisted`) lifts progress over the
  added load or the assistance itself, never over an e1RM: Liftcoach does not know the body
  mass that makes the total (§4's formulas need the total load lifted). Weighted lifts start at
  bodyweight (added load 0) and build reps to the top of the range before the first plate
  (§8 double progression); at 0 there is nothing to deload. Assisted lifts rise by one stack
  step less assistance; the step that would reach zero graduates the lifter to the bodyweight
  variation instead, and a deload is one step more assistance. A new rep range keeps the load
  when the new range asks for no more reps than the old one, and otherwise restarts one step
  easier (bodyweight, or one step more assistance): no e1RM to re-derive it from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from bot.coach.loading import LoadGrid, ProgressionRules
from bot.coach.vocabulary import Experience, Goal

MAX_RPE = 10.0
EASIER_BY_RPE = 0.5  # the finest step of the RPE scale (§3.1: half points)
_TOLERANCE = 1e-6


def reps_in_reserve(rpe: float | None) -> float:
    """RIR = 10 - RPE (§3.1, the app convention); an unrated set counts as taken to the limit."""
    return 0.0 if rpe is None else max(0.0, MAX_RPE - rpe)


def anchored_e1rm(load: float, reps: int, rpe: float | None) -> float:
    """Epley 1RM from reps plus reps in reserve: a set at RPE 8 counts as its reps + 2 (§3, §4)."""
    total = reps + reps_in_reserve(rpe)
    return load if total <= 1 else load * (1 + total / 30)


@dataclass(frozen=True)
class SessionResult:
    """One logged session of one exercise: the load (user's unit) and each set's reps and RPE.

    `deload` marks a recorded deload session: it restarts the stall count and is otherwise
    ignored, so the working load returns afterwards.
    """

    date: date
    load: float
    reps: tuple[int, ...]
    target_low: int
    target_high: int
    prescribed_sets: int
    rpe: tuple[float | None, ...] = ()
    deload: bool = False

    @property
    def rpes(self) -> tuple[float | None, ...]:
        return self.rpe or (None,) * len(self.reps)

    @property
    def completed_sets(self) -> bool:
        return len(self.reps) >= self.prescribed_sets

    @property
    def fell_short(self) -> bool:
        return not self.completed_sets or any(reps < self.target_low for reps in self.reps)

    @property
    def short_on_sets_only(self) -> bool:
        """Fewer sets than planned, every one of them in the range: the reason to give is the sets."""
        return not self.completed_sets and all(reps >= self.target_low for reps in self.reps)

    def succeeded(self, target_rpe: float) -> bool:
        """Every set at the top of the range, none harder than the target RPE."""
        return (
            self.completed_sets
            and all(reps >= self.target_high for reps in self.reps)
            and all(rpe is None or rpe <= target_rpe + _TOLERANCE for rpe in self.rpes)
        )

    @property
    def top_rpe(self) -> float | None:
        rated = [rpe for rpe in self.rpes if rpe is not None]
        return max(rated) if rated else None

    @property
    def performance(self) -> float:
        """The session's best RPE-anchored e1RM (or its best reps when unloaded)."""
        if not self.reps:
            return 0.0
        if self.load <= 0:
            return float(max(self.reps))
        return max(anchored_e1rm(self.load, reps, rpe) for reps, rpe in zip(self.reps, self.rpes, strict=True))


@dataclass(frozen=True)
class Target:
    """What is about to be prescribed: rep range, reps in reserve and %1RM band (percent)."""

    reps_low: int
    reps_high: int
    rir_low: int
    pct_low: float

    @property
    def target_rpe(self) -> float:
        return MAX_RPE - self.rir_low


class Decision(StrEnum):
    START = "start"
    CAUTIOUS = "cautious"
    INCREASE = "increase"
    HOLD = "hold"
    DELOAD = "deload"
    RETURN = "return"


class Reason(StrEnum):
    """Keys of the "why" sentences in prompts/ (the `facts` fill their placeholders)."""

    BODYWEIGHT_FIRST = "progression.start.bodyweight_first"
    NEW_RANGE_KEPT = "progression.start.new_range_kept"
    NEW_RANGE_EASIER = "progression.start.new_range_easier"
    GRADUATE = "progression.increase.graduate"
    HEAVIEST_OWNED = "progression.hold.heaviest_owned"
    ABOVE_OWNED = "progression.hold.above_owned"
    START_BY_EFFORT = "progression.start.by_effort"
    REP_RANGE_CHANGED = "progression.start.rep_range_changed"
    CAUTIOUS = "progression.start.cautious"
    LINEAR = "progression.increase.linear"
    TOP_OF_RANGE = "progression.increase.top_of_range"
    TWO_FOR_TWO = "progression.increase.two_for_two"
    EASIER_THAN_TARGET = "progression.increase.easier_than_target"
    HARDER_VARIATION = "progression.increase.harder_variation"
    ADD_LOAD = "progression.increase.add_load"
    STRONGER_BAND = "progression.increase.stronger_band"
    BUILDING_REPS = "progression.hold.building_reps"
    EFFORT_ABOVE_TARGET = "progression.hold.effort_above_target"
    BEFORE_JUMP = "progression.hold.before_jump"
    BUILDING_TO_JUMP = "progression.hold.building_to_jump"
    JUMP_TOO_BIG = "progression.hold.jump_too_big"
    BACK_BEFORE_JUMP = "progression.hold.back_before_jump"
    RESET_AFTER_FAILS = "progression.hold.reset_after_fails"
    TWO_FOR_TWO_PENDING = "progression.hold.two_for_two_pending"
    BELOW_RANGE = "progression.hold.below_range"
    FEWER_SETS = "progression.hold.fewer_sets"
    BELOW_RANGE_EASIER = "progression.hold.below_range_easier"
    AFTER_DELOAD = "progression.hold.after_deload"
    DELOAD_NO_PROGRESS = "progression.deload.no_progress"
    DELOAD_FAILS = "progression.deload.fails"
    DELOAD_BREAK = "progression.deload.break"


@dataclass(frozen=True)
class Progression:
    """`load` is None when nothing reliable is known: coach by effort.

    `facts` fill the reason's sentence: `step`, `weight`, `heavier` and `e1rm` are loads in the
    user's unit; `sets`, `reps`, `rpe`, `target`, `reached`, `sessions`, `days`, `extra_rir` are
    plain numbers or text. `reps_high`, when set, replaces the top of the rep range at this load:
    the reps to build before a big jump (`jump_reps`).
    """

    load: float | None
    decision: Decision
    reason: Reason
    facts: Mapping[str, object] = field(default_factory=dict)
    reps_high: int | None = None

    @property
    def is_deload(self) -> bool:
        return self.decision is Decision.DELOAD


def next_working_load(
    history: Sequence[SessionResult],
    goal: Goal,
    experience: Experience,
    grid: LoadGrid,
    target: Target,
    rules: ProgressionRules,
    *,
    today: date | None = None,
) -> Progression:
    """The load for the next session of one exercise, and why (`history` in any order).

    `today` is the lifter's local date; without it no break is detected.
    """
    progression = _next(history, goal, experience, grid, target, rules, today)
    if progression.load is None or progression.is_deload:
        return progression
    top = jump_reps(progression.load, grid, target, rules)
    if top is None:
        return progression
    top = min(top, rules.jump_reps_max)
    if progression.reason is Reason.BUILDING_REPS:
        # Say why the top is past the range's: the reps earn the big jump.
        facts = {**progression.facts, "top": top, "heavier": grid.next_above(progression.load)}
        progression = replace(progression, reason=Reason.BUILDING_TO_JUMP, facts=facts)
    return replace(progression, reps_high=top)


def jump_reps(load: float, grid: LoadGrid, target: Target, rules: ProgressionRules) -> int | None:
    """Reps per set at `load` (user's unit), `target.rir_low` in reserve, before the next achievable
    load when that step is a big jump (over `max_rise` of `load`), or None when it is not one or the
    range's top already earns it. Epley (§4): the heavier load must allow `target.reps_low` reps with
    `target.rir_low` in reserve. Weighted and assisted lifts have no e1RM here, and a barbell's step is
    the plate pair §8 StrongLifts adds every workout from the empty bar: None."""
    if grid.barbell or grid.added or grid.assisted or load <= 0:
        return None
    heavier = grid.next_above(load)
    if heavier - load <= rules.max_rise * load + _TOLERANCE:
        return None
    e1rm = heavier * (1 + (target.reps_low + target.rir_low) / 30)
    reps = math.ceil(30 * (e1rm / load - 1) - target.rir_low - _TOLERANCE)
    return reps if reps > target.reps_high else None


def _next(
    history: Sequence[SessionResult],
    goal: Goal,
    experience: Experience,
    grid: LoadGrid,
    target: Target,
    rules: ProgressionRules,
    today: date | None,
) -> Progression:
    logged = sorted(history, key=lambda session: session.date)
    working = [session for session in logged if not session.deload]
    if not working:
        if grid.added:
            return Progression(grid.lowest, Decision.START, Reason.BODYWEIGHT_FIRST, {"top": target.reps_high})
        return Progression(None, Decision.START, Reason.START_BY_EFFORT)
    last = working[-1]
    # A higher top with the same bottom is this range, extended before a big jump (`jump_reps`).
    if last.target_low != target.reps_low or last.target_high < target.reps_high:
        if grid.added or grid.assisted:
            return _new_range_without_body_mass(last, grid, target)
        return _start(working, grid, target, rules, Reason.REP_RANGE_CHANGED)

    days_off = (today - logged[-1].date).days if today is not None else 0
    if days_off >= rules.break_days and not (grid.added and last.load <= grid.lowest + _TOLERANCE):
        return _deload(working, grid, rules, Reason.DELOAD_BREAK, days=days_off)
    deloads = [session for session in logged if session.deload]
    since_deload = [s for s in working if not deloads or s.date > deloads[-1].date]
    if deloads and not since_deload:
        return Progression(last.load, Decision.RETURN, Reason.AFTER_DELOAD, {"weight": last.load})

    increase = _increase(working, goal, experience, grid, target, rules)
    if increase is not None:
        return increase
    if grid.added and last.load <= grid.lowest + _TOLERANCE:
        # Bodyweight alone: reps build to the top of the range; nothing lighter to deload to.
        if last.fell_short:
            return _below_range_easier(last, last.load)
        reached = sum(1 for reps in last.reps if reps >= last.target_high)
        return Progression(
            last.load, Decision.HOLD, Reason.BUILDING_REPS,
            {**_summary(last), "reached": reached, "top": last.target_high, "count": len(last.reps)},
        )

    # Failures count at the load failed now: sessions short of the plan at another load (fewer sets
    # at the lighter bell before a jump) are not failures of this one.
    fails = _trailing(since_deload, lambda session: session.fell_short and abs(session.load - last.load) <= _TOLERANCE)
    flat = _sessions_without_progress(working, _since_reset(since_deload), by_reps=grid.added or grid.assisted)
    if fails >= rules.fails_before_deload:
        deload = _deload(working, grid, rules, Reason.DELOAD_FAILS, sessions=fails)
        if _failed_here_before(working, deloads, rules) and "extra_rir" not in deload.facts:
            # A second run of failures at the load a deload already returned to: one more lighter
            # session would only loop (fail, deload, back, fail). §8/§9 StrongLifts: cut the load
            # 10 % and work back up from there.
            return Progression(deload.load, Decision.HOLD, Reason.RESET_AFTER_FAILS,
                               {"sessions": fails, "weight": last.load, "reset": deload.load})
        lighter = grid.down(last.load - grid_resolution(grid))
        top = jump_reps(lighter, grid, target, rules) if lighter < last.load - _TOLERANCE else None
        if "extra_rir" in deload.facts and top is not None:
            # Short of the range after a big jump: a deload by effort at the heavier load loops
            # (short, deload, short); the lighter load with more reps builds what the jump needs.
            return Progression(lighter, Decision.HOLD, Reason.BACK_BEFORE_JUMP,
                               {"sessions": fails, "weight": lighter, "heavier": last.load,
                                "top": min(top, rules.jump_reps_max)})
        return deload
    if flat >= rules.sessions_without_progress:
        return _deload(working, grid, rules, Reason.DELOAD_NO_PROGRESS, sessions=flat)
    summary = _summary(last)
    if fails and last.short_on_sets_only:
        return _fewer_sets(last, last.load)
    if fails:
        return Progression(last.load, Decision.HOLD, Reason.BELOW_RANGE, {**summary, "low": last.target_low})
    if last.succeeded(MAX_RPE) and not last.succeeded(target.target_rpe):
        return Progression(
            last.load, Decision.HOLD, Reason.EFFORT_ABOVE_TARGET, {**summary, "target": _number(target.target_rpe)}
        )
    if last.succeeded(target.target_rpe):
        return Progression(last.load, Decision.HOLD, Reason.TWO_FOR_TWO_PENDING, summary)
    reached = sum(1 for reps in last.reps if reps >= last.target_high)
    return Progression(
        last.load, Decision.HOLD, Reason.BUILDING_REPS,
        {**summary, "reached": reached, "top": last.target_high, "count": len(last.reps)},
    )


def reps_progression(
    history: Sequence[SessionResult], target: Target, has_harder: bool, *, band: bool = False
) -> Progression | None:
    """Unloaded moves progress by reps, then to a harder variation (a band move: a stronger band;
    otherwise added load); None if unlogged."""
    if not history:
        return None
    last = max(history, key=lambda session: session.date)
    if last.fell_short:
        return _below_range_easier(last, None)
    if last.succeeded(target.target_rpe):
        reason = Reason.HARDER_VARIATION if has_harder else Reason.STRONGER_BAND if band else Reason.ADD_LOAD
        return Progression(None, Decision.INCREASE, reason, {**_summary(last), "top": target.reps_high})
    reached = sum(1 for reps in last.reps if reps >= target.reps_high)
    return Progression(
        None, Decision.HOLD, Reason.BUILDING_REPS,
        {**_summary(last), "reached": reached, "top": target.reps_high, "count": len(last.reps)},
    )


def _below_range_easier(last: SessionResult, load: float | None) -> Progression:
    """Bodyweight alone is below the range: no lighter load exists, so an easier variation does
    the job a deload would (§8: reps within the range before anything harder)."""
    if last.short_on_sets_only:
        return _fewer_sets(last, load)
    return Progression(load, Decision.HOLD, Reason.BELOW_RANGE_EASIER,
                       {**_summary(last), "low": last.target_low})


def _fewer_sets(last: SessionResult, load: float | None) -> Progression:
    return Progression(load, Decision.HOLD, Reason.FEWER_SETS, {**_summary(last), "planned": last.prescribed_sets})


def reliable_estimate(
    sessions: Sequence[SessionResult], rules: ProgressionRules
) -> tuple[float, float, int, float | None] | None:
    """(e1RM, load, reps, RPE or None) of the best reliable set in `sessions`, or None (§4, §3.2)."""
    best: tuple[float, float, int, float | None] | None = None
    for session in sessions:
        if session.load <= 0:
            continue
        for reps, rpe in zip(session.reps, session.rpes, strict=True):
            reliable = reps <= rules.reliable_reps or (rpe is not None and reps <= rules.rpe_anchored_reps)
            if not reliable:
                continue
            e1rm = anchored_e1rm(session.load, reps, rpe)
            if best is None or e1rm > best[0]:
                best = (e1rm, session.load, reps, rpe)
    return best


def _start(
    working: Sequence[SessionResult], grid: LoadGrid, target: Target, rules: ProgressionRules, reason: Reason
) -> Progression:
    recent = working[-rules.sessions_without_progress:]
    estimate = reliable_estimate(recent, rules)
    if estimate is None:
        return Progression(None, Decision.CAUTIOUS, Reason.CAUTIOUS, {"limit": rules.reliable_reps})
    e1rm, load, reps, rpe = estimate
    start = grid.floor(grid.down(e1rm * target.pct_low / 100))
    facts: dict[str, object] = {"weight": load, "reps": reps, "e1rm": round(e1rm)}
    if rpe is not None and reps_in_reserve(rpe) > 0:
        # The anchored e1RM counts the reps in reserve, so it is higher than /log's Epley: say so.
        facts.update(rpe=_number(rpe), rir=_number(reps_in_reserve(rpe)))
    return Progression(start, Decision.START, reason, facts)


def _increase(
    working: Sequence[SessionResult], goal: Goal, experience: Experience, grid: LoadGrid, target: Target,
    rules: ProgressionRules,
) -> Progression | None:
    last = working[-1]
    if not last.succeeded(target.target_rpe):
        return None
    facts = {**_summary(last)}
    top = jump_reps(last.load, grid, target, rules)
    if top is not None:
        # A big jump: every set at the extended top earns it (§8 double progression), whatever the level.
        heavier = grid.next_above(last.load)
        if top > rules.jump_reps_max:
            return Progression(last.load, Decision.HOLD, Reason.JUMP_TOO_BIG, {**facts, "heavier": heavier})
        if min(last.reps) < top:
            return Progression(last.load, Decision.HOLD, Reason.BEFORE_JUMP, {**facts, "heavier": heavier, "top": top})
        return Progression(heavier, Decision.INCREASE, Reason.TOP_OF_RANGE, {**facts, "step": heavier - last.load})
    if goal is Goal.STRENGTH and experience is not Experience.NOVICE:
        recent = working[-2:]
        two_in_a_row = len(recent) == 2 and all(
            session.succeeded(target.target_rpe) and abs(session.load - last.load) < _TOLERANCE for session in recent
        )
        # Every set rated below the target (more in reserve than asked): the load is light now.
        easier = all(rpe is not None for rpe in last.rpes) and last.succeeded(target.target_rpe - EASIER_BY_RPE)
        if two_in_a_row:
            reason = Reason.TWO_FOR_TWO
        elif easier:
            reason = Reason.EASIER_THAN_TARGET
            facts["target"] = _number(target.target_rpe)
        else:
            return None
    elif goal is Goal.STRENGTH:
        reason = Reason.LINEAR
    else:
        reason = Reason.TOP_OF_RANGE
    rise = grid.next_above(last.load)
    if grid.assisted and rise >= -_TOLERANCE:
        # The next step is no assistance at all: time for the bodyweight variation.
        return Progression(last.load, Decision.INCREASE, Reason.GRADUATE, {**facts, "top": target.reps_high})
    if rise <= last.load + _TOLERANCE:
        if grid.sizes and last.load > grid.sizes[-1] + _TOLERANCE:
            # A bell heavier than any the lifter listed (a gym's, a friend's): not "the heaviest you have".
            return Progression(last.load, Decision.HOLD, Reason.ABOVE_OWNED, {**facts, "heaviest": grid.sizes[-1]})
        # The heaviest bell (or the top of the range) the lifter owns: nothing heavier to add.
        return Progression(last.load, Decision.HOLD, Reason.HEAVIEST_OWNED, facts)
    return Progression(rise, Decision.INCREASE, reason, {**facts, "step": rise - last.load})


def _new_range_without_body_mass(last: SessionResult, grid: LoadGrid, target: Target) -> Progression:
    """A new rep range for a weighted or assisted lift: no e1RM to re-derive the load from, so the
    load stays when the new range asks for no more reps, else the start is one step easier."""
    if target.reps_high <= last.target_high:
        return Progression(last.load, Decision.START, Reason.NEW_RANGE_KEPT, {"weight": last.load})
    easier = grid.lowest if grid.added else grid.down(last.load - grid_resolution(grid) * 2)
    return Progression(easier, Decision.START, Reason.NEW_RANGE_EASIER, {"weight": easier})


def _deload(
    working: Sequence[SessionResult], grid: LoadGrid, rules: ProgressionRules, reason: Reason, **facts: int
) -> Progression:
    """One lighter session below the last working load; `facts` say why (`sessions` or `days`)."""
    last = working[-1]
    if grid.assisted:
        # One lighter session is one stack step more assistance (a cut of "10 %" of an
        # assistance has no meaning without the body mass it is taken from).
        load = grid.down(last.load - grid_resolution(grid) * 2)
        return Progression(load, Decision.DELOAD, reason, {**facts, "weight": last.load})
    best = max(session.load for session in working)
    load = grid.nearest(last.load * (1 - rules.deload_cut))
    if load >= last.load:
        load = grid.down(last.load - grid_resolution(grid))
    if load < best * rules.deload_floor - _TOLERANCE:
        load = grid.up(best * rules.deload_floor)
    load = grid.floor(min(load, last.load))
    if load >= last.load - _TOLERANCE:
        # Nothing lighter within the floor (the empty bar, far-apart bells): a deload by effort (§9).
        return Progression(load, Decision.DELOAD, reason,
                           {**facts, "weight": last.load, "extra_rir": rules.deload_extra_rir})
    return Progression(load, Decision.DELOAD, reason, {**facts, "weight": last.load})


def _failed_here_before(working: Sequence[SessionResult], deloads: Sequence[SessionResult],
                        rules: ProgressionRules) -> bool:
    """Whether the last deload followed a run of `fails_before_deload` failed sessions at the load
    the lifter is failing at now (the deload returned them to it, and they failed it again)."""
    if not deloads:
        return False
    before = [session for session in working if session.date < deloads[-1].date]
    run = before[len(before) - _trailing(before, lambda session: session.fell_short):]
    return len(run) >= rules.fails_before_deload and all(
        abs(session.load - working[-1].load) <= _TOLERANCE for session in run)


def _since_reset(since_deload: Sequence[SessionResult]) -> Sequence[SessionResult]:
    """The sessions since the last deload, or since the last reset after it (a session lighter than
    the failed one before it): a reset load is a new start, so stalls count from there, not from
    the failures before it."""
    for index in range(len(since_deload) - 1, 0, -1):
        before, session = since_deload[index - 1], since_deload[index]
        if before.fell_short and session.load < before.load - _TOLERANCE:
            return since_deload[index:]
    return since_deload


def grid_resolution(grid: LoadGrid) -> float:
    return grid.step / 2 if grid.step else 1e-3


def _trailing(sessions: Sequence[SessionResult], test) -> int:
    count = 0
    for session in reversed(sessions):
        if not test(session):
            break
        count += 1
    return count


def _sessions_without_progress(
    working: Sequence[SessionResult], since_deload: Sequence[SessionResult], *, by_reps: bool
) -> int:
    """Sessions since the last one that set a new best: a heavier load than ever, or a higher
    RPE-anchored e1RM. With `by_reps` (weighted and assisted lifts: no e1RM without the body mass)
    more reps per set than ever at this load or a harder one, so reps built at a new load count as
    progress (§8 double progression). Each session's e1RM is computed once, against a running best."""
    last_progress = -1
    heaviest = best_performance = float("-inf")
    earlier_reps: list[tuple[float, float]] = []  # (load, mean reps) of the sessions before
    for index, session in enumerate(working):
        mean_reps = _mean_reps(session)
        performance = 0.0 if by_reps else session.performance
        if index == 0 or session.load > heaviest + _TOLERANCE:
            progressed = True
        elif by_reps:
            harder = (reps for load, reps in earlier_reps if load >= session.load - _TOLERANCE)
            progressed = mean_reps > max(harder, default=0.0) + _TOLERANCE
        else:
            progressed = performance > best_performance * (1 + 1e-9) + _TOLERANCE
        if progressed:
            last_progress = index
        heaviest = max(heaviest, session.load)
        best_performance = max(best_performance, performance)
        earlier_reps.append((session.load, mean_reps))
    return min(len(working) - 1 - last_progress, len(since_deload))


def _mean_reps(session: SessionResult) -> float:
    return sum(session.reps) / len(session.reps) if session.reps else 0.0


def _summary(session: SessionResult) -> dict[str, object]:
    """"3×5 at RPE 7" facts: the sets done in lifters' notation (`done`: "3×5", or "5/4/4/3" when the
    reps differ, as /history writes them), sets, the fewest reps, and the hardest RPE."""
    reps = session.reps
    done = f"{len(reps)}×{reps[0]}" if len(set(reps)) == 1 else "/".join(map(str, reps))
    facts: dict[str, object] = {"sets": len(reps), "reps": min(reps), "done": done, "weight": session.load}
    if session.top_rpe is not None:
        facts["rpe"] = _number(session.top_rpe)
    return facts


def _number(value: float) -> str:
    return f"{value:g}"
