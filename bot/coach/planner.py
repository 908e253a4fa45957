"""Today's session from goal, experience, days per week, equipment and the rotation index.

Splits (one rotation is exactly `days_per_week` sessions long, so any run of
`days_per_week` consecutive sessions is one full rotation and has the same weekly volume,
whatever rotation index it starts at):

* 2 days: full body A/B; 3 days: full body A/B/C.
* 4 days: upper/lower, A and B variants.
* 5 days: push, pull, legs, upper, lower (every muscle still trained twice a week).
* 6 days: push/pull/legs twice, A and B variants.

Volume counting: a set counts 1 for each primary muscle of its exercise and 0.5 for each
secondary muscle ("fractional sets"). The weekly range of the goal table is enforced for
the major groups in `CONSTRAINED_MUSCLES`; arms, calves and core get their volume mostly
as secondary muscles of the compound lifts and are reported but not constrained.

How a week is built, deterministically:
1. Each day template lists movement-pattern slots in priority order. For a session size
   N (tried from the level's minimum upward), slots are filled round-robin across the
   days, skipping a slot whose exercise at the minimum set count would push a major
   muscle past its weekly maximum, or that has no exercise for the user's equipment.
2. Every exercise starts at the level's minimum sets; sets are then added one at a time
   to the least-loaded exercise that trains the muscle furthest below its weekly minimum,
   never past the level's maximum sets or any muscle's weekly maximum.
3. The first N whose week meets every rule (weekly range, per-muscle frequency,
   compound share, movement patterns) wins: the shortest sessions that do the job.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from bot.coach.catalogue import Catalogue, Exercise, Kind, Pattern
from bot.coach.loading import AssistanceRules
from bot.coach.rules import LevelRules, RuleBook
from bot.coach.units import round_load
from bot.coach.vocabulary import MAX_DAYS_PER_WEEK, MIN_DAYS_PER_WEEK, Equipment, Experience, Goal, Muscle, Unit

PRIMARY_SET = 1.0
SECONDARY_SET = 0.5

CONSTRAINED_MUSCLES = (
    Muscle.CHEST,
    Muscle.BACK,
    Muscle.SHOULDERS,
    Muscle.QUADS,
    Muscle.HAMSTRINGS,
    Muscle.GLUTES,
)

# ACSM 2009 exercise order: large muscle groups before small ones.
_SIZE_GROUP = {
    Muscle.QUADS: 0,
    Muscle.GLUTES: 0,
    Muscle.HAMSTRINGS: 0,
    Muscle.BACK: 1,
    Muscle.CHEST: 1,
    Muscle.SHOULDERS: 2,
    Muscle.BICEPS: 3,
    Muscle.TRICEPS: 3,
    Muscle.CALVES: 3,
    Muscle.CORE: 4,
}


class PlanningError(Exception):
    """No week satisfies the goal's rules with this equipment (a data problem, not user error)."""


@dataclass(frozen=True)
class Slot:
    pattern: Pattern
    variant: int = 0  # which of the pattern's available exercises, so A and B days differ


@dataclass(frozen=True)
class DayTemplate:
    label: str
    slots: tuple[Slot, ...]

    def shifted(self, label: str, by: int = 1) -> "DayTemplate":
        """The same day with the next exercise variant in every slot."""
        return DayTemplate(label, tuple(Slot(slot.pattern, slot.variant + by) for slot in self.slots))


def _day(label: str, *slots: tuple[Pattern, int]) -> DayTemplate:
    return DayTemplate(label, tuple(Slot(pattern, variant) for pattern, variant in slots))


