"""Exercise swaps: a lifter's own choice of exercise for a slot in their plan."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from bot.store.database import Database
from bot.store.schema import exercise_swaps

_SWAPS = sa.select(exercise_swaps.c.replaced, exercise_swaps.c.replacement).where(
    exercise_swaps.c.user_id == sa.bindparam("user_id")
)  # built once: /today and /log read it every time


class ExerciseSwaps:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self, user_id: int) -> dict[str, str]:
        """Replaced exercise key -> the key the user trains instead."""
        rows = await self.db.rows(_SWAPS, {"user_id": user_id})
        return {row["replaced"]: row["replacement"] for row in rows}

    async def set(self, user_id: int, replaced: str, replacement: str, now: datetime) -> None:
        """Remember the swap; swapping back to the planned exercise forgets it."""
        if replaced == replacement:
            await self.db.write(
                sa.delete(exercise_swaps).where(exercise_swaps.c.user_id == user_id, exercise_swaps.c.replaced == replaced)
            )
            return
        statement = self.db.insert(exercise_swaps).values(
            user_id=user_id, replaced=replaced, replacement=replacement, created_at=now.isoformat()
        )
        await self.db.write(
            statement.on_conflict_do_update(
                index_elements=[exercise_swaps.c.user_id, exercise_swaps.c.replaced],
                set_={"replacement": statement.excluded.replacement},
            )
        )
