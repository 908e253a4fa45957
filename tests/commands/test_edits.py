"""Editing and deleting logged sets from /history, through the real app."""

from pathlib import Path

from bot.commands.base import Interaction, Upload
from bot.replies import Tone
from tests.helpers import ALICE, BOB, action_of, log_a_whole_day_as_prescribed, run, snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "imports" / "fixtures"


def today_start(app):
    now = app.clock()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


async def open_day(app, day_index: int = 0):
    history = await run(app, "history")
    menu = history.reply.menu
    assert menu is not None and menu.placeholder == "Edit or delete sets of a day..."
    return await app.interact(ALICE, menu.action, Interaction(values=(menu.choices[day_index].value,)))


async def open_set(app, set_index: int = 0):
    day = await open_day(app)
    return await app.interact(ALICE, day.reply.menu.action, Interaction(values=(day.reply.menu.choices[set_index].value,)))


async def test_history_offers_each_shown_day_then_its_sets(app, clock):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    clock.advance(days=1)
    await run(app, "log", exercise="bench", weight=60, reps=8, sets=3)
    history = await run(app, "history")
    assert [c.label for c in history.reply.menu.choices] == ["Tue 24 Nov 2026", "Mon 23 Nov 2026"]
    day = await open_day(app, 1)
    assert day.reply.body == "Mon 23 Nov 2026: 1 set. Pick one to edit or delete, or delete the whole day."
    assert [c.label for c in day.reply.menu.choices] == ["Barbell back squat: 1 × 5 at 100 kg"]
    assert [b.label for b in day.reply.buttons] == ["Delete all of Mon 23 Nov 2026"]


async def test_edit_changes_weight_reps_rpe_and_note_in_the_users_unit(app):
    await run(app, "settings", units="lb")
    await run(app, "log", exercise="squat", weight=225, reps=5)
    chosen = await open_set(app)
    assert chosen.reply.body.endswith("Barbell back squat: 1 × 5 at 225 lb")
    form = (await app.interact(ALICE, action_of(chosen, "set-edit"))).reply.form
    assert [(i.key, i.default) for i in form.inputs] == [("weight", "225"), ("reps", "5"), ("rpe", ""), ("note", "")]
    saved = await app.interact(ALICE, form.action, Interaction(form={"weight": "235", "reps": "4", "rpe": "8,5",
                                                                      "note": "belt"}))
    assert saved.reply.body == "Saved: Barbell back squat: 1 × 4 at 235 lb."
    [entry] = await app.log.entries(ALICE.user_id)
    assert (round(entry.weight_kg, 2), entry.reps, entry.rpe, entry.note) == (106.59, 4, 8.5, "belt")

    before = await snapshot(app)
    for values, expected in (({"weight": "heavy", "reps": "4"}, "is not a number"),
                             ({"weight": "100", "reps": "0"}, "must be between 1 and 100"),
                             ({"weight": "100", "reps": "5", "rpe": "11"}, "must be between 1 and 10")):
        refused = await app.interact(ALICE, form.action, Interaction(form=values))
        assert refused.reply.tone is Tone.ERROR and expected in refused.reply.body
    assert await snapshot(app) == before
    other = await app.interact(BOB, form.action, Interaction(form={"weight": "1", "reps": "1"}))
    assert "someone else's" in other.reply.body


async def test_editing_an_assisted_lift_or_a_hold_speaks_of_assistance_and_seconds(app):
    await run(app, "log", exercise="assisted pull-up", weight=20, reps=8)
    chosen = await open_set(app)
    assert chosen.reply.body.endswith("Assisted pull-up: 1 × 8 at −20 kg assistance")
    form = (await app.interact(ALICE, action_of(chosen, "set-edit"))).reply.form
    assert [(i.label, i.default) for i in form.inputs[:2]] == [("Assistance (kg)", "20"), ("Reps", "8")]
    saved = await app.interact(ALICE, form.action, Interaction(form={"weight": "15", "reps": "8"}))
    assert saved.reply.body == "Saved: Assisted pull-up: 1 × 8 at −15 kg assistance."

    app.clock.advance(days=1)
    await run(app, "log", exercise="plank", weight=0, reps=45)
    chosen = await open_set(app)
    assert chosen.reply.body.endswith("Plank: 1 × 45 s at bodyweight")
    form = (await app.interact(ALICE, action_of(chosen, "set-edit"))).reply.form
    assert [i.label for i in form.inputs[:2]] == ["Weight (kg)", "Seconds"]
    refused = await app.interact(ALICE, form.action, Interaction(form={"weight": "0", "reps": "4.5"}))
    assert refused.reply.body == "Seconds: `4.5` is not a whole number. Nothing was changed."


