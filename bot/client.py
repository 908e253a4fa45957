"""The Discord adapter: the bot, its command tree with one error path, and persistent components."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.app import Liftcoach
from bot.commands.base import ACTION_PREFIX, Caller, Interaction, Progress
from bot.embeds import build_modal_payload, message_kwargs
from bot.proxy import proxy_retry_after, retry_proxy_429
from bot.replies import Outgoing

log = logging.getLogger(__name__)

ACTION_PATTERN = rf"(?P<custom_id>{ACTION_PREFIX}:[a-z-]+:-?\d+:[^\s]*)"


def point_at(api_base: str, gateway_url: str) -> None:
    """Send REST to `api_base` (Discord, or an HTTP rate-limit proxy) and, in tests, the gateway elsewhere."""
    discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def caller_of(interaction: discord.Interaction) -> Caller:
    in_dm = interaction.guild_id is None
    return Caller(
        user_id=interaction.user.id,
        name=interaction.user.display_name,
        in_dm=in_dm,
        dm_channel_id=interaction.channel_id if interaction.context.dm_channel else None,
    )


async def respond(interaction: discord.Interaction, outgoing: Outgoing) -> None:
    """Answer an interaction with a rendered reply: modal, in-place update, message or follow-up."""
    await retry_proxy_429(lambda: _respond(interaction, outgoing))


async def _respond(interaction: discord.Interaction, outgoing: Outgoing) -> None:
    reply = outgoing.reply
    if reply.form is not None and not interaction.response.is_done():
        action, title, inputs = build_modal_payload(outgoing)
        await interaction.response.send_modal(ActionModal(action, title, inputs))
        return
    if reply.form is not None:
        # Deferred before the form was ready: offer the click again instead of an empty message.
        app: Liftcoach = interaction.client.app
        outgoing = app.form_too_late(outgoing, interaction.data["custom_id"])
        reply = outgoing.reply
    kwargs = message_kwargs(outgoing)
    deferred = interaction.response.type in DEFERRED
    if reply.update_source and interaction.message is not None and not interaction.response.is_done():
        kwargs["attachments"] = kwargs.pop("files", [])
        kwargs.setdefault("view", None)
        await interaction.response.edit_message(**kwargs)
    elif not interaction.response.is_done():
        await interaction.response.send_message(ephemeral=reply.ephemeral, **kwargs)
    elif deferred and (reply.update_source or interaction.message is None):
        # A deferred answer replaces the "thinking" (or progress) message, or the clicked one.
        kwargs["attachments"] = kwargs.pop("files", [])
        kwargs.setdefault("view", None)
        await interaction.edit_original_response(content=None, **kwargs)
    else:
        await interaction.followup.send(ephemeral=reply.ephemeral, **kwargs)


# What a send can fail with once the change behind it is stored: Discord refused it (4xx after
# discord.py's own retries of 429 and 5xx), or the network gave up.
DELIVERY_FAILURES = (discord.HTTPException, TimeoutError, aiohttp.ClientError)


async def deliver(interaction: discord.Interaction, outgoing: Outgoing) -> None:
    """`respond`, and if a reply whose change was stored cannot be delivered, tell the user it was
    stored (never "nothing was changed"), so that a retry does not store it twice."""
    try:
        await respond(interaction, outgoing)
    except DELIVERY_FAILURES as error:
        if not outgoing.stored:
            raise
        app: Liftcoach = interaction.client.app
        log.error("reply to interaction %s not delivered after its change was stored: %r", interaction.id, error)
        notice = app.stored_but_not_shown(outgoing)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(ephemeral=True, **message_kwargs(notice))
            else:
                await interaction.response.send_message(ephemeral=True, **message_kwargs(notice))
        except DELIVERY_FAILURES:
            log.warning("could not tell the user of interaction %s that their change was stored", interaction.id)


DEFERRED = (discord.InteractionResponseType.deferred_channel_message,
            discord.InteractionResponseType.deferred_message_update)
# Discord drops an interaction not answered within 3 s; slower work is deferred first.
DEFER_AFTER_SECONDS = 2.0
LATE_START_SECONDS = 1.5
PROGRESS_EVERY_SECONDS = 1.0


def progress_message(interaction: discord.Interaction) -> Progress:
    """Shows a long command's progress by editing its deferred response, at most once a second."""
    last = 0.0

    async def show(outgoing: Outgoing) -> None:
        nonlocal last
        if interaction.response.type not in DEFERRED or time.monotonic() - last < PROGRESS_EVERY_SECONDS:
            return
        last = time.monotonic()
        try:
            await interaction.edit_original_response(**message_kwargs(outgoing))
        except discord.HTTPException:
            log.warning("could not show progress for interaction %s", interaction.id)

    return show


