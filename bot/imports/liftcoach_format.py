"""Liftcoach's own CSV format: what `/export` writes and `/import source:liftcoach` reads.

One row per set, comma-separated, UTF-8, with a header. The load column names its unit
(`weight_kg` or `weight_lb`), so the file never needs a unit question. Dates are ISO 8601 with
the UTC offset, so a file imports to the same instants in any time zone.

    workout,date,exercise,exercise_key,set,kind,weight_kg,reps,rpe,note

Text cells a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
carriage return: OWASP "CSV Injection") are written with a leading `'`, which spreadsheets show
as text; `unescape_cell` takes it off again on import, so names and notes round-trip exactly.
Numeric cells are never escaped: a negative load stays a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.coach.vocabulary import Unit

# A cell that starts with a formula trigger, after any `'`s: `'` quoting is added to (and taken
# from) every such cell, so a text that itself starts with `'=` survives the round trip too.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def escape_cell(text: str) -> str:
    """`text` as a spreadsheet shows it, never runs it: `=1+2` -> `'=1+2`; other text unchanged."""
    return f"'{text}" if _FORMULA.match(text) else text


def unescape_cell(text: str) -> str:
    """The inverse of `escape_cell`: `'=1+2` -> `=1+2`; any other text unchanged."""
    return text[1:] if text.startswith("'") and _FORMULA.match(text[1:]) else text


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
            escape_cell(row.workout), row.performed_at.isoformat(timespec="seconds"), escape_cell(row.exercise),
            escape_cell(row.exercise_key), row.set_number, escape_cell(row.kind), _number(row.weight), row.reps,
            "" if row.rpe is None else _number(row.rpe), escape_cell(row.note or ""),
        ))
    return buffer.getvalue().encode("utf-8")


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
