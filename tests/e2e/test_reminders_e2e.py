"""Reminder DMs from the real bot process: arrival, Done / Snooze / Skip, closed DMs, and a crash mid-dispatch.

`CLOCK_START` puts the bot's clock a moment before Monday 2026-11-23 18:00 UTC, so a reminder
"for the next minute" is due after a second or three of real time. Time zones, DST and pacing
of 10,000 users are covered at unit level (`tests/coach/test_schedule.py`, `tests/test_reminders.py`).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from driver import Driver
from fake_discord import FakeDiscord, FakeMessage, FakeUser, RecordedRequest, proxy_rate_limited
from harness import BotHarness
from liftcoach_ui import DISCLAIMER, action_ids, button_labels, house_rule_breaches, main_embed

from bot.config import Settings
from bot.store import schema
from bot.store.database import Database
from bot.store.reminders import CLAIM_LEASE, NONCE_WINDOW, ReminderStore, reminder_nonce
from bot.store.schema import reminder_deliveries
from bot.store.users import UserStore

SLOT = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # a Monday
MONDAY = 0
REMINDER_BUTTONS = ["Done", "Snooze 1 h", "Skip"]
SEND_MESSAGE = "POST /channels/{channel}/messages"
RUN_HEADER = "===== python -m bot run ====="


@pytest.fixture
async def bot(
    fake_discord: FakeDiscord, synced_commands, tmp_path: Path, database_url: str
) -> AsyncIterator[BotHarness]:
    """Like the shared `bot` fixture, but not started: each test sets the reminder clock and pace first."""
    fake_discord.preload_commands(
        synced_commands.global_commands,
        {fake_discord.guilds[index].id: commands for index, commands in synced_commands.guild_commands_by_index.items()},
    )
    harness = BotHarness(fake_discord, tmp_path, database_url)
    try:
        yield harness
    finally:
        await harness.kill()
    harness.assert_token_kept_secret()
    breaches = house_rule_breaches(fake_discord)
    if breaches:
        pytest.fail("messages breaking Liftcoach's own rules:\n  " + "\n  ".join(breaches), pytrace=False)


async def start_at(bot: BotHarness, clock_start: datetime, **settings: object) -> None:
    bot.extra_env = {
        "CLOCK_START": clock_start.isoformat(),
        "REMINDER_POLL_SECONDS": "0.5",
        **{name.upper(): str(value) for name, value in settings.items()},
    }
    await bot.start()


async def seed_reminders(bot: BotHarness, users: Iterable[FakeUser], dm_channels: dict[int, int]) -> None:
    """Monday 18:00 UTC reminders for `users`, written before the bot starts (no race with its clock)."""
    now = SLOT - timedelta(minutes=5)
    async with await Database.open(bot.database_url) as db:
        await db.migrate()
        for user in users:
            await UserStore(db).ensure(user.id, now)
            await ReminderStore(db).set_schedule(user.id, (MONDAY,), time(18, 0), "UTC", now)
            if user.id in dm_channels:
                await ReminderStore(db).set_dm_channel(user.id, dm_channels[user.id], now)


async def delivery_states(bot: BotHarness, user: FakeUser) -> list[str]:
    """Every reminder slot's state for `user`, read beside the running bot (SQLite WAL allows it)."""
    deliveries, reminders = reminder_deliveries, schema.reminders
    async with await Database.open(bot.database_url) as db:
        rows = await db.rows(
            sa.select(deliveries.c.state, reminders.c.next_due_utc)
            .join(reminders, reminders.c.user_id == deliveries.c.user_id)
            .where(deliveries.c.user_id == user.id)
        )
    assert all(row["next_due_utc"] is None for row in rows), "a paused user has no next reminder"
    return [row["state"] for row in rows]


def nonce_for(user: FakeUser) -> str:
    return reminder_nonce(user.id, SLOT)


def log_of_current_run(bot: BotHarness) -> str:
    return bot.log_text().rsplit(RUN_HEADER, 1)[-1]


def assert_is_reminder(dm: FakeMessage, user: FakeUser) -> None:
    assert main_embed(dm)["footer"]["text"] == DISCLAIMER
    assert button_labels(dm) == REMINDER_BUTTONS
    assert set(action_ids(dm)) == {"rem-done", "rem-snooze", "rem-skip"}
    assert dm.raw.get("nonce") == nonce_for(user), "sent with the slot's nonce, so Discord can drop a repeat"


