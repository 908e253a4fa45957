"""Console mode: the same commands and reply models as Discord, in a terminal.

Type `/goal goal:hypertrophy days:3`, `/today`, then `/click 1` to press the first button
or `/select strength` to choose from a menu. Lines starting with `#` are comments, so a
script piped on standard input can explain itself.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from discord import app_commands

from bot.app import Liftcoach
from bot.commands.base import Caller, Interaction, Upload, count_argument
from bot.cooldowns import COOLDOWNS
from bot.replies import Outgoing, Reply, TextInput

_OPTION = re.compile(r'(\w+):(?:"([^"]*)"|(.*?))(?=\s+\w+:|\s*$)')
_MARKDOWN_BOLD = re.compile(r"\*\*(.+?)\*\*")
_DISCORD_TIMESTAMP = re.compile(r"<t:(\d+):[a-zA-Z]>")


def console_user_id(name: str) -> int:
    """A stable id per console user name; negative, so it can never collide with a Discord id."""
    return -int.from_bytes(hashlib.sha256(name.encode()).digest()[:6], "big") - 1


def parse_line(line: str, known: Iterable[str]) -> tuple[str, dict[str, str]] | None:
    """'/remind set days:mon,thu time:18:00' -> ('remind set', {'days': 'mon,thu', 'time': '18:00'})."""
    text = line.strip().removeprefix("/")
    words = text.split()
    if not words:
        return None
    names = set(known)
    name = words[0]
    if len(words) > 1 and f"{words[0]} {words[1]}" in names:
        name = f"{words[0]} {words[1]}"
    rest = text[len(name):].strip()
    options: dict[str, str] = {}
    position = 0
    for match in _OPTION.finditer(rest):
        if rest[position:match.start()].strip():
            return None
        options[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3).strip()
        position = match.end()
    if rest[position:].strip():
        return None
    return name, options


def _local_time(match: re.Match[str]) -> str:
    # Discord shows a timestamp in its reader's time zone; a terminal's reader is in the machine's (TZ).
    return datetime.fromtimestamp(int(match.group(1)), UTC).astimezone().strftime("%a %d %b %Y %H:%M %Z")


def _plain(text: str) -> str:
    """Discord markdown and timestamps as a terminal shows them."""
    text = _DISCORD_TIMESTAMP.sub(_local_time, _MARKDOWN_BOLD.sub(r"\1", text))
    return "\n".join(line.removeprefix("-# ") for line in text.splitlines())


def render(outgoing: Outgoing, charts_dir: Path) -> str:
    """The terminal form of a reply; attachments are written to `charts_dir`."""
    reply = outgoing.reply
    lines: list[str] = []
    for notice in outgoing.notices:
        lines += [_plain(notice), ""]
    if reply.title:
        lines += [f"== {_plain(reply.title)} ==" + ("  (only you can see this)" if reply.ephemeral else "")]
    if reply.body:
        lines.append(_plain(reply.body))
    for section in reply.sections:
        lines.append(f"* {_plain(section.name)}")
        lines += [f"    {line}" for line in _plain(section.value).splitlines()]
    for attachment in reply.attachments:
        charts_dir.mkdir(parents=True, exist_ok=True)
        path = charts_dir / attachment.filename
        path.write_bytes(attachment.data)
        lines.append(f"[file] {path}")
    if reply.buttons:
        lines.append("  ".join(f"[{n}] {b.label}" for n, b in enumerate(reply.buttons, start=1)) + "   (/click N)")
    if reply.menu is not None:
        choices = ", ".join(choice.value for choice in reply.menu.choices)
        lines.append(f"{reply.menu.placeholder}: {choices}   (/select VALUE)")
    lines += ["", f"-- {_plain(outgoing.disclaimer)}"]
    return "\n".join(lines)


@dataclass
class ConsoleSession:
    """One terminal conversation; remembers the last reply so its buttons can be pressed."""

    app: Liftcoach
    user_name: str
    output: TextIO = sys.stdout
    last_reply: Reply | None = None
    pending_form: list[str] = field(default_factory=list)
    # Per (user, command): discord.py's own cooldown buckets, so the console keeps Discord's limits.
    cooldowns: dict[tuple[int, str], app_commands.Cooldown] = field(default_factory=dict)

    @property
    def caller(self) -> Caller:
        return Caller(user_id=console_user_id(self.user_name), name=self.user_name, in_dm=True)

    async def handle(self, line: str, read_line=None) -> bool:
        """Run one line; returns False when the user asked to quit."""
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return True
        if stripped in {"/quit", "/exit", "quit", "exit"}:
            return False
        words = stripped.removeprefix("/").split(maxsplit=1)
        argument = words[1].strip() if len(words) > 1 else ""
        if words[0] == "user" and argument:
            self.user_name = argument
            self.last_reply = None
            self.output.write(f"(now acting as {argument})\n")
            return True
        if words[0] == "click":
            outgoing = await self._click(argument, read_line)
        elif words[0] == "select":
            outgoing = await self._select(argument)
        else:
            parsed = parse_line(stripped, self.app.commands)
            if parsed is None:
                outgoing = self.app.error_reply("errors.console_syntax")
            else:
                wait = self._cooldown(parsed[0])
                if wait:  # as discord.py's check: a wait of 0.0 s lets the command run
                    outgoing = self.app.error_reply("errors.cooldown", seconds=math.ceil(wait))
                else:
                    outgoing = await self._run(*parsed)
        self._show(outgoing)
        return True

    def _cooldown(self, command: str) -> float | None:
        """Seconds to wait before `command` may run again for this user (None or 0.0: it may run now)."""
        limit = COOLDOWNS.get(command)
        if limit is None:
            return None
        key = (self.caller.user_id, command)
        bucket = self.cooldowns.setdefault(key, app_commands.Cooldown(limit.rate, limit.per))
        return bucket.update_rate_limit(self.app.clock().timestamp())

    async def _run(self, name: str, options: dict[str, object]) -> Outgoing:
        """A command; an option the command takes as a file is given as a path and read here."""
        command = self.app.commands.get(name)
        for option, value in options.items():
            field_info = command.options.model_fields.get(option) if command else None
            if field_info is not None and field_info.annotation is Upload:
                path = Path(str(value)).expanduser()
                try:
                    options[option] = Upload(filename=path.name, data=path.read_bytes())
                except OSError:
                    return self.app.error_reply("errors.console_no_file", path=value)
        return await self.app.run(self.caller, name, options, progress=self._progress)

    async def _progress(self, outgoing: Outgoing) -> None:
        self.output.write(f"... {_plain(outgoing.reply.body)}\n")
        self.output.flush()

    async def _click(self, argument: str, read_line) -> Outgoing:
        buttons = self.last_reply.buttons if self.last_reply else ()
        number = count_argument(argument)
        if number is None or not 1 <= number <= len(buttons):
            if not buttons:
                return self.app.error_reply("errors.console_no_buttons")
            return self.app.error_reply("errors.console_no_button", count=len(buttons))
        outgoing = await self.app.interact(self.caller, buttons[number - 1].action, progress=self._progress)
        form = outgoing.reply.form
        if form is not None and read_line is not None:
            values = {}
            self.output.write(f"== {form.title} ==\n")
            for text_input in form.inputs:
                values[text_input.key] = self._ask(text_input, read_line)
            outgoing = await self.app.interact(self.caller, form.action, Interaction(form=values))
        return outgoing

    def _ask(self, text_input: TextInput, read_line) -> str:
        """One form field; a multi-line one is read until an empty line (none at all keeps the default)."""
        if not text_input.multiline:
            self.output.write(f"{text_input.label} [{text_input.default}]: ")
            self.output.flush()
            answer = (read_line() or "").strip()
            return answer or text_input.default
        self.output.write(f"{text_input.label}\n")
        self.output.write("".join(f"    {line}\n" for line in text_input.default.splitlines()))
        self.output.write(f"{self.app.prompts.text('console.multiline_help')}\n")
        self.output.flush()
        lines = []
        while (line := (read_line() or "").rstrip("\n")).strip():
            lines.append(line)
        return "\n".join(lines) or text_input.default

    async def _select(self, argument: str) -> Outgoing:
        menu = self.last_reply.menu if self.last_reply else None
        if menu is None:
            return self.app.error_reply("errors.console_no_menu")
        return await self.app.interact(self.caller, menu.action, Interaction(values=(argument,)))

    def _show(self, outgoing: Outgoing) -> None:
        if outgoing.reply.buttons or outgoing.reply.menu:
            self.last_reply = outgoing.reply
        self.output.write(render(outgoing, self.app.settings.charts_dir) + "\n\n")
        self.output.flush()


async def run_console(app: Liftcoach, user_name: str, stream: TextIO = sys.stdin, output: TextIO = sys.stdout) -> None:
    session = ConsoleSession(app, user_name, output)
    interactive = stream.isatty()
    if interactive:
        output.write("Liftcoach console. Try /help, /goal goal:strength days:3, /today. /quit to leave.\n\n")

    def read_line() -> str:
        if interactive:
            try:
                return input()
            except EOFError:
                return ""
        return stream.readline()

    while True:
        if interactive:
            try:
                line = input(f"{session.user_name}> ")
            except EOFError:
                break
        else:
            line = stream.readline()
            if not line:
                break
            if line.strip() and not line.lstrip().startswith("#"):
                output.write(f"> {line.strip()}\n")
        if not await session.handle(line, read_line):
            break
