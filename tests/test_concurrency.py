"""Twenty commands from one user at once: every answered write is stored exactly once, nothing half-done."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from bot.commands.base import Upload
from bot.replies import Tone
from tests.helpers import ALICE, action_of, run


async def test_twenty_concurrent_commands_from_one_user_leave_consistent_state(app):
    await run(app, "goal", goal="hypertrophy", days=3)
    before = await run(app, "today")
    done_action = next(b.action for b in before.reply.buttons if ":done:" in b.action)

    calls = []
    for index in range(12):
        calls.append(run(app, "log", exercise="squat", weight=60 + index, reps=10, note=f"set {index}"))
    calls += [run(app, "undo") for _ in range(3)]
    calls += [app.interact(ALICE, done_action) for _ in range(3)]
    calls += [run(app, "settings", units="lb"), run(app, "export")]
    results = await asyncio.gather(*calls)
    assert len(results) == 20

    logged = [r for r in results[:12] if r.reply.tone is not Tone.ERROR]
    undone = [r for r in results[12:15] if r.reply.tone is Tone.SUCCESS]
    marked = [r for r in results[15:18] if r.reply.tone is Tone.SUCCESS]
    assert len(logged) == 12, "every /log is answered as stored"
    entries = await app.log.entries(ALICE.user_id)
    notes = [entry.note for entry in entries]
    assert len(notes) == len(set(notes)) == 12 - len(undone), "each kept log once; each undo removed one"
    assert len(marked) == 1, "the same session is marked done once"
    profile = await app.users.get(ALICE.user_id)
    async with app.db.connect() as connection:
        sessions = (await connection.execute(sa.text("SELECT COUNT(*) FROM sessions"))).scalar_one()
        if app.db.backend == "sqlite":
            assert (await connection.execute(sa.text("PRAGMA integrity_check"))).scalar_one() == "ok"
    assert profile.rotation_index == sessions == 1
    assert profile.units.value == "lb"


async def test_a_double_click_on_log_as_prescribed_logs_the_day_once(app):
    # Both clicks read "nothing logged yet" before either stored, so the whole day was logged twice.
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    for section in today.reply.sections:
        if ". " in section.name:
            await run(app, "log", exercise=section.name.split(". ", 1)[1], weight=40, reps=5, date="yesterday")
    before = len(await app.log.entries(ALICE.user_id))
    today = await run(app, "today")
    log_plan = action_of(today, "log-plan")
    first, second = await asyncio.gather(app.interact(ALICE, log_plan), app.interact(ALICE, log_plan))
    assert sorted(r.reply.tone.value for r in (first, second)) == ["error", "success"]
    exercises = sum(". " in section.name for section in today.reply.sections)
    assert len(await app.log.entries(ALICE.user_id)) - before == exercises


async def test_a_double_click_on_import_imports_the_file_once(app):
    # The second click failed with an error id: it made the file's own exercise a second time.
    data = b"Date,Exercise,Category,Weight,Weight Unit,Reps\n2025-04-29,Zercher Thing,Legs,60,kgs,5\n"
    preview = await run(app, "import", file=Upload(filename="z.csv", data=data))
    confirm = action_of(preview, "import-confirm")
    results = await asyncio.gather(app.interact(ALICE, confirm), app.interact(ALICE, confirm))
    assert [r.reply.tone for r in results].count(Tone.SUCCESS) == 1
    assert all("error id" not in r.reply.body for r in results), [r.reply.body for r in results]
    assert len(await app.log.entries(ALICE.user_id)) == 1
