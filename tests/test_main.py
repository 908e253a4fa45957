"""The command line: sub-commands, start-up failures as one readable line, no token leaks."""

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.__main__ import main
from bot.coach.schedule import default_days
from bot.coach.vocabulary import MAX_DAYS_PER_WEEK, MIN_DAYS_PER_WEEK
from bot.store.database import Database

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env={**base, **env}, cwd=REPO, timeout=60)


def test_migrate_then_dry_run(empty_database_url, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["migrate", "--dry-run"]) == 0
    assert "pending: 0001_initial" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "applied: 0001_initial" in capsys.readouterr().out
    assert main(["migrate", "--dry-run"]) == 0
    assert "0 pending" in capsys.readouterr().out


def test_backup_writes_a_usable_copy(tmp_path, capsys, monkeypatch, backend, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["migrate"]) == 0
    if backend == "postgresql" and shutil.which("pg_dump") is None:
        assert main(["backup", str(tmp_path / "copy.dump")]) == 1
        assert "needs pg_dump" in capsys.readouterr().err
        return
    assert main(["backup", str(tmp_path / "copy.dump")]) == 0
    if backend == "sqlite":
        tables = sqlite3.connect(tmp_path / "copy.dump").execute("SELECT name FROM sqlite_master").fetchall()
        assert ("users",) in tables
    elif shutil.which("pg_restore"):
        listing = subprocess.run(["pg_restore", "--list", str(tmp_path / "copy.dump")], capture_output=True, text=True)
        assert "TABLE public users" in listing.stdout


def test_a_backup_of_a_missing_sqlite_file_fails_and_creates_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'mistyped.db'}")
    assert main(["backup", str(tmp_path / "copy.db")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_backup_replaces_a_broken_copy_privately_and_a_bad_destination_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'liftcoach.db'}")
    assert main(["migrate"]) == 0
    stale = tmp_path / "copy.backup"
    stale.write_text("junk")  # a copy an earlier, interrupted run left behind
    assert main(["backup", str(stale)]) == 0
    assert stale.stat().st_mode & 0o777 == 0o600
    with closing(sqlite3.connect(stale)) as copy:
        assert ("users",) in copy.execute("SELECT name FROM sqlite_master").fetchall()
    capsys.readouterr()

    assert main(["backup", str(stale / "inside-a-file.backup")]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"liftcoach: backup failed: cannot write the backup to {stale / 'inside-a-file.backup'}: ")
    assert "Traceback" not in error and error.count("\n") == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["copy.backup", "liftcoach.db"]


def test_run_without_a_token_says_what_to_do(tmp_path):
    result = run_cli("run", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr


def test_a_database_newer_than_the_code_stops_start_up_clearly(tmp_path):
    path = tmp_path / "future.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 99").connection.close()
    result = run_cli("console", env={"DATABASE_URL": f"sqlite:///{path}"}, stdin="/help\n")
    assert result.returncode == 1
    assert "cannot start" in result.stderr and "version 99" in result.stderr
    assert "Traceback" not in result.stderr


def _damaged_database(path: Path) -> None:
    """A Liftcoach database with a log big enough to span pages, then one page overwritten."""
    async def fill() -> None:
        async with await Database.open(f"sqlite:///{path}") as db:
            await db.migrate()
            await db.write(sa.text("INSERT INTO users (user_id, created_at, updated_at) VALUES (1, 'x', 'x')"))
            await db.write(
                sa.text("INSERT INTO set_logs (user_id, exercise, weight_kg, entered_unit, reps, sets, note, logged_at) "
                        "VALUES (1, 'barbell-back-squat', 100, 'kg', 5, 1, :note, :at)"),
                [{"note": "n" * 150, "at": f"2026-11-{day:02d}"} for day in range(1, 29)] * 20,
            )

    asyncio.run(fill())
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    pages = path.stat().st_size // 4096
    with path.open("r+b") as file:
        file.seek(4096 * (pages - 2) + 64)
        file.write(b"\xff" * 3000)


@pytest.mark.parametrize("command", ["console", "run"])
def test_a_damaged_database_is_refused_at_start_up_naming_the_backup_command(tmp_path, command):
    path = tmp_path / "damaged.db"
    _damaged_database(path)
    env = {"DATABASE_URL": f"sqlite:///{path}", "DISCORD_TOKEN": "x" * 59}
    result = run_cli(command, env=env, stdin="/help\n")
    assert result.returncode == 1
    assert "cannot start" in result.stderr and "is damaged" in result.stderr
    assert "python -m bot backup" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_refused_at_start_up(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"squat 100x5\n" * 1000)
    result = run_cli("console", env={"DATABASE_URL": f"sqlite:///{path}"}, stdin="/help\n")
    assert result.returncode == 1
    assert "is damaged" in result.stderr and "not a database" in result.stderr


def test_a_database_at_an_unknown_revision_stops_start_up_clearly(database_url):
    async def from_the_future() -> None:
        async with await Database.open(database_url) as db:
            await db.migrate()
            await db.write(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))

    asyncio.run(from_the_future())
    result = run_cli("console", env={"DATABASE_URL": database_url}, stdin="/help\n")
    assert result.returncode == 1
    assert "cannot start" in result.stderr and "'9999_future'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_prompts_folder_stops_start_up_clearly(tmp_path):
    result = run_cli("console", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PROMPTS_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "cannot read prompts" in result.stderr


@pytest.mark.parametrize("level", ["LOUD"])
def test_bad_configuration_is_reported(tmp_path, level):
    result = run_cli("console", env={"LOG_LEVEL": level})
    assert result.returncode == 2
    assert "log level" in result.stderr


def test_a_broken_rule_table_stops_start_up_naming_file_goal_and_field(tmp_path, monkeypatch, capsys):
    from bot import app as app_module
    from bot.coach.rules import RuleTableError, load_rulebook

    broken = tmp_path / "rules"
    broken.mkdir()
    source = Path(app_module.__file__).parent / "coach" / "data" / "rules"
    for table in source.glob("*.toml"):
        text = table.read_text()
        if table.name == "strength.toml":
            text = text.replace("[levels.novice.reps]\nlow = 4", '[levels.novice.reps]\nlow = "four"', 1)
        (broken / table.name).write_text(text)
    monkeypatch.setattr(app_module, "load_rulebook", lambda: load_rulebook(broken))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["console"]) == 1
    message = capsys.readouterr().err
    assert "strength.toml" in message and "'strength'" in message and "levels.novice.reps.low" in message
    assert RuleTableError.__name__ not in message


