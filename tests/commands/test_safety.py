"""What /today shows about the health check and pain, and to whom."""

from __future__ import annotations

from tests.helpers import ALICE, action_of, run


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
