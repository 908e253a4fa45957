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
