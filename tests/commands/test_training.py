"""/log, /undo, /history, /progress, /1rm and progression in /today, through the real app."""

import re
from datetime import timedelta

import pytest

from bench.seed import seed_users
from bot.coach.units import KG_PER_LB
from bot.coach.vocabulary import Experience, Goal, Muscle, Unit
from bot.commands.base import Context, Interaction
from bot.commands.planning import (
    equipment_profile,
    plan_request,
    planned_session,
    progression_for,
    progression_sessions,
    todays_plan,
)
from bot.replies import Tone
from tests.helpers import ALICE, press, run, snapshot


def loads_in(outgoing) -> dict[str, float]:
    """Exercise name -> load shown by /today."""
    loads = {}
    for section in outgoing.reply.sections:
        match = re.search(r"Load: \*\*([\d.]+) (kg|lb)\*\*", section.value)
        if match:
            loads[section.name.split(". ", 1)[1]] = float(match.group(1))
    return loads


async def test_log_stores_kilograms_and_reports_e1rm_records_and_weekly_sets(app):
    await run(app, "goal", goal="hypertrophy")
    first = await run(app, "log", exercise="bench", weight=80, reps=5, sets=3)
    assert "Estimated 1RM: **93.3 kg**" in first.reply.body
    assert "of 10–20 a week" in str(first.reply.sections) or "a week" in str(first.reply.sections)
    second = await run(app, "log", exercise="Bench Press", weight=85, reps=5)
    records = str(second.reply.sections)
    assert "Heaviest load" in records and "Best estimated 1RM" in records
    [entry, _] = await app.log.entries(ALICE.user_id)
    assert entry.weight_kg == 80 and entry.entered_unit.value == "kg"


async def test_fewer_reps_at_the_same_load_after_a_long_set_is_no_record(app):
    # 30 kg × 15 then 30 kg × 10 said "Best estimated 1RM on this exercise" for the weaker set.
    await run(app, "log", exercise="bench", weight=30, reps=15)
    weaker = await run(app, "log", exercise="bench", weight=30, reps=10)
    assert "Best estimated 1RM" not in str(weaker.reply.sections)
    stronger = await run(app, "log", exercise="bench", weight=35, reps=10)
    assert "Best estimated 1RM" in str(stronger.reply.sections)


async def test_pounds_are_stored_as_kilograms_and_switching_units_changes_no_data(app):
    await run(app, "settings", units="lb")
    await run(app, "log", exercise="squat", weight=225, reps=5)
    before = await snapshot(app)
    [entry] = await app.log.entries(ALICE.user_id)
    assert entry.weight_kg == pytest.approx(225 * KG_PER_LB)
    await run(app, "settings", units="kg")
    after = await snapshot(app)
    assert after["set_logs"] == before["set_logs"]
    history = await run(app, "history")
    assert "102.1 kg" in str(history.reply.sections)


async def test_estimated_1rm_in_pounds_is_rounded_in_pounds(app):
    # 30 lb × 15 said "about 44.97 lb" and /1rm 100 lb × 5 "116.63 lb" (Epley: 45 and 116.67): the
    # estimate was rounded to 0.1 kg before it was turned into pounds.
    await run(app, "settings", units="lb")
    logged = await run(app, "log", exercise="bench", weight=30, reps=15)
    assert "Estimated 1RM: about 45 lb." in logged.reply.body
    estimated = await run(app, "1rm", weight=100, reps=5)
    assert "**116.7 lb**" in estimated.reply.body


async def test_a_bodyweight_exercise_logged_without_load_reads_bodyweight(app):
    # /log said "1 × 5 at 0 kg: Pull-up." while /history said "Pull-up bodyweight 1×5".
    logged = await run(app, "log", exercise="pull-up", weight=0, reps=5)
    assert logged.reply.body.startswith("1 × 5 at bodyweight: Pull-up.")
    vested = await run(app, "log", exercise="pull-up", weight=10, reps=5)
    assert vested.reply.body.startswith("1 × 5 at 10 kg: Pull-up.")
    await run(app, "undo")
    undone = await run(app, "undo")
    assert undone.reply.body == "Removed 1 × 5 at bodyweight: Pull-up."


