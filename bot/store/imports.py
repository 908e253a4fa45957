"""Imports: the file being previewed, confirmed batches, and the user's remembered exercise names."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from bot.coach.vocabulary import Unit
from bot.store.database import Database
from bot.store.schema import exercise_name_mappings, import_batches, pending_imports, set_logs
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
        values = {"filename": pending.filename, "source": pending.source,
                  "unit": pending.unit.value if pending.unit else None, "data": pending.data,
                  "choices": json.dumps(pending.choices), "created_at": now.isoformat()}
        await self.db.write(
            self.db.insert(pending_imports).values(user_id=user_id, **values)
            .on_conflict_do_update(index_elements=[pending_imports.c.user_id], set_=values)
        )

    async def pending(self, user_id: int) -> PendingImport | None:
        row = await self.db.row(sa.select(pending_imports).where(pending_imports.c.user_id == user_id))
        if row is None:
            return None
        return PendingImport(row["filename"], row["source"], Unit(row["unit"]) if row["unit"] else None,
                             bytes(row["data"]), json.loads(row["choices"]))

    async def update_pending(self, user_id: int, *, unit: Unit | None = None,
                             choices: dict[str, str] | None = None) -> None:
        values: dict[str, str] = {}
        if unit is not None:
            values["unit"] = unit.value
        if choices is not None:
            values["choices"] = json.dumps(choices)
        if values:
            await self.db.write(sa.update(pending_imports).where(pending_imports.c.user_id == user_id).values(**values))

    async def drop_pending(self, user_id: int) -> bool:
        result = await self.db.write(sa.delete(pending_imports).where(pending_imports.c.user_id == user_id))
        return result.rowcount > 0

    async def batch(self, user_id: int, content_hash: str) -> Batch | None:
        """The earlier import of exactly this file, if any."""
        row = await self.db.row(
            sa.select(import_batches.c.filename, import_batches.c.sets_added, import_batches.c.created_at)
            .where(import_batches.c.user_id == user_id, import_batches.c.content_hash == content_hash)
        )
        return Batch(row["filename"], row["sets_added"], datetime.fromisoformat(row["created_at"])) if row else None

    async def mappings(self, user_id: int) -> dict[str, str]:
        rows = await self.db.rows(
            sa.select(exercise_name_mappings.c.name, exercise_name_mappings.c.exercise)
            .where(exercise_name_mappings.c.user_id == user_id)
        )
        return {row["name"]: row["exercise"] for row in rows}

    async def commit(
        self, user_id: int, rows: list[ImportedRow], *, content_hash: str, filename: str, source: str,
        mappings: dict[str, str], now: datetime,
    ) -> int:
        """Store a confirmed import in one transaction; returns how many sets were new.

        A set whose `import_key` is already in the log (an overlapping export) is left alone.
        """
        action_id = new_action_id()
        async with self.db.transaction() as connection:
            await connection.execute(
                self.db.insert(set_logs).on_conflict_do_nothing(
                    index_elements=[set_logs.c.user_id, set_logs.c.import_key],
                    index_where=set_logs.c.import_key.is_not(None),
                ),
                [
                    {"user_id": user_id, "exercise": row.exercise, "weight_kg": row.weight_kg,
                     "entered_unit": row.entered_unit.value, "reps": row.reps, "sets": 1, "rpe": row.rpe,
                     "note": row.note, "kind": row.kind, "action_id": action_id, "import_key": row.import_key,
                     "logged_at": row.logged_at.isoformat()}
                    for row in rows
                ],
            )
            added = (await connection.execute(
                sa.select(sa.func.count()).select_from(set_logs)
                .where(set_logs.c.user_id == user_id, set_logs.c.action_id == action_id)
            )).scalar_one()
            await connection.execute(sa.insert(import_batches).values(
                user_id=user_id, action_id=action_id, content_hash=content_hash, filename=filename, source=source,
                sets_added=added, created_at=now.isoformat(),
            ))
            if mappings:
                statement = self.db.insert(exercise_name_mappings)
                await connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[exercise_name_mappings.c.user_id, exercise_name_mappings.c.name],
                        set_={"exercise": statement.excluded.exercise, "updated_at": statement.excluded.updated_at},
                    ),
                    [{"user_id": user_id, "name": name, "exercise": key, "updated_at": now.isoformat()}
                     for name, key in mappings.items()],
                )
            await connection.execute(sa.delete(pending_imports).where(pending_imports.c.user_id == user_id))
        return added