@pytest.mark.parametrize(
    ("loader", "file", "old", "new", "named"),
    [
        ("load_catalogue", "exercises.toml", 'equipment = "assisted"', 'equipment = "rope"',
         "exercise 'assisted-dip', field equipment"),
        ("load_loading", "loading.toml", "kettlebell_sizes = [4.0", "kettlebell_sizes = [44.0",
         "field equipment.kg: Value error, kettlebell_sizes must be strictly increasing"),
        ("load_loading", "loading.toml", "assistance_max = 90.0", "assistance_max = -5.0",
         "field equipment.kg.assistance_max"),
    ],
)
def test_a_broken_exercise_kind_or_loading_profile_stops_start_up_naming_the_field(
    tmp_path, monkeypatch, capsys, loader, file, old, new, named
):
    """Issue 8: the exercise kinds and the loading profile are data, validated at start-up."""
    from bot import app as app_module

    text = (Path(app_module.__file__).parent / "coach" / "data" / file).read_text()
    assert old in text
    broken = tmp_path / file
    broken.write_text(text.replace(old, new, 1))
    original = getattr(app_module, loader)
    monkeypatch.setattr(app_module, loader, lambda: original(broken))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["console"]) == 1
    message = capsys.readouterr().err
    assert f"cannot start: {file}: " in message and named in message and "Traceback" not in message


def test_env_example_copied_to_env_keeps_console_mode_quiet(tmp_path, monkeypatch):
    """Why: copying `.env.example` to `.env` made console mode print INFO log lines."""
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text())
    monkeypatch.chdir(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="/help\n", capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if k not in {"LOG_LEVEL", "DISCORD_TOKEN", "DATABASE_URL"}},
    )
    assert result.returncode == 0, result.stderr
    assert "/goal" in result.stdout
    assert " INFO " not in result.stdout + result.stderr


def test_readme_states_the_reminder_default_days_the_bot_uses():
    """Why: the README said Monday and Thursday, but a 3-day user gets Monday, Wednesday and Friday."""
    readme = (REPO / "README.md").read_text()
    short = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    for days_per_week in range(MIN_DAYS_PER_WEEK, MAX_DAYS_PER_WEEK + 1):
        days = default_days(days_per_week)
        consecutive = days == tuple(range(days[0], days[-1] + 1)) and len(days) > 3
        stated = f"{short[days[0]]}–{short[days[-1]]}" if consecutive else ", ".join(short[d] for d in days)
        assert f"{days_per_week}: {stated}" in readme or f"{days_per_week} a week: {stated}" in readme


def test_an_unreachable_discord_is_one_line_naming_the_address_and_sync_touches_no_database(tmp_path):
    import socket

    with socket.socket() as unused:  # a loopback port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    token = "MTMwMDAwMDAwMDAwMDAwMDAx.Secret.c2VrcmV0LXRva2VuLXZhbHVl"
    for command in ("run", "sync"):
        result = run_cli(command, env={
            "DISCORD_TOKEN": token, "DATABASE_URL": f"sqlite:///{tmp_path / command}.db",
            "DISCORD_API_BASE": f"http://127.0.0.1:{port}/api/v10",
        })
        assert result.returncode == 1
        assert f"cannot reach Discord (http://127.0.0.1:{port}/api/v10: " in result.stderr
        assert "Traceback" not in result.stderr and token not in result.stdout + result.stderr
    # `sync` registers commands from their declarations: the database is neither made nor migrated.
    assert [path.name for path in tmp_path.iterdir()] == ["run.db"]


def test_an_unexpected_failure_at_start_logs_a_traceback_without_the_token(tmp_path):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Nonsense(BaseHTTPRequestHandler):
        """Answers every request with an empty JSON object: the log-in's user has no id."""

        def do_GET(self) -> None:
            body = b"{}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Nonsense)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    token = "MTMwMDAwMDAwMDAwMDAwMDAx.Secret.c2VrcmV0LXRva2VuLXZhbHVl"
    try:
        for log_format in ("text", "json"):
            result = run_cli("run", env={
                "DISCORD_TOKEN": token, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "LOG_LEVEL": "DEBUG",
                "LOG_FORMAT": log_format, "DISCORD_API_BASE": f"http://127.0.0.1:{server.server_port}/api/v10",
            })
            output = result.stdout + result.stderr
            assert result.returncode == 1
            assert "Traceback" in output and "liftcoach stopped on an unexpected error" in output
            assert token not in output
    finally:
        server.shutdown()
        server.server_close()


def test_env_example_copied_to_env_gives_a_quiet_console(tmp_path):
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text())
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "LOG_"))}
    result = subprocess.run([sys.executable, "-m", "bot"], input="/help\n", capture_output=True, text=True,
                            env={**base, "PYTHONPATH": str(REPO)}, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "/today" in result.stdout
    assert " INFO " not in result.stdout + result.stderr and result.stderr == ""
