"""The application core: the disclaimer on every reply, errors that change nothing, users kept apart."""

import asyncio
import logging
import os
import threading

import pytest
import sqlalchemy as sa

from bot.app import CHART_WORKER_NICENESS
from bot.coach.vocabulary import Goal
from bot.commands.base import Caller, Interaction, action_id
from bot.replies import Tone
from bot.store.database import Database
from bot.store.schema import users
from tests.helpers import ALICE, BOB, press, run, snapshot

VALID_CALLS = [
    ("help", {}),
    ("goal", {}),
    ("goal", {"goal": "hypertrophy", "days": 4}),
    ("compare", {}),
    ("compare", {"first": "endurance", "second": "health"}),
    ("today", {}),
    ("settings", {}),
    ("settings", {"units": "lb", "timezone": "Europe/Berlin"}),
    ("log", {"exercise": "bench", "weight": 60, "reps": 8}),
    ("history", {}),
    ("progress", {}),
    ("1rm", {"weight": 100, "reps": 5}),
    ("undo", {}),
]

BAD_CALLS = [
    ("goal", {"days": 9}, "between 2 and 6"),
    ("goal", {"goal": "bulking"}, "strength"),
    ("goal", {"experience": "expert"}, "novice"),
    ("goal", {"equipment": "spaceship"}, "gym"),
    ("goal", {"colour": "red"}, "no option"),
    ("settings", {"timezone": "Mars/Olympus"}, "time zone"),
    ("settings", {"units": "stone"}, "kg"),
    ("compare", {"first": "power"}, "strength"),
    ("log", {"exercise": "bench", "weight": -5, "reps": 5}, "at least 0"),
    ("log", {"exercise": "bench", "weight": 600, "reps": 5}, "more than"),
    ("log", {"exercise": "bench", "weight": 60, "reps": 0}, "between 1 and 100"),
    ("log", {"exercise": "bench", "weight": 60, "reps": 101}, "between 1 and 100"),
    ("log", {"exercise": "bench", "weight": 60, "reps": 5, "sets": 21}, "between 1 and 20"),
    ("log", {"exercise": "bench", "weight": 60, "reps": 5, "rpe": 11}, "between 1 and 10"),
    ("log", {"exercise": "bensh pres", "weight": 60, "reps": 5}, "Did you mean"),
    ("log", {"exercise": "bench", "weight": 60, "reps": 5, "note": "x" * 201}, "too long"),
    ("log", {"exercise": "bench", "weight": "heavy", "reps": 5}, "number"),
    ("log", {"weight": 60, "reps": 5}, "required"),
    ("history", {"days": 0}, "between 1 and 365"),
    ("progress", {"weeks": 500}, "between 1 and 104"),
    ("1rm", {"weight": 100, "reps": 40}, "between 1 and 30"),
    ("nosuchcommand", {}, "no command"),
]


@pytest.mark.parametrize(("name", "options"), VALID_CALLS)
async def test_every_reply_carries_the_disclaimer(app, name, options):
    outgoing = await run(app, name, **options)
    assert outgoing.disclaimer == app.prompts.disclaimer
    assert outgoing.reply.tone is not Tone.ERROR or name == "undo"


@pytest.mark.parametrize(("name", "options", "says"), BAD_CALLS)
async def test_bad_input_gets_a_clear_private_error_and_changes_nothing(app, name, options, says):
    await run(app, "goal", goal="strength")
    await run(app, "log", exercise="squat", weight=100, reps=5)
    before = await snapshot(app)
    outgoing = await run(app, name, **options)
    assert outgoing.reply.tone is Tone.ERROR
    assert outgoing.reply.ephemeral
    assert says.lower() in outgoing.reply.body.lower()
    assert outgoing.disclaimer == app.prompts.disclaimer
    assert await snapshot(app) == before


READ_ONLY_CALLS = [
    ("help", {}),
    ("today", {}),
    ("goal", {}),
    ("settings", {}),
    ("compare", {}),
    ("history", {}),
    ("1rm", {"weight": 100, "reps": 5}),
    ("remind status", {}),
]  # /progress reads like /history; its chart alone can outlast the timeout on a busy machine


@pytest.mark.parametrize(("name", "options"), READ_ONLY_CALLS)
async def test_a_command_that_only_reads_opens_no_write_transaction(app, settings, name, options):
    """While another connection holds the write lock, a reading command still answers at once.

    On SQLite a write (even a no-op bookkeeping UPDATE) would wait for that lock; on PostgreSQL
    nothing would block, so there the test only checks that the answers are right.
    """
    await run(app, "goal", goal="strength")
    await run(app, "log", exercise="squat", weight=100, reps=5)
    await run(app, "remind set")
    async with await Database.open(settings.database_url) as other, other.transaction() as connection:
        await connection.execute(sa.update(users).where(users.c.user_id == BOB.user_id).values(units="kg"))
        outgoing = await asyncio.wait_for(run(app, name, **options), timeout=3)
    assert outgoing.reply.tone is not Tone.ERROR


async def test_the_first_reply_shows_the_safety_notice_once(app):
    first = await run(app, "help")
    second = await run(app, "help")
    assert first.notices == (app.prompts.safety_notice,)
    assert second.notices == ()


