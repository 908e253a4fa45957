"""A SQLite connection on a thread of its own, used from asyncio: one hand-off per statement.

SQLAlchemy's async adapter over aiosqlite hands each statement to aiosqlite's thread three or four
times (cursor, execute, fetch, close), and every hand-off costs the event loop a wake-up. Here a
statement runs in SQLAlchemy's synchronous Core (the `pysqlite` dialect) on the connection's own
thread (sqlite3 objects stay on the thread that made them) and comes back fully fetched: one
hand-off. A transaction's BEGIN goes with its first statement, and its COMMIT with the statements
left for the end (`commit(last)`), so they add none. A `/log` went from 23 hand-offs to 4 and `/help`
from 8 to 2, and SQLite's one writer is held that much less during a burst (docs/performance.md,
"One hand-off per statement").

`SQLiteConnection` offers the part of `AsyncConnection` the stores use: `execute`, `scalar`,
`exec_driver_sql`, `run_sync`, `begin`, `begin_nested`, `commit`, `rollback`, `close`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult, Result

T = TypeVar("T")


class BufferedResult:
    """A statement's result, fetched in full on the connection's thread.

    Row access (`all`, `first`, `mappings`, `scalar`, `scalars`, iteration...) is SQLAlchemy's own
    `Result` over the fetched rows; `rowcount` and `inserted_primary_key` were read on the
    connection's thread, once the rows were fetched. A statement that returns no rows raises
    `ResourceClosedError` on row access, as SQLAlchemy does.
    """

    __slots__ = ("_rows", "rowcount", "_inserted_primary_key")

    def __init__(self, result: CursorResult) -> None:
        context = result.context
        self._rows: Result | None = None
        self.rowcount: int = result.rowcount
        if result.returns_rows:
            frozen = result.freeze()
            self._rows = frozen()
            if context.isinsert or context.isupdate or context.isdelete:
                # RETURNING gives one row per row changed; SQLAlchemy read the cursor's count before
                # the fetch, when sqlite3 has counted none yet.
                self.rowcount = len(frozen.data)
        self._inserted_primary_key = None
        if context.isinsert:
            try:
                self._inserted_primary_key = result.inserted_primary_key
            except sa.exc.InvalidRequestError:
                pass  # several rows, or a RETURNING clause: SQLAlchemy refuses it, and so does this

    @property
    def inserted_primary_key(self) -> Any:
        if self._inserted_primary_key is None:
            raise sa.exc.InvalidRequestError("inserted_primary_key needs a single-row INSERT without RETURNING")
        return self._inserted_primary_key

    def _result(self) -> Result:
        if self._rows is None:
            raise sa.exc.ResourceClosedError("This result object does not return rows.")
        return self._rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result(), name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._result())


class _Savepoint:
    """`begin_nested()`: awaited, or used as `async with` (released on success, rolled back on error)."""

    def __init__(self, connection: SQLiteConnection) -> None:
        self._connection = connection
        self._transaction: sa.NestedTransaction | None = None

    def __await__(self):
        return self._start().__await__()

    async def _start(self) -> _Savepoint:
        self._transaction = await self._connection.call(lambda sync: sync.begin_nested())
        return self

    async def commit(self) -> None:
        await self._connection.call(lambda _: self._transaction.commit())

    async def rollback(self) -> None:
        await self._connection.call(lambda _: self._transaction.rollback())

    async def __aenter__(self) -> _Savepoint:
        return await self._start()

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            await self.commit()
        else:
            await self.rollback()


class SQLiteConnection:
    """One synchronous SQLAlchemy connection, driven from asyncio through its own thread.

    Open with `await SQLiteConnection.open(engine)`; `close()` closes it and ends the thread.
    Not for concurrent use: the database hands each connection to one task at a time.
    """

    def __init__(self, executor: ThreadPoolExecutor, connection: sa.Connection,
                 rows_changed: Callable[[int], None] | None) -> None:
        self._executor = executor
        self._connection = connection
        self._rows_changed = rows_changed
        # `begin()` was called and its BEGIN not sent yet: it goes with the next hand-off.
        self._begin_pending = False

    @classmethod
    async def open(cls, engine: sa.Engine, rows_changed: Callable[[int], None] | None = None) -> SQLiteConnection:
        """`rows_changed(count)` is called (on the connection's thread) after each hand-off that
        inserted, updated or deleted rows, triggers' rows included (SQLite's `total_changes`), so
        `run_sync` and the statements of `commit` count too. Raises what connecting raises
        (`sqlalchemy.exc.OperationalError` for an unusable file)."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        try:
            connection = await asyncio.get_running_loop().run_in_executor(executor, engine.connect)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(executor, connection, rows_changed)

    async def call(self, function: Callable[[sa.Connection], T]) -> T:
        """`function(connection)` on the connection's thread: one hand-off (a pending BEGIN first)."""
        begin, self._begin_pending = self._begin_pending, False
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, function, begin)

    def _run(self, function: Callable[[sa.Connection], T], begin: bool) -> T:
        sync = self._connection
        sqlite = sync.connection.dbapi_connection
        before = sqlite.total_changes
        try:
            if begin:
                sync.begin()
            return function(sync)
        finally:
            if self._rows_changed is not None and (changed := sqlite.total_changes - before):
                self._rows_changed(changed)

    async def execute(self, statement: sa.Executable, parameters: Any = None) -> BufferedResult:
        return await self.call(lambda sync: BufferedResult(sync.execute(statement, parameters)))

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> BufferedResult:
        return await self.call(lambda sync: BufferedResult(sync.exec_driver_sql(statement, parameters)))

    async def scalar(self, statement: sa.Executable, parameters: Any = None) -> Any:
        return (await self.execute(statement, parameters)).scalar()

    async def run_sync(self, function: Callable[..., T], *arguments: Any) -> T:
        return await self.call(lambda sync: function(sync, *arguments))

    async def begin(self) -> None:
        """Start a transaction. Its BEGIN is sent with the next statement, in the same hand-off, so
        an error in beginning (SQLite busy past its timeout) is raised by that statement."""
        self._begin_pending = True

    def begin_nested(self) -> _Savepoint:
        return _Savepoint(self)

    async def commit(self, last: Sequence[tuple[sa.Executable, dict[str, Any]]] = ()) -> None:
        """Run `last` (statements and their parameters), then COMMIT, in one hand-off.

        Raises what a statement or the COMMIT raises, leaving the transaction for the caller to
        roll back, as SQLAlchemy's `commit` does.
        """
        if self._begin_pending and not last:
            self._begin_pending = False  # nothing ran: nothing to commit
            return

        def run_and_commit(sync: sa.Connection) -> None:
            for statement, parameters in last:
                sync.execute(statement, parameters)
            sync.commit()

        await self.call(run_and_commit)

    async def rollback(self) -> None:
        if self._begin_pending:
            self._begin_pending = False
            return
        await self.call(lambda sync: sync.rollback())

    async def close(self) -> None:
        self._begin_pending = False
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._connection.close)
        finally:
            self._executor.shutdown(wait=False)
