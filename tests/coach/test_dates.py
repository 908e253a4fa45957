from datetime import date

import pytest

from bot.coach.dates import DateError, past_date

SUNDAY = date(2026, 11, 29)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-20", date(2026, 11, 20)),
    ("today", SUNDAY),
    ("Yesterday", date(2026, 11, 28)),
    ("tuesday", date(2026, 11, 24)),
    ("tue", date(2026, 11, 24)),
    ("sunday", SUNDAY),
    ("last sunday", date(2026, 11, 22)),
    ("last Fri", date(2026, 11, 27)),
    (" 2026-11-29 ", SUNDAY),
])
def test_past_dates(text, expected):
    assert past_date(text, SUNDAY) == expected


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01", "mo", "last yesterday", "next monday", ""])
def test_unreadable(text):
    with pytest.raises(DateError) as caught:
        past_date(text, SUNDAY)
    assert not caught.value.future


def test_a_future_date_is_refused_as_future():
    with pytest.raises(DateError) as caught:
        past_date("2026-11-30", SUNDAY)
    assert caught.value.future