async def test_undo_removes_only_the_latest_entry(app):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    await run(app, "log", exercise="deadlift", weight=140, reps=3)
    undone = await run(app, "undo")
    assert "Barbell deadlift" in undone.reply.body
    assert [e.exercise for e in await app.log.entries(ALICE.user_id)] == ["barbell-back-squat"]


async def test_history_pages_through_long_histories(app, clock):
    for day in range(20):
        await run(app, "log", exercise="squat", weight=100 + day, reps=5)
        clock.advance(days=1)
    first = await run(app, "history", days=30)
    assert "20 sessions · page 1 of 4" in first.reply.body
    older = await press(app, first, "buttons.older")
    assert "page 2 of 4" in older.reply.body
    assert older.reply.update_source


@pytest.mark.parametrize(
    ("formula", "expected"),
    [("epley", "116.67"), ("brzycki", "112.5"), ("lander", "113.71"), ("lombardi", "117.46"),
     ("mayhew", "119.01"), ("oconner", "112.5"), ("wathan", "116.58")],
)
async def test_one_rep_max_matches_the_reference_worked_values(app, formula, expected):
    outgoing = await run(app, "1rm", weight=100, reps=5, formula=formula)
    shown = re.search(r"\*\*([\d.]+) kg\*\*", outgoing.reply.body).group(1)
    assert float(shown) == pytest.approx(float(expected), abs=0.05)
    assert len(outgoing.reply.sections[0].value.splitlines()) == 12


async def test_one_rep_max_warns_above_ten_reps_and_rounds_to_plates(app):
    outgoing = await run(app, "1rm", weight=60, reps=15)
    assert "lose accuracy" in outgoing.reply.body
    await run(app, "settings", units="lb")
    pounds = await run(app, "1rm", weight=225, reps=5)
    for row in pounds.reply.sections[0].value.splitlines():
        assert float(row.rsplit("· ", 1)[1].split()[0]) % 5 == 0


async def test_progress_attaches_a_png(app):
    await run(app, "goal", goal="strength")
    await run(app, "log", exercise="squat", weight=100, reps=5)
    outgoing = await run(app, "progress")
    assert outgoing.reply.attachments[0].data.startswith(b"\x89PNG")
    assert "Barbell back squat" in outgoing.reply.body


async def test_log_as_prescribed_logs_what_it_can_and_the_day_closes_when_all_is_logged(app, clock):
    await run(app, "goal", goal="hypertrophy", days=3)
    for exercise, weight in (("squat", 100), ("bench", 70), ("deadlift", 120), ("row", 60), ("ohp", 40)):
        await run(app, "log", exercise=exercise, weight=weight, reps=5)
    clock.advance(days=1)
    today = await run(app, "today")
    logged = await press(app, today, "buttons.log_plan")
    assert logged.reply.tone is Tone.SUCCESS, logged.reply.body
    assert "stays open" in logged.reply.body
    assert (await app.users.get(ALICE.user_id)).rotation_index == 0
    again = await press(app, today, "buttons.log_plan")
    assert again.reply.tone is Tone.ERROR  # nothing left that it can log
    logged_keys = {e.exercise for e in await app.log.entries(ALICE.user_id, since=clock.now - timedelta(hours=1))}
    last = None
    for section in today.reply.sections:
        exercise = app.catalogue.find(section.name.split(". ", 1)[1])
        if exercise.key not in logged_keys:
            last = await run(app, "log", exercise=exercise.name, weight=20, reps=8)
    assert "is done" in last.reply.body
    assert (await app.users.get(ALICE.user_id)).rotation_index == 1


async def test_a_second_session_the_same_day_counts_only_what_was_logged_after_the_first_closed(app, clock):
    await run(app, "goal", goal="hypertrophy", days=3)
    ctx = Context(app, ALICE, await app.users.get(ALICE.user_id), clock())
    first, following = [[p.exercise.name for p in (await planned_session(ctx, rotation)).exercises] for rotation in (0, 1)]
    # The next day's lifts logged this morning, before the first session closes, belong to the first.
    for name in [*following[1:], *first]:
        clock.advance(minutes=5)
        last = await run(app, "log", exercise=name, weight=20, reps=8)
    assert "is done" in last.reply.body
    clock.advance(hours=1)
    opened = await run(app, "log", exercise=following[0], weight=20, reps=8)
    missing = opened.reply.body.split("stays open until you log: ", 1)[1].split(".")[0].split(", ")
    assert missing == following[1:]