async def test_a_reminder_for_the_next_minute_arrives_and_its_buttons_work_across_a_restart(
    fake_discord: FakeDiscord, bot: BotHarness, discord: Driver
) -> None:
    await start_at(bot, SLOT - timedelta(seconds=3))
    user = fake_discord.default_user
    await discord.slash("goal", {"goal": "health", "days": 2})
    saved = await discord.slash("remind set", {"days": "mon", "time": "18:00"})
    assert f"<t:{int(SLOT.timestamp())}:F>" in main_embed(saved)["fields"][0]["value"], "set before the slot"

    [dm] = await discord.wait_for_dms(user, timeout=60)
    assert_is_reminder(dm, user)
    reminder = main_embed(dm)
    assert reminder["title"].startswith("Training day: ")
    assert "Time to train!" in reminder["description"] and "This week: 0 of 2 planned sessions" in reminder["description"]
    [preview] = reminder["fields"]
    assert preview["name"] == "Today's session" and " × " in preview["value"]

    snoozed = await discord.click(dm, action_ids(dm)["rem-snooze"])
    # An hour after the click, which comes a moment after the slot (seconds later on a loaded machine).
    [again_at] = re.findall(r"I will remind you again <t:(\d+):F>", main_embed(snoozed)["description"])
    in_an_hour = int((SLOT + timedelta(hours=1)).timestamp())
    assert in_an_hour <= int(again_at) <= in_an_hour + 60

    await bot.kill()
    await start_at(bot, SLOT + timedelta(seconds=30))

    done = await discord.click(dm, action_ids(dm)["rem-done"])
    assert main_embed(done)["title"] == "Session done"
    assert "This week: 1 of 2 planned sessions" in main_embed(done)["description"]
    again = await discord.click(dm, action_ids(dm)["rem-done"])
    assert again.response.ephemeral and "already marked done" in main_embed(again)["description"]

    skip = await discord.click(dm, action_ids(dm)["rem-skip"])
    assert skip.response.type == 9, "Skip opens a form"
    reason = await discord.submit_modal(skip, None, {"reason": "sharp knee pain"})
    assert main_embed(reason)["title"] == "Take care of yourself"
    assert "see a doctor or physiotherapist" in main_embed(reason)["description"]
    assert discord.dms(user) == [dm], "the restart sent no second reminder for the slot"


