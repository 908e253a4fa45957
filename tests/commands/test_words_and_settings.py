"""Issue 13, "Words" and "Settings": each case under its "Why" as a test, through the real app."""

from __future__ import annotations

from datetime import time

import pytest

from bot.config import REPO_PROMPTS_DIR
from bot.prompts import Prompts
from tests.helpers import ALICE, BOB, press, run, snapshot

PROMPTS = Prompts.load(REPO_PROMPTS_DIR)


# -- plurals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "text"), [(0, "0 weeks"), (1, "1 week"), (2, "2 weeks"), (1.5, "1.5 weeks")])
def test_plural_forms_come_from_babel_rules(count, text):
    assert PROMPTS.plural("count.weeks", count) == text


def test_every_counted_word_has_the_other_form_every_locale_needs():
    counted = {key.rsplit(".", 1)[0] for key in PROMPTS.templates if key.startswith("count.")}
    assert counted and all(f"{key}.other" in PROMPTS.templates for key in counted)


async def test_logging_one_entry_says_entry(app):
    """Why: "Logged 1 entries"."""
    await run(app, "goal", goal="strength", days=3)
    await run(app, "log", exercise="back squat", weight=100, reps=5)
    today = await run(app, "today")
    logged = await press(app, today, "buttons.log_form", sets="Back squat: 102.5 x 5\n")
    assert "Logged 1 entry for" in logged.reply.body
    assert "entries" not in logged.reply.body


# -- goal names and /compare -----------------------------------------------------------------------


async def test_goal_names_are_the_fields_terms_with_a_gloss_in_goal_and_compare(app):
    """Why: "hypertrophy" in /goal and "Muscle size" in /compare."""
    goal = await run(app, "goal", goal="hypertrophy")
    compared = await run(app, "compare", first="strength", second="hypertrophy")
    assert goal.reply.title.startswith("Hypertrophy (muscle size)")
    assert compared.reply.title == "Strength (maximal force) vs Hypertrophy (muscle size)"
    assert "Muscle size" not in str(compared.reply)


async def test_compare_refuses_a_goal_with_itself_and_changes_nothing(app):
    await run(app, "goal", goal="strength")
    before = await snapshot(app)
    refused = await run(app, "compare", first="health", second="health")
    assert refused.reply.tone == "error" and "two different goals" in refused.reply.body
    assert await snapshot(app) == before


@pytest.mark.parametrize(
    ("own", "options", "pair"),
    [
        (None, {"first": "hypertrophy"}, "Hypertrophy (muscle size) vs Strength (maximal force)"),
        (None, {"second": "strength"}, "Hypertrophy (muscle size) vs Strength (maximal force)"),
        ("hypertrophy", {"first": "hypertrophy"}, "Hypertrophy (muscle size) vs Strength (maximal force)"),
        ("endurance", {}, "Muscular endurance (reps under fatigue) vs Strength (maximal force)"),
        ("health", {"first": "endurance"}, "Muscular endurance (reps under fatigue) vs General health"),
    ],
)
async def test_compare_with_one_goal_given_never_compares_it_with_itself(app, own, options, pair):
    """Why: `/compare first:hypertrophy` compared Muscle size with itself."""
    if own:
        await run(app, "goal", goal=own)
    compared = await run(app, "compare", **options)
    assert compared.reply.title.startswith(pair)


async def test_every_explanation_fits_the_pair_it_explains(app):
    """Why: endurance vs health explained sets with muscle growth."""
    compared = await run(app, "compare", first="endurance", second="health")
    assert "growth" not in str(compared.reply).lower()
    with_hypertrophy = await run(app, "compare", first="hypertrophy", second="health")
    [sets] = [s for s in with_hypertrophy.reply.sections if s.name == "Sets"]
    assert "Why Hypertrophy: weekly volume is the main driver of muscle growth." in sets.value
    assert "Why General health:" in sets.value


# -- /settings and time zones ----------------------------------------------------------------------


async def test_an_empty_timezone_gets_a_proper_message(app):
    """Why: ``/settings timezone:`` gave "`` is not a time zone"."""
    refused = await run(app, "settings", timezone="")
    assert refused.reply.tone == "error"
    assert "``" not in refused.reply.body and "`timezone` is empty" in refused.reply.body


async def test_a_fixed_offset_zone_gets_a_note_suggesting_a_city_zone(app):
    """Why: `EST`, a fixed offset with no summer time, was accepted silently."""
    saved = await run(app, "settings", timezone="EST")
    assert "`EST` is an abbreviation or a fixed offset" in saved.reply.body
    assert "`America/New_York`" in saved.reply.body
    city = await run(app, "settings", timezone="America/New_York")
    assert "fixed offset" not in city.reply.body


@pytest.mark.parametrize("typed", ["localtime", "Factory", "FACTORY"])
async def test_zones_that_are_no_place_are_refused_and_change_nothing(app, typed):
    # `localtime` was saved: the server's own zone, which moves with the host; `Factory` is tzdata's "-00".
    await run(app, "help")
    before = await snapshot(app)
    for command, options in (("settings", {"units": "lb", "timezone": typed}), ("remind set", {"timezone": typed})):
        refused = await run(app, command, **options)
        assert refused.reply.tone == "error" and refused.reply.ephemeral
        assert f"`{typed}` is not a place" in refused.reply.body
    assert await snapshot(app) == before
    assert typed not in [value for _, value in await app.autocomplete(ALICE, "settings", "timezone", typed[:5])]


