"""Readiness screen and pain stop through the real bot process: both change what /today prescribes."""

from __future__ import annotations

import re

import pytest
from driver import Driver
from fake_discord import FakeMessage, InteractionRecord
from liftcoach_ui import action_ids, button_labels, field_names, main_embed

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def discord(shared_discord: Driver) -> Driver:
    return shared_discord


def by_label(message: FakeMessage) -> dict[str, str]:
    """Button label -> custom id (the screen's Yes and No share an action)."""
    return {
        component["label"]: component["custom_id"]
        for row in message.components for component in row.get("components") or [] if component.get("type") == 2
    }


async def lead_lift_today(discord: Driver, user=None) -> tuple[str, InteractionRecord]:
    """Hypertrophy goal (a set at the top of the range earns an increase), then today's first lift."""
    await discord.slash("goal", {"goal": "hypertrophy"}, user=user)
    today = await discord.slash("today", user=user)
    return field_names(today)[0].split(". ", 1)[1], today


def first_field(record: InteractionRecord) -> str:
    return main_embed(record)["fields"][0]["value"]


def load_of(record: InteractionRecord) -> float | None:
    found = re.search(r"Load: \*\*([\d.]+) kg\*\*", first_field(record))
    return float(found[1]) if found else None


def rir_of(record: InteractionRecord) -> int:
    return int(re.search(r"RIR (\d+)", first_field(record))[1])


async def test_sharp_pain_pauses_progression_until_the_pause_is_lifted(discord: Driver) -> None:
    control = discord.user(f"control-{discord.fake.new_id()}")
    lift, _ = await lead_lift_today(discord, control)
    await discord.slash("log", {"exercise": lift, "weight": 60, "reps": 12, "sets": 3, "rpe": 7}, user=control)
    progressed = load_of(await discord.slash("today", user=control))
    assert progressed is not None and progressed > 60, "without pain the load goes up"

    lift, _ = await lead_lift_today(discord)
    logged = await discord.slash("log", {"exercise": lift, "weight": 60, "reps": 12, "sets": 3, "rpe": 7, "pain": "sharp"})
    assert logged.response.ephemeral
    assert "Stop: sharp pain" in field_names(logged)
    assert "see a doctor or physiotherapist" in logged.response.text()

    paused = await discord.slash("today")
    assert load_of(paused) == 60, "sharp pain: no increase"
    assert f"{lift}: progression paused since" in main_embed(paused)["description"]
    assert f"Lift the pause: {lift}" in button_labels(paused.original)

    lifted = await discord.click(paused, action_ids(paused.original)["resume"])
    assert "Pause lifted" in main_embed(lifted)["description"]
    assert load_of(await discord.slash("today")) == progressed


async def test_mild_pain_holds_the_load_and_suggests_an_easier_variation(discord: Driver) -> None:
    lift, _ = await lead_lift_today(discord)
    logged = await discord.slash("log", {"exercise": lift, "weight": 60, "reps": 12, "sets": 3, "rpe": 7, "pain": "mild"})
    assert "hold its load" in logged.response.text() and "easier variation such as" in logged.response.text()
    held = await discord.slash("today")
    assert load_of(held) == 60
    assert f"{lift}: load held after mild pain" in main_embed(held)["description"]


async def test_a_pain_word_in_a_note_asks_whether_it_was_pain(discord: Driver) -> None:
    lift, _ = await lead_lift_today(discord)
    logged = await discord.slash("log", {"exercise": lift, "weight": 60, "reps": 12, "sets": 3, "rpe": 7,
                                         "note": "left knee HURT at the bottom"})
    assert "Was that pain?" in field_names(logged)
    assert 'mentions "hurt"' in logged.response.text()
    assert button_labels(logged.original) == ["No pain", "Mild pain", "Sharp pain"]

    answered = await discord.click(logged, action_ids(logged.original)["pain-mark"])  # the last one: sharp
    assert answered.response.type == 7, "the answer replaces the question"
    assert "paused progression" in main_embed(logged.original)["description"]
    assert "progression paused since" in main_embed(await discord.slash("today"))["description"]