async def test_a_button_pressed_by_someone_else_is_refused(app):
    today = await run(app, "goal", goal="strength")
    button = today.reply.buttons[0]
    outgoing = await app.interact(BOB, button.action)
    assert outgoing.reply.tone is Tone.ERROR
    assert "someone else" in outgoing.reply.body


async def test_unknown_or_malformed_buttons_get_a_friendly_error(app):
    for custom_id in ("lc:nosuch:1001:", "garbage", action_id("done", ALICE.user_id, "x")):
        outgoing = await app.interact(ALICE, custom_id)
        assert outgoing.reply.tone is Tone.ERROR
        assert outgoing.disclaimer == app.prompts.disclaimer


async def test_users_never_see_each_others_data(app):
    await run(app, "goal", goal="strength", caller=ALICE)
    await run(app, "log", exercise="deadlift", weight=180, reps=3, caller=ALICE)
    history = await run(app, "history", caller=BOB)
    assert "deadlift" not in history.reply.body.lower() + str(history.reply.sections).lower()
    undo = await run(app, "undo", caller=BOB)
    assert undo.reply.tone is Tone.ERROR
    alice_history = await run(app, "history", caller=ALICE)
    assert "Barbell deadlift" in str(alice_history.reply.sections)


async def test_an_unexpected_error_is_logged_with_an_id_and_shown_politely(app, caplog, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(app.users, "update", broken)
    with caplog.at_level(logging.ERROR):
        outgoing = await run(app, "goal", goal="strength")
    assert outgoing.reply.tone is Tone.ERROR
    assert "database on fire" not in outgoing.reply.body
    error_id = outgoing.reply.body.split("`")[-2]
    assert error_id in caplog.text and "database on fire" in caplog.text


async def test_autocomplete_never_raises_and_caps_at_25(app):
    zones = await app.autocomplete(ALICE, "settings", "timezone", "america")
    assert 0 < len(zones) <= 25
    assert await app.autocomplete(ALICE, "settings", "nosuch", "x") == []
    exercises = await app.autocomplete(ALICE, "log", "exercise", "")
    assert 0 < len(exercises) <= 25


async def test_goal_picker_for_a_new_user_and_choosing_from_it(app):
    picker = await run(app, "today")
    assert picker.reply.menu is not None
    values = {choice.value for choice in picker.reply.menu.choices}
    assert values == {"strength", "hypertrophy", "endurance", "health"}
    chosen = await app.interact(ALICE, picker.reply.menu.action, Interaction(values=("hypertrophy",)))
    assert chosen.reply.title.startswith(app.rules.table(Goal.HYPERTROPHY).title)
    assert chosen.reply.update_source
    session = await run(app, "today")
    assert session.reply.title.startswith("Today:")


async def test_done_advances_the_rotation_once(app):
    await run(app, "goal", goal="health", days=2)
    first = await run(app, "today")
    done = await press(app, first, "buttons.done")
    assert done.reply.tone is Tone.SUCCESS
    again = await press(app, first, "buttons.done")
    assert again.reply.tone is Tone.WARNING
    second = await run(app, "today")
    assert second.reply.title != first.reply.title
    profile = await app.users.get(ALICE.user_id)
    assert profile.rotation_index == 1


async def test_console_and_discord_callers_are_separate_users(app):
    discord_user = Caller(user_id=42, name="x")
    await run(app, "goal", goal="endurance", caller=discord_user)
    assert (await app.users.get(42)).goal.value == "endurance"
    assert await app.users.get(ALICE.user_id) is None


async def test_forget_deletes_everything_after_confirmation(app):
    await run(app, "goal", goal="strength", caller=ALICE)
    await run(app, "log", exercise="squat", weight=100, reps=5, caller=ALICE)
    await run(app, "remind set", caller=ALICE)
    await run(app, "log", exercise="squat", weight=80, reps=5, caller=BOB)
    asked = await run(app, "forget", caller=ALICE)
    assert await app.log.entries(ALICE.user_id), "asking alone deletes nothing"
    done = await app.interact(ALICE, asked.reply.buttons[0].action)
    assert done.reply.tone is Tone.SUCCESS
    tables = await snapshot(app)
    assert not any(ALICE.user_id in row for rows in tables.values() for row in rows)
    assert len(await app.log.entries(BOB.user_id)) == 1


async def test_a_chart_renders_after_the_transaction_so_other_commands_are_not_held_up(app, monkeypatch):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    connection_held_while_drawing = []
    real_render = app._render_attachments

    async def watching(reply):
        connection_held_while_drawing.append(app.db.holds_connection())
        return await real_render(reply)

    monkeypatch.setattr(app, "_render_attachments", watching)
    outgoing = await run(app, "progress")
    assert outgoing.reply.attachments[0].data.startswith(b"\x89PNG")
    assert connection_held_while_drawing == [False]


async def test_the_bounds_named_are_the_ones_enforced(app):
    outgoing = await run(app, "1rm", weight=1e-300, reps=5)
    assert outgoing.reply.tone is Tone.ERROR
    assert outgoing.reply.body == "`weight` must be at least 5."
    heaviest = await run(app, "log", exercise="deadlift", weight=500, reps=1)
    assert heaviest.reply.tone is Tone.SUCCESS
    await run(app, "settings", units="lb")
    heaviest = await run(app, "log", exercise="deadlift", weight=1102, reps=1)
    assert heaviest.reply.tone is Tone.SUCCESS


@pytest.mark.parametrize(("units", "limit"), [("kg", "500 kg"), ("lb", "1102 lb")])
@pytest.mark.parametrize("command", ["log", "1rm"])
async def test_a_load_over_the_limit_is_told_the_limit_in_the_users_unit(app, units, limit, command):
    # A kg user over the option's bound read "`weight` must be between 0 and 1100": the limit in pounds.
    await run(app, "settings", units=units)
    before = await snapshot(app)
    for weight in (1103, 1200, 10**9, "1500,5"):
        named = {"exercise": "squat"} if command == "log" else {}
        refused = await run(app, command, weight=weight, reps=1, **named)
        assert refused.reply.tone is Tone.ERROR and refused.reply.ephemeral
        assert f"That load is more than I accept ({limit})." in refused.reply.body, refused.reply.body
    assert await snapshot(app) == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"custom": "maybe"}, "`custom` must be `True` or `False`."),
        ({"weight": "heavy"}, "`weight` must be a number of at least 0, such as `2.5` or `2,5`."),
        ({"weight": "nan"}, "`weight` must be a number of at least 0, such as `2.5` or `2,5`."),
        ({"weight": float("inf")}, "`weight` must be a number of at least 0, such as `2.5` or `2,5`."),
        ({"reps": "5.5"}, "`reps` must be a whole number between 1 and 100."),
        ({"reps": 10**30}, "`reps` must be between 1 and 100."),
        ({"note": "   "}, "`note` is empty: give it a value or leave the option out."),
        ({"note": "x" * 5000}, "`note` is too long: at most 200 characters."),
        ({"unit": "kg"}, "`/log` has no option `unit`. Allowed options: exercise, weight, reps, sets, rpe, note, custom, date, pain."),
        ({"weight": "135lb"}, "`weight` takes the number alone, such as `135`: loads are in the unit you chose with "
                              "`/settings units:` (kg or lb)."),
        ({"weight": "60 KG"}, "`weight` takes the number alone, such as `135`: loads are in the unit you chose with "
                              "`/settings units:` (kg or lb)."),
    ],
)
async def test_every_validation_message_is_written_in_prompts(app, options, message):
    outgoing = await run(app, "log", **{"exercise": "squat", "weight": 100, "reps": 5, **options})
    assert outgoing.reply.body == message


