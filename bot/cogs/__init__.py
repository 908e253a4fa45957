"""Thin Discord adapters: slash commands generated from the app's (`slash.py`) hand their options to
the app and render the reply; the reminders cog sends reminder DMs."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.client import Acknowledgement, answer_in_time, caller_of, deliver, progress_message
from bot.commands.base import Upload
from bot.cooldowns import COOLDOWNS
from bot.imports.parser import MAX_FILE_BYTES
from bot.prompts import Prompts
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
    acknowledgement = Acknowledgement(interaction)

    async def acknowledge(reply: Reply) -> None:
        # "Liftcoach is thinking…" at once; `deliver` then turns it into the reply with the chart.
        await acknowledgement.defer(ephemeral=reply.ephemeral)

    work = asyncio.ensure_future(app.run(caller_of(interaction), name, plain, before_render=acknowledge))
    await answer_in_time(interaction, work, acknowledgement)


async def run_with_files(interaction: discord.Interaction, name: str, **options: object) -> None:
    """A command with a file option (/import): a file over the size limit is refused before
    anything is downloaded; reading it and the command can take longer than Discord's 3 s, so the
    answer is deferred first and shows the command's progress until its reply replaces it."""
    app = interaction.client.app
    files = {key: value for key, value in options.items() if isinstance(value, discord.Attachment)}
    if any(file.size > MAX_FILE_BYTES for file in files.values()):
        await deliver(interaction, app.error_reply("imports.errors.too_big", limit_mb=MAX_FILE_BYTES // 2**20))
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    plain = {key: getattr(value, "value", value) for key, value in options.items()}
    plain.update({key: Upload(filename=file.filename, data=await file.read()) for key, file in files.items()})
    await deliver(interaction, await app.run(caller_of(interaction), name, plain, progress_message(interaction)))


async def complete(interaction: discord.Interaction, command: str, option: str, typed: str) -> list[app_commands.Choice[str]]:
    app = interaction.client.app
    suggestions = await app.autocomplete(caller_of(interaction), command, option, typed)
    return [app_commands.Choice(name=label, value=value) for label, value in suggestions]


async def load_cogs(bot: LiftcoachBot) -> None:
    from bot.cogs.reminders import RemindersCog
    from bot.cogs.slash import PromptTranslator, slash_commands

    await bot.tree.set_translator(PromptTranslator(Prompts.translations(bot.app.settings.prompts_dir)))
    for command in slash_commands(bot.app):
        bot.tree.add_command(command)
    await bot.add_cog(RemindersCog(bot, bot.app, send_reminders=bot.send_reminders))
