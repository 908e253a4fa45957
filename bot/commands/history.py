"""/history as a training log: one block per session, one line per exercise in lifters' notation.

`session_blocks` and `compact_sets` are the formatting others reuse (an edit menu, coaching notes):
they take log entries and return text, and query nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from pydantic import Field

from bot.coach.catalogue import Exercise, Measure
from bot.coach.onerm import estimate_1rm, is_reliable
from bot.commands.base import Command, Context, Interaction, count_argument
from bot.commands.edits import DAY_FORMAT, day_menu
from bot.commands.formatting import number
from bot.commands.options import Options
from bot.commands.planning import local_date
from bot.commands.training import complete_exercise, exercise_names, find_exercise, show_kind
from bot.errors import UserError
from bot.replies import Button, Reply, Section
from bot.reply_limits import FIELD_VALUE_LIMIT, shorten_lines
from bot.store.training_log import LogEntry

SESSIONS_PER_PAGE = 6
MAX_HISTORY_DAYS = 365


class HistoryOptions(Options):
    exercise: str | None = Field(default=None, min_length=1, max_length=100)
    days: int = Field(default=30, ge=1, le=MAX_HISTORY_DAYS)


@dataclass(frozen=True)
class SessionBlock:
    """One training session as the log shows it: a /today session (its id), or the /log entries
    of one local day (id None). `entries` are oldest first."""

    day: date
    session_id: int | None
    entries: tuple[LogEntry, ...]


def sessions_of(entries: Sequence[LogEntry], zone: ZoneInfo) -> list[SessionBlock]:
    """Entries grouped into sessions, newest session first."""
    groups: dict[tuple[date, int | None], list[LogEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.logged_at, e.log_id)):
        key = (local_date(entry.logged_at, zone), entry.session_id)
        groups.setdefault(key, []).append(entry)
    blocks = [SessionBlock(day, session_id, tuple(group)) for (day, session_id), group in groups.items()]
    return sorted(blocks, key=lambda block: (block.day, block.entries[-1].logged_at), reverse=True)


def compact_sets(ctx: Context, entries: Sequence[LogEntry], measure: Measure = Measure.REPS,
                 exercise: Exercise | None = None) -> str:
    """One exercise's sets in lifters' notation: "100 kg 3×5 @8, 105 kg 1×3"; different reps at one
    load read "100 kg 5/5/4"; holds and carries count seconds or metres ("bodyweight 3×30 s").
    Loads are shown as the user typed them, in their unit, in the words of the exercise's kind
    ("+10 kg 3×5" added on a belt, "−20 kg assistance 3×8")."""
    parts = []
    for (weight, rpe), run in groupby(entries, key=lambda e: (e.weight_kg, e.rpe)):
        run = list(run)
        reps = [entry.reps for entry in run for _ in range(entry.sets)]
        load = show_kind(ctx, exercise, weight) if weight > 0 else ctx.text("history.bodyweight")
        if len(set(reps)) == 1:
            text = ctx.text("history.sets_same", load=load, sets=len(reps), reps=reps[0])
        else:
            text = ctx.text("history.sets_varied", load=load, reps="/".join(str(r) for r in reps))
        if measure is not Measure.REPS:
            text += ctx.text(f"history.unit_{measure.value}")
        if rpe is not None:
            text += ctx.text("history.rpe", rpe=number(rpe))
        parts.append(text)
    return ", ".join(parts)


def record_ids(
    history: Sequence[LogEntry], counts_reps: Callable[[str], bool],
    earlier: Mapping[str, Mapping[int, float]] | None = None,
    assisted: Callable[[str], bool] = lambda key: False,
) -> dict[int, str]:
    """Log id -> the record key ("history.record_e1rm", "history.record_heaviest" or
    "history.record_least_assistance") of each entry that beat every earlier entry of its exercise.
    An exercise's first entry is no record; an estimated 1RM only counts for exercises measured in
    reps (`counts_reps(key)`), not holds or carries. For an assisted exercise (`assisted(key)`) the
    best load is the least assistance.

    `earlier`: what was logged before `history` starts, as exercise -> reps -> heaviest load in kg
    (`TrainingLog.best_loads_before`; the lightest for assisted exercises); an estimated 1RM grows
    with the load at a given rep count, so that holds every earlier record. Only a set of at most
    10 reps can claim an e1RM record, but every set raises the bar: 30 kg × 10 after 30 kg × 12 is
    no record.
    """
    marked: dict[int, str] = {}
    best_load: dict[str, float] = {}
    best_e1rm: dict[str, float] = {}
    for key, loads in (earlier or {}).items():
        best_load[key] = max(-load if assisted(key) else load for load in loads.values())
        best_e1rm[key] = max((estimate_1rm(load, reps) for reps, load in loads.items()
                              if load > 0 and counts_reps(key)), default=0.0)
    for entry in sorted(history, key=lambda e: (e.logged_at, e.log_id)):
        key = entry.exercise
        measured = entry.weight_kg > 0 and counts_reps(key)
        e1rm = estimate_1rm(entry.weight_kg, entry.reps) if measured else 0.0
        load = -entry.weight_kg if assisted(key) else entry.weight_kg
        if key in best_load:
            if is_reliable(entry.reps) and e1rm > best_e1rm[key] + 1e-9:
                marked[entry.log_id] = "history.record_e1rm"
            elif load > best_load[key] + 1e-9:
                marked[entry.log_id] = "history.record_least_assistance" if assisted(key) else "history.record_heaviest"
        best_load[key] = max(best_load.get(key, load), load)
        best_e1rm[key] = max(best_e1rm.get(key, 0.0), e1rm)
    return marked


def session_section(
    ctx: Context,
    block: SessionBlock,
    names: dict[str, str],
    plan_days: dict[int, str],
    records: dict[int, str],
    extra_lines: Callable[[SessionBlock], list[str]] | None = None,
) -> Section:
    """The block as an embed field: "Mon 23 Nov · Full body A" over one line per exercise, with
    notes and records; `extra_lines` lets a caller add its own lines (e.g. coaching notes)."""
    header = ctx.text("history.day", day=block.day.strftime(DAY_FORMAT))
    if block.session_id is not None and block.session_id in plan_days:
        header = ctx.text("history.day_with_plan", day=header, plan=plan_days[block.session_id])
    lines = []
    order = list(dict.fromkeys(entry.exercise for entry in block.entries))
    for key in order:
        sets = [entry for entry in block.entries if entry.exercise == key]
        work = [entry for entry in sets if entry.kind != "warmup"]
        warmups = [entry for entry in sets if entry.kind == "warmup"]
        shown = [compact_sets(ctx, part, _measure(ctx, key), ctx.app.catalogue.find(key)) for part in (warmups, work)
                 if part]
        if warmups:
            shown[0] += ctx.text("history.warmup")
        line = ctx.text("history.exercise_line", exercise=names.get(key, key), sets=", ".join(shown))
        kinds = list(dict.fromkeys(records[e.log_id] for e in sets if e.log_id in records))
        if kinds:
            line += ctx.text("history.records", records=", ".join(ctx.text(kind) for kind in kinds))
        for note in dict.fromkeys(entry.note for entry in sets if entry.note):
            line += ctx.text("history.note", note=note)
        lines.append(line)
    if extra_lines is not None:
        lines += extra_lines(block)
    return Section(name=header, value=shorten_lines(lines, FIELD_VALUE_LIMIT))


def _has_1rm(ctx: Context, key: str) -> bool:
    """Whether a logged load of this exercise gives a 1RM (not added load or assistance)."""
    exercise = ctx.app.catalogue.find(key)
    return exercise is None or exercise.has_1rm


def _assisted(ctx: Context, key: str) -> bool:
    exercise = ctx.app.catalogue.find(key)
    return exercise is not None and exercise.assisted


def _measure(ctx: Context, key: str) -> Measure:
    """How the exercise's sets are counted; the user's own exercises count reps."""
    try:
        return ctx.app.catalogue.get(key).measure
    except KeyError:
        return Measure.REPS


def period_start(now: datetime, zone: ZoneInfo, days: int) -> datetime:
    """The UTC start of the last `days` local calendar days, today included: `days=1` is since
    local midnight, `days=7` since midnight six days ago (a rolling 24 h was not "today")."""
    first = now.astimezone(zone).date() - timedelta(days=days - 1)
    return datetime.combine(first, time(), zone).astimezone(UTC)


async def history_page(ctx: Context, exercise_key: str | None, days: int, page: int) -> Reply:
    """One page of the period's sessions. Only the page's entries are read whole: the period's
    sessions come from two columns of its entries, and the records from the best loads before the page."""
    user_id = ctx.caller.user_id
    zone = ZoneInfo(ctx.profile.timezone)
    moments = await ctx.app.log.moments(user_id, since=period_start(ctx.now, zone, days), exercise=exercise_key)
    if not moments:
        when = ctx.text("history.when_today") if days == 1 else ctx.text(
            "history.when_days", days=ctx.plural("count.days", days))
        latest = await ctx.app.log.latest_logged_at(user_id, exercise=exercise_key)
        body = (ctx.text("history.empty_older", when=when, day=local_date(latest, zone).strftime(DAY_FORMAT),
                         limit=MAX_HISTORY_DAYS)
                if latest is not None and latest <= ctx.now else ctx.text("history.empty", when=when))
        return Reply(title=ctx.text("history.title"), body=body, ephemeral=True)
    # The sessions as `sessions_of` orders them: newest local day first, then by their latest entry.
    keys = [(local_date(moment, zone), session_id) for moment, session_id in moments]
    latest: dict[tuple[date, int | None], datetime] = {}
    earliest: dict[tuple[date, int | None], datetime] = {}
    for key, (moment, _) in zip(keys, moments, strict=True):
        earliest.setdefault(key, moment)
        latest[key] = moment
    ordered = sorted(latest, key=lambda key: (key[0], latest[key]), reverse=True)
    pages = (len(ordered) + SESSIONS_PER_PAGE - 1) // SESSIONS_PER_PAGE
    page = max(0, min(page, pages - 1))
    wanted = set(ordered[page * SESSIONS_PER_PAGE:(page + 1) * SESSIONS_PER_PAGE])
    start = min(earliest[key] for key in wanted)
    end = max(latest[key] for key in wanted) + timedelta(microseconds=1)
    around = await ctx.app.log.entries_between(user_id, start, end, exercise=exercise_key)
    on_page = sessions_of([e for e in around if (local_date(e.logged_at, zone), e.session_id) in wanted], zone)
    names = await exercise_names(ctx)
    plan_days = await ctx.app.users.session_labels(
        user_id, [block.session_id for block in on_page if block.session_id is not None]
    )
    # A record beats every earlier entry: those before the page come as best loads by rep count.
    work = [entry for entry in around if entry.kind != "warmup"]
    logged = {entry.exercise for entry in work}
    assisted = {key for key in logged if _assisted(ctx, key)}
    earlier = {**await ctx.app.log.best_loads_before(user_id, logged - assisted, start),
               **await ctx.app.log.best_loads_before(user_id, assisted, start, least=True)}
    records = record_ids(work, lambda key: _measure(ctx, key) is Measure.REPS and _has_1rm(ctx, key), earlier,
                         lambda key: key in assisted)
    sections = tuple(session_section(ctx, block, names, plan_days, records) for block in on_page)
    argument = f"{exercise_token(exercise_key) if exercise_key else ''}|{days}|"
    buttons = []
    if page > 0:
        buttons.append(Button(label=ctx.text("buttons.newer"), action=ctx.action("history", f"{argument}{page - 1}")))
    if page < pages - 1:
        buttons.append(Button(label=ctx.text("buttons.older"), action=ctx.action("history", f"{argument}{page + 1}")))
    return Reply(
        title=ctx.text("history.title"),
        body=ctx.text("history.page", page=page + 1, pages=pages, sessions=ctx.plural("count.sessions", len(ordered)),
                      period=ctx.text("history.period_today") if days == 1 else ctx.text(
                          "history.period_days", days=ctx.plural("count.days", days))),
        sections=sections,
        buttons=tuple(buttons),
        menu=day_menu(ctx, list(dict.fromkeys(block.day for block in on_page))),
        ephemeral=True,
        update_source=True,
    )


async def history(ctx: Context, options: HistoryOptions) -> Reply:
    key = (await find_exercise(ctx, options.exercise)).key if options.exercise else None
    return (await history_page(ctx, key, options.days, 0)).model_copy(update={"update_source": False})


def exercise_token(key: str) -> str:
    """A short, fixed-length stand-in for an exercise key in a custom id (a custom name can be 100
    characters, and a custom id at most 100 in all)."""
    return hashlib.blake2s(key.encode(), digest_size=6).hexdigest()


async def history_button(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    try:
        token, days_text, page_text = argument.split("|")
        days, page = count_argument(days_text), count_argument(page_text)
        if days is None or page is None or not 1 <= days <= MAX_HISTORY_DAYS:
            raise ValueError(argument)
        key = None
        if token:
            key = next(key for key in await exercise_names(ctx) if exercise_token(key) == token)
        return await history_page(ctx, key, days, page)
    except (ValueError, StopIteration):
        raise UserError("errors.stale_button") from None


COMMANDS = (Command("history", HistoryOptions, history, completers={"exercise": complete_exercise}),)
ACTIONS = {"history": history_button}
