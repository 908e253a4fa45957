"""The readiness screen (/screen, offered on the first /goal) and the pain stop (/log `pain`, pauses)."""

from __future__ import annotations

import re
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.coach.catalogue import Exercise
from bot.commands.base import Command, Context, Interaction, id_argument
from bot.commands.guardrails import SafetyState
from bot.commands.options import NoOptions
from bot.errors import UserError
from bot.replies import Button, ButtonStyle, Reply, Section, Tone
from bot.store.safety import ScreenStatus

# The PAR-Q+ topics, one yes/no question each (prompts `screen.q1` .. `screen.q7`; training-science.md §10).
QUESTIONS = 7
ALTERNATIVES = 2


class Pain(StrEnum):
    NONE = "none"
    MILD = "mild"
    SHARP = "sharp"


# -- the readiness screen ----------------------------------------------------------------------


async def offer_screen_on_first_goal(ctx: Context, reply: Reply) -> Reply:
    """Add the optional screen to the reply that set a user's goal, the first time only."""
    if ctx.profile.goal is None or not await ctx.app.safety.offer_screen(ctx.caller.user_id, ctx.now):
        return reply
    return reply.model_copy(update={
        "sections": (*reply.sections, Section(name=ctx.text("screen.offer_title"), value=ctx.text("screen.offer"))),
        "buttons": (
            *reply.buttons,
            Button(label=ctx.text("buttons.screen_start"), action=ctx.action("screen", ""), style=ButtonStyle.PRIMARY),
            Button(label=ctx.text("buttons.screen_decline"), action=ctx.action("screen-decline")),
        ),
    })


def _question(ctx: Context, answers: str, *, lead: str = "", update: bool) -> Reply:
    number = len(answers) + 1
    parts = [lead, ctx.text("screen.intro")] if number == 1 else []
    parts.append(f"**{ctx.text('screen.progress', number=number, total=QUESTIONS)}**\n{ctx.text(f'screen.q{number}')}")
    return Reply(
        title=ctx.text("screen.title"),
        body="\n\n".join(part for part in parts if part),
        buttons=(
            Button(label=ctx.text("buttons.screen_yes"), action=ctx.action("screen", answers + "y")),
            Button(label=ctx.text("buttons.screen_no"), action=ctx.action("screen", answers + "n")),
        ),
        ephemeral=True,
        update_source=update,
    )


def _clearance_button(ctx: Context) -> Button:
    return Button(label=ctx.text("buttons.screen_cleared"), action=ctx.action("screen-cleared"),
                  style=ButtonStyle.SUCCESS)


def _limit_values(ctx: Context) -> dict[str, object]:
    limits = ctx.app.conservative_limits
    return {"rir": limits.min_rir, "level": ctx.text(f"experience.{limits.intensity_level.value}")}


async def screen(ctx: Context, options: NoOptions) -> Reply:
    """/screen: where the user stands, then the first question."""
    current = await ctx.app.safety.screen(ctx.caller.user_id)
    lead = ctx.text(f"screen.status_{current.status.value}") if current is not None else ""
    return _question(ctx, "", lead=lead, update=False)


