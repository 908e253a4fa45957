"""A big database built fast: bulk inserts through the store's SQLAlchemy tables, after the real migrations.

Active users have a goal and a year of logs (four sessions a week, five lifts each, one row per
lift); the rest only exist, as most people who ever typed a command do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.database import Database
from bot.store.schema import reminders, sessions, set_logs, users

LIFTS = ("barbell-back-squat", "barbell-bench-press", "barbell-deadlift", "overhead-press", "lat-pulldown")
TRAINING_DAYS = (0, 1, 3, 4)  # Mon, Tue, Thu, Fri
BATCH = 20_000


async def _insert(db: Database, table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        async with db.transaction() as connection:
            await connection.execute(table.insert(), rows[start:start + BATCH])


async def seed_users(db: Database, user_ids: Sequence[int], active_ids: Sequence[int], now: datetime,
                     *, days: int = 365) -> int:
    """Insert `user_ids` (all) and a year of logs for `active_ids`; returns the number of set_logs rows."""
    stamp = (now - timedelta(days=days + 1)).isoformat()
    active = set(active_ids)
    await _insert(db, users, [
        {"user_id": user_id, "goal": "hypertrophy" if user_id in active else None, "experience": "intermediate",
         "days_per_week": 4, "safety_notice_seen": 1, "created_at": stamp, "updated_at": stamp}
        for user_id in user_ids
    ])
    start = (now - timedelta(days=days)).replace(hour=18, minute=0, second=0, microsecond=0)
    training_days = [start + timedelta(days=offset) for offset in range(days) if (start + timedelta(days=offset)).weekday() in TRAINING_DAYS]
    session_rows, log_rows = [], []
    session_id = 0
    for user_id in active_ids:
        for index, moment in enumerate(training_days):
            session_id += 1
            completed = moment.isoformat()
            session_rows.append({"session_id": session_id, "user_id": user_id, "rotation_index": index % 4,
                                 "day_label": "Full body", "goal": "hypertrophy", "completed_at": completed,
                                 "source": "log"})
            for lift_index, lift in enumerate(LIFTS):
                log_rows.append({"user_id": user_id, "session_id": session_id, "exercise": lift,
                                 "weight_kg": 40.0 + 10 * lift_index + index * 0.25, "entered_unit": "kg",
                                 "reps": 8, "sets": 3, "rpe": 8.0,
                                 "logged_at": (moment + timedelta(minutes=5 * lift_index)).isoformat()})
    await _insert(db, sessions, session_rows)
    await _insert(db, set_logs, log_rows)
    return len(log_rows)


async def seed_reminders(db: Database, user_ids: Sequence[int], due: datetime, dm_channel_of) -> None:
    """Every user due at `due` (UTC, Mondays and Thursdays), each with a cached DM channel `dm_channel_of(user_id)`."""
    stamp = (due - timedelta(hours=2)).isoformat()
    local = due.astimezone(UTC)
    await _insert(db, reminders, [
        {"user_id": user_id, "days": f"{local.weekday()},{(local.weekday() + 3) % 7}",
         "local_time": local.strftime("%H:%M"), "timezone": "UTC", "enabled": 1, "next_due_utc": due.isoformat(),
         "dm_channel_id": dm_channel_of(user_id), "updated_at": stamp}
        for user_id in user_ids
    ])


async def settle(db: Database) -> None:
    """Do now what PostgreSQL does by itself within minutes of a bulk load: VACUUM and ANALYZE it
    (the visibility map its index-only scans read, and the planner's statistics).

    A bot that has been up a while meets the settled tables; a benchmark started right after
    seeding would meet autovacuum's pass over a million new rows during its bursts instead (it
    came ~140 s after the seed, on the same two cores). SQLite does nothing of the kind.
    """
    if db.backend != "postgresql":
        return
    engine = create_async_engine(db.url, isolation_level="AUTOCOMMIT")  # VACUUM runs outside a transaction
    try:
        async with engine.connect() as connection:
            await connection.execute(text("VACUUM (ANALYZE)"))
    finally:
        await engine.dispose()


async def open_migrated(url: str) -> Database:
    db = await Database.open(url)
    await db.migrate()
    return db
