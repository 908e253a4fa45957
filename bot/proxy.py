"""Retrying the 429s that an HTTP rate-limit proxy (e.g. nirn-proxy) answers on its own.

discord.py waits out and retries Discord's own 429s, but raises `HTTPException` on a 429 that has
no `Via` header: Discord's answers pass through Google's front end (`Via: 1.1 google`), so a 429
without it looks like a Cloudflare ban, which must not be hammered. A rate-limit proxy in front of
several processes answers 429 itself, without `Via`, when the bucket it shares between them is
empty. Its answer is JSON with a retry time, so it is safe to wait and retry; a Cloudflare ban is
an HTML page and is still raised.

Nothing in discord.py is patched: the REST calls Liftcoach makes (log-in, gateway, replies,
reminder DMs, command sync) go through `retry_proxy_429`. The one reach past discord.py's
documented API is in `LiftcoachBot.login_with_retries`, which closes a failed log-in's HTTP
session (`Client.http.close()`) and hands the next attempt a new connector.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 5
# Used when the proxy names no wait; nirn-proxy normally sends Retry-After.
DEFAULT_RETRY_AFTER = 1.0


def proxy_retry_after(error: BaseException) -> float | None:
    """Seconds to wait if `error` is a proxy's own 429 (no `Via`, a JSON body), else None."""
    if isinstance(error, discord.GatewayNotFound):
        # discord.py wraps a failed GET /gateway/bot in GatewayNotFound, keeping the HTTPException as cause.
        error = error.__cause__
    if not isinstance(error, discord.HTTPException) or error.status != 429:
        return None
    response = error.response
    if response.headers.get("Via") or response.content_type != "application/json":
        return None
    for header in ("Retry-After", "X-RateLimit-Reset-After"):
        try:
            return max(0.0, float(response.headers[header]))
        except (KeyError, ValueError):
            continue
    return DEFAULT_RETRY_AFTER


async def retry_proxy_429(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int = MAX_ATTEMPTS,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """Await `call()`, waiting and calling again after a proxy's own 429, at most `attempts` times in all.

    Raises the last `discord.HTTPException` (or `GatewayNotFound`) when the attempts run out, and any other error at once.
    """
    for attempt in range(1, attempts):
        try:
            return await call()
        except (discord.HTTPException, discord.GatewayNotFound) as error:
            delay = proxy_retry_after(error)
            if delay is None:
                raise
            log.warning("the rate-limit proxy answered 429 (attempt %d); retrying in %.2f s", attempt, delay)
            await sleep(delay)
    return await call()
