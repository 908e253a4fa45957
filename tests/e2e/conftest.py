"""Fixtures for end-to-end tests: a fake Discord, the real bot process against it, and a driver.

`fake_discord` fails the test at teardown if Discord's rules were broken (limits, 3 s deadline,
unanswered interactions, calls the fake does not know). `bot` runs `python -m bot run` with
commands already synced (one `python -m bot sync` per session) and also fails the test if any
message the bot sent or edited lacks the disclaimer footer; `discord` is the `Driver`.

The bot's database comes from `database_url` (one run per backend, see tests/conftest.py); shared
bots use `shared_backend`, a module-scoped twin of `backend`.

Starting the bot takes about a second, so modules whose tests only talk to it share one:
`shared_bot` is one fake and one bot process per module, and `shared_discord` gives each test
a user of its own and holds it to the same rules, counting only what happened during the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from driver import Driver
from fake_discord import FakeDiscord, Json
from harness import BOT_ENTRY_POINT, BotHarness
from liftcoach_ui import messages_missing_disclaimer

from tests.databases import BACKENDS, POSTGRES_SKIP, database_url_for, postgres_admin_url


@dataclass(frozen=True)
class SyncedCommands:
    """What one `python -m bot sync` registered; guild commands keyed by the guild's position in `FakeDiscord.guilds`."""

    global_commands: list[Json]
    guild_commands_by_index: dict[int, list[Json]]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    report = yield
    funcargs = getattr(item, "funcargs", {})
    harness = funcargs.get("bot") or funcargs.get("shared_bot")
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
        harness.assert_token_kept_secret()
        problems = fake.problems()
        if problems:
            raise AssertionError("`python -m bot sync` broke Discord's rules:\n  " + "\n  ".join(problems))
        index_by_guild_id = {guild.id: index for index, guild in enumerate(fake.guilds)}
        return SyncedCommands(
            global_commands=fake.global_commands,
            guild_commands_by_index={index_by_guild_id[g]: commands for g, commands in fake.guild_commands.items() if g in index_by_guild_id},
        )


def _preload(fake: FakeDiscord, synced: SyncedCommands) -> None:
    fake.preload_commands(
        synced.global_commands,
        {fake.guilds[index].id: commands for index, commands in synced.guild_commands_by_index.items()},
    )


def _fail_on_missing_disclaimer(fake: FakeDiscord, since_request: int = 0) -> None:
    missing = messages_missing_disclaimer(fake, since_request)
    if missing:
        pytest.fail("messages without the disclaimer footer:\n  " + "\n  ".join(missing), pytrace=False)


@asynccontextmanager
async def _running_bot(
    fake: FakeDiscord,
    synced_commands: SyncedCommands,
    folder: Path,
    database_url: str,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[BotHarness]:
    """`python -m bot run` against `fake` with the synced commands (and extra settings `env`); killed after, token checked."""
    _preload(fake, synced_commands)
    harness = BotHarness(fake, folder, database_url)
    harness.extra_env.update(env or {})
    try:
        await harness.start()
        yield harness
    finally:
        await harness.kill()
    harness.assert_token_kept_secret()


@pytest.fixture
async def bot(
    fake_discord: FakeDiscord, synced_commands: SyncedCommands, tmp_path: Path, database_url: str
) -> AsyncIterator[BotHarness]:
    async with _running_bot(fake_discord, synced_commands, tmp_path, database_url) as harness:
        yield harness
    _fail_on_missing_disclaimer(fake_discord)


@pytest.fixture
def start_bot(
    fake_discord: FakeDiscord, synced_commands: SyncedCommands, tmp_path: Path, database_url: str
) -> Callable[..., AbstractAsyncContextManager[BotHarness]]:
    """`async with start_bot("name", SHARD_COUNT="2") as harness:` one more bot process on `fake_discord`
    and the test's database, in its own folder under tmp_path, with extra settings; held to the
    disclaimer rule like `bot`."""

    @asynccontextmanager
    async def start(name: str, **env: str) -> AsyncIterator[BotHarness]:
        first_request = len(fake_discord.requests)
        (tmp_path / name).mkdir()
        async with _running_bot(fake_discord, synced_commands, tmp_path / name, database_url, env) as harness:
            yield harness
        _fail_on_missing_disclaimer(fake_discord, first_request)

    return start


@pytest.fixture
def discord(fake_discord: FakeDiscord, bot: BotHarness) -> Driver:
    return Driver(fake_discord)


@pytest.fixture(scope="module", params=BACKENDS)
def shared_backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and postgres_admin_url() is None:
        pytest.skip(POSTGRES_SKIP)
    return request.param


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_bot(
    synced_commands: SyncedCommands, tmp_path_factory: pytest.TempPathFactory, shared_backend: str
) -> AsyncIterator[BotHarness]:
    """One fake and one `python -m bot run` per module and backend; its tests need `pytest.mark.asyncio(loop_scope="module")`."""
    folder = tmp_path_factory.mktemp("shared-bot")
    with database_url_for(shared_backend, folder) as url:
        async with FakeDiscord() as fake, _running_bot(fake, synced_commands, folder, url) as harness:
            yield harness


@pytest_asyncio.fixture(loop_scope="module")
async def shared_discord(shared_bot: BotHarness) -> AsyncIterator[Driver]:
    """A driver on the module's bot whose default user is new, so no state leaks between tests."""
    fake = shared_bot.fake
    fake.default_user = fake.user(f"lifter-{fake.new_id()}")
    first_request, first_violation = len(fake.requests), len(fake.violations)
    earlier_interactions = set(fake.interactions)
    yield Driver(fake)
    problems = [str(violation) for violation in fake.violations[first_violation:]]
    problems += [
        f"interaction never answered: {record}"
        for token, record in fake.interactions.items()
        if token not in earlier_interactions and record.response is None and not record.expect_no_answer
    ]
    if problems:
        pytest.fail("Discord's rules were broken during the test:\n  " + "\n  ".join(problems), pytrace=False)
    _fail_on_missing_disclaimer(fake, first_request)
