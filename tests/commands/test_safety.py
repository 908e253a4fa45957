"""What /today shows about the health check and pain, and to whom."""

from __future__ import annotations

from bot.replies import Tone
from tests.helpers import ALICE, BOB, action_of, press, run, snapshot


async def answer_the_screen(app, yes_to_first: bool) -> None:
    goal = await run(app, "goal", goal="strength")
    step = await app.interact(ALICE, action_of(goal, "screen"))
    for question in range(7):
        step = await app.interact(ALICE, action_of(step, "screen", "y" if yes_to_first and question == 0 else "n"))


async def test_today_with_health_or_pain_notes_is_private_and_without_them_public(app):
    # /today is a public message in a server; it said "Gentle sessions (health check) ... until you
    # confirm a healthcare professional has cleared you" and "load held after mild pain" to everyone.
    await answer_the_screen(app, yes_to_first=False)
    plain = await run(app, "today")
    assert not plain.reply.ephemeral
    await run(app, "log", exercise="squat", weight=60, reps=5, pain="mild")
    mild = await run(app, "today")
    assert "mild pain" in mild.reply.body and mild.reply.ephemeral
    await run(app, "log", exercise="bench", weight=60, reps=5, pain="sharp")
    paused = await run(app, "today")
    assert "sharp pain" in paused.reply.body and paused.reply.ephemeral


async def test_today_in_gentle_sessions_after_a_yes_is_private(app):
    await answer_the_screen(app, yes_to_first=True)
    gentle = await run(app, "today")
    assert "Gentle sessions (health check)" in gentle.reply.body and gentle.reply.ephemeral


async def test_a_set_logged_with_sharp_pain_gets_no_rest_timer_and_no_records(app):
    # "Stop: sharp pain ... stop that exercise today" came with "Rest 3 min: next set ..." and
    # "New records: Heaviest load" in the same reply.
    await run(app, "goal", goal="strength")
    await run(app, "log", exercise="bench", weight=50, reps=5)
    plain = await run(app, "log", exercise="bench", weight=52.5, reps=5)
    assert "Rest " in plain.reply.body and "records" in str(plain.reply.sections).casefold()
    sharp = await run(app, "log", exercise="bench", weight=55, reps=5, pain="sharp")
    assert "Stop: sharp pain" in str(sharp.reply.sections)
    assert "Rest " not in sharp.reply.body and "records" not in str(sharp.reply.sections).casefold()


async def test_a_lift_held_for_pain_says_so_in_its_own_line(app, clock):
    # The top said "load held after mild pain last time" while the squat's line said
    # "Why: +2.5 kg: 2×6 at RPE 7 last time"; a paused bench said "held: 0 of 2 sets reached 6".
    await run(app, "goal", goal="strength")
    await run(app, "log", exercise="squat", weight=62.5, reps=6, sets=2, rpe=7, pain="mild")
    await run(app, "log", exercise="bench", weight=52.5, reps=3, sets=2, rpe=9.5, pain="sharp")
    clock.advance(days=2)
    today = await run(app, "today")
    lines = {section.name.split(". ", 1)[1]: section.value for section in today.reply.sections}
    squat, bench = lines["Barbell back squat"], lines["Barbell bench press"]
    assert "62.5 kg" in squat and "held: mild pain last time" in squat and "+2.5" not in squat
    assert "52.5 kg" in bench and "progression paused after sharp pain" in bench and "reached" not in bench


async def test_a_lift_stopped_for_sharp_pain_today_is_not_prescribed_again_that_day(app, clock):
    # "Sharp pain is a signal to stop that exercise today", and a /today an hour later still listed it
    # as the day's work, "held: progression paused after sharp pain".
    await run(app, "goal", goal="strength")
    await run(app, "log", exercise="bench", weight=52.5, reps=5, sets=2, rpe=8)
    clock.advance(days=2)
    await run(app, "log", exercise="bench", weight=55, reps=3, pain="sharp")
    clock.advance(hours=1)
    same_day = await run(app, "today")
    bench = next(section.value for section in same_day.reply.sections if "Barbell bench press" in section.name)
    assert "no more sets today: sharp pain" in bench and "progression paused" not in bench


async def test_declining_the_screen_carries_the_disclaimer_once(app):
    # "No problem: ..." carried its own "not medical advice" sentence above the one every reply gets.
    goal = await run(app, "goal", goal="strength")
    declined = await app.interact(ALICE, action_of(goal, "screen-decline"))
    assert "No problem" in declined.reply.body and "medical advice" not in declined.reply.body
    assert "medical advice" in declined.disclaimer


async def test_what_the_log_buttons_record_is_private_like_log(app, clock):
    # /log answered privately, but "Log as prescribed" and the form (with its pain lines: "Stop:
    # sharp pain") answered in the channel, under the public /today. "Session done" stays public.
    for caller in (ALICE, BOB):
        await run(app, "goal", goal="strength", caller=caller)
        await run(app, "log", exercise="squat", weight=60, reps=5, caller=caller)
    clock.advance(days=2)
    today = await run(app, "today")
    assert not today.reply.ephemeral
    as_prescribed = await press(app, today, "buttons.log_plan")
    assert as_prescribed.reply.tone is Tone.SUCCESS and as_prescribed.reply.ephemeral
    assert not (await press(app, today, "buttons.done")).reply.ephemeral
    form = await press(app, await run(app, "today", caller=BOB), "buttons.log_form", caller=BOB,
                       sets="Barbell back squat: 62.5 x 5, 5", pain="Barbell back squat: sharp")
    assert "Stop: sharp pain" in str(form.reply.sections) and form.reply.ephemeral


async def test_pain_in_the_log_form_for_an_exercise_without_sets_is_refused_or_misspelt_explained(app, clock):
    # "Mild pain noted on Barbell deadlift: I will hold its load next time" with no deadlift set in
    # the form: the hold lives on the sets, so nothing was held. And a misspelt pain line said "add `custom:True`".
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    before = await snapshot(app)
    refused = await press(app, today, "buttons.log_form", sets="Barbell back squat: 100 x 5",
                          pain="Barbell deadlift: mild")
    assert refused.reply.tone is Tone.ERROR and "the form has none for it" in refused.reply.body
    misspelt = await press(app, today, "buttons.log_form", sets="Barbell back squat: 100 x 5",
                           pain="Barbel bak squat: mild")
    assert misspelt.reply.body.startswith("Pain line 1: I don't know the exercise") and "custom" not in misspelt.reply.body
    assert await snapshot(app) == before
