"""The database layer on both backends: migrations, the version check, transactions, units of work."""

import asyncio
import logging
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event

from bot.coach.vocabulary import Goal, Unit
from bot.store import database as database_module
from bot.store import migrate as migrate_module
from bot.store.custom_exercises import CustomExercises
from bot.store.database import SQLITE_READERS, Database, DatabaseError, engine_url, newest_revision, sqlite_path
from bot.store.migrate import ALEMBIC_USER_VERSION, LEGACY_REVISIONS, head, script_directory
from bot.store.reminders import ReminderStore
from bot.store.schema import metadata, reminders, users
from bot.store.training_log import NewEntry, TrainingLog
from bot.store.users import UserStore

LEGACY_SQL = Path(__file__).with_name("legacy_sql")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
REVISIONS = ["0001_initial", "0002_reminders", "0003_custom_exercises"]


async def schema_differences(db: Database) -> list:
    """What Alembic's autogenerate would change to make the database match `bot.store.schema`."""
    async with db.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata)
        )


async def test_migrates_an_empty_database_to_the_latest_revision(empty_database_url):
    async with await Database.open(empty_database_url) as db:
        assert await db.version() is None
        applied = await db.migrate()
        assert applied[: len(REVISIONS)] == REVISIONS
        assert applied[-1] == head()
        assert await db.version() == head()
        assert await schema_differences(db) == [], "the revisions and bot/store/schema.py disagree"


async def test_an_up_to_date_database_is_left_alone(database_url):
    async with await Database.open(database_url) as db:
        await db.migrate()
    async with await Database.open(database_url) as db:
        assert await db.migrate() == []
        assert await db.pending_migrations() == []


async def test_a_database_at_an_unknown_revision_is_refused(database_url):
    async with await Database.open(database_url) as db:
        await db.migrate()
        await db.write(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        with pytest.raises(DatabaseError, match="9999_from_the_future.*upgrade Liftcoach"):
            await db.migrate()
        with pytest.raises(DatabaseError, match="9999_from_the_future"):
            await db.pending_migrations()


def test_a_pre_alembic_database_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "future.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 999").connection.close()

    async def check() -> None:
        async with await Database.open(f"sqlite:///{path}") as db:
            with pytest.raises(DatabaseError, match="version 999"):
                await db.migrate()

    asyncio.run(check())


async def test_a_failing_migration_leaves_the_database_at_the_previous_revision(empty_database_url, tmp_path,
                                                                                 monkeypatch):
    folder = tmp_path / "migrations"
    (folder / "versions").mkdir(parents=True)
    shutil.copy(migrate_module.MIGRATIONS_DIR / "env.py", folder / "env.py")
    (folder / "versions" / "a_good.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\nrevision = "a_good"\ndown_revision = None\n'
        'def upgrade():\n    op.create_table("a", sa.Column("x", sa.Integer))\n'
    )
    (folder / "versions" / "b_bad.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\nrevision = "b_bad"\ndown_revision = "a_good"\n'
        'def upgrade():\n    op.create_table("b", sa.Column("x", sa.Integer))\n'
        '    op.execute("INSERT INTO nowhere VALUES (1)")\n'
    )
    monkeypatch.setattr(migrate_module, "MIGRATIONS_DIR", folder)
    async with await Database.open(empty_database_url) as db:
        with pytest.raises(sa.exc.DBAPIError):
            await db.migrate()
        assert await db.version() == "a_good"
        async with db.connect() as connection:
            tables = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        assert "a" in tables and "b" not in tables


