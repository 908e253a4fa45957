"""/forget: a user deletes everything Liftcoach stores about them, after a confirmation."""

from __future__ import annotations

from bot.commands.base import Command, Context, Interaction
from bot.commands.core import NoOptions
from bot.replies import Button, ButtonStyle, Reply, Tone


async def forget(ctx: Context, options: NoOptions) -> Reply:
    if await ctx.app.users.get(ctx.caller.user_id) is None:
        return Reply(title=ctx.text("forget.title"), body=ctx.text("forget.nothing"), ephemeral=True)
    return Reply(
        title=ctx.text("forget.title"),
        body=ctx.text("forget.confirm"),
        buttons=(Button(label=ctx.text("buttons.forget"), action=ctx.action("forget"), style=ButtonStyle.DANGER),),
        tone=Tone.WARNING,
        ephemeral=True,
    )


async def forget_confirmed(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    await ctx.app.users.delete(ctx.caller.user_id)
    return Reply(title=ctx.text("forget.title"), body=ctx.text("forget.done"), tone=Tone.SUCCESS, ephemeral=True)


COMMANDS = (Command("forget", NoOptions, forget, registers_caller=False),)
ACTIONS = {"forget": forget_confirmed}
