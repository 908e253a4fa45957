"""Prepares lifters' plans for /today while no command is running (`bot.commands.prepared`).

A plan costs /today most of its CPU (each lift's progression, the safety guard, the streak): at
50 concurrent commands on one event loop, a /today that computes it answers ~3x later than
/help. Prepared while the bot is idle, it costs /today what /help costs. The preparer never
competes with a command for the loop: it starts a plan only when no command is running, so
a burst of commands pays nothing for it.

What it prepares: at start-up, the lifters who trained in the last `RECENT_TRAINING` (most
recent first, at most the kept plans' capacity); afterwards, each lifter whose command stored
something (their plan's revision moved). A plan for a new local day is computed by the first
/today of that day.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.commands.base import Caller, Context
from bot.commands.planning import todays_plan, week_adherence

if TYPE_CHECKING:
    from bot.app import Liftcoach

log = logging.getLogger(__name__)

# Whose plans are prepared at start-up: lifters with a set logged this recently.
RECENT_TRAINING = timedelta(days=14)


class Preparer:
    """Plans prepared one lifter at a time, each started only while no command runs."""

    def __init__(self, app: Liftcoach) -> None:
        self.app = app
        self._commands = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._wanted: dict[int, None] = {}  # insertion-ordered set of user ids
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    @contextmanager
    def command(self) -> Iterator[None]:
        """Mark a command as running: no plan is started until every running command is done."""
        self._commands += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._commands -= 1
            if self._commands == 0:
                self._idle.set()

    def want(self, user_id: int) -> None:
        """Prepare this lifter's plan when the bot is next idle (nothing if the preparer is not running)."""
        if self._task is not None and self.app.prepared.capacity:
            self._wanted[user_id] = None
            self._wake.set()

    def start(self) -> None:
        """Prepare the recent lifters' plans, then each wanted one, until `stop`."""
        if self._task is None and self.app.prepared.capacity:
            self._task = asyncio.create_task(self._run(), name="plan-preparer")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        try:
            await self._prepare_recent()
        except Exception:
            # The lifters' own /today computes their plans; the preparer goes on with the wanted ones.
            log.exception("preparing the recent lifters' plans failed")
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._wanted:
                user_id = next(iter(self._wanted))
                del self._wanted[user_id]
                await self._prepare_when_idle(user_id)

    async def _prepare_recent(self) -> None:
        started = time.perf_counter()
        since = self.app.clock() - RECENT_TRAINING
        recent = await self.app.users.recently_trained(since, self.app.prepared.capacity)
        prepared = 0
        for user_id in recent:
            prepared += await self._prepare_when_idle(user_id)
        log.info("prepared plans for %d lifters who trained in the last %d days in %.1f s",
                 prepared, RECENT_TRAINING.days, time.perf_counter() - started)

    async def _prepare_when_idle(self, user_id: int) -> bool:
        await self._idle.wait()
        try:
            return await self.prepare(user_id)
        except Exception:
            # A plan that fails here fails the lifter's own /today too, which reports it with an error id.
            log.exception("preparing the plan of user %s failed", user_id)
            return False

    async def prepare(self, user_id: int) -> bool:
        """Compute and keep this lifter's plan and week for now; False if they have no goal (no plan)."""
        app = self.app
        profile = await app.users.get(user_id)
        if profile is None or profile.goal is None:
            return False
        context = Context(app, Caller(user_id, in_dm=True), profile, app.clock(), preparing=True)
        await todays_plan(context)
        await week_adherence(context)
        return True
