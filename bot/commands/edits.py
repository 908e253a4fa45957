"""Fixing the log from /history: pick a day, then a set to edit (a form) or delete, or delete the day.

A day's sets are everything logged on that local date. Deleting every set a completed plan
session logged re-opens that day of the plan; deleting every set of an import lets the file be
imported again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.coach.catalogue import Exercise, Measure
from bot.coach.units import from_kg, to_kg
from bot.commands.base import Context, Interaction, count_argument, id_argument
from bot.commands.formatting import number
from bot.commands.training import show_kind
from bot.errors import UserError
from bot.imports.parser import MAX_LOAD_KG, MAX_NOTE_LENGTH
from bot.replies import Button, ButtonStyle, Choice, Form, Menu, Reply, TextInput, Tone
from bot.reply_limits import SELECT_OPTIONS_LIMIT
from bot.store.training_log import LogEntry

MENU_OPTIONS = SELECT_OPTIONS_LIMIT
DAY_FORMAT = "%a %d %b %Y"


def day_menu(ctx: Context, days: list[date]) -> Menu | None:
    """The /history menu: one choice per day shown on the page."""
    if not days:
        return None
    return Menu(
        action=ctx.action("history-day"),
        placeholder=ctx.text("edits.day_placeholder"),
        choices=tuple(Choice(label=day.strftime(DAY_FORMAT), value=day.isoformat()) for day in days[:MENU_OPTIONS]),
    )


def _day_span(ctx: Context, day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(ctx.profile.timezone)
    start = datetime.combine(day, time(), zone)
    return start.astimezone(UTC), datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)


async def _names(ctx: Context) -> dict[str, str]:
    names = {exercise.key: exercise.name for exercise in ctx.app.catalogue}
    names.update({c.key: c.name for c in await ctx.app.custom_exercises.all(ctx.caller.user_id)})
    return names


def _describe(ctx: Context, entry: LogEntry, names: dict[str, str]) -> str:
    """"Assisted pull-up: 3 × 8 at −20 kg assistance", "Plank: 1 × 45 s at bodyweight": the load in the
    words of the exercise's kind, and seconds or metres for holds and carries, as /history shows them."""
    exercise = ctx.app.catalogue.find(entry.exercise)
    load = show_kind(ctx, exercise, entry.weight_kg) if entry.weight_kg > 0 else ctx.text("history.bodyweight")
    reps = str(entry.reps)
    if exercise is not None and exercise.measure is not Measure.REPS:
        reps += ctx.text(f"history.unit_{exercise.measure.value}")
    text = ctx.text("edits.set_line", exercise=names.get(entry.exercise, entry.exercise), sets=entry.sets,
                    reps=reps, load=load)
    if entry.kind == "warmup":
        text += ctx.text("history.warmup")
    return text


def _parse_day(argument: str) -> date:
    try:
        return date.fromisoformat(argument)
    except ValueError:
        raise UserError("errors.stale_button") from None


async def _entries_on(ctx: Context, day: date) -> list[LogEntry]:
    start, end = _day_span(ctx, day)
    entries = await ctx.app.log.entries(ctx.caller.user_id, since=start, warmups=True)
    return [e for e in entries if e.logged_at < end]