def make_legacy_database(path: Path, version: int = 3) -> None:
    """A database exactly as Liftcoach 0.1 made it: its .sql migrations, PRAGMA user_version, and data."""
    connection = sqlite3.connect(path)
    for script in sorted(LEGACY_SQL.glob("*.sql"))[:version]:
        connection.executescript(script.read_text(encoding="utf-8"))
    connection.execute(f"PRAGMA user_version = {version}")
    stamp = NOW.isoformat()
    connection.execute(
        "INSERT INTO users (user_id, goal, experience, days_per_week, units, timezone, rotation_index, "
        "safety_notice_seen, created_at, updated_at) VALUES (?, 'strength', 'intermediate', 4, 'lb', "
        "'Europe/Berlin', 1, 1, ?, ?)",
        (123456789012345678, stamp, stamp),
    )
    connection.execute(
        "INSERT INTO sessions (user_id, rotation_index, day_label, goal, completed_at, source) "
        "VALUES (?, 0, 'Day A', 'strength', ?, 'today')",
        (123456789012345678, stamp),
    )
    connection.execute(
        "INSERT INTO set_logs (user_id, session_id, exercise, weight_kg, entered_unit, reps, sets, rpe, note, "
        "logged_at) VALUES (?, 1, 'squat', 102.5, 'lb', 5, 3, 8.5, 'felt good', ?)",
        (123456789012345678, stamp),
    )
    if version >= 2:
        connection.execute(
            "INSERT INTO reminders (user_id, days, local_time, timezone, enabled, next_due_utc, dm_channel_id, "
            "updated_at) VALUES (?, '0,3', '18:00', 'Europe/Berlin', 1, '2026-11-23T17:00:00+00:00', 987, ?)",
            (123456789012345678, stamp),
        )
        connection.execute(
            "INSERT INTO reminder_deliveries (user_id, slot_utc, kind, state, attempts, claimed_at, updated_at) "
            "VALUES (?, '2026-11-19T17:00:00+00:00', 'regular', 'sent', 1, ?, ?)",
            (123456789012345678, stamp, stamp),
        )
    if version >= 3:
        connection.execute(
            "INSERT INTO custom_exercises (user_id, key, name, created_at) VALUES (?, 'custom-sled-push', "
            "'Sled push', ?)",
            (123456789012345678, stamp),
        )
    connection.commit()
    connection.close()


@pytest.mark.parametrize("version", [3, 1])
async def test_a_database_made_by_liftcoach_0_1_upgrades_in_place_with_its_data(tmp_path, version):
    path = tmp_path / "old.db"
    make_legacy_database(path, version)
    user_id = 123456789012345678
    async with await Database.open(f"sqlite:///{path}") as db:
        assert await db.pending_migrations() == REVISIONS[version:] + [
            revision for revision in _all_revisions() if revision not in REVISIONS
        ]
        await db.migrate()
        assert await db.version() == head()
    fresh = tmp_path / "fresh.db"
    async with await Database.open(f"sqlite:///{fresh}") as db:
        await db.migrate()
    assert sqlite_schema(path) == sqlite_schema(fresh), "an upgraded database has exactly a new one's schema"

    async with await Database.open(f"sqlite:///{path}") as db:
        profile = await UserStore(db).get(user_id)
        assert (profile.goal, profile.units, profile.days_per_week, profile.timezone) == (
            Goal.STRENGTH, Unit.LB, 4, "Europe/Berlin")
        assert profile.rotation_index == 1 and profile.safety_notice_seen
        [entry] = await TrainingLog(db).entries(user_id)
        assert (entry.exercise, entry.weight_kg, entry.reps, entry.sets, entry.rpe, entry.note, entry.session_id) == (
            "squat", 102.5, 5, 3, 8.5, "felt good", 1)
        assert await UserStore(db).completed_session_times(user_id, NOW) == [NOW]
        reminders = ReminderStore(db)
        if version >= 2:
            settings = await reminders.get(user_id)
            assert (settings.days, settings.local_time, settings.dm_channel_id) == ((0, 3), time(18), 987)
            assert await reminders.delivery_state(user_id, datetime(2026, 11, 19, 17, tzinfo=UTC)) == "sent"
        if version >= 3:
            assert [e.name for e in await CustomExercises(db).all(user_id)] == ["Sled push"]
        # New rows still get fresh ids after the old ones (AUTOINCREMENT kept).
        [added] = await TrainingLog(db).add(user_id, [NewEntry("bench", 60, Unit.KG, 8)], NOW)
        assert added.log_id == 2
    # Liftcoach 0.1 would now refuse this database as newer than itself.
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == ALEMBIC_USER_VERSION > max(
        LEGACY_REVISIONS)


