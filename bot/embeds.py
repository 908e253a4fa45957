"""Discord rendering of reply models: embeds, components and files.

Nothing is cut here: every `Outgoing` was checked against Discord's limits when it was built
(`bot.reply_limits`), and commands shorten long text on purpose where they make it.
"""

from __future__ import annotations

import io
from typing import Any

import discord

from bot.replies import ButtonStyle, Outgoing, Tone
from bot.reply_limits import BUTTONS_PER_ROW

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


def build_embeds(outgoing: Outgoing) -> list[discord.Embed]:
    reply = outgoing.reply
    embeds = [discord.Embed(description=notice, colour=discord.Colour.orange()) for notice in outgoing.notices]
    main = discord.Embed(title=reply.title or None, description=reply.body or None, colour=COLOURS[reply.tone])
    for section in reply.sections:
        main.add_field(name=section.name, value=section.value, inline=section.inline)
    image = next((a.filename for a in reply.attachments if a.filename.endswith(".png")), None)
    if image is not None:
        main.set_image(url=f"attachment://{image}")
    main.set_footer(text=outgoing.disclaimer)
    embeds.append(main)
    return embeds


def build_view(outgoing: Outgoing) -> discord.ui.View | None:
    """Components as persistent dynamic items, so they keep working after a restart."""
    from bot.client import ActionItem

    reply = outgoing.reply
    if not reply.buttons and reply.menu is None:
        return None
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(reply.buttons):
        view.add_item(
            ActionItem(
                discord.ui.Button(
                    custom_id=button.action,
                    label=button.label,
                    style=BUTTON_STYLES[button.style],
                    row=index // BUTTONS_PER_ROW,
                )
            )
        )
    if reply.menu is not None:
        options = [
            discord.SelectOption(label=choice.label, value=choice.value, description=choice.description or None)
            for choice in reply.menu.choices
        ]
        menu = discord.ui.Select(custom_id=reply.menu.action, placeholder=reply.menu.placeholder or None, options=options)
        view.add_item(ActionItem(menu))
    # Stopped before it is sent: discord.py would otherwise keep every sent view in memory (an
    # ephemeral one with a 15-minute timer), while clicks reach `ActionItem` through its template anyway.
    view.stop()
    return view


def message_kwargs(outgoing: Outgoing) -> dict[str, Any]:
    """Keyword arguments for `send_message`, `followup.send` or `channel.send`."""
    kwargs: dict[str, Any] = {"embeds": build_embeds(outgoing), "allowed_mentions": discord.AllowedMentions.none()}
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
            label=text_input.label,
            custom_id=text_input.key,
            default=text_input.default or None,
            placeholder=text_input.placeholder or None,
            style=discord.TextStyle.paragraph if text_input.multiline else discord.TextStyle.short,
            required=text_input.required,
            max_length=text_input.max_length,
        )
        for text_input in form.inputs
    ]
    return form.action, form.title, inputs
