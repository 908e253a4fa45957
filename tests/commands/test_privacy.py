"""/export and /forget over every table the schema has: nothing about a user is left out or left behind."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import timedelta

import sqlalchemy as sa

from bot.commands.base import Interaction, Upload
from bot.replies import Tone
from bot.store.personal_data import per_user_tables
from tests.commands.test_imports import upload
from tests.helpers import ALICE, BOB, action_of, press, run

# Tables that hold nothing about any one user.
NOT_ABOUT_A_USER = {"alembic_version"}


async def table_names(app) -> list[str]:
    async with app.db.connect() as connection:
        return await connection.run_sync(lambda sync: sorted(sa.inspect(sync).get_table_names()))


async def rows_mentioning(app, user_id: int) -> dict[str, int]:
    """Per table of the migrated database: how many rows have this user's id in `user_id`."""
    counts = {}
    async with app.db.connect() as connection:
        for name in await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names()):
            if name in NOT_ABOUT_A_USER:
                continue
            table = sa.table(name, sa.column("user_id"))
            counts[name] = (await connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.user_id == user_id)
            )).scalar_one()
    return counts


async def use_everything(app, clock, caller) -> None:
    """Give `caller` at least one row in every per-user table, through the app where it can."""
    await run(app, "goal", goal="strength", caller=caller)
    await run(app, "settings", units="lb", timezone="Europe/Berlin", caller=caller)
    await run(app, "log", exercise="squat", weight=225, reps=5, sets=3, rpe=8, note="deep, slow", caller=caller)
    clock.advance(minutes=5)
    await run(app, "log", exercise="Sled push", weight=90, reps=10, custom=True, caller=caller)
    await run(app, "log", exercise="bench press", weight=135, reps=5, pain="sharp", caller=caller)
    clock.advance(days=1)
    await run(app, "equipment", bar=45, plate_pair=5, caller=caller)
    today = await run(app, "today", caller=caller)
    menu = today.reply.menu
    picked = await app.interact(caller, menu.action, Interaction(values=(menu.choices[0].value,)))
    await app.interact(caller, picked.reply.menu.action, Interaction(values=(picked.reply.menu.choices[-1].value,)))
    await press(app, today, "buttons.done", caller=caller)
    await run(app, "remind set", caller=caller)
    # An import with a reviewed name (a batch and a remembered mapping), then one left waiting.
    preview = await app.run(caller, "import", {"file": upload("fitnotes.csv")})
    review = await app.interact(caller, action_of(preview, "import-review"))
    after = await app.interact(caller, review.reply.menu.action, Interaction(values=("dumbbell-shoulder-press",)))
    await app.interact(caller, action_of(after, "import-confirm"))
    await app.run(caller, "import", {"file": upload("strong_s3.csv")})
    await app.reminders.skip(caller.user_id, clock.now + timedelta(days=3), "travelling", clock.now)


async def test_every_table_of_the_schema_is_about_a_user_or_listed_as_not(app):
    names = await table_names(app)
    about_users = {table.name for table in per_user_tables()}
    assert set(names) - about_users == NOT_ABOUT_A_USER
    for table in per_user_tables():
        if table.name != "users":
            [key] = [fk for fk in table.c.user_id.foreign_keys]
            assert key.column.table.name == "users" and key.ondelete == "CASCADE", table.name


async def test_forget_leaves_no_row_about_the_user_in_any_table(app, clock):
    await use_everything(app, clock, ALICE)
    await use_everything(app, clock, BOB)
    before = await rows_mentioning(app, ALICE.user_id)
    unfilled = sorted(name for name, count in before.items() if count == 0)
    assert unfilled == [], "extend use_everything so every table is covered"
    asked = await run(app, "forget")
    # The confirmation named five kinds of data and deleted thirteen tables: it names each one now.
    for table in per_user_tables():
        assert app.prompts.text(f"forget.data.{table.name}") in asked.reply.body, table.name
    assert await rows_mentioning(app, ALICE.user_id) == before, "asking alone deletes nothing"
    done = await app.interact(ALICE, asked.reply.buttons[0].action)
    assert done.reply.tone is Tone.SUCCESS
    assert set((await rows_mentioning(app, ALICE.user_id)).values()) == {0}
    assert await rows_mentioning(app, BOB.user_id) == before, "the other user keeps everything"


async def test_export_holds_every_row_about_the_user_and_nothing_about_others(app, clock):
    await use_everything(app, clock, ALICE)
    await use_everything(app, clock, BOB)
    outgoing = await run(app, "export")
    reply = outgoing.reply
    assert reply.ephemeral and [a.filename for a in reply.attachments] == [
        "liftcoach-20261125.json", "liftcoach-log-20261125.csv"]
    document = json.loads(reply.attachments[0].data)
    assert document["user_id"] == str(ALICE.user_id)
    assert set(document["tables"]) == {table.name for table in per_user_tables()}
    for table in per_user_tables():
        async with app.db.connect() as connection:
            stored = [dict(row) for row in (await connection.execute(
                sa.select(table).where(table.c.user_id == ALICE.user_id).order_by(*table.primary_key.columns)
            )).mappings()]
        stored = [{k: base64.b64encode(v).decode() if isinstance(v, bytes) else v for k, v in row.items()}
                  for row in stored]
        assert document["tables"][table.name] == stored, table.name
        assert stored, table.name
    assert str(BOB.user_id) not in reply.attachments[0].data.decode()


