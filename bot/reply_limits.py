"""Discord's documented limits, checked on the final shape of every reply before it is committed.

A reply Discord would reject (400, code 50035) is a bug: `Outgoing` runs `breaches` when it is
built, inside the command's transaction, so an undeliverable reply rolls the write back instead of
storing something the user is told did not happen. The shape checked is the one `bot.embeds`
renders: one embed per notice, then the reply's embed with the disclaimer as its footer; buttons
five to a row, a menu in a row of its own; a form as a modal.

Sources: discord-api-docs `resources/message.mdx` (content, embed limits), `components/reference.mdx`
(buttons, selects, custom ids, text inputs), `interactions/receiving-and-responding.mdx` (modals);
summarised in /work/shared/reference/discord-platform.md section 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.replies import Form, Menu, Outgoing

CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
ACTION_ROWS_LIMIT = 5
BUTTONS_PER_ROW = 5
BUTTON_LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
SELECT_OPTIONS_LIMIT = 25
SELECT_OPTION_TEXT_LIMIT = 100
SELECT_PLACEHOLDER_LIMIT = 150
MODAL_TITLE_LIMIT = 45
MODAL_INPUTS_LIMIT = 5
TEXT_INPUT_LABEL_LIMIT = 45
TEXT_INPUT_PLACEHOLDER_LIMIT = 100
TEXT_INPUT_VALUE_LIMIT = 4000
ATTACHMENT_DESCRIPTION_LIMIT = 1024
ATTACHMENTS_LIMIT = 10  # files per message
AUTOCOMPLETE_CHOICES_LIMIT = 25
CHOICE_TEXT_LIMIT = 100


class UndeliverableReply(Exception):
    """A reply Discord would refuse; `breaches` names each broken limit. Always a bug in a command."""

    def __init__(self, breaches: list[str]) -> None:
        super().__init__("; ".join(breaches))
        self.breaches = breaches


def _length(what: str, text: str | None, limit: int, *, required: bool = False) -> list[str]:
    size = len(text or "")
    if required and size == 0:
        return [f"{what} is empty"]
    if size > limit:
        return [f"{what} is {size} characters (limit {limit})"]
    return []


def _custom_id(what: str, custom_id: str) -> list[str]:
    return _length(f"{what} custom id", custom_id, CUSTOM_ID_LIMIT, required=True)


def breaches(outgoing: Outgoing) -> list[str]:
    """Every limit the rendered reply breaks (empty when Discord would accept it)."""
    reply = outgoing.reply
    if reply.form is not None:
        return _form_breaches(reply.form)
    found: list[str] = []
    notices = [notice for notice in outgoing.notices]
    if len(notices) + 1 > EMBEDS_PER_MESSAGE:
        found.append(f"{len(notices) + 1} embeds (limit {EMBEDS_PER_MESSAGE})")
    for index, notice in enumerate(notices):
        found += _length(f"notice {index}", notice, DESCRIPTION_LIMIT, required=True)
    found += _length("title", reply.title, TITLE_LIMIT)
    found += _length("body", reply.body, DESCRIPTION_LIMIT)
    found += _length("disclaimer", outgoing.disclaimer, FOOTER_LIMIT, required=True)
    if not (reply.title or reply.body or reply.sections):
        found.append("the reply has no title, body or sections")
    if len(reply.sections) > FIELD_COUNT_LIMIT:
        found.append(f"{len(reply.sections)} sections (limit {FIELD_COUNT_LIMIT})")
    for index, section in enumerate(reply.sections):
        found += _length(f"section {index} name", section.name, FIELD_NAME_LIMIT, required=True)
        found += _length(f"section {index} value", section.value, FIELD_VALUE_LIMIT, required=True)
    total = sum(map(len, notices)) + len(reply.title or "") + len(reply.body) + len(outgoing.disclaimer)
    total += sum(len(section.name) + len(section.value) for section in reply.sections)
    if total > EMBED_TOTAL_LIMIT:
        found.append(f"embeds hold {total} characters (limit {EMBED_TOTAL_LIMIT})")
    found += _component_breaches(reply.buttons, reply.menu)
    if len(reply.attachments) > ATTACHMENTS_LIMIT:
        found.append(f"{len(reply.attachments)} attachments (limit {ATTACHMENTS_LIMIT})")
    for index, attachment in enumerate(reply.attachments):
        found += _length(f"attachment {index} filename", attachment.filename, 255, required=True)
        found += _length(f"attachment {index} description", attachment.description, ATTACHMENT_DESCRIPTION_LIMIT)
    if len({attachment.filename for attachment in reply.attachments}) != len(reply.attachments):
        found.append("two attachments share a filename")
    return found


def _component_breaches(buttons: Iterable, menu: Menu | None) -> list[str]:
    buttons = list(buttons)
    found: list[str] = []
    rows = -(-len(buttons) // BUTTONS_PER_ROW) + (1 if menu is not None else 0)
    if rows > ACTION_ROWS_LIMIT:
        found.append(f"{rows} rows of components (limit {ACTION_ROWS_LIMIT})")
    ids = [button.action for button in buttons] + ([menu.action] if menu is not None else [])
    if len(ids) != len(set(ids)):
        found.append("two components share a custom id")
    for index, button in enumerate(buttons):
        found += _length(f"button {index} label", button.label, BUTTON_LABEL_LIMIT, required=True)
        found += _custom_id(f"button {index}", button.action)
    if menu is not None:
        found += _custom_id("menu", menu.action)
        found += _length("menu placeholder", menu.placeholder, SELECT_PLACEHOLDER_LIMIT)
        if not 1 <= len(menu.choices) <= SELECT_OPTIONS_LIMIT:
            found.append(f"menu has {len(menu.choices)} choices (must be 1..{SELECT_OPTIONS_LIMIT})")
        values = [choice.value for choice in menu.choices]
        if len(values) != len(set(values)):
            found.append("two menu choices share a value")
        for index, choice in enumerate(menu.choices):
            found += _length(f"choice {index} label", choice.label, SELECT_OPTION_TEXT_LIMIT, required=True)
            found += _length(f"choice {index} value", choice.value, SELECT_OPTION_TEXT_LIMIT, required=True)
            found += _length(f"choice {index} description", choice.description, SELECT_OPTION_TEXT_LIMIT)
    return found


def _form_breaches(form: Form) -> list[str]:
    found = _custom_id("form", form.action)
    found += _length("form title", form.title, MODAL_TITLE_LIMIT, required=True)
    if not 1 <= len(form.inputs) <= MODAL_INPUTS_LIMIT:
        found.append(f"form has {len(form.inputs)} inputs (must be 1..{MODAL_INPUTS_LIMIT})")
    for index, text_input in enumerate(form.inputs):
        found += _custom_id(f"input {index}", text_input.key)
        found += _length(f"input {index} label", text_input.label, TEXT_INPUT_LABEL_LIMIT, required=True)
        found += _length(f"input {index} placeholder", text_input.placeholder, TEXT_INPUT_PLACEHOLDER_LIMIT)
        found += _length(f"input {index} default", text_input.default, min(text_input.max_length, TEXT_INPUT_VALUE_LIMIT))
        if not 1 <= text_input.max_length <= TEXT_INPUT_VALUE_LIMIT:
            found.append(f"input {index} max length {text_input.max_length} (must be 1..{TEXT_INPUT_VALUE_LIMIT})")
    return found


def check(outgoing: Outgoing) -> None:
    """Raise `UndeliverableReply` if Discord would refuse this reply."""
    found = breaches(outgoing)
    if found:
        raise UndeliverableReply(found)


def shorten(text: str, limit: int) -> str:
    """`text`, or its first `limit - 1` characters and "…": the one way long text is shortened."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shorten_lines(lines: list[str], limit: int) -> str:
    """`lines` joined, or as many whole lines as fit with a last line "…": cutting inside a line
    could leave its markdown (`**`, `_`) open. A first line longer than `limit` is `shorten`ed."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    used = len("…")
    for line in lines:
        if used + len(line) + 1 > limit:
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join([*kept, "…"]) if kept else shorten(text, limit)