async def test_the_log_form_rejects_a_bad_line_and_stores_nothing(app):
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    before = await snapshot(app)
    failed = await press(app, today, "buttons.log_form", sets="Barbell back squat: heavy")
    assert failed.reply.tone is Tone.ERROR and "Line 1" in failed.reply.body
    assert await snapshot(app) == before


async def test_the_log_form_takes_at_most_twenty_sets_of_an_exercise(app):
    # /log refuses sets:21, but the form logged "60 x 5, 5, 5, ..." 300 times as one session.
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    before = await snapshot(app)
    sets = "Barbell back squat: 60 x " + ", ".join(["5"] * 15) + "\nBarbell back squat: 60 x " + ", ".join(["5"] * 6)
    refused = await press(app, today, "buttons.log_form", sets=sets)
    assert refused.reply.tone is Tone.ERROR and "20 sets of Barbell back squat" in refused.reply.body
    assert await snapshot(app) == before
    twenty = await press(app, today, "buttons.log_form", sets="Barbell back squat: 60 x " + ", ".join(["5"] * 20))
    assert twenty.reply.tone is Tone.SUCCESS


async def _follow_for_weeks(app, clock, goal, perform, weeks=8):
    """A user who runs /today three times a week and logs what `perform` says they did."""
    await run(app, "goal", goal=goal, days=3, experience="intermediate")
    await run(app, "log", exercise="squat", weight=100, reps=8)
    squat_loads = []
    for _ in range(weeks * 3):
        clock.advance(days=2)
        today = await run(app, "today")
        loads = loads_in(today)
        if "Barbell back squat" in loads:
            squat_loads.append(loads["Barbell back squat"])
        lines = []
        for section in today.reply.sections:
            name = section.name.split(". ", 1)[1]
            sets, reps_low, reps_high = map(int, re.match(r"(\d+) × (\d+)–(\d+)", section.value).groups())
            load = loads.get(name, 20.0)
            reps = perform(sets, reps_low, reps_high)
            lines.append(f"{name}: {load:g} x {', '.join(map(str, reps))}")
        logged = await press(app, today, "buttons.log_form", sets="\n".join(lines))
        assert logged.reply.tone is Tone.SUCCESS, logged.reply.body
    return squat_loads


def _steps(loads):
    return [b / a - 1 for a, b in zip(loads, loads[1:])]


async def test_eight_weeks_of_hypertrophy_rise_by_double_progression(app, clock):
    loads = await _follow_for_weeks(app, clock, "hypertrophy", lambda sets, low, high: [high] * sets)
    assert loads[-1] > loads[0]
    assert all(abs(step) <= 0.10 + 1e-9 for step in _steps(loads))


async def test_eight_weeks_of_strength_rise_by_the_two_for_two_rule(app, clock):
    loads = await _follow_for_weeks(app, clock, "strength", lambda sets, low, high: [high] * (sets - 1) + [high + 2])
    assert loads[-1] > loads[0]
    assert all(abs(step) <= 0.10 + 1e-9 for step in _steps(loads))


async def test_failed_sessions_hold_then_cut_the_load(app, clock):
    loads = await _follow_for_weeks(app, clock, "hypertrophy", lambda sets, low, high: [low - 1] * sets, weeks=3)
    assert loads[1] == loads[0]
    assert min(loads) < loads[0]
    cut = next(b for a, b in zip(loads, loads[1:]) if b < a)
    assert cut == pytest.approx(loads[0] * 0.9, abs=2.5)
    assert all(abs(step) <= 0.10 + 1e-9 for step in _steps(loads))


