"""SIGKILL between two commands: the restarted bot keeps users' state and answers old buttons, menus and forms."""

from __future__ import annotations

from driver import Driver
from fake_discord import FakeDiscord
from harness import BotHarness
from liftcoach_ui import action_ids, button_labels, main_embed


async def test_state_and_old_components_survive_a_sigkill(
    fake_discord: FakeDiscord, bot: BotHarness, discord: Driver
) -> None:
    table = await discord.slash("goal", {"goal": "strength", "days": 4})
    await discord.slash("log", {"exercise": "Barbell deadlift", "weight": 140.0, "reps": 3})
    newcomer = discord.user("newcomer")
    picker = await discord.slash("goal", user=newcomer, guild=True)

    await bot.kill()
    await bot.start()
    assert fake_discord.identify_count == 2

    goal = await discord.slash("goal")
    assert main_embed(goal)["title"] == "Strength (maximal force) · novice", "the goal was kept"
    assert "You train 4 days a week" in main_embed(goal)["description"]
    history = await discord.slash("history")
    assert "**Barbell deadlift** 140 kg 1×3" in history.response.text(), "the log was kept"

    session = await discord.click(table, action_ids(table.original)["today"])
    assert session.response.type == 4, "a button sent before the restart still works"
    assert main_embed(session)["title"].startswith("Today: ")
    assert "day 1 of 4" in main_embed(session)["description"]
    assert button_labels(session.original) == ["Log as prescribed", "Log what I lifted", "Mark done (no log)"]

    picked = await discord.select(picker, action_ids(picker.original)["pick-goal"], ["endurance"])
    assert picked.response.type == 7, "a menu sent before the restart still works"
    assert main_embed(picker.original)["title"] == "Muscular endurance (reps under fatigue) · novice"


async def test_a_session_marked_done_before_a_crash_stays_done(bot: BotHarness, discord: Driver) -> None:
    await discord.slash("goal", {"goal": "hypertrophy"})
    session = await discord.slash("today")
    first_day = main_embed(session)["title"]
    await discord.click(session, action_ids(session.original)["done"])

    await bot.kill()
    await bot.start()

    pressed_again = await discord.click(session, action_ids(session.original)["done"])
    assert pressed_again.response.ephemeral
    assert "already marked done" in main_embed(pressed_again)["description"]
    following = await discord.slash("today")
    assert main_embed(following)["title"] != first_day


async def test_a_log_form_opened_before_a_restart_can_still_be_submitted(bot: BotHarness, discord: Driver) -> None:
    await discord.slash("goal", {"goal": "strength"})
    session = await discord.slash("today")
    first_exercise = main_embed(session)["fields"][0]["name"].split(". ", 1)[1]
    opened = await discord.click(session, action_ids(session.original)["log-open"])

    await bot.kill()
    await bot.start()

    submitted = await discord.submit_modal(opened, None, {"sets": f"{first_exercise}: 50 x 5, 5"})
    assert main_embed(submitted)["title"] == "Session done"
    assert "Logged 2 entries" in main_embed(submitted)["description"]
