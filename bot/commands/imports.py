"""/import: bring a Strong, Hevy, FitNotes or Liftcoach CSV export into the training log.

Steps, each a reply with buttons (or typed `/click`/`/select` in the console): the unit question
when the file gives none, a preview, an optional review of unknown exercise names (one select
menu per name), then confirm. The file waits in `pending_imports` between steps; nothing reaches
the log until the confirm, which stores everything in one transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.coach.catalogue import normalise
from bot.coach.units import format_load, to_kg
from bot.coach.vocabulary import Unit
from bot.commands.base import Command, Context, Interaction, Upload
from bot.commands.formatting import number
from bot.commands.options import Options
from bot.commands.planning import local_date
from bot.errors import UserError
from bot.imports.formats import Source
from bot.imports.parser import ImportedSet, ParsedExport, check_file, parse_export
from bot.replies import Button, ButtonStyle, Choice, Menu, Reply, Section, Tone
from bot.reply_limits import FIELD_VALUE_LIMIT, shorten_lines
from bot.store.custom_exercises import custom_key
from bot.store.imports import ImportedRow, PendingImport

MENU_OPTIONS = 25  # Discord's limit for one select menu
UNKNOWN_LISTED = 10
KEEP_AS_CUSTOM = "custom"
# Progress is reported every this many sets while storing a large file.
PROGRESS_EVERY = 5000


class ImportOptions(Options):
    file: Upload
    unit: Unit | None = None
    source: Source = Source.AUTO


@lru_cache(maxsize=4)
def _parse_cached(data: bytes, zone: str, source: Source, unit: Unit | None, today: date) -> ParsedExport:
    # Each step of one import reads the same file again; keep the last few parses.
    return parse_export(data, zone=ZoneInfo(zone), source=source, unit=unit, today=today)


async def _parse(ctx: Context, pending: PendingImport) -> ParsedExport:
    today = local_date(ctx.now, ZoneInfo(ctx.profile.timezone))
    return await asyncio.to_thread(_parse_cached, pending.data, ctx.profile.timezone, Source(pending.source),
                                   pending.unit, today)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def _pending(ctx: Context) -> PendingImport:
    pending = await ctx.app.imports.pending(ctx.caller.user_id)
    if pending is None:
        raise UserError("imports.errors.nothing_pending")
    return pending


async def _already_imported(ctx: Context, data: bytes) -> Reply | None:
    batch = await ctx.app.imports.batch(ctx.caller.user_id, content_hash(data))
    if batch is None:
        return None
    return Reply(
        title=ctx.text("imports.title"),
        body=ctx.text("imports.already", filename=batch.filename, sets=ctx.plural("count.sets", batch.sets_added),
                      day=local_date(batch.created_at, ZoneInfo(ctx.profile.timezone)).isoformat()),
        ephemeral=True,
        update_source=True,
    )


async def import_file(ctx: Context, options: ImportOptions) -> Reply:
    upload = options.file
    check_file(upload.filename, len(upload.data))
    done = await _already_imported(ctx, upload.data)
    if done is not None:
        return done.model_copy(update={"update_source": False})
    await ctx.report("imports.progress.reading", filename=upload.filename)
    source = options.source
    pending = PendingImport(upload.filename, source.value, options.unit, upload.data)
    parsed = await _parse(ctx, pending)
    # Remember what the file turned out to be, so the next steps need not sniff again.
    pending = PendingImport(upload.filename, parsed.source.value, options.unit, upload.data)
    await ctx.app.imports.save_pending(ctx.caller.user_id, pending, ctx.now)
    reply = unit_question(ctx, parsed) if parsed.needs_unit else await preview(ctx, pending, parsed)
    return reply.model_copy(update={"update_source": False})


# -- the unit question ------------------------------------------------------------------------


def unit_question(ctx: Context, parsed: ParsedExport) -> Reply:
    sample: ImportedSet = parsed.unit_sample()
    value = number(round(sample.weight, 1))
    as_lb = format_load(round(to_kg(sample.weight, Unit.LB), 1), Unit.KG)
    return Reply(
        title=ctx.text("imports.unit_title"),
        body=ctx.text("imports.unit_question", exercise=sample.exercise, value=value, as_lb=as_lb,
                      as_kg=format_load(round(sample.weight, 1), Unit.KG), line=sample.line),
        buttons=(
            Button(label=ctx.text("imports.unit_lb", value=value, as_lb=as_lb), action=ctx.action("import-unit", "lb"),
                   style=ButtonStyle.PRIMARY),
            Button(label=ctx.text("imports.unit_kg", value=value), action=ctx.action("import-unit", "kg"),
                   style=ButtonStyle.PRIMARY),
            Button(label=ctx.text("buttons.cancel"), action=ctx.action("import-cancel")),
        ),
        ephemeral=True,
        update_source=True,
    )


async def choose_unit(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    try:
        unit = Unit(argument)
    except ValueError:
        raise UserError("errors.stale_button") from None
    pending = await _pending(ctx)
    await ctx.app.imports.update_pending(ctx.caller.user_id, unit=unit)
    pending = PendingImport(pending.filename, pending.source, unit, pending.data, pending.choices)
    return await preview(ctx, pending, await _parse(ctx, pending))


# -- names ------------------------------------------------------------------------------------


async def _resolved(ctx: Context, pending: PendingImport, parsed: ParsedExport) -> dict[str, str | None]:
    """Every exercise name in the file -> catalogue or custom key; None when nobody has decided yet."""
    remembered = await ctx.app.imports.mappings(ctx.caller.user_id)
    remembered.update(pending.choices)
    names: dict[str, str | None] = {}
    for name in parsed.exercise_names():
        names[name] = ctx.app.names.resolve(name, remembered)
    for item in parsed.sets:
        if item.exercise_key is not None:
            known = item.exercise_key.startswith("custom-") or _in_catalogue(ctx, item.exercise_key)
            names.setdefault(item.exercise, item.exercise_key if known else None)
    return names


def _in_catalogue(ctx: Context, key: str) -> bool:
    try:
        ctx.app.catalogue.get(key)
    except KeyError:
        return False
    return True


def _unknown(names: dict[str, str | None], parsed: ParsedExport) -> list[str]:
    """Unknown names, the most-used first."""
    counts = parsed.exercise_names()
    return sorted((name for name, key in names.items() if key is None), key=lambda name: (-counts[name], name))


# -- the preview --------------------------------------------------------------------------------


async def preview(ctx: Context, pending: PendingImport, parsed: ParsedExport) -> Reply:
    names = await _resolved(ctx, pending, parsed)
    unknown = _unknown(names, parsed)
    zone = ZoneInfo(ctx.profile.timezone)
    units = parsed.units()
    unit_text = ", ".join(sorted(u.value for u in units)) or ctx.text("imports.unit_none")
    sections = [Section(
        name=ctx.text("imports.preview_found"),
        value=ctx.text(
            "imports.preview_counts", sets=ctx.plural("count.sets", len(parsed.sets)),
            working=ctx.plural("count.working_sets", parsed.working_sets),
            warmups=ctx.plural("count.warmup_sets", parsed.warmups),
            sessions=ctx.plural("count.sessions", len(parsed.sessions)),
            first=local_date(parsed.first_day, zone).isoformat(), last=local_date(parsed.last_day, zone).isoformat(),
            unit=unit_text,
        ),
    )]
    if parsed.skipped:
        lines = [
            ctx.text("imports.skipped_line", rows=ctx.plural(f"imports.skipped.{reason.value}", entry.count),
                     line=entry.first_line)
            for reason, entry in sorted(parsed.skipped.items(), key=lambda item: -item[1].count)
        ]
        sections.append(Section(name=ctx.text("imports.preview_skipped"), value=shorten_lines(lines, FIELD_VALUE_LIMIT)))
    notes = []
    if parsed.repaired_rows:
        notes.append(ctx.plural("imports.repaired", parsed.repaired_rows))
    if parsed.by_position:
        notes.append(ctx.text("imports.by_position"))
    matched = len(names) - len(unknown)
    exercises = [ctx.text("imports.names_matched", matched=matched, total=len(names))]
    if unknown:
        listed = ", ".join(f"`{name}`" for name in unknown[:UNKNOWN_LISTED])
        more = len(unknown) - UNKNOWN_LISTED
        exercises.append(ctx.text("imports.names_unknown", count=len(unknown), names=listed,
                                  more=ctx.text("imports.names_more", count=more) if more > 0 else ""))
    sections.append(Section(name=ctx.text("imports.preview_names"), value=shorten_lines(exercises, FIELD_VALUE_LIMIT)))
    confirm_label = ctx.text("imports.confirm", sets=ctx.plural("count.sets", len(parsed.sets)))
    buttons = [Button(label=confirm_label, action=ctx.action("import-confirm"),
                      style=ButtonStyle.SUCCESS)]
    if unknown:
        buttons.append(Button(label=ctx.text("imports.review", names=ctx.plural("count.names", len(unknown))),
                              action=ctx.action("import-review", "0"), style=ButtonStyle.PRIMARY))
    buttons.append(Button(label=ctx.text("buttons.cancel"), action=ctx.action("import-cancel")))
    return Reply(
        title=ctx.text("imports.preview_title", filename=pending.filename),
        body="\n".join([ctx.text("imports.preview_body", source=ctx.text(f"imports.source.{parsed.source.value}"),
                                 rows=ctx.plural("count.rows", parsed.rows_read)), *notes]),
        sections=tuple(sections),
        buttons=tuple(buttons),
        ephemeral=True,
        update_source=True,
    )


async def show_preview(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    pending = await _pending(ctx)
    return await preview(ctx, pending, await _parse(ctx, pending))


# -- the review step ------------------------------------------------------------------------------


def _suggestions(ctx: Context, name: str) -> list[Choice]:
    base = re.sub(r"\([^)]*\)", " ", name)
    found = [*ctx.app.catalogue.suggest(name, limit=8), *ctx.app.catalogue.suggest(base, limit=8),
             *ctx.app.catalogue.search(base.strip(), limit=MENU_OPTIONS)]
    for word in sorted(set(normalise(word) for word in base.split() if len(word) > 3)):
        found += ctx.app.catalogue.search(word, limit=MENU_OPTIONS)
    if not found:
        found = list(ctx.app.catalogue)
    unique = list({exercise.key: exercise for exercise in found}.values())[:MENU_OPTIONS - 1]
    return [Choice(label=ctx.text("imports.keep_custom"), value=KEEP_AS_CUSTOM)] + [
        Choice(label=exercise.name, value=exercise.key) for exercise in unique
    ]


async def review(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    pending = await _pending(ctx)
    parsed = await _parse(ctx, pending)
    unknown = _unknown(await _resolved(ctx, pending, parsed), parsed)
    if not unknown:
        return await preview(ctx, pending, parsed)
    name = unknown[0]
    counts = parsed.exercise_names()
    return Reply(
        title=ctx.text("imports.review_title"),
        body=ctx.text("imports.review_name", name=name, sets=ctx.plural("count.sets", counts[name]),
                      left=ctx.plural("count.names", len(unknown))),
        menu=Menu(action=ctx.action("import-map", str(len(unknown))), placeholder=ctx.text("imports.review_placeholder"),
                  choices=tuple(_suggestions(ctx, name))),
        buttons=(
            Button(label=ctx.text("imports.keep_rest"), action=ctx.action("import-preview"),
                   style=ButtonStyle.PRIMARY),
            Button(label=ctx.text("buttons.cancel"), action=ctx.action("import-cancel")),
        ),
        ephemeral=True,
        update_source=True,
    )


async def map_name(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    """The user's choice for the first unknown name; the argument guards against a stale menu."""
    pending = await _pending(ctx)
    parsed = await _parse(ctx, pending)
    unknown = _unknown(await _resolved(ctx, pending, parsed), parsed)
    if not unknown or argument != str(len(unknown)) or len(interaction.values) != 1:
        raise UserError("errors.stale_button")
    name, [value] = unknown[0], interaction.values
    if value == KEEP_AS_CUSTOM:
        key = custom_key(name)
    elif _in_catalogue(ctx, value):
        key = value
    else:
        raise UserError("errors.invalid_value", value=value)
    choices = {**pending.choices, normalise(name): key}
    await ctx.app.imports.update_pending(ctx.caller.user_id, choices=choices)
    return await review(ctx, "", interaction)


