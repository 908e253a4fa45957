"""Alembic, run from code: one migration history for SQLite and PostgreSQL.

The revisions live in `migrations/versions/` (package data, so an installed Liftcoach migrates
without an alembic.ini); the applied revision lives in the database (`alembic_version`). Each
revision commits together with its version bump.

Refused: a database whose revision this code does not know (made by a newer Liftcoach), which
raises DatabaseError before anything changes.

Upgrading a SQLite database made before Alembic (Liftcoach 0.1, schema version in
`PRAGMA user_version`, 1 to 3): the three `.sql` migrations it applied are the revisions
`0001_initial`, `0002_reminders` and `0003_custom_exercises`, so it is stamped at the matching
revision and upgraded from there, data untouched. Afterwards `user_version` is set to
`ALEMBIC_USER_VERSION`, which Liftcoach 0.1 refuses as "newer than the code".
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa

# Alembic narrates every step at INFO, from import on; what was applied is logged below instead.
logging.getLogger("alembic").setLevel(logging.WARNING)

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from alembic.util.exc import CommandError  # noqa: E402

from bot.store.database import Database, DatabaseError  # noqa: E402

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The `.sql` versions of Liftcoach 0.1 and the revisions that reproduce them.
LEGACY_REVISIONS = {1: "0001_initial", 2: "0002_reminders", 3: "0003_custom_exercises"}
ALEMBIC_USER_VERSION = 1000
# Several processes starting at once against one PostgreSQL: one migrates, the others wait.
_PG_MIGRATION_LOCK = 0x4C696674  # "Lift"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision this code knows."""
    revision = script_directory().get_current_head()
    assert revision is not None
    return revision


async def current_revision(db: Database) -> str | None:
    async with db.connect() as connection:
        return (await connection.run_sync(_state, db.where))[0]


async def migrate(db: Database, *, dry_run: bool) -> list[str]:
    """Pending revisions, oldest first; applied unless `dry_run`. DatabaseError if the database is too new."""
    async with db.connect() as connection:
        return await connection.run_sync(_migrate, db.where, dry_run)


def _migrate(connection: sa.Connection, where: str, dry_run: bool) -> list[str]:
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    try:
        current, legacy = _state(connection, where)
        connection.commit()
        script = script_directory()
        pending = _pending(script, current, where)
        if dry_run or not pending and legacy is None:
            return pending
        config = alembic_config(connection)
        if legacy is not None:
            log.info("stamping the Liftcoach 0.1 database %s (schema version %d) at %s", where, legacy, current)
            command.stamp(config, current)
            connection.commit()
        for revision in pending:
            command.upgrade(config, revision)
            connection.commit()
            log.info("applied migration %s", revision)
        if not postgres:
            connection.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_USER_VERSION:d}")
            connection.commit()
        return pending
    finally:
        if postgres:
            connection.rollback()
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATION_LOCK})
            connection.commit()


def _state(connection: sa.Connection, where: str) -> tuple[str | None, int | None]:
    """(current revision, the 0.1 schema version when the database predates Alembic, else None)."""
    current = MigrationContext.configure(connection).get_current_revision()
    if current is not None or connection.dialect.name != "sqlite":
        return current, None
    version = connection.exec_driver_sql("PRAGMA user_version").scalar()
    if not version:
        return None, None
    if version not in LEGACY_REVISIONS:
        raise DatabaseError(
            f"the database {where} is at schema version {version}, but this Liftcoach only knows up to "
            f"{max(LEGACY_REVISIONS)} without Alembic: upgrade Liftcoach or restore a backup"
        )
    return LEGACY_REVISIONS[version], version


def _pending(script: ScriptDirectory, current: str | None, where: str) -> list[str]:
    try:
        if current is not None:
            script.get_revision(current)
        revisions = list(script.iterate_revisions("heads", current or "base"))
    except CommandError:
        raise DatabaseError(
            f"the database {where} is at schema revision {current!r}, which this Liftcoach does not know "
            f"(its newest is {head()!r}): upgrade Liftcoach or restore a backup"
        ) from None
    return [revision.revision for revision in reversed(revisions) if revision.revision != current]
