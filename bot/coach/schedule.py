"""When reminders are due: parsing `/remind set` input and computing slots across time zones.

A reminder schedule is a set of weekdays (0 = Monday) and a wall-clock time in an IANA zone.
Slots are computed with `zoneinfo`, so 18:00 stays 18:00 local across DST changes, and are
returned as aware UTC datetimes (what the store keeps).

Wall-clock times that do not map to exactly one instant are resolved like `fold=0`:
- a time inside a spring-forward gap (02:30 in New York on 2026-03-08) is shifted forward by
  the gap: it is read with the offset in force *before* the gap, which lands at 03:30 local;
- a time that occurs twice (01:30 in New York on 2026-11-01) is the first occurrence.
Each date therefore yields exactly one slot, and a slot is never produced twice.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.coach.vocabulary import MAX_DAYS_PER_WEEK, MIN_DAYS_PER_WEEK

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALLOWED_DAY_FORMS = "mon, tue, wed, thu, fri, sat, sun (or full names), separated by commas or spaces"
ALLOWED_TIME_FORMS = "HH:MM in 24-hour time (18:00, 6:30, 1830) or with am/pm (6pm, 6:30 pm)"

DEFAULT_TIME = time(18, 0)
# A reminder missed (bot down) by less than this is still worth sending late; older ones are not.
DEFAULT_GRACE = timedelta(hours=3)
# Sent this long after its slot, a DM says it is late; below this, pacing delays are not "late".
LATE_AFTER = timedelta(minutes=10)

_DAY_ALIASES = {"weds": 2, "thur": 3, "thurs": 3, "tues": 1}
_DAY_SEPARATORS = re.compile(r"(?:[\s,;/&+]|\band\b)+")
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*([ap]\.?m\.?)?$")
# "1830" or "0630": four digits, as on a 24-hour clock (three digits, "630", would be ambiguous).
_TIME_DIGITS = re.compile(r"^(\d{2})(\d{2})$")
# Not places: the zoneinfo search path may also list these.
_NOT_ZONES = ("posix/", "right/", "Etc/", "SystemV/", "US/", "Canada/")
_NOT_ZONE_NAMES = frozenset({"localtime", "Factory", "posixrules", "leapseconds", "tzdata.zi"})

_DEFAULT_DAYS = {
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
}


class ScheduleError(ValueError):
    """User input that is not a valid schedule; `key` names the message, `params` fill it."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


def parse_days(text: str) -> tuple[int, ...]:
    """`"mon,thu"`, `"tue thu"`, `"Mon, Thursday"` -> sorted weekday numbers (0 = Monday)."""
    tokens = [token.strip(".").lower() for token in _DAY_SEPARATORS.split(text) if token.strip(".")]
    if not tokens:
        raise ScheduleError("remind.days.empty", allowed=ALLOWED_DAY_FORMS)
    return tuple(sorted({_parse_day(token) for token in tokens}))


def _parse_day(token: str) -> int:
    if token in _DAY_ALIASES:
        return _DAY_ALIASES[token]
    # Two letters already tell every weekday apart (mo tu we th fr sa su).
    matches = [i for i, name in enumerate(WEEKDAYS) if len(token) >= 2 and name.startswith(token)]
    if len(matches) != 1:
        raise ScheduleError("remind.days.unknown", token=token, allowed=ALLOWED_DAY_FORMS)
    return matches[0]


def default_days(days_per_week: int) -> tuple[int, ...]:
    """Training days spread over the week for a plan: 2 -> Mon/Thu, 3 -> Mon/Wed/Fri ..."""
    if not MIN_DAYS_PER_WEEK <= days_per_week <= MAX_DAYS_PER_WEEK:
        raise ValueError(f"days_per_week must be {MIN_DAYS_PER_WEEK}..{MAX_DAYS_PER_WEEK}, got {days_per_week}")
    return _DEFAULT_DAYS[days_per_week]


