"""/forget, /remind status and /remind off through the real bot process and discord.py."""

from __future__ import annotations

import json

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


async def test_export_sends_everything_as_two_private_files(discord: Driver) -> None:
    await discord.slash("settings", {"units": "lb"})
    await discord.slash("log", {"exercise": "Barbell back squat", "weight": 225, "reps": 5, "sets": 2, "note": "ok"})

    exported = await discord.slash("export")
    assert exported.response.ephemeral
    assert "2 sets" in main_embed(exported)["description"]
    files = {file.filename.rsplit("-", 1)[0]: file.data.decode() for file in exported.response.files}
    assert set(files) == {"liftcoach", "liftcoach-log"}
    document = json.loads(files["liftcoach"])
    assert document["user_id"] == str(discord.fake.default_user.id)
    assert [row["reps"] for row in document["tables"]["set_logs"]] == [5]
    header, *rows = files["liftcoach-log"].splitlines()
    assert "weight_lb" in header.split(",")
    assert [row.split(",", 2)[2] for row in rows] == [
        f"Barbell back squat,barbell-back-squat,{n},work,225,5,,ok" for n in (1, 2)]


async def test_remind_status_and_off(discord: Driver) -> None:
    none = await discord.slash("remind", {"status": {}})
    assert "no reminders set" in main_embed(none)["description"]

    await discord.slash("remind", {"set": {"days": "tue fri", "time": "07:30", "timezone": "Asia/Kathmandu"}})
    status = await discord.slash("remind", {"status": {}})
    embed = main_embed(status)
    assert "Tuesday and Friday at 07:30 (Asia/Kathmandu)" in embed["description"]
    assert "<t:" in embed["fields"][0]["value"]

    off = await discord.slash("remind", {"off": {}})
    assert "Reminders are off" in main_embed(off)["description"]
    after = await discord.slash("remind", {"status": {}})
    assert "no reminders set" in main_embed(after)["description"]


async def test_remind_set_offers_time_zones(discord: Driver) -> None:
    choices = await discord.autocomplete("remind set", {"timezone": "kathm"}, focused="timezone")
    assert {"name": "Asia/Kathmandu", "value": "Asia/Kathmandu"} in choices