async def test_custom_exercises_are_logged_on_request_and_offered_back(app):
    refused = await run(app, "log", exercise="Zercher carry", weight=60, reps=8)
    assert refused.reply.tone is Tone.ERROR and "custom:True" in refused.reply.body
    logged = await run(app, "log", exercise="Zercher carry", weight=60, reps=8, custom=True)
    assert logged.reply.tone is Tone.SUCCESS
    again = await run(app, "log", exercise="zercher  CARRY", weight=62.5, reps=8)
    assert again.reply.tone is Tone.SUCCESS and "Heaviest load" in str(again.reply.sections)
    choices = await app.autocomplete(ALICE, "log", "exercise", "zer")
    assert choices[0] == ("Zercher carry", "Zercher carry")
    history = await run(app, "history", exercise="Zercher carry")
    assert "**Zercher carry** 60 kg 1×8, 62.5 kg 1×8" in str(history.reply.sections)


async def test_changing_goal_rederives_loads_from_the_estimated_1rm(app, clock):
    await run(app, "goal", goal="hypertrophy", days=3)
    await run(app, "log", exercise="squat", weight=100, reps=8)
    clock.advance(days=2)
    size = loads_in(await run(app, "today"))["Barbell back squat"]
    await run(app, "goal", goal="strength")
    strength = loads_in(await run(app, "today"))["Barbell back squat"]
    e1rm = 100 * (1 + 8 / 30)
    rules = app.rules.level(Goal.STRENGTH, Experience.NOVICE)
    assert size == 100  # held, as logged
    assert rules.intensity_pct.low / 100 * e1rm - 2.5 <= strength <= rules.intensity_pct.high / 100 * e1rm + 2.5


async def test_the_log_form_marks_unknown_loads_with_a_question_mark_and_skips_them(app):
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    opened = await press(app, today, "buttons.log_form")
    default = opened.reply.form.inputs[0].default
    assert all(": ? x " in line for line in default.splitlines()), "no load is known yet"
    unchanged = await app.interact(ALICE, opened.reply.form.action, Interaction(form={"sets": default}))
    assert unchanged.reply.tone is Tone.ERROR and "Replace each ?" in unchanged.reply.body
    first, *rest = default.splitlines()
    filled = "\n".join([first.replace("?", "100"), *rest])
    logged = await app.interact(ALICE, opened.reply.form.action, Interaction(form={"sets": filled}))
    assert logged.reply.tone is Tone.SUCCESS
    assert {e.exercise for e in await app.log.entries(ALICE.user_id)} == {"barbell-back-squat"}
    # The day closes with the lines left at "?" skipped, and the reply names them (it said only
    # "Logged 1 entry for Full body A. Next up: Full body B.").
    skipped = [line.split(":", 1)[0] for line in rest]
    assert f"Skipped this time (no sets in the form, or a ? for the load): {app.prompts.listing(skipped)}." in logged.reply.body


async def test_the_empty_week_field_of_a_custom_lift_is_a_sentence(app):
    await run(app, "goal", goal="strength")
    logged = await run(app, "log", exercise="Zercher carry", weight=60, reps=8, custom=True)
    [week] = [s for s in logged.reply.sections if s.name == app.prompts.text("log.week_title")]
    assert week.value == app.prompts.text("log.week_untracked")
    assert len(await app.log.entries(ALICE.user_id)) == 1


async def test_names_in_any_script_are_different_exercises_and_a_name_without_letters_is_refused(app):
    squat = await run(app, "log", exercise="深蹲", weight=100, reps=5, custom=True)
    bench = await run(app, "log", exercise="卧推", weight=70, reps=5, custom=True)
    before = await snapshot(app)
    nothing = await run(app, "log", exercise="!!!", weight=70, reps=5, custom=True)
    assert squat.reply.tone is Tone.SUCCESS and bench.reply.tone is Tone.SUCCESS
    assert nothing.reply.tone is Tone.ERROR and "no letters or digits" in nothing.reply.body
    assert await snapshot(app) == before
    customs = {c.name: c.key for c in await app.custom_exercises.all(ALICE.user_id)}
    assert customs == {"深蹲": "custom-深蹲", "卧推": "custom-卧推"}
    again = await run(app, "log", exercise="ＳＱＵＡＴ", weight=100, reps=5)
    assert "Barbell back squat" in again.reply.body, "full-width letters are NFKC-normalised"
    history = await run(app, "history", exercise="卧推")
    assert "**卧推** 70 kg 1×5" in str(history.reply.sections)