def parse_time(text: str) -> time:
    """`"18:00"`, `"6:30"`, `"1830"`, `"6:30 pm"`, `"6pm"` -> a naive wall-clock time."""
    cleaned = text.strip().lower()
    digits = _TIME_DIGITS.match(cleaned)
    if digits:
        cleaned = f"{digits.group(1)}:{digits.group(2)}"
    match = _TIME.match(cleaned)
    if not match:
        raise ScheduleError("remind.time.invalid", value=text, allowed=ALLOWED_TIME_FORMS)
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem is None and match.group(2) is None:
        # A bare "18" is too easy to misread (18:00? 6 pm? the 18th?); ask for HH:MM.
        raise ScheduleError("remind.time.invalid", value=text, allowed=ALLOWED_TIME_FORMS)
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ScheduleError("remind.time.invalid", value=text, allowed=ALLOWED_TIME_FORMS)
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError("remind.time.invalid", value=text, allowed=ALLOWED_TIME_FORMS)
    return time(hour, minute)


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    """Every IANA zone worth offering, sorted (for autocomplete and case-insensitive lookup)."""
    names = (
        name
        for name in available_timezones()
        if name not in _NOT_ZONE_NAMES and not name.startswith(_NOT_ZONES)
    )
    # Abbreviations and fixed offsets (EST, CET, GMT+5) are left out: a city zone knows its summer time.
    return sorted({*(name for name in names if "/" in name), "UTC"})


@lru_cache(maxsize=1)
def _zone_names_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def load_zone(name: str) -> ZoneInfo:
    """An IANA zone by name, case-insensitively (`"europe/berlin"` works)."""
    canonical = _zone_names_by_lower().get(name.strip().lower())
    if canonical is None:
        raise ScheduleError("remind.zone.unknown", value=name, allowed="an IANA name such as Europe/Berlin")
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ScheduleError("remind.zone.unknown", value=name, allowed="an IANA name such as Europe/Berlin") from error


def city_zone_hint(zone: ZoneInfo) -> str | None:
    """For a zone that is an abbreviation or a fixed offset (`EST`, `CET`, `Etc/GMT+5`), a city
    zone to suggest instead (`America/New_York`), or "" when no single city fits; None for a city
    zone (or UTC, which is meant to be fixed)."""
    name = zone.key
    if name == "UTC" or ("/" in name and not name.startswith("Etc/")):
        return None
    return _CITY_FOR_ABBREVIATION.get(name.upper(), "")


# What people mean when they type these: the largest city zone that uses the abbreviation.
_CITY_FOR_ABBREVIATION = {
    "EST": "America/New_York", "EST5EDT": "America/New_York", "CST6CDT": "America/Chicago",
    "MST": "America/Denver", "MST7MDT": "America/Denver", "PST8PDT": "America/Los_Angeles",
    "HST": "Pacific/Honolulu", "CET": "Europe/Berlin", "MET": "Europe/Berlin", "EET": "Europe/Athens",
    "WET": "Europe/Lisbon", "GB": "Europe/London", "PRC": "Asia/Shanghai",
    "ROK": "Asia/Seoul", "ROC": "Asia/Taipei", "NZ": "Pacific/Auckland", "JAPAN": "Asia/Tokyo",
}

# Abbreviations people type that are no IANA zone at all, and the city zones they most likely mean
# (several where the abbreviation is used in more than one region).
_ZONES_FOR_ABBREVIATION = {
    "PST": ("America/Los_Angeles",), "PDT": ("America/Los_Angeles",), "MDT": ("America/Denver",),
    "CST": ("America/Chicago", "Asia/Shanghai"), "CDT": ("America/Chicago",), "EDT": ("America/New_York",),
    "AKST": ("America/Anchorage",), "BST": ("Europe/London",), "CEST": ("Europe/Berlin",),
    "EEST": ("Europe/Athens",), "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "JST": ("Asia/Tokyo",), "KST": ("Asia/Seoul",), "AEST": ("Australia/Sydney",), "AEDT": ("Australia/Sydney",),
    "AWST": ("Australia/Perth",), "NZST": ("Pacific/Auckland",), "SGT": ("Asia/Singapore",),
}


