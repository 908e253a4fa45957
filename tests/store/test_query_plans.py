"""/today, /history and /log over a year of logs read through indexes only: EXPLAIN QUERY PLAN (SQLite), EXPLAIN (PostgreSQL).

Every statement the commands send is captured as sent (SQL and parameters) and explained
on the same database. A full table scan shows as `SCAN <table>` on SQLite (`SCAN anon_1` is a
subquery's limited rows); on PostgreSQL, with
sequential scans switched off, a `Seq Scan` remains only where no index can serve the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from bench.seed import seed_reminders, seed_users
from bot.commands.base import Caller
from bot.store.schema import metadata

ACTIVE_USERS = 20
USERS = 200
EXPLAINED = re.compile(r"^\s*(SELECT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


@contextmanager
def captured_statements() -> Iterator[list[tuple[str, object]]]:
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if EXPLAINED.match(statement) and not executemany:
            statements.append((statement, parameters))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", capture)


async def full_scans(app, statements: list[tuple[str, object]]) -> list[str]:
    problems = []
    async with app.db.connect() as connection:
        if app.db.backend == "postgresql":
            await connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            if app.db.backend == "sqlite":
                plan = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)).all()
                lines = [row[-1] for row in plan]
                # "SCAN anon_1" walks a subquery's few rows (a limited page), not a table.
                scans = [line for line in lines
                         if (scan := re.match(r"SCAN (\w+)$", line)) and scan.group(1) in metadata.tables]
            else:
                plan = (await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)).all()
                lines = [row[0] for row in plan]
                scans = [line for line in lines if "Seq Scan" in line]
            if scans:
                problems.append(f"{' '.join(statement.split())}\n    " + "\n    ".join(lines))
    return problems


async def test_today_and_history_with_a_year_of_logs_use_indexes_only(app, clock) -> None:
    active = list(range(1, ACTIVE_USERS + 1))
    await seed_users(app.db, range(1, USERS + 1), active, clock())
    caller = Caller(user_id=1, name="lifter")
    with captured_statements() as statements:
        for name, options in (("today", {}), ("history", {"days": 365}), ("history", {"exercise": "squat"})):
            outgoing = await app.run(caller, name, options)
            assert outgoing.reply.tone.value != "error", outgoing.reply.body
    assert len(statements) >= 3
    assert await full_scans(app, statements) == []


async def test_a_reminder_batch_finds_its_rows_by_key(app, clock) -> None:
    """Claiming a batch, reading its profiles and marking it `sending` and `sent` read by index;
    on SQLite not even a whole-index scan of the ledger (the marks once scanned it per group)."""
    due = clock().replace(minute=0) + timedelta(hours=1)
    await seed_users(app.db, range(1, USERS + 1), [], clock())
    await seed_reminders(app.db, range(1, USERS + 1), due, lambda user_id: 10_000 + user_id)
    store = app.reminders
    with captured_statements() as statements:
        batch = await store.claim_due(due, 20)
        assert len(batch) == 20
        assert len(await store.profiles([reminder.user_id for reminder in batch])) == 20
        assert len(await store.mark_sending(batch, due)) == 20
        await store.mark_sent(batch, due)
    assert len(statements) >= 4
    # SQLite's `SCAN anon_1` reads the claim's own LIMITed subquery, not a table.
    problems = await full_scans(app, statements)
    assert [problem for problem in problems if re.search(r"^\s*SCAN (?!anon_)\w+$|Seq Scan", problem, re.M)] == []
    if app.db.backend == "sqlite":
        async with app.db.connect() as connection:
            for statement, parameters in statements[-2:]:  # the marks
                plan = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)).all()
                assert not any(row[-1].startswith("SCAN reminder_deliveries") for row in plan), plan


async def test_log_with_a_year_of_logs_uses_indexes_only(app, clock) -> None:
    await seed_users(app.db, range(1, USERS + 1), list(range(1, ACTIVE_USERS + 1)), clock())
    caller = Caller(user_id=1, name="lifter")
    with captured_statements() as statements:
        for exercise in ("squat", "bench", "deadlift", "barbell row", "overhead press"):
            outgoing = await app.run(caller, "log", {"exercise": exercise, "weight": 60, "reps": 8})
            assert outgoing.reply.tone.value != "error", outgoing.reply.body
    assert any("'record'" in statement for statement, _ in statements)  # the read-back after the insert
    assert await full_scans(app, statements) == []



async def test_log_reads_its_records_back_from_one_index(app, clock) -> None:
    """The read-back of a lift's heaviest and lightest load per rep count, /log's largest
    statement, reads `set_logs_records` alone: no lookup of each row in the table."""
    await seed_users(app.db, range(1, USERS + 1), list(range(1, ACTIVE_USERS + 1)), clock())
    with captured_statements() as statements:
        outgoing = await app.run(Caller(user_id=1, name="lifter"), "log", {"exercise": "squat", "weight": 60, "reps": 8})
        assert outgoing.reply.tone.value != "error", outgoing.reply.body
    [(statement, parameters)] = [(sql, values) for sql, values in statements if "'record'" in sql]
    async with app.db.connect() as connection:
        if app.db.backend == "sqlite":
            plan = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)).all()
            assert any("SEARCH set_logs USING COVERING INDEX set_logs_records" in row[-1] for row in plan), plan
        else:
            plan = (await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)).all()
            assert any("Index Only Scan using set_logs_records" in row[0] for row in plan), plan
