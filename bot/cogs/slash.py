"""Slash commands generated from the app's commands: nothing here declares an option by hand.

Each command's options model (`bot.commands.options.Options`) gives the option types, bounds
(as `app_commands.Range`), choices (enums), which options autocomplete and which take a file (`Upload`, a Discord attachment); the descriptions are
the prompts `slash.<command>.description` and `slash.<command>.options.<option>`, sent as
`locale_str`s so a `PromptTranslator` can localise them. A command named "remind set" becomes
the subcommand `set` of the group `/remind`.
"""

from __future__ import annotations

import inspect
from enum import Enum
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str
from pydantic.fields import FieldInfo

from bot.app import Liftcoach
from bot.cogs import complete, per_user_cooldown, run_command, run_with_files
from bot.commands.base import Command, Upload
from bot.commands.options import base_type, bounds, lengths
from bot.cooldowns import COOLDOWNS
from bot.prompts import Prompts


def _described(prompts: Prompts, key: str) -> locale_str:
    return locale_str(prompts.text(key), key=key)


def _annotation(field: FieldInfo) -> Any:
    kind = base_type(field)
    if isinstance(kind, type) and issubclass(kind, Enum):
        annotation: Any = str  # the choices are attached with app_commands.choices
    elif kind in (int, float):
        low, high = (None if bound is None else kind(bound) for bound in bounds(field))
        annotation = app_commands.Range[kind, low, high] if (low, high) != (None, None) else kind
    elif kind is str:
        shortest, longest = lengths(field)
        annotation = app_commands.Range[str, shortest, longest] if (shortest, longest) != (None, None) else str
    elif kind is bool:
        annotation = bool
    elif kind is Upload:
        annotation = discord.Attachment  # downloaded into an Upload by `run_with_files`
    else:
        raise TypeError(f"no Discord option type for {kind!r}")
    return annotation if field.is_required() else annotation | None


def _autocomplete(command_name: str, option: str):
    async def suggest(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await complete(interaction, command_name, option, current)

    return suggest


def slash_command(app: Liftcoach, command: Command) -> app_commands.Command:
    """One discord.py command for `command`, its parameters read from the options model."""
    prompts = app.prompts
    key = "slash." + command.name.replace(" ", ".")
    fields = command.options.model_fields

    takes_files = any(base_type(field) is Upload for field in fields.values())

    async def callback(interaction: discord.Interaction, **options: Any) -> None:
        if takes_files:
            await run_with_files(interaction, command.name, **options)
        else:
            await run_command(interaction, command.name, **options)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
    parameters += [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_annotation(field),
            default=inspect.Parameter.empty if field.is_required() else None,
        )
        for name, field in fields.items()
    ]
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    if fields:
        callback = app_commands.describe(
            **{name: _described(prompts, f"{key}.options.{name}") for name in fields}
        )(callback)
    enums = {name: base_type(field) for name, field in fields.items()}
    enums = {name: kind for name, kind in enums.items() if isinstance(kind, type) and issubclass(kind, Enum)}
    if enums:
        callback = app_commands.choices(
            **{name: [app_commands.Choice(name=m.value, value=m.value) for m in kind] for name, kind in enums.items()}
        )(callback)
    if command.completers:
        callback = app_commands.autocomplete(
            **{option: _autocomplete(command.name, option) for option in command.completers}
        )(callback)
    if command.name in COOLDOWNS:
        callback = per_user_cooldown(command.name)(callback)
    return app_commands.Command(
        name=command.name.split(" ")[-1], description=_described(prompts, f"{key}.description"), callback=callback
    )


def slash_commands(app: Liftcoach) -> list[app_commands.Command | app_commands.Group]:
    """Every app command as a top-level slash command or inside its group."""
    top: list[app_commands.Command | app_commands.Group] = []
    groups: dict[str, app_commands.Group] = {}
    for command in app.commands.values():
        if " " in command.name:
            group_name = command.name.split(" ")[0]
            group = groups.get(group_name)
            if group is None:
                group = app_commands.Group(name=group_name, description=_described(app.prompts, f"slash.{group_name}.description"))
                groups[group_name] = group
                top.append(group)
            group.add_command(slash_command(app, command))
        else:
            top.append(slash_command(app, command))
    return top


class PromptTranslator(app_commands.Translator):
    """Localises command and option descriptions from `prompts/locales/<locale>/` where one exists."""

    def __init__(self, translations: dict[str, Prompts]) -> None:
        self.translations = translations

    async def translate(
        self, string: locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        prompts = self.translations.get(locale.value)
        key = string.extras.get("key")
        if prompts is None or key is None or not prompts.has(key):
            return None
        return prompts.text(key)
