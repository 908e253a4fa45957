"""Read a workout-log export (Strong, Hevy, FitNotes or Liftcoach CSV) into sessions and sets.

Pure: bytes in, a `ParsedExport` out. Nothing here knows Discord or the store. The parser keeps
sessions as they were (repeated exercise blocks, identical sets) and drops only what is not a
set, counting each drop by reason so the preview can say what was left out and why.

Bad files raise `ImportFileError` (a `UserError` whose prompt names the line).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum

from bot.coach.catalogue import name_words
from bot.coach.units import to_kg
from bot.coach.vocabulary import Unit
from bot.errors import UserError
from bot.imports.formats import (
    HEADER_ALIASES,
    KNOWN_LAYOUTS,
    REQUIRED,
    ROW_UNITS,
    Column,
    Field,
    Source,
    guess_source,
    header_key,
)
from bot.imports.liftcoach_format import unescape_cell

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_SUFFIXES = (".csv", ".txt")
# Same bounds as /log: no stored set is heavier or longer than what a user could type.
MAX_LOAD_KG = 500.0
MAX_REPS = 100
MAX_NOTE_LENGTH = 200
# The longest exercise name `/log` takes: a longer one could be named in no reply or option.
MAX_NAME_LENGTH = 100
# The earliest day a set may be dated, in /log and in imports: no one training today logged a set
# before 1900, so an earlier year is a typo (`0024` for `2024`) or a device's zero date (year 1).
EARLIEST_DAY = date(1900, 1, 1)
# The last day whose time-zone arithmetic stays within `datetime`'s range (year 9999); a later
# one is skipped as a future date, like any other.
LATEST_DAY = date(9999, 12, 30)
# A date-only row (FitNotes) is placed at noon local time, so it stays on its day in any zone nearby.
DATE_ONLY_TIME = time(12, 0)

_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_HEVY_DATE = re.compile(r"^(\d{1,2}) ([A-Za-z]{3})[A-Za-z]*\.? (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$")


class ImportFileError(UserError):
    """The file cannot be imported; the prompt key is under `imports.errors.`."""

    def __init__(self, problem: str, **values: object) -> None:
        super().__init__(f"imports.errors.{problem}", **values)
        self.problem = problem


class DateOutOfRangeError(ImportFileError):
    """A readable date before `EARLIEST_DAY` or after `LATEST_DAY`: the row is skipped for `reason`,
    not the file refused."""

    def __init__(self, line: int, value: str, reason: SkipReason) -> None:
        super().__init__("date", line=line, value=value)
        self.reason = reason


class SetKind(StrEnum):
    WORK = "work"
    WARMUP = "warmup"
    FAILURE = "failure"
    DROP = "drop"


class SkipReason(StrEnum):
    """Why a row did not become a set; each has a prompt `imports.skipped.<reason>`."""

    REST_TIMER = "rest_timer"
    NOTE = "note"
    TIMED_OR_DISTANCE = "timed_or_distance"
    NO_REPS = "no_reps"
    NO_EXERCISE = "no_exercise"
    IMPLAUSIBLE = "implausible"
    RAGGED = "ragged"
    LONG_NAME = "long_name"
    FUTURE = "future"
    TOO_EARLY = "too_early"


@dataclass(frozen=True)
class ImportedSession:
    key: str
    title: str
    started_at: datetime  # UTC


@dataclass(frozen=True)
class ImportedSet:
    line: int  # the physical line of the file the row starts on (1 is the header)
    session: int  # index into ParsedExport.sessions
    position: int  # 0-based order within its session
    performed_at: datetime  # UTC
    exercise: str  # as the file names it, trimmed
    weight: float  # in `unit`; 0 is bodyweight
    unit: Unit | None  # None: the file does not say
    reps: int
    kind: SetKind = SetKind.WORK
    rpe: float | None = None
    note: str | None = None
    exercise_key: str | None = None  # only Liftcoach's own files carry it

    @property
    def working(self) -> bool:
        """Warm-ups are kept and shown but never counted as work (records, loads, volume)."""
        return self.kind is not SetKind.WARMUP

    def weight_kg(self, fallback: Unit) -> float:
        return round(to_kg(self.weight, self.unit or fallback), 3)


@dataclass(frozen=True)
class Skipped:
    count: int
    first_line: int


@dataclass(frozen=True)
class ParsedExport:
    source: Source
    delimiter: str
    rows_read: int
    sessions: tuple[ImportedSession, ...]
    sets: tuple[ImportedSet, ...]  # ordered by session start, then position
    skipped: dict[SkipReason, Skipped]
    repaired_rows: int = 0  # FitNotes rows whose unquoted commas were rejoined
    by_position: bool = False  # the header was unknown; columns were read by a known layout's positions
    file_unit: Unit | None = None  # the unit the user chose for a file that gives none

    @property
    def working_sets(self) -> int:
        return sum(1 for s in self.sets if s.working)

    @property
    def warmups(self) -> int:
        return len(self.sets) - self.working_sets

    @property
    def needs_unit(self) -> bool:
        """Some loaded set has no unit from the file and none was chosen."""
        return self.file_unit is None and any(s.unit is None and s.weight > 0 for s in self.sets)

    @property
    def first_day(self) -> datetime | None:
        return min((s.started_at for s in self.sessions), default=None)

    @property
    def last_day(self) -> datetime | None:
        return max((s.started_at for s in self.sessions), default=None)

    def units(self) -> set[Unit]:
        return {s.unit or self.file_unit for s in self.sets if (s.unit or self.file_unit) is not None}

    def exercise_names(self) -> Counter[str]:
        return Counter(s.exercise for s in self.sets if s.exercise_key is None)

    def unit_sample(self) -> ImportedSet | None:
        """The heaviest set without a unit: the number a lifter recognises at a glance."""
        unknown = [s for s in self.sets if s.unit is None and s.working]
        return max(unknown, key=lambda s: s.weight, default=None)


@dataclass
class _Tally:
    counts: Counter[SkipReason] = field(default_factory=Counter)
    first: dict[SkipReason, int] = field(default_factory=dict)

    def skip(self, reason: SkipReason, line: int) -> None:
        self.counts[reason] += 1
        self.first.setdefault(reason, line)

    def result(self) -> dict[SkipReason, Skipped]:
        return {reason: Skipped(count, self.first[reason]) for reason, count in self.counts.items()}


# -- file checks and decoding ----------------------------------------------------------------------


def check_file(filename: str, size: int) -> None:
    """Reject by name and size before reading: a CSV under 10 MB."""
    if not filename.casefold().endswith(FILE_SUFFIXES):
        raise ImportFileError("wrong_type", filename=filename)
    if size > MAX_FILE_BYTES:
        raise ImportFileError("too_big", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if size == 0:
        raise ImportFileError("empty")


def decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("too_big", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if not data.strip():
        raise ImportFileError("empty")
    if b"\x00" in data:
        raise ImportFileError("binary", line=data[: data.index(b"\x00")].count(b"\n") + 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError("binary", line=data[: error.start].count(b"\n") + 1) from None


def sniff_delimiter(header_line: str) -> str:
    """The separator the header uses most, outside quotes: `,`, `;` or a tab."""
    counts = Counter()
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in ",;\t":
            counts[char] += 1
    return counts.most_common(1)[0][0] if counts else ","


# -- values ------------------------------------------------------------------------------------------


def parse_number(text: str, column: str, line: int) -> float | None:
    """`12.5`, `12,5` (decimal comma), `8.0`; empty is None."""
    value = text.strip()
    if not value:
        return None
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise ImportFileError("number", line=line, column=column, value=text.strip()[:40]) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ImportFileError("number", line=line, column=column, value=text.strip()[:40])
    return number


def parse_date(text: str, zone: tzinfo, line: int) -> datetime:
    """Strong `2020-12-07 16:17:06`, Hevy `24 Oct 2025, 07:03`, FitNotes `2025-04-29`, ISO with offset.

    A time without a zone is the user's wall clock in `zone`; the result is UTC. Raises
    ImportFileError for an unreadable date, DateOutOfRangeError for one before `EARLIEST_DAY` or
    after `LATEST_DAY`.
    """
    value = text.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value)
        if len(value) == 10:
            parsed = datetime.combine(date.fromisoformat(value), DATE_ONLY_TIME)
    except ValueError:
        match = _HEVY_DATE.match(value)
        if match and match.group(2).casefold() in _MONTHS:
            day, month, year = int(match.group(1)), _MONTHS[match.group(2).casefold()], int(match.group(3))
            try:
                parsed = datetime(year, month, day, int(match.group(4)), int(match.group(5)),
                                  int(match.group(6) or 0))
            except ValueError:
                parsed = None
    if parsed is None:
        raise ImportFileError("date", line=line, value=value[:40])
    # Checked before any zone arithmetic, which overflows at either end of the years 1-9999.
    if parsed.date() < EARLIEST_DAY:
        raise DateOutOfRangeError(line, value[:40], SkipReason.TOO_EARLY)
    if parsed.date() > LATEST_DAY:
        raise DateOutOfRangeError(line, value[:40], SkipReason.FUTURE)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _clock_time(text: str) -> int:
    """FitNotes' `Time` column, `0:01:30`, in seconds (0 when empty or unreadable)."""
    parts = text.strip().split(":")
    if not all(re.fullmatch(r"[0-9]{1,6}", part) for part in parts):
        return 0
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


