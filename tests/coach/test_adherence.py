from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coach.adherence import GUIDELINE_DAYS_PER_WEEK, adherence, week_start

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 2026-11-25, 12:00 in Berlin; the week started Monday 2026-11-23.
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
THIS_MONDAY = date(2026, 11, 23)


def berlin(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN).astimezone(UTC)


def weeks_ago(weeks: int, weekday: int) -> date:
    return THIS_MONDAY - timedelta(weeks=weeks) + timedelta(days=weekday)


def test_week_starts_monday():
    assert week_start(date(2026, 11, 29)) == THIS_MONDAY  # Sunday
    assert week_start(THIS_MONDAY) == THIS_MONDAY


def test_no_sessions():
    result = adherence([], BERLIN, 3, NOW)
    assert (result.sessions_this_week, result.target, result.guideline, result.streak_weeks) == (0, 3, 2, 0)
    assert result.week_start == THIS_MONDAY
    assert not result.meets_guideline and not result.meets_target


def test_this_week_counts_against_plan_and_guideline():
    result = adherence([berlin(weeks_ago(0, 0)), berlin(weeks_ago(0, 1))], BERLIN, 3, NOW)
    assert result.sessions_this_week == 2
    assert result.meets_guideline and not result.meets_target
    assert result.guideline == GUIDELINE_DAYS_PER_WEEK


def test_week_boundary_is_local_time():
    # Sunday 23:30 in Berlin is Sunday 22:30 UTC: last week, not this one.
    sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=BERLIN).astimezone(UTC)
    # Monday 00:30 in Berlin is still Sunday in UTC, but belongs to this week.
    monday_early = datetime(2026, 11, 23, 0, 30, tzinfo=BERLIN).astimezone(UTC)
    assert monday_early.date() == date(2026, 11, 22)
    result = adherence([sunday_night, monday_early], BERLIN, 2, NOW)
    assert result.sessions_this_week == 1


def test_streak_counts_consecutive_weeks_meeting_the_guideline():
    sessions = [berlin(weeks_ago(weeks, day)) for weeks in (1, 2, 3) for day in (0, 3)]
    sessions += [berlin(weeks_ago(5, 0)), berlin(weeks_ago(5, 2))]  # week 4 ago is missing: the streak stops
    result = adherence(sessions, BERLIN, 2, NOW)
    # The current week has no session yet: it does not count, but does not break the streak either.
    assert result.streak_weeks == 3


def test_current_week_joins_the_streak_once_it_meets_the_guideline():
    sessions = [berlin(weeks_ago(1, 0)), berlin(weeks_ago(1, 4))]
    assert adherence([*sessions, berlin(weeks_ago(0, 0))], BERLIN, 2, NOW).streak_weeks == 1
    assert adherence([*sessions, berlin(weeks_ago(0, 0)), berlin(weeks_ago(0, 1))], BERLIN, 2, NOW).streak_weeks == 2


def test_two_sessions_on_one_day_are_one_training_day_for_the_guideline():
    result = adherence([berlin(weeks_ago(0, 0), 8), berlin(weeks_ago(0, 0), 19)], BERLIN, 2, NOW)
    assert result.sessions_this_week == 2 and result.meets_target
    assert result.training_days_this_week == 1 and not result.meets_guideline
    assert result.streak_weeks == 0


def test_a_missed_last_week_breaks_the_streak():
    sessions = [berlin(weeks_ago(2, 0)), berlin(weeks_ago(2, 3)), berlin(weeks_ago(1, 0))]
    assert adherence(sessions, BERLIN, 2, NOW).streak_weeks == 0


def test_sessions_after_now_are_ignored_and_naive_times_rejected():
    assert adherence([berlin(weeks_ago(0, 4))], BERLIN, 2, NOW).sessions_this_week == 0
    with pytest.raises(ValueError):
        adherence([datetime(2026, 11, 23, 18)], BERLIN, 2, NOW)
