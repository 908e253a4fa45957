"""Three bot processes dispatch reminders from one PostgreSQL: each is sent exactly once, and the
claims of one SIGKILLed mid-batch are sent by the other two once its lease is over, inside the grace period.

Each process is the real `python -m bot run` (its reminder dispatcher is the one production runs)
against the fake Discord on loopback, which counts every DM per DM channel. Time is real: the lease
is a setting (REMINDER_CLAIM_LEASE_SECONDS, here 4 s), as is the grace period (here 60 s), so the
test takes seconds. The rate cap is raised to 300/s per process, which the settings allow because
DISCORD_API_BASE points at something other than Discord (in production, a rate-limit proxy).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fake_discord import FakeDiscord

from bot.store.database import Database
from bot.store.schema import reminder_deliveries, reminders, users

USERS = 3_000
BATCH = 100  # deliveries per claim: the dispatcher's default (its rate and lease would allow more)
DOOMED_SENDS = 30
LEASE = timedelta(seconds=4)
GRACE = timedelta(seconds=60)
SENDS_IN_FLIGHT = 10
SETTINGS = {
    "REMINDER_CLAIM_LEASE_SECONDS": str(LEASE.total_seconds()),
    "REMINDER_GRACE_HOURS": str(GRACE.total_seconds() / 3600),
    "REMINDER_RATE_PER_SECOND": "300",
    "REMINDER_SENDS_IN_FLIGHT": str(SENDS_IN_FLIGHT),
    "REMINDER_POLL_SECONDS": "0.5",
}


async def _seed(db: Database, channel_of: dict[int, int], slot: datetime) -> None:
    """Every user due at `slot` (UTC, weekly), with a known DM channel: one transaction, so all
    three dispatchers see all of them at once."""
    stamp = (slot - timedelta(hours=1)).isoformat()
    async with db.transaction() as connection:
        await connection.execute(sa.insert(users), [
            {"user_id": user_id, "created_at": stamp, "updated_at": stamp} for user_id in channel_of
        ])
        await connection.execute(sa.insert(reminders), [
            {"user_id": user_id, "days": str(slot.weekday()), "local_time": slot.strftime("%H:%M"), "timezone": "UTC",
             "enabled": 1, "next_due_utc": slot.isoformat(), "dm_channel_id": channel, "updated_at": stamp}
            for user_id, channel in channel_of.items()
        ])


def _sends(fake_discord: FakeDiscord, since: int) -> int:
    return sum(1 for request in fake_discord.requests[since:]
               if request.method == "POST" and request.path.endswith("/messages"))


async def _open_deliveries(db: Database) -> dict[int, datetime]:
    """User id -> lease end of every delivery still claimed or being sent."""
    rows = await db.rows(
        sa.select(reminder_deliveries.c.user_id, reminder_deliveries.c.next_attempt_utc)
        .where(reminder_deliveries.c.state.in_(("claimed", "sending")))
    )
    return {row["user_id"]: datetime.fromisoformat(row["next_attempt_utc"]) for row in rows}


async def test_three_dispatcher_processes_send_each_reminder_once_and_take_over_a_killed_ones_claims(
    fake_discord: FakeDiscord, start_bot, backend: str, database_url: str
) -> None:
    if backend != "postgresql":
        pytest.skip("several dispatchers need PostgreSQL (SQLite runs one dispatcher per database)")
    people = [fake_discord.user(f"due-{number}") for number in range(USERS)]
    channel_of = {person.id: fake_discord.dm_channel_id(person) for person in people}
    user_of = {channel: user_id for user_id, channel in channel_of.items()}

    async with AsyncExitStack() as stack:
        db = await stack.enter_async_context(await Database.open(database_url))
        bots = [await stack.enter_async_context(start_bot(name, **SETTINGS)) for name in ("one", "two", "three")]
        doomed, survivors = bots[1], (bots[0], bots[2])
        # The survivors sleep while the doomed one starts alone: its first batch (BATCH deliveries,
        # leased to it) is then the first deliveries sent, so holding Discord after DOOMED_SENDS of
        # them leaves it at most SENDS_IN_FLIGHT in flight and the rest of that batch claimed.
        # Killed at any moment of a shared run, it could be between batches or at a batch's last
        # sends, with nothing claimed to take over.
        for bot in survivors:
            bot.pause()
        slot = datetime.now(UTC).replace(microsecond=0)
        before = len(fake_discord.requests)
        await _seed(db, channel_of, slot)

        await fake_discord.wait_until(lambda: _sends(fake_discord, before) >= DOOMED_SENDS, 30,
                                      f"{DOOMED_SENDS} reminder DMs from the doomed dispatcher")
        fake_discord.hold_messages()
        for bot in survivors:
            bot.resume()
        # Let the survivors claim their own batches and block on Discord too, then kill.
        await asyncio.sleep(1)
        await doomed.kill()
        killed_at = datetime.now(UTC)
        open_at_kill = await _open_deliveries(db)
        fake_discord.release_messages()

        deadline = asyncio.get_running_loop().time() + 45
        while sum(1 for channel in user_of if fake_discord.messages_in(channel)) < USERS:
            assert asyncio.get_running_loop().time() < deadline, "not every reminder was sent within 45 s"
            await asyncio.sleep(0.25)
        # A DM the killed process had in flight reaches its user when Discord is released, but its
        # row stays `sending` until a survivor takes it over once the lease is over (re-sending it
        # with its nonce, which Discord answers with the same message) and marks it sent.
        while await _open_deliveries(db):
            assert asyncio.get_running_loop().time() < deadline, "deliveries still open 45 s after the kill"
            await asyncio.sleep(0.25)
        states = await db.rows(
            sa.select(reminder_deliveries.c.state, sa.func.count()).group_by(reminder_deliveries.c.state)
        )
        # The survivors stop polling once everything is sent; the kill left nothing behind.
        assert [tuple(row.values()) for row in states] == [("sent", USERS)]

    # Exactly once: one DM in each user's channel, for every user.
    per_channel = Counter({channel: len(fake_discord.messages_in(channel)) for channel in user_of})
    assert set(per_channel.values()) == {1}, "some user got two DMs (or none)"
    sends = [request for request in fake_discord.requests[before:]
             if request.method == "POST" and request.path.endswith("/messages") and request.status == 200]
    # A send is made twice only for a row left `sending` when its lease ran out: those the killed
    # process had in flight, and on a loaded machine those of a live process still working
    # through a batch when its lease ended. Each went out again with its nonce (the fake, like
    # Discord, answered with the first message), so the users saw one DM (checked above).
    nonces = Counter(request.json["nonce"] for request in sends)
    assert sum(nonces.values()) - USERS <= 3 * SENDS_IN_FLIGHT

    # The killed process held claims (leased to it, so invisible to the others) ...
    sent_at = {user_of[channel]: datetime.fromisoformat(fake_discord.messages_in(channel)[0].raw["timestamp"])
               for channel in user_of}
    taken_over = {user_id: lease_end for user_id, lease_end in open_at_kill.items()
                  if sent_at[user_id] >= lease_end}
    # (all but those sent and those in flight: the test saw the 30th send up to 5 ms late)
    assert len(taken_over) >= BATCH - DOOMED_SENDS - 2 * SENDS_IN_FLIGHT, sorted(taken_over)
    # ... which the others sent once its lease was over, promptly and well inside the grace period.
    assert min(taken_over.values()) <= killed_at + LEASE
    for user_id, lease_end in taken_over.items():
        assert sent_at[user_id] - lease_end < timedelta(seconds=15)
    assert max(sent_at.values()) < slot + GRACE
