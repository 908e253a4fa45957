"""The training log: what each user lifted. Every query is scoped to one user."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field, fields
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.coach.loading import is_hard_set
from bot.coach.vocabulary import Unit
from bot.store.database import WRITES_ROWS, Database
from bot.store.schema import import_batches, sessions, set_logs, users


@dataclass(frozen=True)
class NewEntry:
    exercise: str
    weight_kg: float
    entered_unit: Unit
    reps: int
    sets: int = 1
    rpe: float | None = None
    note: str | None = None
    target_low: int | None = None
    target_high: int | None = None
    prescribed_sets: int | None = None
    prescribed_kg: float | None = None  # the load /today prescribed, stored like `weight_kg`
    pain: str | None = None  # None, "mild" or "sharp", as the lifter reported it
    deload: bool = False  # logged while /today prescribed a deload for this exercise
    # "work", "warmup", "failure" or "drop" (imports); warm-ups never count as work.
    kind: str = "work"


@dataclass(frozen=True)
class LogEntry(NewEntry):
    log_id: int = 0
    user_id: int = 0
    logged_at: datetime = datetime.min
    session_id: int | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class UndoneAction:
    """What one /undo (or a delete) removed: the entries, and the plan session it re-opened, if any."""

    entries: list[LogEntry] = field(default_factory=list)
    reopened_day: str | None = None
    imported_from: str | None = None  # the file name, when the action was an import


def new_action_id() -> str:
    return uuid.uuid4().hex


# A dict lookup: calling the Enum per row was a third of the cost of reading a year of logs.
_UNITS = {unit.value: unit for unit in Unit}
_ENTRY_FIELDS = tuple(entry_field.name for entry_field in fields(LogEntry))
_new_object = object.__new__
_WORK = set_logs.c.kind != "warmup"  # warm-ups never count as work
_USER = sa.bindparam("user_id")  # the user of a statement built once


def _entry(row) -> LogEntry:
    """A stored row as an entry. Its values are already checked (they were stored through `NewEntry`),
    so the frozen dataclass's `__init__` (one `object.__setattr__` per field: 8 µs a row, a quarter
    of /progress's CPU over a year of logs) is skipped: 0.9 µs a row."""
    entry = _new_object(LogEntry)
    values = {name: row[name] for name in _ENTRY_FIELDS}
    values["entered_unit"] = _UNITS[values["entered_unit"]]
    values["deload"] = bool(values["deload"])
    values["logged_at"] = datetime.fromisoformat(values["logged_at"])
    entry.__dict__.update(values)
    return entry


@dataclass(frozen=True)
class LoggedSet:
    """One set stored by /log, with what its reply reads back (see `TrainingLog.log_set`)."""

    entry: LogEntry
    # Reps -> the heaviest and the lightest load (kg) of the exercise's work sets before this one.
    heaviest_by_reps: dict[int, float]
    lightest_by_reps: dict[int, float]
    # Exercise -> hard sets since the week's start (this set included unless backfilled to an
    # earlier week or logged easier than a hard set), and the latest work set's ISO time.
    week_sets: dict[str, int]
    latest_this_week: dict[str, str]
    last_completed: datetime | None  # the user's latest completed plan session

    def logged_since(self, since: datetime) -> set[str]:
        """Exercises with a work set logged at or after `since`, which must not be before the week's start."""
        stamp = since.isoformat()  # compared as the database compares these ISO texts
        return {exercise for exercise, latest in self.latest_this_week.items() if latest >= stamp}


# Built once with bound parameters: SQLAlchemy then neither rebuilds the expression nor
# recomputes its cache key per /log (both were a large share of a /log's CPU).
# No explicit RETURNING: SQLite then takes the new id from the cursor; PostgreSQL returns it implicitly.
_INSERT = sa.insert(set_logs)
# The columns a logged set writes: a `NewEntry`'s and the ones `_new_row` adds.
_LOGGED_COLUMNS = (*(entry_field.name for entry_field in fields(NewEntry)), "user_id", "session_id", "action_id",
                   "logged_at")
