"""Fixtures for end-to-end tests: a fake Discord, the real bot process against it, and a driver.

`fake_discord` fails the test at teardown if Discord's rules were broken (limits, 3 s deadline,
unanswered interactions, calls the fake does not know). `bot` runs `python -m bot run` with
commands already synced (one `python -m bot sync` per session); `discord` is the `Driver`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from driver import Driver
from fake_discord import FakeDiscord, Json
from harness import BOT_ENTRY_POINT, BotHarness


@dataclass(frozen=True)
class SyncedCommands:
    """What one `python -m bot sync` registered; guild commands keyed by the guild's position in `FakeDiscord.guilds`."""

    global_commands: list[Json]
    guild_commands_by_index: dict[int, list[Json]]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    report = yield
    harness = getattr(item, "funcargs", {}).get("bot")
    if report.failed and isinstance(harness, BotHarness):
        report.sections.append(("bot log (last 200 lines)", harness.log_tail()))
    return report


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake
        problems = fake.problems()
    if problems:
        pytest.fail("Discord's rules were broken during the test:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def synced_commands(tmp_path_factory: pytest.TempPathFactory) -> SyncedCommands:
    """Run `python -m bot sync` once per session; each test's fake starts with these commands registered."""
    if not BOT_ENTRY_POINT.exists():
        pytest.skip("bot/__main__.py does not exist yet")
    return asyncio.run(_sync_once(tmp_path_factory.mktemp("bot-sync")))


async def _sync_once(workdir: Path) -> SyncedCommands:
    async with FakeDiscord() as fake:
        harness = BotHarness(fake, workdir)
        await harness.sync()
        harness.assert_token_not_logged()
        problems = fake.problems()
        if problems:
            raise AssertionError("`python -m bot sync` broke Discord's rules:\n  " + "\n  ".join(problems))
        index_by_guild_id = {guild.id: index for index, guild in enumerate(fake.guilds)}
        return SyncedCommands(
            global_commands=fake.global_commands,
            guild_commands_by_index={index_by_guild_id[g]: commands for g, commands in fake.guild_commands.items() if g in index_by_guild_id},
        )


@pytest.fixture
async def bot(fake_discord: FakeDiscord, synced_commands: SyncedCommands, tmp_path: Path) -> AsyncIterator[BotHarness]:
    fake_discord.preload_commands(
        synced_commands.global_commands,
        {fake_discord.guilds[index].id: commands for index, commands in synced_commands.guild_commands_by_index.items()},
    )
    harness = BotHarness(fake_discord, tmp_path)
    try:
        await harness.start()
        yield harness
    finally:
        await harness.kill()
    harness.assert_token_not_logged()


@pytest.fixture
def discord(fake_discord: FakeDiscord, bot: BotHarness) -> Driver:
    return Driver(fake_discord)
