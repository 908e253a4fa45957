"""A virtual lifter who follows /today for weeks, driving only the app's entry points.

The lifter has a hidden true 1RM per exercise that rises, stays flat or falls. Each session
they run /today, lift what it prescribes at the prescribed reps in reserve (stopping with the
lower RIR in reserve, never past it), and log reps and RPE with /log. Where /today gives no
load yet, they pick one by effort, as the effort cue asks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta

from bot.app import Liftcoach
from bot.coach.catalogue import Exercise, Gear, Kind, Pattern
from bot.coach.units import to_kg
from bot.coach.vocabulary import Unit
from bot.commands.base import Interaction
from tests.helpers import ALICE, run

# Starting true 1RM (kg) by movement pattern for a barbell (or machine) version of the lift.
BASE_1RM_KG = {
    Pattern.SQUAT: 100.0, Pattern.HINGE: 120.0, Pattern.LUNGE: 60.0, Pattern.HIP_THRUST: 110.0,
    Pattern.HORIZONTAL_PUSH: 70.0, Pattern.VERTICAL_PUSH: 45.0, Pattern.HORIZONTAL_PULL: 65.0,
    Pattern.VERTICAL_PULL: 60.0,
}
ASSISTANCE_1RM_KG = 30.0
# Weighted bodyweight and assisted lifts move body mass plus (or minus) the load: the lifter
# weighs BODY_MASS_KG, and their true 1RM of the whole movement (body plus belt) is this.
BODY_MASS_KG = 80.0
BODY_1RM_KG = {Pattern.VERTICAL_PULL: 84.0, Pattern.HORIZONTAL_PUSH: 96.0}
PER_HAND = 0.4  # a dumbbell or kettlebell in one hand against the barbell lift
TRAINING_DAYS = {2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4), 6: (0, 1, 2, 3, 4, 5)}

# §2 NSCA Table 17.7: %1RM a lifter can do n reps with (1-10); Epley beyond, which meets it at 10.
NSCA_PCT = {1: 100, 2: 95, 3: 93, 4: 90, 5: 87, 6: 85, 7: 83, 8: 80, 9: 77, 10: 75}


def max_reps(fraction: float) -> float:
    """Reps to failure at `fraction` of the true 1RM (real-valued, interpolated)."""
    if fraction <= 0:  # assisted by more than the body weighs: no load to fail under
        return math.inf
    if fraction >= 1:
        return 1.0 - (fraction - 1) * 10
    pct = fraction * 100
    for reps in range(1, 10):
        high, low = NSCA_PCT[reps], NSCA_PCT[reps + 1]
        if low <= pct <= high:
            return reps + (high - pct) / (high - low)
    return 30 * (1 / fraction - 1)


_PRESCRIPTION = re.compile(r"^(\d+) × (\d+)(?:–(\d+))? reps .*RIR (\d+)")
_LOAD = re.compile(r"\*\*([\d.]+) (kg|lb)\*\*")
_KIND_LOAD = re.compile(r"\*\*([+−])([\d.]+) (kg|lb)(?: assistance)?\*\*")


@dataclass
class Prescribed:
    week: int
    load: float  # user's unit
    true_1rm: float  # user's unit
    deload: bool
    why: str


@dataclass
class VirtualLifter:
    app: Liftcoach
    clock: object
    unit: Unit
    weekly_change: float  # +0.015 = strength rises 1.5 % a week; 0 = stalled; negative = failing
    log: dict[str, list[Prescribed]] = field(default_factory=dict)
    # Weighted bodyweight and assisted lifts: the added load (or minus the assistance) prescribed.
    body_log: dict[str, list[Prescribed]] = field(default_factory=dict)
    # Movement pattern -> the exercise the lifter swaps in with /today's menu whenever it is planned.
    swaps: dict[Pattern, str] = field(default_factory=dict)
    # Every `miss_every`-th loaded lift is missed as real people do: two reps short, at RPE 10.
    miss_every: int = 0
    # Before the working sets of a barbell compound, a heavy single (a top set) at about RPE 8,
    # as lifters following RTS or a peaking block do.
    top_single: bool = False
    # Before the working sets of a barbell compound, two sets with the empty bar and one at 60 %,
    # logged as work sets (as people do who log everything they lift).
    warm_ups: bool = False
    # The kettlebells the lifter owns (their unit), told to /equipment; () = the defaults.
    kettlebells: tuple[float, ...] = ()
    sessions_done: int = 0
    lifts_done: int = 0

    def true_1rm_kg(self, exercise: Exercise, week: float) -> float:
        base = BASE_1RM_KG.get(exercise.pattern, ASSISTANCE_1RM_KG) if exercise.kind is Kind.COMPOUND else ASSISTANCE_1RM_KG
        if exercise.equipment in (Gear.DUMBBELL, Gear.KETTLEBELL):
            base *= PER_HAND
        return base * (1 + self.weekly_change * week)

    def body_1rm(self, exercise: Exercise, week: float) -> float:
        """The true 1RM of the whole movement (body mass plus added load), in the user's unit."""
        kilograms = BODY_1RM_KG[exercise.pattern] * (1 + self.weekly_change * week)
        return kilograms if self.unit is Unit.KG else kilograms / to_kg(1, Unit.LB)

    async def body_lift(self, exercise: Exercise, section: str, sets: int, high: int, rir: int, week: float) -> None:
        """A weighted or assisted lift: body mass plus the load (negative for assistance)."""
        body = BODY_MASS_KG if self.unit is Unit.KG else BODY_MASS_KG / to_kg(1, Unit.LB)
        one_rm = self.body_1rm(exercise, week)
        grid = self.grid(exercise)
        match = _KIND_LOAD.search(section)
        if match:
            load = float(match[2]) * (-1 if match[1] == "−" else 1)
        elif "Added load: none yet" in section:
            load = 0.0
        else:  # no assistance known yet: the least that lets the reps happen with the RIR in reserve
            load = grid.lowest
            while max_reps((body + grid.next_above(load)) / one_rm) >= high + rir and grid.next_above(load) > load:
                load = grid.next_above(load)
        why = next((line for line in section.splitlines() if line.startswith("_Why")), "")
        if match or load == 0:
            self.body_log.setdefault(exercise.key, []).append(
                Prescribed(int(week), load, one_rm, "deload:" in why, why))
        reps, rpe = self.effort(max_reps((body + load) / one_rm), high, rir)
        logged = await run(self.app, "log", exercise=exercise.name, weight=abs(load), reps=reps, sets=sets, rpe=rpe)
        assert "Logged" in (logged.reply.title or ""), logged.reply.body

    def grid(self, exercise: Exercise):
        """The loads the lifter's own equipment makes for `exercise`."""
        profile = self.app.loading.profile(self.unit, kettlebell_sizes=self.kettlebells or None)
        return self.app.loading.grid(exercise, self.unit, profile)

    def effort(self, capacity: float, high: int, rir: int) -> tuple[int, float]:
        """Reps and RPE of a set with `capacity` reps to failure, stopping `rir` short (or a miss)."""
        reps = max(1, min(high, math.floor(capacity - rir + 1e-9)))
        rpe = min(10.0, max(6.0, round((10 - (capacity - reps)) * 2) / 2))
        self.lifts_done += 1
        if self.miss_every and self.lifts_done % self.miss_every == 0:
            return max(1, reps - 2), 10.0
        return reps, rpe

    async def warm_up_sets(self, exercise: Exercise, working_load: float, reps: int) -> None:
        """The empty bar twice, then about 60 % of the working load, each for the working reps."""
        grid = self.grid(exercise)
        for load, sets in ((grid.lowest, 2), (grid.nearest(0.6 * working_load), 1)):
            if load < working_load:
                logged = await run(self.app, "log", exercise=exercise.name, weight=load, reps=reps, sets=sets)
                assert "Logged" in (logged.reply.title or ""), logged.reply.body

    async def heavy_single(self, exercise: Exercise, one_rm: float, working_load: float) -> None:
        """One rep at the heaviest load with about two more in reserve (RPE 8), if above `working_load`."""
        grid = self.grid(exercise)
        load = working_load
        while max_reps(grid.next_above(load) / one_rm) >= 3 and grid.next_above(load) > load:
            load = grid.next_above(load)
        if load > working_load:
            rpe = min(10.0, max(6.0, round((11 - max_reps(load / one_rm)) * 2) / 2))
            logged = await run(self.app, "log", exercise=exercise.name, weight=load, reps=1, rpe=rpe)
            assert "Logged" in (logged.reply.title or ""), logged.reply.body

    def pick_by_effort(self, exercise: Exercise, one_rm: float, reps: int, rir: int) -> float:
        grid = self.grid(exercise)
        load = grid.lowest
        while max_reps(grid.next_above(load) / one_rm) >= reps + rir and grid.next_above(load) > load:
            load = grid.next_above(load)
        return load

    async def follow(self, goal: str, experience: str, days: int, weeks: int, equipment: str = "gym",
                     skip_weeks: tuple[int, ...] = ()) -> None:
        await run(self.app, "settings", units=self.unit.value)
        await run(self.app, "goal", goal=goal, experience=experience, days=days, equipment=equipment)
        if self.kettlebells:
            await run(self.app, "equipment", kettlebells=",".join(f"{size:g}" for size in self.kettlebells))
        start = self.clock.now
        for week in range(weeks):
            if week in skip_weeks:
                continue
            for offset in TRAINING_DAYS[days]:
                self.clock.now = start + timedelta(weeks=week, days=offset, hours=9)
                await self.session(week + offset / 7)

    async def swap_in(self, today):
        """Swap planned exercises for the lifter's choices through /today's menu, as a user would."""
        for section in today.sections:
            exercise = self.app.catalogue.find(section.name.split(". ", 1)[1])
            wanted = self.swaps.get(exercise.pattern)
            if wanted is not None and exercise.key != wanted:
                picked = await self.app.interact(ALICE, today.menu.action, Interaction(values=[exercise.key]))
                await self.app.interact(ALICE, picked.reply.menu.action, Interaction(values=[wanted]))
                return await self.swap_in((await run(self.app, "today")).reply)
        return today

    async def session(self, week: float) -> None:
        before = (await self.app.users.get(ALICE.user_id)).rotation_index
        today = await self.swap_in((await run(self.app, "today")).reply)
        for section in today.sections:
            exercise = self.app.catalogue.find(section.name.split(". ", 1)[1])
            lines = section.value.splitlines()
            match = _PRESCRIPTION.match(lines[0])
            if match is None or not exercise.loadable:  # bodyweight, holds, carries: done as written
                await run(self.app, "log", exercise=exercise.name, weight=0, reps=12)
                continue
            sets, high, rir = int(match[1]), int(match[3] or match[2]), int(match[4])
            if exercise.assisted or exercise.added_load:
                await self.body_lift(exercise, section.value, sets, high, rir, week)
                continue
            one_rm = self.true_1rm_kg(exercise, week)
            one_rm_unit = one_rm if self.unit is Unit.KG else one_rm / to_kg(1, Unit.LB)
            load_match = _LOAD.search(section.value)
            why = next((line for line in lines if line.startswith("_Why")), "")
            if load_match:
                load = float(load_match[1])
                self.log.setdefault(exercise.key, []).append(
                    Prescribed(int(week), load, one_rm_unit, "deload:" in why, why)
                )
            else:
                load = self.pick_by_effort(exercise, one_rm_unit, high, rir)
            barbell_compound = exercise.equipment is Gear.BARBELL and exercise.kind is Kind.COMPOUND
            if self.warm_ups and load_match and barbell_compound:
                await self.warm_up_sets(exercise, load, high)
            if self.top_single and load_match and barbell_compound:
                await self.heavy_single(exercise, one_rm_unit, load)
            reps, rpe = self.effort(max_reps(load / one_rm_unit), high, rir)
            logged = await run(self.app, "log", exercise=exercise.name, weight=load, reps=reps, sets=sets, rpe=rpe)
            assert "Logged" in (logged.reply.title or ""), logged.reply.body
        after = (await self.app.users.get(ALICE.user_id)).rotation_index
        assert after == before + 1, "logging every exercise with /log completes the day"
        self.sessions_done += 1
