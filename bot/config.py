"""Settings from the environment and `.env` (pydantic-settings).

The token has no default and is a SecretStr, so it never shows up in a repr or a log line.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, description="Bot token; unset = console mode")
    database_url: str = "sqlite:///liftcoach.db"
    log_level: str = "INFO"
    discord_api_base: str = Field(
        default="https://discord.com/api/v10",
        description="REST base URL; point it at an HTTP rate-limit proxy if you run one",
    )
    # Test-only: where the gateway websocket lives. Empty means Discord's own.
    discord_gateway_url: str = ""
    prompts_dir: Path = REPO_PROMPTS_DIR
    charts_dir: Path = Path("charts")
    # Processes that draw /progress charts, so matplotlib's CPU never stalls the event loop.
    # One leaves the second core of a small 2-core host to the bot; 0 draws in a thread instead.
    chart_workers: int = Field(default=1, ge=0, le=32)
    reminder_rate_per_second: float = Field(default=40.0, gt=0, le=50)
    reminder_grace_hours: float = Field(default=3.0, ge=0)
    reminder_poll_seconds: float = Field(default=30.0, gt=0)
    # For tests and demos: the clock starts at this instant and runs on in real time.
    clock_start: datetime | None = None

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"unknown log level {value!r}; use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("clock_start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("CLOCK_START needs a UTC offset, e.g. 2026-03-29T00:59:58+00:00")
        return value

    @property
    def reminder_grace(self) -> timedelta:
        return timedelta(hours=self.reminder_grace_hours)
