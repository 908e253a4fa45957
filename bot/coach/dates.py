"""Local days: dates as lifters type them when logging a past session (`2026-11-20`, `yesterday`,
`tuesday`), and where a local day starts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) of the local day `day` in `zone`."""
    return datetime.combine(day, time(), zone).astimezone(UTC)


class DateError(ValueError):
    """The text is not a date we read; `future` when it is one, but after today."""

    def __init__(self, text: str, *, future: bool = False) -> None:
        super().__init__(text)
        self.text = text
        self.future = future


def past_date(text: str, today: date) -> date:
    """The day `text` names, on or before `today` (the user's local date).

    ISO dates (`2026-11-20`), `today`, `yesterday`, a weekday (`tuesday`, `tue`: the latest one,
    today included) or `last tuesday` (strictly before today). Raises DateError otherwise, or
    with `future=True` for a date after today.
    """
    words = text.strip().casefold().split()
    strictly_before = len(words) == 2 and words[0] == "last"
    word = words[-1] if words and (len(words) == 1 or strictly_before) else ""
    if word == "today" and not strictly_before:
        return today
    if word == "yesterday" and not strictly_before:
        return today - timedelta(days=1)
    weekday = next((index for index, name in enumerate(WEEKDAYS) if len(word) >= 3 and name.startswith(word)), None)
    if weekday is not None:
        back = (today.weekday() - weekday) % 7
        return today - timedelta(days=back or (7 if strictly_before else 0))
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise DateError(text) from None
    if day > today:
        raise DateError(text, future=True)
    return day
