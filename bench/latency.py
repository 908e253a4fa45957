"""Command latency through the real client: `python -m bench.noop_bot run` against the fake Discord of tests/e2e.

The database holds `users` people, `active` of them with a year of logs (bench.seed). Bursts of
N concurrent interactions of one command, from N different active users, are timed from the
fake's dispatch to the bot's first callback. The baseline is `/noop` (bench.noop_bot) in the same
burst size and run. `/help` is shown too: issue 12's baseline for /today and /log. A last round
fires a burst of /progress (charts) together with 50 of each of /today, /log and /history.
"""

from __future__ import annotations

import asyncio
import gc
import math
import os
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Figure, percentile, use_e2e_harness
from bench.seed import open_migrated, seed_users, settle

TARGET_RATIO = 1.5
DEADLINE_MS = 1000.0
CHART_BACKLOG_TIMEOUT = 600.0  # seconds: 300 charts at ~0.3 s each in one worker, with room
ANSWER_TIMEOUT = 4.0  # seconds; the fake refuses answers after 3 s, so nothing comes later
FAST = ("today", "log", "history")
ISSUE_12 = ("today", "log")  # held to /help's p99 by issue 12
OPTIONS = {
    "noop": {},
    "help": {},
    "today": {},
    "log": {"exercise": "Barbell back squat", "weight": 100.0, "reps": 8},
    "history": {"days": 365},
    "progress": {"weeks": 52},
}


@dataclass(frozen=True)
class Size:
    users: int
    active: int
    bursts: tuple[int, ...]
    rounds: dict[int, int]  # burst -> rounds per command
    target_burst: int  # the burst size the ratio targets apply to
    chart_burst: int


# Six rounds at 50: the p99 of 300 samples, the third slowest answer. Of 100 (two rounds) it was the
# second slowest, and issue 12's ratio moved by 0.3-0.6 between runs of the same code; of 200 (four),
# one disturbed round still decided it. No more than six: from the seventh, the turns wrap round the
# active lifters far enough that a measured /today reaches lifters an earlier /log made out of date.
FULL = Size(users=10_000, active=1_000, bursts=(1, 50, 200), rounds={1: 10, 50: 6, 200: 1}, target_burst=50,
            chart_burst=10)
QUICK = Size(users=100, active=20, bursts=(1, 10), rounds={1: 2, 10: 1}, target_burst=10, chart_burst=2)


DEFERRED_RESPONSE = 5  # "thinking…": the bot's 2 s deadline (or a chart) deferred the answer
MISSED = math.inf  # no answer Discord would accept (later than its 3 s): counted apart, and as infinitely late


async def _answered(record) -> float:
    # Coarse polling on purpose: the latency is the fake's timestamp of the callback, and 200
    # waiters polling every few ms would take CPU from the bot being measured.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ANSWER_TIMEOUT
    while record.response is None and loop.time() < deadline:
        await asyncio.sleep(0.05)
    return MISSED if record.response is None else record.latency * 1000


