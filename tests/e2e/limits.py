"""Discord's documented size limits, checked on everything the bot sends to the fake.

Each function returns a list of human-readable breaches (empty when the payload is fine).
Sources: discord-api-docs `resources/message.mdx` (content, embeds), `components/reference.mdx`
(legacy and V2 components), `interactions/receiving-and-responding.mdx` (autocomplete, modals),
`interactions/application-commands.mdx` (command shape); summarised in
`/work/shared/reference/discord-platform.md` section 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_TEXT_MAX = 6000
ACTION_ROWS_MAX = 5
BUTTONS_PER_ROW_MAX = 5
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
COMPONENTS_V2_TOTAL_MAX = 40
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_TEXT_MAX = 100
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
FILE_SIZE_MAX = 10 * 1024 * 1024
COMMAND_NAME_PATTERN = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_TEXT_TOTAL_MAX = 8000
GLOBAL_CHAT_INPUT_COMMANDS_MAX = 100

EPHEMERAL_FLAG = 1 << 6
COMPONENTS_V2_FLAG = 1 << 15

ACTION_ROW = 1
BUTTON = 2
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
STRING_SELECT = 3
TEXT_INPUT = 4
LABEL = 18
LINK_BUTTON_STYLE = 5
PREMIUM_BUTTON_STYLE = 6


def _too_long(what: str, text: Any, limit: int) -> list[str]:
    if isinstance(text, str) and len(text) > limit:
        return [f"{what} is {len(text)} chars (limit {limit})"]
    return []


def _custom_id_breaches(what: str, custom_id: Any) -> list[str]:
    if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= CUSTOM_ID_MAX:
        return [f"{what} custom_id {custom_id!r} must be 1..{CUSTOM_ID_MAX} chars"]
    return []


def embed_text_length(embed: Mapping[str, Any]) -> int:
    """Characters that count toward the 6000-char total across a message's embeds."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def embed_breaches(embeds: Sequence[Mapping[str, Any]]) -> list[str]:
    breaches: list[str] = []
    if len(embeds) > EMBEDS_MAX:
        breaches.append(f"{len(embeds)} embeds (limit {EMBEDS_MAX})")
    for index, embed in enumerate(embeds):
        where = f"embed[{index}]"
        breaches += _too_long(f"{where}.title", embed.get("title"), EMBED_TITLE_MAX)
        breaches += _too_long(f"{where}.description", embed.get("description"), EMBED_DESCRIPTION_MAX)
        breaches += _too_long(f"{where}.footer.text", (embed.get("footer") or {}).get("text"), EMBED_FOOTER_MAX)
        breaches += _too_long(f"{where}.author.name", (embed.get("author") or {}).get("name"), EMBED_AUTHOR_MAX)
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            breaches.append(f"{where} has {len(fields)} fields (limit {EMBED_FIELDS_MAX})")
        for field_index, field in enumerate(fields):
            breaches += _too_long(f"{where}.fields[{field_index}].name", field.get("name"), EMBED_FIELD_NAME_MAX)
            breaches += _too_long(f"{where}.fields[{field_index}].value", field.get("value"), EMBED_FIELD_VALUE_MAX)
            if not field.get("name") or not field.get("value"):
                breaches.append(f"{where}.fields[{field_index}] needs a non-empty name and value")
    total = sum(embed_text_length(embed) for embed in embeds)
    if total > EMBED_TOTAL_TEXT_MAX:
        breaches.append(f"embeds hold {total} chars in total (limit {EMBED_TOTAL_TEXT_MAX})")
    return breaches


def _button_breaches(where: str, button: Mapping[str, Any]) -> list[str]:
    breaches = _too_long(f"{where}.label", button.get("label"), BUTTON_LABEL_MAX)
    style = button.get("style")
    if style == LINK_BUTTON_STYLE:
        if not button.get("url"):
            breaches.append(f"{where} is a link button without a url")
    elif style != PREMIUM_BUTTON_STYLE:
        breaches += _custom_id_breaches(where, button.get("custom_id"))
    return breaches


