"""Each user's own exercises, for logging lifts the catalogue does not know."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.coach.vocabulary import Muscle
from bot.store.database import Database

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
            "INSERT INTO custom_exercises (user_id, key, name, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, key) DO NOTHING",
            (user_id, exercise.key, exercise.name, now.isoformat()),
        )
        return exercise

    async def all(self, user_id: int) -> list[CustomExercise]:
        async with self.db.connection.execute(
            "SELECT key, name FROM custom_exercises WHERE user_id = ? ORDER BY name", (user_id,)
        ) as cursor:
            return [CustomExercise(row["key"], row["name"]) for row in await cursor.fetchall()]