# What /log answers beside its insert (each statement is a round trip to PostgreSQL), leaving the
# new set out (`TrainingLog.log_set` counts it into the week): the records before it (`part`
# 'record': heaviest and lightest load per rep count, from `set_logs_records` alone), this week's
# sets per exercise with the latest one's time ('week', through `set_logs_by_user_time`; the day's
# logged exercises are those whose latest is today), and the latest completed session ('completed').
_RECORDS = (
    sa.select(sa.literal_column("'record'").label("part"), set_logs.c.exercise, set_logs.c.reps,
              sa.func.max(set_logs.c.weight_kg).label("heaviest"), sa.func.min(set_logs.c.weight_kg).label("lightest"),
              sa.null().label("sets"), sa.null().label("latest"))
    .where(set_logs.c.user_id == _USER, set_logs.c.exercise == sa.bindparam("exercise"), _WORK)
    .group_by(set_logs.c.exercise, set_logs.c.reps)
)
_WEEK = (
    sa.select(sa.literal_column("'week'"), set_logs.c.exercise, sa.null(), sa.null(), sa.null(),
              # Hard sets only (`is_hard_set` in SQL: one logged easier than `hard_rpe` is not); the latest time
              # counts every work set, since it tells the day's logged exercises.
              sa.func.sum(sa.case((sa.or_(set_logs.c.rpe.is_(None), set_logs.c.rpe >= sa.bindparam("hard_rpe")),
                                   set_logs.c.sets), else_=0)),
              sa.func.max(set_logs.c.logged_at))
    .where(set_logs.c.user_id == _USER, set_logs.c.logged_at >= sa.bindparam("week_start"), _WORK)
    .group_by(set_logs.c.exercise)
)
_COMPLETED = (
    sa.select(sa.literal_column("'completed'"), sa.null(), sa.null(), sa.null(), sa.null(), sa.null(),
              sa.func.max(sessions.c.completed_at))
    .where(sessions.c.user_id == _USER)
)
# SQLite: after the insert, in the same hand-off to its thread; the new row is left out by its id.
_NOT_NEW = set_logs.c.log_id != sa.bindparam("log_id")
_AFTER_LOG = sa.union_all(_RECORDS.where(_NOT_NEW), _WEEK.where(_NOT_NEW), _COMPLETED)
# PostgreSQL: the insert and the read-back in one statement, one round trip. The insert is a
# data-modifying WITH (which SQLite has not); the query beside it reads the snapshot taken as the
# statement starts, before the insert, so the new row is left out by itself, and its id comes back
# as a 'stored' row (in the `sets` column). Its values are bound as `new_<column>`: SQLAlchemy
# reserves the bare names.
_STORED = (
    sa.insert(set_logs).values({name: sa.bindparam(f"new_{name}") for name in _LOGGED_COLUMNS})
    .returning(set_logs.c.log_id).cte("stored")
)
_LOG_AND_READ_BACK = sa.union_all(
    _RECORDS, _WEEK, _COMPLETED,
    sa.select(sa.literal_column("'stored'"), sa.null(), sa.null(), sa.null(), sa.null(), _STORED.c.log_id, sa.null()),
).execution_options(**{WRITES_ROWS: 1})


def _new_row(user_id: int, entry: NewEntry, now: datetime, session_id: int | None,
             action_id: str) -> tuple[dict[str, object], dict[str, object]]:
    """A new row's values as its `LogEntry` holds them (an enum, a datetime), and as its columns store them."""
    values = {**vars(entry), "user_id": user_id, "session_id": session_id, "action_id": action_id, "logged_at": now}
    return values, {**values, "entered_unit": entry.entered_unit.value, "deload": int(entry.deload),
                    "logged_at": now.isoformat()}


def _as_stored(values: dict[str, object], log_id: int) -> LogEntry:
    # A `NewEntry`'s fields plus the stored ones, set as `_entry` sets them: the frozen dataclass's
    # `__init__` (one `object.__setattr__` per field) took 19 us per /log, this takes 4.5 us.
    stored = _new_object(LogEntry)
    stored.__dict__.update(values, log_id=log_id)
    return stored


