"""The readiness screen's answers and the progression pauses sharp pain sets. Every query is per user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa

from bot.store.database import Database
from bot.store.schema import SCREEN_STATUSES, progression_pauses, readiness_screens


class ScreenStatus(StrEnum):
    OFFERED = "offered"  # shown on the first /goal, not answered yet
    DECLINED = "declined"  # the user chose not to answer; remembered, never asked again unprompted
    CLEAR = "clear"  # every answer "no"
    NEEDS_CLEARANCE = "needs_clearance"  # some "yes": conservative sessions until cleared
    CLEARED = "cleared"  # some "yes", then the user confirmed a healthcare professional's clearance


assert tuple(ScreenStatus) == SCREEN_STATUSES


@dataclass(frozen=True)
class Screen:
    status: ScreenStatus
    answers: tuple[bool, ...] | None  # one per question, True = "yes"; None until answered

    @property
    def conservative(self) -> bool:
        """Sessions stay at conservative intensity: a "yes" not yet followed by clearance."""
        return self.status is ScreenStatus.NEEDS_CLEARANCE


# Built once: every /today reads both.
_SCREEN = sa.select(readiness_screens).where(readiness_screens.c.user_id == sa.bindparam("user_id"))
_PAUSES = sa.select(progression_pauses).where(progression_pauses.c.user_id == sa.bindparam("user_id"))


class SafetyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def screen(self, user_id: int) -> Screen | None:
        """None when the screen was never offered to this user."""
        row = await self.db.row(_SCREEN, {"user_id": user_id})
        if row is None:
            return None
        answers = tuple(mark == "y" for mark in row["answers"]) if row["answers"] is not None else None
        return Screen(ScreenStatus(row["status"]), answers)

    async def offer_screen(self, user_id: int, now: datetime) -> bool:
        """Record that the screen was offered; False (and no write at all) if it was offered before."""
        if await self.screen(user_id) is not None:
            return False  # a read first: /goal must not open a write transaction just to learn this
        stamp = now.isoformat()
        result = await self.db.write(
            self.db.insert(readiness_screens)
            .values(user_id=user_id, status=ScreenStatus.OFFERED.value, offered_at=stamp, updated_at=stamp)
            .on_conflict_do_nothing(index_elements=[readiness_screens.c.user_id])
        )
        return result.rowcount > 0

    async def decline_screen(self, user_id: int, now: datetime) -> None:
        """Remember a "not now": only a screen not yet answered becomes declined."""
        await self.offer_screen(user_id, now)
        await self.db.write(
            sa.update(readiness_screens)
            .where(readiness_screens.c.user_id == user_id,
                   readiness_screens.c.status.in_([ScreenStatus.OFFERED.value, ScreenStatus.DECLINED.value]))
            .values(status=ScreenStatus.DECLINED.value, updated_at=now.isoformat())
        )

    async def answer_screen(self, user_id: int, answers: tuple[bool, ...], now: datetime) -> Screen:
        """Store a completed screen; any "yes" means conservative sessions until clearance is confirmed."""
        status = ScreenStatus.NEEDS_CLEARANCE if any(answers) else ScreenStatus.CLEAR
        marks = "".join("y" if answer else "n" for answer in answers)
        stamp = now.isoformat()
        await self.db.write(
            self.db.insert(readiness_screens)
            .values(user_id=user_id, status=status.value, answers=marks, offered_at=stamp, answered_at=stamp,
                    updated_at=stamp)
            .on_conflict_do_update(
                index_elements=[readiness_screens.c.user_id],
                set_={"status": status.value, "answers": marks, "answered_at": stamp, "cleared_at": None,
                      "updated_at": stamp},
            )
        )
        return Screen(status, answers)

    async def confirm_clearance(self, user_id: int, now: datetime) -> bool:
        """The user says a healthcare professional cleared them; False if there was nothing to clear."""
        stamp = now.isoformat()
        result = await self.db.write(
            sa.update(readiness_screens)
            .where(readiness_screens.c.user_id == user_id,
                   readiness_screens.c.status == ScreenStatus.NEEDS_CLEARANCE.value)
            .values(status=ScreenStatus.CLEARED.value, cleared_at=stamp, updated_at=stamp)
        )
        return result.rowcount > 0

    async def pause(self, user_id: int, exercise: str, now: datetime) -> None:
        """Pause progression on `exercise` (sharp pain); a pause already there keeps its date."""
        await self.db.write(
            self.db.insert(progression_pauses)
            .values(user_id=user_id, exercise=exercise, reason="sharp_pain", paused_at=now.isoformat())
            .on_conflict_do_nothing(index_elements=[progression_pauses.c.user_id, progression_pauses.c.exercise])
        )

    async def pauses(self, user_id: int) -> dict[str, datetime]:
        """Exercise key -> when its progression was paused."""
        rows = await self.db.rows(_PAUSES, {"user_id": user_id})
        return {row["exercise"]: datetime.fromisoformat(row["paused_at"]) for row in rows}

    async def resume(self, user_id: int, exercise: str) -> bool:
        """Lift the pause; False when there was none."""
        result = await self.db.write(
            sa.delete(progression_pauses)
            .where(progression_pauses.c.user_id == user_id, progression_pauses.c.exercise == exercise)
        )
        return result.rowcount > 0
