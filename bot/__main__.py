"""`python -m bot [run|console|sync|migrate|backup|health]`.

With no sub-command: `run` when DISCORD_TOKEN is set, else `console`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from bot import metrics
from bot.coach.catalogue import CatalogueError
from bot.coach.loading import LoadingError
from bot.coach.rules import RuleTableError
from bot.coach.safety import SafetyRulesError
from bot.config import Settings
from bot.log import setup_logging
from bot.prompts import PromptError
from bot.store.database import Database, DatabaseError

log = logging.getLogger("bot")


class TokenRejected(Exception):
    """Discord (or the fake) answered 401 to the log-in."""


class DiscordUnreachable(Exception):
    """No connection to Discord's API (or the DISCORD_API_BASE proxy) could be made."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liftcoach", description="Liftcoach, a resistance-training coach bot.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="connect to Discord (needs DISCORD_TOKEN)")
    console = commands.add_parser("console", help="use Liftcoach in this terminal")
    console.add_argument("--user", default="you", help="the acting user's name (default: you)")
    sync = commands.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, help="register to one server only (instant, for testing)")
    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--dry-run", action="store_true", help="list pending migrations, change nothing")
    backup = commands.add_parser(
        "backup", help="write a consistent copy of the database (SQLite: a database file; PostgreSQL: pg_dump custom format)"
    )
    backup.add_argument("destination", type=Path)
    commands.add_parser("health", help="exit 1 unless the database answers and the running bot is connected")
    return parser


async def _migrate(settings: Settings, dry_run: bool) -> None:
    async with await Database.open(settings.database_url) as db:
        if dry_run:
            pending = await db.pending_migrations()
            for revision in pending:
                print(f"pending: {revision}")
            print(f"schema revision {await db.version() or 'none'}, {len(pending)} pending")
            return
        for revision in await db.migrate():
            print(f"applied: {revision}")
        print(f"schema revision {await db.version()}, up to date")


async def _backup(settings: Settings, destination: Path) -> None:
    async with await Database.open(settings.database_url, existing=True) as db:
        await db.backup(destination)
    print(f"backup written to {destination}")


def _health(settings: Settings) -> int:
    from bot.health import Unhealthy, check

    try:
        results = asyncio.run(check(settings, datetime.now(UTC)))
    except Unhealthy as problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy: " + "; ".join(results))
    return 0


async def _console(settings: Settings, user: str) -> None:
    from bot.app import Liftcoach
    from bot.console import run_console

    app = await Liftcoach.start(settings)
    try:
        await run_console(app, user)
    finally:
        await app.close()


async def _sync(settings: Settings, guild: int | None) -> None:
    # Registering the commands needs their declarations, not the lifters' data: a throw-away
    # database, so `sync` (often run as another user, through sudo) never creates, migrates or
    # takes ownership of the real one.
    with tempfile.TemporaryDirectory(prefix="liftcoach-sync-") as folder:
        scratch = settings.model_copy(update={"database_url": f"sqlite:///{folder}/commands.db", "chart_workers": 0})
        await _discord(scratch, sync=True, guild=guild)


async def _discord(settings: Settings, *, sync: bool, guild: int | None) -> None:
    from aiohttp import ClientConnectionError
    from discord import LoginFailure

    from bot.app import Liftcoach
    from bot.client import LiftcoachBot

    app = await Liftcoach.start(settings)
    try:
        async with LiftcoachBot(app, sync_only=sync) as client:
            if sync:
                await client.sync_commands(guild)
            else:
                if settings.metrics_port is not None:
                    metrics.serve(settings.metrics_port, settings.metrics_host)
                await client.start_with_retries()
    except LoginFailure:
        raise TokenRejected from None
    except ClientConnectionError as error:
        raise DiscordUnreachable(f"{settings.discord_api_base}: {error}") from None
    finally:
        await app.close()


def _describe(error: ValidationError) -> str:
    """One line per problem, naming the variable; never the value, which may be the token."""
    lines = []
    for problem in error.errors(include_url=False, include_input=False):
        variable = ".".join(str(part) for part in problem["loc"]).upper()
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"  {variable}: {message}" if variable else f"  {message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"liftcoach: bad configuration:\n{_describe(error)}", file=sys.stderr)
        return 2
    token = settings.token
    command = args.command or ("run" if token else "console")
    # Outside `run`, routine INFO lines would get in the way of what the command prints (the
    # console's replies, a health verdict, each migration applied, the commands synced).
    quiet = command != "run" and "log_level" not in settings.model_fields_set
    setup_logging("WARNING" if quiet else settings.log_level, token, log_format=settings.log_format)
    if command in {"run", "sync"} and not token:
        print("liftcoach: DISCORD_TOKEN is not set (see .env.example); try `python -m bot console`.", file=sys.stderr)
        return 2
    try:
        if command == "health":
            return _health(settings)
        if command == "migrate":
            asyncio.run(_migrate(settings, args.dry_run))
        elif command == "backup":
            asyncio.run(_backup(settings, args.destination))
        elif command == "console":
            asyncio.run(_console(settings, getattr(args, "user", "you")))
        elif command == "sync":
            asyncio.run(_sync(settings, args.guild))
        else:
            asyncio.run(_discord(settings, sync=False, guild=None))
    except (RuleTableError, CatalogueError, LoadingError, PromptError, SafetyRulesError, DatabaseError) as error:
        failed = "cannot start" if command in {"run", "console", "sync"} else f"{command} failed"
        print(f"liftcoach: {failed}: {error}", file=sys.stderr)
        return 1
    except TokenRejected:
        print("liftcoach: Discord rejected the token; check DISCORD_TOKEN or DISCORD_TOKEN_FILE.", file=sys.stderr)
        return 1
    except DiscordUnreachable as error:
        print(f"liftcoach: cannot reach Discord ({error}); check the network, or DISCORD_API_BASE.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Through logging, so the traceback is scrubbed of the token like every other line.
        log.exception("liftcoach stopped on an unexpected error")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
