"""/goal, /compare, /today, /settings and /help through the real bot process and discord.py, in DMs and in a guild."""

from __future__ import annotations

import pytest
from driver import Driver
from liftcoach_ui import DISCLAIMER, SAFETY_NOTICE, action_ids, button_labels, embeds_of, field_names, main_embed

RULE_TABLE_FIELDS = ["Intensity", "Repetitions", "Sets", "Rest", "Exercise selection"]
TODAY_BUTTONS = ["Log as prescribed", "Log what I lifted", "Mark done (no log)"]

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def discord(shared_discord: Driver) -> Driver:
    """One bot process for the whole module; each test acts as a new user of its own."""
    return shared_discord


async def test_goal_without_options_offers_the_picker_with_the_safety_notice_first(discord: Driver) -> None:
    record = await discord.slash("goal")

    assert record.response.type == 4 and not record.response.ephemeral
    notice, picker = embeds_of(record)
    assert notice["description"] == SAFETY_NOTICE
    assert picker["title"] == "What are you training for?"
    assert picker["footer"]["text"] == DISCLAIMER
    select = record.original.find_component(action_ids(record.original)["pick-goal"])
    assert [option["value"] for option in select["options"]] == ["strength", "hypertrophy", "endurance", "health"]


async def test_safety_notice_comes_only_with_the_first_reply(discord: Driver) -> None:
    await discord.slash("help")
    second = await discord.slash("help")
    assert len(embeds_of(second)) == 1
    assert SAFETY_NOTICE not in second.response.text()


async def test_picking_a_goal_updates_the_picker_in_place_with_the_rule_table(discord: Driver) -> None:
    record = await discord.slash("goal")
    picked = await discord.select(record, action_ids(record.original)["pick-goal"], ["strength"])

    assert picked.response.type == 7
    assert picked.original is record.original
    assert main_embed(record.original)["title"] == "Strength (maximal force) · novice"
    assert field_names(record.original) == [*RULE_TABLE_FIELDS, "Before you start: a short health check (optional)"]
    assert "Source:" in main_embed(record.original)["fields"][0]["value"]
    assert set(action_ids(record.original)) == {"today", "screen", "screen-decline"}, "the goal menu is replaced"
    assert button_labels(record.original) == ["Show today's session", "Take the health check", "Not now"]


async def test_a_goal_menu_still_works_after_someone_else_got_buttons(discord: Driver) -> None:
    picker = await discord.slash("goal")
    await discord.slash("goal", {"goal": "strength"}, user=discord.user(f"other-{discord.fake.new_id()}"))
    picked = await discord.select(picker, action_ids(picker.original)["pick-goal"], ["endurance"])

    assert picked.response.type == 7
    assert main_embed(picker.original)["title"] == "Muscular endurance (reps under fatigue) · novice"


async def test_goal_with_options_saves_them_and_shows_the_rule_table_in_a_guild(discord: Driver) -> None:
    record = await discord.slash(
        "goal", {"goal": "hypertrophy", "experience": "intermediate", "days": 4, "equipment": "dumbbells"}, guild=True
    )

    assert record.response.type == 4 and not record.response.ephemeral
    table = main_embed(record)
    assert table["title"] == "Hypertrophy (muscle size) · intermediate"
    assert "You train 4 days a week with dumbbells" in table["description"]
    assert field_names(record) == [*RULE_TABLE_FIELDS, "Before you start: a short health check (optional)"]
    again = await discord.slash("goal", guild=True)
    assert main_embed(again)["title"] == "Hypertrophy (muscle size) · intermediate", "a saved goal skips the picker"


async def test_goal_options_without_a_goal_save_and_then_ask_for_the_goal(discord: Driver) -> None:
    record = await discord.slash("goal", {"days": 5})
    assert main_embed(record)["description"].startswith("Saved.")
    assert "pick-goal" in action_ids(record.original)


async def test_compare_defaults_to_strength_against_hypertrophy(discord: Driver) -> None:
    record = await discord.slash("compare")
    table = main_embed(record)
    assert table["title"] == "Strength (maximal force) vs Hypertrophy (muscle size)"
    assert field_names(record) == RULE_TABLE_FIELDS


async def test_compare_two_chosen_goals_in_a_guild(discord: Driver) -> None:
    record = await discord.slash("compare", {"first": "endurance", "second": "health"}, guild=True)
    assert main_embed(record)["title"] == "Muscular endurance (reps under fatigue) vs General health (the guideline minimum)"
    assert "**Muscular endurance:**" in main_embed(record)["fields"][0]["value"]


async def test_today_without_a_goal_offers_the_goal_picker(discord: Driver) -> None:
    record = await discord.slash("today")
    assert "Pick a goal first" in main_embed(record)["description"]
    await discord.select(record, action_ids(record.original)["pick-goal"], ["health"])
    assert main_embed(record.original)["title"] == "General health (the guideline minimum) · novice"