async def _charts_drawn(fake) -> None:
    """Until every /progress sent so far has its chart in place (polled coarsely, like `_answered`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CHART_BACKLOG_TIMEOUT
    while loop.time() < deadline and any(
        record.name == "progress" and record.response is not None and record.response.type == DEFERRED_RESPONSE
        and (record.original is None or record.original.loading)
        for record in list(fake.interactions.values())
    ):
        await asyncio.sleep(0.5)


async def _burst(discord, name: str, users, deferrals: Counter[str] | None = None) -> list[float]:
    """Latencies in ms; `deferrals[name]` counts the answers that were a deferral ("thinking…")."""
    # The fake Discord shares this process and timestamps the answers. A garbage collection here
    # walks its growing records of every interaction so far (70-90 ms measured in a full run) and
    # would count as the bot's latency for every answer in flight: none runs inside a burst.
    gc.disable()
    try:
        records = await asyncio.gather(*(discord.slash(name, OPTIONS[name], user=user, wait=False) for user in users))
        latencies = list(await asyncio.gather(*(_answered(record) for record in records)))
    finally:
        gc.enable()
    if deferrals is not None:
        deferrals[name] += sum(1 for record in records if record.response is not None
                               and record.response.type == DEFERRED_RESPONSE)
    return latencies


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads, not its children), from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    latencies: dict[tuple[int, str], list[float]]  # ms, by (burst, command)
    beside_charts: dict[str, list[float]]  # ms, the fast commands beside a chart burst
    not_kept: dict[str, list[float]]  # ms, /log and /today of lifters whose kept plan is out of date
    cpu: dict[tuple[int, str], float]  # the bot process's CPU seconds per interaction, by (burst, command)
    logs: int  # set logs seeded
    deferrals: Counter[str]  # answers per command that were a deferral


async def measure(size: Size, url: str, workdir: Path) -> Measured:
    """Every burst through the bot, and the bot's CPU per interaction in each (from /proc)."""
    use_e2e_harness()
    from driver import Driver
    from fake_discord import FakeDiscord
    from harness import BotHarness

    async with FakeDiscord() as fake:
        harness = BotHarness(fake, workdir, url, module="bench.noop_bot")
        harness.extra_env["LOG_LEVEL"] = "INFO"  # a debug line per request would be part of the measurement
        await harness.sync()
        people = [fake.user(f"lifter-{index}") for index in range(size.active)]
        db = await open_migrated(url)
        active_ids = [person.id for person in people]
        quiet_ids = range(1, size.users - size.active + 1)
        logs = await seed_users(db, [*active_ids, *quiet_ids], active_ids, datetime.now(UTC))
        await settle(db)
        await db.close()
        await harness.start(timeout=60)
        try:
            await harness.wait_for_log("chart workers ready", timeout=60)
            # A bot that has been up a little while: it prepared the recent lifters' /today plans
            # while idle (bot.preparer). A stored change makes that lifter's kept plan out of date
            # (bot.commands.prepared): their next /today computes it again.
            await harness.wait_for_log("prepared plans for", timeout=300)
            discord = Driver(fake)
            await _burst(discord, "progress", people[:1])  # the worker's first chart loads fonts
            # The connection pools grow to their size once (on PostgreSQL each new connection costs the
            # bot several ms of CPU): not inside the first measured bursts. /help fills the read pool,
            # /log the write pool (a set more for lifters whose /today no measured burst asks for).
            for name in ("help", "log"):
                await _burst(discord, name, people[-size.target_burst:])
            latencies: dict[tuple[int, str], list[float]] = {}
            deferrals: Counter[str] = Counter()
            cpu_seconds: Counter[tuple[int, str]] = Counter()
            assert harness.process is not None
            pid = harness.process.pid
            turn = 0
            logged: list = []  # the lifters of the last /log burst at the target size
            for burst in size.bursts:
                for _ in range(size.rounds[burst]):
                    for name in OPTIONS:
                        users = [people[(turn + index) % len(people)] for index in range(burst)]
                        turn += burst
                        if burst == size.target_burst and name == "log":
                            logged = users
                        before = _cpu_seconds(pid)
                        latencies.setdefault((burst, name), []).extend(await _burst(discord, name, users, deferrals))
                        cpu_seconds[(burst, name)] += _cpu_seconds(pid) - before
                        if name == "progress":
                            # A /progress burst is answered by deferrals; its commands' work and
                            # uploads follow and would land in the next round's /noop and /help.
                            await _charts_drawn(fake)
            # Lifters whose kept plan their /log made out of date (bot.commands.prepared): a second set,
            # then /today, each computing what a kept plan would have answered. Once the 200-burst's
            # charts are drawn, like the chart round below.
            await _charts_drawn(fake)
            not_kept = {"log": await _burst(discord, "log", logged), "today": await _burst(discord, "today", logged)}
            beside_charts: dict[str, list[float]] = {}
            for name in FAST:
                # Ten charts beside the fast commands, not the backlog of the bursts before (hundreds
                # of charts still drawing in the worker, acknowledged long ago): wait for it first.
                await _charts_drawn(fake)
                chart_users = people[:size.chart_burst]
                users = [people[(size.chart_burst + index) % len(people)] for index in range(size.target_burst)]
                charts = asyncio.ensure_future(_burst(discord, "progress", chart_users))
                await asyncio.sleep(0)  # the chart burst goes out first
                beside_charts[name] = await _burst(discord, name, users, deferrals)
                await charts
            cpu = {key: seconds / len(latencies[key]) for key, seconds in cpu_seconds.items()}
            return Measured(latencies, beside_charts, not_kept, cpu, logs, deferrals)
        finally:
            await harness.kill()