def sqlite_schema(path: Path) -> dict[str, object]:
    """Columns (name, type, default, key position), foreign keys and indexes of every table, as SQLite reports them.

    NOT NULL is left out for key columns: `INTEGER PRIMARY KEY` (a rowid) cannot hold NULL either way.
    """
    connection = sqlite3.connect(path)
    schema: dict[str, object] = {}
    names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for name in sorted(names):
        columns = [(c[1], c[2], c[4], c[5], c[3] if not c[5] else None)
                   for c in connection.execute(f"PRAGMA table_info({name})")]
        keys = sorted(tuple(k[2:7]) for k in connection.execute(f"PRAGMA foreign_key_list({name})"))
        indexes = sorted(
            (i[1], i[2], i[4], tuple(c[2] for c in connection.execute(f"PRAGMA index_info({i[1]})")))
            for i in connection.execute(f"PRAGMA index_list({name})") if not i[1].startswith("sqlite_autoindex")
        )
        rowid = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        schema[name] = (columns, keys, indexes, "WITHOUT ROWID" in rowid, "AUTOINCREMENT" in rowid)
    connection.close()
    return schema


def _all_revisions() -> list[str]:
    return [revision.revision for revision in reversed(list(script_directory().walk_revisions()))]


def test_the_revisions_form_one_line_with_a_header_each():
    script = script_directory()
    assert len(script.get_heads()) == 1, "one migration history: chain each new revision on the head"
    for revision in script.walk_revisions():
        path = Path(revision.path)
        assert revision.revision == path.stem, f"{path.name}: revision id must be the file's stem"
        assert len(revision.revision) <= 32, "alembic_version holds at most 32 characters"
        assert revision.doc and "Why" in (revision.module.__doc__ or ""), f"{path.name}: say what and why"


def test_the_newest_revision_is_found_without_alembic():
    assert newest_revision() == head()


def test_a_database_at_the_newest_revision_starts_without_loading_alembic(tmp_path):
    """Alembic is loaded only when a migration is due: a restarted bot does not keep its modules."""
    url = f"sqlite:///{tmp_path / 'liftcoach.db'}"
    program = (
        "import asyncio, sys\n"
        "from bot.store.database import Database\n"
        "async def main():\n"
        f"    async with await Database.open({url!r}) as db:\n"
        "        applied = await db.migrate()\n"
        "    print(bool(applied), 'alembic' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    assert runs == [["True", "True"], ["False", "False"]]


async def test_connection_settings_on_sqlite(tmp_path):
    async with await Database.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as db:
        await db.migrate()
        values = {}
        for pragma in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous", "query_only"):
            values[pragma] = await db.scalar(sa.text(f"PRAGMA {pragma}"))
        assert values == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1,
                          "query_only": 1}, "reads run on read-only connections"


