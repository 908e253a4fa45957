"""The transport-neutral application: services plus one entry point per kind of input.

Discord cogs and the console both call `run` (a slash command), `interact` (a button,
menu or form) and `autocomplete`. Every reply leaves through `_outgoing`, the one place
that attaches the disclaimer, so no reply — errors included — can miss it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import TypeVar

from pydantic import ValidationError

from bot import metrics
from bot.coach.catalogue import Catalogue, load_catalogue
from bot.coach.loading import Loading, load_loading
from bot.coach.planner import Planner
from bot.coach.rules import RuleBook, load_rulebook
from bot.coach.safety import load_conservative_limits
from bot.commands import register_all
from bot.commands.base import (
    ActionHandler,
    Caller,
    Command,
    Context,
    Interaction,
    Progress,
    clock_from,
    parse_action_id,
    utc_now,
)
from bot.commands.options import explain
from bot.commands.prepared import PreparedPlans
from bot.config import Settings
from bot.errors import UserError
from bot.imports.names import NameResolver, load_aliases
from bot.preparer import Preparer
from bot.prompts import Prompts
from bot.replies import Button, ButtonStyle, Outgoing, Reply, Tone
from bot.reply_limits import AUTOCOMPLETE_CHOICES_LIMIT, CHOICE_TEXT_LIMIT, shorten
from bot.store.custom_exercises import CustomExercises
from bot.store.database import Database
from bot.store.equipment import EquipmentStore
from bot.store.imports import ImportStore
from bot.store.personal_data import PersonalData
from bot.store.reminders import ReminderStore
from bot.store.safety import SafetyStore
from bot.store.swaps import ExerciseSwaps
from bot.store.training_log import TrainingLog
from bot.store.users import UserProfile, UserStore

T = TypeVar("T")
log = logging.getLogger(__name__)

# How much lower chart workers run than the bot (Linux nice: 10 weighs 1/10 of a default process).
CHART_WORKER_NICENESS = 10
# Characters of a user's input quoted back in an error message.
QUOTED_VALUE_LIMIT = 100
# Characters of an undelivered reply repeated when telling the user its change was stored.
STORED_SUMMARY_LIMIT = 1500


def chart_pool(workers: int) -> ProcessPoolExecutor | None:
    """The process pool that renders attachments (`Attachment.render` must be picklable), or None for 0 workers.

    Workers come from a fork server that has imported matplotlib once: forking the bot itself
    would copy its event loop and database threads, and spawning afresh costs ~1 s per worker.
    Processes start on the first chart, not here (`warm_up` starts them early).
    """
    if workers == 0:
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bot.charts"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_chart_worker_setup,
                               initargs=(os.getpid(),))


def _chart_worker_setup(bot_pid: int) -> None:
    """In a chart worker: yield the CPU to the bot, and exit once the bot's process is gone.

    A chart is already acknowledged ("thinking…") when it is drawn, while every other command has
    Discord's 3 s to meet: at a lower priority (`CHART_WORKER_NICENESS`) drawing takes the CPU the
    event loop leaves, instead of sharing a core with it half and half. Exiting with the bot, even
    if it was killed (SIGKILL, OOM), matters because a pool worker would otherwise wait forever on
    its task queue, and keep the fork server alive too.
    """
    os.nice(CHART_WORKER_NICENESS)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(bot_pid, 0)
            except ProcessLookupError:
                os._exit(0)

    threading.Thread(target=watch, name="exit-with-bot", daemon=True).start()


def _ready() -> bool:
    return True


class Liftcoach:
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        prompts: Prompts,
        rules: RuleBook,
        catalogue: Catalogue,
        loading: Loading | None = None,
        clock: Callable[[], datetime] = utc_now,
        renderer: ProcessPoolExecutor | None = None,
    ) -> None:
        self.settings = settings
        self.renderer = renderer
        self.db = db
        self.prompts = prompts
        self.rules = rules
        self.catalogue = catalogue
        self.loading = loading or load_loading()
        self.clock = clock
        self.users = UserStore(db)
        self.log = TrainingLog(db)
        self.reminders = ReminderStore(db)
        self.custom_exercises = CustomExercises(db)
        self.personal_data = PersonalData(db)
        self.safety = SafetyStore(db)
        self.swaps = ExerciseSwaps(db)
        self.imports = ImportStore(db)
        self.names = NameResolver(catalogue, load_aliases(catalogue))
        self.equipment = EquipmentStore(db)
        self.planner = Planner(rules, catalogue, self.loading.assistance)
        self.conservative_limits = load_conservative_limits()
        self.prepared = PreparedPlans(settings.prepared_plans)
        self.preparer = Preparer(self)
        self.commands: dict[str, Command] = {}
        self.actions: dict[str, ActionHandler] = {}
        # Run inside every command's unit of work; each may return a notice for the user and
        # should write only when something changed.
        self.command_hooks: list[Callable[[Context], Awaitable[str | None]]] = []
        register_all(self)

    @classmethod
    async def start(cls, settings: Settings, *, clock: Callable[[], datetime] | None = None) -> Liftcoach:
        """Load and validate every data file, open the database and bring it up to date."""
        prompts = Prompts.load(settings.prompts_dir)
        rules = load_rulebook()
        catalogue = load_catalogue()
        loading = load_loading()
        db = await Database.open(settings.database_url, pool_size=settings.database_pool_size)
        try:
            await db.check_integrity()
            await db.migrate()
        except BaseException:
            await db.close()
            raise
        clock = clock or clock_from(settings.clock_start)
        return cls(
            settings=settings, db=db, prompts=prompts, rules=rules, catalogue=catalogue, loading=loading, clock=clock,
            renderer=chart_pool(settings.chart_workers),
        )

    async def warm_up(self) -> None:
        """Start the chart workers now, so the first /progress does not pay for it (well inside Discord's 3 s),
        and the preparer of /today's plans (`bot.preparer`)."""
        if self.renderer is not None:
            await self._in_chart_worker(_ready)
            log.info("chart workers ready")
        self.preparer.start()

    async def close(self) -> None:
        await self.preparer.stop()
        if self.renderer is not None:
            # Off the loop: shutdown joins the worker processes.
            await asyncio.to_thread(self.renderer.shutdown, wait=True, cancel_futures=True)
            self.renderer = None
        await self.db.close()

    def add_command(self, command: Command) -> None:
        if command.name in self.commands:
            raise ValueError(f"two commands named {command.name!r}")
        self.commands[command.name] = command

    def add_action(self, name: str, handler: ActionHandler) -> None:
        if name in self.actions or ":" in name:
            raise ValueError(f"bad or duplicate action {name!r}")
        self.actions[name] = handler

    # -- entry points -------------------------------------------------------------------

    async def run(
        self,
        caller: Caller,
        name: str,
        options: Mapping[str, object],
        progress: Progress | None = None,
        *,
        before_render: Callable[[Reply], Awaitable[None]] | None = None,
    ) -> Outgoing:
        """A slash command by name ("goal", "remind set") with raw option values.

        `progress` receives a line of text now and then while a long command (an import) works.
        `before_render(reply)` runs when the reply carries an attachment still to be drawn, before
        drawing it: the Discord adapter acknowledges the interaction there, since a chart can take
        longer than Discord's 3 s when many are asked for at once.
        """
        started = time.perf_counter()
        with self.preparer.command():
            outgoing = await self._run(caller, name, options, progress, before_render)
        self._observe("command", name if name in self.commands else "unknown", outgoing, started)
        return outgoing

    async def interact(
        self, caller: Caller, custom_id: str, interaction: Interaction | None = None, progress: Progress | None = None
    ) -> Outgoing:
        """A button press, menu choice or form submission carrying one of our action ids."""
        started = time.perf_counter()
        with self.preparer.command():
            outgoing = await self._interact(caller, custom_id, interaction, progress)
        parsed = parse_action_id(custom_id)
        name = parsed[0] if parsed is not None and parsed[0] in self.actions else "unknown"
        self._observe("action", name, outgoing, started)
        return outgoing

    @staticmethod
    def _observe(kind: str, name: str, outgoing: Outgoing, started: float) -> None:
        rejected = outgoing.reply.tone is Tone.ERROR
        metrics.observe_command(kind, name, rejected=rejected, seconds=time.perf_counter() - started)

    async def _run(
        self,
        caller: Caller,
        name: str,
        options: Mapping[str, object],
        progress: Progress | None,
        before_render: Callable[[Reply], Awaitable[None]] | None,
    ) -> Outgoing:
        command = self.commands.get(name)
        if command is None:
            group = [f"`/{known}`" for known in self.commands if known.startswith(f"{name} ")]
            if group:  # "/remind" alone: Discord never sends it, the console can
                return self._failure(caller, UserError("errors.command_group", command=name,
                                                       choices=self.prompts.listing(group, alternatives=True)))
            return self._failure(caller, UserError("errors.unknown_command", command=name))
        supplied = {key: value for key, value in options.items() if value is not None}
        try:
            parsed = command.options.model_validate(supplied)
        except ValidationError as error:
            return self._failure(caller, explain(name, command.options, error))
        return await self._guarded(
            caller,
            lambda ctx: command.handler(ctx, parsed),
            progress,
            before_render=before_render,
            register=command.registers_caller,
        )

    async def _interact(
        self, caller: Caller, custom_id: str, interaction: Interaction | None, progress: Progress | None
    ) -> Outgoing:
        parsed = parse_action_id(custom_id)
        if parsed is None or parsed[0] not in self.actions:
            return self._failure(caller, UserError("errors.stale_button"))
        name, owner, argument = parsed
        if owner != caller.user_id:
            return self._failure(caller, UserError("errors.not_your_button"))
        handler = self.actions[name]
        return await self._guarded(caller, lambda ctx: handler(ctx, argument, interaction or Interaction()), progress)

    async def autocomplete(self, caller: Caller, name: str, option: str, typed: str) -> list[tuple[str, str]]:
        """Up to 25 (label, value) suggestions of 1-100 characters each (Discord's limits); never raises,
        since Discord gives 3 s and no retry."""
        command = self.commands.get(name)
        completer = command.completers.get(option) if command else None
        if completer is None:
            return []
        try:
            profile = await self.users.get(caller.user_id)
            context = Context(self, caller, profile or _guest(caller.user_id, self.clock()), self.clock())
            suggestions = await completer(context, typed)
            fitting = [(label, value) for label, value in suggestions
                       if 1 <= len(label) <= CHOICE_TEXT_LIMIT and 1 <= len(value) <= CHOICE_TEXT_LIMIT]
            return fitting[:AUTOCOMPLETE_CHOICES_LIMIT]
        except Exception:
            log.exception("autocomplete %s.%s failed", name, option)
            return []

    def progress_reply(self, text: str) -> Outgoing:
        """A line saying how far a long command got, shown in place until its answer replaces it."""
        return self._outgoing(Reply(body=text, ephemeral=True), notices=())

    def error_reply(self, key: str = "errors.unexpected", **values: object) -> Outgoing:
        """For failures found outside `run` (e.g. by Discord's own option checks)."""
        return self._outgoing(self._error(UserError(key, **values)), notices=())

    # -- the one path every reply takes -----------------------------------------------------

    async def _guarded(
        self,
        caller: Caller,
        call: Callable[[Context], Awaitable[Reply]],
        progress: Progress | None = None,
        *,
        before_render: Callable[[Reply], Awaitable[None]] | None = None,
        register: bool = True,
    ) -> Outgoing:
        now = self.clock()
        try:
            # One unit of work per command (see bot.store.database): a command that only reads
            # opens no write transaction; its writes, first-contact bookkeeping included, are one
            # transaction that a UserError rolls back, so bad input changes nothing.
            # On PostgreSQL its write transaction locks the caller's row first (the plan-revision
            # triggers lock it after other rows), so two commands of one user cannot deadlock.
            async with self.db.unit_of_work(lock_first=self.users.row_lock(caller.user_id)):
                profile = await self.users.ensure(caller.user_id, now) if register else await self.users.get(caller.user_id)
                context = Context(self, caller, profile or _guest(caller.user_id, now), now, progress)
                # Someone not stored gets no first-contact notice or hooks: they would store them.
                notices = await self._notices(context) if profile else ()
                before = self.db.changes()
                reply = await call(context)
                # Built inside the transaction: a reply Discord would refuse raises here, so
                # the write rolls back instead of being stored behind an error message.
                outgoing = self._outgoing(reply, notices, stored=self.db.changes() > before)
            if before_render is not None and any(a.render is not None for a in outgoing.reply.attachments):
                await before_render(outgoing.reply)
            outgoing = await self._render_attachments(outgoing)
        except UserError as error:
            return self._failure(caller, error)
        except Exception as error:
            return self._unexpected(caller, error)
        return outgoing

    async def _render_attachments(self, outgoing: Outgoing) -> Outgoing:
        reply = outgoing.reply
        if all(attachment.render is None for attachment in reply.attachments):
            return outgoing
        rendered = []
        for attachment in reply.attachments:
            if attachment.render is not None:
                # In another process: drawing holds the GIL for 0.4-0.9 s, which in a thread would stall
                # every other command.
                data = await self._in_chart_worker(attachment.render)
                attachment = attachment.model_copy(update={"data": data, "render": None})
            rendered.append(attachment)
        return outgoing.model_copy(update={"reply": reply.model_copy(update={"attachments": tuple(rendered)})})

    async def _in_chart_worker(self, function: Callable[[], T]) -> T:
        """`function()` in the chart pool (in a thread when there is none).

        Submitting may start a worker, and the first one waits, in the thread that submits, for the
        fork server to import matplotlib (0.7 s on an idle machine, seconds on a busy one; a second
        submit waits for the first): on the event loop, every command arriving meanwhile, such as
        those queued while the bot restarted, would miss Discord's 3 s.
        """
        if self.renderer is None:
            return await asyncio.to_thread(function)
        return await asyncio.wrap_future(await asyncio.to_thread(self.renderer.submit, function))

    def _failure(self, caller: Caller, error: UserError) -> Outgoing:
        try:
            return self._outgoing(self._error(error), notices=())
        except Exception as unexpected:
            return self._unexpected(caller, unexpected)

    def _unexpected(self, caller: Caller, error: Exception) -> Outgoing:
        metrics.count_database_error(error)
        error_id = uuid.uuid4().hex[:8]
        log.exception("unexpected error %s for user %s", error_id, caller.user_id)
        return self._outgoing(self._error(UserError("errors.unexpected", error_id=error_id)), notices=())

    async def _notices(self, context: Context) -> tuple[str, ...]:
        notices: list[str] = []
        if not context.profile.safety_notice_seen:
            await self.users.mark_safety_notice_seen(context.caller.user_id)
            notices.append(self.prompts.safety_notice)
        for hook in self.command_hooks:
            notice = await hook(context)
            if notice:
                notices.append(notice)
        return tuple(notices)

    async def compose(
        self, user_id: int, build: Callable[[Context], Awaitable[Reply]], *, profile: UserProfile | None = None
    ) -> Outgoing:
        """A message the bot sends on its own (a reminder DM), through the same disclaimer path.

        `profile`: the user's profile when the caller already read it (a batch of reminders reads
        all of theirs in one statement); otherwise it is read here."""
        now = self.clock()
        profile = profile or await self.users.get(user_id) or _guest(user_id, now)
        reply = await build(Context(self, Caller(user_id, in_dm=True), profile, now))
        return await self._render_attachments(self._outgoing(reply, notices=()))

    def _error(self, error: UserError) -> Reply:
        # What the user typed is quoted back shortened, so a 5,000-character option still fits.
        values = {key: shorten(value, QUOTED_VALUE_LIMIT) if isinstance(value, str) else value
                  for key, value in error.values.items()}
        return Reply(
            title=self.prompts.text("errors.title"),
            body=self.prompts.text(error.key, **values),
            tone=Tone.ERROR,
            ephemeral=True,
        )

    def _outgoing(self, reply: Reply, notices: tuple[str, ...], *, stored: bool = False) -> Outgoing:
        return Outgoing(reply=reply, disclaimer=self.prompts.disclaimer, notices=notices, stored=stored)

    def stored_but_not_shown(self, outgoing: Outgoing) -> Outgoing:
        """For a transport that could not deliver `outgoing` after its change was stored: says so,
        with what the reply said, so the user does not repeat a write that happened."""
        summary = "\n".join(part for part in (outgoing.reply.title, outgoing.reply.body) if part)
        return self._outgoing(
            Reply(
                title=self.prompts.text("errors.stored_title"),
                body=self.prompts.text("errors.stored_not_shown", summary=shorten(summary, STORED_SUMMARY_LIMIT)),
                tone=Tone.WARNING,
                ephemeral=True,
            ),
            notices=(),
        )

    def form_too_late(self, outgoing: Outgoing, action: str) -> Outgoing:
        """For a transport that acknowledged a click before its form was ready (Discord opens a form
        only as an interaction's first answer): a button carrying the clicked `action` again, whose
        click gets the form as its first answer."""
        label = self.prompts.text("errors.form_late_button")
        return self._outgoing(
            Reply(body=self.prompts.text("errors.form_late", button=label),
                  buttons=(Button(label=label, action=action, style=ButtonStyle.PRIMARY),),
                  tone=Tone.WARNING, ephemeral=True),
            notices=outgoing.notices,
        )


def _guest(user_id: int, now: datetime) -> UserProfile:
    """Defaults for someone not yet stored (autocomplete never writes)."""
    from bot.coach.vocabulary import Equipment, Experience, Unit

    stamp = now.isoformat()
    return UserProfile(user_id, None, Experience.NOVICE, 3, Equipment.GYM, Unit.KG, "UTC", 0, False, stamp, stamp)
