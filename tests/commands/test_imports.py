"""/import and /undo of whole actions, through the real app on a real SQLite file."""

import os
from pathlib import Path

import pytest

from bot.commands.base import Interaction, Upload
from bot.replies import Tone
from tests.helpers import ALICE, BOB, action_of, log_a_whole_day_as_prescribed, run, snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "imports" / "fixtures"
WILD = Path(os.environ.get("WILD_DATA_DIR") or Path(__file__).resolve().parents[2] / ".." / "shared" / "wild-data")


def upload(name: str, folder: Path = FIXTURES) -> Upload:
    return Upload(filename=name, data=(folder / name).read_bytes())


async def import_and_confirm(app, name: str, folder: Path = FIXTURES, caller=ALICE, **options):
    preview = await app.run(caller, "import", {"file": upload(name, folder), **options})
    assert preview.reply.title.startswith("Import preview"), preview.reply.body
    return await app.interact(caller, action_of(preview, "import-confirm"))


async def test_nothing_is_stored_until_confirm_and_cancel_drops_the_file(app):
    await run(app, "help")
    before = await snapshot(app)
    asked = await run(app, "import", file=upload("strong_s1.csv"))
    assert asked.reply.title == "Kilograms or pounds?"
    assert "reads **315**: is that 315 lb (= 142.9 kg) or 315 kg?" in asked.reply.body
    preview = await app.interact(ALICE, action_of(asked, "import-unit", ":lb"))
    assert "9 sets (8 working sets, 1 warm-up set) in 2 sessions" in preview.reply.sections[0].value
    assert (await snapshot(app))["set_logs"] == before["set_logs"]
    cancelled = await app.interact(ALICE, action_of(preview, "import-cancel"))
    assert cancelled.reply.body == "Import cancelled. Nothing was stored."
    assert await snapshot(app) == before
    stale = await app.interact(ALICE, action_of(preview, "import-confirm"))
    assert stale.reply.tone is Tone.ERROR and "no import waiting" in stale.reply.body


async def test_confirm_stores_real_dates_kinds_and_units_and_reimport_changes_nothing(app):
    done = await import_and_confirm(app, "strong_s3.csv")
    assert done.reply.tone is Tone.SUCCESS and "Imported 3 sets from 2 sessions" in done.reply.body
    entries = await app.log.entries(ALICE.user_id, warmups=True)
    assert [(e.exercise, e.weight_kg, e.kind) for e in entries] == [
        ("machine-chest-press", 20.0, "warmup"), ("machine-chest-press", 37.5, "work"),
        ("custom-chest-dip-assisted", 0.0, "work")]
    assert entries[0].logged_at.isoformat() == "2023-01-10T19:00:00+00:00"  # ALICE's zone is UTC
    assert entries[0].note == "Banco a 30°"
    assert len(await app.log.entries(ALICE.user_id)) == 2, "warm-ups count for nothing but history"
    assert [c.name for c in await app.custom_exercises.all(ALICE.user_id)] == ["Chest Dip (Assisted)"]

    before = await snapshot(app)
    again = await run(app, "import", file=upload("strong_s3.csv"))
    assert "was already imported" in again.reply.body
    assert await snapshot(app) == before
    assert await app.log.entries(BOB.user_id, warmups=True) == []


async def test_an_overlapping_export_adds_only_the_new_sets(app):
    await import_and_confirm(app, "fitnotes.csv")
    longer = (FIXTURES / "fitnotes.csv").read_bytes() + b"2025-05-06,Barbell Squat,Legs,85.0,kgs,5,,,\n"
    preview = await run(app, "import", file=Upload(filename="fitnotes-later.csv", data=longer))
    done = await app.interact(ALICE, action_of(preview, "import-confirm"))
    assert "Imported 1 set from" in done.reply.body and "4 sets were already in your log" in done.reply.body
    assert len(await app.log.entries(ALICE.user_id)) == 5


