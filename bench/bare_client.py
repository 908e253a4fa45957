"""`python -m bench.bare_client run`: a bare discord.py client with Liftcoach's intents and caches.

The memory baseline: what discord.py alone holds after READY. Reads DISCORD_TOKEN,
DISCORD_API_BASE and DISCORD_GATEWAY_URL like the bot; logs "bare client ready" from on_ready.
"""

from __future__ import annotations

import asyncio
import os
import sys

import discord
import yarl


class BareClient(discord.Client):
    async def on_ready(self) -> None:
        print(f"bare client ready with {len(self.guilds)} guilds", flush=True)


async def main() -> None:
    # What bot.client.point_at does, without importing the bot (that would make the baseline the bot).
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"].rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    intents = discord.Intents.none()
    intents.guilds = True
    client = BareClient(intents=intents, member_cache_flags=discord.MemberCacheFlags.none(),
                        chunk_guilds_at_startup=False, max_messages=None)
    async with client:
        await client.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    if sys.argv[1:] != ["run"]:
        sys.exit("usage: python -m bench.bare_client run")
    asyncio.run(main())
