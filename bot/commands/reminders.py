"""/remind set|off|status, the reminder DM with Done / Snooze / Skip, and adherence lines."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field

from bot.coach.schedule import (
    DEFAULT_TIME,
    WEEKDAYS,
    ScheduleError,
    default_days,
    load_zone,
    parse_days,
    parse_time,
)
from bot.commands.base import Command, Context, Interaction, count_argument
from bot.commands.core import complete_timezone, save_timezone
from bot.commands.options import Options
from bot.commands.planning import adherence_line, planned_session
from bot.errors import UserError
from bot.replies import Button, ButtonStyle, Form, Reply, Section, TextInput, Tone
from bot.reply_limits import FIELD_VALUE_LIMIT, shorten_lines
from bot.store.reminders import DueReminder, ReminderSettings

SNOOZE = timedelta(hours=1)
PAIN_WORDS = ("injur", "pain", "hurt", "sore joint", "dizz", "chest")


class RemindSetOptions(Options):
    days: str | None = Field(default=None, min_length=1, max_length=100)
    time: str | None = Field(default=None, min_length=1, max_length=20)
    timezone: str | None = Field(default=None, min_length=1, max_length=64)


class RemindOptions(Options):
    pass


def schedule_error(error: ScheduleError) -> UserError:
    return UserError(error.key, **error.params)


def discord_time(moment: datetime) -> str:
    """Discord shows `<t:unix:F>` in each reader's own time zone."""
    return f"<t:{int(moment.timestamp())}:F>"