async def test_sqlite_commits_never_checkpoint_and_a_checkpoint_follows_them(tmp_path, monkeypatch):
    """The writer leaves the WAL alone (SQLite's automatic checkpoint held it for ~20 ms inside a commit);
    shortly after a commit, a checkpoint of its own copies the WAL into the database file."""
    monkeypatch.setattr(database_module, "SQLITE_CHECKPOINT_DELAY", 0.2)
    path = tmp_path / "db.sqlite"
    async with await Database.open(f"sqlite:///{path}") as db:
        await db.migrate()
        async with db.connect() as connection:
            assert await connection.scalar(sa.text("PRAGMA wal_autocheckpoint")) == 0

        def users_in_the_file_alone() -> int | None:
            """Users in the database file as it is, without its WAL (a copy made without the -wal
            file); None before the migrations' tables reached it."""
            copy = tmp_path / "file-alone.sqlite"
            shutil.copyfile(path, copy)
            with sqlite3.connect(copy) as connection:
                try:
                    return connection.execute("SELECT count(*) FROM users").fetchone()[0]
                except sqlite3.OperationalError:
                    return None

        async def checkpointed(users: int) -> bool:
            for _ in range(100):
                if users_in_the_file_alone() == users:
                    return True
                await asyncio.sleep(0.05)
            return False

        store = UserStore(db)
        await store.ensure(1, NOW)
        assert await checkpointed(1), "the migrations and the first user reached the file"
        await store.ensure(2, NOW)
        assert users_in_the_file_alone() == 1, "a commit goes to the WAL only"
        assert await checkpointed(2), "and a checkpoint follows it"


async def test_a_sqlite_wal_above_its_limit_is_emptied_by_the_checkpoint(tmp_path, monkeypatch):
    """A checkpoint beside a steady stream of commits never reaches the WAL's end, so SQLite would never
    start it over: past `SQLITE_WAL_LIMIT_FRAMES` the checkpoint waits for the writer and empties it."""
    monkeypatch.setattr(database_module, "SQLITE_CHECKPOINT_DELAY", 0.05)
    monkeypatch.setattr(database_module, "SQLITE_WAL_LIMIT_FRAMES", 0)
    path = tmp_path / "db.sqlite"
    wal = tmp_path / "db.sqlite-wal"
    async with await Database.open(f"sqlite:///{path}") as db:
        await db.migrate()
        await UserStore(db).ensure(1, NOW)
        assert wal.stat().st_size > 0
        for _ in range(100):
            await asyncio.sleep(0.05)
            if wal.stat().st_size == 0:
                break
        assert wal.stat().st_size == 0
        assert (await UserStore(db).get(1)) is not None


async def test_a_failing_checkpoint_is_logged_once_retried_on_a_new_connection_and_its_end_logged(
        tmp_path, monkeypatch, caplog):
    """A busy bot commits every second: a checkpoint that keeps failing (a disk error, say) logs its
    traceback once, not every second, drops the connection it failed on, and says when it works again."""
    monkeypatch.setattr(database_module, "SQLITE_CHECKPOINT_DELAY", 0.02)
    async with await Database.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as db:
        await db.migrate()
        checkpoint_wal = db._checkpoint_wal
        connections = []

        async def fails_three_times() -> None:
            await checkpoint_wal()
            connections.append(db._checkpointer)
            if len(connections) <= 3:
                raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(db, "_checkpoint_wal", fails_three_times)
        store = UserStore(db)
        for user in range(1, 5):  # each commit is followed by one attempt
            attempts = len(connections)
            await store.ensure(user, NOW)
            for _ in range(250):
                await asyncio.sleep(0.02)
                if len(connections) > attempts:
                    break
        assert len(connections) == 4 and len(set(map(id, connections))) == 4, "each failure drops its connection"
        failures = [record for record in caplog.records
                    if record.name == "bot.store.database" and record.levelno >= logging.WARNING]
        assert [(record.levelname, record.exc_info is not None) for record in failures] == [
            ("ERROR", True), ("WARNING", False)]
        assert "works again, after 3 failed attempts" in failures[1].getMessage()


async def test_a_burst_of_reads_shares_the_few_sqlite_read_connections(tmp_path):
    """Fifty reads at once open SQLITE_READERS connections, not fifty (each one a thread and a file handle:
    a burst that opened one per read made every later command contend with fifty threads)."""
    async with await Database.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as db:
        await db.migrate()
        values = await asyncio.gather(*(db.scalar(sa.select(sa.literal(index))) for index in range(50)))
        assert values == list(range(50))
        assert len(db._readers) == SQLITE_READERS


