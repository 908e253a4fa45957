"""A loopback fake of Discord: the REST routes and the gateway a slash-command bot uses.

Serves discord.py 2.7 exactly what it asks for (see `discord/http.py`, `gateway.py`,
`webhook/async_.py`, `interactions.py`), records every request, checks every message against
Discord's limits (`limits.py`) and lets tests inject 403/429/500 answers. Gateway frames are
plain-text JSON: discord.py only decompresses binary frames.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import limits
from aiohttp import BodyPartReader, WSMsgType, web

_log = logging.getLogger("fake_discord")

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
COMPONENTS_V2 = 1 << 15
SENDABLE_FLAGS = EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2
EDITABLE_FLAGS = SUPPRESS_EMBEDS | COMPONENTS_V2
INITIAL_RESPONSE_DEADLINE = 3.0
INTERACTION_TOKEN_LIFETIME = 15 * 60.0
NONCE_WINDOW = 5 * 60.0
MAX_REQUEST_BYTES = 25 * 1024 * 1024
DEFAULT_ATTACHMENT_SIZE_LIMIT = limits.FILE_SIZE_MAX
# View channel, send messages, embed links, attach files, read history, external emojis,
# use application commands, send in threads: what a freshly invited slash bot usually holds.
DEFAULT_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 31) | (1 << 38)

# Interaction type -> callback types Discord accepts for it.
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    2: frozenset({4, 5, 9}),
    3: frozenset({4, 5, 6, 7, 9}),
    4: frozenset({8}),
    5: frozenset({4, 5, 6, 7}),
}

Json = dict[str, Any]


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly "application/json" (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers, content_type="application/json")


def _error_body(code: int, message: str, errors: Any = None) -> Json:
    body: Json = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return body


def _error(status: int, code: int, message: str, errors: Any = None) -> web.Response:
    return _json(_error_body(code, message, errors), status=status)


def compile_route(route: str) -> tuple[str, re.Pattern[str]]:
    """`"POST /channels/{id}/messages"` -> ("POST", regex). `{name}` matches one path segment; method `*` any."""
    method, _, path = route.strip().partition(" ")
    if not path.startswith("/"):
        raise ValueError(f"route must look like 'METHOD /path', got {route!r}")
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX):]
    pieces = re.split(r"(\{[^}]*\})", path)
    pattern = "".join("[^/]+" if piece.startswith("{") else re.escape(piece) for piece in pieces)
    return method.upper(), re.compile(pattern)


@dataclass(frozen=True)
class FakeUser:
    id: int
    username: str

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username.title(),
            "avatar": None,
            "bot": False,
            "public_flags": 0,
        }


@dataclass(frozen=True)
class FakeGuild:
    id: int
    name: str
    channel_id: int
    owner: FakeUser

    def channel_payload(self) -> Json:
        return {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }


@dataclass
class RecordedFile:
    field: str
    filename: str
    content_type: str | None
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    at: float
    status: int | None = None

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


# Per-request values the middleware parses once for the handlers.
BODY = web.RequestKey("body", object)
FILES = web.RequestKey("files", list)
RECORDED = web.RequestKey("recorded", RecordedRequest)


@dataclass
class Violation:
    kind: str
    detail: str
    route: str | None = None

    def __str__(self) -> str:
        where = f" [{self.route}]" if self.route else ""
        return f"{self.kind}: {self.detail}{where}"


@dataclass(frozen=True)
class InjectedError:
    status: int
    body: Json | str  # text is served as an HTML page
    headers: Mapping[str, str] = field(default_factory=dict)


def forbidden(code: int = 50007, message: str = "Cannot send messages to this user") -> InjectedError:
    return InjectedError(403, _error_body(code, message))


def rate_limited(retry_after: float = 0.05, *, is_global: bool = False, scope: str = "user") -> InjectedError:
    # The Via header is what tells discord.py this 429 came from Discord and not a Cloudflare ban.
    headers = {
        "Retry-After": str(retry_after),
        "X-RateLimit-Scope": scope,
        "Via": "1.1 google",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
    return InjectedError(429, body, headers)


def proxy_rate_limited(retry_after: float = 0.05) -> InjectedError:
    """A 429 answered by an HTTP rate-limit proxy itself, shaped like nirn-proxy's `Generate429`: JSON, Retry-After
    and rate-limit headers, `generated-by-proxy: true`, but no Via header."""
    body = {"global": False, "message": "You are being rate limited.", "retry_after": retry_after}
    headers = {
        "generated-by-proxy": "true",
        "X-RateLimit-Scope": "user",
        "X-RateLimit-Limit": "1",
        "X-RateLimit-Remaining": "0",
        "Retry-After": str(retry_after),
    }
    return InjectedError(429, body, headers)


def cloudflare_ban() -> InjectedError:
    """Cloudflare's 429 for an IP that ignored rate limits: an HTML page, no Via; clients must not retry it."""
    return InjectedError(429, "<!DOCTYPE html><title>Access denied | discord.com used Cloudflare</title>")


def server_error() -> InjectedError:
    return InjectedError(500, _error_body(0, "500: Internal Server Error"))


@dataclass
class _Injection:
    method: str
    pattern: re.Pattern[str]
    error: InjectedError
    remaining: int


class _Payload:
    """Read-only views of a message payload, shared by stored messages and interaction callbacks."""

    @property
    def payload(self) -> Json:
        raise NotImplementedError

    @property
    def content(self) -> str:
        return self.payload.get("content") or ""

    @property
    def embeds(self) -> list[Json]:
        return self.payload.get("embeds") or []

    @property
    def components(self) -> list[Json]:
        return self.payload.get("components") or []

    @property
    def flags(self) -> int:
        return self.payload.get("flags") or 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def text(self) -> str:
        """Content plus every embed's visible text, one piece per line, for easy `in` assertions."""
        return _visible_text(self.payload)


