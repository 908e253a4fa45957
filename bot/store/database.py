"""The SQLite connection and its migrations.

Migrations are numbered `.sql` files in `migrations/`; the applied version lives in the
database itself (`PRAGMA user_version`), and each step commits with its version bump in one
transaction, so a crash never leaves a half-applied step behind.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """The database cannot be used by this version of Liftcoach."""


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.stem


def discover_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise DatabaseError(f"migration file {path.name} is not named NNNN_description.sql")
        migrations.append(Migration(int(match.group(1)), path))
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise DatabaseError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return migrations


def sqlite_path(database_url: str) -> str:
    """`sqlite:///relative.db`, `sqlite:////abs/path.db` or a bare path -> a path for sqlite3."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix):
        return database_url[len(prefix):]
    if "://" in database_url:
        raise DatabaseError(f"only sqlite:/// URLs are supported, got {database_url.split('://')[0]}://")
    return database_url


def _statements(script: str) -> list[str]:
    """Split a migration into statements; sqlite3.complete_statement knows about strings and triggers."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip() and not current.strip().startswith("--"):
        raise DatabaseError("migration ends with an incomplete statement")
    return [s for s in statements if s]


class Database:
    """One aiosqlite connection shared by the repositories."""

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self.connection = connection
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None
        self._depth = 0

    @classmethod
    async def open(cls, database_url: str) -> Database:
        path = sqlite_path(database_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so migrations and claims are atomic.
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
        ):
            await connection.execute(pragma)
        return cls(connection, path)

    async def close(self) -> None:
        await self.connection.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; nested use becomes a SAVEPOINT.

        IMMEDIATE takes the write lock up front, so two processes can never both claim a row.
        The connection is shared by every task, so an asyncio lock keeps one task's statements
        out of another's transaction.
        """
        task = asyncio.current_task()
        if self._owner is task:
            async with self._savepoint():
                yield self.connection
            return
        async with self._lock:
            self._owner = task
            try:
                await self.connection.execute("BEGIN IMMEDIATE")
                try:
                    yield self.connection
                except BaseException:
                    await self.connection.execute("ROLLBACK")
                    raise
                await self.connection.execute("COMMIT")
            finally:
                self._owner = None

    def changes(self) -> int:
        """Rows inserted, updated or deleted through this connection since it opened (SQLite's
        total_changes); the difference across a command tells whether it stored anything."""
        return self.connection.total_changes

    async def write(self, sql: str, parameters: object = ()) -> aiosqlite.Cursor:
        """One statement in its own transaction (a savepoint inside another one).

        Never a bare execute on the shared connection: that would silently join whatever
        transaction another task has open, and roll back with it.
        """
        async with self.transaction() as connection:
            return await connection.execute(sql, parameters)

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self._depth += 1
        name = f"nested_{self._depth}"
        await self.connection.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self.connection.execute(f"ROLLBACK TO {name}")
            await self.connection.execute(f"RELEASE {name}")
            raise
        else:
            await self.connection.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    async def version(self) -> int:
        async with self.connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0])

    async def pending_migrations(self, migrations: list[Migration] | None = None) -> list[Migration]:
        migrations = discover_migrations() if migrations is None else migrations
        current = await self.version()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise DatabaseError(
                f"the database {self.path} is at schema version {current}, but this Liftcoach only "
                f"knows up to {latest}: upgrade Liftcoach or restore a backup"
            )
        return [m for m in migrations if m.version > current]

    async def migrate(self, migrations: list[Migration] | None = None) -> list[Migration]:
        """Apply every pending migration, each in its own transaction; returns what was applied."""
        pending = await self.pending_migrations(migrations)
        for migration in pending:
            statements = _statements(migration.path.read_text(encoding="utf-8"))
            async with self.transaction():
                for statement in statements:
                    await self.connection.execute(statement)
                # PRAGMA cannot take parameters; the version is an int we parsed ourselves.
                await self.connection.execute(f"PRAGMA user_version = {migration.version:d}")
            log.info("applied migration %s", migration.name)
        return pending

    async def backup(self, destination: Path) -> None:
        """A consistent online copy (SQLite's backup API), safe while the bot runs."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        target = await aiosqlite.connect(destination)
        try:
            await self.connection.backup(target)
        finally:
            await target.close()
