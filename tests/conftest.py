"""Shared fixtures: a real Liftcoach over a real database, SQLite and PostgreSQL.

Every test that takes `database_url` (directly or through `settings`/`app`) runs once per backend,
with ids `[sqlite]` and `[postgresql]`; the PostgreSQL half needs LIFTCOACH_TEST_POSTGRES_URL (see
tests/databases.py) and is skipped with one reason line otherwise. The terminal summary counts
what ran on each backend.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Liftcoach
from bot.config import Settings
from tests.databases import BACKENDS, POSTGRES_ENV, POSTGRES_SKIP, database_url_for, drop_template, postgres_admin_url


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


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    if request.param == "postgresql" and postgres_admin_url() is None:
        pytest.skip(POSTGRES_SKIP)
    return request.param


@pytest.fixture
def database_url(backend, tmp_path):
    """A fresh database for this test: a SQLite file, or a PostgreSQL database already migrated."""
    with database_url_for(backend, tmp_path) as url:
        yield url


@pytest.fixture
def empty_database_url(backend, tmp_path):
    """A fresh database with no tables at all, for migration tests."""
    with database_url_for(backend, tmp_path, migrated=False) as url:
        yield url


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        _env_file=None,
        discord_token=None,
        database_url=database_url,
        charts_dir=tmp_path / "charts",
    )


@pytest.fixture
async def app(settings, clock):
    liftcoach = await Liftcoach.start(settings, clock=clock)
    yield liftcoach
    await liftcoach.close()


# -- what ran on which backend ---------------------------------------------------------------------

_BACKEND_PARAMS = ("backend", "shared_backend")
_outcomes: Counter[tuple[str, str]] = Counter()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per CPU. Many tests wait on a bot process, a fake Discord or PostgreSQL
    on loopback rather than compute, so one worker per CPU left the CPUs idle part of the time."""
    return 2 * (os.cpu_count() or 1)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    # Fold every "no PostgreSQL" skip into one line of the summary: one location, one reason.
    if report.skipped and isinstance(report.longrepr, tuple) and report.longrepr[2].endswith(POSTGRES_SKIP):
        report.longrepr = (__file__, 1, POSTGRES_SKIP)
    # The report carries its backend: with pytest-xdist it is counted in the controller, which never
    # sees the items.
    params = getattr(getattr(item, "callspec", None), "params", {})
    for name in _BACKEND_PARAMS:
        if name in params:
            report.user_properties.append(("backend", params[name]))
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    backend = dict(report.user_properties).get("backend")
    if backend is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _outcomes[backend, "skipped" if report.skipped else "passed" if report.passed else "failed"] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    if not _outcomes:
        return
    parts = []
    for backend in BACKENDS:
        counts = ", ".join(f"{_outcomes[backend, outcome]} {outcome}"
                           for outcome in ("passed", "failed", "skipped") if _outcomes[backend, outcome])
        parts.append(f"{backend}: {counts or 'none'}")
    note = "" if postgres_admin_url() else f" (PostgreSQL: set {POSTGRES_ENV} or run .ci/run)"
    terminalreporter.write_line(f"database backends: {'; '.join(parts)}{note}")


def pytest_sessionfinish() -> None:
    drop_template()