async def test_a_form_not_ready_before_the_deadline_comes_as_a_button_that_opens_it(
    fake_discord: FakeDiscord, bot: BotHarness, discord: Driver
) -> None:
    """Discord opens a form only as an interaction's first answer. The first click of a user who has
    not seen the safety notice stores that it was shown; with another writer holding SQLite, the
    click is deferred at 2 s, and its form comes as a button that opens it with the next click."""
    if not bot.database_url.startswith("sqlite"):
        pytest.skip("holds SQLite's write lock from outside the bot")
    import sqlite3

    user = discord.user("late-form")
    await seed_reminders(bot, [user], {user.id: fake_discord.dm_channel_id(user)})
    await start_at(bot, SLOT - timedelta(seconds=1))
    [dm] = await discord.wait_for_dms(user, timeout=60)

    holder = sqlite3.connect(bot.database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        skip = await discord.click(dm, action_ids(dm)["rem-skip"], user=user)
        assert skip.response.type == 6 and 1.5 < skip.latency < 3.0, "deferred, not answered, before the deadline"
        await asyncio.sleep(0.3)
    finally:
        holder.rollback()
        holder.close()
    await skip.wait_final(timeout=10)
    [late] = skip.followups
    assert late.raw["flags"] & 64, "ephemeral"
    assert "took too long to prepare" in main_embed(late)["description"]
    assert button_labels(late) == ["Open the form"]
    again = await discord.click(late, action_ids(late)["rem-skip"], user=user)
    assert again.response.type == 9, "the form opens"


async def test_closed_dms_pause_reminders_after_one_attempt_and_the_next_command_says_so(
    fake_discord: FakeDiscord, bot: BotHarness, discord: Driver
) -> None:
    user = discord.user("closed")
    await seed_reminders(bot, [user], {user.id: fake_discord.dm_channel_id(user)})
    fake_discord.close_dms(user)
    await start_at(bot, SLOT - timedelta(seconds=1))

    await bot.wait_for_log(f"DMs closed for user {user.id} (code 50007)", timeout=10)
    await bot.wait_for_log("undeliverable=1")
    [attempt] = fake_discord.requests_about(user)
    assert (attempt.route, attempt.status) == (f"POST /channels/{fake_discord.dm_channel_id(user)}/messages", 403)

    status = await discord.slash("remind status", user=user)
    text = status.response.text()
    assert "Your reminders are paused" in text, "the paused notice comes with the next command"
    assert "**Paused:** I couldn't DM you" in main_embed(status)["description"]
    later = await discord.slash("help", user=user)
    assert "Your reminders are paused" not in later.response.text(), "the notice is shown once"

    # Nothing is left to retry: the slot is closed and no next reminder is scheduled until `/remind set`.
    assert await delivery_states(bot, user) == ["undeliverable"]
    assert fake_discord.requests_about(user) == [attempt], "no further DM attempts for that user"
    assert discord.dms(user) == []


async def test_a_rate_limit_proxys_429_on_a_reminder_dm_is_waited_out_and_the_dm_sent_once(
    fake_discord: FakeDiscord, bot: BotHarness, discord: Driver
) -> None:
    user = discord.user("proxied")
    channel = fake_discord.dm_channel_id(user)
    await seed_reminders(bot, [user], {user.id: channel})
    fake_discord.inject(f"POST /channels/{channel}/messages", proxy_rate_limited(0.1))
    await start_at(bot, SLOT - timedelta(seconds=1))

    [dm] = await discord.wait_for_dms(user, timeout=10)
    assert_is_reminder(dm, user)
    sends = fake_discord.requests_matching(f"POST /channels/{channel}/messages")
    assert [request.status for request in sends] == [429, 200]
    assert sends[0].json["nonce"] == sends[1].json["nonce"] == nonce_for(user)
    await bot.wait_for_log("sent=1")


async def test_killed_mid_dispatch_then_restarted_every_due_user_gets_exactly_one_dm(
    fake_discord: FakeDiscord, bot: BotHarness, discord: Driver
) -> None:
    users = [discord.user(f"lifter{number}") for number in range(30)]
    # Only every third user has a DM channel stored; the bot opens the others' channels first.
    known_channels = {user.id: fake_discord.dm_channel_id(user) for user in users[::3]}
    await seed_reminders(bot, users, known_channels)
    await start_at(bot, SLOT - timedelta(seconds=1), reminder_rate_per_second=10)

    def sends() -> list[RecordedRequest]:
        return [request for request in fake_discord.requests_matching(SEND_MESSAGE) if request.status == 200]

    await fake_discord.wait_until(lambda: len(sends()) >= 10, 10, "10 reminder DMs")
    await bot.kill()
    assert len(sends()) < len(users), "the kill came in the middle of the dispatch"

    # Restarted once the dead process's claims are free again (at once on SQLite, after the claim
    # lease on PostgreSQL), still inside Discord's nonce window.
    await start_at(bot, SLOT + CLAIM_LEASE + timedelta(seconds=5), reminder_rate_per_second=10)
    await fake_discord.wait_until(lambda: all(discord.dms(user) for user in users), 10, "a DM for every user")
    await fake_discord.wait_until(lambda: "reminders dispatched" in log_of_current_run(bot), 5, "the dispatch to end")

    for user in users:
        [dm] = discord.dms(user)
        assert_is_reminder(dm, user)
    # At most the sends in flight at the kill (REMINDER_SENDS_IN_FLIGHT) went out twice, with
    # their nonces; the fake dropped the copies (each user has one DM, checked above).
    assert CLAIM_LEASE + timedelta(seconds=5) < NONCE_WINDOW
    nonces = Counter(request.json["nonce"] for request in sends())
    assert set(nonces) == {nonce_for(user) for user in users}
    assert sum(nonces.values()) - len(users) <= Settings.model_fields["reminder_sends_in_flight"].default
