"""The real bot process against the fake: it syncs, connects, survives SIGKILL, and keeps its token out of logs."""

from __future__ import annotations

from driver import Driver
from fake_discord import FakeDiscord
from harness import BotHarness

from bot.store.database import Database
from bot.store.migrate import head


async def test_bot_synced_commands_and_identified(fake_discord: FakeDiscord, bot: BotHarness) -> None:
    assert fake_discord.global_commands, "python -m bot sync registered no commands"
    identify = fake_discord.gateway_connections[0].received
    assert any(frame["op"] == 2 for frame in identify)


async def test_bot_restarts_after_sigkill_with_the_same_database(fake_discord: FakeDiscord, bot: BotHarness, discord: Driver) -> None:
    await bot.kill()
    assert not bot.running
    await bot.start()
    assert fake_discord.identify_count == 2
    async with await Database.open(bot.database_url) as db:
        assert await db.version() == head(), "the bot migrated its database at start-up"
