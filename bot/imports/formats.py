"""What the workout-log exports look like: sources, column names in several languages, known layouts.

Every column of a file is mapped to a `Field` by its header (after casefolding and trimming),
or — when the header is in a language we do not know — by its position in a known Strong layout.
A header alias may also carry the unit (`Weight (kg)`, `weight_lbs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.coach.vocabulary import Unit


class Source(StrEnum):
    AUTO = "auto"
    STRONG = "strong"
    HEVY = "hevy"
    FITNOTES = "fitnotes"
    LIFTCOACH = "liftcoach"


class Field(StrEnum):
    WORKOUT_NUMBER = "workout_number"
    DATE = "date"
    END_TIME = "end_time"
    WORKOUT_NAME = "workout_name"
    DURATION = "duration"
    EXERCISE = "exercise"
    EXERCISE_KEY = "exercise_key"
    CATEGORY = "category"
    SUPERSET = "superset"
    SET_ORDER = "set_order"
    SET_TYPE = "set_type"
    WEIGHT = "weight"
    WEIGHT_UNIT = "weight_unit"
    REPS = "reps"
    RPE = "rpe"
    DISTANCE = "distance"
    DISTANCE_UNIT = "distance_unit"
    SECONDS = "seconds"
    TIME = "time"
    NOTES = "notes"
    WORKOUT_NOTES = "workout_notes"


@dataclass(frozen=True)
class Column:
    field: Field
    unit: Unit | None = None


def _aliases() -> dict[str, Column]:
    plain: dict[Field, tuple[str, ...]] = {
        Field.WORKOUT_NUMBER: ("workout #", "workout number"),
        # English (Strong, FitNotes, Hevy), Chinese (Strong 简体), French, German, Spanish, Polish.
        Field.DATE: ("date", "start_time", "日期", "datum", "fecha", "data"),
        Field.END_TIME: ("end_time",),
        Field.WORKOUT_NAME: ("workout name", "title", "workout", "锻炼名称", "nom de l'entraînement",
                             "nom de la séance", "trainingsname", "nombre del entrenamiento"),
        Field.DURATION: ("duration", "workout duration", "duration (sec)", "时长", "durée", "dauer", "duración"),
        Field.EXERCISE: ("exercise name", "exercise_title", "exercise", "运动名称", "nom de l'exercice",
                         "übungsname", "übung", "nombre del ejercicio", "ejercicio"),
        Field.EXERCISE_KEY: ("exercise_key",),
        Field.CATEGORY: ("category",),
        Field.SUPERSET: ("superset_id",),
        Field.SET_ORDER: ("set order", "set_index", "set", "设置顺序", "ordre de la série", "satzreihenfolge",
                          "orden de la serie"),
        Field.SET_TYPE: ("set_type", "kind"),
        Field.WEIGHT: ("weight", "重量", "poids", "gewicht", "peso"),
        Field.WEIGHT_UNIT: ("weight unit",),
        Field.REPS: ("reps", "次", "répétitions", "wiederholungen", "repeticiones"),
        Field.RPE: ("rpe",),
        Field.DISTANCE: ("distance", "distance (meters)", "distance_miles", "distance_km", "distance_meters",
                         "km", "mi.", "距离"),
        Field.DISTANCE_UNIT: ("distance unit",),
        Field.SECONDS: ("seconds", "duration_seconds", "秒", "secondes", "sekunden", "segundos"),
        Field.TIME: ("time",),
        Field.NOTES: ("notes", "exercise_notes", "note", "comment", "备注", "remarques", "notizen", "notas"),
        Field.WORKOUT_NOTES: ("workout notes", "description", "锻炼备注", "notes d'entraînement"),
    }
    table = {alias: Column(field) for field, names in plain.items() for alias in names}
    for alias, unit in {
        "weight (kg)": Unit.KG, "weight (kgs)": Unit.KG, "weight_kg": Unit.KG, "kg": Unit.KG,
        "weight (lbs)": Unit.LB, "weight (lb)": Unit.LB, "weight_lbs": Unit.LB, "weight_lb": Unit.LB,
        "lbs": Unit.LB,
    }.items():
        table[alias] = Column(Field.WEIGHT, unit)
    return table


HEADER_ALIASES: dict[str, Column] = _aliases()

# Strong's 12-column export ("S1"), by position: used when the header is in a language we lack.
STRONG_S1_LAYOUT: tuple[Field, ...] = (
    Field.DATE, Field.WORKOUT_NAME, Field.DURATION, Field.EXERCISE, Field.SET_ORDER, Field.WEIGHT,
    Field.REPS, Field.DISTANCE, Field.SECONDS, Field.NOTES, Field.WORKOUT_NOTES, Field.RPE,
)
# Strong's 9-column export of 2015–2017 (`Date,Workout Name,Exercise Name,Set Order,kg,Reps,km,Seconds,Notes`).
STRONG_OLD_LAYOUT: tuple[Field, ...] = (
    Field.DATE, Field.WORKOUT_NAME, Field.EXERCISE, Field.SET_ORDER, Field.WEIGHT, Field.REPS,
    Field.DISTANCE, Field.SECONDS, Field.NOTES,
)
KNOWN_LAYOUTS: tuple[tuple[Field, ...], ...] = (STRONG_S1_LAYOUT, STRONG_OLD_LAYOUT)

REQUIRED: frozenset[Field] = frozenset({Field.DATE, Field.EXERCISE, Field.REPS})

# Row units as apps write them in a `Weight Unit` column.
ROW_UNITS: dict[str, Unit] = {"kg": Unit.KG, "kgs": Unit.KG, "lb": Unit.LB, "lbs": Unit.LB}


def header_key(text: str) -> str:
    return " ".join(text.strip().strip('"').casefold().split())


def guess_source(fields: set[Field], header: list[str]) -> Source:
    """Which app wrote a file with these columns (for reporting and set-kind rules)."""
    keys = {header_key(name) for name in header}
    if "exercise_key" in keys:
        return Source.LIFTCOACH
    if "exercise_title" in keys or "set_type" in keys:
        return Source.HEVY
    if Field.CATEGORY in fields or (Field.SET_ORDER not in fields and Field.WORKOUT_NAME not in fields):
        return Source.FITNOTES
    return Source.STRONG
