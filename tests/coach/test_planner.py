import itertools

import pytest

from bot.coach.catalogue import Catalogue, Kind, load_catalogue
from bot.coach.planner import (
    CONSTRAINED_MUSCLES,
    PlannedExercise,
    Planner,
    PlanRequest,
    Session,
    split_name,
    weekly_sets_per_muscle,
)
from bot.coach.rules import RuleBook, load_rulebook
from bot.coach.units import increment_in
from bot.coach.vocabulary import MAX_DAYS_PER_WEEK, MIN_DAYS_PER_WEEK, Equipment, Experience, Goal, Muscle, Unit

DAYS = range(MIN_DAYS_PER_WEEK, MAX_DAYS_PER_WEEK + 1)
COMBINATIONS = list(itertools.product(Goal, Experience, DAYS, Equipment))


@pytest.fixture(scope="module")
def rulebook() -> RuleBook:
    return load_rulebook()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def planner(rulebook: RuleBook, catalogue: Catalogue) -> Planner:
    return Planner(rulebook, catalogue)


def request(goal=Goal.STRENGTH, experience=Experience.NOVICE, days=3, equipment=Equipment.GYM, rotation=0, **extra):
    return PlanRequest(goal, experience, days, equipment, rotation, **extra)


def find(session: Session, key: str) -> PlannedExercise:
    return next(planned for planned in session.exercises if planned.exercise.key == key)


@pytest.mark.parametrize(("goal", "experience", "days", "equipment"), COMBINATIONS)
def test_every_combination_follows_its_table(
    planner: Planner,
    rulebook: RuleBook,
    catalogue: Catalogue,
    goal: Goal,
    experience: Experience,
    days: int,
    equipment: Equipment,
) -> None:
    rules = rulebook.level(goal, experience)
    available = {exercise.key for exercise in catalogue.available(equipment)}
    for start in range(days):  # every rotation index gives a full, valid week
        week = planner.week(request(goal, experience, days, equipment, start))
        assert len(week) == days
        assert sorted(session.day_number for session in week) == list(range(1, days + 1))
        for session in week:
            count = rules.selection.exercises_per_session
            assert count.low <= len(session.exercises) <= count.high
            compound = sum(1 for planned in session.exercises if planned.exercise.kind is Kind.COMPOUND)
            assert compound >= rules.selection.min_compound_share.value * len(session.exercises)
            assert len({planned.exercise.key for planned in session.exercises}) == len(session.exercises)
            for planned in session.exercises:
                assert planned.exercise.key in available
                assert rules.sets.low <= planned.sets <= rules.sets.high
                assert (planned.reps_low, planned.reps_high) == (rules.reps.low, rules.reps.high)
                assert (planned.pct_low, planned.pct_high) == (rules.intensity_pct.low, rules.intensity_pct.high)
                assert (planned.rir_low, planned.rir_high) == (rules.rir.low, rules.rir.high)
                assert rules.rest_seconds.low <= planned.rest_seconds <= rules.rest_seconds.high
                assert planned.load is None  # no estimates given
        totals = weekly_sets_per_muscle(week)
        weekly = rules.weekly_sets_per_muscle
        for muscle in CONSTRAINED_MUSCLES:
            assert weekly.low <= totals[muscle] <= weekly.high, (muscle, totals[muscle], start)
            trained_days = sum(
                1 for session in week if any(muscle in planned.exercise.primary for planned in session.exercises)
            )
            assert trained_days >= rules.selection.min_days_per_muscle.value
        patterns = {planned.exercise.pattern for session in week for planned in session.exercises}
        assert set(rules.selection.weekly_patterns.value) <= patterns


def test_multi_joint_before_single_joint(planner: Planner) -> None:
    for goal, experience, days, equipment in COMBINATIONS[::7]:
        for session in planner.week(request(goal, experience, days, equipment)):
            kinds = [planned.exercise.kind for planned in session.exercises]
            assert kinds == sorted(kinds, key=lambda kind: kind is not Kind.COMPOUND)


def test_full_body_starts_with_legs(planner: Planner) -> None:
    session = planner.session(request(days=2))
    assert session.day_label == "Full body A"
    assert session.exercises[0].exercise.key == "barbell-back-squat"


