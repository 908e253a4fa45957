"""Reading Liftcoach's Discord messages in e2e tests: its custom ids, its embeds, its disclaimer.

Also the suite-wide rules every e2e test is held to (see `conftest.py`): each message the bot
sends or edits carries the disclaimer from `prompts/disclaimer.md` as an embed footer, and sets
`allowed_mentions` so that nothing in it pings anyone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from driver import DEFERRED_CHANNEL_MESSAGE
from fake_discord import (
    CallbackRecord,
    FakeDiscord,
    FakeMessage,
    InteractionRecord,
    Json,
    RecordedRequest,
    compile_route,
)
from harness import BotHarness

REPO_ROOT = Path(__file__).resolve().parents[2]
DISCLAIMER = (REPO_ROOT / "prompts" / "disclaimer.md").read_text(encoding="utf-8").strip()
SAFETY_NOTICE = (REPO_ROOT / "prompts" / "safety_notice.md").read_text(encoding="utf-8").strip()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Interaction callbacks that show no message: deferred (5, 6; the message comes later by webhook),
# autocomplete choices (8) and a modal (9).
CALLBACKS_WITHOUT_MESSAGE = frozenset({5, 6, 8, 9})
INTERACTION_CALLBACK = compile_route("POST /interactions/{id}/{token}/callback")
MESSAGE_ROUTES = tuple(
    compile_route(route)
    for route in (
        "POST /webhooks/{app}/{token}",
        "PATCH /webhooks/{app}/{token}/messages/{message}",
        "POST /channels/{channel}/messages",
        "PATCH /channels/{channel}/messages/{message}",
    )
)

Shown = FakeMessage | CallbackRecord | InteractionRecord


def _payload(shown: Shown) -> Json:
    if isinstance(shown, InteractionRecord):
        if shown.response is None:
            raise AssertionError(f"{shown} has no response yet")
        if shown.response.type == DEFERRED_CHANNEL_MESSAGE and shown.original is not None and not shown.original.loading:
            return shown.original.raw  # a deferred reply: the message that ended the deferral
        return shown.response.data
    if isinstance(shown, CallbackRecord):
        return shown.data
    return shown.raw


def embeds_of(shown: Shown) -> list[Json]:
    return _payload(shown).get("embeds") or []


def main_embed(shown: Shown) -> Json:
    """The reply itself: the last embed (a first-contact safety notice comes before it)."""
    embeds = embeds_of(shown)
    if not embeds:
        raise AssertionError(f"{shown} has no embeds")
    return embeds[-1]


def field_names(shown: Shown) -> list[str]:
    return [field["name"] for field in main_embed(shown).get("fields") or []]


def action_ids(message: FakeMessage) -> dict[str, str]:
    """Liftcoach custom ids (`lc:<action>:<owner>:<arg>`) on `message`, keyed by action."""
    ids = {}
    for custom_id in message.custom_ids():
        prefix, action, _owner, _argument = custom_id.split(":", 3)
        assert prefix == "lc", f"not a Liftcoach custom id: {custom_id!r}"
        ids[action] = custom_id
    return ids


def button_labels(message: FakeMessage) -> list[str]:
    return [
        component["label"]
        for row in message.components
        for component in row.get("components") or []
        if component.get("type") == 2
    ]


def carries_disclaimer(payload: Json) -> bool:
    return any(DISCLAIMER in ((embed.get("footer") or {}).get("text") or "") for embed in payload.get("embeds") or [])


def _shows_a_message(payload: Json) -> bool:
    """An edit that only swaps components or attachments shows no new text, so it needs no new footer."""
    return payload.get("content") is not None or "embeds" in payload


def messages_missing_disclaimer(fake: FakeDiscord, since_request: int = 0) -> list[str]:
    """Messages the bot sent or edited without the disclaimer footer.

    Covers responses, in-place updates, follow-ups, edits, channel messages and DMs.

    Only requests from index `since_request` on are looked at (one test's share of a shared fake).
    """
    missing = []
    for request in fake.requests[since_request:]:
        payload = _message_payload(request)
        if payload is not None and _shows_a_message(payload) and not carries_disclaimer(payload):
            headings = [(e.get("title") or e.get("description") or "")[:60] for e in payload.get("embeds") or []]
            text = " | ".join(piece for piece in [payload.get("content") or "", *headings] if piece)
            missing.append(f"{request.method} {request.path[:60]}: {text[:160]!r}")
    return missing


def house_rule_breaches(fake: FakeDiscord, since_request: int = 0) -> list[str]:
    """Both suite-wide rules at once: the disclaimer footer, and no mention that could ping."""
    return [f"no disclaimer footer: {m}" for m in messages_missing_disclaimer(fake, since_request)] + [
        f"could ping: {m}" for m in messages_allowing_mentions(fake, since_request)
    ]


def messages_allowing_mentions(fake: FakeDiscord, since_request: int = 0) -> list[str]:
    """Messages the bot sent or edited without `allowed_mentions` set to allow nothing, so an
    `@everyone` typed into a note or a custom exercise name would ping."""
    loose = []
    for request in fake.requests[since_request:]:
        payload = _message_payload(request)
        if payload is None:
            continue
        allowed = payload.get("allowed_mentions")
        if not isinstance(allowed, dict) or any(allowed.get(key) for key in ("parse", "users", "roles", "replied_user")):
            loose.append(f"{request.method} {request.path[:60]}: allowed_mentions={allowed!r}")
    return loose


def _message_payload(request: RecordedRequest) -> Json | None:
    body = request.json if isinstance(request.json, dict) else None
    if body is None:
        return None
    if request.method == INTERACTION_CALLBACK[0] and INTERACTION_CALLBACK[1].fullmatch(request.path):
        if body.get("type") in CALLBACKS_WITHOUT_MESSAGE:
            return None
        return body.get("data") or {}
    if any(method == request.method and pattern.fullmatch(request.path) for method, pattern in MESSAGE_ROUTES):
        return body
    return None


async def seed_log(bot: BotHarness, user_id: int, rows: list[tuple[str, float, int, int]], now: datetime) -> None:
    """Write set-log rows (exercise key, kg, reps, days ago) straight into the bot's database.

    `/log` always stamps "now"; paging `/history` needs entries on many days. The bot keeps
    running: SQLite's WAL (or PostgreSQL) lets this second connection write beside it. The user must exist
    (any command creates them).
    """
    from bot.coach.vocabulary import Unit
    from bot.store.database import Database
    from bot.store.training_log import NewEntry, TrainingLog

    async with await Database.open(bot.database_url) as db:
        log = TrainingLog(db)
        for exercise, weight_kg, reps, days_ago in rows:
            entry = NewEntry(exercise=exercise, weight_kg=weight_kg, entered_unit=Unit.KG, reps=reps)
            await log.add(user_id, [entry], now - timedelta(days=days_ago))
