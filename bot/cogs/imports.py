"""/import: the attachment is checked by size, downloaded, and handed to the app as an Upload."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import caller_of, progress_message, respond
from bot.commands.base import Upload
from bot.imports.parser import MAX_FILE_BYTES


class ImportCog(commands.Cog):
    @app_commands.command(name="import", description="Bring your history from a Strong, Hevy or FitNotes CSV export")
    @app_commands.describe(
        file="The CSV file the app exported",
        unit="The unit of the file's loads, if the file doesn't say",
        source="Which app wrote the file (default: work it out)",
    )
    async def import_file(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        unit: Literal["kg", "lb"] | None = None,
        source: Literal["auto", "strong", "hevy", "fitnotes", "liftcoach"] | None = None,
    ) -> None:
        app = interaction.client.app
        if file.size > MAX_FILE_BYTES:
            # Refused before downloading anything.
            await respond(interaction, app.error_reply("imports.errors.too_big", limit_mb=MAX_FILE_BYTES // 2**20))
            return
        # Downloading and reading a large file can take longer than Discord's 3 s for a first answer.
        await interaction.response.defer(ephemeral=True, thinking=True)
        upload = Upload(filename=file.filename, data=await file.read())
        options = {"file": upload, "unit": unit, "source": source}
        await respond(interaction, await app.run(caller_of(interaction), "import", options,
                                                 progress_message(interaction)))
