"""Logging set-up: plain text or JSON lines, with the bot token scrubbed from everything written.

The scrubbing happens on the finished line, so it also covers arguments, tracebacks, stack
information and any `extra` field, in both formats.
"""

from __future__ import annotations

import logging
from typing import Literal

from pythonjsonlogger.json import JsonFormatter

REDACTED = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _Redacting(logging.Formatter):
    def __init__(self, *args: object, secrets: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.secrets = tuple(secret for secret in secrets if secret)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


class RedactingTextFormatter(_Redacting):
    """`2026-11-29 21:00:00,123 INFO    bot.client: connected as Liftcoach (123)`."""


class RedactingJsonFormatter(_Redacting, JsonFormatter):
    """One JSON object per line: timestamp (ISO 8601, UTC), level, logger, message, exc_info when set."""


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def build_formatter(log_format: Literal["text", "json"], *secrets: str) -> logging.Formatter:
    if log_format == "json":
        return RedactingJsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
            secrets=secrets,
        )
    return RedactingTextFormatter(TEXT_FORMAT, secrets=secrets)


def setup_logging(level: str, *secrets: str, log_format: Literal["text", "json"] = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(build_formatter(log_format, *secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.py's HTTP debug lines include request bodies; keep them out unless asked for.
    logging.getLogger("discord.http").setLevel(max(logging.getLevelName(level), logging.INFO))