def _text(value: str, literal_newlines: bool) -> str | None:
    cleaned = value.strip()
    if literal_newlines:
        cleaned = cleaned.replace("\\n", "\n")
    return cleaned[:MAX_NOTE_LENGTH] or None


def _kind(set_order: str, set_type: str) -> SetKind | SkipReason:
    if set_type:
        return {
            "warmup": SetKind.WARMUP, "warm-up": SetKind.WARMUP, "warm up": SetKind.WARMUP,
            "failure": SetKind.FAILURE, "dropset": SetKind.DROP, "drop": SetKind.DROP,  # Hevy, Liftcoach
        }.get(set_type.casefold(), SetKind.WORK)
    tag = set_order.strip().casefold()
    if tag == "rest timer":
        return SkipReason.REST_TIMER
    if tag == "note":
        return SkipReason.NOTE
    return {"w": SetKind.WARMUP, "f": SetKind.FAILURE, "d": SetKind.DROP}.get(tag, SetKind.WORK)


# -- the reader --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    columns: dict[Field, Column]
    positions: dict[Field, int]
    width: int
    by_position: bool


def _layout(header: list[str], first_row: list[str] | None) -> _Layout:
    columns: dict[Field, Column] = {}
    positions: dict[Field, int] = {}
    for index, name in enumerate(header):
        column = HEADER_ALIASES.get(header_key(name))
        if column is not None and column.field not in positions:
            columns[column.field] = column
            positions[column.field] = index
    if REQUIRED <= positions.keys():
        return _Layout(columns, positions, len(header), False)
    for layout in KNOWN_LAYOUTS:
        if len(layout) == len(header) and first_row and _looks_like_date(first_row[0]):
            return _Layout({f: Column(f) for f in layout}, {f: i for i, f in enumerate(layout)}, len(header), True)
    raise ImportFileError("header", header=", ".join(cell.strip() for cell in header)[:200])