async def test_a_burst_beyond_the_postgresql_pools_waits_for_their_connections(database_url, backend):
    """Twenty writes and twenty reads at once on pools of 3 open 3 connections each, kept for the next
    burst. Overflow connections are closed as soon as they are returned: bursts that opened and closed
    them again cost the bot several ms of CPU per connection."""
    if backend != "postgresql":
        pytest.skip("SQLite keeps its connections: see test_a_burst_of_reads_shares_the_few_sqlite_read_connections")
    async with await Database.open(database_url, pool_size=3) as db:
        opened: list[str] = []
        for name, engine in (("write", db._writer), ("read", db._reader)):
            event.listen(engine.sync_engine, "connect", lambda *_, name=name: opened.append(name))

        async def add_user(user_id: int) -> None:
            async with db.transaction() as connection:
                await connection.execute(sa.insert(users).values(user_id=user_id, created_at="a", updated_at="a"))

        for burst in (100, 200):
            await asyncio.gather(*(add_user(burst + index) for index in range(20)),
                                 *(db.scalar(sa.select(sa.literal(index))) for index in range(20)))
        assert sorted(opened) == ["read"] * 3 + ["write"] * 3
        assert await db.scalar(sa.select(sa.func.count()).select_from(users)) == 40


async def test_nested_transactions_roll_back_only_the_inner_part(database_url):
    async with await Database.open(database_url) as db:
        await db.migrate()
        async with db.transaction() as connection:
            await connection.execute(sa.insert(users).values(user_id=1, created_at="a", updated_at="a"))
            with pytest.raises(RuntimeError):
                async with db.transaction() as inner:
                    await inner.execute(sa.insert(users).values(user_id=2, created_at="a", updated_at="a"))
                    raise RuntimeError("inner")
        assert await db.rows(sa.select(users.c.user_id)) == [{"user_id": 1}]


async def test_a_unit_of_work_commits_its_writes_together_or_not_at_all(database_url):
    async with await Database.open(database_url) as db:
        await db.migrate()
        store = UserStore(db)
        with pytest.raises(ValueError):
            async with db.unit_of_work():
                await store.ensure(1, NOW)
                assert (await store.get(1)) is not None, "a unit reads its own writes"
                await store.update(1, NOW, days_per_week=5)
                raise ValueError("bad input found late")
        assert await store.get(1) is None
        async with db.unit_of_work():
            await store.ensure(1, NOW)
            await store.update(1, NOW, days_per_week=5)
        assert (await store.get(1)).days_per_week == 5


async def test_a_unit_that_only_reads_opens_no_write_transaction(database_url):
    """A second process can write while a read-only unit is open (it would wait if the unit held the writer)."""
    async with await Database.open(database_url) as db, await Database.open(database_url) as other:
        await db.migrate()
        async with db.unit_of_work():
            assert await UserStore(db).get(1) is None
            assert not db.holds_connection(), "between statements a read-only unit holds no connection"
            await asyncio.wait_for(UserStore(other).ensure(1, NOW), timeout=2)
            assert await UserStore(db).get(1) is not None, "reads see what was committed meanwhile"


async def test_a_units_bookkeeping_waits_for_its_commit_and_goes_with_its_rollback(database_url):
    """A command that only notes a DM channel keeps reading on the read connections until it ends."""
    async with await Database.open(database_url) as db, await Database.open(database_url) as other:
        await db.migrate()
        await UserStore(db).ensure(1, NOW)
        reminder_store = ReminderStore(db)
        with pytest.raises(ValueError):
            async with db.unit_of_work():
                await reminder_store.note_command(1, 501, NOW)
                raise ValueError("bad input")
        assert await reminder_store.get_dm_channel(1) is None, "rolled back with the unit"
        async with db.unit_of_work():
            await reminder_store.note_command(1, 502, NOW)
            assert not db.holds_connection(), "noting the channel opened no write transaction"
            await asyncio.wait_for(UserStore(other).ensure(2, NOW), timeout=2)
            assert await reminder_store.get_dm_channel(1) is None
        assert await reminder_store.get_dm_channel(1) == 502
        await reminder_store.set_dm_channel(2, 503, NOW)
        assert await reminder_store.get_dm_channel(2) == 503, "outside a unit it is stored at once"