async def test_an_etc_gmt_zone_is_confirmed_with_its_real_offset_and_the_inverted_sign_explained(app):
    saved = await run(app, "settings", timezone="Etc/GMT+5")
    assert saved.reply.tone == "success"
    assert ("`Etc/GMT+5` is **UTC−05:00**: these names invert the sign (a POSIX rule). If you meant UTC+05:00, "
            "pick `Etc/GMT-5`.") in saved.reply.body
    reminded = await run(app, "remind set", timezone="etc/gmt-14")
    assert "`Etc/GMT-14` is **UTC+14:00**: these names invert the sign" in reminded.reply.body
    assert "If you meant" not in reminded.reply.body, "there is no Etc/GMT+14"
    for plain in ("Etc/GMT+0", "Etc/UTC", "Europe/Berlin"):
        assert "invert" not in (await run(app, "settings", timezone=plain)).reply.body


async def test_an_abbreviation_that_is_no_zone_suggests_the_city_zones_it_may_mean(app):
    refused = await run(app, "settings", timezone="ist")
    assert refused.reply.tone == "error"
    assert "`Asia/Kolkata`, `Europe/Dublin`, `Asia/Jerusalem`" in refused.reply.body
    assert (await app.autocomplete(ALICE, "settings", "timezone", "pst"))[0] == (
        "America/Los_Angeles", "America/Los_Angeles")


async def test_timezone_autocomplete_offers_city_zones_from_what_is_typed(app):
    assert (await app.autocomplete(ALICE, "settings", "timezone", "new york"))[0] == (
        "America/New_York", "America/New_York")
    assert "EST" not in [value for _, value in await app.autocomplete(ALICE, "settings", "timezone", "es")]


async def test_choices_are_case_insensitive(app):
    """Why: console mode refused `goal:STRENGTH`."""
    saved = await run(app, "goal", goal="STRENGTH", experience="Novice", equipment="GYM")
    assert saved.reply.tone == "success"
    assert (await app.users.get(ALICE.user_id)).goal == "strength"


# -- /remind set keeps what was not given; reminders follow /settings ---------------------------------


async def test_remind_set_changes_only_the_options_given(app):
    """Why: `/remind set days:tue` reset the time; `time:7pm` reset the days."""
    await run(app, "goal", goal="strength", days=3)
    await run(app, "remind set", days="mon thu", time="06:30")
    await run(app, "remind set", days="tue")
    assert (await app.reminders.get(ALICE.user_id)).local_time == time(6, 30)
    await run(app, "remind set", time="7pm")
    settings = await app.reminders.get(ALICE.user_id)
    assert (settings.days, settings.local_time) == ((1,), time(19, 0))


async def test_first_reminders_default_to_the_plans_training_days(app):
    """The README's default: the plan's days (3 a week: Monday, Wednesday, Friday) at 18:00."""
    await run(app, "goal", goal="strength", days=3)
    saved = await run(app, "remind set")
    assert "Saved. I will DM you on Monday, Wednesday, and Friday at 18:00" in saved.reply.body


@pytest.mark.parametrize(("typed", "wall"), [("18:00", time(18)), ("6pm", time(18)), ("6:30 pm", time(18, 30)),
                                             ("1830", time(18, 30))])
async def test_reminder_times_accept_what_people_type(app, typed, wall):
    await run(app, "remind set", time=typed)
    assert (await app.reminders.get(ALICE.user_id)).local_time == wall


async def test_changing_the_time_zone_moves_reminders_and_says_so(app, clock):
    """Why: after `/settings timezone:Europe/Berlin` a reminder set for 18:00 still fired at 18:00 UTC."""
    await run(app, "remind set", days="mon", time="18:00")
    utc_due = (await app.reminders.get(ALICE.user_id)).next_due_utc
    moved = await run(app, "settings", timezone="Europe/Berlin")
    settings = await app.reminders.get(ALICE.user_id)
    assert settings.timezone == "Europe/Berlin"
    assert (settings.next_due_utc - utc_due).total_seconds() == -3600  # 18:00 Berlin is 17:00 UTC in winter
    assert "Your reminders follow the new time zone: still at 18:00 Europe/Berlin" in moved.reply.body


async def test_remind_set_timezone_sets_the_one_time_zone(app):
    await run(app, "remind set", timezone="Asia/Tokyo")
    assert (await app.users.get(ALICE.user_id)).timezone == "Asia/Tokyo"
    assert (await app.reminders.get(ALICE.user_id)).timezone == "Asia/Tokyo"


# -- /forget ---------------------------------------------------------------------------------------


async def test_forget_from_a_stranger_stores_nothing(app):
    """Why: `/forget` from a user who never used Liftcoach created a user row."""
    before = await snapshot(app)
    reply = await run(app, "forget", caller=BOB)
    assert "stores nothing about you" in reply.reply.body and not reply.reply.buttons
    assert await snapshot(app) == before
