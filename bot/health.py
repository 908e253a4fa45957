"""`python -m bot health`: is the database reachable, and is the running bot connected?

Meant for container health checks (Docker `HEALTHCHECK`, compose, Kubernetes exec probes): exit
code 0 when healthy, 1 otherwise, with one line saying why.

The running-bot half reads the heartbeat file the bot rewrites every `HEALTH_INTERVAL_SECONDS`
when `HEALTH_FILE` is set (`bot.client.write_heartbeat`): a file process-local to the bot's
container, needing no open port. The bot counts as down when the file is missing, older than
`STALE_AFTER_INTERVALS` intervals (the process hung or died), or names a shard whose gateway
connection is closed. Without `HEALTH_FILE`, only the database is checked.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.store.database import Database, DatabaseError

STALE_AFTER_INTERVALS = 3
DATABASE_TIMEOUT_SECONDS = 5.0


class Unhealthy(Exception):
    """One sentence saying what is wrong."""


async def check_database(database_url: str) -> str:
    """Open the database and read its schema revision; raises Unhealthy if that fails."""
    try:
        # `existing`: opening would create an empty database and report it healthy.
        db = await Database.open(database_url, existing=True)
    except DatabaseError as error:
        raise Unhealthy(str(error)) from None
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
            async with db:
                version = await db.version()
    except TimeoutError:
        raise Unhealthy(f"database {db.where} did not answer within {DATABASE_TIMEOUT_SECONDS:g} s") from None
    except DatabaseError as error:  # no connection: its message names the database and the reason
        raise Unhealthy(_first_line(error)) from error
    except Exception as error:
        raise Unhealthy(f"database {db.where} failed the check: {_first_line(error)}") from error
    if version is None:
        # A bot serving from it would have made its tables at start-up.
        raise Unhealthy(f"database {db.where} has no Liftcoach tables: run `python -m bot migrate` (the bot's "
                        "start-up does too)")
    return f"database {db.where} reachable (schema revision {version})"


def _first_line(error: Exception) -> str:
    """SQLAlchemy adds "(Background on this error at: ...)" lines and a "(driver.Class) " prefix."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def check_heartbeat(path: Path, interval: timedelta, now: datetime) -> str:
    """Read the bot's heartbeat file; raises Unhealthy if it is missing, stale or names a closed shard."""
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
        written_at = datetime.fromisoformat(beat["written_at"])
        shards = {int(shard): bool(up) for shard, up in beat["shards"].items()}
    except FileNotFoundError:
        raise Unhealthy(f"no heartbeat at {path}: the bot is not running or has not started yet") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise Unhealthy(f"unreadable heartbeat file {path}: {error}") from None
    age = now - written_at
    if age > interval * STALE_AFTER_INTERVALS:
        raise Unhealthy(f"the bot's heartbeat is {age.total_seconds():.0f} s old: the process is stuck or gone")
    down = sorted(shard for shard, up in shards.items() if not up)
    if not shards or down:
        raise Unhealthy(f"gateway not connected (shards down: {down or 'all'})")
    return f"gateway connected (shards {', '.join(map(str, sorted(shards)))})"


async def check(settings: Settings, now: datetime) -> list[str]:
    """Every check that applies; raises Unhealthy at the first failure."""
    results = [await check_database(settings.database_url)]
    if settings.health_file is not None:
        interval = timedelta(seconds=settings.health_interval_seconds)
        results.append(check_heartbeat(settings.health_file, interval, now))
    return results
