"""Liftcoach's own CSV format: what `/export` writes and `/import source:liftcoach` reads.

One row per set, comma-separated, UTF-8, with a header. The load column names its unit
(`weight_kg` or `weight_lb`), so the file never needs a unit question. Dates are ISO 8601 with
the UTC offset, so a file imports to the same instants in any time zone.

    workout,date,exercise,exercise_key,set,kind,weight_kg,reps,rpe,note
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.coach.vocabulary import Unit


def header(unit: Unit) -> tuple[str, ...]:
    return ("workout", "date", "exercise", "exercise_key", "set", "kind", f"weight_{unit.value}", "reps", "rpe",
            "note")


@dataclass(frozen=True)
class ExportRow:
    """One set. `workout` names the session; `set` counts from 1 within the exercise block."""

    workout: str
    performed_at: datetime
    exercise: str
    exercise_key: str
    set_number: int
    kind: str
    weight: float
    reps: int
    rpe: float | None = None
    note: str | None = None


def write_csv(rows: Iterable[ExportRow], unit: Unit) -> bytes:
    """The export file; `weight` of each row is already in `unit`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header(unit))
    for row in rows:
        writer.writerow((
            row.workout, row.performed_at.isoformat(timespec="seconds"), row.exercise, row.exercise_key,
            row.set_number, row.kind, _number(row.weight), row.reps, "" if row.rpe is None else _number(row.rpe),
            row.note or "",
        ))
    return buffer.getvalue().encode("utf-8")


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
