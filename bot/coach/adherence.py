"""How consistently a user trains: this week's sessions against the plan and the 2-days guideline.

Weeks start on Monday in the user's local time, so a session at 23:30 on Sunday in Berlin belongs
to that week even though it is Monday in UTC.

The guideline (WHO 2020, US PAG 2018, ACSM: muscle-strengthening on >= 2 days a week) counts
*days*, so two sessions logged on the same local day count as one training day towards it; the
plan target is compared with sessions, which is what the rotation advances on.

The streak is the number of consecutive weeks, ending with the current one, that met the
guideline. The current week joins the streak only once it meets the guideline; until then it does
not break it either (the week is not over), so a Monday with no session yet still shows last
week's streak.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

GUIDELINE_DAYS_PER_WEEK = 2


@dataclass(frozen=True)
class Adherence:
    week_start: date
    sessions_this_week: int
    training_days_this_week: int
    target: int
    guideline: int
    streak_weeks: int

    @property
    def meets_target(self) -> bool:
        return self.sessions_this_week >= self.target

    @property
    def meets_guideline(self) -> bool:
        return self.training_days_this_week >= self.guideline


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def adherence(
    completed_utc: Iterable[datetime], zone: ZoneInfo, days_per_week: int, now_utc: datetime
) -> Adherence:
    """Adherence as of `now_utc`; sessions after `now_utc` are ignored."""
    if now_utc.tzinfo is None:
        raise ValueError("now_utc must be timezone-aware")
    sessions_per_day: Counter[date] = Counter()
    for moment in completed_utc:
        if moment.tzinfo is None:
            raise ValueError("session times must be timezone-aware")
        if moment <= now_utc:
            sessions_per_day[moment.astimezone(zone).date()] += 1
    # Per day first, then per week: two years of sessions are a few hundred days, each placed once.
    sessions_per_week: Counter[date] = Counter()
    training_days_in_week: Counter[date] = Counter()
    for day, count in sessions_per_day.items():
        week = week_start(day)
        sessions_per_week[week] += count
        training_days_in_week[week] += 1

    this_week = week_start(now_utc.astimezone(zone).date())
    streak = 0
    week = this_week
    if training_days_in_week[this_week] < GUIDELINE_DAYS_PER_WEEK:
        week -= timedelta(weeks=1)
    while training_days_in_week[week] >= GUIDELINE_DAYS_PER_WEEK:
        streak += 1
        week -= timedelta(weeks=1)

    return Adherence(
        week_start=this_week,
        sessions_this_week=sessions_per_week[this_week],
        training_days_this_week=training_days_in_week[this_week],
        target=days_per_week,
        guideline=GUIDELINE_DAYS_PER_WEEK,
        streak_weeks=streak,
    )
