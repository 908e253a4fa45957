"""Both log formats scrub the token from messages, arguments, extra fields and tracebacks."""

import json
import logging

import pytest

from bot.log import build_formatter

TOKEN = "MTMwMDAw.FakeLog.sekret-token-value"


def _record_with_traceback() -> logging.LogRecord:
    try:
        raise RuntimeError(f"login with {TOKEN} failed")
    except RuntimeError as error:
        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "token %s rejected", (TOKEN,),
                                   (type(error), error, error.__traceback__))
    record.user = TOKEN
    return record


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_token_never_reaches_the_output(log_format):
    line = build_formatter(log_format, TOKEN).format(_record_with_traceback())
    assert TOKEN not in line
    assert "Traceback" in line and "[redacted]" in line


def test_json_lines_parse_and_name_level_and_logger():
    record = logging.LogRecord("bot.client", logging.INFO, __file__, 1, "connected as %s", ("Liftcoach",), None)
    entry = json.loads(build_formatter("json", TOKEN).format(record))
    assert entry["level"] == "INFO" and entry["logger"] == "bot.client"
    assert entry["message"] == "connected as Liftcoach" and "timestamp" in entry


def test_lines_without_the_token_are_untouched():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    assert build_formatter("text", TOKEN).format(record).endswith("x: hello world")