class FakeMessage(_Payload):
    """A message as stored by the fake; `raw` is the JSON Discord would return. Edits mutate it in place."""

    def __init__(self, raw: Json, files: list[RecordedFile], *, interaction_token: str | None = None) -> None:
        self.raw = raw
        self.files = files
        self.interaction_token = interaction_token

    @property
    def payload(self) -> Json:
        return self.raw

    @property
    def id(self) -> int:
        return int(self.raw["id"])

    @property
    def channel_id(self) -> int:
        return int(self.raw["channel_id"])


    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def attachments(self) -> list[Json]:
        return self.raw.get("attachments") or []

    @property
    def from_interaction(self) -> bool:
        return self.interaction_token is not None


    def find_component(self, custom_id: str) -> Json | None:
        return next((c for c in limits.walk_components(self.components) if c.get("custom_id") == custom_id), None)

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in limits.walk_components(self.components) if "custom_id" in c]

    def __repr__(self) -> str:
        return f"<FakeMessage id={self.id} flags={self.flags} content={self.content[:40]!r} embeds={len(self.embeds)}>"


def _visible_text(payload: Mapping[str, Any]) -> str:
    pieces = [payload.get("content") or ""]
    for embed in payload.get("embeds") or []:
        pieces += [(embed.get("author") or {}).get("name") or "", embed.get("title") or "", embed.get("description") or ""]
        for embed_field in embed.get("fields") or []:
            pieces += [embed_field.get("name") or "", embed_field.get("value") or ""]
        pieces.append((embed.get("footer") or {}).get("text") or "")
    for component in limits.walk_components(payload.get("components") or []):
        if component.get("type") == 10:  # V2 text display
            pieces.append(component.get("content") or "")
    return "\n".join(piece for piece in pieces if piece)


@dataclass
class CallbackRecord(_Payload):
    """The bot's first answer to an interaction (`POST /interactions/{id}/{token}/callback`)."""

    type: int
    data: Json
    files: list[RecordedFile]
    at: float

    @property
    def payload(self) -> Json:
        return self.data


    @property
    def choices(self) -> list[Json]:
        return self.data.get("choices") or []

    @property
    def title(self) -> str | None:
        return self.data.get("title")

    @property
    def custom_id(self) -> str | None:
        return self.data.get("custom_id")



@dataclass
class EditRecord:
    message_id: int
    payload: Json
    files: list[RecordedFile]
    at: float


