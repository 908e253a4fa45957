from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.schedule import (
    DEFAULT_GRACE,
    ScheduleError,
    catch_up,
    default_days,
    is_late,
    last_due,
    load_zone,
    next_due,
    parse_days,
    parse_time,
    search_zones,
    upcoming,
    zone_names,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon,thu", (MON, THU)),
        ("tue thu", (TUE, THU)),
        ("Mon, Thursday", (MON, THU)),
        ("thu mon mon", (MON, THU)),
        ("Tues; Weds / fri", (TUE, WED, FRI)),
        ("sat and sun", (SAT, SUN)),
        ("MO TU WE TH FR SA SU", (MON, TUE, WED, THU, FRI, SAT, SUN)),
        ("thurs.", (THU,)),
    ],
)
def test_parse_days_accepts_common_forms(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize(("text", "key"), [("", "remind.days.empty"), (" , ", "remind.days.empty"),
                                           ("mon,funday", "remind.days.unknown"), ("t", "remind.days.unknown"),
                                           ("mon 3", "remind.days.unknown")])
def test_parse_days_errors_name_the_message_and_the_allowed_forms(text, key):
    with pytest.raises(ScheduleError) as raised:
        parse_days(text)
    assert raised.value.key == key
    assert "mon, tue" in raised.value.params["allowed"]


def test_unknown_day_error_names_the_token():
    with pytest.raises(ScheduleError) as raised:
        parse_days("mon, funday")
    assert raised.value.params["token"] == "funday"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("18:00", time(18)), ("6:30", time(6, 30)), ("06.30", time(6, 30)), ("0:00", time(0)),
     ("6:30 pm", time(18, 30)), ("6pm", time(18)), ("12am", time(0)), ("12:15 PM", time(12, 15))],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "18", "24:00", "18:60", "6:3", "13pm", "evening", "18:00:00"])
def test_parse_time_rejects(text):
    with pytest.raises(ScheduleError) as raised:
        parse_time(text)
    assert raised.value.key == "remind.time.invalid"
    assert "HH:MM" in raised.value.params["allowed"]


def test_default_days_spread_over_the_week():
    assert default_days(2) == (MON, THU)
    assert default_days(3) == (MON, WED, FRI)
    for days_per_week in range(2, 7):
        assert len(default_days(days_per_week)) == days_per_week
    with pytest.raises(ValueError):
        default_days(7)


def test_load_zone_is_case_insensitive_and_rejects_unknown_names():
    assert load_zone("europe/berlin").key == "Europe/Berlin"
    assert load_zone("UTC").key == "UTC"
    for bad in ["Mars/Olympus", "", "../etc/passwd", "Europe/"]:
        with pytest.raises(ScheduleError) as raised:
            load_zone(bad)
        assert raised.value.key == "remind.zone.unknown"


def test_zone_search_for_autocomplete():
    assert "Europe/Berlin" in zone_names()
    assert not any(name.startswith(("posix/", "right/")) for name in zone_names())
    assert search_zones("berlin") == ["Europe/Berlin"]
    assert search_zones("new york")[0] == "America/New_York"
    assert all(name.startswith("Europe/B") for name in search_zones("europe/b"))
    assert len(search_zones("", limit=25)) == 25
    assert len(search_zones("a", limit=5)) == 5


def _all_slots(days, local_time, zone, start, end):
    slots, moment = [], start
    while (moment := next_due(moment, days, local_time, zone)) < end:
        slots.append(moment)
    return slots


YEAR_START, YEAR_END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("zone_name", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"])
def test_18_00_stays_18_00_local_all_year(zone_name):
    zone = ZoneInfo(zone_name)
    slots = _all_slots((MON, THU), time(18), zone, YEAR_START, YEAR_END)
    local = [slot.astimezone(zone) for slot in slots]
    assert all(slot.tzinfo is UTC for slot in slots)
    assert all(moment.time() == time(18) and moment.weekday() in (MON, THU) for moment in local)
    # Exactly one slot per Monday and Thursday of the year, none twice, none missed.
    dates = [moment.date() for moment in local]
    assert len(dates) == len(set(dates))
    expected = {date(2026, 1, 1) + timedelta(days=i) for i in range(365)}
    expected = {day for day in expected if day.weekday() in (MON, THU)}
    assert set(dates) == expected
    offsets = {moment.utcoffset() for moment in local}
    assert len(offsets) == (1 if zone_name == "Asia/Kathmandu" else 2)


@pytest.mark.parametrize(
    ("zone_name", "day", "local_time"),
    [
        # The four DST changes of 2026 in Berlin and New York, and Lord Howe's 30-minute ones, at
        # times right next to the change.
        ("Europe/Berlin", date(2026, 3, 29), time(1, 59)),
        ("Europe/Berlin", date(2026, 3, 29), time(3, 0)),
        ("Europe/Berlin", date(2026, 10, 25), time(3, 0)),
        ("America/New_York", date(2026, 3, 8), time(3, 0)),
        ("America/New_York", date(2026, 11, 1), time(2, 0)),
        ("Australia/Lord_Howe", date(2026, 4, 5), time(2, 0)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 30)),
    ],
)
def test_wall_times_next_to_a_change_are_kept(zone_name, day, local_time):
    zone = ZoneInfo(zone_name)
    slot = next_due(datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC), (day.weekday(),), local_time, zone)
    assert slot.astimezone(zone).date() == day
    assert slot.astimezone(zone).time() == local_time


