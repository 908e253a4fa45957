"""How long the commands take on a database holding a year of one user's daily logs.

Run: python bench/bench_commands.py [runs]
Prints min and median milliseconds per command, measured through the app's single entry point
(validation, SQLite, planning, rendering of the reply model; not Discord's network).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import Liftcoach
from bot.commands.base import Caller
from bot.config import Settings

LIFTS = ("squat", "bench", "deadlift", "ohp", "row")


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        now = datetime(2025, 11, 27, 9, 0, tzinfo=UTC)
        settings = Settings(_env_file=None, database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
                            charts_dir=Path(folder) / "charts")
        app = await Liftcoach.start(settings, clock=lambda: now)
        user = Caller(user_id=1, name="bench")
        await app.run(user, "goal", {"goal": "hypertrophy", "days": 4})
        for day in range(365):
            now = datetime(2025, 11, 27, 9, 0, tzinfo=UTC) + timedelta(days=day)
            lift = LIFTS[day % len(LIFTS)]
            await app.run(user, "log", {"exercise": lift, "weight": 60 + day / 10, "reps": 8, "sets": 3})
        print(f"seeded 365 daily logs; {runs} runs per command")
        for name, options in (
            ("today", {}),
            ("log", {"exercise": "squat", "weight": 100, "reps": 5}),
            ("history", {"days": 365}),
            ("progress", {"weeks": 52}),
            ("compare", {}),
            ("1rm", {"weight": 100, "reps": 5}),
        ):
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                outgoing = await app.run(user, name, options)
                timings.append((time.perf_counter() - started) * 1000)
                assert outgoing.reply.tone.value != "error", outgoing.reply.body
            print(f"/{name:<9} min {min(timings):7.1f} ms   median {statistics.median(timings):7.1f} ms")
        await app.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