async def test_a_yes_on_the_screen_keeps_today_gentle_until_clearance(discord: Driver) -> None:
    control = discord.user(f"control-{discord.fake.new_id()}")
    lift, normal = await lead_lift_today(discord, control)
    await discord.slash("log", {"exercise": lift, "weight": 60, "reps": 12, "sets": 3, "rpe": 7}, user=control)
    normal = await discord.slash("today", user=control)

    goal = await discord.slash("goal", {"goal": "hypertrophy"})
    assert "Before you start: a short health check (optional)" in field_names(goal)
    await discord.slash("log", {"exercise": lift, "weight": 60, "reps": 12, "sets": 3, "rpe": 7})
    question = await discord.click(goal, by_label(goal.original)["Take the health check"])
    assert question.response.ephemeral and "Question 1 of 7" in main_embed(question)["description"]
    assert "not a doctor" in main_embed(question)["description"]
    for number in range(7):
        buttons = by_label(question.original)
        await discord.click(question, buttons["Yes"] if number == 1 else action_ids(question.original)["screen"])
    result = main_embed(question.original)["description"]
    assert "talk to a doctor or another qualified healthcare professional" in result
    assert "not a medical service" in result

    gentle = await discord.slash("today")
    assert "Gentle sessions (health check)" in main_embed(gentle)["description"]
    assert rir_of(gentle) >= 3 > rir_of(normal)
    assert load_of(gentle) is not None and load_of(gentle) <= 60 < load_of(normal), "no increase, novice band"

    cleared = await discord.click(gentle, action_ids(gentle.original)["screen-cleared"])
    assert "normal ranges again" in main_embed(cleared)["description"]
    after = await discord.slash("today")
    assert (rir_of(after), load_of(after)) == (rir_of(normal), load_of(normal))


async def test_declining_the_screen_is_remembered_and_screen_retakes_it(discord: Driver) -> None:
    goal = await discord.slash("goal", {"goal": "health"})
    declined = await discord.click(goal, action_ids(goal.original)["screen-decline"])
    assert "you can train without it" in main_embed(declined)["description"]
    again = await discord.slash("goal", {"goal": "strength"})
    assert "Before you start: a short health check (optional)" not in field_names(again), "asked once only"

    retake = await discord.slash("screen")
    assert retake.response.ephemeral
    assert "You chose not to take the check" in main_embed(retake)["description"]
    assert "Question 1 of 7" in main_embed(retake)["description"]


async def test_sharp_pain_reported_in_the_log_form_pauses_that_exercise(discord: Driver) -> None:
    lift, today = await lead_lift_today(discord)
    opened = await discord.click(today, action_ids(today.original)["log-open"])
    submitted = await discord.submit_modal(opened, None, {"sets": f"{lift}: 60 x 12, 12, 12", "pain": f"{lift}: sharp"})
    assert main_embed(submitted)["title"] == "Session done"
    assert "Stop: sharp pain" in field_names(submitted)
    assert f"{lift}: progression paused since" in main_embed(await discord.slash("today"))["description"]


async def test_twenty_concurrent_exports_send_one_file_and_nineteen_cooldowns(discord: Driver) -> None:
    await discord.slash("log", {"exercise": "Barbell bench press", "weight": 60.0, "reps": 5})
    records = [await discord.slash("export", wait=False) for _ in range(20)]
    await discord.fake.wait_until(lambda: all(r.response is not None for r in records), 10, "20 answers")
    sent = [r for r in records if r.response.files]
    refused = [r for r in records if not r.response.files]
    assert len(sent) == 1 and len(refused) == 19 and all(r.response.ephemeral for r in refused)
    assert all(re.search(r"Slow down a little: try again in \d+ s", main_embed(r)["description"]) for r in refused)
    document = next(f for f in sent[0].response.files if f.filename.endswith(".json"))
    assert '"note": null' in document.data.decode(), "the one log entry, exported once"


async def test_progress_is_limited_to_two_charts_per_thirty_seconds(discord: Driver) -> None:
    await discord.slash("progress")
    await discord.slash("progress")
    third = await discord.slash("progress")
    assert third.response.ephemeral and not third.response.files
    assert re.search(r"try again in ([1-9]|[12]\d|30) s", main_embed(third)["description"])
