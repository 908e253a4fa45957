"""/remind set|off|status, the reminder DM and its Done / Snooze / Skip buttons, through the real app.

Delivery itself (claims, pacing, retries, crashes) is tested in `tests/test_reminders.py`; here the
dispatcher only hands each due reminder to `app.compose`, as the Discord sender does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.app import Liftcoach
from bot.commands.base import Caller
from bot.commands.reminders import reminder_message
from bot.reminders import Delivery, ReminderDispatcher
from bot.replies import Outgoing, Tone
from bot.store.reminders import DueReminder
from bot.store.schema import reminder_deliveries
from tests.conftest import FakeClock
from tests.helpers import ALICE, BOB, press, run, snapshot

# The fixture clock starts on Monday 2026-11-23 at 09:00 UTC.
MONDAY_18_BERLIN = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
TUESDAY_1830_NEW_YORK = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:F>"


def next_reminders(outgoing: Outgoing) -> list[str]:
    [section] = [s for s in outgoing.reply.sections if s.name == "Next reminders"]
    return section.value.splitlines()


async def deliver_due(app: Liftcoach, clock: FakeClock) -> dict[int, tuple[DueReminder, Outgoing]]:
    """Run the real dispatcher once; each due reminder is composed like the Discord sender does."""
    sent: dict[int, tuple[DueReminder, Outgoing]] = {}

    async def deliver(reminder: DueReminder) -> Delivery:
        outgoing = await app.compose(reminder.user_id, lambda ctx: reminder_message(ctx, reminder))
        sent[reminder.user_id] = (reminder, outgoing)
        return Delivery.SENT

    dispatcher = ReminderDispatcher(app.reminders, deliver, clock=clock, rate_per_second=None)
    await dispatcher.run_once()
    return sent


async def reminder_dm(app: Liftcoach, clock: FakeClock) -> tuple[DueReminder, Outgoing]:
    """Alice picks a goal, sets the default reminders in Berlin, and the clock reaches the first slot."""
    await run(app, "goal", goal="health", days=2)
    await run(app, "settings", timezone="Europe/Berlin")
    await run(app, "remind set")
    clock.now = MONDAY_18_BERLIN
    return (await deliver_due(app, clock))[ALICE.user_id]


# -- /remind set, status, off ------------------------------------------------------------------------


async def test_remind_set_defaults_to_days_that_fit_the_plan_at_18_in_the_settings_zone(app):
    await run(app, "goal", goal="health", days=2)
    await run(app, "settings", timezone="Europe/Berlin")
    saved = await run(app, "remind set")

    assert saved.reply.tone is Tone.SUCCESS
    assert saved.reply.body.startswith("Saved. I will DM you on Monday and Thursday at 18:00 (Europe/Berlin).")
    assert next_reminders(saved)[0] == f"Mon 23 Nov 18:00 Europe/Berlin · {stamp(MONDAY_18_BERLIN)}"
    settings = await app.reminders.get(ALICE.user_id)
    assert settings.days == (0, 3) and settings.next_due_utc == MONDAY_18_BERLIN


async def test_remind_set_for_a_three_day_plan_spreads_the_days(app):
    await run(app, "goal", goal="strength", days=3)
    saved = await run(app, "remind set")
    assert "Monday, Wednesday, and Friday at 18:00 (UTC)" in saved.reply.body


async def test_remind_set_with_explicit_days_time_and_zone(app):
    saved = await run(app, "remind set", days="tue thu", time="6:30 pm", timezone="America/New_York")

    assert "Tuesday and Thursday at 18:30 (America/New_York)" in saved.reply.body
    assert next_reminders(saved) == [
        f"Tue 24 Nov 18:30 America/New_York · {stamp(TUESDAY_1830_NEW_YORK)}",
        f"Thu 26 Nov 18:30 America/New_York · {stamp(TUESDAY_1830_NEW_YORK + timedelta(days=2))}",
        f"Tue 01 Dec 18:30 America/New_York · {stamp(TUESDAY_1830_NEW_YORK + timedelta(days=7))}",
    ]
    assert (await app.reminders.get(ALICE.user_id)).timezone == "America/New_York"


async def test_remind_status_lists_the_next_reminders_in_local_time(app):
    await run(app, "remind set", days="mon", time="07:15", timezone="Asia/Tokyo")
    status = await run(app, "remind status")

    assert status.reply.body.startswith("I DM you on Monday at 07:15 (Asia/Tokyo).")
    # Monday 09:00 UTC is already 18:00 in Tokyo, so the first slot is next Monday (Sunday 22:15 UTC).
    first = datetime(2026, 11, 29, 22, 15, tzinfo=UTC)
    assert next_reminders(status)[0] == f"Mon 30 Nov 07:15 Asia/Tokyo · {stamp(first)}"
    assert len(next_reminders(status)) == 3


async def test_remind_status_asks_guild_users_to_open_their_dms(app):
    await run(app, "remind set")
    in_guild = await run(app, "remind status")
    in_dm = await run(app, "remind status", caller=Caller(ALICE.user_id, in_dm=True, dm_channel_id=555))
    assert "make sure your DMs are open" in in_guild.reply.body
    assert "make sure your DMs are open" not in in_dm.reply.body


async def test_remind_off_stops_reminders_and_status_says_so(app):
    await run(app, "remind set")
    off = await run(app, "remind off")
    assert off.reply.tone is Tone.SUCCESS and "Reminders are off" in off.reply.body
    status = await run(app, "remind status")
    assert "You have no reminders set" in status.reply.body
    assert (await app.reminders.get(ALICE.user_id)).next_due_utc is None
    never_set = await run(app, "remind off", caller=BOB)
    assert never_set.reply.tone is Tone.INFO and "You have no reminders set" in never_set.reply.body


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"days": "funday"}, "I don't know the day `funday`. Use mon, tue, wed, thu, fri, sat, sun"),
        ({"days": "mon thu", "time": "25:00"}, "`25:00` is not a time I understand. Use 24-hour HH:MM"),
        ({"time": "6:30 pm", "timezone": "Mars/Base"}, "`Mars/Base` is not a time zone I know. Use an IANA name"),
        ({"days": "x" * 101}, "at most 100"),
    ],
)
async def test_bad_remind_input_is_a_private_error_that_changes_nothing(app, options, says):
    await run(app, "remind set", days="wed", time="07:00")
    before = await snapshot(app)
    refused = await run(app, "remind set", **options)

    assert refused.reply.tone is Tone.ERROR and refused.reply.ephemeral
    assert says in refused.reply.body
    assert refused.disclaimer == app.prompts.disclaimer
    assert await snapshot(app) == before


# -- the reminder DM ---------------------------------------------------------------------------------


async def test_the_reminder_dm_previews_todays_session_with_adherence_buttons_and_disclaimer(app, clock):
    reminder, dm = await reminder_dm(app, clock)
    today = await run(app, "today")

    assert dm.disclaimer == app.prompts.disclaimer
    assert dm.reply.title == today.reply.title.replace("Today:", "Training day:")
    assert dm.reply.body.splitlines() == [
        "Time to train! Here is today's session.",
        "This week: 0 of 2 planned sessions, 0 of the 2 training days health guidelines ask for · no guideline streak yet",
    ]
    [preview] = dm.reply.sections
    assert preview.name == "Today's session"
    exercises = [section.name.split(". ", 1)[1] for section in today.reply.sections]
    assert [line.split(":")[0] for line in preview.value.splitlines()] == exercises
    assert all(" × " in line for line in preview.value.splitlines())
    assert [button.label for button in dm.reply.buttons] == ["Done", "Snooze 1 h", "Skip"]
    assert [button.action.split(":")[1] for button in dm.reply.buttons] == ["rem-done", "rem-snooze", "rem-skip"]
    assert not reminder.late


async def test_a_reminder_without_a_goal_asks_for_one(app, clock):
    await run(app, "remind set", days="mon", time="10:00")
    clock.advance(hours=1)
    [(_, dm)] = (await deliver_due(app, clock)).values()
    assert dm.reply.title == "Training day"
    assert "Pick a goal with `/goal`" in dm.reply.body
    assert dm.disclaimer == app.prompts.disclaimer
    stale = await press(app, dm, "buttons.reminder_done")
    assert stale.reply.tone is Tone.ERROR


async def test_done_records_the_session_once_even_if_pressed_twice(app, clock):
    _, dm = await reminder_dm(app, clock)
    done = await press(app, dm, "buttons.reminder_done")

    assert done.reply.tone is Tone.SUCCESS
    assert "recorded. Great work!" in done.reply.body
    assert "This week: 1 of 2 planned sessions" in done.reply.body
    again = await press(app, dm, "buttons.reminder_done")
    assert again.reply.tone is Tone.WARNING and "already marked done" in again.reply.body
    assert (await app.users.get(ALICE.user_id)).rotation_index == 1
    assert len(await app.users.completed_session_times(ALICE.user_id, clock() - timedelta(days=1))) == 1


async def test_snooze_adds_a_one_off_reminder_an_hour_later(app, clock):
    _, dm = await reminder_dm(app, clock)
    snoozed = await press(app, dm, "buttons.reminder_snooze")

    in_an_hour = MONDAY_18_BERLIN + timedelta(hours=1)
    assert snoozed.reply.body == f"Snoozed: I will remind you again {stamp(in_an_hour)}."
    settings = await app.reminders.get(ALICE.user_id)
    assert settings.snooze_due_utc == in_an_hour
    assert settings.next_due_utc == MONDAY_18_BERLIN + timedelta(days=3), "the regular schedule is untouched"
    assert f"Mon 23 Nov 19:00 Europe/Berlin · {stamp(in_an_hour)}" in next_reminders(await run(app, "remind status"))

    clock.now = in_an_hour
    reminder, again = (await deliver_due(app, clock))[ALICE.user_id]
    assert reminder.kind == "snooze" and again.reply.buttons


async def test_snooze_after_reminders_were_turned_off_does_not_revive_them(app, clock):
    _, dm = await reminder_dm(app, clock)
    await run(app, "remind off")
    refused = await press(app, dm, "buttons.reminder_snooze")
    assert refused.reply.tone is Tone.ERROR and "reminders are off" in refused.reply.body
    assert (await app.reminders.get(ALICE.user_id)).snooze_due_utc is None


async def test_skip_opens_a_form_asking_why(app, clock):
    _, dm = await reminder_dm(app, clock)
    opened = await press(app, dm, "buttons.reminder_skip")

    form = opened.reply.form
    assert form is not None and form.title == "Skip today's session"
    [reason] = form.inputs
    assert reason.key == "reason" and not reason.required and reason.max_length == 200


@pytest.mark.parametrize("reason", ["I injured my knee", "lower back pain since Sunday"])
async def test_skipping_for_an_injury_or_pain_says_stop_and_see_a_professional(app, clock, reason):
    reminder, dm = await reminder_dm(app, clock)
    skipped = await press(app, dm, "buttons.reminder_skip", reason=reason)

    assert skipped.reply.tone is Tone.WARNING
    assert skipped.reply.title == "Take care of yourself"
    assert "Stop training that hurts and see a doctor or physiotherapist" in skipped.reply.body
    assert await skip_reason(app, reminder) == reason
    assert (await app.users.get(ALICE.user_id)).rotation_index == 0, "a skip records no session"


@pytest.mark.parametrize("reason", ["busy at work", ""])
async def test_a_plain_skip_just_skips(app, clock, reason):
    reminder, dm = await reminder_dm(app, clock)
    skipped = await press(app, dm, "buttons.reminder_skip", reason=reason or " ")

    assert skipped.reply.body == "Skipped. See you next training day."
    assert skipped.reply.tone is Tone.INFO
    assert await skip_reason(app, reminder) == (reason or "skipped")
    assert await app.reminders.delivery_state(ALICE.user_id, reminder.slot_utc) == "sent"


async def skip_reason(app: Liftcoach, reminder: DueReminder) -> str:
    [row] = await app.db.rows(
        sa.select(reminder_deliveries.c.skip_reason).where(
            reminder_deliveries.c.user_id == reminder.user_id,
            reminder_deliveries.c.slot_utc == reminder.slot_utc.isoformat(timespec="seconds"),
        )
    )
    return row["skip_reason"]


# -- DM channel, closed DMs, adherence ---------------------------------------------------------------


async def test_a_command_in_dms_remembers_the_dm_channel(app):
    await run(app, "help", caller=Caller(ALICE.user_id, in_dm=True, dm_channel_id=987))
    assert await app.reminders.get_dm_channel(ALICE.user_id) == 987


async def test_closed_dms_pause_reminders_and_the_next_command_says_so_once(app, clock):
    await run(app, "remind set")
    await app.reminders.pause_undeliverable(ALICE.user_id, clock())
    notice = app.prompts.text("remind.dms_closed_notice")

    first = await run(app, "history")
    second = await run(app, "history")
    assert first.notices == (notice,)
    assert notice not in second.notices
    status = await run(app, "remind status")
    assert "**Paused:** I couldn't DM you" in status.reply.body
    assert "Next reminders" not in str(status.reply.sections)

    resumed = await run(app, "remind set")
    assert "Paused" not in resumed.reply.body
    assert (await app.reminders.get(ALICE.user_id)).active


async def test_today_shows_sessions_against_plan_and_guideline_and_the_streak(app, clock):
    await run(app, "goal", goal="health", days=2)
    first = await run(app, "today")
    assert "This week: 0 of 2 planned sessions, 0 of the 2 training days health guidelines ask for · no guideline " \
        "streak yet" in first.reply.body
    await press(app, first, "buttons.done")
    clock.advance(days=3)
    second = await run(app, "today")
    assert "This week: 1 of 2 planned sessions, 1 of the 2 training days" in second.reply.body
    await press(app, second, "buttons.done")
    clock.advance(days=1)
    third = await run(app, "today")
    assert "This week: all 2 planned sessions, 2 training days, meeting the health guidelines' 2 · streak: 1 week " \
        "meeting the guidelines" in third.reply.body
    # Why: "day 1 of 3 this week" right after finishing the week's sessions.
    assert "day 1 of 2 in your Full body A/B rotation" in third.reply.body
    assert "This week's 2 planned sessions are done: this one is extra" in third.reply.body
    await press(app, third, "buttons.done")
    clock.advance(days=1)
    fourth = await run(app, "today")
    # Why: "4 of 3 planned sessions" and "3 of the 2 training days".
    assert "This week: all 2 planned sessions and 1 extra, 3 training days, meeting the health guidelines' 2" in (
        fourth.reply.body
    )


async def test_remind_set_says_when_times_are_utc_for_want_of_a_time_zone(app):
    default = await run(app, "remind set")
    assert "UTC" in default.reply.body and "/settings timezone:" in default.reply.body
    explicit = await run(app, "remind set", timezone="Europe/Berlin")
    assert "/settings timezone:" not in explicit.reply.body


async def test_schedule_and_settings_replies_are_private(app):
    """Days, time and time zone say when and where someone lives: only they see them."""
    replies = [await run(app, "remind set", days="mon,thu", time="07:00", timezone="Europe/Berlin"),
               await run(app, "remind status"), await run(app, "remind off"), await run(app, "remind status"),
               await run(app, "settings"), await run(app, "settings", units="lb")]
    assert [outgoing.reply.ephemeral for outgoing in replies] == [True] * 6
