"""A lifter's own equipment: overrides of their unit's defaults, stored in kilograms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.database import Database

FIELDS = ("bar_kg", "plate_pair_kg", "dumbbell_kg", "machine_kg")


@dataclass(frozen=True)
class EquipmentOverrides:
    bar_kg: float | None = None
    plate_pair_kg: float | None = None
    dumbbell_kg: float | None = None
    machine_kg: float | None = None


class EquipmentStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> EquipmentOverrides:
        async with self.db.connection.execute(
            "SELECT bar_kg, plate_pair_kg, dumbbell_kg, machine_kg FROM equipment_profiles WHERE user_id = ?",
            (user_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return EquipmentOverrides(*row) if row else EquipmentOverrides()

    async def update(self, user_id: int, now: datetime, **changes: float) -> EquipmentOverrides:
        unknown = changes.keys() - set(FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        current = vars(await self.get(user_id)) | changes
        await self.db.connection.execute(
            "INSERT INTO equipment_profiles (user_id, bar_kg, plate_pair_kg, dumbbell_kg, machine_kg, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET bar_kg = excluded.bar_kg, "
            "plate_pair_kg = excluded.plate_pair_kg, dumbbell_kg = excluded.dumbbell_kg, "
            "machine_kg = excluded.machine_kg, updated_at = excluded.updated_at",
            (user_id, *(current[name] for name in FIELDS), now.isoformat()),
        )
        return EquipmentOverrides(**current)
