"""Storage: sets logged per second through the app's entry point, and database size per 100,000 sets.

Throughput: one process, one user, `/log` after `/log` through `Liftcoach.run` (validation, the
command's transaction with its bookkeeping, the reply), beside the floor of one committed
single-row INSERT per set through the same Database. Size: the SQLite file's growth for bulk
inserted sets (bench.seed), scaled to 100,000. That /today and /history use indexes only is a
test (tests/store/test_query_plans.py), not a timing.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.report import Figure
from bench.seed import seed_users
from bot.app import Liftcoach
from bot.commands.base import Caller
from bot.config import Settings
from bot.store.schema import set_logs

TARGET_PER_SECOND = 1000
FULL = (1_000, 100_000)  # sets logged through the app, sets inserted for the size
QUICK = (100, 5_000)


async def throughput(app: Liftcoach, count: int) -> tuple[float, float]:
    """(sets per second through `Liftcoach.run`, sets per second of bare one-row transactions)."""
    caller = Caller(user_id=1, name="bench")
    await app.run(caller, "goal", {"goal": "hypertrophy", "days": 4})
    options = {"exercise": "barbell back squat", "weight": 100.0, "reps": 8}
    started = time.perf_counter()
    for _ in range(count):
        outgoing = await app.run(caller, "log", options)
        assert outgoing.reply.tone.value != "error", outgoing.reply.body
    through_app = count / (time.perf_counter() - started)
    row = {"user_id": 1, "exercise": "barbell-back-squat", "weight_kg": 100.0, "entered_unit": "kg", "reps": 8,
           "sets": 1, "logged_at": datetime.now(UTC).isoformat()}
    started = time.perf_counter()
    for _ in range(count):
        await app.db.write(sa.insert(set_logs).values(**row))
    floor = count / (time.perf_counter() - started)
    return through_app, floor


async def _size(app: Liftcoach) -> int:
    """Bytes in the database as its readers see it (pages still in the WAL included)."""
    return await app.db.scalar(sa.text("PRAGMA page_count")) * await app.db.scalar(sa.text("PRAGMA page_size"))


async def run(quick: bool) -> list[Figure]:
    logged, stored = QUICK if quick else FULL
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "storage.db"
        settings = Settings(_env_file=None, database_url=f"sqlite:///{path}", charts_dir=Path(folder),
                            chart_workers=0)
        app = await Liftcoach.start(settings)
        try:
            rate, floor = await throughput(app, logged)
            before = await _size(app)
            users = max(1, stored // 1040)  # a year of logs each (bench.seed: 208 sessions x 5 lifts)
            inserted = await seed_users(app.db, range(1000, 1000 + users), range(1000, 1000 + users),
                                        datetime.now(UTC))
            grown = await _size(app) - before
        finally:
            await app.close()
    return [
        Figure("storage", f"sets logged per second through Liftcoach.run ({logged:,} /log)", rate, "/s", floor,
               "one-row INSERT transactions", f">= {TARGET_PER_SECOND}/s", rate >= TARGET_PER_SECOND),
        Figure("storage", f"SQLite size per 100,000 sets (measured on {inserted:,}, with sessions)",
               grown / inserted * 100_000 / 2**20, "MiB"),
    ]
