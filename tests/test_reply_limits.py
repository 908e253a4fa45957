"""The reply validator: every one of Discord's limits, and what the app does with a reply over one."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.commands.base import Command
from bot.commands.options import NoOptions
from bot.replies import Attachment, Button, Choice, Form, Menu, Outgoing, Reply, Section, TextInput, Tone
from bot.reply_limits import UndeliverableReply, breaches, shorten, shorten_lines
from tests.helpers import ALICE, run, snapshot

DISCLAIMER = "General information, not medical advice."


def outgoing(reply: Reply, notices: tuple[str, ...] = ()) -> Outgoing:
    return Outgoing.model_construct(reply=reply, disclaimer=DISCLAIMER, notices=notices)


def menu(choices: int = 1, **choice: str) -> Menu:
    return Menu(action="lc:m:1:", placeholder="Pick",
                choices=tuple(Choice(**{"label": f"c{i}", "value": f"v{i}", **choice}) for i in range(choices)))


def form(**changes) -> Form:
    fields = {"action": "lc:f:1:", "title": "Form", "inputs": (TextInput(key="k", label="Label"),), **changes}
    return Form(**fields)


@pytest.mark.parametrize(
    ("reply", "breach"),
    [
        (Reply(title="t" * 257), "title is 257 characters (limit 256)"),
        (Reply(body="b" * 4097), "body is 4097 characters (limit 4096)"),
        (Reply(body="b", sections=(Section(name="n", value=""),)), "section 0 value is empty"),
        (Reply(body="b", sections=(Section(name="", value="v"),)), "section 0 name is empty"),
        (Reply(body="b", sections=(Section(name="n" * 257, value="v"),)), "section 0 name is 257 characters (limit 256)"),
        (Reply(body="b", sections=(Section(name="n", value="v" * 1025),)), "section 0 value is 1025 characters (limit 1024)"),
        (Reply(body="b", sections=tuple(Section(name="n", value="v") for _ in range(26))), "26 sections (limit 25)"),
        (Reply(body="b" * 4000, sections=tuple(Section(name="n", value="v" * 1000) for _ in range(2))),
         "embeds hold 6042 characters (limit 6000)"),
        (Reply(), "the reply has no title, body or sections"),
        (Reply(body="b", buttons=(Button(label="l" * 81, action="lc:a:1:"),)), "button 0 label is 81 characters (limit 80)"),
        (Reply(body="b", buttons=(Button(label="", action="lc:a:1:"),)), "button 0 label is empty"),
        (Reply(body="b", buttons=(Button(label="l", action="lc:a:1:" + "x" * 94),)),
         "button 0 custom id is 101 characters (limit 100)"),
        (Reply(body="b", buttons=tuple(Button(label="l", action=f"lc:a:1:{i}") for i in range(26))),
         "6 rows of components (limit 5)"),
        (Reply(body="b", buttons=tuple(Button(label="l", action=f"lc:a:1:{i}") for i in range(21)), menu=menu()),
         "6 rows of components (limit 5)"),
        (Reply(body="b", buttons=(Button(label="l", action="lc:a:1:"),) * 2), "two components share a custom id"),
        (Reply(body="b", menu=menu(26)), "menu has 26 choices (must be 1..25)"),
        (Reply(body="b", menu=menu(0)), "menu has 0 choices (must be 1..25)"),
        (Reply(body="b", menu=menu(1, label="l" * 101)), "choice 0 label is 101 characters (limit 100)"),
        (Reply(body="b", menu=menu(1, description="d" * 101)), "choice 0 description is 101 characters (limit 100)"),
        (Reply(body="b", menu=Menu(action="lc:m:1:", placeholder="p" * 151, choices=(Choice(label="l", value="v"),))),
         "menu placeholder is 151 characters (limit 150)"),
        (Reply(form=form(title="t" * 46)), "form title is 46 characters (limit 45)"),
        (Reply(form=form(inputs=(TextInput(key="k", label="l" * 46),))), "input 0 label is 46 characters (limit 45)"),
        (Reply(form=form(inputs=tuple(TextInput(key=f"k{i}", label="l") for i in range(6)))),
         "form has 6 inputs (must be 1..5)"),
        (Reply(form=form(inputs=(TextInput(key="k", label="l", placeholder="p" * 101),))),
         "input 0 placeholder is 101 characters (limit 100)"),
        (Reply(form=form(inputs=(TextInput(key="k", label="l", max_length=4001),))),
         "input 0 max length 4001 (must be 1..4000)"),
        (Reply(body="b", attachments=tuple(Attachment(filename=f"{i}.csv") for i in range(11))),
         "11 attachments (limit 10)"),
        (Reply(body="b", attachments=(Attachment(filename="a.csv"),) * 2), "two attachments share a filename"),
        (Reply(body="b", attachments=(Attachment(filename=""),)), "attachment 0 filename is empty"),
        (Reply(body="b", attachments=(Attachment(filename="a.png", description="d" * 1025),)),
         "attachment 0 description is 1025 characters (limit 1024)"),
    ],
)
def test_each_limit_is_named(reply, breach):
    assert breach in breaches(outgoing(reply))


def test_notices_and_disclaimer_count_toward_the_total():
    fits = Reply(body="b" * 4096, sections=(Section(name="n", value="v" * 1000),))
    assert breaches(outgoing(fits)) == []
    assert "embeds hold" in breaches(outgoing(fits, notices=("n" * 1000,)))[0]


def test_an_outgoing_reply_checks_itself():
    with pytest.raises(UndeliverableReply, match="section 0 value is empty"):
        Outgoing(reply=Reply(body="b", sections=(Section(name="n", value=""),)), disclaimer=DISCLAIMER)


def test_shorten_marks_what_it_cut():
    assert shorten("abc", 3) == "abc"
    assert shorten("abcdef", 4) == "abc…" and len(shorten("x" * 5000, 100)) == 100


def test_shorten_lines_keeps_whole_lines_so_no_markdown_is_left_open():
    lines = ["**Squat** 100 kg 3×5", "**Bench** 80 kg 3×5", "**Row** 70 kg 3×8"]
    assert shorten_lines(lines, 100) == "\n".join(lines)
    assert shorten_lines(lines, 45) == "**Squat** 100 kg 3×5\n**Bench** 80 kg 3×5\n…"
    assert len(shorten_lines(lines, 45)) <= 45
    assert shorten_lines(["x" * 50], 20) == "x" * 19 + "…", "a single over-long line is cut inside"


async def test_an_undeliverable_reply_rolls_its_write_back_and_is_logged_with_an_id(app, caplog):
    async def writes_then_answers_too_much(ctx, options):
        await ctx.app.users.update(ctx.caller.user_id, ctx.now, days_per_week=5)
        return Reply(body="b", sections=(Section(name="Hard sets this week", value=""),))

    await run(app, "settings")
    app.add_command(Command("broken", NoOptions, writes_then_answers_too_much))
    before = await snapshot(app)
    with caplog.at_level(logging.ERROR):
        answer = await run(app, "broken")
    assert answer.reply.tone is Tone.ERROR and not answer.stored
    error_id = answer.reply.body.split("`")[-2]
    assert error_id in caplog.text and "section 0 value is empty" in caplog.text
    assert await snapshot(app) == before
    assert (await app.users.get(ALICE.user_id)).days_per_week == 3


async def test_a_long_value_is_quoted_back_shortened(app):
    answer = app.error_reply("errors.invalid_value", value="x" * 5000)
    assert "x" * 99 + "…`" in answer.reply.body and "x" * 100 not in answer.reply.body


# -- every reply the commands can produce, with the longest and the emptiest realistic data -------

LONG_NAME = ("Zercher carry to the far wall and back, paused, with a @everyone mention " + "x" * 100)[:100]


def _longest_options(model) -> dict[str, object]:
    """Every option at its longest or largest allowed value (text: the 100-character name, cut to fit)."""
    from bot.commands.options import base_type, bounds, choices, lengths

    options: dict[str, object] = {}
    for name, field in model.model_fields.items():
        kind = base_type(field)
        if choices(field):
            options[name] = choices(field)[-1]
        elif kind is bool:
            options[name] = True
        elif kind in (int, float):
            options[name] = bounds(field)[1]
        else:
            options[name] = LONG_NAME[: lengths(field)[1] or 100]
    return options


async def _crawl(app, caller, outgoing: Outgoing, seen: set[str], depth: int) -> int:
    """Press every button, pick every menu choice and submit every form below `outgoing`."""
    assert breaches(outgoing) == [], outgoing
    assert "error id" not in outgoing.reply.body, outgoing.reply.body
    if depth == 0:
        return 1
    from bot.commands.base import Interaction

    steps = [(button.action, Interaction()) for button in outgoing.reply.buttons]
    if outgoing.reply.menu is not None:
        steps += [(outgoing.reply.menu.action, Interaction(values=(choice.value,)))
                  for choice in outgoing.reply.menu.choices]
    if outgoing.reply.form is not None:
        filled = {text_input.key: text_input.default or "x" for text_input in outgoing.reply.form.inputs}
        steps.append((outgoing.reply.form.action, Interaction(form=filled)))
    count = 1
    for custom_id, interaction in steps:
        key = f"{custom_id}|{interaction.values}|{sorted(interaction.form)}"
        if key in seen:
            continue
        seen.add(key)
        count += await _crawl(app, caller, await app.interact(caller, custom_id, interaction), seen, depth - 1)
    return count


@pytest.mark.parametrize("history", ["none", "a year"])
async def test_every_reply_fits_discord_with_the_longest_and_emptiest_data(app, clock, history):
    from bot.coach.vocabulary import Unit
    from bot.store.training_log import NewEntry

    if history == "a year":
        await run(app, "goal", goal="hypertrophy", days=6)
        await run(app, "log", exercise=LONG_NAME, weight=40, reps=12, custom=True, note="n" * 200)
        [custom] = await app.custom_exercises.all(ALICE.user_id)
        for day in range(1, 366):
            entries = [NewEntry(exercise=key, weight_kg=60 + day % 40, entered_unit=Unit.KG, reps=8, rpe=9.5,
                                note="@here " + "n" * 150) for key in ("barbell-back-squat", custom.key)]
            await app.log.add(ALICE.user_id, entries, clock() - timedelta(days=day))
    produced = 0
    seen: set[str] = set()
    for name, command in sorted(app.commands.items()):
        if name == "forget":
            continue  # its confirmation would delete the history the other commands need
        for options in ({}, _longest_options(command.options)):
            produced += await _crawl(app, ALICE, await run(app, name, **options), seen, depth=2)
    assert produced > 2 * len(app.commands)
