"""A kept /today plan (bot.commands.prepared) is always the plan a fresh computation gives:
after this process's writes, another process's writes, a new local day, and inside a command
that wrote before planning."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app import Liftcoach
from bot.commands.base import Caller, Context
from bot.commands.planning import todays_plan
from bot.commands.prepared import PlanKey, PreparedPlans
from tests.helpers import ALICE, BOB, action_of, run


@pytest.fixture
async def other_process(settings, clock):
    """A second app on the same database that keeps no plans: what every plan is checked against,
    and a writer the first app's kept plans know nothing about."""
    other = await Liftcoach.start(settings.model_copy(update={"prepared_plans": 0}), clock=clock)
    yield other
    await other.close()


async def plan_of(app: Liftcoach, caller: Caller = ALICE):
    profile = await app.users.get(caller.user_id)
    return await todays_plan(Context(app, caller, profile, app.clock()))


async def test_today_from_a_kept_plan_matches_a_fresh_one_through_writes_here_elsewhere_and_new_days(
        app, other_process, clock):
    async def same_today(step: str) -> None:
        kept = (await run(app, "today")).reply
        assert (await run(app, "today")).reply == kept, step  # the second from the kept plan
        assert kept == (await run(other_process, "today")).reply, step

    await run(app, "goal", goal="strength", days=3)
    await same_today("goal")
    await run(app, "log", exercise="Barbell back squat", weight=100, reps=5, sets=3)
    await same_today("a set logged here")
    await run(other_process, "log", exercise="Barbell back squat", weight=110, reps=5, sets=3, pain="mild")
    await same_today("a set with pain logged by another process")
    await run(other_process, "equipment", bar=15, plate_pair=1)
    await same_today("equipment changed by another process")
    await run(other_process, "settings", units="lb")
    await same_today("units changed by another process")
    clock.advance(days=8)
    await same_today("a week later, with no change in the database")
    await run(other_process, "settings", timezone="Pacific/Kiritimati")
    await same_today("a time zone where it is already tomorrow")
    await run(other_process, "undo")
    await same_today("undone elsewhere")


async def test_a_plan_is_kept_and_shared_until_its_revision_or_day_moves(app, clock):
    await run(app, "goal", goal="strength")
    first = await plan_of(app)
    assert await plan_of(app) is first
    await run(app, "log", exercise="Barbell back squat", weight=100, reps=5)
    moved = await plan_of(app)
    assert moved is not first
    clock.advance(days=1)
    assert await plan_of(app) is not moved


async def test_todays_reply_is_kept_with_its_plan_and_built_again_when_the_plan_moves(app, clock):
    await run(app, "goal", goal="strength")
    first = (await run(app, "today")).reply
    assert (await run(app, "today")).reply is first
    await run(app, "log", exercise="Barbell back squat", weight=100, reps=5)
    moved = (await run(app, "today")).reply
    assert moved is not first and (await run(app, "today")).reply is moved
    clock.advance(days=1)
    assert (await run(app, "today")).reply is not moved


async def test_a_command_that_wrote_what_the_plan_reads_neither_uses_nor_keeps_a_plan(app):
    """Its profile's revision predates its own writes: a kept plan would miss them."""
    await run(app, "goal", goal="strength")
    kept = await plan_of(app)
    async with app.db.unit_of_work():
        await app.swaps.set(ALICE.user_id, "barbell-back-squat", "barbell-front-squat", app.clock())
        profile = await app.users.get(ALICE.user_id)
        stale = Context(app, ALICE, profile, app.clock())
        inside = await todays_plan(stale)
    assert inside is not kept
    assert "barbell-front-squat" in {planned.exercise.key for planned in inside.session.exercises}
    after = await plan_of(app)
    assert after is not inside and after.session == inside.session


