"""Each user's own exercises, for logging lifts the catalogue does not know."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.coach.vocabulary import Muscle
from bot.store.database import Database
from bot.store.schema import custom_exercises

CUSTOM_PREFIX = "custom-"


@dataclass(frozen=True)
class CustomExercise:
    key: str
    name: str
    # Unknown muscles: custom lifts are logged and charted but count toward no weekly volume.
    primary: tuple[Muscle, ...] = ()
    secondary: tuple[Muscle, ...] = ()


def custom_key(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return f"{CUSTOM_PREFIX}{slug or 'exercise'}"


class CustomExercises:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, user_id: int, name: str, now: datetime) -> CustomExercise:
        exercise = CustomExercise(custom_key(name), name.strip())
        await self.db.write(
            self.db.insert(custom_exercises)
            .values(user_id=user_id, key=exercise.key, name=exercise.name, created_at=now.isoformat())
            .on_conflict_do_nothing(index_elements=[custom_exercises.c.user_id, custom_exercises.c.key])
        )
        return exercise

    async def all(self, user_id: int) -> list[CustomExercise]:
        rows = await self.db.rows(
            sa.select(custom_exercises.c.key, custom_exercises.c.name)
            .where(custom_exercises.c.user_id == user_id)
            .order_by(custom_exercises.c.name)
        )
        return [CustomExercise(row["key"], row["name"]) for row in rows]
