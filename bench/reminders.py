"""Reminder fan-out: many users due in the same minute, sent through the real sender to the fake Discord.

Figures:
- claiming: one `ReminderStore.claim_due` turning every due schedule into a claimed delivery row
  (set-based: a few statements per distinct schedule) and leasing the first batch of 100 to send,
  beside a plain SELECT of the same due rows (the floor of reading them at all);
- fan-out with the cap raised: the dispatcher with `DiscordReminderSender` and a logged-in
  discord.py client, beside a client sending the same number of DMs in a bare loop with as many
  in flight as the dispatcher (`SENDS_IN_FLIGHT`); each figure on a fresh client;
- REST calls per reminder (DM channels are cached in the database, so one `POST .../messages`);
- with the default cap (REMINDER_RATE_PER_SECOND), the achieved rate as a share of the cap;
- duplicates: DM channels that received more than one message.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import sqlalchemy as sa

from bench.report import Figure, use_e2e_harness
from bench.seed import seed_reminders, seed_users
from bot.app import Liftcoach
from bot.config import Settings
from bot.reminders import SENDS_IN_FLIGHT, Pacer, ReminderDispatcher
from bot.store.schema import reminder_deliveries, reminders


@dataclass(frozen=True)
class Size:
    claimed: int  # users due in the same minute, claimed at once
    fanned_out: int  # reminders sent with the cap raised
    capped: int  # reminders sent at the default cap


FULL = Size(claimed=100_000, fanned_out=10_000, capped=2_000)
QUICK = Size(claimed=500, fanned_out=200, capped=60)


async def _app(folder: Path, name: str) -> Liftcoach:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{folder / name}", charts_dir=folder / "charts",
                        chart_workers=0)
    return await Liftcoach.start(settings)


def _due_minute() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


async def claiming(size: Size, folder: Path) -> list[Figure]:
    app = await _app(folder, "claim.db")
    try:
        due = _due_minute()
        ids = range(1, size.claimed + 1)
        await seed_users(app.db, ids, [], due)
        await seed_reminders(app.db, ids, due, lambda user_id: 10_000_000 + user_id)
        now = due + timedelta(seconds=30)
        started = time.perf_counter()
        rows = await app.db.rows(sa.select(reminders).where(reminders.c.next_due_utc <= now.isoformat()))
        floor = time.perf_counter() - started
        # What a dispatcher's claim does, with every due user in it: one transaction turns all of
        # them into claimed delivery rows and leases the first batch to send.
        started = time.perf_counter()
        first_batch = await app.reminders.claim_due(now, 100, new_slots=size.claimed)
        elapsed = time.perf_counter() - started
        claimed = await app.db.scalar(sa.select(sa.func.count()).select_from(reminder_deliveries)
                                      .where(reminder_deliveries.c.state == "claimed"))
    finally:
        await app.close()
    assert len(rows) == claimed == size.claimed and len(first_batch) == min(100, size.claimed), (len(rows), claimed)
    return [Figure("reminders", f"claim {size.claimed:,} due in one minute", elapsed, "s", floor,
                   "SELECT of the due rows", "< 1 s", elapsed < 1.0)]


async def _client(fake) -> discord.Client:
    from bot.client import point_at

    point_at(fake.api_base, fake.gateway_url)
    client = discord.Client(intents=discord.Intents.none())
    await client.login(fake.token)
    return client


async def fan_out(fake, client: discord.Client, app: Liftcoach, count: int, rate: float | None,
                  offset: int) -> tuple[float, int, list[int]]:
    """Send `count` reminders due now; returns (seconds, REST requests made, their DM channel ids)."""
    from bot.cogs.reminders import DiscordReminderSender

    people = [fake.user(f"due-{offset + index}") for index in range(count)]
    channels = [fake.dm_channel_id(person) for person in people]
    due = _due_minute()
    channel_of = dict(zip((person.id for person in people), channels, strict=True))
    await seed_users(app.db, list(channel_of), [], due)
    await seed_reminders(app.db, list(channel_of), due, channel_of.__getitem__)
    pacer = Pacer(rate, app.clock, asyncio.sleep)
    sender = DiscordReminderSender(client, app, pacer)
    dispatcher = ReminderDispatcher(app.reminders, sender, clock=app.clock, pacer=pacer, prepare=sender.prepare)
    requests_before = len(fake.requests)
    started = time.perf_counter()
    stats = await dispatcher.run_once()
    elapsed = time.perf_counter() - started
    assert stats.sent == count, stats
    return elapsed, len(fake.requests) - requests_before, channels


async def bare_sends(fake, client: discord.Client, count: int) -> float:
    """The floor: the same kind of client posting `count` DMs, as many at once as the dispatcher
    keeps in flight, with nothing else to do."""
    channels = [fake.dm_channel_id(fake.user(f"bare-{index}")) for index in range(count)]
    pending = iter(enumerate(channels))

    async def sender() -> None:
        for index, channel_id in pending:  # shared: each DM is sent by one sender
            channel = client.get_partial_messageable(channel_id, type=discord.ChannelType.private)
            await channel.send(content="Training day.", nonce=f"bare-{index}")

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(SENDS_IN_FLIGHT)))
    return time.perf_counter() - started


async def _fresh_client(fake, measure):
    """Each figure gets its own logged-in client: discord.py keeps a rate-limit bucket per DM
    channel and sweeps all of them whenever it adds one (see docs/performance.md), so a client
    that already sent to 10,000 channels is slower for everything after."""
    client = await _client(fake)
    try:
        return await measure(client)
    finally:
        await client.close()


async def sending(size: Size, folder: Path) -> list[Figure]:
    use_e2e_harness()
    from fake_discord import FakeDiscord

    async with FakeDiscord() as fake:
        app = await _app(folder, "send.db")
        try:
            floor = await _fresh_client(fake, lambda client: bare_sends(fake, client, size.fanned_out))
            elapsed, requests, channels = await _fresh_client(
                fake, lambda client: fan_out(fake, client, app, size.fanned_out, None, 0))
            cap = Settings.model_fields["reminder_rate_per_second"].default
            capped_elapsed, capped_requests, capped_channels = await _fresh_client(
                fake, lambda client: fan_out(fake, client, app, size.capped, cap, size.fanned_out))
        finally:
            await app.close()
        per_channel = Counter(message.channel_id for channel in (*channels, *capped_channels)
                              for message in fake.messages_in(channel))
        duplicates = sum(1 for count in per_channel.values() if count > 1)
        missing = len(channels) + len(capped_channels) - len(per_channel)
    rate, floor_rate = size.fanned_out / elapsed, size.fanned_out / floor
    capped_rate = size.capped / capped_elapsed
    calls = (requests + capped_requests) / (size.fanned_out + size.capped)
    return [
        Figure("reminders", f"DMs per second, cap raised ({size.fanned_out:,} reminders)", rate, "/s", floor_rate,
               f"bare discord.py sends, {SENDS_IN_FLIGHT} at once", ">= 1000/s", rate >= 1000),
        Figure("reminders", "REST calls per reminder", calls, "", target="= 1", met=calls == 1),
        Figure("reminders", f"achieved rate at the default cap ({size.capped:,} reminders)", capped_rate, "/s",
               cap, "the cap", ">= 95 % of the cap", capped_rate >= 0.95 * cap),
        Figure("reminders", "duplicate or missing DMs", duplicates + missing, "", target="= 0",
               met=duplicates + missing == 0),
    ]


async def run(quick: bool) -> list[Figure]:
    size = QUICK if quick else FULL
    with tempfile.TemporaryDirectory() as folder:
        return [*await claiming(size, Path(folder)), *await sending(size, Path(folder))]