P = Pattern
_FULL_A = _day(
    "Full body A",
    (P.SQUAT, 0), (P.HORIZONTAL_PUSH, 0), (P.HORIZONTAL_PULL, 0), (P.HINGE, 0), (P.VERTICAL_PUSH, 0),
    (P.VERTICAL_PULL, 0), (P.CHEST_FLY, 0), (P.KNEE_FLEXION, 0), (P.LATERAL_RAISE, 0), (P.LUNGE, 0),
    (P.KNEE_EXTENSION, 0), (P.REAR_DELT, 0), (P.ELBOW_FLEXION, 0), (P.ELBOW_EXTENSION, 0), (P.CALF_RAISE, 0),
    (P.CORE, 0),
)  # fmt: skip
_FULL_B = _day(
    "Full body B",
    (P.HINGE, 1), (P.VERTICAL_PUSH, 1), (P.VERTICAL_PULL, 1), (P.SQUAT, 1), (P.HORIZONTAL_PUSH, 1),
    (P.HORIZONTAL_PULL, 1), (P.KNEE_EXTENSION, 0), (P.CHEST_FLY, 1), (P.KNEE_FLEXION, 1), (P.LATERAL_RAISE, 1),
    (P.LUNGE, 1), (P.HIP_THRUST, 0), (P.REAR_DELT, 1), (P.ELBOW_EXTENSION, 1), (P.ELBOW_FLEXION, 1),
    (P.CALF_RAISE, 1), (P.CORE, 1),
)  # fmt: skip
_FULL_C = _day(
    "Full body C",
    (P.LUNGE, 2), (P.HORIZONTAL_PUSH, 2), (P.HORIZONTAL_PULL, 2), (P.HIP_THRUST, 1), (P.VERTICAL_PUSH, 2),
    (P.VERTICAL_PULL, 2), (P.KNEE_FLEXION, 2), (P.KNEE_EXTENSION, 1), (P.CHEST_FLY, 2), (P.LATERAL_RAISE, 2),
    (P.REAR_DELT, 2), (P.ELBOW_FLEXION, 2), (P.ELBOW_EXTENSION, 2), (P.CARRY, 0), (P.CORE, 2),
)  # fmt: skip
_UPPER_A = _day(
    "Upper A",
    (P.HORIZONTAL_PUSH, 0), (P.HORIZONTAL_PULL, 0), (P.VERTICAL_PUSH, 0), (P.VERTICAL_PULL, 0),
    (P.CHEST_FLY, 0), (P.LATERAL_RAISE, 0), (P.HORIZONTAL_PUSH, 2), (P.HORIZONTAL_PULL, 2),
    (P.ELBOW_FLEXION, 0), (P.ELBOW_EXTENSION, 0), (P.REAR_DELT, 0), (P.CORE, 0),
)  # fmt: skip
_LOWER_A = _day(
    "Lower A",
    (P.SQUAT, 0), (P.HINGE, 1), (P.KNEE_FLEXION, 0), (P.LUNGE, 0), (P.KNEE_EXTENSION, 0),
    (P.HIP_THRUST, 0), (P.CALF_RAISE, 0), (P.CORE, 1), (P.CARRY, 0),
)  # fmt: skip
_UPPER_B = _day(
    "Upper B",
    (P.VERTICAL_PUSH, 1), (P.VERTICAL_PULL, 1), (P.HORIZONTAL_PUSH, 1), (P.HORIZONTAL_PULL, 1),
    (P.LATERAL_RAISE, 1), (P.CHEST_FLY, 1), (P.HORIZONTAL_PUSH, 3), (P.HORIZONTAL_PULL, 3),
    (P.ELBOW_EXTENSION, 1), (P.ELBOW_FLEXION, 1), (P.REAR_DELT, 1), (P.CORE, 2),
)  # fmt: skip
_LOWER_B = _day(
    "Lower B",
    (P.HINGE, 0), (P.SQUAT, 1), (P.KNEE_EXTENSION, 0), (P.HIP_THRUST, 0), (P.KNEE_FLEXION, 1),
    (P.LUNGE, 1), (P.CALF_RAISE, 1), (P.CORE, 3), (P.CARRY, 1),
)  # fmt: skip
_PUSH = _day(
    "Push",
    (P.HORIZONTAL_PUSH, 0), (P.VERTICAL_PUSH, 0), (P.HORIZONTAL_PUSH, 2), (P.LATERAL_RAISE, 0),
    (P.ELBOW_EXTENSION, 0), (P.CHEST_FLY, 0), (P.VERTICAL_PUSH, 1), (P.ELBOW_EXTENSION, 1), (P.CORE, 0),
)  # fmt: skip
_PULL = _day(
    "Pull",
    (P.VERTICAL_PULL, 0), (P.HORIZONTAL_PULL, 0), (P.HORIZONTAL_PULL, 2), (P.ELBOW_FLEXION, 0),
    (P.VERTICAL_PULL, 1), (P.CARRY, 0), (P.ELBOW_FLEXION, 1), (P.REAR_DELT, 0), (P.CORE, 1),
)  # fmt: skip
_LEGS = _day(
    "Legs",
    (P.SQUAT, 0), (P.HINGE, 1), (P.KNEE_FLEXION, 0), (P.LUNGE, 0), (P.KNEE_EXTENSION, 0),
    (P.HIP_THRUST, 0), (P.CALF_RAISE, 0), (P.CORE, 2),
)  # fmt: skip

