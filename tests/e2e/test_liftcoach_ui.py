"""The suite-wide disclaimer check flags exactly the bot messages that lack the footer."""

from __future__ import annotations

from fake_discord import FakeDiscord, Json, RecordedRequest
from liftcoach_ui import DISCLAIMER, messages_allowing_mentions, messages_missing_disclaimer

WITH_FOOTER: Json = {"embeds": [{"description": "Saved.", "footer": {"text": DISCLAIMER}}]}
WITHOUT_FOOTER: Json = {"embeds": [{"description": "Saved."}]}


def _fake_with(*requests: tuple[str, str, Json]) -> FakeDiscord:
    fake = FakeDiscord()
    fake.requests = [RecordedRequest(method, path, {}, body, [], 0.0, 200) for method, path, body in requests]
    return fake


def test_every_kind_of_message_without_the_footer_is_flagged() -> None:
    fake = _fake_with(
        ("POST", "/interactions/1/tok/callback", {"type": 4, "data": WITHOUT_FOOTER}),
        ("POST", "/interactions/2/tok/callback", {"type": 7, "data": {"content": "plain text"}}),
        ("POST", "/webhooks/9/tok", WITHOUT_FOOTER),
        ("PATCH", "/webhooks/9/tok/messages/@original", WITHOUT_FOOTER),
        ("POST", "/channels/5/messages", {"content": "Time to train!"}),
        ("PATCH", "/channels/5/messages/6", WITHOUT_FOOTER),
    )
    assert len(messages_missing_disclaimer(fake)) == 6


def test_messages_with_the_footer_and_answers_that_show_no_message_pass() -> None:
    fake = _fake_with(
        ("POST", "/interactions/1/tok/callback", {"type": 4, "data": WITH_FOOTER}),
        ("POST", "/interactions/2/tok/callback", {"type": 5, "data": {"flags": 64}}),
        ("POST", "/interactions/3/tok/callback", {"type": 6}),
        ("POST", "/interactions/4/tok/callback", {"type": 8, "data": {"choices": []}}),
        ("POST", "/interactions/5/tok/callback", {"type": 9, "data": {"custom_id": "m", "components": []}}),
        ("POST", "/channels/5/messages", WITH_FOOTER),
        ("PATCH", "/channels/5/messages/6", {"components": []}),
        ("PUT", "/applications/9/commands", [{"name": "goal"}]),
    )
    assert messages_missing_disclaimer(fake) == []


def test_every_message_that_could_ping_is_flagged() -> None:
    quiet = {**WITH_FOOTER, "allowed_mentions": {"parse": []}}
    fake = _fake_with(
        ("POST", "/interactions/1/tok/callback", {"type": 4, "data": quiet}),
        ("POST", "/interactions/2/tok/callback", {"type": 4, "data": WITH_FOOTER}),
        ("POST", "/webhooks/9/tok", {**WITH_FOOTER, "allowed_mentions": {"parse": ["everyone"]}}),
        ("POST", "/channels/5/messages", {**WITH_FOOTER, "allowed_mentions": {"parse": [], "users": ["1"]}}),
        ("POST", "/interactions/3/tok/callback", {"type": 9, "data": {"custom_id": "m", "components": []}}),
    )
    flagged = messages_allowing_mentions(fake)
    assert [line.split(":")[0] for line in flagged] == ["POST /interactions/2/tok/callback", "POST /webhooks/9/tok",
                                                        "POST /channels/5/messages"]
