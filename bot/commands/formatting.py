"""Small number formatters shared by command handlers (numbers only; words live in prompts/)."""

from __future__ import annotations

from bot.coach.units import from_kg
from bot.coach.vocabulary import Unit


def lifted(kg: float, unit: Unit) -> float:
    """A logged load (kg) in `unit` as every reply shows it: to 0.1, or to 0.01 where that is a
    quarter (102.25 kg, 221.75 lb: fractional plates). After a switch to lb, 30 kg reads 66.1 lb
    in /history, /log and /progress alike, never 66.14; 225 lb typed reads 225 lb."""
    value = from_kg(kg, unit)
    hundredths = round(value * 100)
    return hundredths / 100 if hundredths % 25 == 0 else round(value, 1)


def number(value: float) -> str:
    """12 -> '12', 12.5 -> '12.5'."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def span(low: float, high: float, suffix: str = "") -> str:
    """'3–5', or '5' when both ends agree."""
    text = number(low) if low == high else f"{number(low)}–{number(high)}"
    return f"{text}{suffix}"


def duration(seconds: float) -> str:
    """90 -> '90 s', 180 -> '3 min', 150 -> '2.5 min'."""
    return f"{number(seconds)} s" if seconds < 120 else f"{number(seconds / 60)} min"


def duration_span(low: float, high: float) -> str:
    if low < 120 <= high:
        return f"{duration(low)}–{duration(high)}"
    if high < 120:
        return span(low, high, " s")
    return span(low / 60, high / 60, " min")
