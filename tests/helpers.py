"""Small helpers for driving the app the way a transport does."""

from __future__ import annotations

import sqlalchemy as sa

from bot.app import Liftcoach
from bot.commands.base import Caller, Interaction
from bot.replies import Outgoing

ALICE = Caller(user_id=1001, name="alice")
BOB = Caller(user_id=2002, name="bob")


async def run(app: Liftcoach, name: str, caller: Caller = ALICE, **options: object) -> Outgoing:
    return await app.run(caller, name, options)


async def press(app: Liftcoach, outgoing: Outgoing, label_key: str, caller: Caller = ALICE, **form: str) -> Outgoing:
    """Press the button whose label is the prompt `label_key`; fill its form if it opens one."""
    label = app.prompts.text(label_key)
    [button] = [b for b in outgoing.reply.buttons if b.label == label]
    result = await app.interact(caller, button.action)
    if result.reply.form is not None and form:
        result = await app.interact(caller, result.reply.form.action, Interaction(form=form))
    return result


async def snapshot(app: Liftcoach) -> dict[str, list[tuple]]:
    """Every row of every table (as the database lists them), to prove that something changed nothing."""
    async with app.db.connect() as connection:
        names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        tables = {}
        for name in sorted(names):
            rows = (await connection.execute(sa.select(sa.text("*")).select_from(sa.table(name)))).all()
            tables[name] = sorted((tuple(row) for row in rows), key=repr)
        await connection.rollback()
    return tables


def action_of(outgoing: Outgoing, action: str, argument: str = "") -> str:
    """The custom id of the reply's one button for `action` (ending in `argument`, if given)."""
    [found] = [b.action for b in outgoing.reply.buttons if f":{action}:" in b.action and b.action.endswith(argument)]
    return found


async def log_a_whole_day_as_prescribed(app: Liftcoach, caller: Caller = ALICE) -> Outgoing:
    """Backfill yesterday's sets of every exercise in today's session (so each has a load, and the
    day stays open), then press "Log as prescribed"; returns today's /today reply."""
    await app.run(caller, "goal", {"goal": "strength"})
    today = await app.run(caller, "today", {})
    for section in today.reply.sections:
        if ". " in section.name:
            await app.run(caller, "log", {"exercise": section.name.split(". ", 1)[1], "weight": 40, "reps": 5,
                                          "date": "yesterday"})
    today = await app.run(caller, "today", {})
    logged = await press(app, today, "buttons.log_plan", caller)
    assert logged.reply.tone.value == "success", logged.reply.body
    return today