def slot_line(ctx: Context, moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return ctx.text("remind.slot", local=local.strftime("%a %d %b %H:%M"), zone=zone.key, stamp=discord_time(moment))


def status_reply(ctx: Context, settings: ReminderSettings | None, *, saved: bool) -> Reply:
    """The schedule, private: its days, time and time zone say when and where the user lives."""
    if settings is None or not settings.enabled:
        return Reply(title=ctx.text("remind.title"), body=ctx.text("remind.none"), ephemeral=True)
    zone = load_zone(settings.timezone)
    days = ctx.listing([WEEKDAYS[day].capitalize() for day in settings.days])
    lines = [ctx.text("remind.saved" if saved else "remind.current", days=days,
                      time=settings.local_time.strftime("%H:%M"), zone=settings.timezone)]
    if settings.paused_reason == "undeliverable":
        lines.append(ctx.text("remind.paused_dms"))
    slots = settings.upcoming(3)
    if settings.snooze_due_utc is not None:
        slots = sorted({*slots, settings.snooze_due_utc})
    sections = ()
    if slots:
        sections = (Section(name=ctx.text("remind.next_title"), value="\n".join(slot_line(ctx, s, zone) for s in slots)),)
    if not ctx.caller.in_dm and settings.dm_channel_id is None:
        lines.append(ctx.text("remind.open_dms"))
    return Reply(title=ctx.text("remind.title"), body="\n".join(lines), sections=sections,
                 tone=Tone.SUCCESS if saved else Tone.INFO, ephemeral=True)


async def remind_set(ctx: Context, options: RemindSetOptions) -> Reply:
    """Changes only what is given: days and time keep their saved values (or the defaults for a
    first schedule: the plan's training days at 18:00). `timezone:` sets the user's one time zone,
    as `/settings timezone:` does."""
    notes = []
    if options.timezone is not None:
        # The schedule saved below shows the reminders' new times, so no separate note for them.
        notes = await save_timezone(ctx, options.timezone, announce_reminders=False)
    current = await ctx.app.reminders.get(ctx.caller.user_id)
    try:
        if options.days:
            days = parse_days(options.days)
        else:
            days = current.days if current else default_days(ctx.profile.days_per_week)
        if options.time:
            local_time = parse_time(options.time)
        else:
            local_time = current.local_time if current else DEFAULT_TIME
    except ScheduleError as error:
        raise schedule_error(error) from None
    settings = await ctx.app.reminders.set_schedule(
        ctx.caller.user_id, days, local_time, ctx.profile.timezone, ctx.now
    )
    reply = status_reply(ctx, settings, saved=True)
    lines = [reply.body, *notes]
    if ctx.profile.timezone == "UTC" and options.timezone is None:
        # Discord never tells a bot the user's time zone; UTC is only the default.
        lines.append(ctx.text("remind.utc_hint"))
    return reply.model_copy(update={"body": "\n".join(lines)})


async def remind_off(ctx: Context, options: RemindOptions) -> Reply:
    turned_off = await ctx.app.reminders.turn_off(ctx.caller.user_id, ctx.now)
    return Reply(title=ctx.text("remind.title"), body=ctx.text("remind.off" if turned_off else "remind.none"),
                 tone=Tone.SUCCESS if turned_off else Tone.INFO, ephemeral=True)


async def remind_status(ctx: Context, options: RemindOptions) -> Reply:
    return status_reply(ctx, await ctx.app.reminders.get(ctx.caller.user_id), saved=False)


# -- the reminder DM -------------------------------------------------------------------------------


def _slot_argument(slot: datetime, rotation: int) -> str:
    return f"{int(slot.timestamp())}|{rotation}"


def _parse_slot_argument(argument: str) -> tuple[datetime, int]:
    try:
        stamp, rotation_text = argument.split("|")
        rotation = count_argument(rotation_text)
        if rotation is None:
            raise ValueError(rotation_text)
        return datetime.fromtimestamp(int(stamp), tz=ZoneInfo("UTC")), rotation
    except (ValueError, OverflowError, OSError):  # not a number, or a time no clock can show
        raise UserError("errors.stale_button") from None


async def reminder_message(ctx: Context, reminder: DueReminder) -> Reply:
    """The DM: today's session in brief, adherence, and Done / Snooze / Skip."""
    lines = [ctx.text("reminder.late" if reminder.late else "reminder.intro")]
    sections: tuple[Section, ...] = ()
    title = ctx.text("reminder.title_no_goal")
    if ctx.profile.goal is not None:
        session = await planned_session(ctx)
        title = ctx.text("reminder.title", day=session.day_label)
        preview = [
            ctx.text("reminder.exercise", exercise=p.exercise.name, sets=p.sets, reps=f"{p.reps_low}–{p.reps_high}")
            for p in session.exercises
        ]
        sections = (Section(name=ctx.text("reminder.preview_title"), value=shorten_lines(preview, FIELD_VALUE_LIMIT)),)
        lines.append(await adherence_line(ctx))
    else:
        lines.append(ctx.text("reminder.pick_goal"))
    argument = _slot_argument(reminder.slot_utc, ctx.profile.rotation_index)
    return Reply(
        title=title,
        body="\n".join(lines),
        sections=sections,
        buttons=(
            Button(label=ctx.text("buttons.reminder_done"), action=ctx.action("rem-done", argument),
                   style=ButtonStyle.SUCCESS),
            Button(label=ctx.text("buttons.reminder_snooze"), action=ctx.action("rem-snooze", argument)),
            Button(label=ctx.text("buttons.reminder_skip"), action=ctx.action("rem-skip", argument),
                   style=ButtonStyle.DANGER),
        ),
    )


async def reminder_done(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    _, rotation = _parse_slot_argument(argument)
    if ctx.profile.goal is None:
        raise UserError("errors.stale_button")
    session = await planned_session(ctx, rotation)
    recorded = await ctx.app.users.complete_session(
        ctx.caller.user_id, rotation, session.day_label, ctx.profile.goal, ctx.now, source="reminder"
    )
    if recorded is None:
        return Reply(body=ctx.text("today.already_done", day=session.day_label), ephemeral=True, tone=Tone.WARNING)
    return Reply(title=ctx.text("today.done_title"),
                 body="\n".join([ctx.text("reminder.done", day=session.day_label), await adherence_line(ctx)]),
                 tone=Tone.SUCCESS)


async def reminder_snooze(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    due = await ctx.app.reminders.snooze(ctx.caller.user_id, ctx.now, SNOOZE)
    if due is None:
        raise UserError("errors.reminders_off")
    return Reply(body=ctx.text("reminder.snoozed", stamp=discord_time(due)), tone=Tone.SUCCESS)


async def reminder_skip(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    _parse_slot_argument(argument)
    return Reply(form=Form(
        action=ctx.action("rem-skip-why", argument),
        title=ctx.text("reminder.skip_title"),
        inputs=(TextInput(key="reason", label=ctx.text("reminder.skip_label"), placeholder=ctx.text("reminder.skip_placeholder"),
                          required=False, max_length=200),),
    ))


async def reminder_skip_reason(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    slot, _ = _parse_slot_argument(argument)
    reason = (interaction.form.get("reason") or "").strip()[:200]
    await ctx.app.reminders.skip(ctx.caller.user_id, slot, reason or "skipped", ctx.now)
    if any(word in reason.lower() for word in PAIN_WORDS):
        return Reply(title=ctx.text("reminder.pain_title"), body=ctx.text("reminder.pain"), tone=Tone.WARNING)
    return Reply(body=ctx.text("reminder.skipped"), tone=Tone.INFO)


# -- every command: remember the DM channel, tell about closed DMs ----------------------------------


async def on_command(ctx: Context) -> str | None:
    if await ctx.app.reminders.note_command(ctx.caller.user_id, ctx.caller.dm_channel_id, ctx.now):
        return ctx.text("remind.dms_closed_notice")
    return None


COMMANDS = (
    Command("remind set", RemindSetOptions, remind_set, completers={"timezone": complete_timezone}),
    Command("remind off", RemindOptions, remind_off),
    Command("remind status", RemindOptions, remind_status),
)
ACTIONS = {
    "rem-done": reminder_done,
    "rem-snooze": reminder_snooze,
    "rem-skip": reminder_skip,
    "rem-skip-why": reminder_skip_reason,
}
COMMAND_HOOKS = (on_command,)
