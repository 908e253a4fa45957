"""Thin Discord adapters: declare slash commands, hand the options to the app, render the reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.client import caller_of, respond
from bot.cooldowns import COOLDOWNS
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.client import LiftcoachBot


def per_user_cooldown(command: str):
    """discord.py's cooldown check with the limit `bot.cooldowns` sets for `command`, per user."""
    limit = COOLDOWNS[command]
    return app_commands.checks.cooldown(limit.rate, limit.per, key=lambda interaction: interaction.user.id)


async def run_command(interaction: discord.Interaction, name: str, **options: object) -> None:
    app = interaction.client.app
    plain = {key: getattr(value, "value", value) for key, value in options.items()}

    async def acknowledge(reply: Reply) -> None:
        # "Liftcoach is thinking…" at once; `respond` then turns it into the reply with the chart.
        await interaction.response.defer(ephemeral=reply.ephemeral, thinking=True)

    await respond(interaction, await app.run(caller_of(interaction), name, plain, before_render=acknowledge))


async def complete(interaction: discord.Interaction, command: str, option: str, typed: str) -> list[app_commands.Choice[str]]:
    app = interaction.client.app
    suggestions = await app.autocomplete(caller_of(interaction), command, option, typed)
    return [app_commands.Choice(name=label[:100], value=value[:100]) for label, value in suggestions]


async def load_cogs(bot: LiftcoachBot) -> None:
    from bot.cogs.core import CoreCog
    from bot.cogs.imports import ImportCog
    from bot.cogs.privacy import PrivacyCog
    from bot.cogs.reminders import RemindersCog
    from bot.cogs.training import TrainingCog

    await bot.add_cog(CoreCog())
    await bot.add_cog(TrainingCog())
    await bot.add_cog(ImportCog())
    await bot.add_cog(RemindersCog(bot, bot.app, send_reminders=bot.send_reminders))
    await bot.add_cog(PrivacyCog())
