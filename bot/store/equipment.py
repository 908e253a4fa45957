"""A lifter's own equipment: overrides of their unit's defaults, stored in kilograms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.store.database import Database
from bot.store.schema import equipment_profiles

FIELDS = ("bar_kg", "plate_pair_kg", "dumbbell_kg", "machine_kg", "kettlebells_kg")


@dataclass(frozen=True)
class EquipmentOverrides:
    bar_kg: float | None = None
    plate_pair_kg: float | None = None
    dumbbell_kg: float | None = None
    machine_kg: float | None = None
    kettlebells_kg: tuple[float, ...] | None = None  # the bells owned, increasing


def _stored(name: str, value: object) -> object:
    """Kettlebell sizes are kept as comma-separated text; every other field as it is."""
    if name == "kettlebells_kg" and value is not None:
        return ",".join(f"{size:g}" for size in value)  # type: ignore[attr-defined]
    return value


def _read(name: str, value: object) -> object:
    if name == "kettlebells_kg" and value is not None:
        return tuple(float(size) for size in str(value).split(","))
    return value


_EQUIPMENT = sa.select(*(equipment_profiles.c[name] for name in FIELDS)).where(
    equipment_profiles.c.user_id == sa.bindparam("user_id")
)  # built once: /today and /log read it every time


class EquipmentStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> EquipmentOverrides:
        row = await self.db.row(_EQUIPMENT, {"user_id": user_id})
        return EquipmentOverrides(**{name: _read(name, row[name]) for name in FIELDS}) if row else EquipmentOverrides()

    async def update(self, user_id: int, now: datetime, **changes: object) -> EquipmentOverrides:
        unknown = changes.keys() - set(FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        current = vars(await self.get(user_id)) | changes
        stored = {name: _stored(name, value) for name, value in current.items()}
        statement = self.db.insert(equipment_profiles).values(user_id=user_id, updated_at=now.isoformat(), **stored)
        await self.db.write(
            statement.on_conflict_do_update(
                index_elements=[equipment_profiles.c.user_id],
                set_={name: statement.excluded[name] for name in (*FIELDS, "updated_at")},
            )
        )
        return EquipmentOverrides(**current)
