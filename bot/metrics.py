"""Prometheus metrics (prometheus-client), served on `METRICS_PORT` when it is set.

The metrics live in the library's default registry, created once at import, as
prometheus-client expects; every `Liftcoach` in a process adds to the same series.

- `liftcoach_commands_total{kind, name, outcome}`: kind is `command` (slash) or `action`
  (button, menu, form); outcome is `ok` or `rejected` (the user got an error reply).
- `liftcoach_command_seconds{kind, name}`: time from input to rendered reply, in seconds.
- `liftcoach_reminders_total{outcome}`: `sent`, `failed` (gave up), `paused` (DMs closed),
  `retrying`.
- `liftcoach_database_errors_total`: unexpected database exceptions in commands or the dispatcher.
"""

from __future__ import annotations

import logging
import sqlite3

import sqlalchemy as sa
from prometheus_client import Counter, Histogram, start_http_server

log = logging.getLogger(__name__)

COMMANDS = Counter("liftcoach_commands", "Commands and actions handled", ["kind", "name", "outcome"])
COMMAND_SECONDS = Histogram(
    "liftcoach_command_seconds",
    "Time from input to rendered reply",
    ["kind", "name"],
    # Discord gives an interaction 3 s; the buckets resolve the range that matters below that.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
REMINDERS = Counter("liftcoach_reminders", "Reminder deliveries by outcome", ["outcome"])
DATABASE_ERRORS = Counter("liftcoach_database_errors", "Unexpected database errors")
# "kept": a plan prepared ahead was still current; "computed": none was, so a command computed it
# (PREPARED_PLANS sizes the kept ones); "prepared": computed ahead by the preparer.
PLANS = Counter("liftcoach_plans", "Today's plans asked for, by where they came from", ["source"])


def observe_command(kind: str, name: str, *, rejected: bool, seconds: float) -> None:
    COMMANDS.labels(kind, name, "rejected" if rejected else "ok").inc()
    COMMAND_SECONDS.labels(kind, name).observe(seconds)


def count_plan(source: str) -> None:
    PLANS.labels(source).inc()


def count_database_error(error: BaseException) -> None:
    """Count `error` if it, or an exception it was raised from, came from SQLAlchemy or the database driver."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, sa.exc.SQLAlchemyError | sqlite3.Error):
            DATABASE_ERRORS.inc()
            return
        seen = seen.__cause__ or seen.__context__


def serve(port: int, host: str) -> int:
    """Start the `/metrics` endpoint in a daemon thread; returns the bound port (useful with port 0)."""
    server, _thread = start_http_server(port, addr=host)
    bound = server.server_address[1]
    log.info("metrics on http://%s:%s/metrics", host, bound)
    return bound
