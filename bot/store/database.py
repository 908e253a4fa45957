"""The database: SQLite or PostgreSQL through SQLAlchemy 2 Core, and its transactions.

`DATABASE_URL` picks the backend: `sqlite:///liftcoach.db` (the embedded default: one process, zero
set-up; each connection on a thread of its own, `bot.store.sqlite_connection`) or
`postgresql://user:password@host:5432/liftcoach` (asyncpg, async; several processes or hosts). The
stores build Core statements from `bot.store.schema` and run them through the methods below, so
both backends run the same code (one exception: /log's insert and read-back are one statement on
PostgreSQL, `TrainingLog.log_set`). Migrations: `bot.store.migrate`.

Transactions and concurrency:
- `unit_of_work()` wraps one command (the app opens it around every command). Each of its reads
  borrows a read connection for that one statement (autocommit: every statement sees what was
  committed when it ran anyway), so a command holds no connection while it computes and many
  commands share a few connections; its first write opens the write transaction, which stays open until the unit
  ends: committed if the unit ends normally, rolled back on any exception. So a command's writes are
  one atomic transaction, bad input (a `UserError`) changes nothing, and a command that only reads
  never opens a write transaction. After the first write, reads go to the write transaction, so a
  command sees its own writes. Reads before the first write see whatever was committed when each
  ran (PostgreSQL's READ COMMITTED, on both backends); a write that depends on an earlier read
  guards itself with a WHERE clause (see `UserStore.complete_session`).
- `transaction()` is an explicit write transaction (the reminder dispatcher uses it, and stores use
  it for steps that must be atomic on their own). Inside a unit of work or another transaction it
  becomes a SAVEPOINT: a failing inner block rolls back only itself.
- `write()` runs one statement: inside the current unit or transaction, else in its own.
- SQLite: one writer connection, taken by `BEGIN IMMEDIATE` under an asyncio lock (one writer per
  process; other processes wait up to `busy_timeout`), and a small pool of read-only connections
  beside it, which WAL lets read while the writer writes. The write transaction is always a fresh
  `BEGIN IMMEDIATE` on the writer connection, never a read transaction upgraded to a write one, so
  SQLite's BUSY_SNAPSHOT (a reader whose snapshot went stale cannot become a writer) cannot happen.
- PostgreSQL: a pool of connections for write transactions and one for autocommit reads, each of
  a fixed size (`pool_size`) that a burst waits for rather than grows past; row locks (and
  `FOR UPDATE SKIP LOCKED` for reminder claims) keep several processes apart.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, CursorResult, RowMapping, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.store.sqlite_connection import BufferedResult, SQLiteConnection

log = logging.getLogger(__name__)

REVISIONS_DIR = Path(__file__).with_name("migrations") / "versions"

# Read connections beside SQLite's one writer: enough for the reads of a few commands at once
# (the event loop runs one command's Python at a time anyway).
SQLITE_READERS = 4
# Connections per PostgreSQL pool (writes; autocommit reads), `DATABASE_POOL_SIZE`. No overflow on top:
# SQLAlchemy closes an overflow connection as soon as it is returned, so every burst of more
# commands than the pool opened and closed connections again (634 in one latency run, at several
# ms of the bot's CPU each: /log's p99 at 50 concurrent fell from 1.6x /help's to 1.2x without it).
# The event loop runs one command's Python at a time, so commands beyond the pool lose nothing by
# waiting for a connection.
POSTGRES_POOL = 10
# Seconds after a commit that SQLite's WAL is checkpointed, on a connection of its own (`_checkpoint_soon`).
SQLITE_CHECKPOINT_DELAY = 1.0
# Frames the WAL may still hold after that checkpoint before it is emptied (4,000: 16 MiB): a
# checkpoint beside the writer never catches up with a steady stream of commits, and SQLite
# restarts the WAL from its start only after one did, so without a limit it would grow for as long
# as the stream lasts.
SQLITE_WAL_LIMIT_FRAMES = 4_000
_SQLITE_PRAGMAS = (
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)


class DatabaseError(Exception):
    """The database cannot be used by this version of Liftcoach (or at all)."""


def engine_url(database_url: str) -> URL:
    """`sqlite:///path`, `postgresql://...` (or `postgres://`), or a bare SQLite path -> the URL of
    its driver: SQLAlchemy's synchronous `pysqlite` (see `bot.store.sqlite_connection`) or `asyncpg`.
    libpq's `?sslmode=require` (what managed servers hand out) becomes asyncpg's `?ssl=require`,
    which takes the same modes.

    Raises DatabaseError for any other scheme and for in-memory SQLite (each connection of the
    pool would see a database of its own).
    """
    if "://" not in database_url:
        database_url = f"sqlite:///{database_url}"
    scheme = database_url.split("://", 1)[0].split("+", 1)[0]
    if scheme == "postgres":
        database_url = "postgresql" + database_url[len("postgres"):]
    elif scheme not in {"sqlite", "postgresql"}:
        raise DatabaseError(f"unsupported DATABASE_URL scheme {scheme}://; use sqlite:/// or postgresql://")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise DatabaseError("DATABASE_URL must name a SQLite file (in-memory databases are not supported)")
        return url.set(drivername="sqlite+pysqlite")
    if "sslmode" in url.query:
        url = url.difference_update_query(["sslmode"]).update_query_dict({"ssl": url.query["sslmode"]})
    return url.set(drivername="postgresql+asyncpg")


def sqlite_path(database_url: str) -> str:
    """The file of a SQLite DATABASE_URL (`sqlite:///relative.db`, `sqlite:////abs.db`, a bare path)."""
    url = engine_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise DatabaseError(f"{url.get_backend_name()} is not SQLite")
    return str(url.database)


# The execution option a query that writes through a data-modifying WITH (PostgreSQL) sets to the
# rows it writes: its cursor counts the rows it returns, so `Database.changes` is told this way.
WRITES_ROWS = "liftcoach_writes_rows"


@dataclass(eq=False)
class _Scope:
    """What one task holds: a unit of work (write begun lazily) or an explicit transaction."""

    task: asyncio.Task | None
    write: Connection | None = None
    # Run first in the write transaction on PostgreSQL (statement, parameters): see `unit_of_work`.
    lock_first: tuple[sa.Executable, dict[str, Any]] | None = None
    # A unit of work's bookkeeping, run when it commits (`write_at_commit`); None in a transaction.
    at_commit: list[tuple[sa.Executable, dict[str, Any]]] | None = None


# What the stores are handed: SQLite's connection offers the part of `AsyncConnection` they use.
Connection = AsyncConnection | SQLiteConnection


class Database:
    """The engines and the transaction rules above; open with `await Database.open(url)`."""

    def __init__(self, url: URL, writer: AsyncEngine | sa.Engine, reader: AsyncEngine | sa.Engine) -> None:
        self.url = url
        self.backend: str = url.get_backend_name()
        self.path = str(url.database) if self.backend == "sqlite" else None
        self._writer = writer
        self._reader = reader
        self._scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
            f"liftcoach_db_{id(self)}", default=None
        )
        # SQLite keeps its connections open (checking one out of SQLAlchemy's pool per statement
        # costs more than the statement): the writer behind a lock, the readers in a queue.
        self._write_lock = asyncio.Lock()
        self._write_connection: SQLiteConnection | None = None
        self._idle_readers: asyncio.Queue[SQLiteConnection] = asyncio.Queue()
        self._readers: list[SQLiteConnection] = []
        self._readers_opened = 0
        self._rows_changed = 0
        self._checkpointer: SQLiteConnection | None = None
        self._checkpoint_timer: asyncio.TimerHandle | None = None
        self._checkpoint_task: asyncio.Task | None = None
        self._committed_since_checkpoint = False
        self._checkpoint_failures = 0
        if isinstance(writer, AsyncEngine):
            event.listen(writer.sync_engine, "after_cursor_execute", self._count_changes)

    @classmethod
    async def open(cls, database_url: str, *, pool_size: int | None = None, existing: bool = False) -> Database:
        """Create the engines (connections open on first use). Raises DatabaseError for a bad URL.

        `pool_size`: connections in each of PostgreSQL's two pools (None: `POSTGRES_POOL`); ignored on SQLite.
        `existing`: a SQLite file that does not exist raises DatabaseError instead of being created
        (a backup or a health check of a mistyped path must not report an empty database).
        """
        url = engine_url(database_url)
        if url.get_backend_name() == "sqlite":
            path = Path(str(url.database))
            if existing and not path.exists():
                relative = "" if path.is_absolute() else f", a path read from {Path.cwd()}"
                raise DatabaseError(f"database file {path} does not exist (check DATABASE_URL{relative})")
            path.parent.mkdir(parents=True, exist_ok=True)
            # Transactions are ended explicitly, so the pool need not roll back on check-in.
            writer = sa.create_engine(url, poolclass=NullPool)
            reader = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            # An existing database the bot made is in WAL mode already; switching would rewrite a
            # file that is not Liftcoach's, which a health check must never do.
            _sqlite_setup(writer, begin="BEGIN IMMEDIATE", wal=not existing)
            _sqlite_setup(reader, begin=None, wal=not existing)
        else:
            size = pool_size or POSTGRES_POOL
            writer = create_async_engine(url, pool_size=size, max_overflow=0)
            reader = create_async_engine(url, pool_size=size, max_overflow=0, isolation_level="AUTOCOMMIT")
        return cls(url, writer, reader)

    @property
    def where(self) -> str:
        """The database for messages: the SQLite path, or the PostgreSQL URL without its password."""
        return self.path if self.path is not None else self.url.set(drivername="postgresql").render_as_string()

    async def close(self) -> None:
        if self._checkpoint_task is not None:
            await self._checkpoint_task  # it ends on its own, in the time one checkpoint takes
        if self._checkpoint_timer is not None:
            self._checkpoint_timer.cancel()
            self._checkpoint_timer = None
        connections = [*self._readers, *([self._write_connection] if self._write_connection else []),
                       *([self._checkpointer] if self._checkpointer else [])]
        self._readers, self._write_connection, self._checkpointer = [], None, None
        self._readers_opened = 0
        for connection in connections:
            await connection.close()
        for engine in (self._writer, self._reader):
            if isinstance(engine, AsyncEngine):
                await engine.dispose()
            else:
                engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- statements ----------------------------------------------------------------------

    def changes(self) -> int:
        """Rows inserted, updated or deleted through this database since it opened, on either backend.

        The difference across a command tells whether it stored anything (a conflict that inserts
        nothing counts 0). Other tasks' writes in between count too, which errs towards "stored";
        on SQLite so do the rows a statement's triggers change.
        """
        return self._rows_changed

    def _count_changes(self, connection, cursor, statement, parameters, context, executemany) -> None:
        if context is None:
            return
        if (context.isinsert or context.isupdate or context.isdelete) and cursor.rowcount > 0:
            self._note_changes(cursor.rowcount)
        elif WRITES_ROWS in context.execution_options:
            self._note_changes(context.execution_options[WRITES_ROWS])

    def _note_changes(self, count: int) -> None:
        self._rows_changed += count

    def insert(self, table: sa.Table) -> Any:
        """An INSERT with this dialect's `on_conflict_do_nothing` / `on_conflict_do_update` (same API on both)."""
        return (sqlite.insert if self.backend == "sqlite" else postgresql.insert)(table)

    # Reads take `parameters` for statements built once with `sa.bindparam` (building and keying
    # a statement costs more than running it on an indexed read).

    async def rows(self, statement: sa.Executable, parameters: dict[str, Any] | None = None) -> list[RowMapping]:
        async with self._reading() as connection:
            return list((await connection.execute(statement, parameters)).mappings())

    async def row(self, statement: sa.Executable, parameters: dict[str, Any] | None = None) -> RowMapping | None:
        async with self._reading() as connection:
            return (await connection.execute(statement, parameters)).mappings().first()

    async def tuples(self, statement: sa.Executable, parameters: dict[str, Any] | None = None) -> list[tuple]:
        """Every row as a plain tuple, in the statement's column order (cheaper than `rows` for many rows)."""
        async with self._reading() as connection:
            return [tuple(row) for row in await connection.execute(statement, parameters)]

    async def column(self, statement: sa.Executable, parameters: dict[str, Any] | None = None) -> list[Any]:
        """The first column of every row (no row objects: cheaper for a long list of one value)."""
        async with self._reading() as connection:
            return list((await connection.execute(statement, parameters)).scalars())

    async def scalar(self, statement: sa.Executable, parameters: dict[str, Any] | None = None) -> Any:
        async with self._reading() as connection:
            return (await connection.execute(statement, parameters)).scalar()

    async def write(
        self, statement: sa.Executable, parameters: Sequence[dict[str, Any]] | dict[str, Any] | None = None
    ) -> CursorResult | BufferedResult:
        """One statement (a non-empty list of parameter sets runs it for each) in the current transaction, or its own.

        A single statement is atomic by itself, so inside a transaction it needs no savepoint.
        """
        scope = self._current()
        if scope is not None:
            connection = await self._begin_write(scope)
            return await connection.execute(statement, parameters)
        async with self.transaction() as connection:
            return await connection.execute(statement, parameters)

    async def write_at_commit(self, statement: sa.Executable, parameters: dict[str, Any]) -> None:
        """Bookkeeping (one statement): inside a unit of work, run last in its write transaction when
        the unit commits, and dropped when it rolls back; elsewhere, run now like `write`.

        So a command that only records what Discord told it (a DM channel, a notice seen) does not
        open its write transaction at its start: on SQLite, one writer at a time would hold the
        writer, reads included, for the whole command while the others wait.
        """
        scope = self._current()
        if scope is not None and scope.at_commit is not None:
            scope.at_commit.append((statement, parameters))
        else:
            await self.write(statement, parameters)

    # -- transactions --------------------------------------------------------------------

    def _current(self) -> _Scope | None:
        scope = self._scope.get()
        # A task started inside a unit inherits the context variable, not the connection.
        if scope is not None and scope.task is asyncio.current_task():
            return scope
        return None

    def holds_connection(self) -> bool:
        """Whether the current task holds a connection of this database (for tests and assertions)."""
        scope = self._current()
        return scope is not None and scope.write is not None

    @asynccontextmanager
    async def unit_of_work(self, lock_first: tuple[sa.Executable, dict[str, Any]] | None = None) -> AsyncIterator[None]:
        """One command: reads on a read connection, one write transaction opened on the first write.

        `lock_first` (a statement and its parameters) runs first in that transaction on PostgreSQL:
        a `SELECT ... FOR UPDATE` of the row every write of the command locks anyway (the user's, which
        the plan-revision triggers update), so two commands of one user take their locks in the same
        order and never deadlock. SQLite has one writer at a time and needs none.
        """
        if self._current() is not None:
            yield
            return
        scope = _Scope(asyncio.current_task(), lock_first=lock_first if self.backend != "sqlite" else None,
                       at_commit=[])
        token = self._scope.set(scope)
        try:
            try:
                yield
                if scope.at_commit:
                    await self._begin_write(scope)  # the bookkeeping is written at commit
            except BaseException:
                await self._finish(scope, commit=False)
                raise
            await self._finish(scope, commit=True)
        finally:
            self._scope.reset(token)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A write transaction, committed at the end and rolled back on any error; nested -> SAVEPOINT."""
        scope = self._current()
        if scope is not None and scope.write is not None:
            async with scope.write.begin_nested():
                yield scope.write
            return
        if scope is not None:
            # This block opens the unit's write transaction: rolling all of it back on failure is
            # what a savepoint would do, without two more statements while the writer is held.
            connection = await self._begin_write(scope)
            try:
                yield connection
            except BaseException:
                await self._finish_write(scope, commit=False)
                raise
            return
        scope = _Scope(asyncio.current_task())
        token = self._scope.set(scope)
        try:
            connection = await self._begin_write(scope)
            try:
                yield connection
            except BaseException:
                await self._finish(scope, commit=False)
                raise
            await self._finish(scope, commit=True)
        finally:
            self._scope.reset(token)

    async def _begin_write(self, scope: _Scope) -> Connection:
        if scope.write is not None:
            return scope.write
        # From now on this task reads through its write transaction (and sees its own writes).
        connection = await self._acquire_writer()
        try:
            await connection.begin()
            if scope.lock_first is not None:
                await connection.execute(*scope.lock_first)
        except BaseException:
            await self._release_writer(connection, broken=True)
            raise
        scope.write = connection
        return connection

    async def _finish(self, scope: _Scope, *, commit: bool) -> None:
        await self._finish_write(scope, commit=commit)

    async def _finish_write(self, scope: _Scope, *, commit: bool) -> None:
        write, scope.write = scope.write, None
        if write is None:
            return
        broken = True
        try:
            if commit:
                try:
                    await _commit(write, scope.at_commit or ())
                except Exception:
                    await write.rollback()
                    broken = False
                    raise
                self._checkpoint_soon()
            else:
                await write.rollback()
            broken = False
        finally:
            await self._release_writer(write, broken=broken)

    def _checkpoint_soon(self) -> None:
        """On SQLite, copy what the WAL holds into the database file `SQLITE_CHECKPOINT_DELAY` from now,
        on a connection of its own, unless one is already due; one running now is followed by another.

        The writer never checkpoints (`wal_autocheckpoint = 0`): SQLite's automatic checkpoint runs
        inside the commit that takes the WAL past 1,000 pages, and held the one writer for ~20 ms
        (once per ~150 `/log`s, measured in bursts of 50) while every other write waited. A PASSIVE
        checkpoint blocks neither the writer nor the readers, as SQLite's documentation suggests for
        application-initiated checkpoints (https://www.sqlite.org/wal.html#ckpt).
        """
        if self.backend != "sqlite":
            return
        self._committed_since_checkpoint = True
        if self._checkpoint_timer is None and self._checkpoint_task is None:
            self._checkpoint_timer = asyncio.get_running_loop().call_later(
                SQLITE_CHECKPOINT_DELAY, self._start_checkpoint)

    def _start_checkpoint(self) -> None:
        self._checkpoint_timer = None
        self._committed_since_checkpoint = False
        self._checkpoint_task = asyncio.create_task(self._checkpoint(), name="sqlite-checkpoint")

    async def _checkpoint(self) -> None:
        try:
            await self._checkpoint_wal()
        except Exception:
            # The next commit schedules another; until then the WAL only grows. A busy bot commits
            # every second, so a lasting failure is logged once, and again when it ends.
            self._checkpoint_failures += 1
            if self._checkpoint_failures == 1:
                log.exception("checkpointing the SQLite WAL of %s failed (retried after each commit)", self.where)
            await self._drop_checkpointer()  # a broken connection would fail every retry
        else:
            if self._checkpoint_failures:
                log.warning("checkpointing the SQLite WAL of %s works again, after %d failed attempts",
                            self.where, self._checkpoint_failures)
            self._checkpoint_failures = 0
        finally:
            self._checkpoint_task = None
            if self._committed_since_checkpoint:  # commits while it ran may have missed it
                self._checkpoint_soon()

    async def _checkpoint_wal(self) -> None:
        if self._checkpointer is None:
            self._checkpointer = await self._connect(self._reader)
        passive = await self._checkpointer.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        _, frames, _ = passive.one()
        if frames > SQLITE_WAL_LIMIT_FRAMES:
            # Waits for the writer to finish its transaction (busy_timeout), copies the few frames
            # the passive one left and empties the WAL; the writer waits meanwhile.
            await self._checkpointer.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def _drop_checkpointer(self) -> None:
        checkpointer, self._checkpointer = self._checkpointer, None
        if checkpointer is not None:
            with suppress(Exception):  # closing what just failed may fail too
                await checkpointer.close()

    async def _connect(self, engine: AsyncEngine | sa.Engine,
                       rows_changed: Callable[[int], None] | None = None) -> Connection:
        try:
            if isinstance(engine, sa.Engine):
                return await SQLiteConnection.open(engine, rows_changed)
            return await engine.connect()
        except (OSError, sa.exc.DBAPIError) as error:
            # The driver's own words ('database "x" does not exist'), without SQLAlchemy's wrapping.
            reason = error.orig if isinstance(error, sa.exc.DBAPIError) and error.orig is not None else error
            raise DatabaseError(f"cannot connect to the database {self.where}: {reason}") from error

    async def _acquire_writer(self) -> Connection:
        if self.backend != "sqlite":
            return await self._connect(self._writer)
        await self._write_lock.acquire()
        try:
            if self._write_connection is None:
                self._write_connection = await self._connect(self._writer, rows_changed=self._note_changes)
        except BaseException:
            self._write_lock.release()
            raise
        return self._write_connection

    async def _release_writer(self, connection: Connection, *, broken: bool = False) -> None:
        if self.backend != "sqlite":
            await connection.close()
            return
        try:
            if broken:
                # Cancelled or failed mid-transaction: start over with a fresh connection.
                self._write_connection = None
                await connection.close()
        finally:
            self._write_lock.release()

    async def _acquire_reader(self) -> Connection:
        if self.backend != "sqlite":
            return await self._connect(self._reader)
        if self._idle_readers.empty() and self._readers_opened < SQLITE_READERS:
            # Counted before the await: a burst must not see the pool unfilled fifty times over.
            self._readers_opened += 1
            try:
                connection = await self._connect(self._reader)
            except BaseException:
                self._readers_opened -= 1
                raise
            self._readers.append(connection)
            return connection
        return await self._idle_readers.get()

    async def _release_reader(self, connection: Connection) -> None:
        if self.backend != "sqlite":
            await connection.close()
        elif connection in self._readers:
            self._idle_readers.put_nowait(connection)

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[Connection]:
        scope = self._current()
        if scope is not None and scope.write is not None:
            yield scope.write
            return
        connection = await self._acquire_reader()
        try:
            yield connection
        finally:
            await self._release_reader(connection)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Connection]:
        """A connection outside the transaction rules, for migrations and tests (SQLite: the writer, locked).

        Whatever the caller leaves uncommitted is rolled back.
        """
        connection = await self._acquire_writer()
        broken = True
        try:
            yield connection
            await connection.rollback()
            broken = False
        finally:
            await self._release_writer(connection, broken=broken)
        self._checkpoint_soon()  # what the caller committed (migrations) goes to the file too

    # -- migrations and backups ------------------------------------------------------------

    async def version(self) -> str | None:
        """The applied Alembic revision; None for an empty database (a Liftcoach 0.1 SQLite database:
        the revision its schema matches, stamped by the next `migrate()`)."""
        from bot.store.migrate import current_revision

        return await current_revision(self)

    async def pending_migrations(self) -> list[str]:
        """Revisions `migrate()` would apply; DatabaseError if the database is newer than this code."""
        from bot.store.migrate import migrate

        return await migrate(self, dry_run=True)

    async def migrate(self) -> list[str]:
        """Apply every pending revision, each in its own transaction; returns what was applied.

        A database already at the newest revision is recognised with one SELECT, without loading
        Alembic (about 12 MiB of modules a running bot would keep for nothing).
        """
        if await self._at_newest_revision():
            return []
        from bot.store.migrate import migrate

        return await migrate(self, dry_run=False)

    async def _at_newest_revision(self) -> bool:
        async with self.connect() as connection:
            try:
                applied = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).scalars().all()
            except sa.exc.DBAPIError:
                return False  # no alembic_version yet: a new (or a Liftcoach 0.1) database
        return applied == [newest_revision()]

    async def check_integrity(self) -> None:
        """Refuse a damaged SQLite file before anything writes to it: DatabaseError naming the remedy.

        Runs SQLite's `PRAGMA quick_check` (the structural checks of `integrity_check` without
        cross-checking every index against its table, so it stays fast on a large log). A missing
        file is fine (it is about to be created); PostgreSQL checks its own pages.
        """
        if self.path is None or not Path(self.path).exists():
            return
        problem = await asyncio.to_thread(_sqlite_quick_check, self.path)
        if problem is not None:
            raise DatabaseError(
                f"the database {self.path} is damaged (SQLite quick_check: {problem}). Liftcoach will not "
                "start on it, so nothing more is lost. Stop the bot, move the damaged file (and any -wal and -shm "
                "files beside it) aside, and copy in your latest backup written by `python -m bot backup FILE` "
                "(deploy/backup.sh runs it daily); or try `sqlite3 DAMAGED .recover | sqlite3 NEW` to salvage rows."
            )

    async def backup(self, destination: Path) -> None:
        """A consistent copy while the bot runs: SQLite's backup API, or `pg_dump --format=custom`.

        Restore PostgreSQL with `pg_restore --clean --dbname=URL FILE`. Raises DatabaseError when
        `pg_dump` is missing or fails.
        """
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            # Written beside it and moved into place: a failed run never spoils an earlier copy,
            # and the copy is its owner's only from the start (it holds every lifter's log).
            descriptor, partial = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
            os.close(descriptor)
        except OSError as error:
            raise DatabaseError(f"cannot write the backup to {destination}: {error}") from error
        try:
            if self.path is not None:
                await asyncio.to_thread(_sqlite_backup, self.path, Path(partial))
            else:
                await _pg_dump(self.url, Path(partial))
            os.replace(partial, destination)
        except (OSError, sqlite3.Error) as error:
            raise DatabaseError(f"cannot write the backup to {destination}: {error}") from error
        finally:
            with suppress(FileNotFoundError):
                os.unlink(partial)


async def _commit(connection: Connection, last: Sequence[tuple[sa.Executable, dict[str, Any]]]) -> None:
    """Run `last` (a unit's bookkeeping), then commit: on SQLite in one hand-off to its thread."""
    if isinstance(connection, SQLiteConnection):
        await connection.commit(last)
        return
    for statement, parameters in last:
        await connection.execute(statement, parameters)
    await connection.commit()


def newest_revision() -> str:
    """The id of the newest Alembic revision in `migrations/versions/`, read without importing Alembic.

    Revision ids are their files' stems, numbered in order (`0006_safety`), and a test holds this
    equal to Alembic's own head.
    """
    return max(path.stem for path in REVISIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _sqlite_setup(engine: sa.Engine, *, begin: str | None, wal: bool = True) -> None:
    """Pragmas on every new connection; `begin`: how the writer starts its transactions; `wal`:
    put the database in WAL mode (persistent: it rewrites the file's header)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        # We issue BEGIN ourselves (below); sqlite3's implicit BEGIN would defeat savepoints.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("PRAGMA journal_mode = WAL", *_SQLITE_PRAGMAS) if wal else _SQLITE_PRAGMAS:
            cursor.execute(pragma)
        if begin is None:
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("PRAGMA wal_autocheckpoint = 0")  # `Database._checkpoint_soon` checkpoints
        cursor.close()

    if begin is not None:
        @event.listens_for(engine, "begin")
        def _on_begin(connection: sa.Connection) -> None:
            connection.exec_driver_sql(begin)


def _sqlite_quick_check(path: str) -> str | None:
    """None when SQLite's quick_check passes, else its first complaint."""
    try:
        connection = sqlite3.connect(path)
        try:
            first = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:  # "file is not a database", "database disk image is malformed"
        return str(error)
    return None if first == "ok" else first.splitlines()[-1]


def _sqlite_backup(source: str, destination: Path) -> None:
    with sqlite3.connect(source) as origin, sqlite3.connect(destination) as target:
        origin.backup(target)
    origin.close()
    target.close()


async def _pg_dump(url: URL, destination: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise DatabaseError("backup of a PostgreSQL database needs pg_dump (Debian: apt-get install postgresql-client)")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)  # not on the command line, where `ps` would show it
    if isinstance(url.query.get("ssl"), str):
        env["PGSSLMODE"] = url.query["ssl"]  # asyncpg's modes are libpq's
    arguments = [pg_dump, "--format=custom", f"--file={destination}", f"--dbname={url.database}"]
    for flag, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value is not None:
            arguments.append(f"{flag}={value}")
    process = await asyncio.create_subprocess_exec(
        *arguments, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        raise DatabaseError(f"pg_dump failed ({process.returncode}): {errors.decode(errors='replace').strip()}")
