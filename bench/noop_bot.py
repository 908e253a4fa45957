"""`python -m bench.noop_bot run|sync`: the real bot plus `/noop`, a command that answers at once.

`/noop` is the latency floor set by discord.py itself (gateway event -> app command dispatch ->
one callback request); it exists only here, never in the bot.
"""

from __future__ import annotations

import sys

import discord
from discord import app_commands
from discord.ext import commands

from bot import __main__ as entry
from bot.client import LiftcoachBot


class NoopCog(commands.Cog):
    @app_commands.command(name="noop", description="Benchmark baseline: answers at once")
    async def noop(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


_setup_hook = LiftcoachBot.setup_hook


async def _with_noop(self: LiftcoachBot) -> None:
    await _setup_hook(self)
    await self.add_cog(NoopCog())


LiftcoachBot.setup_hook = _with_noop  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(entry.main())