async def test_a_key_left_from_ascii_only_names_is_not_reused_for_another_lift(app):
    await run(app, "help")  # stores the user
    from bot.store.schema import custom_exercises

    await app.db.write(custom_exercises.insert().values(
        user_id=ALICE.user_id, key="custom-caf", name="Café", created_at="2026-01-01T00:00:00+00:00"))
    await run(app, "log", exercise="Caf", weight=10, reps=5, custom=True)
    customs = {c.name: c.key for c in await app.custom_exercises.all(ALICE.user_id)}
    assert customs == {"Café": "custom-caf", "Caf": "custom-caf-2"}
async def test_log_backfills_a_past_day_in_the_users_time_zone_and_refuses_the_future(app, clock):
    # Monday 2026-11-23 09:00 UTC is 20:00 in Sydney.
    await run(app, "settings", timezone="Australia/Sydney")
    logged = await run(app, "log", exercise="squat", weight=100, reps=5, date="yesterday")
    assert "Logged for Sun 22 Nov 2026." in logged.reply.body
    friday = await run(app, "log", exercise="squat", weight=102.5, reps=5, date="last fri")
    assert "Logged for Fri 20 Nov 2026." in friday.reply.body
    await run(app, "log", exercise="squat", weight=105, reps=5, date="2026-11-10")
    [first, second, third] = await app.log.entries(ALICE.user_id)
    assert first.logged_at.isoformat() == "2026-11-10T09:00:00+00:00"  # 20:00 Sydney time, that day
    assert second.logged_at.isoformat() == "2026-11-20T09:00:00+00:00"
    assert third.logged_at.isoformat() == "2026-11-22T09:00:00+00:00"
    before = await snapshot(app)
    for text, expected in (("2026-11-24", "is in the future"), ("someday", "can't read the date"),
                           ("0001-01-01", "is before 1900-01-01"), ("1899-12-31", "is before 1900-01-01")):
        refused = await run(app, "log", exercise="squat", weight=100, reps=5, date=text)
        assert refused.reply.tone is Tone.ERROR and expected in refused.reply.body
    assert await snapshot(app) == before
    history = await run(app, "history")
    assert [s.name for s in history.reply.sections] == ["Sun 22 Nov 2026", "Fri 20 Nov 2026", "Tue 10 Nov 2026"]


async def test_today_reads_a_window_of_each_lift_and_plans_as_from_the_whole_log(app, clock):
    """A year of logs: the progression from the latest sessions is the one the whole log gives."""
    await seed_users(app.db, [ALICE.user_id], [ALICE.user_id], clock())
    ctx = Context(app, ALICE, await app.users.get(ALICE.user_id), clock())
    plan = await todays_plan(ctx)
    request, equipment = await plan_request(ctx), await equipment_profile(ctx)
    compared = 0
    for planned in plan.session.exercises:
        everything = await app.log.entries(ALICE.user_id, exercise=planned.exercise.key)
        if len(everything) <= progression_sessions(ctx):
            continue
        compared += 1
        assert plan.progressions[planned.exercise.key] == progression_for(ctx, request, planned, everything, equipment)
    assert compared >= 3


async def test_the_log_form_takes_a_load_in_the_unit_typed_after_it(app):
    # A kg user typing "135lb x 10" had 135 kg stored (297 lb); "135 lbs" was refused as a bad line.
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    logged = await press(app, today, "buttons.log_form",
                         sets="Barbell back squat: 135lb x 10\nBarbell bench press: 100 lbs x 5\nBarbell row: 60 kg x 8")
    assert logged.reply.tone is Tone.SUCCESS, logged.reply.body
    stored = {entry.exercise: entry for entry in await app.log.entries(ALICE.user_id)}
    assert stored["barbell-back-squat"].weight_kg == pytest.approx(135 * KG_PER_LB)
    assert stored["barbell-back-squat"].entered_unit.value == "lb"
    assert stored["barbell-bench-press"].weight_kg == pytest.approx(100 * KG_PER_LB)
    assert stored["barbell-row"].weight_kg == 60 and stored["barbell-row"].entered_unit.value == "kg"
    history = await run(app, "history")
    shown = str(history.reply.sections)
    assert re.search(r"squat\*\* 61\.2\d* kg", shown) and "135 kg" not in shown, shown


