"""Each user's own exercises, for logging lifts the catalogue does not know."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.coach.catalogue import name_words
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
    """'custom-' and the name's words in any script ('Zercher carry' -> 'custom-zercher-carry').

    Raises ValueError for a name without a letter or digit, which could not be told apart from others.
    """
    words = name_words(name)
    if not words:
        raise ValueError(f"{name!r} has no letters or digits")
    return CUSTOM_PREFIX + "-".join(words)


class CustomExercises:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, user_id: int, name: str, now: datetime) -> CustomExercise:
        """A new exercise for this user (the caller has checked that no exercise has this name).

        Keys from before names kept every script ('custom-exercise' for any non-Latin name) can
        equal a new name's key; the new one then gets a numbered key, so lifts never share one.
        """
        taken = {exercise.key for exercise in await self.all(user_id)}
        key = base = custom_key(name)
        number = 2
        while key in taken:
            key, number = f"{base}-{number}", number + 1
        exercise = CustomExercise(key, name.strip())
        await self.db.write(
            self.db.insert(custom_exercises)
            .values(user_id=user_id, key=exercise.key, name=exercise.name, created_at=now.isoformat())
        )
        return exercise

    async def all(self, user_id: int) -> list[CustomExercise]:
        rows = await self.db.rows(
            sa.select(custom_exercises.c.key, custom_exercises.c.name)
            .where(custom_exercises.c.user_id == user_id)
            .order_by(custom_exercises.c.name)
        )
        return [CustomExercise(row["key"], row["name"]) for row in rows]
