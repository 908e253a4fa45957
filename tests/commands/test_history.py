"""/history as a training log, through the real app (issue 13, "History")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coach.vocabulary import Unit
from bot.commands.base import Context
from bot.commands.history import SESSIONS_PER_PAGE, history_page, record_ids, session_section, sessions_of
from bot.commands.training import exercise_names
from bot.store.training_log import NewEntry
from tests.helpers import ALICE, BOB, press, run


async def test_sets_read_in_lifters_notation_grouped_by_exercise(app):
    """Why: one line per set ("Barbell deadlift: 1 × 9 at 220 lb", three times)."""
    await run(app, "settings", units="lb")
    for _ in range(3):
        await run(app, "log", exercise="deadlift", weight=220, reps=9)
    await run(app, "log", exercise="squat", weight=135, reps=5, sets=3, rpe=8)
    await run(app, "log", exercise="squat", weight=145, reps=1)
    await run(app, "log", exercise="bench", weight=95, reps=8)
    await run(app, "log", exercise="bench", weight=95, reps=7)
    [session] = (await run(app, "history")).reply.sections
    assert session.value.splitlines() == [
        "**Barbell deadlift** 220 lb 3×9",
        "**Barbell back squat** 135 lb 3×5 @8, 145 lb 1×1 · 🏆 heaviest yet",
        "**Barbell bench press** 95 lb 8/7",
    ]


async def test_a_session_shows_its_plan_day_notes_and_records(app, clock):
    await run(app, "goal", goal="strength", days=3)
    await run(app, "log", exercise="squat", weight=100, reps=5, note="knees felt good")
    clock.advance(days=2)
    today = await run(app, "today")
    day = today.reply.title.removeprefix("Today: ")
    squat = next(s.name.split(". ", 1)[1] for s in today.reply.sections if "squat" in s.name.lower())
    await press(app, today, "buttons.log_form", sets=f"{squat}: 105 x 5, 5, 5\n")
    newest, oldest = (await run(app, "history")).reply.sections
    assert newest.name.endswith(f" · {day}")
    assert newest.value == f"**{squat}** 105 kg 3×5 · 🏆 e1RM record"
    assert " · " not in oldest.name  # a plain /log day has no plan day
    assert oldest.value == "**Barbell back squat** 100 kg 1×5 · _knees felt good_"


async def test_the_first_entry_of_an_exercise_is_no_record(app):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    [session] = (await run(app, "history")).reply.sections
    assert "🏆" not in session.value


async def test_fewer_reps_at_the_same_load_after_a_long_set_is_no_record(app, clock):
    # 30 kg × 12, 11, 10 showed "e1RM record" on the 10: sets over 10 reps estimate no 1RM worth
    # claiming, but they still set the bar a later set has to beat.
    await run(app, "log", exercise="bench", weight=30, reps=12)
    await run(app, "log", exercise="bench", weight=30, reps=10)
    clock.advance(days=2)
    await run(app, "log", exercise="bench", weight=30, reps=9)
    await run(app, "log", exercise="bench", weight=40, reps=8)
    newest, oldest = (await run(app, "history")).reply.sections
    assert "🏆" not in oldest.value
    assert newest.value.endswith("· 🏆 e1RM record")


async def test_records_count_entries_before_the_days_shown(app, clock):
    await run(app, "log", exercise="squat", weight=120, reps=5)
    clock.advance(days=40)
    await run(app, "log", exercise="squat", weight=110, reps=5)
    [session] = (await run(app, "history", days=7)).reply.sections
    assert "🏆" not in session.value


async def test_sessions_split_by_local_day_and_page_by_session(app, clock):
    await run(app, "settings", timezone="America/New_York")
    base = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)  # 22:30 on the 19th in New York
    for day in range(8):
        await app.log.add(ALICE.user_id, [NewEntry("barbell-back-squat", 100.0 + day, Unit.KG, 5)],
                          base + timedelta(days=day))
    first = await run(app, "history", days=30)
    assert "8 sessions · page 1 of 2" in first.reply.body
    assert first.reply.sections[-1].name == "Sat 21 Nov 2026"  # local days: in UTC it would be the 22nd
    older = await press(app, first, "buttons.older")
    assert [s.name for s in older.reply.sections] == ["Fri 20 Nov 2026", "Thu 19 Nov 2026"]
    assert older.reply.update_source


async def test_one_user_never_sees_another_users_log(app):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    assert "Nothing logged" in (await run(app, "history", caller=BOB)).reply.body


async def test_holds_and_carries_read_in_seconds_and_metres_and_set_no_e1rm_record(app):
    await run(app, "log", exercise="plank", weight=0, reps=30, sets=3)
    await run(app, "log", exercise="farmer's carry", weight=24, reps=40, sets=2)
    await run(app, "log", exercise="farmer's carry", weight=24, reps=60)
    [session] = (await run(app, "history")).reply.sections
    lines = session.value.splitlines()
    assert lines[0].endswith(" bodyweight 3×30 s")
    assert lines[1].endswith(" 24 kg 40/40/60 m")
    assert "🏆" not in session.value


async def test_history_pages_group_by_local_day_far_from_utc(app, clock):
    # Auckland is UTC+13 in November: 09:00 and 12:00 UTC fall on the next local day.
    await run(app, "settings", timezone="Pacific/Auckland")
    for day in range(10):
        for hour in (9, 12):  # 22:00 and 01:00 local: two local days per UTC day
            clock.now = clock.now.replace(hour=hour)
            await run(app, "log", exercise="squat", weight=100 + day + hour / 100, reps=5)
        clock.advance(days=1)
    first = await run(app, "history", days=30)
    older = await press(app, first, "buttons.older")
    shown = [first.reply.sections, older.reply.sections]
    sets = sum(section.value.count("1×5") for page in shown for section in page)
    assert sets == 20, "every entry shows exactly once across the pages"
    # 11 local days: each UTC day's 01:00 shares a local day with the next UTC day's 22:00.
    assert "11 sessions" in first.reply.body
    assert [len(page) for page in shown] == [6, 5]
    assert first.reply.sections[0].value.count("1×5") == 1  # 01:00 alone on the newest local day
    assert first.reply.sections[1].value.count("1×5") == 2


async def test_a_page_of_a_long_log_reads_as_if_the_whole_log_were_read(app, clock):
    """Only the page's entries are read whole; its sessions, records and page count are those of the whole log."""
    await app.users.ensure(ALICE.user_id, clock())
    moment = clock.now - timedelta(days=300)
    for day in range(120):  # irregular loads and reps, so records come and go
        moment += timedelta(days=2, hours=day % 5)
        entries = [NewEntry(exercise=exercise, weight_kg=40 + (day * 7 + shift) % 23, entered_unit=Unit.KG,
                            reps=1 + (day + shift) % 12, kind="warmup" if shift == 3 else "work")
                   for exercise in ("barbell-back-squat", "barbell-bench-press") for shift in range(4)]
        await app.log.add(ALICE.user_id, entries, moment)
    ctx = Context(app, ALICE, await app.users.get(ALICE.user_id), clock())
    everything = await app.log.entries(ALICE.user_id, since=clock.now - timedelta(days=365), warmups=True)
    blocks = sessions_of(everything, ZoneInfo("UTC"))
    records = record_ids([e for e in everything if e.kind != "warmup"], lambda key: True)
    names = await exercise_names(ctx)
    shown_records = 0
    for page in range((len(blocks) + SESSIONS_PER_PAGE - 1) // SESSIONS_PER_PAGE):
        reply = await history_page(ctx, None, 365, page)
        shown = blocks[page * SESSIONS_PER_PAGE:(page + 1) * SESSIONS_PER_PAGE]
        assert reply.sections == tuple(session_section(ctx, block, names, {}, records) for block in shown)
        assert f"{len(blocks)} sessions" in reply.body
        shown_records += sum(section.value.count("🏆") for section in reply.sections)
    assert shown_records >= 3


async def test_an_empty_period_points_to_the_latest_set_further_back(app, clock):
    """Someone who imported an old log, or is back after a break, is told where their log is."""
    empty = await run(app, "history")
    assert empty.reply.body == "Nothing logged in the last 30 days. Record a set with `/log`."
    await run(app, "log", exercise="squat", weight=100, reps=5)
    logged_on = clock().astimezone(UTC).strftime("%a %d %b %Y")
    clock.advance(days=45)
    older = await run(app, "history")
    assert older.reply.body.startswith(f"Nothing logged in the last 30 days; your latest set is from {logged_on}.")
    assert "`days:` (up to 365)" in older.reply.body
    bench = await run(app, "history", exercise="bench")
    assert bench.reply.body == "Nothing logged in the last 30 days. Record a set with `/log`."


async def test_a_day_too_long_for_its_field_is_cut_between_lines(app):
    """Cut inside a line, an exercise's `**name**` or `_note_` was left open and the rest rendered bold."""
    lifts = ["squat", "bench", "deadlift", "overhead press", "barbell row", "lat pulldown", "leg press",
             "romanian deadlift", "dumbbell curl", "cable fly", "leg curl", "calf raise"]
    for lift in lifts:
        await run(app, "log", exercise=lift, weight=20, reps=10, note="kept the tempo slow on the way down " * 2)
    [day] = (await run(app, "history")).reply.sections
    assert len(day.value) <= 1024 and day.value.endswith("\n…")
    for line in day.value.splitlines()[:-1]:
        assert line.count("**") == 2 and line.count("_") % 2 == 0, line


async def test_a_load_reads_the_same_in_every_reply_after_a_switch_to_pounds(app):
    # 30 kg read "66.14 lb" in /history and /undo but "66.1 lb" in /progress.
    await run(app, "log", exercise="squat", weight=30, reps=5, sets=3)
    await run(app, "log", exercise="squat", weight=102.25, reps=1)
    await run(app, "settings", units="lb")
    await run(app, "log", exercise="squat", weight=221.75, reps=1)
    await run(app, "log", exercise="squat", weight=225, reps=1)
    history = await run(app, "history")
    # Typed in the unit shown: exactly (quarters are fractional plates); converted: to 0.1.
    assert "**Barbell back squat** 66.1 lb 3×5, 225.4 lb 1×1, 221.75 lb 1×1, 225 lb 1×1" in history.reply.sections[0].value
    for step in ("225 lb", "221.75 lb", "225.4 lb"):
        undone = await run(app, "undo")
        assert step in undone.reply.body, undone.reply.body
    progress = await run(app, "progress", exercise="squat")
    assert "best set 66.1 lb × 5" in progress.reply.body
    one_rm = await run(app, "1rm", weight=66.139, reps=5)
    assert one_rm.reply.body.startswith("66.1 lb × 5 → ")


async def test_days_counts_local_calendar_days_with_today_as_one(app, clock):
    # `days:1` was the last 24 hours: at 1 am it showed yesterday's session as if it were today's.
    await run(app, "settings", timezone="America/New_York")
    await run(app, "log", exercise="squat", weight=100, reps=5)  # Mon 23 Nov, 04:00 in New York
    clock.advance(hours=21)  # Tue 24 Nov, 01:00 in New York: 21 hours later, but another day
    today = await run(app, "history", days=1)
    assert today.reply.body.startswith("Nothing logged today; your latest set is from Mon 23 Nov 2026.")
    await run(app, "log", exercise="bench", weight=60, reps=8)
    today = await run(app, "history", days=1)
    assert today.reply.body == "Today: 1 session · page 1 of 1"
    assert [s.name for s in today.reply.sections] == ["Tue 24 Nov 2026"]
    two = await run(app, "history", days=2)
    assert two.reply.body == "Last 2 days: 2 sessions · page 1 of 1"
    assert [s.name for s in two.reply.sections] == ["Tue 24 Nov 2026", "Mon 23 Nov 2026"]
    clock.advance(hours=22, minutes=59)  # Tue 23:59 in New York: still today
    assert (await run(app, "history", days=1)).reply.body == "Today: 1 session · page 1 of 1"
