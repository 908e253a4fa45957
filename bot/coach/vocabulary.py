"""The words the whole domain shares: goals, experience levels, equipment, units, muscles."""

from enum import StrEnum


class Goal(StrEnum):
    STRENGTH = "strength"
    HYPERTROPHY = "hypertrophy"
    ENDURANCE = "endurance"
    HEALTH = "health"


class Experience(StrEnum):
    NOVICE = "novice"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Equipment(StrEnum):
    """What the user trains with; each level includes the ones below it."""

    GYM = "gym"
    DUMBBELLS = "dumbbells"
    BODYWEIGHT = "bodyweight"


class Unit(StrEnum):
    KG = "kg"
    LB = "lb"


class Muscle(StrEnum):
    """Major muscle groups that weekly volume is counted against."""

    CHEST = "chest"
    BACK = "back"
    SHOULDERS = "shoulders"
    BICEPS = "biceps"
    TRICEPS = "triceps"
    QUADS = "quads"
    HAMSTRINGS = "hamstrings"
    GLUTES = "glutes"
    CALVES = "calves"
    CORE = "core"


MIN_DAYS_PER_WEEK = 2
MAX_DAYS_PER_WEEK = 6