async def test_an_option_given_to_a_command_without_options_says_so(app):
    outgoing = await run(app, "today", foo="1")
    assert outgoing.reply.body == "`/today` takes no options, so `foo` does not fit. Type the command alone."


async def test_a_decimal_comma_is_a_decimal_point(app):
    logged = await run(app, "log", exercise="curl", weight="12,5", reps="10", rpe="8,5")
    assert "12.5 kg" in logged.reply.body and "RPE 8.5" in logged.reply.body
    estimate = await run(app, "1rm", weight="102,5", reps="3")
    assert estimate.reply.tone is Tone.INFO


async def test_a_chart_is_announced_before_it_is_drawn_and_drawn_in_another_process(app):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    acknowledged = []

    async def acknowledge(reply):
        acknowledged.append(reply.attachments[0].data)

    outgoing = await app.run(ALICE, "progress", {}, before_render=acknowledge)
    assert acknowledged == [b""]  # told before drawing, once
    assert outgoing.reply.attachments[0].data.startswith(b"\x89PNG")
    assert app.renderer is not None and app.renderer._processes  # drawn by the pool's worker, not a thread
    # The worker yields the CPU to the bot: Discord's 3 s bind every other command, not an acknowledged chart.
    assert await asyncio.wrap_future(app.renderer.submit(os.nice, 0)) == os.nice(0) + CHART_WORKER_NICENESS


async def test_the_chart_pool_is_never_submitted_to_from_the_event_loop(app):
    """Starting a chart worker waits, in the submitting thread, for the fork server's imports."""
    loop_thread = threading.get_ident()
    submitting = []
    submit = app.renderer.submit

    def recording(*arguments):
        submitting.append(threading.get_ident())
        return submit(*arguments)

    app.renderer.submit = recording
    await app.warm_up()
    await run(app, "log", exercise="squat", weight=100, reps=5)
    assert (await app.run(ALICE, "progress", {})).reply.attachments[0].data.startswith(b"\x89PNG")
    assert len(submitting) == 2 and loop_thread not in submitting


async def test_replies_without_a_chart_are_not_announced(app):
    acknowledged = []

    async def acknowledge(reply):
        acknowledged.append(reply)

    await app.run(ALICE, "help", {}, before_render=acknowledge)
    await app.run(ALICE, "progress", {"weeks": 500}, before_render=acknowledge)  # an error: nothing to draw
    assert acknowledged == []
