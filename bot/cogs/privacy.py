"""/export, /forget and /screen."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import per_user_cooldown, run_command


class PrivacyCog(commands.Cog):
    @app_commands.command(name="export", description="Download everything Liftcoach stores about you")
    @per_user_cooldown("export")
    async def export(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "export")

    @app_commands.command(name="forget", description="Delete everything Liftcoach stores about you")
    async def forget(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "forget")

    @app_commands.command(name="screen", description="Take the optional health check (seven yes/no questions)")
    async def screen(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "screen")
