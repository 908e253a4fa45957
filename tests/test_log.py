import logging

from bot.log import RedactSecrets


def test_the_token_is_scrubbed_from_messages_and_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s in %s", ("sekret.token", "url"), None)
    RedactSecrets("sekret.token").filter(record)
    assert record.getMessage() == "token [redacted] in url"


def test_records_without_secrets_are_untouched():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    RedactSecrets("sekret").filter(record)
    assert (record.msg, record.args) == ("hello %s", ("world",))
