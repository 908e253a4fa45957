"""/remind set|off|status, and the dispatcher that sends reminder DMs through Discord."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

import aiohttp
import discord
from discord.ext import commands

from bot.app import Liftcoach
from bot.commands.reminders import reminder_message
from bot.embeds import message_kwargs
from bot.proxy import retry_proxy_429
from bot.reminders import UNDELIVERABLE_ERROR_CODES, Delivery, Pacer, ReminderDispatcher
from bot.store.reminders import DueReminder
from bot.store.users import UserProfile

log = logging.getLogger(__name__)

UNKNOWN_CHANNEL = 10003


class DiscordReminderSender:
    """Turns a due reminder into one DM: rendered by the app, sent with a nonce Discord de-duplicates."""

    def __init__(self, client: discord.Client, app: Liftcoach, pacer: Pacer) -> None:
        self.client = client
        self.app = app
        self.pacer = pacer
        # The profiles of the batch being sent, read at once by `prepare`; each is used by one DM.
        self._profiles: dict[int, UserProfile] = {}

    async def prepare(self, batch: Sequence[DueReminder]) -> None:
        """Reads the batch's profiles in one statement instead of one per DM (the dispatcher's `prepare`)."""
        self._profiles = {}  # a failed read leaves no profile of an earlier batch behind
        self._profiles = await self.app.reminders.profiles([reminder.user_id for reminder in batch])

    async def _open_channel(self, user_id: int) -> int:
        channel = await retry_proxy_429(lambda: self.client.create_dm(discord.Object(user_id)))
        async with self.app.db.transaction():
            await self.app.reminders.set_dm_channel(user_id, channel.id, self.app.clock())
        return channel.id

    async def __call__(self, reminder: DueReminder) -> Delivery:
        try:
            channel_id = reminder.dm_channel_id
            if channel_id is None:
                # Opening the channel uses the request slot the dispatcher paced; the send is a
                # second request and waits for its own slot.
                channel_id = await self._open_channel(reminder.user_id)
                await self.pacer.wait()
            outgoing = await self.app.compose(reminder.user_id, lambda ctx: reminder_message(ctx, reminder),
                                              profile=self._profiles.pop(reminder.user_id, None))
            channel = self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)
            # A retry after a proxy's 429 reuses the nonce, so Discord still shows one DM.
            await retry_proxy_429(lambda: channel.send(nonce=reminder.nonce, **message_kwargs(outgoing)))
        except discord.HTTPException as error:
            if error.code in UNDELIVERABLE_ERROR_CODES:
                log.info("DMs closed for user %s (code %s); pausing reminders", reminder.user_id, error.code)
                return Delivery.UNDELIVERABLE
            if error.code == UNKNOWN_CHANNEL:
                await self.app.reminders.clear_dm_channel(reminder.user_id, self.app.clock())
            log.warning("reminder DM to user %s failed (%s %s); will retry", reminder.user_id, error.status, error.code)
            return Delivery.RETRY
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            log.warning("reminder DM to user %s failed (%r); will retry", reminder.user_id, error)
            return Delivery.RETRY
        return Delivery.SENT


class RemindersCog(commands.Cog):
    """Runs the reminder dispatcher; `/remind` itself is generated like every other command."""

    def __init__(self, client: discord.Client, app: Liftcoach, *, send_reminders: bool) -> None:
        self.app = app
        self.send_reminders = send_reminders
        settings = app.settings
        pacer = Pacer(settings.reminder_rate_per_second, app.clock, asyncio.sleep)
        sender = DiscordReminderSender(client, app, pacer)
        self.dispatcher = ReminderDispatcher(
            app.reminders,
            sender,
            clock=app.clock,
            pacer=pacer,
            prepare=sender.prepare,
            grace=settings.reminder_grace,
            claim_lease=settings.reminder_claim_lease,
            sends_in_flight=settings.reminder_sends_in_flight,
            poll_interval=timedelta(seconds=settings.reminder_poll_seconds),
        )
        self.stop = asyncio.Event()
        self.task: asyncio.Task | None = None

    async def cog_load(self) -> None:
        # REST is ready once logged in; reminders need no gateway events, so no wait for on_ready.
        if self.send_reminders:
            self.task = asyncio.create_task(self.dispatcher.run_forever(self.stop), name="reminder-dispatcher")

    async def cog_unload(self) -> None:
        self.stop.set()
        if self.task is not None:
            await self.task
