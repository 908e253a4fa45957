"""Settings: shard slices, the token from a file, and configuration errors that never echo the token."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.__main__ import main
from bot.config import Settings


def settings(**env: object) -> Settings:
    return Settings(_env_file=None, **env)


@pytest.mark.parametrize("ids, expected", [("0,1", [0, 1]), ("2", [2]), (" 1 , 3 ", [1, 3]), ("", None)])
def test_shard_ids_are_a_comma_separated_list(monkeypatch, ids, expected):
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", ids)
    assert settings().shard_ids == expected


@pytest.mark.parametrize("env, says", [
    ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "from 0 to 1"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "1,1"}, "distinct"),
])
def test_a_shard_slice_outside_the_count_is_refused(monkeypatch, env, says):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=says):
        settings()


def test_the_token_is_read_from_a_file_without_its_newline(tmp_path):
    secret = tmp_path / "discord-token"
    secret.write_text("abc.def.ghi\n")
    loaded = settings(discord_token_file=secret)
    assert loaded.token == "abc.def.ghi"
    assert "abc.def.ghi" not in repr(loaded)


def test_an_empty_token_variable_gives_way_to_the_file(tmp_path):
    secret = tmp_path / "discord-token"
    secret.write_text("abc.def.ghi")
    assert settings(discord_token="", discord_token_file=secret).token == "abc.def.ghi"


@pytest.mark.parametrize("content, says", [(None, "cannot read DISCORD_TOKEN_FILE"), ("  \n", "is empty")])
def test_a_missing_or_empty_token_file_is_refused(tmp_path, content, says):
    secret = tmp_path / "discord-token"
    if content is not None:
        secret.write_text(content)
    with pytest.raises(ValidationError, match=says):
        settings(discord_token_file=secret)


def test_a_configuration_error_names_the_problem_but_never_shows_the_token(tmp_path, monkeypatch, capsys):
    secret = tmp_path / "discord-token"
    secret.write_text("file.token.value")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "env.token.value")
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(secret))
    assert main(["health"]) == 2
    error = capsys.readouterr().err
    assert "set DISCORD_TOKEN or DISCORD_TOKEN_FILE, not both" in error
    assert "env.token.value" not in error and "file.token.value" not in error


def test_a_reminder_rate_above_discords_global_limit_needs_a_rate_limit_proxy():
    with pytest.raises(ValidationError, match="rate-limit proxy"):
        Settings(_env_file=None, reminder_rate_per_second=200)
    proxied = Settings(_env_file=None, reminder_rate_per_second=200, discord_api_base="http://proxy:8080/api/v10")
    assert proxied.reminder_rate_per_second == 200
    assert Settings(_env_file=None, reminder_claim_lease_seconds=2.5).reminder_claim_lease.total_seconds() == 2.5


def test_the_postgresql_pool_size_is_read_from_the_environment(monkeypatch):
    assert settings().database_pool_size is None, "unset: the store's default"
    monkeypatch.setenv("DATABASE_POOL_SIZE", "4")
    assert settings().database_pool_size == 4


@pytest.mark.parametrize("size", ["0", "101", "ten"])
def test_a_postgresql_pool_size_outside_1_to_100_is_refused(monkeypatch, size):
    monkeypatch.setenv("DATABASE_POOL_SIZE", size)
    with pytest.raises(ValidationError, match="database_pool_size"):
        settings()
