"""Shared fixtures: a real Liftcoach over a real SQLite file in a temporary folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Liftcoach
from bot.config import Settings


class FakeClock:
    """A clock the test moves by hand; time zones stay real."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # a Monday


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        _env_file=None,
        discord_token=None,
        database_url=f"sqlite:///{tmp_path / 'liftcoach.db'}",
        charts_dir=tmp_path / "charts",
    )


@pytest.fixture
async def app(settings, clock):
    liftcoach = await Liftcoach.start(settings, clock=clock)
    yield liftcoach
    await liftcoach.close()