def test_deterministic(rulebook: RuleBook, catalogue: Catalogue) -> None:
    first = Planner(rulebook, catalogue).week(request(Goal.HYPERTROPHY, Experience.INTERMEDIATE, 5, Equipment.DUMBBELLS))
    second = Planner(rulebook, catalogue).week(request(Goal.HYPERTROPHY, Experience.INTERMEDIATE, 5, Equipment.DUMBBELLS))
    assert first == second


def test_rotation_wraps_and_labels(planner: Planner) -> None:
    labels = [planner.session(request(days=4, rotation=index)).day_label for index in range(5)]
    assert labels == ["Upper A", "Lower A", "Upper B", "Lower B", "Upper A"]
    assert planner.session(request(days=6, rotation=9)).day_label == "Push B"
    assert planner.session(request(days=6, rotation=9)).day_number == 4
    assert planner.session(request(days=6, rotation=9)).rotation_index == 9
    assert [s.day_label for s in planner.week(request(days=5))] == ["Push", "Pull", "Legs", "Upper", "Lower"]
    assert [s.day_label for s in planner.week(request(days=3, rotation=2))] == [
        "Full body C",
        "Full body A",
        "Full body B",
    ]


def test_split_names() -> None:
    assert split_name(2) == "Full body A/B"
    assert split_name(3) == "Full body A/B/C"
    assert split_name(4) == "Upper/lower"
    assert split_name(5) == "Push/pull/legs + upper/lower"
    assert split_name(6) == "Push/pull/legs"
    with pytest.raises(ValueError):
        split_name(7)


@pytest.mark.parametrize("days", [1, 7])
def test_days_out_of_range_rejected(days: int) -> None:
    with pytest.raises(ValueError, match="days_per_week"):
        request(days=days)


def test_load_from_estimated_1rm_in_kg(planner: Planner, rulebook: RuleBook) -> None:
    session = planner.session(request(estimated_1rm_kg={"barbell-back-squat": 101.0, "barbell-bench-press": 73.0}))
    pct = rulebook.level(Goal.STRENGTH, Experience.NOVICE).intensity_pct.low
    squat, bench = find(session, "barbell-back-squat"), find(session, "barbell-bench-press")
    assert squat.load == round(101.0 * pct / 100 / 2.5) * 2.5  # 80.8 kg -> 80 kg
    assert bench.load == round(73.0 * pct / 100 / 2.5) * 2.5  # 58.4 kg -> 57.5 kg
    assert find(session, "barbell-row").load is None  # no estimate: effort cue instead


def test_load_rounded_to_lb_plates(planner: Planner) -> None:
    session = planner.session(request(unit=Unit.LB, estimated_1rm_kg={"barbell-back-squat": 100.0}))
    squat = find(session, "barbell-back-squat")
    step = increment_in(Unit.LB, squat.exercise.increment_kg)
    assert step == 5.0
    assert squat.load is not None and squat.load % step == 0
    assert squat.load == 175.0  # 80 kg = 176.4 lb -> 175 lb


def test_a_working_load_wins_over_1rm_and_is_used_exactly(planner: Planner) -> None:
    session = planner.session(
        request(estimated_1rm_kg={"barbell-bench-press": 100.0}, working_load={"barbell-bench-press": 61.0})
    )
    assert find(session, "barbell-bench-press").load == 61.0  # held loads are shown as logged


def test_novices_get_no_nordic_curls_or_pistols(planner: Planner) -> None:
    for equipment in Equipment:
        for days in range(2, 7):
            for session in planner.week(request(Goal.HYPERTROPHY, days=days, equipment=equipment)):
                keys = {planned.exercise.key for planned in session.exercises}
                assert not keys & {"nordic-curl", "box-pistol-squat", "sissy-squat", "pull-up", "chin-up"}


def test_strength_assistance_lifts_stay_at_eight_to_twelve_reps(catalogue, rulebook) -> None:
    from bot.coach.loading import load_loading

    planner = Planner(rulebook, catalogue, load_loading().assistance)
    week = planner.week(request(Goal.STRENGTH, days=4))
    kinds = {planned.exercise.kind: (planned.reps_low, planned.reps_high) for s in week for planned in s.exercises}
    assert kinds[Kind.ISOLATION] == (8, 12)
    assert kinds[Kind.COMPOUND] == (4, 6)