def _insert(connection: sa.Connection, user_id: int, entry: NewEntry, now: datetime, session_id: int | None,
            action_id: str) -> LogEntry:
    """Run inside `run_sync`, so a statement's hand-off to SQLite's thread carries several."""
    values, row = _new_row(user_id, entry, now, session_id, action_id)
    [log_id] = connection.execute(_INSERT, row).inserted_primary_key
    return _as_stored(values, log_id)


_NEWEST = ("9999-12-31", 2**62)  # a keyset bound above every row: a lift's first page


@functools.lru_cache(maxsize=16)
def _window_pages(lifts: int) -> sa.Select | sa.CompoundSelect:
    """The next page of `lifts` exercises' non-warm-up rows, newest first, as one statement.

    Parameters: `user_id`; per lift i, `exercise_i`, `rows_i` and the keyset bound `after_at_i`,
    `after_id_i` (the page holds rows older than it). Each page stays its own indexed, limited
    read; built once per number of lifts, since building and keying the union costs more than
    running it.
    """
    pages = []
    for index in range(lifts):
        after_at, after_id = sa.bindparam(f"after_at_{index}"), sa.bindparam(f"after_id_{index}")
        pages.append(
            sa.select(set_logs)
            .where(set_logs.c.user_id == _USER,
                   set_logs.c.exercise == sa.bindparam(f"exercise_{index}"),
                   _WORK,
                   sa.or_(set_logs.c.logged_at < after_at,
                          sa.and_(set_logs.c.logged_at == after_at, set_logs.c.log_id < after_id)))
            .order_by(set_logs.c.logged_at.desc(), set_logs.c.log_id.desc())
            .limit(sa.bindparam(f"rows_{index}", type_=sa.Integer))
        )
    if lifts == 1:
        return pages[0]
    return sa.union_all(*(sa.select(*page.subquery().c) for page in pages))


def _window_parameters(user_id: int, pages: dict[str, int], after: dict[str, tuple[str, int] | None]) -> dict:
    parameters: dict = {"user_id": user_id}
    for index, (exercise, rows) in enumerate(pages.items()):
        after_at, after_id = after[exercise] or _NEWEST
        parameters |= {f"exercise_{index}": exercise, f"rows_{index}": rows, f"after_at_{index}": after_at,
                       f"after_id_{index}": after_id}
    return parameters


@functools.cache
def _moments(of_one_exercise: bool) -> sa.Select:
    """/history's period: `user_id`, `since` (and `exercise`); built once per shape."""
    query = sa.select(set_logs.c.logged_at, set_logs.c.session_id).where(
        set_logs.c.user_id == _USER, set_logs.c.logged_at >= sa.bindparam("since"))
    if of_one_exercise:
        query = query.where(set_logs.c.exercise == sa.bindparam("exercise"))
    return query.order_by(set_logs.c.logged_at, set_logs.c.log_id)


@functools.cache
def _entries_between(of_one_exercise: bool) -> sa.Select:
    """/history's page: `user_id`, `start`, `end` (and `exercise`); built once per shape."""
    query = sa.select(set_logs).where(
        set_logs.c.user_id == _USER, set_logs.c.logged_at >= sa.bindparam("start"),
        set_logs.c.logged_at < sa.bindparam("end"))
    if of_one_exercise:
        query = query.where(set_logs.c.exercise == sa.bindparam("exercise"))
    return query.order_by(set_logs.c.logged_at, set_logs.c.log_id)


class TrainingLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, user_id: int, entries: list[NewEntry], now: datetime, session_id: int | None = None,
        action_id: str | None = None,
    ) -> list[LogEntry]:
        """One action: every entry shares an action id, so /undo removes them together."""
        action_id = action_id or new_action_id()
        async with self.db.transaction() as connection:
            return await connection.run_sync(
                lambda sync: [_insert(sync, user_id, entry, now, session_id, action_id) for entry in entries])

    async def log_set(self, user_id: int, entry: NewEntry, now: datetime, *, week_start: datetime,
                      hard_set_min_rpe: float) -> LoggedSet:
        """Store one /log entry (an action of its own) and read back what its reply tells: the records
        it had to beat, this week's hard sets and the latest completed session.

        `week_start`: the UTC instant the lifter's week began; a set logged with an RPE below
        `hard_set_min_rpe` is no hard set (`LoggedSet.week_sets`). On PostgreSQL the insert and the
        read-back are one statement (`_LOG_AND_READ_BACK`); on SQLite two, sent in one hand-off to
        its thread while the one writer is held. Either way the read-back leaves the new set out,
        which is what the records before it are, and the new set is counted into the week here.
        On PostgreSQL the statement's snapshot is taken as it starts: the read-back sees another
        command of the lifter only because the transaction took the lifter's row first
        (`Database.unit_of_work(lock_first=...)`), waiting for that command to commit.
        """
        values, row = _new_row(user_id, entry, now, None, new_action_id())
        stamp, week_from = now.isoformat(), week_start.isoformat()  # compared as the database compares them
        read_back = {"user_id": user_id, "exercise": entry.exercise, "week_start": week_from,
                     "hard_rpe": hard_set_min_rpe}

        def insert_and_read_back(sync: sa.Connection) -> tuple[int, list[sa.Row]]:
            [log_id] = sync.execute(_INSERT, row).inserted_primary_key
            return log_id, sync.execute(_AFTER_LOG, {**read_back, "log_id": log_id}).all()

        async with self.db.transaction() as connection:
            if self.db.backend == "sqlite":
                log_id, rows = await connection.run_sync(insert_and_read_back)
            else:
                rows = (await connection.execute(_LOG_AND_READ_BACK, {
                    **read_back, **{f"new_{name}": row[name] for name in _LOGGED_COLUMNS}})).all()
        heaviest: dict[int, float] = {}
        lightest: dict[int, float] = {}
        week_sets: dict[str, int] = {}
        latest: dict[str, str] = {}
        last_completed = None
        # Rows unpacked in the read-back's column order: no mapping built per row.
        for part, exercise, reps, most, least, sets, latest_at in rows:
            if part == "record":
                heaviest[reps], lightest[reps] = most, least
            elif part == "week":
                week_sets[exercise], latest[exercise] = int(sets), latest_at
            elif part == "stored":
                log_id = sets
            elif latest_at is not None:
                last_completed = datetime.fromisoformat(latest_at)
        if entry.kind != "warmup" and stamp >= week_from:
            hard_sets = entry.sets if is_hard_set(entry.rpe, hard_set_min_rpe) else 0
            week_sets[entry.exercise] = week_sets.get(entry.exercise, 0) + hard_sets
            latest[entry.exercise] = max(latest.get(entry.exercise, stamp), stamp)
        return LoggedSet(_as_stored(values, log_id), heaviest, lightest, week_sets, latest, last_completed)

    async def undo_last_action(self, user_id: int) -> UndoneAction | None:
        """Remove the latest action (the newest row written decides, not the date it is logged for).

        A logged plan session is re-opened (its completion removed, the rotation moved back when it
        was the latest); an import's batch is removed too, so the file can be imported again.
        """
        async with self.db.transaction() as connection:
            rows: list[LogEntry] = []
            # An empty delete means a concurrent /undo took this action first (PostgreSQL's DELETE
            # waits for it, then finds nothing): undo the next latest instead of claiming success.
            while not rows:
                latest = (await connection.execute(
                    sa.select(set_logs.c.log_id, set_logs.c.action_id)
                    .where(set_logs.c.user_id == user_id)
                    .order_by(set_logs.c.log_id.desc())
                    .limit(1)
                )).mappings().first()
                if latest is None:
                    return None
                action_id = latest["action_id"]
                which = set_logs.c.log_id == latest["log_id"] if action_id is None else set_logs.c.action_id == action_id
                rows = await self._delete(connection, user_id, which)
            # Undoing any set of a completed session undoes its completion: the undone action is the
            # latest, so it is the one that logged (or finished) that session.
            reopened = await self._reopen_sessions(connection, user_id, {e.session_id for e in rows} - {None},
                                                   emptied_only=False)
            imported_from = None
            if action_id is not None:
                imported_from = (await connection.execute(
                    sa.delete(import_batches)
                    .where(import_batches.c.user_id == user_id, import_batches.c.action_id == action_id)
                    .returning(import_batches.c.filename)
                )).scalar()
        return UndoneAction(rows, reopened, imported_from)

    async def get(self, user_id: int, log_id: int) -> LogEntry | None:
        row = await self.db.row(sa.select(set_logs).where(set_logs.c.user_id == user_id, set_logs.c.log_id == log_id))
        return _entry(row) if row else None

    async def update(self, user_id: int, log_id: int, *, weight_kg: float, entered_unit: Unit, reps: int,
                     rpe: float | None, note: str | None) -> bool:
        result = await self.db.write(
            sa.update(set_logs)
            .where(set_logs.c.user_id == user_id, set_logs.c.log_id == log_id)
            .values(weight_kg=weight_kg, entered_unit=entered_unit.value, reps=reps, rpe=rpe, note=note)
        )
        return result.rowcount > 0

    async def delete(self, user_id: int, *, log_id: int | None = None, between: tuple[datetime, datetime] | None = None
                     ) -> UndoneAction:
        """Delete one entry, or every entry logged in [start, end). A plan session left with no sets is
        re-opened; an import left with no sets is forgotten, so its file can be imported again."""
        if log_id is not None:
            which = set_logs.c.log_id == log_id
        elif between is not None:
            which = sa.and_(set_logs.c.logged_at >= between[0].isoformat(),
                            set_logs.c.logged_at < between[1].isoformat())
        else:
            raise ValueError("delete needs a log id or a time span")
        async with self.db.transaction() as connection:
            rows = await self._delete(connection, user_id, which)
            reopened = await self._reopen_sessions(connection, user_id, {e.session_id for e in rows} - {None})
            for action_id in {e.action_id for e in rows} - {None}:
                remaining = sa.select(set_logs.c.log_id).where(set_logs.c.user_id == user_id,
                                                               set_logs.c.action_id == action_id)
                await connection.execute(
                    sa.delete(import_batches).where(import_batches.c.user_id == user_id,
                                                    import_batches.c.action_id == action_id, ~sa.exists(remaining))
                )
        return UndoneAction(rows, reopened)

    @staticmethod
    async def _delete(connection: AsyncConnection, user_id: int, which: sa.ColumnElement[bool]) -> list[LogEntry]:
        # RETURNING: exactly the rows this statement removed, never rows a concurrent command removed first.
        rows = (await connection.execute(
            sa.delete(set_logs).where(set_logs.c.user_id == user_id, which).returning(*set_logs.c)
        )).mappings().all()
        return sorted((_entry(row) for row in rows), key=lambda entry: entry.log_id)

    async def attach(self, user_id: int, log_ids: list[int], session_id: int) -> None:
        """Count these entries as the sets of a completed session."""
        if log_ids:
            await self.db.write(
                sa.update(set_logs).where(set_logs.c.user_id == user_id, set_logs.c.log_id.in_(log_ids))
                .values(session_id=session_id)
            )

    @staticmethod
    async def _reopen_sessions(connection: AsyncConnection, user_id: int, session_ids: set[int],
                               emptied_only: bool = True) -> str | None:
        """Delete completed sessions (with `emptied_only`, those whose logged sets are all gone);
        returns the re-opened day's label."""
        reopened = None
        for session_id in sorted(session_ids):
            left = (await connection.execute(
                sa.select(sa.func.count()).select_from(set_logs)
                .where(set_logs.c.user_id == user_id, set_logs.c.session_id == session_id)
            )).scalar_one()
            if left and emptied_only:
                continue
            session = (await connection.execute(
                sa.delete(sessions)
                .where(sessions.c.user_id == user_id, sessions.c.session_id == session_id)
                .returning(sessions.c.rotation_index, sessions.c.day_label)
            )).mappings().first()
            if session is None:
                continue
            # Only the latest completion moves the rotation back; an older one just stops counting.
            await connection.execute(
                sa.update(users)
                .where(users.c.user_id == user_id, users.c.rotation_index == session["rotation_index"] + 1)
                .values(rotation_index=session["rotation_index"])
            )
            reopened = session["day_label"]
        return reopened

    async def entries(
        self,
        user_id: int,
        *,
        exercise: str | None = None,
        since: datetime | None = None,
        newest_first: bool = False,
        warmups: bool = False,
    ) -> list[LogEntry]:
        """Oldest first (or newest first); warm-ups only when asked, since nothing but history shows them."""
        query = sa.select(set_logs).where(set_logs.c.user_id == user_id)
        if not warmups:
            query = query.where(_WORK)
        if exercise is not None:
            query = query.where(set_logs.c.exercise == exercise)
        if since is not None:
            query = query.where(set_logs.c.logged_at >= since.isoformat())
        order = [set_logs.c.logged_at, set_logs.c.log_id]
        query = query.order_by(*(column.desc() for column in order) if newest_first else order)
        return [_entry(row) for row in await self.db.rows(query)]

    async def recent_sessions_of(
        self, user_id: int, exercises: Collection[str], sessions: int, day_of: Callable[[datetime], Hashable]
    ) -> dict[str, list[LogEntry]]:
        """Each exercise's entries (warm-ups left out) of its latest `sessions` training days, oldest first.

        `day_of(logged_at)` names a training day (the lifter's local date). All the exercises are
        read with one statement: per exercise, a page of its newest rows through
        `set_logs_by_user_exercise`, joined with UNION ALL. A lift is complete once one
        more training day shows up than asked for (so its oldest day kept is whole) or its log
        ends. The first page is one row per day; a lift logged as several rows a day (one per
        set, as imports write them) is read on from where its page ended, sized by the rows per
        day seen so far, so the rows read stay near the window whatever the log's length.
        """
        windows = {exercise: _Window(sessions) for exercise in dict.fromkeys(exercises)}
        pages = {exercise: sessions + 1 for exercise in windows}
        while pages:
            after = {exercise: windows[exercise].last for exercise in pages}
            rows = await self.db.rows(_window_pages(len(pages)), _window_parameters(user_id, pages, after))
            by_exercise: dict[str, list] = {exercise: [] for exercise in pages}
            for row in rows:
                by_exercise[row["exercise"]].append(row)
            for exercise, page_rows in by_exercise.items():
                window = windows[exercise]
                if window.take(page_rows, day_of) or len(page_rows) < pages[exercise]:
                    del pages[exercise]
                else:
                    pages[exercise] = window.next_page()
        return {exercise: window.kept[::-1] for exercise, window in windows.items()}

    async def moments(
        self, user_id: int, *, since: datetime, exercise: str | None = None
    ) -> list[tuple[datetime, int | None]]:
        """(logged_at, session_id) of every entry since `since`, warm-ups included, oldest first.

        Two columns instead of whole entries: enough to find a period's sessions and page through
        them without building an entry per set of a year's log.
        """
        rows = await self.db.tuples(_moments(exercise is not None),
                                    {"user_id": user_id, "since": since.isoformat(), "exercise": exercise})
        return [(datetime.fromisoformat(logged_at), session_id) for logged_at, session_id in rows]

    async def entries_between(
        self, user_id: int, start: datetime, end: datetime, *, exercise: str | None = None
    ) -> list[LogEntry]:
        """Every entry (warm-ups included) logged in [start, end), oldest first."""
        rows = await self.db.rows(_entries_between(exercise is not None), {
            "user_id": user_id, "start": start.isoformat(), "end": end.isoformat(), "exercise": exercise})
        return [_entry(row) for row in rows]

    async def best_loads_before(
        self, user_id: int, exercises: Collection[str], before: datetime, *, least: bool = False
    ) -> dict[str, dict[int, float]]:
        """Exercise -> reps -> the heaviest load (kg) logged for that many reps before `before` (work sets).

        The records an entry after `before` has to beat: the heaviest load, the best estimated 1RM
        (it rises with the load at a given rep count) and the most reps at or above a load.
        Aggregated inside the database over `set_logs_by_user_exercise`, at most 100 rows per
        exercise whatever the length of the log. Exercises never logged before are left out.
        `least`: the lightest load instead, for assisted lifts, whose record is the least assistance.
        """
        if not exercises:
            return {}
        best_of = sa.func.min if least else sa.func.max
        query = (
            sa.select(set_logs.c.exercise, set_logs.c.reps, best_of(set_logs.c.weight_kg).label("heaviest"))
            .where(set_logs.c.user_id == user_id, set_logs.c.exercise.in_(sorted(exercises)),
                   set_logs.c.logged_at < before.isoformat(), _WORK)
            .group_by(set_logs.c.exercise, set_logs.c.reps)
        )
        best: dict[str, dict[int, float]] = {}
        for row in await self.db.rows(query):
            best.setdefault(row["exercise"], {})[row["reps"]] = row["heaviest"]
        return best

    async def sets_by_exercise(self, user_id: int, since: datetime) -> dict[str, int]:
        """Exercise -> sets logged since `since` (work sets, not warm-ups), counted inside the database."""
        rows = await self.db.rows(
            sa.select(set_logs.c.exercise, sa.func.sum(set_logs.c.sets).label("sets"))
            .where(set_logs.c.user_id == user_id, set_logs.c.logged_at >= since.isoformat(), _WORK)
            .group_by(set_logs.c.exercise)
        )
        return {row["exercise"]: int(row["sets"]) for row in rows}

    async def set_pain(self, user_id: int, log_id: int, pain: str | None) -> LogEntry | None:
        """Record the pain reported for one of the user's entries afterwards; None if it is not theirs."""
        await self.db.write(
            sa.update(set_logs).where(set_logs.c.log_id == log_id, set_logs.c.user_id == user_id).values(pain=pain)
        )
        row = await self.db.row(sa.select(set_logs).where(set_logs.c.log_id == log_id, set_logs.c.user_id == user_id))
        return _entry(row) if row else None

    async def latest_logged_at(self, user_id: int, *, exercise: str | None = None) -> datetime | None:
        """When the user's latest entry (of `exercise`, if given) was logged (UTC), or None."""
        query = sa.select(sa.func.max(set_logs.c.logged_at)).where(set_logs.c.user_id == user_id)
        if exercise is not None:
            query = query.where(set_logs.c.exercise == exercise)
        latest = await self.db.scalar(query)
        return datetime.fromisoformat(latest) if latest else None

    async def exercises_logged(self, user_id: int) -> list[str]:
        """Distinct exercise keys this user has logged, most recent first."""
        last = sa.func.max(set_logs.c.logged_at).label("last")
        rows = await self.db.rows(
            sa.select(set_logs.c.exercise, last)
            .where(set_logs.c.user_id == user_id)
            .group_by(set_logs.c.exercise)
            .order_by(last.desc(), set_logs.c.exercise)
        )
        return [row["exercise"] for row in rows]


class _Window:
    """The rows of one exercise read so far, newest first, and the training days they cover."""

    def __init__(self, sessions: int) -> None:
        self.sessions = sessions
        self.kept: list[LogEntry] = []
        self.days: set[Hashable] = set()
        self.rows_read = 0
        self.last: tuple[str, int] | None = None

    def take(self, rows: list, day_of: Callable[[datetime], Hashable]) -> bool:
        """Add a page (newest first); True once a day older than the window showed up."""
        for row in rows:
            entry = _entry(row)
            day = day_of(entry.logged_at)
            if day not in self.days:
                if len(self.days) == self.sessions:
                    return True
                self.days.add(day)
            self.kept.append(entry)
        self.rows_read += len(rows)
        if rows:
            self.last = (rows[-1]["logged_at"], rows[-1]["log_id"])
        return False

    def next_page(self) -> int:
        """Rows likely to finish the window: the days still missing at the rows per day seen, plus a quarter."""
        per_day = self.rows_read / max(1, len(self.days))
        return max(8, int(per_day * (self.sessions + 1 - len(self.days)) * 1.25) + 1)
