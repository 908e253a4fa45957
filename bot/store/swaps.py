"""Exercise swaps: a lifter's own choice of exercise for a slot in their plan."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database


class ExerciseSwaps:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self, user_id: int) -> dict[str, str]:
        """Replaced exercise key -> the key the user trains instead."""
        async with self.db.connection.execute(
            "SELECT replaced, replacement FROM exercise_swaps WHERE user_id = ?", (user_id,)
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def set(self, user_id: int, replaced: str, replacement: str, now: datetime) -> None:
        """Remember the swap; swapping back to the planned exercise forgets it."""
        if replaced == replacement:
            await self.db.connection.execute(
                "DELETE FROM exercise_swaps WHERE user_id = ? AND replaced = ?", (user_id, replaced)
            )
            return
        await self.db.connection.execute(
            "INSERT INTO exercise_swaps (user_id, replaced, replacement, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, replaced) DO UPDATE SET replacement = excluded.replacement",
            (user_id, replaced, replacement, now.isoformat()),
        )
