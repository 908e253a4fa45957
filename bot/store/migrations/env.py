"""Alembic environment, driven programmatically by `bot.store.migrate` (no alembic.ini needed).

The caller passes an open synchronous connection in `config.attributes["connection"]`; each
revision commits together with its version bump (`transaction_per_migration`), so a failing step
leaves the database at the previous revision.
"""

from __future__ import annotations

from alembic import context

from bot.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    transaction_per_migration=True,
    # SQLite can roll back DDL too; Alembic assumes it cannot unless told.
    transactional_ddl=True,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
