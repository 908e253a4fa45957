"""Imports: the file being previewed, confirmed batches, and the user's remembered exercise names."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from bot.coach.vocabulary import Unit
from bot.store.database import Database
from bot.store.training_log import new_action_id


@dataclass(frozen=True)
class PendingImport:
    filename: str
    source: str
    unit: Unit | None
    data: bytes
    choices: dict[str, str] = field(default_factory=dict)  # normalised name -> exercise key


@dataclass(frozen=True)
class ImportedRow:
    """One set ready to store: `import_key` identifies it across re-imports of the same history."""

    import_key: str
    exercise: str
    weight_kg: float
    entered_unit: Unit
    reps: int
    kind: str
    rpe: float | None
    note: str | None
    logged_at: datetime


@dataclass(frozen=True)
class Batch:
    filename: str
    sets_added: int
    created_at: datetime


class ImportStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save_pending(self, user_id: int, pending: PendingImport, now: datetime) -> None:
        """Replace whatever this user was previewing."""
        await self.db.write(
            "INSERT INTO pending_imports (user_id, filename, source, unit, data, choices, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET filename = excluded.filename, "
            "source = excluded.source, unit = excluded.unit, data = excluded.data, choices = excluded.choices, "
            "created_at = excluded.created_at",
            (user_id, pending.filename, pending.source, pending.unit.value if pending.unit else None, pending.data,
             json.dumps(pending.choices), now.isoformat()),
        )

    async def pending(self, user_id: int) -> PendingImport | None:
        async with self.db.connection.execute(
            "SELECT filename, source, unit, data, choices FROM pending_imports WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return PendingImport(row["filename"], row["source"], Unit(row["unit"]) if row["unit"] else None,
                             bytes(row["data"]), json.loads(row["choices"]))

    async def update_pending(self, user_id: int, *, unit: Unit | None = None,
                             choices: dict[str, str] | None = None) -> None:
        if unit is not None:
            await self.db.write("UPDATE pending_imports SET unit = ? WHERE user_id = ?", (unit.value, user_id))
        if choices is not None:
            await self.db.write("UPDATE pending_imports SET choices = ? WHERE user_id = ?",
                                (json.dumps(choices), user_id))

    async def drop_pending(self, user_id: int) -> bool:
        cursor = await self.db.write("DELETE FROM pending_imports WHERE user_id = ?", (user_id,))
        return cursor.rowcount > 0

    async def batch(self, user_id: int, content_hash: str) -> Batch | None:
        """The earlier import of exactly this file, if any."""
        async with self.db.connection.execute(
            "SELECT filename, sets_added, created_at FROM import_batches WHERE user_id = ? AND content_hash = ?",
            (user_id, content_hash),
        ) as cursor:
            row = await cursor.fetchone()
        return Batch(row["filename"], row["sets_added"], datetime.fromisoformat(row["created_at"])) if row else None

    async def mappings(self, user_id: int) -> dict[str, str]:
        async with self.db.connection.execute(
            "SELECT name, exercise FROM exercise_name_mappings WHERE user_id = ?", (user_id,)
        ) as cursor:
            return {row["name"]: row["exercise"] for row in await cursor.fetchall()}

    async def commit(
        self, user_id: int, rows: list[ImportedRow], *, content_hash: str, filename: str, source: str,
        mappings: dict[str, str], now: datetime,
    ) -> int:
        """Store a confirmed import in one transaction; returns how many sets were new.

        A set whose `import_key` is already in the log (an overlapping export) is left alone.
        """
        action_id = new_action_id()
        async with self.db.transaction() as connection:
            before = connection.total_changes
            await connection.executemany(
                "INSERT INTO set_logs (user_id, exercise, weight_kg, entered_unit, reps, sets, rpe, note, kind, "
                "action_id, import_key, logged_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (user_id, import_key) WHERE import_key IS NOT NULL DO NOTHING",
                [
                    (user_id, row.exercise, row.weight_kg, row.entered_unit.value, row.reps, row.rpe, row.note,
                     row.kind, action_id, row.import_key, row.logged_at.isoformat())
                    for row in rows
                ],
            )
            added = connection.total_changes - before
            await connection.execute(
                "INSERT INTO import_batches (user_id, action_id, content_hash, filename, source, sets_added, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (user_id, action_id, content_hash, filename, source, added, now.isoformat()),
            )
            await connection.executemany(
                "INSERT INTO exercise_name_mappings (user_id, name, exercise, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user_id, name) DO UPDATE SET exercise = excluded.exercise, "
                "updated_at = excluded.updated_at",
                [(user_id, name, key, now.isoformat()) for name, key in mappings.items()],
            )
            await connection.execute("DELETE FROM pending_imports WHERE user_id = ?", (user_id,))
        return added
