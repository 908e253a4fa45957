"""/today and /log against /help at 50 concurrent users, end to end through discord.py.

Run: python bench/bench_concurrency.py [rounds] [concurrency]
Starts the fake Discord of tests/e2e on 127.0.0.1 and the real bot (`python -m bot run`) against
it, once on SQLite and once on PostgreSQL (when LIFTCOACH_TEST_POSTGRES_URL names a server where
the user may create a database; see tests/databases.py). Each round fires `concurrency` (default
50) interactions of one command at once, from as many users who each have a goal and a logged
history, and records the time from dispatch to the bot's first callback. Commands alternate
round by round, so all three see the same conditions. Prints p50 and p99 per command and the
ratio of /today's and /log's p99 to /help's (the target is at most 1.5). Asserts nothing.
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests" / "e2e")]

from driver import Driver  # noqa: E402
from fake_discord import FakeDiscord  # noqa: E402
from harness import BotHarness  # noqa: E402

from tests.databases import postgres_admin_url, postgres_database  # noqa: E402

COMMANDS = {
    "help": {},
    "today": {},
    "log": {"exercise": "Barbell back squat", "weight": 100.0, "reps": 5},
}


async def answered_ms(record) -> float:
    """Milliseconds to the first callback; infinity when it came after Discord's 3 s (the fake refuses it)."""
    try:
        await record.wait_response(10.0)
    except TimeoutError:
        record.expect_no_answer = True
        return math.inf
    return record.latency * 1000


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def measure(database_url: str, workdir: Path, rounds: int, concurrency: int) -> dict[str, list[float]]:
    async with FakeDiscord() as fake:
        harness = BotHarness(fake, workdir, database_url)
        await harness.sync()
        await harness.start()
        try:
            discord = Driver(fake, response_timeout=30.0)
            users = [fake.user(f"bench-{index}") for index in range(concurrency)]
            for user in users:  # a goal and some history, so /today plans loads from a real log
                await discord.slash("goal", {"goal": "hypertrophy", "days": 4}, user=user)
                for weight in (80.0, 85.0, 90.0):
                    await discord.slash("log", {"exercise": "Barbell back squat", "weight": weight, "reps": 8},
                                        user=user)
            latencies: dict[str, list[float]] = {name: [] for name in COMMANDS}
            for _ in range(rounds):
                for name, options in COMMANDS.items():
                    records = await asyncio.gather(
                        *(discord.slash(name, options, user=user, wait=False) for user in users)
                    )
                    latencies[name] += await asyncio.gather(*(answered_ms(record) for record in records))
            return latencies
        finally:
            await harness.kill()


def report(backend: str, latencies: dict[str, list[float]]) -> None:
    help_p99 = percentile(latencies["help"], 0.99)
    for name, samples in latencies.items():
        p99 = percentile(samples, 0.99)
        ratio = "" if name == "help" else f"   p99 / help p99 = {p99 / help_p99:.2f}"
        late = sum(1 for sample in samples if math.isinf(sample))
        print(f"{backend:<10} /{name:<6} n={len(samples):<4} p50 {statistics.median(samples):7.1f} ms"
              f"   p99 {p99:7.1f} ms{ratio}" + (f"   ({late} answered after Discord's 3 s)" if late else ""))


async def main(rounds: int, concurrency: int) -> None:
    print(f"{concurrency} concurrent interactions per round, {rounds} rounds per command")
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        backends = {"sqlite": f"sqlite:///{Path(folder) / 'bench.db'}"}
        if postgres_admin_url():
            backends["postgresql"] = stack.enter_context(postgres_database(migrated=True))
        else:
            print("postgresql skipped: set LIFTCOACH_TEST_POSTGRES_URL (see tests/databases.py)")
        for backend, url in backends.items():
            workdir = Path(folder) / backend
            workdir.mkdir()
            report(backend, await measure(url, workdir, rounds, concurrency))


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:3]]
    asyncio.run(main(*(arguments + [10, 50][len(arguments):])))
    os._exit(0)  # the fake's client sessions may linger; nothing is left to flush