async def choose_day(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    """A day was picked in /history: its sets in a menu, and a button to delete the whole day."""
    if len(interaction.values) != 1:
        raise UserError("errors.stale_button")
    return await _day_view(ctx, _parse_day(interaction.values[0]), 0)


async def day_page(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    """Another page of a day's sets (`argument`: `2026-11-20|1`), in place of the page shown."""
    day, _, page_text = argument.partition("|")
    page = count_argument(page_text)
    if page is None:
        raise UserError("errors.stale_button")
    return (await _day_view(ctx, _parse_day(day), page)).model_copy(update={"update_source": True})


async def _day_view(ctx: Context, day: date, page: int) -> Reply:
    """The day's sets, a page of `MENU_OPTIONS` (Discord's select limit) in the menu, with buttons to
    the pages before and after; a page past the end (sets deleted since) shows the last one."""
    entries = await _entries_on(ctx, day)
    if not entries:
        raise UserError("edits.errors.gone")
    names = await _names(ctx)
    label = day.strftime(DAY_FORMAT)
    pages = -(-len(entries) // MENU_OPTIONS)
    page = min(page, pages - 1)
    first = page * MENU_OPTIONS
    shown = entries[first:first + MENU_OPTIONS]
    body = ctx.text("edits.day", day=label, sets=ctx.plural("count.sets", len(entries)))
    if pages > 1:
        body += "\n" + ctx.text("edits.day_page", first=first + 1, last=first + len(shown), total=len(entries))
    buttons = []
    if page > 0:
        buttons.append(Button(label=ctx.text("edits.earlier_sets", first=first - MENU_OPTIONS + 1, last=first),
                              action=ctx.action("day-page", f"{day.isoformat()}|{page - 1}")))
    if page < pages - 1:
        after = first + len(shown)
        buttons.append(Button(label=ctx.text("edits.later_sets", first=after + 1,
                                             last=min(after + MENU_OPTIONS, len(entries))),
                              action=ctx.action("day-page", f"{day.isoformat()}|{page + 1}")))
    buttons.append(Button(label=ctx.text("edits.delete_day", day=label), action=ctx.action("day-delete", day.isoformat()),
                          style=ButtonStyle.DANGER))
    return Reply(
        title=ctx.text("edits.title"),
        body=body,
        menu=Menu(
            action=ctx.action("history-set"),
            placeholder=ctx.text("edits.set_placeholder"),
            choices=tuple(Choice(label=_describe(ctx, e, names)[:100], value=str(e.log_id)) for e in shown),
        ),
        buttons=tuple(buttons),
        ephemeral=True,
    )


async def _entry(ctx: Context, argument: str) -> LogEntry:
    log_id = id_argument(argument)
    entry = await ctx.app.log.get(ctx.caller.user_id, log_id) if log_id is not None else None
    if entry is None:
        raise UserError("edits.errors.gone")
    return entry


async def choose_set(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    if len(interaction.values) != 1:
        raise UserError("errors.stale_button")
    entry = await _entry(ctx, interaction.values[0])
    body = ctx.text("edits.set", line=_describe(ctx, entry, await _names(ctx)),
                    day=entry.logged_at.astimezone(ZoneInfo(ctx.profile.timezone)).strftime(DAY_FORMAT))
    # A message of its own: the day's menu stays usable for the next set.
    return _set_view(ctx, entry, body).model_copy(update={"update_source": False})


def _set_view(ctx: Context, entry: LogEntry, body: str, tone: Tone = Tone.INFO) -> Reply:
    """One set with its Edit and Delete buttons (kept after a save, so a second fix is one click away)."""
    return Reply(
        title=ctx.text("edits.title"),
        body=body,
        tone=tone,
        buttons=(
            Button(label=ctx.text("edits.edit"), action=ctx.action("set-edit", str(entry.log_id)),
                   style=ButtonStyle.PRIMARY),
            Button(label=ctx.text("edits.delete"), action=ctx.action("set-delete", str(entry.log_id)),
                   style=ButtonStyle.DANGER),
        ),
        ephemeral=True,
        update_source=True,
    )


def _weight_label(ctx: Context, exercise: Exercise | None) -> str:
    """The weight field in the words of the exercise's kind: an assisted lift's stored weight is its
    assistance, a weighted dip's the load added to bodyweight."""
    kind = "assisted" if exercise and exercise.assisted else "added" if exercise and exercise.added_load else "load"
    return ctx.text(f"edits.form_weight_{kind}", unit=ctx.profile.units.value)


def _reps_label(ctx: Context, exercise: Exercise | None) -> str:
    """Reps, or the seconds of a hold and the metres of a carry (stored in the same column)."""
    measure = exercise.measure if exercise is not None else Measure.REPS
    return ctx.text(f"edits.form_{measure.value}")


async def edit_form(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    entry = await _entry(ctx, argument)
    unit = ctx.profile.units
    exercise = ctx.app.catalogue.find(entry.exercise)
    return Reply(form=Form(
        action=ctx.action("set-save", str(entry.log_id)),
        title=ctx.text("edits.form_title"),
        inputs=(
            TextInput(key="weight", label=_weight_label(ctx, exercise),
                      default=number(round(from_kg(entry.weight_kg, unit), 2)), max_length=10),
            TextInput(key="reps", label=_reps_label(ctx, exercise), default=str(entry.reps), max_length=3),
            TextInput(key="rpe", label=ctx.text("edits.form_rpe"), default=number(entry.rpe) if entry.rpe else "",
                      required=False, max_length=4),
            TextInput(key="note", label=ctx.text("edits.form_note"), default=entry.note or "", required=False,
                      multiline=True, max_length=MAX_NOTE_LENGTH),
        ),
    ))


def _number(text: str, field: str, low: float, high: float) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise UserError("edits.errors.number", field=field, value=text.strip()[:20]) from None
    if not low <= value <= high:
        raise UserError("edits.errors.range", field=field, low=number(low), high=number(high))
    return value


async def save_edit(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    entry = await _entry(ctx, argument)
    form, unit = interaction.form, ctx.profile.units
    exercise = ctx.app.catalogue.find(entry.exercise)
    weight_kg = to_kg(_number(form.get("weight", ""), _weight_label(ctx, exercise), 0,
                              round(from_kg(MAX_LOAD_KG, unit), 1)), unit)
    reps_label = _reps_label(ctx, exercise)
    reps = _number(form.get("reps", ""), reps_label, 1, 100)
    if not reps.is_integer():
        raise UserError("edits.errors.whole", field=reps_label, value=form.get("reps", "").strip()[:20])
    rpe_text = form.get("rpe", "").strip()
    rpe = _number(rpe_text, ctx.text("edits.form_rpe"), 1, 10) if rpe_text else None
    note = form.get("note", "").strip()[:MAX_NOTE_LENGTH] or None
    await ctx.app.log.update(ctx.caller.user_id, entry.log_id, weight_kg=weight_kg, entered_unit=unit,
                             reps=int(reps), rpe=rpe, note=note)
    updated = await _entry(ctx, argument)
    return _set_view(ctx, updated, ctx.text("edits.saved", line=_describe(ctx, updated, await _names(ctx))),
                     Tone.SUCCESS)


async def delete_set(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    entry = await _entry(ctx, argument)
    deleted = await ctx.app.log.delete(ctx.caller.user_id, log_id=entry.log_id)
    body = ctx.text("edits.deleted", line=_describe(ctx, entry, await _names(ctx)))
    if deleted.reopened_day:
        body += "\n" + ctx.text("edits.reopened", day=deleted.reopened_day)
    return Reply(title=ctx.text("edits.title"), body=body, tone=Tone.SUCCESS, ephemeral=True, update_source=True)


async def delete_day(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    day = _parse_day(argument)
    deleted = await ctx.app.log.delete(ctx.caller.user_id, between=_day_span(ctx, day))
    if not deleted.entries:
        raise UserError("edits.errors.gone")
    body = ctx.text("edits.day_deleted", day=day.strftime(DAY_FORMAT),
                    sets=ctx.plural("count.sets", len(deleted.entries)))
    if deleted.reopened_day:
        body += "\n" + ctx.text("edits.reopened", day=deleted.reopened_day)
    return Reply(title=ctx.text("edits.title"), body=body, tone=Tone.SUCCESS, ephemeral=True, update_source=True)


ACTIONS = {
    "history-day": choose_day,
    "day-page": day_page,
    "history-set": choose_set,
    "set-edit": edit_form,
    "set-save": save_edit,
    "set-delete": delete_set,
    "day-delete": delete_day,
}
