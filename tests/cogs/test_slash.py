"""Slash commands are generated from the options models: bounds, choices, descriptions, autocomplete."""

from __future__ import annotations

import re
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.cogs.slash import PromptTranslator, slash_commands
from bot.commands.options import base_type, bounds, choices, lengths
from bot.prompts import Prompts

COGS = Path(__file__).resolve().parents[2] / "bot" / "cogs"


def _tree() -> app_commands.CommandTree:
    return app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))


@pytest.fixture
async def payloads(app):
    tree = _tree()
    for command in slash_commands(app):
        tree.add_command(command)
    by_name = {}
    for command in tree.get_commands():
        payload = command.to_dict(tree)
        if isinstance(command, app_commands.Group):
            for sub in payload["options"]:
                by_name[f"{command.name} {sub['name']}"] = sub
        else:
            by_name[command.name] = payload
    return by_name


async def test_every_command_and_option_comes_from_its_model(app, payloads):
    assert sorted(payloads) == sorted(app.commands)
    for name, command in app.commands.items():
        payload = payloads[name]
        key = "slash." + name.replace(" ", ".")
        assert payload["description"] == app.prompts.text(f"{key}.description")
        options = {option["name"]: option for option in payload.get("options", [])}
        assert sorted(options) == sorted(command.options.model_fields), name
        for option_name, field in command.options.model_fields.items():
            option = options[option_name]
            where = f"/{name} {option_name}"
            assert option["description"] == app.prompts.text(f"{key}.options.{option_name}"), where
            assert len(option["description"]) <= 100, where
            assert option.get("required", False) == field.is_required(), where
            assert [c["value"] for c in option.get("choices", [])] == choices(field), where
            assert option.get("autocomplete", False) == (option_name in command.completers), where
            kind = base_type(field)
            if kind in (int, float):
                assert (option.get("min_value"), option.get("max_value")) == bounds(field), where
                assert option["type"] == (4 if kind is int else 10), where
            elif kind is str:
                assert (option.get("min_length"), option.get("max_length")) == lengths(field), where


async def test_the_load_options_show_the_bounds_that_are_enforced(app, payloads):
    weight = next(o for o in payloads["log"]["options"] if o["name"] == "weight")
    # No max_value: one number for every user cannot be 500 kg and 1102 lb; the bot checks it in the user's unit.
    assert (weight["min_value"], weight.get("max_value")) == (0, None)
    one_rm = next(o for o in payloads["1rm"]["options"] if o["name"] == "weight")
    assert (one_rm["min_value"], one_rm.get("max_value")) == (5, None)


def test_no_cog_declares_an_option_by_hand():
    for path in COGS.glob("*.py"):
        source = path.read_text()
        assert not re.search(r"@app_commands\.(command|describe|choices|autocomplete|rename)\b", source), path.name
        assert not re.search(r"Range\[(int|float|str),\s*-?\d", source), path.name


async def test_the_translator_localises_descriptions_from_prompts(tmp_path, app):
    locale = tmp_path / "locales" / "de"
    locale.mkdir(parents=True)
    (locale / "messages.toml").write_text('[slash.log]\ndescription = "Einen Satz eintragen"\n', encoding="utf-8")
    (locale / "disclaimer.md").write_text("x", encoding="utf-8")
    (locale / "safety_notice.md").write_text("x", encoding="utf-8")
    translator = PromptTranslator(Prompts.translations(tmp_path))
    [log] = [c for c in slash_commands(app) if c.name == "log"]
    context = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_description, log)
    translated = await log.get_translated_payload(_tree(), translator)
    assert translated["description_localizations"] == {"de": "Einen Satz eintragen"}
    described = app_commands.locale_str(log.description, key="slash.log.description")
    assert await translator.translate(described, discord.Locale.french, context) is None
