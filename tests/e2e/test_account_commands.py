"""/forget, /remind status and /remind off through the real bot process and discord.py."""

from __future__ import annotations

import pytest
from driver import Driver
from liftcoach_ui import DISCLAIMER, action_ids, main_embed

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def discord(shared_discord: Driver) -> Driver:
    return shared_discord


async def test_forget_asks_first_then_deletes_everything(discord: Driver) -> None:
    await discord.slash("goal", {"goal": "strength"})
    await discord.slash("log", {"exercise": "Barbell back squat", "weight": 100, "reps": 5})

    asked = await discord.slash("forget")
    assert asked.response.ephemeral
    assert main_embed(asked)["footer"]["text"] == DISCLAIMER
    confirmed = await discord.click(asked, action_ids(asked.original)["forget"])
    assert confirmed.response.ephemeral
    assert "deleted" in main_embed(confirmed)["description"]

    history = await discord.slash("history")
    assert "Nothing logged" in main_embed(history)["description"]
    picker = await discord.slash("today")
    assert "pick-goal" in action_ids(picker.original), "the goal is gone too"


async def test_remind_status_and_off(discord: Driver) -> None:
    none = await discord.slash("remind", {"status": {}})
    assert "no reminders set" in main_embed(none)["description"]

    await discord.slash("remind", {"set": {"days": "tue fri", "time": "07:30", "timezone": "Asia/Kathmandu"}})
    status = await discord.slash("remind", {"status": {}})
    embed = main_embed(status)
    assert "Tuesday, Friday at 07:30 (Asia/Kathmandu)" in embed["description"]
    assert "<t:" in embed["fields"][0]["value"]

    off = await discord.slash("remind", {"off": {}})
    assert "Reminders are off" in main_embed(off)["description"]
    after = await discord.slash("remind", {"status": {}})
    assert "no reminders set" in main_embed(after)["description"]


async def test_remind_set_offers_time_zones(discord: Driver) -> None:
    choices = await discord.autocomplete("remind set", {"timezone": "kathm"}, focused="timezone")
    assert {"name": "Asia/Kathmandu", "value": "Asia/Kathmandu"} in choices