def test_kept_plans_are_the_most_recently_used_up_to_capacity():
    plans = PreparedPlans(capacity=2)
    key = PlanKey(registered="2026-11-30T09:00:00+00:00", revision=1, day=date(2026, 11, 30))
    for user_id in (1, 2):
        plans.slot(user_id, key, "UTC")
    plans.get(1, key)  # used: user 2 is now the least recent
    plans.slot(3, key, "UTC")
    assert plans.get(1, key) is not None and plans.get(2, key) is None and plans.get(3, key) is not None
    newer = PlanKey(registered=key.registered, revision=2, day=key.day)
    assert plans.get(1, newer) is None
    assert plans.slot(1, newer, "UTC") is not None and plans.get(1, key) is None
    assert plans.slot(1, key, "UTC") is None, "a command with an older profile pushed out the newer plan"
    assert plans.get(1, newer) is not None
    plans.forget(1)
    assert plans.get(1, newer) is None and len(plans) == 1
    assert PreparedPlans(capacity=0).slot(1, key, "UTC") is None


async def test_lifters_never_share_a_kept_plan(app):
    await run(app, "goal", goal="strength")
    await run(app, "goal", goal="hypertrophy", caller=BOB)
    await run(app, "log", exercise="Barbell back squat", weight=100, reps=5)
    alice, bob = await plan_of(app), await plan_of(app, BOB)
    assert alice is not bob and alice.session != bob.session


async def test_a_command_that_wrote_only_what_no_plan_reads_uses_the_kept_plan(app):
    """A lifter's first command from a DM stores the DM channel (bookkeeping): the plan is still the plan."""
    await run(app, "goal", goal="strength")
    kept = await plan_of(app)
    async with app.db.unit_of_work():
        await app.reminders.note_command(ALICE.user_id, 555, app.clock())
    assert await app.reminders.get_dm_channel(ALICE.user_id) == 555
    profile = await app.users.get(ALICE.user_id)
    assert await todays_plan(Context(app, ALICE, profile, app.clock())) is kept


async def test_forget_drops_the_kept_plan_from_memory(app):
    await run(app, "goal", goal="strength")
    await run(app, "log", exercise="Barbell back squat", weight=100, reps=5, pain="sharp")
    await run(app, "today")
    assert len(app.prepared) == 1
    forgotten = await app.interact(ALICE, action_of(await run(app, "forget"), "forget"))
    assert forgotten.reply.tone.value == "success"
    assert len(app.prepared) == 0


async def test_a_lifter_who_forgot_everything_and_came_back_gets_no_plan_of_their_former_data(app, clock):
    await run(app, "goal", goal="strength")
    former = await plan_of(app)
    revision = (await app.users.get(ALICE.user_id)).plan_revision
    await app.users.delete(ALICE.user_id)
    clock.advance(seconds=1)
    await run(app, "goal", goal="hypertrophy")
    assert (await app.users.get(ALICE.user_id)).plan_revision == revision  # revisions start again
    again = await plan_of(app)
    assert again is not former and again.session != former.session


async def test_a_log_answered_from_the_kept_plan_says_what_a_fresh_one_says(app, other_process, clock):
    """/log answers a set against today's prescription; with a kept plan it reads none of it again."""
    await run(app, "goal", goal="strength")
    for day in range(3):
        await run(app, "log", exercise="Barbell back squat", weight=100 + 5 * day, reps=5, sets=3)
        clock.advance(days=2)
    await run(app, "today")  # kept
    from_kept = await run(app, "log", exercise="Barbell back squat", weight=115, reps=5)
    await run(app, "undo")
    fresh = await run(other_process, "log", exercise="Barbell back squat", weight=115, reps=5)
    assert "Rest" in from_kept.reply.body or "rest" in from_kept.reply.body  # answered as a planned lift
    assert from_kept.reply == fresh.reply


async def test_a_log_without_a_kept_plan_keeps_no_empty_entry(app):
    """/log only looks for a kept plan: an empty entry would push another lifter's plan out."""
    await run(app, "goal", goal="strength")
    app.prepared.forget(ALICE.user_id)
    logged = await run(app, "log", exercise="Barbell back squat", weight=100, reps=5)
    assert logged.reply.tone.value == "success"
    assert len(app.prepared) == 0
