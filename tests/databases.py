"""Test databases on both backends: a SQLite file, or a fresh PostgreSQL database per test.

PostgreSQL runs when `LIFTCOACH_TEST_POSTGRES_URL` names a server where the user may
CREATE DATABASE (`.ci/run` starts a throw-away one). Each test gets its own database, copied
from a template migrated once per session (CREATE DATABASE ... TEMPLATE is much faster than
migrating each one); it is dropped after the test.

The admin work runs on a thread with its own event loop, so sync and async fixtures of any scope
can use it without touching the test's loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

POSTGRES_ENV = "LIFTCOACH_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")
POSTGRES_SKIP = (
    f"PostgreSQL half skipped: {POSTGRES_ENV} is not set. To run it, set {POSTGRES_ENV} to a server where "
    "the user may CREATE DATABASE (e.g. postgresql://postgres@127.0.0.1:5432/postgres), or run .ci/run, "
    "which starts a throw-away one"
)

_names = itertools.count()
_template: str | None = None


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _run(coroutine: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine()).result()


def _url_for(database: str) -> str:
    admin = postgres_admin_url()
    assert admin is not None
    return make_url(admin).set(database=database).render_as_string(hide_password=False)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(*statements: str) -> None:
    admin = postgres_admin_url()
    assert admin is not None
    connection = await asyncpg.connect(_asyncpg_dsn(admin))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _ensure_template() -> str:
    """A migrated database to copy; made once per session (per process)."""
    global _template
    if _template is None:
        from bot.store.database import Database

        name = f"liftcoach_template_{os.getpid()}"

        async def make() -> None:
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
            async with await Database.open(_url_for(name)) as db:
                await db.migrate()

        _run(make)
        _template = name
    return _template


def drop_template() -> None:
    global _template
    if _template is not None:
        name, _template = _template, None
        _run(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def postgres_database(*, migrated: bool = True) -> Iterator[str]:
    """A new PostgreSQL database for one test (migrated, or empty), dropped afterwards; yields its URL."""
    template = _ensure_template() if migrated else "template0"
    name = f"liftcoach_test_{os.getpid()}_{next(_names)}"
    _run(lambda: _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))
    try:
        yield _url_for(name)
    finally:
        _run(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def database_url_for(backend: str, folder: Path, *, migrated: bool = True) -> Iterator[str]:
    """A database URL of `backend`; SQLite's is a file in `folder`, created (and migrated) on first use."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'liftcoach.db'}"
        return
    with postgres_database(migrated=migrated) as url:
        yield url