class Acknowledgement:
    """An interaction's one deferral, whoever asks first: the deadline watchdog or a reply with a chart to draw."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self.interaction = interaction
        self._asked = False

    async def defer(self, *, ephemeral: bool) -> None:
        """"Liftcoach is thinking…" (on a click: the clicked message waits); nothing if already answered."""
        if self._asked or self.interaction.response.is_done():
            return
        self._asked = True  # before the await: the other asker must not send a second deferral
        await self.interaction.response.defer(ephemeral=ephemeral, thinking=self.interaction.message is None)


async def answer_in_time(
    interaction: discord.Interaction, work: asyncio.Future[Outgoing], acknowledgement: Acknowledgement | None = None
) -> None:
    """Deliver `work`'s reply; if it is not ready 2 s after Discord created the interaction, defer
    first so Discord keeps waiting (it drops an interaction not answered within 3 s).

    The 2 s count from the interaction's own timestamp, not from when this process got to it: a
    busy event loop may start a command late. At most `LATE_START_SECONDS` of that lateness is
    believed, so a host clock running ahead of Discord's defers only slow replies, not every one.
    A deferral is ephemeral, since the reply's own visibility is not known yet: under such load a
    public answer shows to its user alone rather than an error reply showing to everyone.
    """
    late = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    wait = DEFER_AFTER_SECONDS - min(max(0.0, late), LATE_START_SECONDS)
    done, _ = await asyncio.wait({work}, timeout=wait)
    if not done:
        try:
            await (acknowledgement or Acknowledgement(interaction)).defer(ephemeral=True)
        except DELIVERY_FAILURES as error:
            # Delivering may still work (or tell the user their change was stored).
            log.warning("could not defer interaction %s before its deadline: %r", interaction.id, error)
    await deliver(interaction, await work)


class ActionItem(discord.ui.DynamicItem[discord.ui.Item], template=ACTION_PATTERN):
    """Every Liftcoach button and menu; the custom id carries the action, so it survives restarts.

    One class for both kinds: discord.py keeps one handler per template, so a second class with
    the same template would take over the other's clicks.
    """

    def __init__(self, item: discord.ui.Button | discord.ui.Select) -> None:
        super().__init__(item)
        self.action = item.custom_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> ActionItem:
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        app: Liftcoach = interaction.client.app
        values = tuple(interaction.data.get("values", ()))
        try:
            work = asyncio.ensure_future(app.interact(caller_of(interaction), self.action, Interaction(values=values),
                                                      progress_message(interaction)))
            await answer_in_time(interaction, work)
        except Exception as error:
            # discord.py would only log it, and the user would see "This interaction failed".
            await report_unexpected(interaction, error)


class ActionModal(discord.ui.Modal):
    """A form; `LiftcoachBot.on_interaction` answers its submission from the custom id alone, like the
    buttons, so a form opened before a restart or left open for a long time still works."""

    def __init__(self, action: str, title: str, inputs: list[discord.ui.TextInput]) -> None:
        super().__init__(title=title, custom_id=action, timeout=None)
        for text_input in inputs:
            self.add_item(text_input)
        # Stopped before it is sent, so discord.py keeps no in-memory copy that would be lost on restart.
        self.stop()


def submitted_form(components: list[dict]) -> dict[str, str]:
    """Text-input values of a modal submission by custom id (inside action rows or labels)."""
    form: dict[str, str] = {}
    for component in components:
        if component.get("type") == discord.ComponentType.action_row.value:
            form.update(submitted_form(component.get("components", [])))
        elif component.get("type") == discord.ComponentType.label.value:
            form.update(submitted_form([component["component"]]))
        elif component.get("type") == discord.ComponentType.text_input.value:
            form[component["custom_id"]] = component.get("value", "")
    return form


async def report_unexpected(interaction: discord.Interaction, error: BaseException) -> None:
    app: Liftcoach = interaction.client.app
    error_id = uuid.uuid4().hex[:8]
    log.error("unexpected error %s in interaction %s", error_id, interaction.id, exc_info=error)
    await _send_error(interaction, app.error_reply("errors.unexpected", error_id=error_id))


async def _send_error(interaction: discord.Interaction, outgoing: Outgoing) -> None:
    try:
        await respond(interaction, outgoing)
    except discord.HTTPException:
        # The interaction expired or was answered elsewhere; nothing more can reach the user.
        log.warning("could not deliver an error reply for interaction %s", interaction.id)


class LiftcoachTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """The one error path for slash commands: known problems get a friendly private reply."""
        app: Liftcoach = interaction.client.app
        if isinstance(error, app_commands.TransformerError):
            outgoing = app.error_reply("errors.invalid_value", value=error.value)
        elif isinstance(error, app_commands.CommandOnCooldown):
            outgoing = app.error_reply("errors.cooldown", seconds=math.ceil(error.retry_after))
        elif isinstance(error, app_commands.CheckFailure):
            outgoing = app.error_reply("errors.not_allowed")
        else:
            original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
            await report_unexpected(interaction, original)
            return
        await _send_error(interaction, outgoing)


class LiftcoachBot(commands.AutoShardedBot):
    """Runs the shards `SHARD_IDS` of `SHARD_COUNT` (all of them, as many as Discord recommends, by default)."""

    def __init__(self, app: Liftcoach, *, sync_only: bool = False) -> None:
        # Liftcoach never joins a voice channel: no warning at every start about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True  # slash commands need no privileged intents
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=LiftcoachTree,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
            help_command=None,
            # Nothing the bot sends pings anyone, whatever a user typed into a note or an exercise name.
            allowed_mentions=discord.AllowedMentions.none(),
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
            shard_count=app.settings.shard_count,
            shard_ids=app.settings.shard_ids,
        )
        self.app = app
        # `sync` is a short log-in: no reminder dispatcher, no heartbeat.
        self.sync_only = sync_only
        # SQLite has one reminder dispatcher per database (PostgreSQL's claims let every process
        # dispatch): there, only the process that runs shard 0 sends reminders.
        settings = app.settings
        runs_shard_0 = settings.shard_ids is None or 0 in settings.shard_ids
        self.send_reminders = not sync_only and (app.db.backend != "sqlite" or runs_shard_0)
        if not sync_only and not self.send_reminders:
            log.info("reminders are sent by the process that runs shard 0 (one dispatcher per SQLite database)")
        self._warm_up: asyncio.Task | None = None
        point_at(app.settings.discord_api_base, app.settings.discord_gateway_url)

    async def setup_hook(self) -> None:
        from bot.cogs import load_cogs

        self.add_dynamic_items(ActionItem)
        await load_cogs(self)
        if self.app.settings.health_file is not None and not self.sync_only:
            # Held on the bot: asyncio keeps only weak references to running tasks.
            self._health_task = asyncio.create_task(self._write_heartbeats(self.app.settings.health_file), name="heartbeat")

    async def start_with_retries(self) -> None:
        """`start`, with log-in and the gateway lookup retried after a rate-limit proxy's own 429."""
        await self.login_with_retries()
        await retry_proxy_429(self.connect)

    async def login_with_retries(self) -> None:
        """`login`, retried after a rate-limit proxy's own 429.

        Each log-in attempt opens a new HTTP session in discord.py; a failed one is closed here so
        it is not leaked. Closing it also closes its connector, so the next attempt gets a new one.
        """
        token = self.app.settings.token

        async def attempt() -> None:
            try:
                await self.login(token)
            except (discord.HTTPException, discord.GatewayNotFound) as error:
                if proxy_retry_after(error) is not None:
                    await self.http.close()
                    self.http.connector = aiohttp.TCPConnector(limit=0)
                raise

        await retry_proxy_429(attempt)

    def gateway_status(self) -> dict[int, bool]:
        """Shard id -> connected, for the shards this process runs (empty before the first connection)."""
        return {shard_id: not shard.is_closed() for shard_id, shard in self.shards.items()}

    async def _write_heartbeats(self, path: Path) -> None:
        """Rewrite `path` every HEALTH_INTERVAL_SECONDS for `python -m bot health` (see bot/health.py)."""
        while not self.is_closed():
            try:
                write_heartbeat(path, self.gateway_status(), datetime.now(UTC))
            except OSError as error:
                log.warning("cannot write the health file %s: %s", path, error)
            await asyncio.sleep(self.app.settings.health_interval_seconds)

    async def sync_commands(self, guild_id: int | None) -> None:
        """Register the slash commands (on request only, never on every boot)."""
        await self.login_with_retries()
        guild = None if guild_id is None else discord.Object(guild_id)
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await retry_proxy_429(lambda: self.tree.sync(guild=guild))
        print(f"synced {len(synced)} commands " + (f"to guild {guild_id}" if guild_id else "globally"))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Form submissions (see `ActionModal`); slash commands and components are dispatched by discord.py."""
        custom_id = (interaction.data or {}).get("custom_id", "")
        if interaction.type is not discord.InteractionType.modal_submit or not re.fullmatch(ACTION_PATTERN, custom_id):
            return
        try:
            form = submitted_form(interaction.data.get("components", []))
            outgoing = await self.app.interact(caller_of(interaction), custom_id, Interaction(form=form))
            await deliver(interaction, outgoing)
        except Exception as error:
            await report_unexpected(interaction, error)

    async def on_ready(self) -> None:
        log.info("connected as %s (%s), shards %s of %s", self.user, self.user.id if self.user else "?",
                 sorted(self.shards), self.shard_count)
        if self._warm_up is None:
            # After READY, so starting the chart workers never slows the login.
            self._warm_up = asyncio.create_task(self.app.warm_up(), name="chart-warm-up")


def write_heartbeat(path: Path, shards: dict[int, bool], now: datetime) -> None:
    """Atomically replace `path` with `{"written_at": ISO 8601 UTC, "shards": {"0": true, ...}}`."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps({"written_at": now.isoformat(), "shards": {str(k): v for k, v in shards.items()}}))
    os.replace(temporary, path)
