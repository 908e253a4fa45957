"""Operations through the real bot process: shards, a rate-limit proxy's 429s, health, metrics, the token."""

from __future__ import annotations

import asyncio
import re
import secrets
from pathlib import Path

import aiohttp
from driver import Driver
from fake_discord import FakeDiscord, FakeGuild, cloudflare_ban, proxy_rate_limited
from harness import BotHarness

CALLBACK = "POST /interactions/{id}/{token}/callback"


def _guild_on_each_shard(fake: FakeDiscord, shard_count: int) -> dict[int, FakeGuild]:
    """Add guilds until every shard owns one (a guild's shard is (id >> 22) % count, by creation time)."""
    owned: dict[int, FakeGuild] = {}
    while len(owned) < shard_count:
        guild = fake.add_guild(f"Gym {len(fake.guilds)}")
        owned.setdefault((guild.id >> 22) % shard_count, guild)
        fake.new_id()  # move on at least a millisecond's worth of ids
    return owned


async def test_two_shard_processes_share_one_database_and_each_answers_its_own_guilds(
    fake_discord: FakeDiscord, start_bot, database_url: str
) -> None:
    guilds = _guild_on_each_shard(fake_discord, 2)
    async with (
        start_bot("shard-0", SHARD_COUNT="2", SHARD_IDS="0") as first,
        start_bot("shard-1", SHARD_COUNT="2", SHARD_IDS="1") as second,
    ):
        # SQLite has one reminder dispatcher per database: shard 0's. PostgreSQL's claims allow one per process.
        only_shard_0 = "reminders are sent by the process that runs shard 0"
        assert only_shard_0 not in first.log_text()
        assert (only_shard_0 in second.log_text()) == database_url.startswith("sqlite")
        assert {shard: session.shard for shard, session in fake_discord.shard_sessions.items()} == {0: (0, 2), 1: (1, 2)}
        identified = [frame["d"]["shard"] for c in fake_discord.gateway_connections for frame in c.received if frame["op"] == 2]
        assert sorted(identified) == [[0, 2], [1, 2]]

        discord = Driver(fake_discord)
        # Set on shard 1's guild, read back in DMs (shard 0): one user, one set of data, two processes.
        goal = await discord.slash("goal", {"goal": "strength", "experience": "novice", "days": 3}, guild=guilds[1])
        assert goal.response is not None
        settings = await discord.slash("goal")
        assert "Strength" in settings.response.text() or "strength" in settings.response.text()
        for shard in (0, 1):
            answered = await discord.slash("help", guild=guilds[shard])
            assert answered.response is not None


async def test_a_proxys_own_429_is_waited_out_and_retried(fake_discord: FakeDiscord, start_bot) -> None:
    fake_discord.inject("GET /users/@me", proxy_rate_limited(0.05))
    fake_discord.inject("GET /gateway/bot", proxy_rate_limited(0.05))
    async with start_bot("proxied") as harness:
        fake_discord.inject(CALLBACK, proxy_rate_limited(0.05))
        record = await Driver(fake_discord).slash("help")

        assert record.response is not None and record.response.type == 4
        assert [r.status for r in fake_discord.requests_matching(CALLBACK)] == [429, 200]
        assert [r.status for r in fake_discord.requests_matching("GET /users/@me")][:2] == [429, 200]
        assert "rate-limit proxy answered 429" in harness.log_text()
        assert "Unclosed client session" not in harness.log_text(), "a failed log-in attempt's session is closed"


async def test_a_cloudflare_ban_is_not_retried(fake_discord: FakeDiscord, start_bot) -> None:
    async with start_bot("banned") as harness:
        fake_discord.inject(CALLBACK, cloudflare_ban())
        record = await Driver(fake_discord).slash("help")

        # The reply itself is not sent again; the user gets the error reply with its id instead.
        assert [r.status for r in fake_discord.requests_matching(CALLBACK)] == [429, 200]
        assert "Something went wrong on our side" in record.response.text() and record.response.ephemeral
        assert "rate-limit proxy answered 429" not in harness.log_text()


async def _health(harness: BotHarness) -> tuple[int, str]:
    return await harness.run_cli("health")


async def _wait_for_health(harness: BotHarness, code: int, timeout: float = 10.0, says: str = "") -> str:
    """`python -m bot health`'s output once it exits `code` saying `says` (a loaded machine can stall
    the bot's heartbeat for a moment, which is unhealthy for another reason)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        returned, output = await _health(harness)
        if returned == code and says in output:
            return output
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"`python -m bot health` kept exiting {returned}: {output}")
        await asyncio.sleep(0.2)


async def test_health_follows_the_gateway_and_the_process(fake_discord: FakeDiscord, start_bot, tmp_path: Path) -> None:
    health = {"HEALTH_FILE": str(tmp_path / "health.json"), "HEALTH_INTERVAL_SECONDS": "0.2"}
    async with start_bot("healthy", **health) as harness:
        assert "gateway connected (shards 0)" in await _wait_for_health(harness, 0)

        fake_discord.gateway_open = False
        await fake_discord.drop_gateway()
        await _wait_for_health(harness, 1, says="gateway not connected")

        fake_discord.gateway_open = True
        # discord.py reconnects with exponential backoff: each attempt refused while the gateway was
        # closed doubles the next wait, and on a loaded machine that window spans several attempts.
        await _wait_for_health(harness, 0, timeout=60.0)

        await harness.kill()
        await _wait_for_health(harness, 1, says="stuck or gone")


async def test_metrics_are_served_on_loopback(fake_discord: FakeDiscord, start_bot) -> None:
    async with start_bot("metrics", METRICS_PORT="0") as harness:
        await harness.wait_for_log("metrics on http://127.0.0.1:")
        port = re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics", harness.log_text()).group(1)
        discord = Driver(fake_discord)
        await discord.slash("help")
        await discord.slash("undo")  # nothing to undo: an error reply

        async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/metrics") as response:
            text = await response.text()

    assert 'liftcoach_commands_total{kind="command",name="help",outcome="ok"} 1.0' in text
    assert 'liftcoach_commands_total{kind="command",name="undo",outcome="rejected"} 1.0' in text
    assert 'liftcoach_command_seconds_count{kind="command",name="help"} 1.0' in text
    assert "liftcoach_database_errors_total 0.0" in text


async def test_the_token_can_come_from_a_file(fake_discord: FakeDiscord, start_bot, tmp_path: Path) -> None:
    secret = tmp_path / "discord-token"
    secret.write_text(fake_discord.token + "\n")
    async with start_bot("credential", DISCORD_TOKEN="", DISCORD_TOKEN_FILE=str(secret)):
        assert (await Driver(fake_discord).slash("help")).response is not None


async def test_a_rejected_token_stops_start_up_in_one_line_that_does_not_show_it(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    harness = BotHarness(fake_discord, tmp_path)
    wrong = f"MTMwMDAwMDAwMDAwMDAwMDAx.Wrong.{secrets.token_urlsafe(27)}"
    harness.extra_env["DISCORD_TOKEN"] = wrong

    code, output = await harness.run_cli("run")

    assert code == 1
    assert "Discord rejected the token" in output
    assert wrong not in output and "Traceback" not in output