@pytest.mark.parametrize("experience", list(Experience))
def test_strength_assistance_lifts_rest_one_to_two_minutes(catalogue, rulebook, experience) -> None:
    # ACSM 2009 (training-science.md §1.4, §6): >=2-3 min for core lifts, 1-2 min for assistance;
    # intermediate and advanced strength plans gave a calf raise or leg curl 3 min.
    from bot.coach.loading import load_loading

    planner = Planner(rulebook, catalogue, load_loading().assistance)
    days = 5 if experience is Experience.ADVANCED else 4
    week = planner.week(request(Goal.STRENGTH, experience, days=days))
    rests = {planned.exercise.kind: set() for s in week for planned in s.exercises}
    for s in week:
        for planned in s.exercises:
            rests[planned.exercise.kind].add(planned.rest_seconds)
    assert rests[Kind.ISOLATION] and all(60 <= rest <= 120 for rest in rests[Kind.ISOLATION])
    assert all(rest >= 120 for rest in rests[Kind.COMPOUND])


def test_a_swap_replaces_the_exercise_if_it_fits_pattern_and_equipment(planner: Planner) -> None:
    swapped = planner.session(request(swaps={"barbell-back-squat": "leg-press"}))
    keys = [planned.exercise.key for planned in swapped.exercises]
    assert "leg-press" in keys and "barbell-back-squat" not in keys
    wrong = planner.session(request(swaps={"barbell-back-squat": "barbell-bench-press"}))
    assert "barbell-back-squat" in [planned.exercise.key for planned in wrong.exercises]


def test_a_swap_to_an_exercise_the_day_already_has_keeps_the_original_there(planner: Planner) -> None:
    """Strength, 5 days: the pull day has a barbell row and a dumbbell row; swapping the barbell row
    for the dumbbell row made the day list the dumbbell row twice (and /today's menu refused it)."""
    swaps = {"barbell-row": "dumbbell-row"}
    pull = planner.session(request(days=5, rotation=1, swaps=swaps))
    keys = [planned.exercise.key for planned in pull.exercises]
    assert keys.count("dumbbell-row") == 1 and "barbell-row" in keys
    other = planner.session(request(days=5, rotation=1, swaps={**swaps, "lat-pulldown": "assisted-pull-up"}))
    assert [planned.exercise.key for planned in other.exercises] == ["assisted-pull-up", "barbell-row", "dumbbell-row"]


def test_bodyweight_exercises_never_get_a_load(planner: Planner) -> None:
    session = planner.session(
        request(equipment=Equipment.BODYWEIGHT, estimated_1rm_kg={"push-up": 80.0}, working_load={"push-up": 40.0})
    )
    assert all(planned.load is None for planned in session.exercises)
    assert find(session, "push-up").load is None


def test_compound_lifts_rest_longer(planner: Planner, rulebook: RuleBook) -> None:
    rest = rulebook.level(Goal.HYPERTROPHY, Experience.NOVICE).rest_seconds
    week = planner.week(request(Goal.HYPERTROPHY, days=2))
    for planned in (planned for session in week for planned in session.exercises):
        expected = rest.high if planned.exercise.kind is Kind.COMPOUND else rest.low
        assert planned.rest_seconds == expected


def test_weekly_sets_counts_secondary_as_half(planner: Planner, catalogue: Catalogue) -> None:
    bench = catalogue.get("barbell-bench-press")
    planned = PlannedExercise(bench, 4, 6, 12, 70, 80, 1, 2, 90, None)
    totals = weekly_sets_per_muscle([Session("Push", 0, 1, (planned,))])
    assert totals[bench.primary[0]] == 4
    assert all(totals[muscle] == 2 for muscle in bench.secondary)


def test_strength_novices_squat_two_to_three_times_a_week_on_three_days(planner: Planner) -> None:
    week = planner.week(request(Goal.STRENGTH, days=3))
    squats = sum(1 for session in week for planned in session.exercises if planned.exercise.key == "barbell-back-squat")
    assert 2 <= squats <= 3