async def test_a_later_export_keeps_one_exercise_per_name_of_your_own(app):
    # Importing a newer export of the same app made a second "Chest Dip (Assisted)" (key ...-2) each
    # time, with no sets: the name resolved to the exercise made the first time, which was made again.
    await import_and_confirm(app, "strong_s3.csv")
    longer = (FIXTURES / "strong_s3.csv").read_bytes() + (
        b'\n"3";"2023-01-14 19:00:00";"Workout #3";"2000";"Chest Dip (Assisted)";"1";"0.0";"9";"";"";"";"";""\n')
    preview = await run(app, "import", file=Upload(filename="strong-later.csv", data=longer))
    done = await app.interact(ALICE, action_of(preview, "import-confirm"))
    assert done.reply.tone is Tone.SUCCESS and "Imported 1 set from" in done.reply.body, done.reply.body
    [dip] = await app.custom_exercises.all(ALICE.user_id)
    assert (dip.key, dip.name) == ("custom-chest-dip-assisted", "Chest Dip (Assisted)")
    entries = await app.log.entries(ALICE.user_id)
    assert [(e.exercise, e.reps) for e in entries if e.exercise.startswith("custom-")] == [
        ("custom-chest-dip-assisted", 8), ("custom-chest-dip-assisted", 9)]


async def test_counted_words_agree_with_their_number(app):
    # Every count read "1 sets", "1 rows read", "Review 1 names", "1 rows over 100 reps".
    data = b"Date,Exercise,Category,Weight,Weight Unit,Reps\n2025-04-29,Zercher Thing,Legs,60,kgs,5\n" \
           b"2025-04-29,Squat,Legs,60,kgs,500\n"
    preview = await run(app, "import", file=Upload(filename="one.csv", data=data))
    assert preview.reply.body.startswith("A FitNotes export: 2 rows read.")
    assert preview.reply.sections[0].value.startswith("1 set (1 working set, 0 warm-up sets) in 1 session,")
    assert preview.reply.sections[1].value == "1 row over 100 reps or 500 kg (first on line 3)"
    assert [b.label for b in preview.reply.buttons] == ["Import 1 set", "Review 1 name", "Cancel"]
    review = await app.interact(ALICE, action_of(preview, "import-review"))
    assert review.reply.body.startswith("**Zercher Thing** (1 set; 1 name left).")
    done = await app.interact(ALICE, action_of(preview, "import-confirm"))
    assert done.reply.body.startswith("Imported 1 set from 1 session, 2025-04-29 to 2025-04-29.")
    undone = await run(app, "undo")
    assert undone.reply.body == "Undid the import of `one.csv`: removed 1 set. You can import the file again."


async def test_review_maps_a_name_and_the_choice_is_remembered_next_time(app):
    preview = await run(app, "import", file=upload("fitnotes.csv"))
    assert "`Barbell Squat`" not in str(preview.reply.sections), "FitNotes' name is in the alias table"
    review = await app.interact(ALICE, action_of(preview, "import-review"))
    assert "**Overhead Press (Each Side, Dumbbells)** (2 sets" in review.reply.body
    assert len(review.reply.menu.choices) <= 25
    assert review.reply.menu.choices[0].value == "custom"
    assert "dumbbell-shoulder-press" in [c.value for c in review.reply.menu.choices]
    after = await app.interact(ALICE, review.reply.menu.action, Interaction(values=("dumbbell-shoulder-press",)))
    assert after.reply.title.startswith("Import preview")  # no unknown names left
    await app.interact(ALICE, action_of(after, "import-confirm"))
    assert {e.exercise for e in await app.log.entries(ALICE.user_id)} == {
        "dumbbell-shoulder-press", "seated-cable-row", "barbell-back-squat"}

    again = (FIXTURES / "fitnotes.csv").read_bytes().replace(b"2025-05-02", b"2025-06-02")
    later = await run(app, "import", file=Upload(filename="june.csv", data=again))
    assert "3 of 3 exercise names match" in str(later.reply.sections)
    other = await app.run(BOB, "import", {"file": Upload(filename="june.csv", data=again)})
    assert "1 unknown" in str(other.reply.sections), "one user's choices never reach another"