SPLITS: dict[int, tuple[str, tuple[DayTemplate, ...]]] = {
    2: ("Full body A/B", (_FULL_A, _FULL_B)),
    3: ("Full body A/B/C", (_FULL_A, _FULL_B, _FULL_C)),
    4: ("Upper/lower", (_UPPER_A, _LOWER_A, _UPPER_B, _LOWER_B)),
    5: (
        "Push/pull/legs + upper/lower",
        (_PUSH, _PULL, _LEGS, _UPPER_B.shifted("Upper", by=0), _LOWER_B.shifted("Lower", by=0)),
    ),
    6: (
        "Push/pull/legs",
        (
            _PUSH.shifted("Push A", by=0),
            _PULL.shifted("Pull A", by=0),
            _LEGS.shifted("Legs A", by=0),
            _PUSH.shifted("Push B"),
            _PULL.shifted("Pull B"),
            _LEGS.shifted("Legs B"),
        ),
    ),
}


def split_name(days_per_week: int) -> str:
    _check_days(days_per_week)
    return SPLITS[days_per_week][0]


def _check_days(days_per_week: int) -> None:
    if not MIN_DAYS_PER_WEEK <= days_per_week <= MAX_DAYS_PER_WEEK:
        raise ValueError(f"days_per_week must be {MIN_DAYS_PER_WEEK}-{MAX_DAYS_PER_WEEK}, got {days_per_week}")


@dataclass(frozen=True)
class PlanRequest:
    goal: Goal
    experience: Experience
    days_per_week: int
    equipment: Equipment
    rotation_index: int
    unit: Unit = Unit.KG
    estimated_1rm_kg: Mapping[str, float] = field(default_factory=dict)  # by exercise key
    # By exercise key, in `unit`, already achievable with the user's equipment: used exactly
    # as given (a held load is shown as logged) and wins over the 1RM estimate.
    working_load: Mapping[str, float] = field(default_factory=dict)
    # By exercise key: a higher top of the rep range at the working load, the reps built before
    # a big jump in load (`bot.coach.progression.jump_reps`).
    reps_high: Mapping[str, int] = field(default_factory=dict)
    # The lifter's own choices: planned exercise key -> the key to train instead.
    swaps: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_days(self.days_per_week)
        if self.rotation_index < 0:
            raise ValueError(f"rotation_index must be >= 0, got {self.rotation_index}")


@dataclass(frozen=True)
class PlannedExercise:
    exercise: Exercise
    sets: int
    reps_low: int
    reps_high: int
    pct_low: float
    pct_high: float
    rir_low: int
    rir_high: int
    rest_seconds: int
    load: float | None  # in the request's unit; None = no estimate or not loadable: give an effort cue


@dataclass(frozen=True)
class Session:
    day_label: str
    rotation_index: int
    day_number: int  # 1-based position in the week's rotation
    exercises: tuple[PlannedExercise, ...]


