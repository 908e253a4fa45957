"""Resident memory after READY: the bot (`python -m bot run`) beside a bare discord.py client with the same intents.

The fake gateway sends READY and one GUILD_CREATE per guild; each process is measured (VmRSS
from /proc) once it has logged that it is ready. The bot restarts on a database already
migrated, as it does in service. Liftcoach keeps discord.py's member and message
caches off (bot/client.py), so a guild costs it what it costs discord.py.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bench.report import Figure, use_e2e_harness

TARGET_RATIO = 1.1
FULL = (1, 1_000, 10_000)
QUICK = (1, 50)


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def children_mib(pid: int) -> float:
    """Resident memory of `pid`'s descendants (the chart workers and their fork server)."""
    total = 0.0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        total += resident_mib(int(child)) + children_mib(int(child))
    return total


async def _measure(guilds: int, folder: Path, module: str, ready_line: str) -> tuple[float, float]:
    from fake_discord import FakeDiscord
    from harness import BotHarness

    async with FakeDiscord() as fake:
        for index in range(guilds - 1):
            fake.add_guild(f"Gym {index}")
        harness = BotHarness(fake, folder, module=module)
        harness.extra_env["LOG_LEVEL"] = "INFO"
        if module == "bot":
            # A restart on its own database, the bot's usual start: the schema is already at the
            # newest revision (the first start after an upgrade migrates, and holds Alembic too).
            code, output = await harness.run_cli("migrate", timeout=120)
            assert code == 0, output
        await harness.start(timeout=120)
        try:
            await harness.wait_for_log(ready_line, timeout=300)
            await asyncio.sleep(1.0)  # let the chart workers start (the bot warms them up beside the login)
            assert harness.process is not None
            return resident_mib(harness.process.pid), children_mib(harness.process.pid)
        finally:
            await harness.kill()


async def run(quick: bool) -> list[Figure]:
    use_e2e_harness()
    result = []
    first: tuple[float, float] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for guilds in QUICK if quick else FULL:
            workdir = Path(folder) / str(guilds)
            workdir.mkdir()
            bare, _ = await _measure(guilds, workdir, "bench.bare_client", "bare client ready")
            bot, workers = await _measure(guilds, workdir, "bot", "connected as")
            result.append(Figure("memory", f"bot RSS after READY, {guilds:,} guilds", bot, "MiB", bare,
                                 "bare discord.py client", f"ratio <= {TARGET_RATIO}", bot / bare <= TARGET_RATIO))
            if first is None:
                first = bot, bare
            else:
                # What the guilds themselves cost, without the libraries' fixed import cost.
                grown, bare_grown = bot - first[0], bare - first[1]
                met = grown <= TARGET_RATIO * bare_grown if bare_grown > 0 else None
                result.append(Figure("memory", f"RSS growth from 1 to {guilds:,} guilds", grown, "MiB", bare_grown,
                                     "bare client's growth", f"ratio <= {TARGET_RATIO}", met))
            result.append(Figure("memory", f"chart workers + fork server RSS, {guilds:,} guilds", workers, "MiB"))
    return result
