"""Prepares lifters' plans for /today while no command is running (`bot.commands.prepared`).

A plan costs /today most of its CPU (each lift's progression, the safety guard, the streak): at
50 concurrent commands on one event loop, a /today that computes it answers ~3x later than
/help. Prepared while the bot is idle, it costs /today what /help costs. The preparer never
competes with a command for the loop: it starts a plan only once no command has run for a
quarter of a second, so a burst of commands pays nothing for it.

What it prepares: at start-up, the lifters who trained in the last `RECENT_TRAINING` (most
recent first, at most the kept plans' capacity); then, every `SWEEP_SECONDS`, each kept plan
whose lifter's local day has ended, so the morning's /today finds the new day's plan. Not after
each write: a lifter logging a session stores a dozen sets, and the plan they next ask for is
usually tomorrow's; a /today after a change computes its plan once and keeps it.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.commands.base import Caller, Context
from bot.commands.core import today
from bot.commands.options import NoOptions

if TYPE_CHECKING:
    from bot.app import Liftcoach

log = logging.getLogger(__name__)

# Whose plans are prepared at start-up: lifters with a set logged this recently.
RECENT_TRAINING = timedelta(days=14)
# How long no command may have run before a plan is started: commands often come in bursts
# (a server's session starting together), with moments between them when none is running.
QUIET_SECONDS = 0.25
# How often kept plans are checked for a lifter's new local day.
SWEEP_SECONDS = 15 * 60


class Preparer:
    """Plans prepared one lifter at a time, each started only once no command has run for `QUIET_SECONDS`."""

    def __init__(self, app: Liftcoach) -> None:
        self.app = app
        self._commands = 0
        self._started = 0  # commands started so far
        self._quiet_at = -1  # `_started` when the bot was last seen quiet
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task | None = None

    @contextmanager
    def command(self) -> Iterator[None]:
        """Mark a command as running: no plan is started until every running command is done."""
        self._commands += 1
        self._started += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._commands -= 1
            if self._commands == 0:
                self._idle.set()

    def start(self) -> None:
        """Prepare the recent lifters' plans, then each new day's, until `stop`."""
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
            # The lifters' own /today computes their plans; the preparer goes on with its sweeps.
            log.exception("preparing the recent lifters' plans failed")
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            await self.sweep()

    async def sweep(self) -> int:
        """Prepare again each kept plan whose lifter's local day has ended; returns how many were."""
        prepared = 0
        for user_id, kept in self.app.prepared.items():
            if kept.key.day != self.app.clock().astimezone(ZoneInfo(kept.zone)).date():
                prepared += await self._prepare_when_idle(user_id)
        if prepared:
            _keep_out_of_collections()
        return prepared

    async def _prepare_recent(self) -> None:
        started = time.perf_counter()
        since = self.app.clock() - RECENT_TRAINING
        recent = await self.app.users.recently_trained(since, self.app.prepared.capacity)
        prepared = 0
        for user_id in recent:
            prepared += await self._prepare_when_idle(user_id)
        log.info("prepared plans for %d lifters who trained in the last %d days in %.1f s",
                 prepared, RECENT_TRAINING.days, time.perf_counter() - started)
        _keep_out_of_collections()

    async def _until_quiet(self) -> None:
        """Until no command has run for `QUIET_SECONDS` (at once if none started since last time)."""
        while True:
            await self._idle.wait()
            started = self._started
            if started == self._quiet_at:
                return
            await asyncio.sleep(QUIET_SECONDS)
            if self._idle.is_set() and self._started == started:
                self._quiet_at = started
                return

    async def _prepare_when_idle(self, user_id: int) -> bool:
        await self._until_quiet()
        try:
            return await self.prepare(user_id)
        except Exception:
            # A plan that fails here fails the lifter's own /today too, which reports it with an error id.
            log.exception("preparing the plan of user %s failed", user_id)
            return False

    async def prepare(self, user_id: int) -> bool:
        """Compute and keep this lifter's /today for now (plan, week, reply); False if they have no goal (no plan)."""
        app = self.app
        profile = await app.users.get(user_id)
        if profile is None or profile.goal is None:
            return False
        context = Context(app, Caller(user_id, in_dm=True), profile, app.clock(), preparing=True)
        await today(context, NoOptions())  # keeps the plan, the week and the reply
        return True


def _keep_out_of_collections() -> None:
    """Leave the objects alive now (the kept plans among them, ~28 each) out of every later garbage
    collection (`gc.freeze`). They live until the plan is replaced, and are then freed by reference
    counting (plans hold no reference cycles); a full collection otherwise walks them all, a
    68 ms pause with 1,000 kept plans that lands in whichever command triggers it."""
    gc.collect()
    gc.freeze()