def _select_breaches(where: str, select: Mapping[str, Any]) -> list[str]:
    breaches = _custom_id_breaches(where, select.get("custom_id"))
    breaches += _too_long(f"{where}.placeholder", select.get("placeholder"), SELECT_PLACEHOLDER_MAX)
    if select.get("type") == STRING_SELECT:
        options = select.get("options") or []
        if not 1 <= len(options) <= SELECT_OPTIONS_MAX:
            breaches.append(f"{where} has {len(options)} options (must be 1..{SELECT_OPTIONS_MAX})")
        for option_index, option in enumerate(options):
            for key in ("label", "value", "description"):
                breaches += _too_long(f"{where}.options[{option_index}].{key}", option.get(key), SELECT_OPTION_TEXT_MAX)
        max_values = select.get("max_values", 1)
        if max_values > max(len(options), 1):
            breaches.append(f"{where}.max_values {max_values} exceeds its {len(options)} options")
    return breaches


def _legacy_component_breaches(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    breaches: list[str] = []
    if len(rows) > ACTION_ROWS_MAX:
        breaches.append(f"{len(rows)} action rows (limit {ACTION_ROWS_MAX})")
    for row_index, row in enumerate(rows):
        where = f"components[{row_index}]"
        if row.get("type") != ACTION_ROW:
            breaches.append(f"{where} is type {row.get('type')}, top level must be action rows without the V2 flag")
            continue
        children = row.get("components") or []
        selects = [child for child in children if child.get("type") in SELECT_TYPES]
        buttons = [child for child in children if child.get("type") == BUTTON]
        if selects and (len(children) != 1):
            breaches.append(f"{where} mixes a select with other components")
        if not children or len(buttons) > BUTTONS_PER_ROW_MAX:
            breaches.append(f"{where} has {len(children)} components (must be 1..{BUTTONS_PER_ROW_MAX} buttons or 1 select)")
        for child_index, child in enumerate(children):
            child_where = f"{where}.components[{child_index}]"
            if child.get("type") == BUTTON:
                breaches += _button_breaches(child_where, child)
            elif child.get("type") in SELECT_TYPES:
                breaches += _select_breaches(child_where, child)
            else:
                breaches.append(f"{child_where} has type {child.get('type')}, not allowed in a message action row")
    return breaches


def walk_components(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """Every component, depth first, through action rows, containers, sections and labels."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(component.get(key), Mapping):
                yield from walk_components([component[key]])


def _duplicate_custom_id_breaches(components: Sequence[Mapping[str, Any]]) -> list[str]:
    seen: set[str] = set()
    breaches: list[str] = []
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        if custom_id in seen:
            breaches.append(f"custom_id {custom_id!r} is used twice in one message")
        seen.add(custom_id)
    return breaches


def message_breaches(message: Mapping[str, Any]) -> list[str]:
    """Breaches in a message as it would be stored (after merging an edit)."""
    breaches = _too_long("content", message.get("content"), CONTENT_MAX)
    embeds = message.get("embeds") or []
    components = message.get("components") or []
    if (message.get("flags") or 0) & COMPONENTS_V2_FLAG:
        if message.get("content") or embeds:
            breaches.append("a Components V2 message cannot carry content or embeds")
        total = sum(1 for _ in walk_components(components))
        if total > COMPONENTS_V2_TOTAL_MAX:
            breaches.append(f"{total} components (V2 limit {COMPONENTS_V2_TOTAL_MAX})")
        for component in walk_components(components):
            if component.get("type") == BUTTON:
                breaches += _button_breaches("button", component)
            elif component.get("type") in SELECT_TYPES:
                breaches += _select_breaches("select", component)
    else:
        breaches += _legacy_component_breaches(components)
    breaches += embed_breaches(embeds)
    breaches += _duplicate_custom_id_breaches(components)
    return breaches


def file_breaches(files: Iterable[tuple[str, int]], size_limit: int = FILE_SIZE_MAX) -> list[str]:
    """`files` holds (filename, size in bytes) pairs."""
    return [f"file {name!r} is {size} bytes (limit {size_limit})" for name, size in files if size > size_limit]


def autocomplete_breaches(choices: Sequence[Mapping[str, Any]]) -> list[str]:
    breaches: list[str] = []
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        breaches.append(f"{len(choices)} autocomplete choices (limit {AUTOCOMPLETE_CHOICES_MAX})")
    for index, choice in enumerate(choices):
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_TEXT_MAX:
            breaches.append(f"choice[{index}].name {name!r} must be 1..{CHOICE_TEXT_MAX} chars")
        breaches += _too_long(f"choice[{index}].value", choice.get("value"), CHOICE_TEXT_MAX)
    return breaches


def modal_breaches(modal: Mapping[str, Any]) -> list[str]:
    breaches: list[str] = []
    title = modal.get("title")
    if not isinstance(title, str) or not 1 <= len(title) <= MODAL_TITLE_MAX:
        breaches.append(f"modal title {title!r} must be 1..{MODAL_TITLE_MAX} chars")
    breaches += _custom_id_breaches("modal", modal.get("custom_id"))
    components = modal.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        breaches.append(f"modal has {len(components)} components (must be 1..{MODAL_COMPONENTS_MAX})")
    for component in walk_components(components):
        if component.get("type") != TEXT_INPUT:
            continue
        where = f"text input {component.get('custom_id')!r}"
        breaches += _custom_id_breaches(where, component.get("custom_id"))
        breaches += _too_long(f"{where} label", component.get("label"), TEXT_INPUT_LABEL_MAX)
        breaches += _too_long(f"{where} value", component.get("value"), TEXT_INPUT_VALUE_MAX)
        for key in ("min_length", "max_length"):
            if component.get(key, 0) > TEXT_INPUT_VALUE_MAX:
                breaches.append(f"{where} {key} exceeds {TEXT_INPUT_VALUE_MAX}")
    return breaches


def _command_text_length(node: Mapping[str, Any]) -> int:
    total = len(node.get("name") or "") + len(node.get("description") or "")
    for choice in node.get("choices") or []:
        total += len(choice.get("name") or "") + len(str(choice.get("value") or ""))
    return total + sum(_command_text_length(option) for option in node.get("options") or [])


def _command_node_breaches(where: str, node: Mapping[str, Any], is_chat_input: bool) -> list[str]:
    breaches: list[str] = []
    name = node.get("name") or ""
    if is_chat_input and (not COMMAND_NAME_PATTERN.match(name) or name != name.lower()):
        breaches.append(f"{where} name {name!r} must be 1..32 lowercase word characters")
    description = node.get("description")
    if is_chat_input and (not isinstance(description, str) or not 1 <= len(description) <= COMMAND_DESCRIPTION_MAX):
        breaches.append(f"{where} description must be 1..{COMMAND_DESCRIPTION_MAX} chars")
    options = node.get("options") or []
    if len(options) > COMMAND_OPTIONS_MAX:
        breaches.append(f"{where} has {len(options)} options (limit {COMMAND_OPTIONS_MAX})")
    choices = node.get("choices") or []
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        breaches.append(f"{where} has {len(choices)} choices (limit {AUTOCOMPLETE_CHOICES_MAX})")
    for option in options:
        breaches += _command_node_breaches(f"{where} {option.get('name')}", option, is_chat_input)
    return breaches


def command_breaches(commands: Sequence[Mapping[str, Any]]) -> list[str]:
    """Breaches in one bulk-overwrite (`PUT .../commands`) payload."""
    breaches: list[str] = []
    chat_input = [command for command in commands if command.get("type", 1) == 1]
    if len(chat_input) > GLOBAL_CHAT_INPUT_COMMANDS_MAX:
        breaches.append(f"{len(chat_input)} slash commands (limit {GLOBAL_CHAT_INPUT_COMMANDS_MAX})")
    names = [(command.get("type", 1), command.get("name")) for command in commands]
    if len(names) != len(set(names)):
        breaches.append("two commands share a name")
    for command in commands:
        is_chat_input = command.get("type", 1) == 1
        where = f"/{command.get('name')}"
        breaches += _command_node_breaches(where, command, is_chat_input)
        length = _command_text_length(command)
        if length > COMMAND_TEXT_TOTAL_MAX:
            breaches.append(f"{where} holds {length} chars of names/descriptions/choices (limit {COMMAND_TEXT_TOTAL_MAX})")
    return breaches
