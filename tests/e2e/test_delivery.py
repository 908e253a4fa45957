"""Replies Discord would refuse, and replies Discord does refuse, through the real bot process.

The fake answers any reply over one of Discord's limits with 400 / 50035 and fails the test, so
driving every reply shape with the longest and the emptiest realistic data proves that none is
over a limit; an injected refusal proves that a stored change is never reported as "nothing
was changed".
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from driver import Driver
from fake_discord import InjectedError
from harness import BotHarness
from liftcoach_ui import action_ids, button_labels, field_names, main_embed, seed_log

pytestmark = pytest.mark.asyncio(loop_scope="module")

# A 100-character custom exercise name (the option's limit) that also tries to ping everyone.
LONG_NAME = ("@everyone Zercher carry to the far wall and back with a pause " + "x" * 100)[:100]
INVALID_FORM_BODY = InjectedError(400, {"code": 50035, "message": "Invalid Form Body", "errors": {}})
CALLBACK = "POST /interactions/{id}/{token}/callback"


@pytest.fixture
def discord(shared_discord: Driver) -> Driver:
    return shared_discord


async def stored_sets(bot: BotHarness, user_id: int) -> list[tuple[str, float, int]]:
    from bot.store.database import Database
    from bot.store.schema import set_logs

    async with await Database.open(bot.database_url) as db:
        rows = await db.rows(sa.select(set_logs.c.exercise, set_logs.c.weight_kg, set_logs.c.reps)
                             .where(set_logs.c.user_id == user_id).order_by(set_logs.c.log_id))
    return [(row["exercise"], row["weight_kg"], row["reps"]) for row in rows]


async def test_a_custom_exercise_log_gets_a_normal_reply_and_stores_one_entry(discord: Driver, shared_bot) -> None:
    record = await discord.slash("log", {"exercise": "Zercher carry", "weight": 60.0, "reps": 8, "custom": True})
    assert main_embed(record)["title"] == "Logged"
    assert field_names(record) == ["Hard sets this week"]
    assert "count toward no muscle" in main_embed(record)["fields"][0]["value"]
    assert await stored_sets(shared_bot, discord.fake.default_user.id) == [("custom-zercher-carry", 60.0, 8)]


async def test_a_refused_reply_after_a_stored_log_says_it_was_stored(discord: Driver, shared_bot) -> None:
    discord.fake.inject(CALLBACK, INVALID_FORM_BODY)
    record = await discord.slash("log", {"exercise": "squat", "weight": 100.0, "reps": 5})
    told = main_embed(record)
    assert told["title"] == "Saved, but the reply didn't arrive"
    assert "**was stored**" in told["description"] and "1 × 5 at 100 kg: Barbell back squat." in told["description"]
    assert "nothing was changed" not in told["description"]
    assert await stored_sets(shared_bot, discord.fake.default_user.id) == [("barbell-back-squat", 100.0, 5)]


async def test_a_refused_reply_that_stored_nothing_says_nothing_changed(discord: Driver, shared_bot) -> None:
    discord.fake.inject(CALLBACK, INVALID_FORM_BODY)
    record = await discord.slash("help")
    assert "nothing was changed" in main_embed(record)["description"]


async def test_every_reply_fits_with_no_logs_at_all(discord: Driver) -> None:
    for command, options in [
        ("history", {}), ("progress", {}), ("undo", {}), ("today", {}), ("goal", {}), ("remind status", {}),
        ("history", {"exercise": "squat", "days": 365}), ("progress", {"weeks": 104}),
    ]:
        record = await discord.slash(command, options)
        assert record.response.type in (4, 5), command
    await discord.slash("goal", {"goal": "strength"})
    session = await discord.slash("today")
    assert button_labels(session.original)
    form = await discord.click(session, action_ids(session.original)["log-open"])
    assert form.response.type == 9


async def test_every_reply_fits_with_a_year_of_history_and_a_100_character_name(discord: Driver, shared_bot) -> None:
    lifter = discord.fake.default_user
    await discord.slash("goal", {"goal": "hypertrophy", "days": 6})
    logged = await discord.slash("log", {"exercise": LONG_NAME, "weight": 40.0, "reps": 12, "sets": 20, "rpe": 9.5,
                                         "note": "@here " + "n" * 194, "custom": True})
    assert LONG_NAME in main_embed(logged)["description"]
    [(key, _, _)] = await stored_sets(shared_bot, lifter.id)
    rows = [(exercise, 100.0 + day % 50, 5 + day % 20, day)
            for day in range(1, 366) for exercise in ("barbell-back-squat", key)]
    await seed_log(shared_bot, lifter.id, rows, datetime.now(UTC))

    history = await discord.slash("history", {"days": 365})
    assert "page 1 of" in main_embed(history)["description"]
    for _ in range(3):
        await discord.click(history, action_ids(history.original)["history"])
    own = await discord.slash("history", {"exercise": LONG_NAME, "days": 365})
    assert all(len(custom_id) <= 100 for custom_id in own.original.custom_ids())
    await discord.click(own, action_ids(own.original)["history"])
    progress = await (await discord.slash("progress", {"weeks": 104})).wait_final(timeout=30)  # deferred, then drawn
    assert LONG_NAME in main_embed(progress)["description"]
    await (await discord.slash("progress", {"exercise": LONG_NAME, "weeks": 104})).wait_final(timeout=30)
    await discord.slash("1rm", {"weight": 1100.0, "reps": 30, "formula": "wathan"})
    session = await discord.slash("today")
    form = await discord.click(session, action_ids(session.original)["log-open"])
    assert form.response.type == 9
    await discord.slash("undo")
    choices = await discord.autocomplete("log", {"exercise": "zercher"}, focused="exercise")
    assert {"name": LONG_NAME, "value": LONG_NAME} in choices


async def test_a_reply_not_ready_2_s_after_the_interaction_is_deferred_then_delivered(discord: Driver, shared_bot) -> None:
    """Discord drops an interaction not answered within 3 s: a command held up (here by another writer
    holding the SQLite database) is acknowledged privately at 2 s, and its answer then fills the message."""
    if not shared_bot.database_url.startswith("sqlite"):
        pytest.skip("holds SQLite's write lock from outside the bot")
    import asyncio
    import sqlite3

    holder = sqlite3.connect(shared_bot.database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Not waiting for the reply that ends the deferral: it cannot come while the database is held.
        record = await discord.slash("log", {"exercise": "Barbell back squat", "weight": 100.0, "reps": 5}, wait=False)
        await record.wait_response()
        assert record.response.type == 5 and record.response.ephemeral
        assert 1.8 < record.latency < 3.0
        await asyncio.sleep(0.5)
    finally:
        holder.rollback()
        holder.close()
    shown = await record.wait_final(timeout=10)
    assert not shown.loading and "100 kg" in main_embed(shown)["description"]
    # Without the hold-up, the same command is answered directly.
    assert (await discord.slash("help")).response.type == 4