# One rotation as planned before loads: per day, its label and (exercise, sets) in order.
_PlannedDay = tuple[str, tuple[tuple[Exercise, int], ...]]


def weekly_sets_per_muscle(sessions: Iterable[Session]) -> dict[Muscle, float]:
    """Hard sets per muscle: 1 per set for a primary muscle, 0.5 for a secondary one."""
    totals = {muscle: 0.0 for muscle in Muscle}
    for session in sessions:
        for planned in session.exercises:
            add_sets(totals, planned.exercise, planned.sets)
    return totals


def add_sets(totals: dict[Muscle, float], exercise: Exercise, sets: int) -> None:
    """Count `sets` of `exercise` towards its muscles, the way weekly volume is budgeted."""
    for muscle in exercise.primary:
        totals[muscle] += PRIMARY_SET * sets
    for muscle in exercise.secondary:
        totals[muscle] += SECONDARY_SET * sets


class Planner:
    def __init__(self, rules: RuleBook, catalogue: Catalogue, assistance: AssistanceRules | None = None) -> None:
        self._rules = rules
        self._catalogue = catalogue
        self._assistance = assistance
        self._rotations: dict[tuple[Goal, Experience, int, Equipment], tuple[_PlannedDay, ...]] = {}

    def session(self, request: PlanRequest) -> Session:
        rotation = self._rotation(request.goal, request.experience, request.days_per_week, request.equipment)
        position = request.rotation_index % len(rotation)
        label, exercises = rotation[position]
        level = self._rules.level(request.goal, request.experience)
        exercises = self._with_swaps(exercises, request)
        planned = []
        trained: set[Pattern] = set()
        for exercise, sets in exercises:
            # NSCA (§1.1): a second lift of a pattern already trained this session is assistance.
            planned.append(self._prescribe(exercise, sets, level, request, repeat=exercise.pattern in trained))
            trained.add(exercise.pattern)
        return Session(label, request.rotation_index, position + 1, tuple(planned))

    def week(self, request: PlanRequest) -> list[Session]:
        """The `days_per_week` sessions starting at the request's rotation index."""
        return [
            self.session(replace(request, rotation_index=request.rotation_index + offset))
            for offset in range(request.days_per_week)
        ]

    def _with_swaps(self, exercises: tuple[tuple[Exercise, int], ...], request: PlanRequest
                    ) -> tuple[tuple[Exercise, int], ...]:
        """The day's exercises with the lifter's swaps, never one exercise twice: a swap to an exercise
        the day already has (a barbell row swapped for the dumbbell row of the same pull day) keeps
        the original there."""
        chosen: list[tuple[Exercise, int]] = []
        taken = {exercise.key for exercise, _ in exercises}
        for exercise, sets in exercises:
            swapped = self._swapped(exercise, request)
            if swapped is not exercise and swapped.key in taken:
                swapped = exercise
            taken.add(swapped.key)
            chosen.append((swapped, sets))
        return tuple(chosen)

    def _swapped(self, exercise: Exercise, request: PlanRequest) -> Exercise:
        """The lifter's swap for this exercise, if it still fits their equipment."""
        key = request.swaps.get(exercise.key)
        if key is None:
            return exercise
        try:
            replacement = self._catalogue.get(key)
        except KeyError:
            return exercise
        fits = replacement.pattern is exercise.pattern and replacement in self.alternatives(exercise, request)
        return replacement if fits else exercise

    def alternatives(self, exercise: Exercise, request: PlanRequest) -> list[Exercise]:
        """Exercises of the same movement pattern the user can do, suitable for their level."""
        return [
            other
            for other in self._catalogue.available(request.equipment, request.experience)
            if other.pattern is exercise.pattern
        ]

    def _prescribe(self, exercise: Exercise, sets: int, level: LevelRules, request: PlanRequest,
                   repeat: bool = False) -> PlannedExercise:
        # ACSM 2009: >=2-3 min for core multi-joint lifts, less for assistance work.
        rest = level.rest_seconds.high if exercise.kind is Kind.COMPOUND else level.rest_seconds.low
        reps = (int(level.reps.low), int(level.reps.high))
        pct = (float(level.intensity_pct.low), float(level.intensity_pct.high))
        assistance = exercise.kind is Kind.ISOLATION or exercise.ballistic or repeat
        if request.goal is Goal.STRENGTH and assistance and self._assistance is not None:
            # NSCA: assistance lifts in strength programs no heavier than an 8RM; ACSM 2009: 1-2 min rest.
            # A swing is thrown, not ground out: no 1-5 rep sets.
            reps = (self._assistance.reps_low, self._assistance.reps_high)
            pct = (self._assistance.pct_low, self._assistance.pct_high)
            rest = self._assistance.rest_seconds
        reps = (reps[0], max(reps[1], request.reps_high.get(exercise.key, 0)))
        return PlannedExercise(
            exercise=exercise,
            sets=sets,
            reps_low=reps[0],
            reps_high=reps[1],
            pct_low=pct[0],
            pct_high=pct[1],
            rir_low=int(level.rir.low),
            rir_high=int(level.rir.high),
            rest_seconds=int(rest),
            load=_working_load(exercise, level, request),
        )

    def _rotation(
        self, goal: Goal, experience: Experience, days_per_week: int, equipment: Equipment
    ) -> tuple[_PlannedDay, ...]:
        key = (goal, experience, days_per_week, equipment)
        if key not in self._rotations:
            self._rotations[key] = self._build_rotation(*key)
        return self._rotations[key]

    def _build_rotation(
        self, goal: Goal, experience: Experience, days_per_week: int, equipment: Equipment
    ) -> tuple[_PlannedDay, ...]:
        level = self._rules.level(goal, experience)
        templates = SPLITS[days_per_week][1]
        if goal is Goal.STRENGTH:
            templates = tuple(_practise_main_lifts(template) for template in templates)
        available = [exercise for exercise in self._catalogue.available(equipment, experience)
                     if exercise.max_reps is None or exercise.max_reps >= level.reps.high]
        count = level.selection.exercises_per_session
        for per_session in range(int(count.low), int(count.high) + 1):
            days = _select_exercises(templates, available, level, per_session)
            sets = _allocate_sets(days, level)
            if sets is not None and _meets_rules(days, sets, level):
                _add_calves(days, sets, available, level)
                return tuple(
                    (template.label, _in_acsm_order(list(zip(day, day_sets, strict=True))))
                    for template, day, day_sets in zip(templates, days, sets, strict=True)
                )
        raise PlanningError(
            f"no {split_name(days_per_week)} week meets the {goal.value}/{experience.value} rules "
            f"with {equipment.value} equipment"
        )


