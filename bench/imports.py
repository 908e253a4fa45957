"""How long /import takes on a 20,000-row Strong export (Discord allows 15 minutes of follow-ups).

Part of `python -m bench` (`--only imports`). Builds a synthetic Strong S1 file (pounds, no unit in the file, warm-ups, rest-timer rows, a few
names the catalogue lacks), then times each step through the app's entry points on a fresh
SQLite file: the command (read, sniff, parse, preview), the unit answer, and the confirm (one
transaction). Reports seconds per step and in total, against Discord's 900 s follow-up window.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.report import Figure
from bot.app import Liftcoach
from bot.commands.base import Caller, Upload
from bot.config import Settings

HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"
LIFTS = ("Squat (Barbell)", "Bench Press (Barbell)", "Deadlift (Barbell)", "Overhead Press (Barbell)",
         "Bent Over Row (Barbell)", "Sumo Deadlift (Barbell)", "Cable Twist", "Lat Pulldown (Cable)")


def strong_file(rows: int) -> bytes:
    lines = [HEADER]
    start = datetime(2019, 1, 7, 18, 0)
    session = 0
    while len(lines) <= rows:
        stamp = (start + timedelta(days=2 * session)).strftime("%Y-%m-%d %H:%M:%S")
        for n, lift in enumerate(LIFTS[session % 3:session % 3 + 5]):
            lines.append(f'{stamp},"Day {session % 3}",1h 5m,"{lift}",W,95,5.0,0,0.0,"",,')
            lines += [f'{stamp},"Day {session % 3}",1h 5m,"{lift}",{s},{135 + 5 * n + session % 40}.0,8.0,0,0.0,,,'
                      for s in range(1, 5)]
            lines.append(f'{stamp},"Day {session % 3}",1h 5m,"Rest Timer",Rest Timer,0,0.0,0,120.0,,,')
        session += 1
    return "\n".join(lines[:rows + 1]).encode()


FOLLOW_UP_WINDOW = 900.0  # seconds an interaction token lasts (Discord)


async def run(quick: bool) -> list[Figure]:
    rows = 500 if quick else 20_000
    data = strong_file(rows)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
                            charts_dir=Path(folder) / "charts", chart_workers=0)
        app = await Liftcoach.start(settings, clock=lambda: datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
        try:
            user = Caller(user_id=1, name="bench")
            steps = []
            started = time.perf_counter()
            asked = await app.run(user, "import", {"file": Upload(filename="strong.csv", data=data)})
            steps.append(("/import (read, parse, ask unit)", time.perf_counter() - started))
            lb = next(b.action for b in asked.reply.buttons if b.action.endswith(":lb"))
            mark = time.perf_counter()
            preview = await app.interact(user, lb)
            steps.append(("unit answer (preview)", time.perf_counter() - mark))
            confirm = next(b.action for b in preview.reply.buttons if ":import-confirm:" in b.action)
            mark = time.perf_counter()
            done = await app.interact(user, confirm)
            steps.append(("confirm (store in one transaction)", time.perf_counter() - mark))
            total = time.perf_counter() - started
            assert done.reply.tone.value == "success", done.reply.body
        finally:
            await app.close()
    figures = [Figure("imports", f"{rows:,}-row Strong export: {name}", seconds, "s") for name, seconds in steps]
    figures.append(Figure("imports", f"{rows:,}-row Strong export: total", total, "s", FOLLOW_UP_WINDOW,
                          "Discord's follow-up window", "< 900 s", total < FOLLOW_UP_WINDOW))
    return figures