async def test_deleting_the_last_set_of_a_logged_session_reopens_that_day(app):
    today = await log_a_whole_day_as_prescribed(app)
    assert (await app.users.get(ALICE.user_id)).rotation_index == 1
    session_entries = [e for e in await app.log.entries(ALICE.user_id) if e.session_id is not None]
    assert session_entries
    for entry in session_entries:
        chosen = await app.interact(ALICE, (await open_day(app)).reply.menu.action,
                                    Interaction(values=(str(entry.log_id),)))
        deleted = await app.interact(ALICE, action_of(chosen, "set-delete"))
        assert deleted.reply.body.startswith("Deleted: ")
    assert deleted.reply.body.endswith(f"{today.reply.title.removeprefix('Today: ')} is open again in `/today`.")
    assert (await app.users.get(ALICE.user_id)).rotation_index == 0
    assert await app.log.entries(ALICE.user_id, since=today_start(app)) == []


async def test_deleting_a_day_of_imported_sets_lets_the_file_be_imported_again(app):
    data = (FIXTURES / "fitnotes.csv").read_bytes().replace(b"2025-05-02", b"2026-11-20").replace(
        b"2025-05-04", b"2026-11-21")
    preview = await run(app, "import", file=Upload(filename="fitnotes.csv", data=data))
    await app.interact(ALICE, action_of(preview, "import-confirm"))
    for _ in range(2):
        history = await run(app, "history")
        day = await app.interact(ALICE, history.reply.menu.action,
                                 Interaction(values=(history.reply.menu.choices[0].value,)))
        deleted = await app.interact(ALICE, action_of(day, "day-delete"))
        assert deleted.reply.tone is Tone.SUCCESS and "Deleted" in deleted.reply.body
    assert await app.log.entries(ALICE.user_id, warmups=True) == []
    again = await run(app, "import", file=Upload(filename="fitnotes.csv", data=data))
    assert again.reply.title.startswith("Import preview")
    gone = await app.interact(ALICE, action_of(day, "day-delete"))
    assert gone.reply.tone is Tone.ERROR and "no longer in your log" in gone.reply.body


async def test_a_forged_set_id_too_large_for_the_database_or_not_ascii_is_a_set_no_longer_there(app):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    chosen = await open_set(app)
    before = await snapshot(app)
    for action in ("set-edit", "set-delete"):
        real = action_of(chosen, action)
        prefix = real.rsplit(":", 1)[0]
        for forged in ("9" * 30, "²", "-1"):
            refused = await app.interact(ALICE, f"{prefix}:{forged}")
            assert refused.reply.ephemeral and refused.reply.body.startswith("That set is no longer in your log")
    assert await snapshot(app) == before


async def test_a_day_of_more_sets_than_a_menu_holds_pages_through_all_of_them(app, clock):
    # The day's menu held the first 25 sets: the 26th and later could be neither edited nor deleted.
    for reps in range(1, 31):
        await run(app, "log", exercise="squat", weight=100, reps=reps)
        clock.advance(minutes=1)
    day = await open_day(app)
    assert day.reply.body.endswith("The menu holds sets 1–25 of 30; the buttons show the others.")
    assert [c.label for c in day.reply.menu.choices][-1] == "Barbell back squat: 1 × 25 at 100 kg"
    assert [b.label for b in day.reply.buttons] == ["Sets 26–30 ▶", "Delete all of Mon 23 Nov 2026"]

    later = await app.interact(ALICE, day.reply.buttons[0].action)
    assert later.reply.update_source and "sets 26–30 of 30" in later.reply.body
    assert [c.label for c in later.reply.menu.choices] == [f"Barbell back squat: 1 × {n} at 100 kg" for n in range(26, 31)]
    assert [b.label for b in later.reply.buttons] == ["◀ Sets 1–25", "Delete all of Mon 23 Nov 2026"]
    last = await app.interact(ALICE, later.reply.menu.action, Interaction(values=(later.reply.menu.choices[-1].value,)))
    deleted = await app.interact(ALICE, action_of(last, "set-delete"))
    assert deleted.reply.body == "Deleted: Barbell back squat: 1 × 30 at 100 kg."
    assert sorted(e.reps for e in await app.log.entries(ALICE.user_id)) == list(range(1, 30))

    # Pages shrink as sets go: a page past the end shows the last one, and one page needs no paging.
    for choice in later.reply.menu.choices[:-1]:
        picked = await app.interact(ALICE, later.reply.menu.action, Interaction(values=(choice.value,)))
        await app.interact(ALICE, action_of(picked, "set-delete"))
    stale = await app.interact(ALICE, day.reply.buttons[0].action)
    assert stale.reply.body == "Mon 23 Nov 2026: 25 sets. Pick one to edit or delete, or delete the whole day."
    assert [b.label for b in stale.reply.buttons] == ["Delete all of Mon 23 Nov 2026"]
    assert len(stale.reply.menu.choices) == 25
    forged = await app.interact(ALICE, day.reply.buttons[0].action.replace("|1", "|x"))
    assert forged.reply.tone is Tone.ERROR
