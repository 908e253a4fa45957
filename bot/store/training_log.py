"""The training log: what each user lifted. Every query is scoped to one user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from bot.coach.vocabulary import Unit
from bot.store.database import Database


@dataclass(frozen=True)
class NewEntry:
    exercise: str
    weight_kg: float
    entered_unit: Unit
    reps: int
    sets: int = 1
    rpe: float | None = None
    note: str | None = None
    target_low: int | None = None
    target_high: int | None = None
    prescribed_sets: int | None = None
    # "work", "warmup", "failure" or "drop" (imports); warm-ups never count as work.
    kind: str = "work"


@dataclass(frozen=True)
class LogEntry(NewEntry):
    log_id: int = 0
    user_id: int = 0
    logged_at: datetime = datetime.min
    session_id: int | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class UndoneAction:
    """What one /undo removed: the entries, and the plan session it re-opened, if any."""

    entries: list[LogEntry] = field(default_factory=list)
    reopened_day: str | None = None
    imported_from: str | None = None  # the file name, when the action was an import


def new_action_id() -> str:
    return uuid.uuid4().hex


def _entry(row) -> LogEntry:
    return LogEntry(
        log_id=row["log_id"],
        user_id=row["user_id"],
        session_id=row["session_id"],
        exercise=row["exercise"],
        weight_kg=row["weight_kg"],
        entered_unit=Unit(row["entered_unit"]),
        reps=row["reps"],
        sets=row["sets"],
        rpe=row["rpe"],
        note=row["note"],
        target_low=row["target_low"],
        target_high=row["target_high"],
        prescribed_sets=row["prescribed_sets"],
        kind=row["kind"],
        logged_at=datetime.fromisoformat(row["logged_at"]),
        action_id=row["action_id"],
    )


class TrainingLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, user_id: int, entries: list[NewEntry], now: datetime, session_id: int | None = None,
        action_id: str | None = None,
    ) -> list[LogEntry]:
        """One action: every entry shares an action id, so /undo removes them together."""
        action_id = action_id or new_action_id()
        added = []
        async with self.db.transaction() as connection:
            for entry in entries:
                cursor = await connection.execute(
                    "INSERT INTO set_logs (user_id, session_id, exercise, weight_kg, entered_unit, reps, sets, rpe, "
                    "note, target_low, target_high, prescribed_sets, kind, action_id, logged_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        user_id, session_id, entry.exercise, entry.weight_kg, entry.entered_unit.value, entry.reps,
                        entry.sets, entry.rpe, entry.note, entry.target_low, entry.target_high,
                        entry.prescribed_sets, entry.kind, action_id, now.isoformat(),
                    ),
                )
                added.append(LogEntry(**vars(entry), log_id=cursor.lastrowid, user_id=user_id, logged_at=now,
                                      session_id=session_id, action_id=action_id))
        return added

    async def undo_last_action(self, user_id: int) -> UndoneAction | None:
        """Remove the latest action (the newest row written decides, not the date it is logged for).

        A logged plan session is re-opened (its completion removed, the rotation moved back when it
        was the latest); an import's batch is removed too, so the file can be imported again.
        """
        async with self.db.transaction() as connection:
            async with connection.execute(
                "SELECT action_id, log_id FROM set_logs WHERE user_id = ? ORDER BY log_id DESC LIMIT 1", (user_id,)
            ) as cursor:
                latest = await cursor.fetchone()
            if latest is None:
                return None
            if latest["action_id"] is None:
                where, values = "log_id = ?", (latest["log_id"],)
            else:
                where, values = "action_id = ?", (latest["action_id"],)
            async with connection.execute(
                f"SELECT * FROM set_logs WHERE user_id = ? AND {where} ORDER BY log_id", (user_id, *values)
            ) as cursor:
                rows = [_entry(row) for row in await cursor.fetchall()]
            await connection.execute(f"DELETE FROM set_logs WHERE user_id = ? AND {where}", (user_id, *values))
            reopened = await self._reopen_sessions(connection, user_id, {e.session_id for e in rows} - {None})
            imported_from = None
            if latest["action_id"] is not None:
                async with connection.execute(
                    "DELETE FROM import_batches WHERE user_id = ? AND action_id = ? RETURNING filename",
                    (user_id, latest["action_id"]),
                ) as cursor:
                    batch = await cursor.fetchone()
                imported_from = batch["filename"] if batch else None
        return UndoneAction(rows, reopened, imported_from)

    async def get(self, user_id: int, log_id: int) -> LogEntry | None:
        async with self.db.connection.execute(
            "SELECT * FROM set_logs WHERE user_id = ? AND log_id = ?", (user_id, log_id)
        ) as cursor:
            row = await cursor.fetchone()
        return _entry(row) if row else None

    async def update(self, user_id: int, log_id: int, *, weight_kg: float, entered_unit: Unit, reps: int,
                     rpe: float | None, note: str | None) -> bool:
        cursor = await self.db.write(
            "UPDATE set_logs SET weight_kg = ?, entered_unit = ?, reps = ?, rpe = ?, note = ? "
            "WHERE user_id = ? AND log_id = ?",
            (weight_kg, entered_unit.value, reps, rpe, note, user_id, log_id),
        )
        return cursor.rowcount > 0

    async def delete(self, user_id: int, *, log_id: int | None = None, between: tuple[datetime, datetime] | None = None
                     ) -> UndoneAction:
        """Delete one entry, or every entry logged in [start, end). A plan session left with no sets is
        re-opened; an import left with no sets is forgotten, so its file can be imported again."""
        if log_id is not None:
            where, values = "log_id = ?", (log_id,)
        elif between is not None:
            where, values = "logged_at >= ? AND logged_at < ?", (between[0].isoformat(), between[1].isoformat())
        else:
            raise ValueError("delete needs a log id or a time span")
        async with self.db.transaction() as connection:
            async with connection.execute(
                f"SELECT * FROM set_logs WHERE user_id = ? AND {where} ORDER BY log_id", (user_id, *values)
            ) as cursor:
                rows = [_entry(row) for row in await cursor.fetchall()]
            await connection.execute(f"DELETE FROM set_logs WHERE user_id = ? AND {where}", (user_id, *values))
            reopened = await self._reopen_sessions(connection, user_id, {e.session_id for e in rows} - {None})
            for action_id in {e.action_id for e in rows} - {None}:
                await connection.execute(
                    "DELETE FROM import_batches WHERE user_id = ? AND action_id = ? AND NOT EXISTS "
                    "(SELECT 1 FROM set_logs WHERE user_id = ? AND action_id = ?)",
                    (user_id, action_id, user_id, action_id),
                )
        return UndoneAction(rows, reopened)

    @staticmethod
    async def _reopen_sessions(connection, user_id: int, session_ids: set[int]) -> str | None:
        """Delete completed sessions whose logged sets are all gone; returns the re-opened day's label."""
        reopened = None
        for session_id in sorted(session_ids):
            async with connection.execute(
                "SELECT COUNT(*) FROM set_logs WHERE user_id = ? AND session_id = ?", (user_id, session_id)
            ) as cursor:
                if (await cursor.fetchone())[0]:
                    continue
            async with connection.execute(
                "DELETE FROM sessions WHERE user_id = ? AND session_id = ? RETURNING rotation_index, day_label",
                (user_id, session_id),
            ) as cursor:
                session = await cursor.fetchone()
            if session is None:
                continue
            # Only the latest completion moves the rotation back; an older one just stops counting.
            await connection.execute(
                "UPDATE users SET rotation_index = ? WHERE user_id = ? AND rotation_index = ?",
                (session["rotation_index"], user_id, session["rotation_index"] + 1),
            )
            reopened = session["day_label"]
        return reopened

    async def entries(
        self,
        user_id: int,
        *,
        exercise: str | None = None,
        since: datetime | None = None,
        newest_first: bool = False,
        warmups: bool = False,
    ) -> list[LogEntry]:
        """Oldest first (or newest first); warm-ups only when asked, since nothing but history shows them."""
        clauses, values = ["user_id = ?"], [user_id]
        if not warmups:
            clauses.append("kind != 'warmup'")
        if exercise is not None:
            clauses.append("exercise = ?")
            values.append(exercise)
        if since is not None:
            clauses.append("logged_at >= ?")
            values.append(since.isoformat())
        order = "DESC" if newest_first else "ASC"
        async with self.db.connection.execute(
            f"SELECT * FROM set_logs WHERE {' AND '.join(clauses)} ORDER BY logged_at {order}, log_id {order}",
            values,
        ) as cursor:
            return [_entry(row) for row in await cursor.fetchall()]

    async def exercises_logged(self, user_id: int) -> list[str]:
        """Distinct exercise keys this user has logged, most recent first."""
        async with self.db.connection.execute(
            "SELECT exercise, MAX(logged_at) AS last FROM set_logs WHERE user_id = ? GROUP BY exercise ORDER BY last DESC",
            (user_id,),
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]