# Strength is a skill: the main lifts are practised every time their slot comes round
# (StrongLifts squats every workout, §8; NSCA: 2-3 sessions a week for novices, §7), while
# the hinge still alternates (deadlift and RDL) so the lower back is not loaded heavily daily.
_PRACTISED_PATTERNS = {P.SQUAT, P.HORIZONTAL_PUSH, P.VERTICAL_PUSH, P.HORIZONTAL_PULL, P.VERTICAL_PULL}


def _practise_main_lifts(template: DayTemplate) -> DayTemplate:
    return DayTemplate(
        template.label,
        tuple(Slot(slot.pattern, 0) if slot.pattern in _PRACTISED_PATTERNS else slot for slot in template.slots),
    )


# A calf raise belongs with the leg work, not on a bench-and-row day.
_LEG_MUSCLES = frozenset({Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.GLUTES})


def _add_calves(days: list[list[Exercise]], sets: list[list[int]], available: list[Exercise], level: LevelRules) -> None:
    """Calves are a major muscle group too (WHO/ACSM: all major muscle groups, §10): when the
    compound lifts leave them untrained, add one calf raise to the shortest day that has room,
    a day that trains the legs first, or, when every day is full, put it in place of the last
    single-joint lift whose week still meets every rule without it (sets re-allocated)."""
    if any(Muscle.CALVES in exercise.primary for day in days for exercise in day):
        return
    calf = next((exercise for exercise in available if exercise.pattern is P.CALF_RAISE), None)
    if calf is None:
        return
    room = [
        index for index, day in enumerate(days)
        if len(day) < level.selection.exercises_per_session.high and _keeps_compound_share(day, calf, level)
    ]
    def preference(position: int) -> tuple:
        """A day that trains the legs first, then the shortest, then the earliest."""
        trains_legs = any(set(exercise.primary) & _LEG_MUSCLES for exercise in days[position])
        return (not trains_legs, len(days[position]), position)

    if room:
        index = min(room, key=preference)
        days[index].append(calf)
        sets[index].append(int(level.sets.low))
        return
    for index in sorted(range(len(days)), key=preference):
        for position in reversed(range(len(days[index]))):
            if days[index][position].kind is not Kind.ISOLATION:
                continue
            trial = [list(day) for day in days]
            trial[index][position] = calf
            trial_sets = _allocate_sets(trial, level)
            if trial_sets is not None and _meets_rules(trial, trial_sets, level):
                days[:], sets[:] = trial, trial_sets
                return


