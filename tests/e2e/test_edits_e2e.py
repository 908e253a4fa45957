"""Fixing the log from /history through the real bot: pick a day, a set, edit it in a form,
delete it, delete a whole day, and /undo of a whole logged session."""

from __future__ import annotations

import pytest
from driver import Driver
from liftcoach_ui import action_ids, button_labels, field_names, main_embed

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def discord(shared_discord: Driver) -> Driver:
    return shared_discord


def options(message, custom_id: str) -> list[dict]:
    return message.find_component(custom_id)["options"]


async def test_history_menu_edits_then_deletes_a_set_then_a_whole_day(discord: Driver) -> None:
    await discord.slash("log", {"exercise": "Barbell back squat", "weight": 100.0, "reps": 5})
    await discord.slash("log", {"exercise": "Barbell bench press", "weight": 60.0, "reps": 8})
    history = await discord.slash("history")
    [today] = field_names(history)

    days = action_ids(history.original)["history-day"]
    day = await discord.select(history, days, [options(history.original, days)[0]["value"]])
    assert main_embed(day)["description"].startswith(f"{today}: 2 sets.")
    assert button_labels(day.original) == [f"Delete all of {today}"]
    sets = action_ids(day.original)["history-set"]
    squat = next(o["value"] for o in options(day.original, sets) if "squat" in o["label"])
    chosen = await discord.select(day, sets, [squat])
    assert button_labels(chosen.original) == ["Edit", "Delete"]
    opened = await discord.click(chosen, action_ids(chosen.original)["set-edit"])
    assert opened.response.type == 9 and opened.response.title == "Edit this set"
    saved = await discord.submit_modal(opened, None, {"weight": "102,5", "reps": "4", "rpe": "9", "note": "grindy"})
    await saved.wait_final()
    assert "Saved: Barbell back squat: 1 × 4 at 102.5 kg." in main_embed(saved.original)["description"]
    assert "**Barbell back squat** 102.5 kg 1×4 @9 · _grindy_" in main_embed(await discord.slash("history"))["fields"][0]["value"]

    deleted = await discord.click(chosen, action_ids(chosen.original)["set-delete"])
    assert main_embed(deleted.original)["description"].startswith("Deleted: Barbell back squat")

    whole = await discord.click(day, action_ids(day.original)["day-delete"])
    assert main_embed(whole.original)["description"] == f"Deleted 1 set logged on {today}."
    assert "Nothing logged" in main_embed(await discord.slash("history"))["description"]


async def test_undo_of_log_as_prescribed_reopens_the_day(discord: Driver) -> None:
    await discord.slash("goal", {"goal": "strength"})
    today = await discord.slash("today")
    day = main_embed(today)["title"].removeprefix("Today: ")
    for field in main_embed(today)["fields"]:
        if ". " in field["name"]:
            await discord.slash("log", {"exercise": field["name"].split(". ", 1)[1], "weight": 40.0, "reps": 5,
                                        "date": "yesterday"})
    today = await discord.slash("today")
    logged = await discord.click(today, action_ids(today.original)["log-plan"])
    assert main_embed(logged)["title"] != "That didn't work", main_embed(logged)["description"]
    assert main_embed(await discord.slash("today"))["title"] != f"Today: {day}"
    undone = await discord.slash("undo")
    assert main_embed(undone)["description"].startswith(f"Undid your last log for {day}: removed ")
    assert main_embed(await discord.slash("today"))["title"] == f"Today: {day}"


async def test_a_day_of_more_sets_than_one_menu_holds_pages_to_the_rest(discord: Driver) -> None:
    lifter = discord.user(f"paging-{discord.fake.new_id()}")
    for reps in range(1, 28):
        await discord.slash("log", {"exercise": "Barbell back squat", "weight": 100.0, "reps": reps}, user=lifter)
    history = await discord.slash("history", user=lifter)
    days = action_ids(history.original)["history-day"]
    day = await discord.select(history, days, [options(history.original, days)[0]["value"]], user=lifter)
    assert len(options(day.original, action_ids(day.original)["history-set"])) == 25
    assert button_labels(day.original)[0] == "Sets 26–27 ▶"
    later = await discord.click(day, action_ids(day.original)["day-page"], user=lifter)
    await later.wait_final()
    assert later.response.type == 7, "the page replaces the one shown"
    sets = action_ids(later.original)["history-set"]
    assert [o["label"] for o in options(later.original, sets)] == [
        "Barbell back squat: 1 × 26 at 100 kg", "Barbell back squat: 1 × 27 at 100 kg"]
    chosen = await discord.select(later, sets, [options(later.original, sets)[-1]["value"]], user=lifter)
    await chosen.wait_final()
    deleted = await discord.click(chosen, action_ids(chosen.original)["set-delete"], user=lifter)
    assert main_embed(deleted.original)["description"] == "Deleted: Barbell back squat: 1 × 27 at 100 kg."
