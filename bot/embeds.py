"""Discord rendering of reply models: embeds, components and files within Discord's limits."""

from __future__ import annotations

import io
from typing import Any

import discord

from bot.replies import ButtonStyle, Outgoing, Tone

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_ROW = 5
SELECT_OPTION_LIMIT = 25

COLOURS = {
    Tone.INFO: discord.Colour.blurple(),
    Tone.SUCCESS: discord.Colour.green(),
    Tone.WARNING: discord.Colour.gold(),
    Tone.ERROR: discord.Colour.red(),
}
BUTTON_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.SUCCESS: discord.ButtonStyle.success,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_embeds(outgoing: Outgoing) -> list[discord.Embed]:
    reply = outgoing.reply
    footer = clip(outgoing.disclaimer, FOOTER_LIMIT)
    embeds = [
        discord.Embed(description=clip(notice, DESCRIPTION_LIMIT), colour=discord.Colour.orange())
        for notice in outgoing.notices
    ]
    main = discord.Embed(
        title=clip(reply.title, TITLE_LIMIT) if reply.title else None,
        description=clip(reply.body, DESCRIPTION_LIMIT) if reply.body else None,
        colour=COLOURS[reply.tone],
    )
    used = sum(len(e.description or "") for e in embeds) + len(main.title or "") + len(main.description or "")
    budget = EMBED_TOTAL_LIMIT - used - len(footer)
    for section in reply.sections[:FIELD_COUNT_LIMIT]:
        name, value = clip(section.name, FIELD_NAME_LIMIT), clip(section.value, FIELD_VALUE_LIMIT)
        if len(name) + len(value) > budget:
            break
        budget -= len(name) + len(value)
        main.add_field(name=name, value=value, inline=section.inline)
    image = next((a.filename for a in reply.attachments if a.filename.endswith(".png")), None)
    if image is not None:
        main.set_image(url=f"attachment://{image}")
    main.set_footer(text=footer)
    embeds.append(main)
    return embeds


def build_view(outgoing: Outgoing) -> discord.ui.View | None:
    """Components as persistent dynamic items, so they keep working after a restart."""
    from bot.client import ActionItem

    reply = outgoing.reply
    if not reply.buttons and reply.menu is None:
        return None
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(reply.buttons[: BUTTONS_PER_ROW * 4]):
        view.add_item(
            ActionItem(
                discord.ui.Button(
                    custom_id=button.action,
                    label=clip(button.label, BUTTON_LABEL_LIMIT),
                    style=BUTTON_STYLES[button.style],
                    row=index // BUTTONS_PER_ROW,
                )
            )
        )
    if reply.menu is not None:
        options = [
            discord.SelectOption(
                label=clip(choice.label, 100),
                value=choice.value,
                description=clip(choice.description, 100) if choice.description else None,
            )
            for choice in reply.menu.choices[:SELECT_OPTION_LIMIT]
        ]
        placeholder = clip(reply.menu.placeholder, 150)
        menu = discord.ui.Select(custom_id=reply.menu.action, placeholder=placeholder, options=options)
        view.add_item(ActionItem(menu))
    return view


def message_kwargs(outgoing: Outgoing) -> dict[str, Any]:
    """Keyword arguments for `send_message`, `followup.send` or `channel.send`."""
    kwargs: dict[str, Any] = {"embeds": build_embeds(outgoing)}
    view = build_view(outgoing)
    if view is not None:
        kwargs["view"] = view
    files = [
        discord.File(io.BytesIO(attachment.data), filename=attachment.filename,
                     description=attachment.description or None)
        for attachment in outgoing.reply.attachments
    ]
    if files:
        kwargs["files"] = files
    return kwargs


def build_modal_payload(outgoing: Outgoing) -> tuple[str, str, list[discord.ui.TextInput]]:
    form = outgoing.reply.form
    assert form is not None
    inputs = [
        discord.ui.TextInput(
            label=clip(text_input.label, 45),
            custom_id=text_input.key,
            default=text_input.default[:4000] or None,
            placeholder=clip(text_input.placeholder, 100) or None,
            style=discord.TextStyle.paragraph if text_input.multiline else discord.TextStyle.short,
            required=text_input.required,
            max_length=min(text_input.max_length, 4000),
        )
        for text_input in form.inputs[:5]
    ]
    return form.action, clip(form.title, 45), inputs
