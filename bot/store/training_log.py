"""The training log: what each user lifted. Every query is scoped to one user."""

from __future__ import annotations

from dataclasses import dataclass
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
    deload: bool = False  # logged while /today prescribed a deload for this exercise


@dataclass(frozen=True)
class LogEntry(NewEntry):
    log_id: int = 0
    user_id: int = 0
    logged_at: datetime = datetime.min
    session_id: int | None = None


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
        deload=bool(row["deload"]),
        logged_at=datetime.fromisoformat(row["logged_at"]),
    )


class TrainingLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, user_id: int, entries: list[NewEntry], now: datetime, session_id: int | None = None
    ) -> list[LogEntry]:
        added = []
        async with self.db.transaction() as connection:
            for entry in entries:
                cursor = await connection.execute(
                    "INSERT INTO set_logs (user_id, session_id, exercise, weight_kg, entered_unit, reps, sets, rpe, "
                    "note, target_low, target_high, prescribed_sets, deload, logged_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        user_id, session_id, entry.exercise, entry.weight_kg, entry.entered_unit.value, entry.reps,
                        entry.sets, entry.rpe, entry.note, entry.target_low, entry.target_high,
                        entry.prescribed_sets, int(entry.deload), now.isoformat(),
                    ),
                )
                added.append(LogEntry(**vars(entry), log_id=cursor.lastrowid, user_id=user_id, logged_at=now,
                                      session_id=session_id))
        return added

    async def undo_last(self, user_id: int) -> LogEntry | None:
        async with self.db.transaction() as connection:
            async with connection.execute(
                "SELECT * FROM set_logs WHERE user_id = ? ORDER BY logged_at DESC, log_id DESC LIMIT 1", (user_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            await connection.execute("DELETE FROM set_logs WHERE log_id = ? AND user_id = ?", (row["log_id"], user_id))
        return _entry(row)

    async def entries(
        self,
        user_id: int,
        *,
        exercise: str | None = None,
        since: datetime | None = None,
        newest_first: bool = False,
    ) -> list[LogEntry]:
        clauses, values = ["user_id = ?"], [user_id]
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
