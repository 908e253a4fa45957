"""Everything the database holds about one user, table by table: what /export sends and /forget removes.

A table is about a user when it has a `user_id` column; `schema.py` gives every such table a
foreign key to `users` with ON DELETE CASCADE, so deleting the `users` row removes them all.
Reading through `metadata` (not a hand-kept list) means a table added later is exported too.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bot.store.database import Database
from bot.store.schema import metadata, users


def per_user_tables() -> list[sa.Table]:
    """Every table with a `user_id` column, `users` first, the rest by name."""
    tables = [table for table in metadata.sorted_tables if "user_id" in table.c]
    return sorted(tables, key=lambda table: (table is not users, table.name))


class PersonalData:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def rows_about(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Table name -> that user's rows (column -> value), each table in primary-key order."""
        found: dict[str, list[dict[str, Any]]] = {}
        for table in per_user_tables():
            query = sa.select(table).where(table.c.user_id == user_id).order_by(*table.primary_key.columns)
            found[table.name] = [dict(row) for row in await self.db.rows(query)]
        return found