def _looks_like_date(text: str) -> bool:
    try:
        parse_date(text, UTC, 0)
    except ImportFileError:
        return False
    return True


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each record; a quoted field may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    line = 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def parse_export(
    data: bytes,
    *,
    zone: tzinfo,
    source: Source = Source.AUTO,
    unit: Unit | None = None,
    today: date | None = None,
) -> ParsedExport:
    """Parse a whole file. `unit` is used for loads the file gives no unit for (the user's answer);
    rows dated after `today` (the user's date in `zone`) are left out.

    Raises ImportFileError for a binary, empty or oversized file, a header matching nothing, an
    unreadable date or number (naming the line), or a file with no set in it.
    """
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    records = _records(text, delimiter)
    _, header = next(records)
    rows = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    layout = _layout(header, rows[0][1] if rows else None)
    detected = guess_source(set(layout.positions), header)
    if source not in (Source.AUTO, detected):
        raise ImportFileError("wrong_source", source=source.value, detected=detected.value)
    source = detected

    positions = layout.positions
    weight_column = layout.columns.get(Field.WEIGHT)
    header_unit = weight_column.unit if weight_column else None
    literal_newlines = source is Source.STRONG

    tally = _Tally()
    repaired = 0
    sessions: dict[str, ImportedSession] = {}
    positions_in_session: Counter[str] = Counter()
    raw_sets: list[tuple[str, ImportedSet]] = []
    # A workout's rows repeat its date: parse each once (a SkipReason: dated outside the years kept).
    dates: dict[str, datetime | SkipReason] = {}

    for line, row in rows:
        if len(row) != layout.width:
            exercise_at = positions.get(Field.EXERCISE)
            if source is Source.FITNOTES and len(row) > layout.width and exercise_at is not None:
                # FitNotes writes names like "Overhead Press (Each Side, Dumbbells)" unquoted.
                extra = len(row) - layout.width
                row = [*row[:exercise_at], ",".join(row[exercise_at:exercise_at + extra + 1]),
                       *row[exercise_at + extra + 1:]]
                repaired += 1
            else:
                tally.skip(SkipReason.RAGGED, line)
                continue

        def get(name: Field, row: list[str] = row) -> str:
            index = positions.get(name)
            cell = row[index] if index is not None and index < len(row) else ""
            # Only our own export quotes formula-like text (see liftcoach_format); other apps' `'` is theirs.
            return unescape_cell(cell) if source is Source.LIFTCOACH else cell

        kind = _kind(get(Field.SET_ORDER), get(Field.SET_TYPE))
        if isinstance(kind, SkipReason):
            tally.skip(kind, line)
            continue
        exercise = " ".join(get(Field.EXERCISE).split())
        if not name_words(exercise):  # no letter or digit (a zero-width space): nothing to name it by
            tally.skip(SkipReason.NO_EXERCISE, line)
            continue
        if len(exercise) > MAX_NAME_LENGTH:
            tally.skip(SkipReason.LONG_NAME, line)
            continue

        raw_date = get(Field.DATE)
        if raw_date not in dates:
            try:
                dates[raw_date] = parse_date(raw_date, zone, line)
            except DateOutOfRangeError as error:
                dates[raw_date] = error.reason
        performed_at = dates[raw_date]
        if isinstance(performed_at, SkipReason):
            tally.skip(performed_at, line)
            continue
        if today is not None and performed_at.astimezone(zone).date() > today:
            tally.skip(SkipReason.FUTURE, line)
            continue
        if Field.WORKOUT_NUMBER in positions:
            session_key = get(Field.WORKOUT_NUMBER).strip()
        elif source is Source.LIFTCOACH:
            session_key = get(Field.WORKOUT_NAME).strip()
        else:
            session_key = f"{get(Field.DATE).strip()}|{get(Field.WORKOUT_NAME).strip() if source is Source.HEVY else ''}"

        reps = parse_number(get(Field.REPS), "reps", line)
        weight = parse_number(get(Field.WEIGHT), "weight", line) or 0.0
        if reps is None or round(reps) < 1:
            moved = (parse_number(get(Field.DISTANCE), "distance", line) or 0) > 0
            timed = (parse_number(get(Field.SECONDS), "seconds", line) or 0) > 0 or _clock_time(get(Field.TIME)) > 0
            tally.skip(SkipReason.TIMED_OR_DISTANCE if moved or timed else SkipReason.NO_REPS, line)
            continue
        row_unit = ROW_UNITS.get(get(Field.WEIGHT_UNIT).strip().casefold())
        set_unit = header_unit or row_unit
        # Without a unit yet, a load too heavy even in lb (the lighter reading) is too heavy in either.
        too_heavy = to_kg(weight, set_unit or unit or Unit.LB) > MAX_LOAD_KG + 1e-9
        if round(reps) > MAX_REPS or weight < 0 or too_heavy:
            tally.skip(SkipReason.IMPLAUSIBLE, line)
            continue

        if session_key not in sessions:
            sessions[session_key] = ImportedSession(session_key, _text(get(Field.WORKOUT_NAME), False) or "",
                                                    performed_at)
        rpe = parse_number(get(Field.RPE), "RPE", line)
        note = _text(get(Field.NOTES), literal_newlines)
        raw_sets.append((session_key, ImportedSet(
            line=line,
            session=0,
            position=positions_in_session[session_key],
            performed_at=performed_at if source is Source.LIFTCOACH else sessions[session_key].started_at,
            exercise=exercise,
            weight=weight,
            unit=set_unit,
            reps=int(round(reps)),
            kind=kind,
            rpe=rpe if rpe is not None and 1 <= rpe <= 10 else None,
            note=note,
            exercise_key=get(Field.EXERCISE_KEY).strip() or None,
        )))
        positions_in_session[session_key] += 1

    if not raw_sets:
        reasons = set(tally.counts)
        only_dates = {SkipReason.FUTURE: "future", SkipReason.TOO_EARLY: "too_early"}
        raise ImportFileError(only_dates[reasons.pop()] if len(reasons) == 1 and reasons <= only_dates.keys()
                              else "no_sets", rows=len(rows), earliest=EARLIEST_DAY.year)
    # Oldest session first, whatever the file's order (Hevy writes newest first).
    ordered = sorted(sessions.values(), key=lambda s: s.started_at)
    index_of = {s.key: index for index, s in enumerate(ordered)}
    sets = sorted(
        (
            ImportedSet(**{**vars(item), "session": index_of[key]})
            for key, item in raw_sets
        ),
        key=lambda s: (s.session, s.position),
    )
    return ParsedExport(
        source=source,
        delimiter=delimiter,
        rows_read=len(rows),
        sessions=tuple(ordered),
        sets=tuple(sets),
        skipped=tally.result(),
        repaired_rows=repaired,
        by_position=layout.by_position,
        file_unit=unit,
    )
