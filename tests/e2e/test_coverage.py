"""Every slash command, action (button, menu, form) and autocomplete of the bot has an end-to-end test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import Liftcoach

E2E = Path(__file__).resolve().parent
SOURCES = "\n".join(path.read_text() for path in E2E.glob("test_*.py") if path.name != Path(__file__).name)
# Forms are answered by the action their button opens; those tests submit them by custom id.
SUBMITTED_BY_FORM = {"log-form": "submit_modal", "rem-skip-why": "submit_modal", "set-save": "submit_modal"}


@pytest.fixture
async def app(settings):
    liftcoach = await Liftcoach.start(settings)
    yield liftcoach
    await liftcoach.close()


def slash_calls() -> set[str]:
    calls = set(re.findall(r'slash\(\s*"([\w ]+)"', SOURCES))
    for group, sub in re.findall(r'slash\(\s*"(\w+)",\s*\{\s*"(\w+)"\s*:\s*\{', SOURCES):
        calls.add(f"{group} {sub}")
    return calls


async def test_every_command_is_driven_end_to_end(app):
    assert sorted(set(app.commands) - slash_calls()) == []


async def test_every_action_is_driven_end_to_end(app):
    clicked = set(re.findall(r'\["([a-z-]+)"\]', SOURCES))
    missing = [name for name in app.actions if name not in clicked and SUBMITTED_BY_FORM.get(name) not in SOURCES]
    assert missing == []


async def test_every_autocomplete_is_driven_end_to_end(app):
    offered = {(name, option) for name, command in app.commands.items() for option in command.completers}
    driven = set(re.findall(r'autocomplete\(\s*"([\w ]+)",\s*\{\s*"(\w+)"', SOURCES))
    driven |= {(command, "exercise") for command in re.findall(r'for command in \(([^)]*)\)', SOURCES)
               for command in re.findall(r'"(\w+)"', command)}
    assert sorted(offered - driven) == []