def _working_load(exercise: Exercise, level: LevelRules, request: PlanRequest) -> float | None:
    if not exercise.loadable:
        return None
    if exercise.key in request.working_load:
        return request.working_load[exercise.key]
    if exercise.key in request.estimated_1rm_kg:
        # An estimate is uncertain: start at the light end of the intensity range.
        kilograms = request.estimated_1rm_kg[exercise.key] * level.intensity_pct.low / 100
        return round_load(kilograms, request.unit, exercise.increment_kg)
    return None


def _choose(slot: Slot, available: list[Exercise], used: set[str]) -> Exercise | None:
    candidates = [exercise for exercise in available if exercise.pattern is slot.pattern]
    for offset in range(len(candidates)):
        exercise = candidates[(slot.variant + offset) % len(candidates)]
        if exercise.key not in used:
            return exercise
    return None


def _select_exercises(
    templates: tuple[DayTemplate, ...], available: list[Exercise], level: LevelRules, per_session: int
) -> list[list[Exercise]]:
    """Fill slots round-robin across days so no day hogs a muscle's weekly budget.

    Within each round, exercises that give a major muscle one of its required training days
    go first: otherwise a secondary muscle's budget (the back in a hinge) can be spent by
    another day before the only hinge of the week gets its turn.
    """
    ceiling = level.weekly_sets_per_muscle.high
    minimum_sets = int(level.sets.low)
    required_days = level.selection.min_days_per_muscle.value
    totals: dict[Muscle, float] = defaultdict(float)
    trained_on: dict[Muscle, set[int]] = defaultdict(set)
    days: list[list[Exercise]] = [[] for _ in templates]
    cursors = [0] * len(templates)

    def adds_training_day(exercise: Exercise, index: int) -> bool:
        return any(
            muscle in CONSTRAINED_MUSCLES
            and index not in trained_on[muscle]
            and len(trained_on[muscle]) < required_days
            for muscle in exercise.primary
        )

    def extend(index: int, urgent_only: bool) -> bool:
        nonlocal totals
        slots = templates[index].slots
        while len(days[index]) < per_session and cursors[index] < len(slots):
            exercise = _choose(slots[cursors[index]], available, {chosen.key for chosen in days[index]})
            if exercise is not None and urgent_only and not adds_training_day(exercise, index):
                return False  # keep the slot for this round's second pass
            cursors[index] += 1
            if exercise is None or not _keeps_compound_share(days[index], exercise, level):
                continue
            trial = defaultdict(float, totals)
            add_sets(trial, exercise, minimum_sets)
            if any(trial[muscle] > ceiling for muscle in CONSTRAINED_MUSCLES):
                continue
            totals = trial
            days[index].append(exercise)
            for muscle in exercise.primary:
                trained_on[muscle].add(index)
            return True
        return False

    while True:
        extended: set[int] = set()
        for urgent_only in (True, False):
            for index in range(len(templates)):
                if index not in extended and extend(index, urgent_only):
                    extended.add(index)
        if not extended:
            return days


