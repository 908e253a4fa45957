"""How long claiming and dispatching 10,000 due reminders takes (no-op deliver, pacer disabled).

Run: .venv/bin/python bench/bench_reminders.py [users]
The number is the database cost of the ledger (a claim per batch, then `sending` and `sent`
writes per reminder); in production the pacer (40/s) dominates: 10,000 DMs take 250 s.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path

import sqlalchemy as sa

from bot.reminders import Delivery, ReminderDispatcher
from bot.store import schema
from bot.store.database import Database
from bot.store.reminders import DueReminder, ReminderStore

SLOT = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


async def no_op_deliver(reminder: DueReminder) -> Delivery:
    return Delivery.SENT


async def bench(users: int, directory: Path) -> None:
    db = await Database.open(f"sqlite:///{directory / 'bench.db'}")
    await db.migrate()
    store = ReminderStore(db)
    before = SLOT - timedelta(hours=2)
    await db.write(
        sa.insert(schema.users),
        [{"user_id": user_id, "created_at": before.isoformat(), "updated_at": before.isoformat()}
         for user_id in range(1, users + 1)],
    )
    async with db.transaction():
        for user_id in range(1, users + 1):
            await store.set_schedule(user_id, (0, 3), wall_time(18), "Europe/Berlin", before)

    now = SLOT - timedelta(hours=1)  # 18:00 in Berlin
    dispatcher = ReminderDispatcher(store, no_op_deliver, clock=lambda: now, rate_per_second=None)
    started = time.perf_counter()
    stats = await dispatcher.run_once()
    elapsed = time.perf_counter() - started
    await db.close()

    print(f"claimed {stats.claimed}, sent {stats.sent} reminders in {elapsed:.2f} s "
          f"({elapsed / max(stats.sent, 1) * 1e6:.0f} µs each, {stats.sent / elapsed:,.0f}/s)")
    print(f"with the default pacer (40/s) the same batch would take {stats.sent / 40:.0f} s of sending")


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(bench(users, Path(directory)))


if __name__ == "__main__":
    main()