async def test_show_todays_session_button_answers_with_the_session(discord: Driver) -> None:
    record = await discord.slash("goal", {"goal": "strength"})
    session = await discord.click(record, action_ids(record.original)["today"])

    assert session.response.type == 4
    assert session.original is not record.original, "the rule table stays; the session is a new message"
    assert main_embed(session)["title"].startswith("Today: ")
    assert button_labels(session.original) == TODAY_BUTTONS
    assert all(name[0].isdigit() for name in field_names(session)), "one numbered field per exercise"


async def test_today_with_a_goal_shows_the_session_in_a_guild(discord: Driver) -> None:
    await discord.slash("goal", {"goal": "endurance", "days": 2}, guild=True)
    record = await discord.slash("today", guild=True)

    assert not record.response.ephemeral
    assert main_embed(record)["title"].startswith("Today: ")
    assert "Muscular endurance · novice · day 1 of 2" in main_embed(record)["description"]
    assert set(action_ids(record.original)) == {"log-plan", "log-open", "done", "swap-pick"}


async def test_an_exercise_swapped_from_today_is_remembered(discord: Driver) -> None:
    await discord.slash("goal", {"goal": "strength", "days": 3})
    today = await discord.slash("today")
    first = main_embed(today)["fields"][0]["name"].split(". ", 1)[1]
    menu = today.original.find_component(action_ids(today.original)["swap-pick"])
    assert len(menu["options"]) <= 25
    picked = await discord.select(today, action_ids(today.original)["swap-pick"], [menu["options"][0]["value"]])
    assert picked.response.ephemeral
    assert main_embed(picked)["title"] == f"Swap {first}"
    choices = picked.original.find_component(action_ids(picked.original)["swap"])["options"]
    other = next(option for option in choices if option["label"] != first)
    swapped = await discord.select(picked, action_ids(picked.original)["swap"], [other["value"]])
    assert f"Swapped {first} for {other['label']}" in swapped.response.text()
    again = await discord.slash("today")
    names = [field["name"].split(". ", 1)[1] for field in main_embed(again)["fields"]]
    assert other["label"] in names and first not in names


async def test_a_button_pressed_by_someone_else_is_refused_privately(discord: Driver) -> None:
    record = await discord.slash("goal", {"goal": "strength"}, guild=True)
    intruder = discord.user("intruder")
    refused = await discord.click(record, action_ids(record.original)["today"], user=intruder)

    assert refused.response.type == 4 and refused.response.ephemeral
    assert "belongs to someone else's message" in main_embed(refused)["description"]
    assert main_embed(record.original)["title"] == "Strength (maximal force) · novice", "the owner's message is untouched"


async def test_settings_show_then_save_units_and_timezone(discord: Driver) -> None:
    current = await discord.slash("settings")
    assert "Units: **kg** · Time zone: **UTC**" in main_embed(current)["description"]

    saved = await discord.slash("settings", {"units": "lb", "timezone": "America/New_York"}, guild=True)
    assert main_embed(saved)["description"] == "Saved. Units: **lb** · Time zone: **America/New_York**."
    again = await discord.slash("settings")
    assert "Units: **lb** · Time zone: **America/New_York**" in main_embed(again)["description"]


async def test_settings_with_an_unknown_timezone_is_refused_privately_and_changes_nothing(discord: Driver) -> None:
    refused = await discord.slash("settings", {"units": "lb", "timezone": "Mars/Olympus"})

    assert refused.response.type == 4 and refused.response.ephemeral
    assert main_embed(refused)["title"] == "That didn't work"
    assert "`Mars/Olympus` is not a time zone I know" in main_embed(refused)["description"]
    assert main_embed(refused)["footer"]["text"] == DISCLAIMER
    current = await discord.slash("settings")
    assert "Units: **kg**" in main_embed(current)["description"], "the valid units option was rolled back too"


async def test_timezone_autocomplete_suggests_iana_names(discord: Driver) -> None:
    berlin = await discord.autocomplete("settings", {"timezone": "berlin"}, focused="timezone")
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in berlin
    europe = await discord.autocomplete("settings", {"timezone": "Europe/"}, focused="timezone")
    assert 1 < len(europe) <= 25
    assert all(choice["value"].startswith("Europe/") for choice in europe)


async def test_help_lists_every_registered_command(discord: Driver) -> None:
    record = await discord.slash("help", guild=True)
    text = main_embed(record)["description"]
    assert main_embed(record)["title"] == "Liftcoach commands"
    for command in discord.fake.global_commands:
        assert f"`/{command['name']}`" in text
    # The terms /today and /log use (RIR, RPE, e1RM ...) were explained nowhere once a load was known.
    [terms] = main_embed(record)["fields"]
    assert terms["name"] == "Terms you will see" and "**RIR** (reps in reserve)" in terms["value"]


async def test_equipment_shows_and_saves_the_lifters_own_bar_and_plates(discord: Driver) -> None:
    current = await discord.slash("equipment")
    assert current.response.ephemeral
    assert "Bar **20 kg**" in main_embed(current)["description"]
    saved = await discord.slash("equipment", {"bar": 15.0, "plate_pair": 1.0})
    assert main_embed(saved)["description"].startswith("Saved. Bar **15 kg** · smallest plate pair **1 kg**")