def figures(backend: str, size: Size, measured: Measured) -> list[Figure]:
    bench = f"latency/{backend}"
    latencies, beside_charts, deferrals = measured.latencies, measured.beside_charts, measured.deferrals
    result = []
    for burst in size.bursts:
        floor = percentile(latencies[(burst, "noop")], 0.99)
        for name in OPTIONS:
            samples = latencies[(burst, name)]
            p99 = percentile(samples, 0.99)
            targeted = burst == size.target_burst and name in FAST
            result.append(Figure(
                bench, f"{burst:>3} concurrent /{name} p99 (p50 {percentile(samples, 0.5):.0f}, "
                f"p95 {percentile(samples, 0.95):.0f}, n={len(samples)})",
                p99, "ms", None if name == "noop" else floor, "/noop p99",
                f"ratio <= {TARGET_RATIO}" if targeted else "", p99 / floor <= TARGET_RATIO if targeted else None,
            ))
    result += _against_help(bench, size, latencies, measured.cpu, measured.not_kept)
    floor = percentile(latencies[(size.target_burst, "noop")], 0.99)
    for name, samples in beside_charts.items():
        p99 = percentile(samples, 0.99)
        result.append(Figure(
            bench, f"{size.target_burst} /{name} beside {size.chart_burst} /progress p99", p99, "ms", floor,
            f"/noop p99 at {size.target_burst}", f"ratio <= {TARGET_RATIO}", p99 / floor <= TARGET_RATIO,
        ))
    fast = [ms for (_, name), samples in latencies.items() if name in FAST for ms in samples]
    fast += [ms for samples in beside_charts.values() for ms in samples]
    slowest = max(fast)
    result.append(Figure(bench, "slowest /today, /log, /history answer", slowest, "ms",
                         target=f"<= {DEADLINE_MS:.0f}", met=slowest <= DEADLINE_MS))
    asked = len(fast) + sum(len(samples) for (_, name), samples in latencies.items() if name in ("noop", "help"))
    result.append(Figure(bench, f"/noop, /help, /today, /log, /history first answered by a deferral, 2 s after "
                         f"their creation (of {asked})", sum(deferrals[name] for name in ("noop", "help", *FAST)), ""))
    every = [ms for samples in (*latencies.values(), *beside_charts.values(), *measured.not_kept.values())
             for ms in samples]
    missed = sum(1 for ms in every if ms == MISSED)
    result.append(Figure(bench, f"interactions not answered within Discord's 3 s (of {len(every)})", missed, "",
                         target="= 0", met=missed == 0))
    return result


def _against_help(bench: str, size: Size, latencies: dict[tuple[int, str], list[float]],
                  cpu: dict[tuple[int, str], float], not_kept: dict[str, list[float]]) -> list[Figure]:
    """Issue 12's figures: /today and /log p99 against /help p99 at the target burst; the same commands
    one at a time (p50 of the 1-bursts, where a round trip's fixed waits weigh more than the CPU); the
    bot process's CPU per interaction in the target bursts, against /help's; and the `not_kept` bursts'
    p99 against the same /help p99. A burst's last
    answer waits for the CPU of every interaction before it on the one event loop, so the p99 ratio
    follows the CPU ratio; a ratio well above it would be commands queuing on storage.
    """
    burst = size.target_burst
    help_p99 = percentile(latencies[(burst, "help")], 0.99)
    help_alone = percentile(latencies[(1, "help")], 0.5)
    result = []
    for name in ISSUE_12:
        p99 = percentile(latencies[(burst, name)], 0.99)
        alone = percentile(latencies[(1, name)], 0.5)
        result.append(Figure(bench, f"issue 12: {burst} concurrent /{name} p99", p99, "ms", help_p99,
                             f"/help p99 at {burst}", f"ratio <= {TARGET_RATIO}", p99 / help_p99 <= TARGET_RATIO))
        result.append(Figure(bench, f"issue 12: 1 at a time /{name} p50", alone, "ms", help_alone, "/help p50 at 1"))
        result.append(Figure(bench, f"issue 12: the bot's CPU per /{name} in the {burst}-bursts",
                             cpu[(burst, name)] * 1000, "ms", cpu[(burst, "help")] * 1000, "per /help"))
    for name, label in (("log", "each lifter's second set"), ("today", "after a /log: no plan kept")):
        result.append(Figure(bench, f"{burst} concurrent /{name}, {label}, p99", percentile(not_kept[name], 0.99),
                             "ms", help_p99, f"/help p99 at {burst}"))
    return result


async def run(quick: bool) -> list[Figure]:
    from tests.databases import postgres_admin_url, postgres_database

    size = QUICK if quick else FULL
    result = []
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        backends = {"sqlite": f"sqlite:///{Path(folder) / 'latency.db'}"}
        if postgres_admin_url():
            backends["postgresql"] = stack.enter_context(postgres_database(migrated=False))
        for backend, url in backends.items():
            workdir = Path(folder) / backend
            workdir.mkdir()
            measured = await measure(size, url, workdir)
            result.append(Figure(f"latency/{backend}", f"database: {size.users:,} users, {size.active:,} with a year",
                                 measured.logs, "set logs"))
            result += figures(backend, size, measured)
    return result
