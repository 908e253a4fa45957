"""What command handlers are given and what they declare: callers, contexts, commands, actions."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from bot.replies import Outgoing, Reply
from bot.store.users import UserProfile

if TYPE_CHECKING:
    from bot.app import Liftcoach

ACTION_PREFIX = "lc"


def utc_now() -> datetime:
    return datetime.now(UTC)


def clock_from(start: datetime | None) -> Callable[[], datetime]:
    """The real clock, or one that starts at `start` and runs on in real time."""
    if start is None:
        return utc_now
    offset = start - utc_now()
    return lambda: utc_now() + offset


@dataclass(frozen=True)
class Caller:
    """Who is asking, as the transport knows them."""

    user_id: int
    name: str = ""
    in_dm: bool = False
    dm_channel_id: int | None = None


# Shows how far a long command got: a progress reply (with the disclaimer, like every reply).
Progress = Callable[["Outgoing"], Awaitable[None]]


class Upload(BaseModel):
    """A file the user gave a command: an attachment on Discord, a path in the console."""

    model_config = ConfigDict(frozen=True)

    filename: str = Field(min_length=1, max_length=260)
    data: bytes = Field(repr=False)


@dataclass
class Context:
    app: Liftcoach
    caller: Caller
    profile: UserProfile
    now: datetime
    # Where a long command reports how far it got (a message edited in place on Discord).
    progress: Progress | None = None
    # True when the preparer computes a plan ahead (bot.preparer), for the plan metric.
    preparing: bool = False

    def text(self, key: str, **values: object) -> str:
        return self.app.prompts.text(key, **values)

    def plural(self, key: str, count: float, **values: object) -> str:
        """`key`'s form for `count` by the locale's plural rules ("1 week", "2 weeks")."""
        return self.app.prompts.plural(key, count, **values)

    def listing(self, items: Sequence[str]) -> str:
        """Items joined as the locale writes a list ("Monday and Wednesday")."""
        return self.app.prompts.listing(items)

    async def report(self, key: str, **values: object) -> None:
        if self.progress is not None:
            await self.progress(self.app.progress_reply(self.text(key, **values)))

    def action(self, name: str, argument: str = "") -> str:
        return action_id(name, self.caller.user_id, argument)


Handler = Callable[[Context, Any], Awaitable[Reply]]
ActionHandler = Callable[[Context, str, "Interaction"], Awaitable[Reply]]
Completer = Callable[[Context, str], Awaitable[list[tuple[str, str]]]]


@dataclass(frozen=True)
class Command:
    name: str
    options: type[BaseModel]
    handler: Handler
    completers: Mapping[str, Completer] = field(default_factory=dict)
    # False for commands that must not store a first-time caller (/forget from a stranger).
    registers_caller: bool = True


@dataclass(frozen=True)
class Interaction:
    """What came with a button press, menu choice or form submission."""

    values: Sequence[str] = ()
    form: Mapping[str, str] = field(default_factory=dict)


def action_id(name: str, owner: int, argument: str = "") -> str:
    """`lc:<action>:<owner>:<argument>`; the owner makes a button useless to anyone else."""
    return f"{ACTION_PREFIX}:{name}:{owner}:{argument}"


def parse_action_id(custom_id: str) -> tuple[str, int, str] | None:
    parts = custom_id.split(":", 3)
    if len(parts) != 4 or parts[0] != ACTION_PREFIX or not re.fullmatch(r"-?[0-9]{1,20}", parts[2]):
        return None
    return parts[1], int(parts[2]), parts[3]


def count_argument(argument: str) -> int | None:
    """A button's count (a rotation index, a page): 0 to 999,999,999 in ASCII digits, else None.
    Anything else did not come from one of our buttons ('²' is a digit to str.isdigit, not to int)."""
    return int(argument) if re.fullmatch(r"[0-9]{1,9}", argument) else None


def id_argument(argument: str) -> int | None:
    """A button's row id: 1 to 18 ASCII digits (inside the databases' 64-bit integers), else None."""
    return int(argument) if re.fullmatch(r"[0-9]{1,18}", argument) else None