async def test_a_misspelt_exercise_in_the_log_form_gets_advice_the_form_can_follow(app):
    # The form answered "... To log it as your own exercise, add `custom:True`", which a form cannot take.
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    before = await snapshot(app)
    failed = await press(app, today, "buttons.log_form", sets="Barbell back squat: 60 x 5\nDumbel shoulder press: 20 x 8")
    assert failed.reply.tone is Tone.ERROR and failed.reply.body.startswith("Line 2: I don't know the exercise")
    assert "Did you mean" in failed.reply.body and "`/log exercise:Dumbel shoulder press custom:True`" in failed.reply.body
    assert await snapshot(app) == before


async def test_a_novices_today_points_to_the_terms_in_help(app):
    await run(app, "goal", goal="strength", experience="novice")
    assert "`/help` explains them" in (await run(app, "today")).reply.body
    await run(app, "goal", goal="strength", experience="advanced")
    assert "`/help` explains them" not in (await run(app, "today")).reply.body


async def test_sets_logged_well_short_of_failure_are_no_hard_sets(app):
    # A set logged at RPE 5 counted as a hard set ("chest: 1 of 10–16"), though hard sets are those
    # close to failure (training-science.md §5, RPE >= 7-8): only RPE 7+ (or no RPE) counts now.
    await run(app, "goal", goal="hypertrophy")
    easy = await run(app, "log", exercise="bench", weight=40, reps=10, sets=3, rpe=5)
    [week] = [s for s in easy.reply.sections if s.name == app.prompts.text("log.week_title")]
    assert week.value.startswith("chest: 0 of"), week.value
    hard = await run(app, "log", exercise="bench", weight=60, reps=8, sets=2, rpe=8)
    [week] = [s for s in hard.reply.sections if s.name == app.prompts.text("log.week_title")]
    assert week.value.startswith("chest: 2 of"), week.value


def test_the_sets_chart_counts_hard_sets_as_log_does():
    from bot.coach.catalogue import load_catalogue
    from bot.commands.planning import hard_sets_by_muscle
    from bot.store.training_log import LogEntry

    exercises = {exercise.key: exercise for exercise in load_catalogue()}
    logged = [LogEntry(exercise="barbell-bench-press", weight_kg=40, entered_unit=Unit.KG, reps=10, sets=3, rpe=rpe)
              for rpe in (5.0, 8.0, None)]
    assert hard_sets_by_muscle(logged, exercises, 7.0)[Muscle.CHEST] == 6


async def test_undo_of_the_log_that_closed_a_day_names_what_it_removed(app):
    # "Undid logging Full body A: removed 1 set" read as if the whole session was gone; only the
    # last /log, which had closed the day, was.
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    names = [section.name.split(". ", 1)[1] for section in today.reply.sections]
    for name in names:
        await run(app, "log", exercise=name, weight=40, reps=5)
    undone = await run(app, "undo")
    day = today.reply.title.removeprefix("Today: ")
    assert undone.reply.body == (f"Undid your last log for {day}: removed 1 set of {names[-1]}, "
                                 f"and {day} is open again in `/today`."), undone.reply.body
    assert len(await app.log.entries(ALICE.user_id)) == len(names) - 1


async def test_a_nul_character_in_text_is_dropped_on_both_backends(app):
    """PostgreSQL refuses NUL in text (SQLite stores it): a note with one was an unexpected error there."""
    await run(app, "goal", goal="strength")
    outgoing = await run(app, "log", exercise="squat\x00", weight=100, reps=5, note="heavy\x00 day")
    assert outgoing.reply.tone is not Tone.ERROR, outgoing.reply.body
    [entry] = await app.log.entries(ALICE.user_id)
    assert (entry.exercise, entry.note) == ("barbell-back-squat", "heavy day")