async def test_export_csv_is_one_row_per_set_in_time_order_in_the_users_unit(app, clock):
    await run(app, "settings", units="lb", timezone="Europe/Berlin")
    await run(app, "log", exercise="squat", weight=225, reps=5, sets=3, rpe=8, note="deep, slow")
    clock.advance(minutes=5)
    await run(app, "log", exercise="Sled push", weight=90, reps=10, custom=True)
    await run(app, "log", exercise="bench press", weight=135, reps=5, pain="sharp")
    await run(app, "log", exercise="bench press", weight=100, reps=8, caller=BOB)
    outgoing = await run(app, "export")
    text = outgoing.reply.attachments[1].data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == "workout,date,exercise,exercise_key,set,kind,weight_lb,reps,rpe,note"
    assert [(r["exercise_key"], r["set"], r["weight_lb"], r["reps"], r["rpe"], r["note"]) for r in rows[:3]] == [
        ("barbell-back-squat", str(n), "225", "5", "8", "deep, slow") for n in (1, 2, 3)]
    assert rows[3]["exercise"] == "Sled push" and rows[3]["exercise_key"] == "custom-sled-push"
    assert rows[0]["date"] == "2026-11-23T10:00:00+01:00", "local time with its offset"
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert len(rows) == 5, "Bob's set is not in Alice's file"


FORMULA_NOTES = ("=1+2", "+1 rep next time", "-5 kg: back tweak", "@coach look", "'=already quoted", "'tis easy")


async def test_export_csv_never_starts_a_text_cell_with_a_formula_and_imports_back_the_same_text(app, clock):
    # Cells such as =HYPERLINK(...) were written raw: a spreadsheet opening the file ran them (OWASP CSV Injection).
    await run(app, "log", exercise='=HYPERLINK("http://x.example","squat")', weight=60, reps=5, custom=True)
    for note in FORMULA_NOTES:
        clock.advance(minutes=1)
        await run(app, "log", exercise="squat", weight=100, reps=5, note=note)
    exported = (await run(app, "export")).reply.attachments[1].data
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
    for row in rows:
        for column in ("workout", "exercise", "exercise_key", "kind", "note"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), (column, row[column])
    assert rows[0]["exercise"] == '\'=HYPERLINK("http://x.example","squat")'
    assert [r["note"] for r in rows[1:]] == ["'=1+2", "'+1 rep next time", "'-5 kg: back tweak", "'@coach look",
                                             "''=already quoted", "'tis easy"]

    preview = await app.run(BOB, "import", {"file": Upload(filename="alice.csv", data=exported)})
    await app.interact(BOB, action_of(preview, "import-confirm"))
    assert [c.name for c in await app.custom_exercises.all(BOB.user_id)] == ['=HYPERLINK("http://x.example","squat")']
    assert [e.note for e in await app.log.entries(BOB.user_id)][1:] == list(FORMULA_NOTES)


async def test_export_with_nothing_stored_still_sends_both_files(app):
    outgoing = await run(app, "export", caller=BOB)
    assert len(outgoing.reply.attachments) == 2
    assert outgoing.reply.attachments[1].data.decode().count("\n") == 1, "the header alone"


def per_set(entries) -> list[tuple]:
    """The log as sets: an entry of N identical sets is N sets; loads to the gram."""
    return [(e.logged_at, e.exercise, round(e.weight_kg, 3), e.reps, e.rpe, e.note, e.kind)
            for e in entries for _ in range(e.sets)]


async def test_the_exported_csv_imports_back_to_the_same_log(app, clock):
    await run(app, "settings", units="lb", timezone="America/New_York")
    await run(app, "log", exercise="squat", weight=225, reps=5, sets=3, rpe=8, note='deep, "slow"')
    clock.advance(minutes=7)
    await run(app, "log", exercise="Sled push", weight=90, reps=10, custom=True)
    clock.advance(days=2)
    await run(app, "log", exercise="bench press", weight=0, reps=12, note="empty bar, ünïcode ✓")
    await run(app, "log", exercise="bench press", weight=137.5, reps=3, rpe=9.5)
    await app.run(ALICE, "import", {"file": upload("strong_s3.csv"), "unit": "kg"})
    await app.interact(ALICE, action_of(await app.run(ALICE, "import", {"file": upload("strong_s3.csv")}),
                                        "import-confirm"))
    exported = (await run(app, "export")).reply.attachments[1].data

    await run(app, "settings", units="lb", timezone="America/New_York", caller=BOB)
    preview = await app.run(BOB, "import", {"file": Upload(filename="alice.csv", data=exported)})
    assert preview.reply.title.startswith("Import preview"), preview.reply.body
    await app.interact(BOB, action_of(preview, "import-confirm"))

    mine = await app.log.entries(ALICE.user_id, warmups=True)
    theirs = await app.log.entries(BOB.user_id, warmups=True)
    assert per_set(theirs) == per_set(mine)
    assert {c.key for c in await app.custom_exercises.all(BOB.user_id)} >= {"custom-sled-push"}
