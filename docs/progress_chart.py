"""Draw the README's /progress example from a made-up but realistic year of training.

Run: python docs/progress_chart.py [VIEW ...]   (views: e1rm, volume, sets; default e1rm)
Writes docs/progress-VIEW.png through the real app (`Liftcoach.run`), on a throw-away database.
The lifter trains 3 days a week for a year, takes three weeks off in the autumn, and it is
Wednesday of the current week.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import Liftcoach  # noqa: E402
from bot.coach.vocabulary import Unit  # noqa: E402
from bot.commands.base import Caller  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store.training_log import NewEntry  # noqa: E402

THEME = "dark"  # Discord's default; "light" for the light theme
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LIFTER = Caller(user_id=1, name="demo")
DOCS = Path(__file__).resolve().parent
# key: (start load kg, reps, weekly gain): a novice's first year, gains slowing down.
LIFTS = {
    "barbell-back-squat": (70.0, 5, 0.012),
    "barbell-bench-press": (55.0, 5, 0.008),
    "barbell-deadlift": (90.0, 5, 0.012),
    "overhead-press": (35.0, 5, 0.006),
}
ASSISTANCE = {"barbell-row": (50.0, 8), "romanian-deadlift": (60.0, 8), "lat-pulldown": (45.0, 10),
              "dumbbell-lateral-raise": (8.0, 12), "lying-leg-curl": (30.0, 12)}


def load(start: float, week: int, gain: float) -> float:
    # Gains slow down over the year (a square-root curve), and every fourth week is a lighter one.
    grown = start * (1 + gain * 8 * (week ** 0.5))
    return round(grown * (0.92 if week % 4 == 3 else 1) / 2.5) * 2.5


async def main(views: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, discord_token=None, database_url=f"sqlite:///{folder}/demo.db")
        app = await Liftcoach.start(settings, clock=lambda: NOW)
        try:
            await app.run(LIFTER, "goal", {"goal": "strength", "days": 3})
            this_monday = NOW.date() - timedelta(days=NOW.weekday())
            for week in range(53):
                monday = this_monday - timedelta(weeks=52 - week)
                if 40 <= week < 43:  # three weeks off
                    continue
                for day in (0, 2, 4):
                    moment = datetime(monday.year, monday.month, monday.day, 17, tzinfo=UTC) + timedelta(days=day)
                    if moment > NOW:
                        break
                    main_lifts = ("barbell-back-squat", "barbell-bench-press") if day != 2 else (
                        "barbell-deadlift", "overhead-press")
                    entries = [NewEntry(key, load(LIFTS[key][0], week, LIFTS[key][2]), Unit.KG, LIFTS[key][1], 3)
                               for key in main_lifts]
                    for key, (start, reps) in list(ASSISTANCE.items())[day // 2::2]:
                        entries.append(NewEntry(key, load(start, week, 0.005), Unit.KG, reps, 3))
                    await app.log.add(LIFTER.user_id, entries, moment)
            for view in views:
                outgoing = await app.run(LIFTER, "progress", {"view": view, "weeks": 26, "theme": THEME})
                path = DOCS / f"progress-{view}.png"
                path.write_bytes(outgoing.reply.attachment.data)
                print(f"{path}: {outgoing.reply.body}")
        finally:
            await app.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or ["e1rm"]))
