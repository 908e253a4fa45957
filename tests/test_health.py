"""`python -m bot health`: the database half and the heartbeat half, each failing for the right reason."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from bot.__main__ import main
from bot.client import write_heartbeat
from bot.health import Unhealthy, check_heartbeat

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
INTERVAL = timedelta(seconds=15)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DISCORD_TOKEN", "DISCORD_TOKEN_FILE", "HEALTH_FILE", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'liftcoach.db'}")
    return monkeypatch


def test_a_migrated_database_is_healthy(env, capsys):
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["health"]) == 0
    assert "reachable (schema revision" in capsys.readouterr().out


def test_a_missing_database_is_unhealthy_and_is_not_created(env, tmp_path, capsys):
    assert main(["health"]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "liftcoach.db").exists()


def test_a_database_that_cannot_be_read_is_unhealthy(env, tmp_path, capsys):
    (tmp_path / "liftcoach.db").write_bytes(b"this is not an SQLite database" * 100)
    assert main(["health"]) == 1
    error = capsys.readouterr().err.strip()
    assert "cannot connect to the database" in error and "file is not a database" in error
    assert "\n" not in error  # one line, as the module promises


def test_a_database_without_liftcoachs_tables_is_unhealthy_and_left_as_it_was(env, tmp_path, capsys):
    import sqlite3

    path = tmp_path / "liftcoach.db"
    sqlite3.connect(path).execute("CREATE TABLE unrelated (x)").connection.close()
    before = path.read_bytes()
    assert main(["health"]) == 1
    assert "has no Liftcoach tables: run `python -m bot migrate`" in capsys.readouterr().err
    assert path.read_bytes() == before  # not switched to WAL: a check never rewrites the file


def test_a_missing_postgresql_database_is_named_as_missing(env, capsys, backend, database_url):
    if backend != "postgresql":
        pytest.skip("a missing SQLite file is the test above")
    env.setenv("DATABASE_URL", database_url.rsplit("/", 1)[0] + "/no_such_database")
    assert main(["health"]) == 1
    assert 'database "no_such_database" does not exist' in capsys.readouterr().err


def test_a_postgresql_server_that_does_not_answer_is_unhealthy(env, capsys):
    with socket.socket() as unused:  # a loopback port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    env.setenv("DATABASE_URL", f"postgresql://liftcoach:sekret@127.0.0.1:{port}/liftcoach")
    assert main(["health"]) == 1
    error = capsys.readouterr().err
    assert f"cannot connect to the database postgresql://liftcoach:***@127.0.0.1:{port}/liftcoach" in error
    assert "sekret" not in error


def test_a_postgresql_server_that_accepts_but_never_answers_is_unhealthy_in_time(env, capsys):
    env.setattr("bot.health.DATABASE_TIMEOUT_SECONDS", 0.5)
    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        env.setenv("DATABASE_URL", f"postgresql://liftcoach:sekret@127.0.0.1:{port}/liftcoach")
        assert main(["health"]) == 1
    error = capsys.readouterr().err
    assert f"database postgresql://liftcoach:***@127.0.0.1:{port}/liftcoach did not answer within 0.5 s" in error


def test_with_a_health_file_the_running_bot_must_be_connected(env, tmp_path, capsys):
    assert main(["migrate"]) == 0
    beat = tmp_path / "health.json"
    env.setenv("HEALTH_FILE", str(beat))
    assert main(["health"]) == 1
    assert "no heartbeat" in capsys.readouterr().err
    write_heartbeat(beat, {0: True, 1: True}, datetime.now(UTC))
    assert main(["health"]) == 0
    assert "gateway connected (shards 0, 1)" in capsys.readouterr().out


@pytest.mark.parametrize("shards, written, says", [
    ({0: True, 1: False}, NOW, "shards down: [1]"),
    ({}, NOW, "shards down: all"),
    ({0: True}, NOW - 4 * INTERVAL, "stuck or gone"),
])
def test_a_heartbeat_is_unhealthy_when_a_shard_is_down_or_it_is_stale(tmp_path, shards, written, says):
    beat = tmp_path / "health.json"
    write_heartbeat(beat, shards, written)
    with pytest.raises(Unhealthy, match=says.replace("[", r"\[").replace("]", r"\]")):
        check_heartbeat(beat, INTERVAL, NOW)


def test_a_garbled_heartbeat_is_unhealthy(tmp_path):
    beat = tmp_path / "health.json"
    beat.write_text("{not json")
    with pytest.raises(Unhealthy, match="unreadable heartbeat"):
        check_heartbeat(beat, INTERVAL, NOW)