# -- confirm and cancel ---------------------------------------------------------------------------


def import_key(parsed: ParsedExport, item: ImportedSet) -> str:
    """Stable across re-imports of the same history (in any time zone: the session key is the file's own
    text), distinct for identical sets at different positions."""
    session = parsed.sessions[item.session]
    text = "|".join(str(part) for part in (
        parsed.source.value, session.key, item.position, item.exercise, item.weight, item.reps, item.kind.value,
    ))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


async def confirm(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    # A double click: the second waits here for the first, then finds the file imported.
    await ctx.app.users.hold(ctx.caller.user_id)
    pending = await _pending(ctx)
    done = await _already_imported(ctx, pending.data)
    if done is not None:
        await ctx.app.imports.drop_pending(ctx.caller.user_id)
        return done
    parsed = await _parse(ctx, pending)
    if parsed.needs_unit:
        return unit_question(ctx, parsed)
    names = await _resolved(ctx, pending, parsed)
    keys = {name: key or custom_key(name) for name, key in names.items()}
    user_id = ctx.caller.user_id
    # A name kept as the user's own in an earlier import resolves to that exercise: make only new ones.
    own = {exercise.key for exercise in await ctx.app.custom_exercises.all(user_id)}
    for name, key in keys.items():
        if key.startswith("custom-") and key == custom_key(name) and key not in own:
            await ctx.app.custom_exercises.add(user_id, name, ctx.now)
    fallback = parsed.file_unit or Unit.KG
    rows = []
    for count, item in enumerate(parsed.sets, start=1):
        rows.append(ImportedRow(
            import_key=import_key(parsed, item), exercise=keys[item.exercise],
            weight_kg=item.weight_kg(fallback), entered_unit=item.unit or fallback, reps=item.reps,
            kind=item.kind.value, rpe=item.rpe, note=item.note, logged_at=item.performed_at,
        ))
        if count % PROGRESS_EVERY == 0:
            await ctx.report("imports.progress.storing", done=count, total=len(parsed.sets))
    # Remember every decision about a name from the file (not names Liftcoach's own export carries keys for).
    mappings = {normalise(name): key for name, key in keys.items() if name in parsed.exercise_names()}
    added = await ctx.app.imports.commit(
        user_id, rows, content_hash=content_hash(pending.data), filename=pending.filename,
        source=parsed.source.value, mappings=mappings, now=ctx.now,
    )
    zone = ZoneInfo(ctx.profile.timezone)
    lines = [ctx.text("imports.done", sets=ctx.plural("count.sets", added),
                      sessions=ctx.plural("count.sessions", len(parsed.sessions)),
                      first=local_date(parsed.first_day, zone).isoformat(),
                      last=local_date(parsed.last_day, zone).isoformat())]
    if added < len(rows):
        lines.append(ctx.plural("imports.done_existing", len(rows) - added))
    lines.append(ctx.text("imports.done_next"))
    return Reply(
        title=ctx.text("imports.done_title"),
        body="\n".join(lines),
        buttons=(Button(label=ctx.text("buttons.today"), action=ctx.action("today"), style=ButtonStyle.PRIMARY),),
        tone=Tone.SUCCESS,
        ephemeral=True,
        update_source=True,
    )


async def cancel(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    await ctx.app.imports.drop_pending(ctx.caller.user_id)
    return Reply(title=ctx.text("imports.title"), body=ctx.text("imports.cancelled"), ephemeral=True,
                 update_source=True)


COMMANDS = (Command("import", ImportOptions, import_file),)
ACTIONS = {
    "import-unit": choose_unit,
    "import-preview": show_preview,
    "import-review": review,
    "import-map": map_name,
    "import-confirm": confirm,
    "import-cancel": cancel,
}
