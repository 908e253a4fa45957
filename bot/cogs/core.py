"""/goal, /compare, /today, /settings, /equipment, /help."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import complete, run_command

GoalName = Literal["strength", "hypertrophy", "endurance", "health"]
ExperienceName = Literal["novice", "intermediate", "advanced"]
EquipmentName = Literal["gym", "dumbbells", "bodyweight"]


class CoreCog(commands.Cog):
    @app_commands.command(name="goal", description="Pick your goal and see its rule table")
    @app_commands.describe(
        goal="What you train for",
        experience="How long you have trained consistently",
        days="Training days per week (2-6)",
        equipment="What you can train with",
    )
    async def goal(
        self,
        interaction: discord.Interaction,
        goal: GoalName | None = None,
        experience: ExperienceName | None = None,
        days: app_commands.Range[int, 2, 6] | None = None,
        equipment: EquipmentName | None = None,
    ) -> None:
        await run_command(interaction, "goal", goal=goal, experience=experience, days=days, equipment=equipment)

    @app_commands.command(name="compare", description="Compare two goals over the five training variables")
    @app_commands.describe(first="First goal (default: yours, or strength)", second="Second goal (default: one different from the first)")
    async def compare(
        self, interaction: discord.Interaction, first: GoalName | None = None, second: GoalName | None = None
    ) -> None:
        await run_command(interaction, "compare", first=first, second=second)

    @app_commands.command(name="today", description="Today's session from your goal and your log")
    async def today(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "today")

    @app_commands.command(name="settings", description="Units and time zone")
    @app_commands.describe(units="kg or lb", timezone="Your time zone, e.g. Europe/Berlin")
    async def settings(
        self,
        interaction: discord.Interaction,
        units: Literal["kg", "lb"] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        await run_command(interaction, "settings", units=units, timezone=timezone)

    @settings.autocomplete("timezone")
    async def settings_timezone(self, interaction: discord.Interaction, current: str):
        return await complete(interaction, "settings", "timezone", current)

    @app_commands.command(name="equipment", description="Your bar, plates, dumbbell and machine steps")
    @app_commands.describe(
        bar="Empty bar weight, in your unit",
        plate_pair="Smallest pair of plates you can add (e.g. 1 for two 0.5 kg micro-plates)",
        dumbbell_step="Step between your dumbbells",
        machine_step="Step between machine stack plates",
    )
    async def equipment(
        self,
        interaction: discord.Interaction,
        bar: app_commands.Range[float, 5.0, 50.0] | None = None,
        plate_pair: app_commands.Range[float, 0.25, 20.0] | None = None,
        dumbbell_step: app_commands.Range[float, 0.5, 10.0] | None = None,
        machine_step: app_commands.Range[float, 0.5, 20.0] | None = None,
    ) -> None:
        await run_command(interaction, "equipment", bar=bar, plate_pair=plate_pair, dumbbell_step=dumbbell_step,
                          machine_step=machine_step)

    @app_commands.command(name="help", description="Every Liftcoach command in a sentence")
    async def help(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "help")
