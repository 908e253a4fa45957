"""The preparer keeps /today's plans ready: recent lifters at start-up, a lifter again after a
command that stored something, and never while a command runs."""

from __future__ import annotations

import asyncio
import inspect
import logging

from bot.app import Liftcoach
from bot.commands.base import Context
from bot.commands.planning import today
from bot.commands.prepared import PlanKey, PreparedPlans
from tests.helpers import ALICE, BOB, run


async def kept(app, caller=ALICE) -> bool:
    profile = await app.users.get(caller.user_id)
    context = Context(app, caller, profile, app.clock())
    prepared = app.prepared.get(caller.user_id, PlanKey(profile.created_at, profile.plan_revision, today(context)))
    return prepared is not None and None not in (prepared.plan, prepared.week, prepared.reply)


async def eventually(condition, timeout: float = 10.0) -> None:
    """Wait until `condition()` (a bool, or an awaitable of one) holds."""
    async with asyncio.timeout(timeout):
        while True:
            result = condition()
            if await result if inspect.isawaitable(result) else result:
                return
            await asyncio.sleep(0.01)


async def test_start_up_prepares_the_lifters_who_trained_lately(app, clock, caplog):
    await run(app, "goal", goal="strength")
    await run(app, "log", exercise="Barbell back squat", weight=100, reps=5)
    await run(app, "goal", goal="strength", caller=BOB)
    await run(app, "log", exercise="Barbell back squat", weight=100, reps=5, caller=BOB)
    clock.advance(days=15)
    await run(app, "log", exercise="Barbell back squat", weight=100, reps=5)
    app.prepared = PreparedPlans(app.prepared.capacity)  # a restart: nothing kept
    with caplog.at_level(logging.INFO, logger="bot.preparer"):
        app.preparer.start()
        await eventually(lambda: "prepared plans for" in caplog.text)
    assert "prepared plans for 1 lifters who trained in the last 14 days" in caplog.text
    assert await kept(app) and not await kept(app, BOB)


async def test_a_kept_plan_is_prepared_again_when_its_lifters_day_ends_and_never_during_a_command(app, clock):
    await run(app, "goal", goal="strength")
    await run(app, "settings", timezone="Pacific/Kiritimati")  # UTC+14: a new day comes at 10:00 UTC
    await run(app, "goal", goal="strength", caller=BOB)
    await run(app, "today")
    await run(app, "today", caller=BOB)
    assert await app.preparer.sweep() == 0  # both days go on
    clock.advance(hours=2)  # 11:00 UTC: Kiritimati's next day, still today in UTC
    assert not await kept(app) and await kept(app, BOB)
    with app.preparer.command():  # a command still running
        sweep = asyncio.ensure_future(app.preparer.sweep())
        await asyncio.sleep(0.5)
        assert not sweep.done() and not await kept(app)
    assert await sweep == 1
    assert await kept(app) and await kept(app, BOB)


async def test_no_kept_plans_means_no_preparer(settings, clock):
    app = await Liftcoach.start(settings.model_copy(update={"prepared_plans": 0}), clock=clock)
    try:
        await run(app, "goal", goal="strength")
        await run(app, "log", exercise="Barbell back squat", weight=100, reps=5)
        app.preparer.start()
        await run(app, "today")
        assert len(app.prepared) == 0 and await app.preparer.sweep() == 0
    finally:
        await app.close()


async def test_a_failed_start_up_leaves_the_preparer_preparing_and_the_app_closing(settings, clock, caplog):
    app = await Liftcoach.start(settings, clock=clock)
    await run(app, "goal", goal="strength")

    async def unreachable(since, limit):
        raise ConnectionError("the database went away")

    app.users.recently_trained = unreachable  # the one read of the start-up batch fails
    await run(app, "today")
    app.preparer.start()
    await eventually(lambda: "preparing the recent lifters' plans failed" in caplog.text)
    clock.advance(days=1)
    assert await app.preparer.sweep() == 1 and await kept(app)
    await app.close()  # raises nothing, closes the database
