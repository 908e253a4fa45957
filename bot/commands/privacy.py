"""/export and /forget: a user takes all their data with them, or deletes it, after a confirmation."""

from __future__ import annotations

import base64
import json
from collections import Counter
from zoneinfo import ZoneInfo

from bot.coach.units import from_kg
from bot.commands.base import Command, Context, Interaction
from bot.commands.options import NoOptions
from bot.imports.liftcoach_format import ExportRow, write_csv
from bot.replies import Attachment, Button, ButtonStyle, Reply, Tone
from bot.store.personal_data import per_user_tables
from bot.store.training_log import LogEntry

EXPORT_FORMAT = "liftcoach-export"
EXPORT_VERSION = 1


# The order /forget names what it deletes in; a table missing here (added later) is named last.
_READING_ORDER = ("users", "set_logs", "sessions", "equipment_profiles", "exercise_swaps", "custom_exercises",
                  "reminders", "reminder_deliveries", "readiness_screens", "progression_pauses", "import_batches",
                  "pending_imports", "exercise_name_mappings")


def _deleted() -> list[str]:
    """The tables /forget empties for a user (every table about users), in `_READING_ORDER`."""
    names = [table.name for table in per_user_tables()]
    return sorted(names, key=lambda name: _READING_ORDER.index(name) if name in _READING_ORDER else len(names))


async def forget(ctx: Context, options: NoOptions) -> Reply:
    if await ctx.app.users.get(ctx.caller.user_id) is None:
        return Reply(title=ctx.text("forget.title"), body=ctx.text("forget.nothing"), ephemeral=True)
    return Reply(
        title=ctx.text("forget.title"),
        body=ctx.text("forget.confirm", data=ctx.listing([ctx.text(f"forget.data.{name}") for name in _deleted()])),
        buttons=(Button(label=ctx.text("buttons.forget"), action=ctx.action("forget"), style=ButtonStyle.DANGER),),
        tone=Tone.WARNING,
        ephemeral=True,
    )


async def forget_confirmed(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    await ctx.app.users.delete(ctx.caller.user_id)
    ctx.app.prepared.forget(ctx.caller.user_id)
    return Reply(title=ctx.text("forget.title"), body=ctx.text("forget.done"), tone=Tone.SUCCESS, ephemeral=True)


async def export(ctx: Context, options: NoOptions) -> Reply:
    """Two ephemeral files: every stored row about the user (JSON) and the log, one row per set (CSV)."""
    user_id = ctx.caller.user_id
    tables = await ctx.app.personal_data.rows_about(user_id)
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": ctx.now.isoformat(),
        "user_id": str(user_id),  # as text: JavaScript numbers lose Discord ids' last digits
        "units": "Loads are kilograms (weight_kg); times are ISO 8601 UTC; files (a pending import) are base64.",
        "tables": tables,
    }
    entries = await ctx.app.log.entries(user_id, warmups=True)
    names = {exercise.key: exercise.name for exercise in ctx.app.catalogue}
    names.update({row["key"]: row["name"] for row in tables.get("custom_exercises", ())})
    labels = {row["session_id"]: row["day_label"] for row in tables.get("sessions", ())}
    stamp = ctx.now.strftime("%Y%m%d")
    return Reply(
        title=ctx.text("export.title"),
        body=ctx.text("export.body", entries=ctx.plural("count.entries", len(entries)),
                      sets=ctx.plural("count.sets", sum(e.sets for e in entries)),
                      unit=ctx.profile.units.value),
        attachments=(
            Attachment(filename=f"liftcoach-{stamp}.json", description=ctx.text("export.json_description"),
                       data=json.dumps(document, indent=2, ensure_ascii=False, default=_base64).encode("utf-8")),
            Attachment(filename=f"liftcoach-log-{stamp}.csv", description=ctx.text("export.csv_description"),
                       data=write_csv(csv_rows(ctx, entries, names, labels), ctx.profile.units)),
        ),
        tone=Tone.SUCCESS,
        ephemeral=True,
    )


def _base64(value: object) -> str:
    """JSON for the one non-text type the schema stores: file contents (bytes)."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot export {type(value).__name__}")


def csv_rows(ctx: Context, entries: list[LogEntry], names: dict[str, str],
             session_labels: dict[int, str]) -> list[ExportRow]:
    """One row per set in time order; an entry of N identical sets becomes N rows.

    A set logged with a /today session is in the workout "<local date> <day label>"; other sets
    are grouped by local day. Loads are in the user's unit; times carry the user's UTC offset.
    """
    zone = ZoneInfo(ctx.profile.timezone)
    unit = ctx.profile.units
    numbering: Counter[tuple[str, str]] = Counter()
    rows = []
    for entry in entries:
        local = entry.logged_at.astimezone(zone)
        label = session_labels.get(entry.session_id) if entry.session_id is not None else None
        workout = f"{local.date().isoformat()} {label}" if label else local.date().isoformat()
        for _ in range(entry.sets):
            numbering[workout, entry.exercise] += 1
            rows.append(ExportRow(
                workout=workout, performed_at=local, exercise=names.get(entry.exercise, entry.exercise),
                exercise_key=entry.exercise, set_number=numbering[workout, entry.exercise],
                kind=entry.kind, weight=round(from_kg(entry.weight_kg, unit), 3), reps=entry.reps,
                rpe=entry.rpe, note=entry.note,
            ))
    return rows


COMMANDS = (Command("forget", NoOptions, forget, registers_caller=False), Command("export", NoOptions, export))
ACTIONS = {"forget": forget_confirmed}
