"""Settings from the environment and `.env` (pydantic-settings).

The token has no default and is a SecretStr, so it never shows up in a repr or a log line. It
comes from `DISCORD_TOKEN`, or from the file named by `DISCORD_TOKEN_FILE` (Docker secrets,
systemd credentials), never both.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
# An installed wheel carries the prompts inside the package (see pyproject.toml); a checkout,
# editable installs included, reads the top-level `prompts/` folder, the one source of truth.
PACKAGED_PROMPTS_DIR = PACKAGE_DIR / "_prompts"
REPO_PROMPTS_DIR = PACKAGE_DIR.parent / "prompts"


def default_prompts_dir() -> Path:
    return PACKAGED_PROMPTS_DIR if PACKAGED_PROMPTS_DIR.is_dir() else REPO_PROMPTS_DIR


DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GLOBAL_RATE = 50
MAX_RATE_BEHIND_PROXY = 10_000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, description="Bot token; unset = console mode")
    discord_token_file: Path | None = Field(default=None, description="A file holding the token")
    database_url: str = "sqlite:///liftcoach.db"
    # PostgreSQL: connections in each of the process's two pools (writes; reads), so at most twice
    # this many per process (docs/deploy.md); None is the store's default (10). Ignored on SQLite.
    database_pool_size: int | None = Field(default=None, ge=1, le=100)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    discord_api_base: str = Field(
        default=DISCORD_API_BASE,
        description="REST base URL; point it at an HTTP rate-limit proxy if you run one",
    )
    # Test-only: where the gateway websocket lives. Empty means Discord's own.
    discord_gateway_url: str = ""
    # Sharding: None lets Discord recommend a count and runs every shard in this process.
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    health_file: Path | None = None
    health_interval_seconds: float = Field(default=15.0, gt=0)
    prompts_dir: Path = Field(default_factory=default_prompts_dir)
    charts_dir: Path = Path("charts")
    # Processes that draw /progress charts, so matplotlib's CPU never stalls the event loop.
    # One leaves the second core of a small 2-core host to the bot; 0 draws in a thread instead.
    chart_workers: int = Field(default=1, ge=0, le=32)
    # Lifters whose /today plan is kept, prepared while the bot is idle (bot.commands.prepared);
    # 0 computes every plan when asked. About 5 KiB each (measured: bench seed, 5 lifts a session).
    prepared_plans: int = Field(default=2000, ge=0)
    # Discord's global limit is 50 requests/s per token; above it only behind a rate-limit proxy
    # (DISCORD_API_BASE), which then enforces the limit for every process together.
    reminder_rate_per_second: float = Field(default=40.0, gt=0, le=MAX_RATE_BEHIND_PROXY)
    reminder_grace_hours: float = Field(default=3.0, ge=0)
    reminder_poll_seconds: float = Field(default=30.0, gt=0)
    # How long a delivery one process claimed is hidden from the others (PostgreSQL); a dead
    # process's claims are taken over when it runs out. Must stay well under the grace period.
    reminder_claim_lease_seconds: float = Field(default=60.0, gt=0)
    reminder_sends_in_flight: int = Field(default=10, ge=1, le=100)
    # For tests and demos: the clock starts at this instant and runs on in real time.
    clock_start: datetime | None = None

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"unknown log level {value!r}; use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`SHARD_IDS=0,1` (or `0 1`) from the environment; an empty value means all shards."""
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
            return parts or None
        return value

    @field_validator("clock_start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("CLOCK_START needs a UTC offset, e.g. 2026-03-29T00:59:58+00:00")
        return value

    @model_validator(mode="after")
    def _reminder_rate(self) -> Settings:
        if self.reminder_rate_per_second > DISCORD_GLOBAL_RATE and self.discord_api_base == DISCORD_API_BASE:
            raise ValueError(
                f"REMINDER_RATE_PER_SECOND above {DISCORD_GLOBAL_RATE} (Discord's global limit) needs "
                "DISCORD_API_BASE pointing at a rate-limit proxy, which enforces the limit"
            )
        return self

    @model_validator(mode="after")
    def _shards_and_token(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards across all processes)")
            wrong = [shard for shard in self.shard_ids if not 0 <= shard < self.shard_count]
            if wrong or len(set(self.shard_ids)) != len(self.shard_ids):
                raise ValueError(f"SHARD_IDS must be distinct numbers from 0 to {self.shard_count - 1}")
        if self.discord_token_file is not None:
            if self.discord_token is not None and self.discord_token.get_secret_value():
                raise ValueError("set DISCORD_TOKEN or DISCORD_TOKEN_FILE, not both")
            try:
                token = self.discord_token_file.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ValueError(f"cannot read DISCORD_TOKEN_FILE {self.discord_token_file}: {error.strerror}") from None
            if not token:
                raise ValueError(f"DISCORD_TOKEN_FILE {self.discord_token_file} is empty")
            self.discord_token = SecretStr(token)
        return self

    @property
    def token(self) -> str:
        """The token, or "" for console mode."""
        return self.discord_token.get_secret_value() if self.discord_token else ""

    @property
    def reminder_grace(self) -> timedelta:
        return timedelta(hours=self.reminder_grace_hours)

    @property
    def reminder_claim_lease(self) -> timedelta:
        return timedelta(seconds=self.reminder_claim_lease_seconds)
