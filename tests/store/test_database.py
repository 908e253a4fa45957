import sqlite3

import pytest

from bot.store.database import Database, DatabaseError, discover_migrations, sqlite_path


async def test_migrates_an_empty_database_to_the_latest_version(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    async with await Database.open(url) as db:
        applied = await db.migrate()
        assert [m.version for m in applied] == [m.version for m in discover_migrations()]
        assert await db.version() == discover_migrations()[-1].version
        async with db.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
            tables = {row[0] for row in await cursor.fetchall()}
    assert {"users", "sessions", "set_logs"} <= tables


async def test_an_up_to_date_database_is_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    async with await Database.open(url) as db:
        await db.migrate()
    async with await Database.open(url) as db:
        assert await db.migrate() == []
        assert await db.pending_migrations() == []


async def test_a_database_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "future.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 999").connection.close()
    async with await Database.open(f"sqlite:///{path}") as db:
        with pytest.raises(DatabaseError, match="version 999"):
            await db.migrate()


async def test_a_failing_migration_leaves_no_trace(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_good.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER);\nINSERT INTO nowhere VALUES (1);")
    migrations = discover_migrations(folder)
    async with await Database.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as db:
        with pytest.raises(sqlite3.OperationalError):
            await db.migrate(migrations)
        assert await db.version() == 1
        async with db.connection.execute("SELECT name FROM sqlite_master WHERE name = 'b'") as cursor:
            assert await cursor.fetchone() is None


async def test_connection_settings(tmp_path):
    async with await Database.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as db:
        values = {}
        for pragma in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous"):
            async with db.connection.execute(f"PRAGMA {pragma}") as cursor:
                values[pragma] = (await cursor.fetchone())[0]
    assert values == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}


async def test_nested_transactions_roll_back_only_the_inner_part(tmp_path):
    async with await Database.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as db:
        await db.connection.execute("CREATE TABLE t (x INTEGER)")
        async with db.transaction() as connection:
            await connection.execute("INSERT INTO t VALUES (1)")
            with pytest.raises(RuntimeError):
                async with db.transaction():
                    await connection.execute("INSERT INTO t VALUES (2)")
                    raise RuntimeError("inner")
        async with db.connection.execute("SELECT x FROM t") as cursor:
            assert [row[0] for row in await cursor.fetchall()] == [1]


def test_migration_files_are_numbered_without_gaps():
    versions = [m.version for m in discover_migrations()]
    assert versions == list(range(1, len(versions) + 1))


@pytest.mark.parametrize(
    ("url", "path"),
    [("sqlite:///liftcoach.db", "liftcoach.db"), ("sqlite:////var/lib/x.db", "/var/lib/x.db"), ("x.db", "x.db")],
)
def test_sqlite_urls(url, path):
    assert sqlite_path(url) == path


def test_other_databases_are_rejected():
    with pytest.raises(DatabaseError, match="postgres"):
        sqlite_path("postgres://localhost/db")