def zones_for_abbreviation(text: str) -> tuple[str, ...]:
    """The city zones an abbreviation that is no zone of its own may mean (`"pst"` ->
    `("America/Los_Angeles",)`); empty when it is not one we know."""
    return _ZONES_FOR_ABBREVIATION.get(text.strip().upper(), ())


def search_zones(text: str, limit: int = 25) -> list[str]:
    """Autocomplete: what an abbreviation means (`pst`), then names starting with `text`, then a
    city starting with it, then names containing it."""
    query = "_".join(text.strip().lower().split())
    if not query:
        return zone_names()[:limit]
    ranked = [(-1, name) for name in zones_for_abbreviation(text)]
    for name in zone_names():
        lowered = name.lower()
        if lowered.startswith(query):
            rank = 0
        elif any(part.startswith(query) for part in lowered.split("/")[1:]):
            rank = 1
        elif query in lowered:
            rank = 2
        else:
            continue
        ranked.append((rank, name))
    return list(dict.fromkeys(name for _, name in sorted(ranked)))[:limit]


def slot_on(day: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `local_time` on local `day`; gaps and repeats resolved as fold=0."""
    wall = datetime.combine(day, local_time.replace(tzinfo=None, fold=0), tzinfo=zone)
    return wall.astimezone(UTC)


def _check(days: tuple[int, ...] | list[int], moment: datetime) -> None:
    if not days or any(not 0 <= day <= 6 for day in days):
        raise ValueError(f"days must be non-empty weekday numbers 0..6, got {days!r}")
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")


def next_due(after_utc: datetime, days: tuple[int, ...], local_time: time, zone: ZoneInfo) -> datetime:
    """The first slot strictly after `after_utc`, as an aware UTC datetime."""
    _check(days, after_utc)
    local_date = after_utc.astimezone(zone).date()
    # Slots grow with the date (offsets change by far less than a day), so the first match wins.
    for offset in range(-1, 9):
        day = local_date + timedelta(days=offset)
        if day.weekday() in days:
            slot = slot_on(day, local_time, zone)
            if slot > after_utc:
                return slot
    raise AssertionError("a weekly schedule always has a slot within 8 days")


def last_due(at_or_before_utc: datetime, days: tuple[int, ...], local_time: time, zone: ZoneInfo) -> datetime:
    """The latest slot at or before `at_or_before_utc` (the one worth catching up on)."""
    _check(days, at_or_before_utc)
    local_date = at_or_before_utc.astimezone(zone).date()
    for offset in range(1, -9, -1):
        day = local_date + timedelta(days=offset)
        if day.weekday() in days:
            slot = slot_on(day, local_time, zone)
            if slot <= at_or_before_utc:
                return slot
    raise AssertionError("a weekly schedule always has a slot within 8 days")


def upcoming(
    after_utc: datetime, days: tuple[int, ...], local_time: time, zone: ZoneInfo, count: int = 3
) -> list[datetime]:
    """The next `count` slots strictly after `after_utc`."""
    slots: list[datetime] = []
    moment = after_utc
    for _ in range(count):
        moment = next_due(moment, days, local_time, zone)
        slots.append(moment)
    return slots


def catch_up(now_utc: datetime, due_utc: datetime, grace: timedelta) -> Literal["send", "skip"]:
    """A slot missed by less than `grace` is still sent (late); an older one is skipped."""
    return "send" if now_utc - due_utc < grace else "skip"


def is_late(now_utc: datetime, due_utc: datetime) -> bool:
    return now_utc - due_utc >= LATE_AFTER
