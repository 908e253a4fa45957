"""/log, /undo, /history, /progress, /1rm."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import complete, run_command

ProgressView = Literal["e1rm", "volume", "sets"]
ChartTheme = Literal["dark", "light"]
FormulaName = Literal["epley", "brzycki", "lander", "lombardi", "mayhew", "oconner", "wathan"]


class TrainingCog(commands.Cog):
    @app_commands.command(name="log", description="Record a set you lifted")
    @app_commands.describe(
        exercise="Start typing to pick an exercise",
        weight="Load in your units (0 for bodyweight)",
        reps="Repetitions in each set (1-100)",
        sets="How many such sets (default 1)",
        rpe="How hard it felt, 1-10 (10 = nothing left)",
        note="Anything worth remembering",
        custom="Log it as your own exercise if it is not in the list",
        date="A past day: 2026-11-20, yesterday, tuesday (default today)",
    )
    async def log(
        self,
        interaction: discord.Interaction,
        exercise: app_commands.Range[str, 1, 100],
        weight: app_commands.Range[float, 0.0, 1200.0],
        reps: app_commands.Range[int, 1, 100],
        sets: app_commands.Range[int, 1, 20] | None = None,
        rpe: app_commands.Range[float, 1.0, 10.0] | None = None,
        note: app_commands.Range[str, 1, 200] | None = None,
        custom: bool | None = None,
        date: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        await run_command(
            interaction, "log", exercise=exercise, weight=weight, reps=reps, sets=sets, rpe=rpe, note=note,
            custom=custom, date=date,
        )

    @app_commands.command(name="undo", description="Undo your latest action: a /log, a logged session or an import")
    async def undo(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "undo")

    @app_commands.command(name="history", description="Your logged sets, day by day")
    @app_commands.describe(exercise="Only this exercise", days="How many days back (default 30)")
    async def history(
        self,
        interaction: discord.Interaction,
        exercise: app_commands.Range[str, 1, 100] | None = None,
        days: app_commands.Range[int, 1, 365] | None = None,
    ) -> None:
        await run_command(interaction, "history", exercise=exercise, days=days)

    @app_commands.command(name="progress", description="Your main lifts' e1RM, weekly tonnage or sets per muscle")
    @app_commands.describe(
        exercise="Only this lift (default: your plan's main lifts)",
        view="e1rm (default), volume (tonnage per week) or sets (per muscle, against your goal)",
        weeks="How many weeks back at most (default 12)",
        theme="Match your Discord theme (default dark)",
    )
    async def progress(
        self,
        interaction: discord.Interaction,
        exercise: app_commands.Range[str, 1, 100] | None = None,
        view: ProgressView | None = None,
        weeks: app_commands.Range[int, 1, 104] | None = None,
        theme: ChartTheme | None = None,
    ) -> None:
        await run_command(interaction, "progress", exercise=exercise, view=view, weeks=weeks, theme=theme)

    @app_commands.command(name="1rm", description="Estimate your one-rep max, with load tables")
    @app_commands.describe(weight="Load lifted, in your units", reps="Reps completed (1-30)", formula="Estimation formula")
    async def one_rep_max(
        self,
        interaction: discord.Interaction,
        weight: app_commands.Range[float, 0.1, 1200.0],
        reps: app_commands.Range[int, 1, 30],
        formula: FormulaName | None = None,
    ) -> None:
        await run_command(interaction, "1rm", weight=weight, reps=reps, formula=formula)

    @log.autocomplete("exercise")
    @history.autocomplete("exercise")
    @progress.autocomplete("exercise")
    async def exercise_autocomplete(self, interaction: discord.Interaction, current: str):
        return await complete(interaction, interaction.command.name, "exercise", current)
