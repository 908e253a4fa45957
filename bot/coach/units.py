"""Load units: storage is always kilograms; display and rounding use the user's unit."""

from bot.coach.vocabulary import Unit

KG_PER_LB = 0.45359237

# Smallest change a typical gym allows per unit (a pair of the smallest common plates).
SMALLEST_STEP = {Unit.KG: 1.25, Unit.LB: 2.5}


# A unit typed after a number ("135lb", "16 KGs"): a regular-expression fragment, read with `unit_named`.
UNIT_WORD = r"kgs?|lbs?"


def unit_named(word: str) -> Unit:
    """The unit a word matched by `UNIT_WORD` names, in any case: "kg", "KGs" -> kg; "lb", "lbs" -> lb."""
    return Unit.KG if word.casefold().startswith("kg") else Unit.LB


def to_kg(value: float, unit: Unit) -> float:
    return value * KG_PER_LB if unit is Unit.LB else value


def from_kg(kg: float, unit: Unit) -> float:
    return kg / KG_PER_LB if unit is Unit.LB else kg


def increment_in(unit: Unit, increment_kg: float) -> float:
    """The exercise's load increment expressed in `unit`, snapped to that unit's plates.

    A 2.5 kg increment becomes 5 lb, not 5.51 lb: lb gyms have lb plates.
    """
    if unit is Unit.KG:
        return increment_kg
    step = SMALLEST_STEP[Unit.LB]
    return max(step, round(from_kg(increment_kg, Unit.LB) / step) * step)


def round_load(kg: float, unit: Unit, increment_kg: float) -> float:
    """Round a load in kilograms to the nearest loadable value in `unit`; returns `unit`s."""
    step = increment_in(unit, increment_kg)
    return round(round(from_kg(kg, unit) / step) * step, 2)


def format_load(value: float, unit: Unit) -> str:
    """'82.5 kg', '185 lb': no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit.value}"
