"""Command handlers: each module lists its COMMANDS and ACTIONS; `register_all` wires them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands import core, edits, history, imports, privacy, progress, reminders, safety, training

if TYPE_CHECKING:
    from bot.app import Liftcoach

MODULES = (core, training, history, progress, edits, imports, reminders, privacy, safety)


def register_all(app: Liftcoach) -> None:
    for module in MODULES:
        for command in getattr(module, "COMMANDS", ()):
            app.add_command(command)
        for name, handler in module.ACTIONS.items():
            app.add_action(name, handler)
        app.command_hooks.extend(getattr(module, "COMMAND_HOOKS", ()))