@pytest.mark.parametrize(("goal", "experience", "days", "equipment"), COMBINATIONS)
def test_calves_are_trained_every_week(planner: Planner, goal: Goal, experience: Experience, days: int,
                                       equipment: Equipment) -> None:
    """Issue 8 part 6: every muscle group the table promises, calves included, even in a full
    2-day hypertrophy week (where a calf raise takes the place of a single-joint lift)."""
    week = planner.week(request(goal, experience, days=days, equipment=equipment))
    assert any(Muscle.CALVES in planned.exercise.primary for session in week for planned in session.exercises)


@pytest.mark.parametrize(("goal", "experience", "days", "equipment"),
                         [combination for combination in COMBINATIONS if combination[0] is not Goal.STRENGTH])
def test_calves_are_trained_on_a_day_that_trains_the_legs(planner: Planner, goal: Goal, experience: Experience,
                                                          days: int, equipment: Equipment) -> None:
    """Review: every 4-6 day week put its one calf raise on the upper or push day (bench, row, press,
    calf raise), the shortest day, while the lower and legs days train the legs. (Strength weeks
    excepted: their three-lift leg days would fall below the 60 % multi-joint share with it.)"""
    legs = {Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.GLUTES}
    for session in planner.week(request(goal, experience, days=days, equipment=equipment)):
        exercises = [planned.exercise for planned in session.exercises]
        if any(Muscle.CALVES in exercise.primary for exercise in exercises):
            assert any(set(exercise.primary) & legs for exercise in exercises), (session.day_label, exercises)


def test_a_second_lift_of_a_pattern_in_a_strength_session_is_assistance_not_a_1_to_5_rep_lift(rulebook, catalogue):
    """Review: 5- and 6-day strength put a dumbbell bench press after the barbell bench at 1-5 reps.
    NSCA (§1.1): in strength programs assistance exercises are no heavier than an 8RM."""
    from bot.coach.loading import load_loading

    assistance = load_loading().assistance
    planner = Planner(rulebook, catalogue, assistance)
    for experience, days in itertools.product(Experience, DAYS):
        for session in planner.week(request(experience=experience, days=days)):
            seen = set()
            for planned in session.exercises:
                if planned.exercise.pattern in seen or planned.exercise.kind is Kind.ISOLATION:
                    assert (planned.reps_low, planned.reps_high) == (assistance.reps_low, assistance.reps_high), planned
                seen.add(planned.exercise.pattern)


def test_every_pull_day_of_a_six_day_strength_week_rows_or_pulls_twice(planner):
    """Review: 6-day strength intermediate 'Pull B' was a lat pulldown, a suitcase carry and a curl."""
    for experience in Experience:
        for session in planner.week(request(experience=experience, days=6)):
            if session.day_label.startswith("Pull"):
                pulls = [p for p in session.exercises if p.exercise.pattern.value in ("horizontal_pull", "vertical_pull")]
                assert len(pulls) >= 2, (experience, session.day_label, [p.exercise.key for p in session.exercises])


@pytest.mark.parametrize("goal", [Goal.HYPERTROPHY, Goal.ENDURANCE, Goal.HEALTH])
def test_a_conventional_deadlift_is_never_planned_for_sets_of_8_or_more(planner, goal):
    """Review: hypertrophy novices got barbell deadlifts for 8-12 reps; the hinge is the Romanian deadlift."""
    for experience, days in itertools.product(Experience, DAYS):
        keys = {p.exercise.key for s in planner.week(request(goal, experience, days)) for p in s.exercises}
        assert "barbell-deadlift" not in keys, (goal, experience, days)
        assert any(planner_hinge in keys for planner_hinge in ("romanian-deadlift", "dumbbell-romanian-deadlift"))


def test_a_ballistic_swing_has_no_1rm(catalogue):
    """Review: kettlebell swings were prescribed as % 1RM; a ballistic lift has no 1RM to take a share of."""
    swing = catalogue.get("kettlebell-swing")
    assert swing.ballistic and not swing.has_1rm
    assert not catalogue.get("romanian-deadlift").ballistic