async def screen_answer(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    """A Yes/No press: `argument` is every answer so far ('y'/'n'); the last press completes it."""
    if len(argument) > QUESTIONS or set(argument) - {"y", "n"}:
        raise UserError("errors.stale_button")
    if len(argument) < QUESTIONS:
        # The offer on /goal starts the screen in a message of its own; later answers edit it.
        return _question(ctx, argument, update=bool(argument))
    result = await ctx.app.safety.answer_screen(ctx.caller.user_id, tuple(a == "y" for a in argument), ctx.now)
    if result.conservative:
        return Reply(title=ctx.text("screen.title"), body=ctx.text("screen.needs_clearance", **_limit_values(ctx)),
                     buttons=(_clearance_button(ctx),), tone=Tone.WARNING, ephemeral=True, update_source=True)
    return Reply(title=ctx.text("screen.title"), body=ctx.text("screen.all_clear"), tone=Tone.SUCCESS,
                 ephemeral=True, update_source=True)


async def screen_decline(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    await ctx.app.safety.decline_screen(ctx.caller.user_id, ctx.now)
    return Reply(title=ctx.text("screen.title"), body=ctx.text("screen.declined"), ephemeral=True)


async def screen_cleared(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    if not await ctx.app.safety.confirm_clearance(ctx.caller.user_id, ctx.now):
        current = await ctx.app.safety.screen(ctx.caller.user_id)
        if current is None or current.status is not ScreenStatus.CLEARED:
            raise UserError("screen.nothing_to_clear")
    return Reply(title=ctx.text("screen.title"), body=ctx.text("screen.cleared"), tone=Tone.SUCCESS, ephemeral=True)


# -- pain ----------------------------------------------------------------------------------------


def pain_word(ctx: Context, note: str | None) -> str | None:
    """The first word of the prompts' pain list found in `note` (whole words, any case), or None."""
    if not note:
        return None
    words = [word.strip() for word in ctx.text("pain.note_words").split(",") if word.strip()]
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", note, re.IGNORECASE):
            return word
    return None


def alternatives_text(ctx: Context, exercise: object) -> str:
    """", such as A or B": easier (or equally hard) exercises of the same movement the user can do, easiest
    first; "" for custom lifts and when there is none."""
    if not isinstance(exercise, Exercise):
        return ""
    easier = sorted((e for e in ctx.app.catalogue.available(ctx.profile.equipment)
                     if e.pattern is exercise.pattern and e.key != exercise.key and e.difficulty <= exercise.difficulty),
                    key=lambda e: e.difficulty)
    others = [e.name for e in easier][:ALTERNATIVES]
    return ctx.text("pain.alternatives", names=" or ".join(others)) if others else ""


async def report_pain(ctx: Context, exercise: object, key: str, name: str, pain: Pain) -> Section | None:
    """Act on reported pain (sharp: pause progression) and say what happens next."""
    if pain is Pain.SHARP:
        await ctx.app.safety.pause(ctx.caller.user_id, key, ctx.now)
        return Section(name=ctx.text("pain.sharp_title"), value=ctx.text("pain.sharp", exercise=name))
    if pain is Pain.MILD:
        return Section(name=ctx.text("buttons.pain_mild"),
                       value=ctx.text("pain.mild", exercise=name, alternatives=alternatives_text(ctx, exercise)))
    return None


def ask_about_pain(ctx: Context, log_id: int, word: str, name: str) -> tuple[Section, tuple[Button, ...]]:
    """The question a pain word in a note raises, with one button per answer."""
    buttons = tuple(
        Button(label=ctx.text(f"buttons.pain_{level.value}"), action=ctx.action("pain-mark", f"{log_id}:{level.value}"),
               style=ButtonStyle.DANGER if level is Pain.SHARP else ButtonStyle.SECONDARY)
        for level in Pain
    )
    return Section(name=ctx.text("pain.ask_title"), value=ctx.text("pain.ask", word=word, exercise=name)), buttons


async def pain_mark(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    """The answer to "was that pain?": stored on the entry, acted on like the `pain` option."""
    id_text, _, level = argument.partition(":")
    log_id = id_argument(id_text)
    if log_id is None or level not in Pain._value2member_map_:
        raise UserError("errors.stale_button")
    pain = Pain(level)
    entry = await ctx.app.log.set_pain(ctx.caller.user_id, log_id, None if pain is Pain.NONE else pain.value)
    if entry is None:
        raise UserError("errors.stale_button")
    exercise = ctx.app.catalogue.find(entry.exercise)
    name = exercise.name if exercise else await _custom_name(ctx, entry.exercise)
    section = await report_pain(ctx, exercise, entry.exercise, name, pain)
    if section is None:
        return Reply(body=ctx.text("pain.none", exercise=name), ephemeral=True, update_source=True)
    return Reply(title=section.name, body=section.value, tone=Tone.WARNING, ephemeral=True, update_source=True)


async def _custom_name(ctx: Context, key: str) -> str:
    own = {custom.key: custom.name for custom in await ctx.app.custom_exercises.all(ctx.caller.user_id)}
    return own.get(key, key)


async def resume(ctx: Context, argument: str, interaction: Interaction) -> Reply:
    exercise = ctx.app.catalogue.find(argument)
    name = exercise.name if exercise else await _custom_name(ctx, argument)
    if not await ctx.app.safety.resume(ctx.caller.user_id, argument):
        raise UserError("pain.not_paused", exercise=name)
    return Reply(body=ctx.text("pain.resumed", exercise=name), tone=Tone.SUCCESS, ephemeral=True)


async def safety_lines(ctx: Context, state: SafetyState, names: dict[str, str]) -> tuple[tuple[str, ...], tuple[Button, ...]]:
    """What /today says about the user's safety state, and the buttons that lift each limit.

    Every pause is shown, whether or not its exercise is in today's session (`names`: that
    session's exercise names by key); a mild-pain hold only for today's exercises.
    """
    lines: list[str] = []
    buttons: list[Button] = []
    if state.conservative:
        lines.append(ctx.text("screen.conservative", **_limit_values(ctx)))
        buttons.append(_clearance_button(ctx))
    zone = ZoneInfo(ctx.profile.timezone)
    for key, since in sorted(state.paused.items()):
        exercise = ctx.app.catalogue.find(key)
        name = names.get(key) or (exercise.name if exercise else await _custom_name(ctx, key))
        lines.append(ctx.text("pain.paused_line", exercise=name, date=since.astimezone(zone).date().isoformat()))
        buttons.append(Button(label=ctx.text("buttons.resume", exercise=name), action=ctx.action("resume", key)))
    for key in sorted(state.mild):
        if key in names:
            exercise = ctx.app.catalogue.find(key)
            lines.append(ctx.text("pain.held_line", exercise=names[key], alternatives=alternatives_text(ctx, exercise)))
    return tuple(lines), tuple(buttons)


COMMANDS = (Command("screen", NoOptions, screen),)
ACTIONS = {
    "screen": screen_answer,
    "screen-decline": screen_decline,
    "screen-cleared": screen_cleared,
    "pain-mark": pain_mark,
    "resume": resume,
}