async def test_a_dm_channel_noted_by_a_unit_that_deletes_its_user_is_not_stored(database_url):
    async with await Database.open(database_url) as db:
        await db.migrate()
        store = UserStore(db)
        await store.ensure(1, NOW)
        async with db.unit_of_work():
            await ReminderStore(db).note_command(1, 501, NOW)
            await store.delete(1)
        assert await db.rows(sa.select(reminders.c.user_id)) == []


async def test_a_task_started_inside_a_unit_gets_a_transaction_of_its_own(database_url):
    async with await Database.open(database_url) as db:
        await db.migrate()
        store = UserStore(db)
        with pytest.raises(RuntimeError):
            async with db.unit_of_work():
                await store.ensure(1, NOW)
                # On SQLite the writer is busy with this unit, so the task waits for it to end.
                side = asyncio.create_task(store.ensure(2, NOW))
                await asyncio.sleep(0.05)
                raise RuntimeError("roll this unit back")
        await side
        assert [row["user_id"] for row in await db.rows(sa.select(users.c.user_id))] == [2]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///liftcoach.db", "sqlite+pysqlite:///liftcoach.db"),
        ("sqlite:////var/lib/x.db", "sqlite+pysqlite:////var/lib/x.db"),
        ("x.db", "sqlite+pysqlite:///x.db"),
        ("postgresql://lc:secret@db:5432/liftcoach", "postgresql+asyncpg://lc:***@db:5432/liftcoach"),
        ("postgres://lc@db/liftcoach", "postgresql+asyncpg://lc@db/liftcoach"),
        ("postgresql://lc@db/liftcoach?sslmode=require", "postgresql+asyncpg://lc@db/liftcoach?ssl=require"),
        ("postgresql://lc@db/liftcoach?ssl=disable", "postgresql+asyncpg://lc@db/liftcoach?ssl=disable"),
    ],
)
def test_database_urls(url, expected):
    assert engine_url(url).render_as_string() == expected


async def test_a_postgresql_url_with_libpqs_sslmode_connects(database_url, backend):
    if backend != "postgresql":
        pytest.skip("sslmode is PostgreSQL's")
    async with await Database.open(f"{database_url}?sslmode=disable") as db:  # the test server has no TLS
        await db.migrate()
        assert await db.version() == newest_revision()


def test_sqlite_paths():
    assert sqlite_path("sqlite:////var/lib/x.db") == "/var/lib/x.db"


@pytest.mark.parametrize("url", ["mysql://localhost/db", "sqlite:///:memory:", "sqlite://"])
def test_other_databases_are_rejected(url):
    with pytest.raises(DatabaseError):
        engine_url(url)


async def test_an_unreachable_database_is_a_clear_database_error(tmp_path):
    for url in ("postgresql://nobody@127.0.0.1:1/nothing", f"sqlite:///{tmp_path}"):  # a closed port; a folder
        async with await Database.open(url) as db:
            with pytest.raises(DatabaseError, match="cannot connect to the database"):
                await db.migrate()


async def test_a_failed_first_write_block_inside_a_unit_leaves_nothing_behind(database_url):
    """The block that opens a unit's write transaction rolls back alone, as a savepoint would."""
    async with await Database.open(database_url) as db:
        await db.migrate()
        async with db.unit_of_work():
            with pytest.raises(RuntimeError):
                async with db.transaction() as connection:
                    await connection.execute(sa.insert(users).values(user_id=1, created_at="a", updated_at="a"))
                    raise RuntimeError("caught by the command")
            await UserStore(db).ensure(2, NOW)
        assert [row["user_id"] for row in await db.rows(sa.select(users.c.user_id))] == [2]