class InteractionRecord:
    """One dispatched INTERACTION_CREATE and everything the bot did with its token."""

    def __init__(
        self,
        fake: FakeDiscord,
        payload: Json,
        *,
        name: str,
        user: FakeUser,
        message: FakeMessage | None = None,
    ) -> None:
        self._fake = fake
        self.payload = payload
        self.name = name
        self.user = user
        self.message = message
        self.dispatched_at = fake.now()
        self.response: CallbackRecord | None = None
        self.original: FakeMessage | None = None
        self.followups: list[FakeMessage] = []
        self.edits: list[EditRecord] = []
        self.deleted_original = False
        # Set by tests that make the bot miss this interaction on purpose (killed mid-command, late answer).
        self.expect_no_answer = False
        self.last_activity_at = self.dispatched_at

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def token(self) -> str:
        return self.payload["token"]

    @property
    def type(self) -> int:
        return self.payload["type"]

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def guild_id(self) -> int | None:
        guild_id = self.payload.get("guild_id")
        return int(guild_id) if guild_id else None

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the first callback (None while unanswered)."""
        return None if self.response is None else self.response.at - self.dispatched_at

    @property
    def choices(self) -> list[Json]:
        return [] if self.response is None else self.response.choices

    def touch(self) -> None:
        self.last_activity_at = self._fake.now()

    async def wait_response(self, timeout: float = 5.0) -> CallbackRecord:
        await self._fake.wait_until(lambda: self.response is not None, timeout, f"a response to {self}")
        assert self.response is not None
        return self.response

    async def wait_final(self, timeout: float = 5.0, settle: float = 0.15) -> FakeMessage | None:
        """Wait for the response, for the edit or follow-up that ends a deferral, then for `settle` quiet seconds.

        Returns the message the user finally sees: the original response (or, after a deferred
        component update, the clicked message); None for autocomplete and modal answers.
        """
        response = await self.wait_response(timeout)
        if response.type in (5, 6):
            await self._fake.wait_until(
                lambda: bool(self.edits or self.followups), timeout, f"the edit or follow-up ending the deferral of {self}"
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._fake.now() - self.last_activity_at < settle and loop.time() < deadline:
            await asyncio.sleep(settle / 3)
        return self.original

    def __repr__(self) -> str:
        return f"<InteractionRecord type={self.type} name={self.name!r} user={self.user.username}>"


@dataclass
class GatewayConnection:
    socket: web.WebSocketResponse
    path: str
    query: dict[str, str]
    received: list[Json] = field(default_factory=list)
    session: GatewaySession | None = None


@dataclass
class GatewaySession:
    id: str
    seq: int = 0
    events: list[Json] = field(default_factory=list)
    connection: GatewayConnection | None = None
    intents: int | None = None
    shard: tuple[int, int] | None = None  # (shard id, shard count) from IDENTIFY

    def frame(self, event: str, data: Json) -> Json:
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.events.append(frame)
        return frame


class FakeDiscord:
    """Start with `await fake.start()` (or `async with FakeDiscord() as fake`); point the bot at `api_base`/`gateway_url`."""

    def __init__(
        self,
        *,
        token: str | None = None,
        application_id: int = 1_300_000_000_000_000_001,
        bot_name: str = "Liftcoach",
        heartbeat_interval_ms: int = 41_250,
    ) -> None:
        self._last_snowflake = 0
        self._time_offset = 0.0
        self.application_id = application_id
        self.bot_user = {
            "id": str(application_id),
            "username": bot_name,
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "public_flags": 0,
        }
        encoded_id = base64.b64encode(str(application_id).encode()).decode().rstrip("=")
        self.token = token or f"{encoded_id}.FakeE2E.{secrets.token_urlsafe(27)}"
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.interactions: dict[str, InteractionRecord] = {}
        self.global_commands: list[Json] = []
        self.guild_commands: dict[int, list[Json]] = {}
        self.gateway_connections: list[GatewayConnection] = []
        # What GET /gateway/bot recommends; the latest session of each shard id receives its events.
        self.recommended_shards = 1
        # False: the gateway refuses new connections (503), as during a Discord outage.
        self.gateway_open = True
        # Set: channel messages are answered at once; cleared by `hold_messages` until `release_messages`.
        self._messages_flow = asyncio.Event()
        self._messages_flow.set()
        self.shard_sessions: dict[int, GatewaySession] = {}
        self.identify_count = 0
        self.resume_count = 0
        self._users: dict[int, FakeUser] = {}
        self._user_ids_by_name: dict[str, int] = {}
        self._channels: dict[int, Json] = {}
        self._command_ids: dict[tuple[int | None, int, str], int] = {}
        self._dm_channel_by_user: dict[int, int] = {}
        self._dm_user_by_channel: dict[int, int] = {}
        self._closed_dms: set[int] = set()
        self._messages: dict[int, FakeMessage] = {}
        self._channel_messages: dict[int, list[FakeMessage]] = {}
        self._nonces: dict[tuple[int, str], tuple[FakeMessage, float]] = {}
        self._attachment_data: dict[int, bytes] = {}
        self._injections: list[_Injection] = []
        self._sessions: dict[str, GatewaySession] = {}
        self._current_session: GatewaySession | None = None
        self.owner = self.user("owner")
        self.default_user = self.user("tester")
        self.guilds: list[FakeGuild] = []
        self.add_guild("Liftcoach Test Gym")
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=MAX_REQUEST_BYTES + 1024 * 1024, middlewares=[self._middleware])
        self._add_routes(app.router)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for connection in self.gateway_connections:
            if not connection.socket.closed:
                await connection.socket.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/resume"

    # ----- time and ids ----------------------------------------------------------------------

    def now(self) -> float:
        """The fake's clock (monotonic seconds); `advance_time` moves it forward."""
        return time.monotonic() + self._time_offset

    def advance_time(self, seconds: float) -> None:
        """Pretend `seconds` have passed: expires interaction tokens and nonces without sleeping."""
        self._time_offset += seconds

    def wall_clock(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=self._time_offset)

    def new_id(self) -> int:
        """A snowflake: increasing, and its timestamp part matches the fake's wall clock."""
        millis = int(self.wall_clock().timestamp() * 1000) - DISCORD_EPOCH_MS
        self._last_snowflake = max(self._last_snowflake + 1, millis << 22)
        return self._last_snowflake

    async def wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.005)

    # ----- users, guilds, channels -----------------------------------------------------------

    def user(self, username: str) -> FakeUser:
        """The user with this name, created on first use."""
        existing = self._user_ids_by_name.get(username)
        if existing is not None:
            return self._users[existing]
        created = FakeUser(id=self.new_id(), username=username)
        self._users[created.id] = created
        self._user_ids_by_name[username] = created.id
        return created

    def add_guild(self, name: str) -> FakeGuild:
        """Add a guild; the bot sees it in READY/GUILD_CREATE on its next IDENTIFY."""
        guild = FakeGuild(id=self.new_id(), name=name, channel_id=self.new_id(), owner=self.owner)
        self.guilds.append(guild)
        self._channels[guild.channel_id] = guild.channel_payload()
        return guild

    @property
    def guild(self) -> FakeGuild:
        return self.guilds[0]

    def user_by_id(self, user_id: int) -> FakeUser:
        return self._users[user_id]

    def dm_recipient(self, channel_id: int) -> FakeUser | None:
        user_id = self._dm_user_by_channel.get(channel_id)
        return None if user_id is None else self._users[user_id]

    def upload(self, file: RecordedFile, description: str | None = None) -> Json:
        """Store `file` on the fake CDN and return its attachment object (as in messages and resolved options)."""
        attachment_id = self.new_id()
        self._attachment_data[attachment_id] = file.data
        url = f"{self.base_url}/attachments/{attachment_id}/{file.filename}"
        attachment: Json = {
            "id": str(attachment_id),
            "filename": file.filename,
            "size": file.size,
            "url": url,
            "proxy_url": url,
            "content_type": file.content_type,
        }
        if description:
            attachment["description"] = description
        return attachment

    def dm_channel_id(self, user: FakeUser) -> int:
        """The id of the bot's DM channel with `user` (Discord keeps one per pair, so it never changes)."""
        channel_id = self._dm_channel_by_user.get(user.id)
        if channel_id is None:
            channel_id = self.new_id()
            self._dm_channel_by_user[user.id] = channel_id
            self._dm_user_by_channel[channel_id] = user.id
            self._channels[channel_id] = {
                "id": str(channel_id),
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [user.payload()],
            }
        return channel_id

    def channel_payload(self, channel_id: int) -> Json:
        return self._channels[channel_id]

    def member_payload(self, user: FakeUser, guild: FakeGuild) -> Json:
        return {
            "user": user.payload(),
            "roles": [],
            "joined_at": _iso(self.wall_clock() - datetime.timedelta(days=30)),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
            "permissions": str(DEFAULT_PERMISSIONS),
        }

    def guild_create_payload(self, guild: FakeGuild) -> Json:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "owner_id": str(guild.owner.id),
            "unavailable": False,
            "large": False,
            "member_count": 2,
            "joined_at": _iso(self.wall_clock()),
            "features": [],
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_flags": 0,
            "roles": [
                {
                    "id": str(guild.id),
                    "name": "@everyone",
                    "permissions": str(DEFAULT_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "channels": [guild.channel_payload()],
            "threads": [],
            "members": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    # ----- error injection and DM rules ------------------------------------------------------

    def inject(self, route: str, error: InjectedError, times: int = 1) -> None:
        """Answer the next `times` requests matching `route` (e.g. `"POST /channels/{id}/messages"`) with `error`."""
        method, pattern = compile_route(route)
        self._injections.append(_Injection(method, pattern, error, times))

    def close_dms(self, user: FakeUser) -> None:
        """From now on every message to `user`'s DM channel gets 403 / 50007, as when they block the bot."""
        self._closed_dms.add(user.id)

    def open_dms(self, user: FakeUser) -> None:
        self._closed_dms.discard(user.id)

    def _take_injection(self, method: str, path: str) -> InjectedError | None:
        for injection in self._injections:
            if injection.remaining > 0 and injection.method in ("*", method) and injection.pattern.fullmatch(path):
                injection.remaining -= 1
                return injection.error
        return None

    # ----- what tests inspect ----------------------------------------------------------------

    def requests_matching(self, route: str) -> list[RecordedRequest]:
        method, pattern = compile_route(route)
        return [r for r in self.requests if method in ("*", r.method) and pattern.fullmatch(r.path)]

    def requests_about(self, user: FakeUser) -> list[RecordedRequest]:
        """REST calls aimed at `user`: opening their DM channel or anything on it."""
        dm_channel = self._dm_channel_by_user.get(user.id)
        matches = []
        for request in self.requests:
            body = request.json if isinstance(request.json, dict) else {}
            if str(body.get("recipient_id")) == str(user.id):
                matches.append(request)
            elif dm_channel is not None and f"/channels/{dm_channel}" in request.path:
                matches.append(request)
        return matches

    def messages_in(self, channel_id: int) -> list[FakeMessage]:
        return list(self._channel_messages.get(channel_id, []))

    def dms(self, user: FakeUser, *, include_interactions: bool = False) -> list[FakeMessage]:
        """Messages the bot posted in `user`'s DM channel via `POST /channels/{id}/messages` (plus interaction replies if asked)."""
        channel_id = self._dm_channel_by_user.get(user.id)
        if channel_id is None:
            return []
        return [m for m in self.messages_in(channel_id) if include_interactions or not m.from_interaction]

    def message(self, message_id: int) -> FakeMessage:
        return self._messages[message_id]

    def unanswered_interactions(self) -> list[InteractionRecord]:
        return [r for r in self.interactions.values() if r.response is None and not r.expect_no_answer]

    def take_violations(self) -> list[Violation]:
        """Return and forget the recorded violations (for tests that provoke one on purpose)."""
        taken, self.violations = self.violations, []
        return taken

    def problems(self) -> list[str]:
        """Everything that should fail a test: limit breaches, late/missing answers, unknown routes."""
        problems = [str(violation) for violation in self.violations]
        problems += [f"interaction never answered: {record}" for record in self.unanswered_interactions()]
        return problems

    def _violate(self, kind: str, detail: str, route: str | None = None) -> None:
        _log.warning("violation %s: %s (%s)", kind, detail, route)
        self.violations.append(Violation(kind, detail, route))

    # ----- commands --------------------------------------------------------------------------

    def find_command(self, name: str, guild_id: int | None = None) -> Json:
        """The registered CHAT_INPUT command `name`: the guild's own first, then global."""
        candidates = self.guild_commands.get(guild_id, []) if guild_id is not None else []
        for command in [*candidates, *self.global_commands]:
            if command["name"] == name and command.get("type", 1) == 1:
                return command
        known = sorted({c["name"] for c in [*self.global_commands, *candidates]})
        raise LookupError(f"no slash command /{name} registered (has the bot synced? known: {known})")

    def preload_commands(self, global_commands: Iterable[Json], guild_commands: Mapping[int, Iterable[Json]] = {}) -> None:
        """Install commands as if the bot had synced them earlier (Discord keeps them across restarts)."""
        self.global_commands = self._register_commands(None, [dict(c) for c in global_commands])
        for guild_id, commands in guild_commands.items():
            self.guild_commands[guild_id] = self._register_commands(guild_id, [dict(c) for c in commands])

    def _register_commands(self, guild_id: int | None, payloads: list[Json]) -> list[Json]:
        registered = []
        for payload in payloads:
            command_type = payload.get("type", 1)
            key = (guild_id, command_type, payload["name"])
            command_id = self._command_ids.setdefault(key, self.new_id())
            command = {
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                "description": "",
                "options": [],
                **payload,
                "id": str(command_id),
                "application_id": str(self.application_id),
                "type": command_type,
                "version": str(self.new_id()),
            }
            if guild_id is not None:
                command["guild_id"] = str(guild_id)
            registered.append(command)
        return registered

    # ----- gateway ---------------------------------------------------------------------------

    @property
    def session(self) -> GatewaySession | None:
        return self._current_session

    @property
    def connected(self) -> bool:
        session = self._current_session
        return session is not None and session.connection is not None and not session.connection.socket.closed

    async def wait_for_identify(self, count: int, timeout: float = 10.0) -> None:
        """Wait until `count` IDENTIFYs in total have been answered with READY."""
        await self.wait_until(lambda: self.identify_count >= count, timeout, f"IDENTIFY #{count}")

    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The session Discord routes a guild's events to: shard (guild_id >> 22) % count; DMs go to shard 0."""
        shard_counts = {session.shard[1] for session in self.shard_sessions.values() if session.shard}
        if len(shard_counts) != 1:
            return self._current_session
        shard_id = 0 if guild_id is None else (guild_id >> 22) % shard_counts.pop()
        return self.shard_sessions.get(shard_id, self._current_session)

    def guilds_of(self, shard: tuple[int, int] | None) -> list[FakeGuild]:
        return [guild for guild in self.guilds if shard is None or (guild.id >> 22) % shard[1] == shard[0]]

    async def dispatch(self, event: str, data: Json) -> int:
        """Send a DISPATCH (op 0) on the session of the event's shard; buffered for a RESUME if the socket is down. Returns its seq."""
        guild_id = data.get("guild_id")
        session = self.session_for(int(guild_id) if guild_id is not None else None)
        if session is None:
            raise RuntimeError("no bot has identified with the fake gateway")
        frame = session.frame(event, data)
        connection = session.connection
        if connection is not None and not connection.socket.closed:
            await connection.socket.send_str(json.dumps(frame))
        return frame["s"]

    async def dispatch_interaction(
        self, payload: Json, *, name: str, user: FakeUser, message: FakeMessage | None = None
    ) -> InteractionRecord:
        record = InteractionRecord(self, payload, name=name, user=user, message=message)
        self.interactions[record.token] = record
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's socket the way a network blip or Discord restart does; discord.py should RESUME."""
        session = self._current_session
        if session is None or session.connection is None:
            raise RuntimeError("no gateway connection to drop")
        await session.connection.socket.close(code=code)

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client must reconnect and RESUME."""
        await self._send_op(7, None)

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; with `resumable=False` the client must IDENTIFY afresh."""
        if not resumable and self._current_session is not None:
            self._sessions.pop(self._current_session.id, None)
        await self._send_op(9, resumable)

    async def _send_op(self, op: int, data: Any) -> None:
        session = self._current_session
        if session is None or session.connection is None:
            raise RuntimeError("no gateway connection")
        await session.connection.socket.send_str(json.dumps({"op": op, "d": data, "s": None, "t": None}))

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if not self.gateway_open:
            return web.Response(status=503, text="gateway unavailable")
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        connection = GatewayConnection(socket=socket, path=request.path, query=dict(request.query))
        self.gateway_connections.append(connection)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None}))
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(frame.data)
                connection.received.append(payload)
                await self._on_gateway_frame(connection, payload)
        finally:
            if connection.session is not None and connection.session.connection is connection:
                connection.session.connection = None
        return socket

    async def _on_gateway_frame(self, connection: GatewayConnection, payload: Json) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == 1:
            await connection.socket.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        elif op == 2:
            await self._identify(connection, data)
        elif op == 6:
            await self._resume(connection, data)

    async def _identify(self, connection: GatewayConnection, data: Json) -> None:
        if data.get("token") != self.token:
            await connection.socket.close(code=4004, message=b"Authentication failed.")
            return
        shard = data.get("shard")
        if shard is not None:
            if not (isinstance(shard, list) and len(shard) == 2 and all(isinstance(n, int) for n in shard)
                    and 0 <= shard[0] < shard[1]):
                await connection.socket.close(code=4010, message=b"Invalid shard.")
                return
            shard = (shard[0], shard[1])
        session = GatewaySession(id=secrets.token_hex(16), connection=connection, intents=data.get("intents"), shard=shard)
        self._sessions[session.id] = session
        self._current_session = session
        if shard is not None:
            self.shard_sessions[shard[0]] = session
        connection.session = session
        guilds = self.guilds_of(shard)
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
        }
        if shard is not None:
            ready["shard"] = list(shard)
        await connection.socket.send_str(json.dumps(session.frame("READY", ready)))
        for guild in guilds:
            await connection.socket.send_str(json.dumps(session.frame("GUILD_CREATE", self.guild_create_payload(guild))))
        self.identify_count += 1

    async def _resume(self, connection: GatewayConnection, data: Json) -> None:
        session = self._sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.token:
            await connection.socket.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
            return
        session.connection = connection
        connection.session = session
        self._current_session = session
        last_seen = data.get("seq") or 0
        for frame in [f for f in session.events if f["s"] > last_seen]:
            await connection.socket.send_str(json.dumps(frame))
        await connection.socket.send_str(json.dumps(session.frame("RESUMED", {})))
        self.resume_count += 1

    # ----- REST plumbing ---------------------------------------------------------------------

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        p = API_PREFIX
        router.add_get("/", self._gateway)
        router.add_get("/resume", self._gateway)
        router.add_get("/attachments/{attachment_id}/{filename}", self._get_attachment)
        router.add_get(f"{p}/users/@me", self._get_me)
        router.add_post(f"{p}/users/@me/channels", self._create_dm)
        router.add_get(f"{p}/users/{{user_id}}", self._get_user)
        router.add_get(f"{p}/oauth2/applications/@me", self._get_application)
        router.add_get(f"{p}/gateway", self._get_gateway)
        router.add_get(f"{p}/gateway/bot", self._get_gateway_bot)
        router.add_get(f"{p}/channels/{{channel_id}}", self._get_channel)
        router.add_post(f"{p}/channels/{{channel_id}}/messages", self._create_message)
        router.add_get(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self._get_channel_message)
        router.add_patch(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self._edit_channel_message)
        router.add_delete(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self._delete_channel_message)
        router.add_put(f"{p}/applications/{{app_id}}/commands", self._put_commands)
        router.add_get(f"{p}/applications/{{app_id}}/commands", self._get_commands)
        router.add_put(f"{p}/applications/{{app_id}}/guilds/{{guild_id}}/commands", self._put_commands)
        router.add_get(f"{p}/applications/{{app_id}}/guilds/{{guild_id}}/commands", self._get_commands)
        router.add_post(f"{p}/interactions/{{interaction_id}}/{{token}}/callback", self._interaction_callback)
        router.add_post(f"{p}/webhooks/{{app_id}}/{{token}}", self._execute_webhook)
        router.add_get(f"{p}/webhooks/{{app_id}}/{{token}}/messages/{{message_id}}", self._get_webhook_message)
        router.add_patch(f"{p}/webhooks/{{app_id}}/{{token}}/messages/{{message_id}}", self._edit_webhook_message)
        router.add_delete(f"{p}/webhooks/{{app_id}}/{{token}}/messages/{{message_id}}", self._delete_webhook_message)
        router.add_route("*", f"{p}/{{tail:.*}}", self._unknown_route)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        path = request.path[len(API_PREFIX):]
        body, files = await self._read_body(request)
        recorded = RecordedRequest(request.method, path, dict(request.query), body, files, self.now())
        self.requests.append(recorded)
        request[BODY], request[FILES], request[RECORDED] = body, files, recorded
        response = self._auth_failure(request, path) or self._injected_response(request.method, path)
        if response is None:
            response = await handler(request)
        recorded.status = response.status
        return response

    def _auth_failure(self, request: web.Request, path: str) -> web.Response | None:
        # Interaction callbacks and webhooks authenticate with the token in the URL, not the bot token.
        if path.startswith(("/interactions/", "/webhooks/")):
            return None
        if request.headers.get("Authorization") != f"Bot {self.token}":
            return _error(401, 0, "401: Unauthorized")
        return None

    def _injected_response(self, method: str, path: str) -> web.Response | None:
        error = self._take_injection(method, path)
        if error is None:
            return None
        if isinstance(error.body, str):
            return web.Response(text=error.body, status=error.status, headers=dict(error.headers), content_type="text/html")
        return _json(error.body, status=error.status, headers=dict(error.headers))

    async def _read_body(self, request: web.Request) -> tuple[Any, list[RecordedFile]]:
        if request.content_type == "multipart/form-data":
            payload: Any = None
            files: list[RecordedFile] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                data = await part.read(decode=False)
                if part.name == "payload_json":
                    payload = json.loads(data)
                elif part.filename is not None:
                    files.append(RecordedFile(part.name or "", part.filename, part.headers.get("Content-Type"), bytes(data)))
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    async def _unknown_route(self, request: web.Request) -> web.Response:
        route = request[RECORDED].route
        self._violate("unhandled route", "the fake has no handler for this call; extend tests/e2e/fake_discord.py", route)
        return _error(404, 0, f"404: Not Found (fake has no route {route})")

    async def _get_attachment(self, request: web.Request) -> web.Response:
        attachment_id = request.match_info["attachment_id"]
        data = self._attachment_data.get(int(attachment_id)) if attachment_id.isdigit() else None
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    # ----- REST: identity and gateway --------------------------------------------------------

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json(self.bot_user)

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self._users.get(int(request.match_info["user_id"])) if request.match_info["user_id"].isdigit() else None
        if user is None:
            return _error(404, 10013, "Unknown User")
        return _json(user.payload())

    async def _get_application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(self.application_id),
                "name": self.bot_user["username"],
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.owner.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "summary": "",
                "bot": self.bot_user,
                "install_params": None,
                "integration_types_config": {"0": {}, "1": {}},
            }
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url.rstrip("/")})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": self.gateway_url.rstrip("/"),
                "shards": self.recommended_shards,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
            }
        )

    # ----- REST: channels and messages -------------------------------------------------------

    async def _create_dm(self, request: web.Request) -> web.Response:
        body = request[BODY] or {}
        recipient = str(body.get("recipient_id", ""))
        user = self._users.get(int(recipient)) if recipient.isdigit() else None
        if user is None:
            return _error(400, 50033, "Invalid Recipient(s)")
        return _json(self._channels[self.dm_channel_id(user)])

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self._channel_or_none(request)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        return _json(channel)

    def _channel_or_none(self, request: web.Request) -> Json | None:
        channel_id = request.match_info["channel_id"]
        return self._channels.get(int(channel_id)) if channel_id.isdigit() else None

    def hold_messages(self) -> None:
        """Keep every channel message request waiting (as a stalled Discord would) until `release_messages`."""
        self._messages_flow.clear()

    def release_messages(self) -> None:
        self._messages_flow.set()

    async def _create_message(self, request: web.Request) -> web.Response:
        await self._messages_flow.wait()
        channel = self._channel_or_none(request)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        channel_id = int(channel["id"])
        if self._dm_user_by_channel.get(channel_id) in self._closed_dms:
            return _error(403, 50007, "Cannot send messages to this user")
        payload: Json = request[BODY] or {}
        nonce = payload.get("nonce")
        if nonce is not None and payload.get("enforce_nonce"):
            earlier = self._nonces.get((channel_id, str(nonce)))
            if earlier is not None and self.now() - earlier[1] < NONCE_WINDOW:
                return _json(earlier[0].raw)
        candidate = self._new_message_raw(channel_id, payload, request[FILES], flags=(payload.get("flags") or 0) & SENDABLE_FLAGS & ~EPHEMERAL)
        rejection = self._check_message(candidate, request[FILES], request[RECORDED].route)
        if rejection is not None:
            return rejection
        message = self._store_message(candidate, request[FILES], interaction_token=None)
        if nonce is not None and payload.get("enforce_nonce"):
            self._nonces[(channel_id, str(nonce))] = (message, self.now())
        return _json(message.raw)

    def _channel_message_or_none(self, request: web.Request) -> FakeMessage | None:
        message_id = request.match_info["message_id"]
        message = self._messages.get(int(message_id)) if message_id.isdigit() else None
        if message is None or str(message.channel_id) != request.match_info["channel_id"]:
            return None
        return message

    async def _get_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message_or_none(request)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        return _json(message.raw)

    async def _edit_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message_or_none(request)
        if message is None or message.raw["author"]["id"] != self.bot_user["id"]:
            return _error(404, 10008, "Unknown Message")
        return self._apply_edit(message, request[BODY] or {}, request[FILES], request[RECORDED].route)

    async def _delete_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message_or_none(request)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        self._delete_message(message)
        return web.Response(status=204)

    def _new_message_raw(
        self,
        channel_id: int,
        payload: Json,
        files: list[RecordedFile],
        *,
        flags: int,
        message_type: int = 0,
        webhook: bool = False,
        interaction_metadata: Json | None = None,
    ) -> Json:
        channel = self._channels[channel_id]
        raw: Json = {
            "id": str(self.new_id()),
            "channel_id": str(channel_id),
            "author": self.bot_user,
            "content": payload.get("content") or "",
            "timestamp": _iso(self.wall_clock()),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments_for(payload, files),
            "embeds": [{"type": "rich", **embed} for embed in payload.get("embeds") or []],
            "components": payload.get("components") or [],
            "pinned": False,
            "type": message_type,
            "flags": flags,
        }
        if channel.get("guild_id"):
            raw["guild_id"] = channel["guild_id"]
        if payload.get("nonce") is not None:
            raw["nonce"] = payload["nonce"]
        if webhook:
            raw["webhook_id"] = str(self.application_id)
            raw["application_id"] = str(self.application_id)
        if interaction_metadata is not None:
            raw["interaction_metadata"] = interaction_metadata
        return raw

    def _attachments_for(self, payload: Json, files: list[RecordedFile]) -> list[Json]:
        # discord.py names each upload `files[n]` and describes it in `attachments` under id n.
        described = {str(a.get("id")): a for a in payload.get("attachments") or []}
        return [self.upload(file, described.get(str(index), {}).get("description")) for index, file in enumerate(files)]

    def _check_message(self, candidate: Json, files: list[RecordedFile], route: str, size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT) -> web.Response | None:
        """Record limit breaches and answer like Discord does (400 Invalid Form Body / 413), or None when fine."""
        breaches = limits.message_breaches(candidate)
        if breaches:
            for breach in breaches:
                self._violate("message limit", breach, route)
            return _error(400, 50035, "Invalid Form Body", {"_errors": [{"code": "BASE_TYPE_INVALID", "message": b} for b in breaches]})
        too_big = limits.file_breaches(((f.filename, f.size) for f in files), size_limit)
        if too_big:
            for breach in too_big:
                self._violate("file limit", breach, route)
            return _error(413, 40005, "Request entity too large")
        return None

    def _store_message(self, raw: Json, files: list[RecordedFile], *, interaction_token: str | None) -> FakeMessage:
        message = FakeMessage(raw, list(files), interaction_token=interaction_token)
        self._messages[message.id] = message
        self._channel_messages.setdefault(message.channel_id, []).append(message)
        self._channels[message.channel_id]["last_message_id"] = raw["id"]
        return message

    def _delete_message(self, message: FakeMessage) -> None:
        self._messages.pop(message.id, None)
        channel_messages = self._channel_messages.get(message.channel_id, [])
        if message in channel_messages:
            channel_messages.remove(message)

    def _edited_raw(self, message: FakeMessage, payload: Json, files: list[RecordedFile]) -> Json:
        raw = dict(message.raw)
        if "content" in payload:
            raw["content"] = payload["content"] or ""
        if "embeds" in payload:
            raw["embeds"] = [{"type": "rich", **embed} for embed in payload["embeds"] or []]
        if "components" in payload:
            raw["components"] = payload["components"] or []
        if payload.get("flags") is not None:
            raw["flags"] = (message.flags & ~EDITABLE_FLAGS) | (payload["flags"] & EDITABLE_FLAGS)
        new_attachments = self._attachments_for(payload, files)
        if "attachments" in payload:
            kept_ids = {str(a.get("id")) for a in payload["attachments"] or []}
            raw["attachments"] = [a for a in message.attachments if a["id"] in kept_ids] + new_attachments
        else:
            raw["attachments"] = message.attachments + new_attachments
        raw["flags"] = raw["flags"] & ~LOADING
        raw["edited_timestamp"] = _iso(self.wall_clock())
        return raw

    def _apply_edit(
        self,
        message: FakeMessage,
        payload: Json,
        files: list[RecordedFile],
        route: str,
        record: InteractionRecord | None = None,
        size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT,
    ) -> web.Response:
        candidate = self._edited_raw(message, payload, files)
        rejection = self._check_message(candidate, files, route, size_limit)
        if rejection is not None:
            return rejection
        message.raw = candidate
        message.files += files
        if record is not None:
            record.edits.append(EditRecord(message.id, payload, list(files), self.now()))
            record.touch()
        return _json(message.raw)

    # ----- REST: command sync ----------------------------------------------------------------

    async def _put_commands(self, request: web.Request) -> web.Response:
        if request.match_info["app_id"] != str(self.application_id):
            return _error(403, 50001, "Missing Access")
        payloads = request[BODY]
        if not isinstance(payloads, list):
            return _error(400, 50035, "Invalid Form Body")
        breaches = limits.command_breaches(payloads)
        if breaches:
            for breach in breaches:
                self._violate("command limit", breach, request[RECORDED].route)
            return _error(400, 50035, "Invalid Form Body", {"_errors": [{"message": b} for b in breaches]})
        guild_id = request.match_info.get("guild_id")
        if guild_id is None:
            self.global_commands = self._register_commands(None, payloads)
            return _json(self.global_commands)
        registered = self._register_commands(int(guild_id), payloads)
        self.guild_commands[int(guild_id)] = registered
        return _json(registered)

    async def _get_commands(self, request: web.Request) -> web.Response:
        guild_id = request.match_info.get("guild_id")
        if guild_id is None:
            return _json(self.global_commands)
        return _json(self.guild_commands.get(int(guild_id), []))

    # ----- REST: interactions and their webhooks ---------------------------------------------

    def _interaction_metadata(self, record: InteractionRecord) -> Json:
        metadata: Json = {
            "id": str(record.id),
            "type": record.type,
            "user": record.user.payload(),
            "authorizing_integration_owners": record.payload.get("authorizing_integration_owners", {}),
        }
        if record.type == 2:
            metadata["name"] = record.name
        if record.message is not None:
            metadata["interacted_message_id"] = str(record.message.id)
        return metadata

    def _callback_body(self, record: InteractionRecord, callback_type: int, message: FakeMessage | None) -> Json:
        interaction: Json = {"id": str(record.id), "type": record.type}
        body: Json = {"interaction": interaction}
        if message is not None:
            interaction["response_message_id"] = str(message.id)
            interaction["response_message_loading"] = message.loading
            interaction["response_message_ephemeral"] = message.ephemeral
            body["resource"] = {"type": callback_type, "message": message.raw}
        return body

    async def _interaction_callback(self, request: web.Request) -> web.Response:
        route = request[RECORDED].route
        record = self.interactions.get(request.match_info["token"])
        if record is None or str(record.id) != request.match_info["interaction_id"]:
            return _error(404, 10062, "Unknown interaction")
        if record.response is not None:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        latency = self.now() - record.dispatched_at
        if latency > INITIAL_RESPONSE_DEADLINE:
            self._violate("late response", f"first callback for {record} came after {latency:.2f}s (limit 3s)", route)
            return _error(404, 10062, "Unknown interaction")
        body: Json = request[BODY] or {}
        callback_type = body.get("type")
        data: Json = body.get("data") or {}
        files: list[RecordedFile] = request[FILES]
        if callback_type not in ALLOWED_CALLBACKS.get(record.type, frozenset()) or (
            callback_type in (6, 7) and record.message is None
        ):
            self._violate("invalid callback", f"callback type {callback_type} is not allowed for {record}", route)
            return _error(400, 50035, "Invalid Form Body", {"type": {"_errors": [{"message": "Invalid interaction response type"}]}})
        size_limit = record.payload.get("attachment_size_limit", DEFAULT_ATTACHMENT_SIZE_LIMIT)
        message: FakeMessage | None = None
        if callback_type == 4:
            candidate = self._new_message_raw(
                record.channel_id,
                data,
                files,
                flags=(data.get("flags") or 0) & SENDABLE_FLAGS,
                message_type=20 if record.type == 2 else 0,
                webhook=True,
                interaction_metadata=self._interaction_metadata(record),
            )
            rejection = self._check_message(candidate, files, route, size_limit)
            if rejection is not None:
                return rejection
            message = self._store_message(candidate, files, interaction_token=record.token)
        elif callback_type == 5:
            candidate = self._new_message_raw(
                record.channel_id,
                {},
                [],
                flags=LOADING | ((data.get("flags") or 0) & EPHEMERAL),
                message_type=20 if record.type == 2 else 0,
                webhook=True,
                interaction_metadata=self._interaction_metadata(record),
            )
            message = self._store_message(candidate, [], interaction_token=record.token)
        elif callback_type == 6:
            message = record.message
        elif callback_type == 7:
            assert record.message is not None
            candidate = self._edited_raw(record.message, data, files)
            rejection = self._check_message(candidate, files, route, size_limit)
            if rejection is not None:
                return rejection
            record.message.raw = candidate
            record.message.files += files
            message = record.message
        elif callback_type == 8:
            breaches = limits.autocomplete_breaches(data.get("choices") or [])
            if breaches:
                for breach in breaches:
                    self._violate("autocomplete limit", breach, route)
                return _error(400, 50035, "Invalid Form Body")
        elif callback_type == 9:
            breaches = limits.modal_breaches(data)
            if breaches:
                for breach in breaches:
                    self._violate("modal limit", breach, route)
                return _error(400, 50035, "Invalid Form Body")
        record.response = CallbackRecord(callback_type, data, list(files), self.now())
        record.original = message
        record.touch()
        return _json(self._callback_body(record, callback_type, message if callback_type != 6 else None))

    def _webhook_record(self, request: web.Request) -> tuple[InteractionRecord | None, web.Response | None]:
        record = self.interactions.get(request.match_info["token"])
        if request.match_info["app_id"] != str(self.application_id) or record is None or record.response is None:
            return None, _error(404, 10015, "Unknown Webhook")
        if self.now() - record.dispatched_at > INTERACTION_TOKEN_LIFETIME:
            return None, _error(401, 50027, "Invalid Webhook Token")
        return record, None

    def _webhook_message(self, record: InteractionRecord, message_id: str) -> FakeMessage | None:
        if message_id == "@original":
            return None if record.deleted_original else record.original
        return next((m for m in record.followups if str(m.id) == message_id and m.id in self._messages), None)

    async def _execute_webhook(self, request: web.Request) -> web.Response:
        record, failure = self._webhook_record(request)
        if failure is not None:
            return failure
        assert record is not None
        route = request[RECORDED].route
        payload: Json = request[BODY] or {}
        files: list[RecordedFile] = request[FILES]
        size_limit = record.payload.get("attachment_size_limit", DEFAULT_ATTACHMENT_SIZE_LIMIT)
        original = record.original
        if record.response is not None and record.response.type == 5 and original is not None and original.loading:
            # Discord turns the first follow-up after a "thinking" deferral into that deferred message,
            # keeping the deferral's ephemeral flag whatever the follow-up asks for.
            candidate = self._edited_raw(original, payload, files)
            rejection = self._check_message(candidate, files, route, size_limit)
            if rejection is not None:
                return rejection
            original.raw = candidate
            original.files += files
            message = original
        else:
            candidate = self._new_message_raw(
                record.channel_id,
                payload,
                files,
                flags=(payload.get("flags") or 0) & SENDABLE_FLAGS,
                webhook=True,
                interaction_metadata={**self._interaction_metadata(record), **(
                    {"original_response_message_id": str(original.id)} if original is not None else {}
                )},
            )
            rejection = self._check_message(candidate, files, route, size_limit)
            if rejection is not None:
                return rejection
            message = self._store_message(candidate, files, interaction_token=record.token)
        record.followups.append(message)
        record.touch()
        if request.query.get("wait", "0").lower() in ("1", "true"):
            return _json(message.raw)
        return web.Response(status=204)

    def _addressed_webhook_message(
        self, request: web.Request
    ) -> tuple[InteractionRecord | None, FakeMessage | None, web.Response | None]:
        """The interaction and message a `/webhooks/{app}/{token}/messages/{message_id}` route names, or the error."""
        record, failure = self._webhook_record(request)
        if failure is not None:
            return None, None, failure
        assert record is not None
        message = self._webhook_message(record, request.match_info["message_id"])
        if message is None:
            return record, None, _error(404, 10008, "Unknown Message")
        return record, message, None

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        record, message, failure = self._addressed_webhook_message(request)
        if failure is not None:
            return failure
        assert record is not None and message is not None
        return _json(message.raw)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        record, message, failure = self._addressed_webhook_message(request)
        if failure is not None:
            return failure
        assert record is not None and message is not None
        size_limit = record.payload.get("attachment_size_limit", DEFAULT_ATTACHMENT_SIZE_LIMIT)
        return self._apply_edit(message, request[BODY] or {}, request[FILES], request[RECORDED].route, record, size_limit)

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        record, message, failure = self._addressed_webhook_message(request)
        if failure is not None:
            return failure
        assert record is not None and message is not None
        self._delete_message(message)
        if request.match_info["message_id"] == "@original":
            record.deleted_original = True
        record.touch()
        return web.Response(status=204)