@pytest.mark.parametrize(
    ("zone_name", "day", "local_time", "shifted_to"),
    [
        ("America/New_York", date(2026, 3, 8), time(2, 30), time(3, 30)),  # 1 h gap
        ("Europe/Berlin", date(2026, 3, 29), time(2, 15), time(3, 15)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), time(2, 45)),  # 30 min gap
    ],
)
def test_a_time_inside_the_spring_forward_gap_is_shifted_forward_by_the_gap(zone_name, day, local_time, shifted_to):
    zone = ZoneInfo(zone_name)
    before = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    slots = upcoming(before, (day.weekday(),), local_time, zone, count=2)
    assert slots[0].astimezone(zone).date() == day
    assert slots[0].astimezone(zone).time() == shifted_to
    # A week later the wall time exists again and is used as is.
    assert slots[1].astimezone(zone).time() == local_time


@pytest.mark.parametrize(
    ("zone_name", "day", "local_time", "first_offset"),
    [
        ("America/New_York", date(2026, 11, 1), time(1, 30), timedelta(hours=-4)),
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), timedelta(hours=2)),
        ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 45), timedelta(hours=11)),
    ],
)
def test_an_ambiguous_time_is_the_first_occurrence_and_only_once(zone_name, day, local_time, first_offset):
    zone = ZoneInfo(zone_name)
    before = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    first, second = upcoming(before, (day.weekday(),), local_time, zone, count=2)
    assert first.astimezone(zone).utcoffset() == first_offset
    assert first.astimezone(zone).time() == local_time
    # The second occurrence of that wall time is never a slot: the next one is a week later.
    assert second - first > timedelta(days=6)
    # Asking again from inside the repeated hour still does not produce that day again.
    assert next_due(first + timedelta(minutes=45), (day.weekday(),), local_time, zone).date() > day


def test_next_due_is_strictly_after():
    zone = ZoneInfo("Europe/Berlin")
    slot = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # Monday 18:00 in Berlin
    assert next_due(slot - timedelta(seconds=1), (MON,), time(18), zone) == slot
    assert next_due(slot, (MON,), time(18), zone) == slot + timedelta(weeks=1)
    assert last_due(slot, (MON,), time(18), zone) == slot
    assert last_due(slot - timedelta(seconds=1), (MON,), time(18), zone) == slot - timedelta(weeks=1)


def test_kathmandu_quarter_hour_offset():
    zone = ZoneInfo("Asia/Kathmandu")
    slot = next_due(datetime(2026, 3, 8, tzinfo=UTC), (MON,), time(18), zone)
    assert slot == datetime(2026, 3, 9, 12, 15, tzinfo=UTC)


def test_schedule_functions_reject_naive_times_and_empty_days():
    zone = ZoneInfo("UTC")
    with pytest.raises(ValueError):
        next_due(datetime(2026, 1, 1), (MON,), time(18), zone)
    with pytest.raises(ValueError):
        next_due(datetime(2026, 1, 1, tzinfo=UTC), (), time(18), zone)


def test_catch_up_within_grace_sends_late_and_skips_older():
    due = datetime(2026, 6, 1, 18, tzinfo=UTC)
    assert catch_up(due, due, DEFAULT_GRACE) == "send"
    assert catch_up(due + timedelta(hours=2, minutes=59), due, DEFAULT_GRACE) == "send"
    assert catch_up(due + timedelta(hours=3), due, DEFAULT_GRACE) == "skip"
    assert catch_up(due + timedelta(days=9), due, DEFAULT_GRACE) == "skip"
    assert not is_late(due + timedelta(minutes=4), due)
    assert is_late(due + timedelta(hours=2), due)


ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
                         "America/Santiago", "Pacific/Chatham", "UTC"])


@given(
    after=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)),
    days=st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s))),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    zone_name=ZONES,
)
def test_next_due_is_the_first_slot_after(after, days, hour, minute, zone_name):
    zone, local_time = ZoneInfo(zone_name), time(hour, minute)
    slot = next_due(after, days, local_time, zone)
    local = slot.astimezone(zone)
    assert after < slot <= after + timedelta(days=8)
    # The slot is on a chosen weekday, at the wall time (or just after it, in a gap).
    wall = datetime.combine(local.date(), local_time)
    assert local.weekday() in days
    assert timedelta(0) <= local.replace(tzinfo=None) - wall <= timedelta(hours=1)
    # No chosen day lies strictly between `after` and the slot.
    assert last_due(slot - timedelta(microseconds=1), days, local_time, zone) <= after
