"""Reply models: what a command answers, independent of Discord or the terminal.

Handlers build a `Reply`. Only `Outgoing` (a reply with the disclaimer attached) can be
rendered, and only `bot.app.Liftcoach` makes `Outgoing` objects — so no reply can miss it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.reply_limits import check


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class ButtonStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Section(_Frozen):
    name: str
    value: str
    inline: bool = False


class Button(_Frozen):
    label: str
    action: str
    style: ButtonStyle = ButtonStyle.SECONDARY


class Choice(_Frozen):
    label: str
    value: str
    description: str | None = None


class Menu(_Frozen):
    action: str
    placeholder: str
    choices: tuple[Choice, ...]


class TextInput(_Frozen):
    key: str
    label: str
    default: str = ""
    placeholder: str = ""
    multiline: bool = False
    required: bool = True
    max_length: int = 4000


class Form(_Frozen):
    """A form to fill in (a modal in Discord, prompts in the console)."""

    action: str
    title: str
    inputs: tuple[TextInput, ...]


class Attachment(_Frozen):
    """A file. A handler may leave `data` empty and give `render` instead: slow work (drawing a
    chart) then runs after the command's transaction, in the app's chart process pool, without
    holding up others. `render` must therefore pickle: a module-level function over plain data
    (`functools.partial` of one is fine)."""

    filename: str
    data: bytes = Field(default=b"", repr=False)
    render: Callable[[], bytes] | None = Field(default=None, repr=False, exclude=True)
    description: str = ""


class Reply(_Frozen):
    title: str | None = None
    body: str = ""
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    menu: Menu | None = None
    attachments: tuple[Attachment, ...] = ()
    form: Form | None = None
    tone: Tone = Tone.INFO
    ephemeral: bool = False
    # For a button or menu: replace the message it sits on instead of answering below it.
    update_source: bool = False


class Outgoing(_Frozen):
    """A reply ready to show: the disclaimer is always there; the safety notice on first contact.

    Building one checks the rendered shape against Discord's limits and raises
    `bot.reply_limits.UndeliverableReply` when Discord would refuse it.
    """

    reply: Reply
    disclaimer: str
    notices: tuple[str, ...] = ()
    # The command stored a change: if this reply cannot be delivered, the user must hear that.
    stored: bool = False

    @model_validator(mode="after")
    def _deliverable(self) -> Outgoing:
        check(self)
        return self