async def test_bad_files_are_refused_and_store_nothing(app):
    await run(app, "help")
    before = await snapshot(app)
    for name, data, expected in (
        ("photo.png", b"\x89PNG\r\n\x1a\n", "is not a CSV file"),
        ("empty.csv", b"", "empty"),
        ("strange.csv", b"a,b\n1,2\n", "Line 1 (the header) matches no export I know"),
        ("dates.csv", b"Date,Exercise Name,Weight,Reps\nsoon,Squat,100,5\n", "Line 2: I can't read the date `soon`"),
    ):
        refused = await run(app, "import", file=Upload(filename=name, data=data))
        assert refused.reply.tone is Tone.ERROR and expected in refused.reply.body, refused.reply.body
    assert await snapshot(app) == before


async def test_undo_takes_back_a_whole_import_then_the_log_before_it(app):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    await import_and_confirm(app, "hevy.csv")
    undone = await run(app, "undo")
    assert undone.reply.body == "Undid the import of `hevy.csv`: removed 4 sets. You can import the file again."
    assert [e.exercise for e in await app.log.entries(ALICE.user_id, warmups=True)] == ["barbell-back-squat"]
    back = await import_and_confirm(app, "hevy.csv")
    assert "Imported 4 sets" in back.reply.body
    await run(app, "undo")
    single = await run(app, "undo")
    assert single.reply.body == "Removed 1 × 5 at 100 kg: Barbell back squat."
    nothing = await run(app, "undo")
    assert nothing.reply.tone is Tone.ERROR


async def test_undo_of_log_as_prescribed_reopens_that_day(app):
    today = await log_a_whole_day_as_prescribed(app)
    day = today.reply.title
    assert (await app.users.get(ALICE.user_id)).rotation_index == 1
    before = len(await app.log.entries(ALICE.user_id))
    undone = await run(app, "undo")
    assert undone.reply.body.startswith(f"Undid your last log for {day.removeprefix('Today: ')}: removed ")
    assert undone.reply.body.endswith("is open again in `/today`.")
    assert (await app.users.get(ALICE.user_id)).rotation_index == 0
    assert (await run(app, "today")).reply.title == day
    assert len(await app.log.entries(ALICE.user_id)) < before, "the backfilled /log entries stay"


async def test_undo_of_the_log_that_finished_a_day_reopens_it(app):
    await run(app, "goal", goal="strength")
    today = await run(app, "today")
    names = [section.name.split(". ", 1)[1] for section in today.reply.sections if ". " in section.name]
    for name in names:
        await run(app, "log", exercise=name, weight=40, reps=5)
    assert (await app.users.get(ALICE.user_id)).rotation_index == 1
    undone = await run(app, "undo")
    assert undone.reply.body.endswith("is open again in `/today`.")
    assert (await app.users.get(ALICE.user_id)).rotation_index == 0
    assert len(await app.log.entries(ALICE.user_id)) == len(names) - 1


@pytest.mark.skipif(not WILD.is_dir(), reason=f"the real exports are not here ({WILD.resolve()})")
async def test_a_real_export_imports_once_and_reimporting_changes_nothing(app):
    done = await import_and_confirm(app, "strong-s3-semicolon-quoted.csv", WILD)
    assert "Imported 10141 sets from 547 sessions" in done.reply.body
    before = await snapshot(app)
    again = await run(app, "import", file=upload("strong-s3-semicolon-quoted.csv", WILD))
    assert "was already imported" in again.reply.body
    assert await snapshot(app) == before


async def test_rows_dated_before_1900_are_left_out_and_named_in_the_preview(app):
    data = (b"Date,Exercise Name,Weight,Reps\n0001-01-01 10:00:00,Squat,100,5\n1899-12-31 10:00:00,Squat,100,5\n"
            b"2024-01-01 10:00:00,Squat,100,5\n")
    preview = await run(app, "import", file=Upload(filename="old.csv", data=data), unit="kg")
    assert {s.name: s.value for s in preview.reply.sections}["Left out"] == "2 rows dated before 1900 (first on line 2)"
    await app.interact(ALICE, action_of(preview, "import-confirm"))
    assert [e.logged_at.year for e in await app.log.entries(ALICE.user_id)] == [2024]