def _keeps_compound_share(day: list[Exercise], candidate: Exercise, level: LevelRules) -> bool:
    compound = sum(1 for exercise in day + [candidate] if exercise.kind is Kind.COMPOUND)
    return compound >= level.selection.min_compound_share.value * (len(day) + 1)


def _week_totals(days: list[list[Exercise]], sets: list[list[int]]) -> dict[Muscle, float]:
    totals = {muscle: 0.0 for muscle in Muscle}
    for day, day_sets in zip(days, sets, strict=True):
        for exercise, count in zip(day, day_sets, strict=True):
            add_sets(totals, exercise, count)
    return totals


def _allocate_sets(days: list[list[Exercise]], level: LevelRules) -> list[list[int]] | None:
    """Minimum sets everywhere, then one set at a time where a major muscle is short."""
    floor, ceiling = level.weekly_sets_per_muscle.low, level.weekly_sets_per_muscle.high
    most = int(level.sets.high)
    sets = [[int(level.sets.low)] * len(day) for day in days]
    while True:
        totals = _week_totals(days, sets)
        if any(totals[muscle] > ceiling for muscle in CONSTRAINED_MUSCLES):
            return None
        short = sorted(
            (totals[muscle] - floor, order, muscle)
            for order, muscle in enumerate(CONSTRAINED_MUSCLES)
            if totals[muscle] < floor
        )
        if not short:
            return sets
        muscle = short[0][2]
        lacking = {item[2] for item in short}
        best: tuple[tuple[int, int, int, int, int], int, int] | None = None
        for day_index, day in enumerate(days):
            for position, exercise in enumerate(day):
                if sets[day_index][position] >= most or muscle not in exercise.muscles:
                    continue
                trial = dict(totals)
                add_sets(trial, exercise, 1)
                if any(trial[other] > ceiling for other in CONSTRAINED_MUSCLES):
                    continue
                spill = sum(1 for other in exercise.muscles if other in CONSTRAINED_MUSCLES and other not in lacking)
                rank = (
                    0 if muscle in exercise.primary else 1,
                    spill,
                    sets[day_index][position],
                    day_index,
                    position,
                )
                if best is None or rank < best[0]:
                    best = (rank, day_index, position)
        if best is None:
            return None
        sets[best[1]][best[2]] += 1


def _meets_rules(days: list[list[Exercise]], sets: list[list[int]], level: LevelRules) -> bool:
    selection = level.selection
    count = selection.exercises_per_session
    for day in days:
        if not count.low <= len(day) <= count.high:
            return False
        compound = sum(1 for exercise in day if exercise.kind is Kind.COMPOUND)
        if compound < selection.min_compound_share.value * len(day):
            return False
    patterns = {exercise.pattern for day in days for exercise in day}
    if not set(selection.weekly_patterns.value) <= patterns:
        return False
    for muscle in CONSTRAINED_MUSCLES:
        trained_days = sum(1 for day in days if any(muscle in exercise.primary for exercise in day))
        if trained_days < selection.min_days_per_muscle.value:
            return False
    totals = _week_totals(days, sets)
    weekly = level.weekly_sets_per_muscle
    return all(weekly.low <= totals[muscle] <= weekly.high for muscle in CONSTRAINED_MUSCLES)


def _in_acsm_order(pairs: list[tuple[Exercise, int]]) -> tuple[tuple[Exercise, int], ...]:
    """Multi-joint before single-joint, large muscle groups before small (ACSM 2009)."""
    ranked = sorted(
        enumerate(pairs),
        key=lambda item: (
            item[1][0].kind is not Kind.COMPOUND,
            min(_SIZE_GROUP[muscle] for muscle in item[1][0].primary),
            item[0],
        ),
    )
    return tuple(pair for _, pair in ranked)
