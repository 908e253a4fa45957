"""/import through the real bot process: an attachment, the unit question, the review menu, the
confirm, then /history, /today and /progress on the imported sets, and /undo of the whole import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from driver import Driver
from fake_discord import InteractionRecord, RecordedFile
from liftcoach_ui import PNG_SIGNATURE, action_ids, button_labels, field_names, main_embed

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"


@pytest.fixture
def discord(shared_discord: Driver) -> Driver:
    return shared_discord


def strong_export(days_ago: tuple[int, ...] = (12, 8, 4)) -> bytes:
    """A Strong S1 file in pounds (which it never says), with a name the catalogue lacks."""
    rows = [HEADER]
    for n, ago in enumerate(days_ago):
        stamp = (datetime.now(UTC) - timedelta(days=ago)).strftime("%Y-%m-%d 07:30:00")
        squat, bench = 225 + 10 * n, 185 + 5 * n
        rows += [
            f'{stamp},"Full body",1h 5m,"Squat (Barbell)",W,135,5.0,0,0.0,"",,',
            *(f'{stamp},"Full body",1h 5m,"Squat (Barbell)",{s},{squat},5.0,0,0.0,,,' for s in (1, 2, 3)),
            *(f'{stamp},"Full body",1h 5m,"Bench Press (Barbell)",{s},{bench},5.0,0,0.0,,,' for s in (1, 2, 3)),
            f'{stamp},"Full body",1h 5m,"Rest Timer",Rest Timer,0,0.0,0,120.0,,,',
            f'{stamp},"Full body",1h 5m,"Sumo Deadlift (Barbell)",1,315,3.0,0,0.0,,,',
        ]
    return "\n".join(rows).encode()


async def _import(discord: Driver, data: bytes, **options: str) -> InteractionRecord:
    record = await discord.slash("import", {"file": RecordedFile("file", "strong.csv", "text/csv", data), **options})
    await record.wait_final()
    return record


async def test_import_with_unit_question_review_and_confirm_feeds_history_today_and_progress(discord: Driver) -> None:
    record = await _import(discord, strong_export())
    assert record.response.type == 5 and record.response.ephemeral, "deferred while the file downloads"
    progress = [e.payload["embeds"][-1]["description"] for e in record.edits if e.payload.get("embeds")]
    assert progress[0] == "Reading `strong.csv`...", "a progress message shows before the answer replaces it"
    asked = main_embed(record.original)
    assert asked["title"] == "Kilograms or pounds?"
    assert "reads **315**: is that 315 lb (= 142.9 kg) or 315 kg?" in asked["description"]
    assert button_labels(record.original)[:2] == ["lb: 315 → 142.9 kg", "kg: 315 kg"]

    lb = next(i for i in record.original.custom_ids() if i.endswith(":lb"))
    preview = await discord.click(record, lb)
    shown = main_embed(preview.original)
    assert shown["title"] == "Import preview: strong.csv"
    assert field_names(preview.original) == ["To import", "Left out", "Exercises"]
    counts = shown["fields"][0]["value"]
    assert "24 sets (21 working sets, 3 warm-up sets) in 3 sessions" in counts and "Loads in lb." in counts
    assert "3 rest-timer rows (first on line 9)" in shown["fields"][1]["value"]
    assert "1 unknown: `Sumo Deadlift (Barbell)`" in shown["fields"][2]["value"]

    review = await discord.click(preview, action_ids(preview.original)["import-review"])
    assert "**Sumo Deadlift (Barbell)** (3 sets" in main_embed(review.original)["description"]
    mapped = await discord.select(review, action_ids(review.original)["import-map"], ["barbell-deadlift"])
    assert "3 of 3 exercise names match" in main_embed(mapped.original)["fields"][2]["value"]

    done = await discord.click(mapped, action_ids(mapped.original)["import-confirm"])
    await done.wait_final()
    assert main_embed(done.original)["title"] == "Imported"
    assert "Imported 24 sets from 3 sessions" in main_embed(done.original)["description"]

    history = await discord.slash("history")
    days = field_names(history)
    assert len(days) == 3
    latest = main_embed(history)["fields"][0]["value"]
    # 135 lb warm-up, then 3 × 5 at 245 lb, in the kg user's own unit; the deadlift was mapped in the review.
    assert "**Barbell back squat** 61.2 kg 1×5 (warm-up), 111.1 kg 3×5" in latest
    assert "**Barbell deadlift** 142.9 kg 1×3" in latest

    await discord.slash("goal", {"goal": "strength"})
    today = await discord.slash("today")
    squat = next(f["value"] for f in main_embed(today)["fields"] if "Barbell back squat" in f["name"])
    assert "Load: **" in squat, "imported squats give /today a working load"

    chart = await (await discord.slash("progress")).wait_final(timeout=30)  # deferred, then drawn
    assert chart.attachments and chart.attachments[0]["filename"].endswith(".png")

    again = await _import(discord, strong_export())
    assert "was already imported" in main_embed(again.original)["description"]

    undone = await discord.slash("undo")
    assert main_embed(undone)["description"] == (
        "Undid the import of `strong.csv`: removed 24 sets. You can import the file again.")
    assert "Nothing logged" in main_embed(await discord.slash("history"))["description"]


async def test_a_file_that_is_not_an_export_is_refused_naming_the_line(discord: Driver) -> None:
    record = await _import(discord, b"name,score\nann,3\n")
    answer = main_embed(record.original)
    assert answer["title"] == "That didn't work"
    assert "Line 1 (the header) matches no export I know" in answer["description"]

    wrong = await discord.slash("import", {"file": RecordedFile("file", "photo.png", "image/png", PNG_SIGNATURE)})
    await wrong.wait_final()
    assert "is not a CSV file" in main_embed(wrong.original)["description"]


async def test_cancel_and_the_unit_option_skip_or_drop_the_preview(discord: Driver) -> None:
    record = await _import(discord, strong_export((3,)), unit="kg")
    assert main_embed(record.original)["title"] == "Import preview: strong.csv"
    assert "Loads in kg." in main_embed(record.original)["fields"][0]["value"]
    keep = await discord.click(record, action_ids(record.original)["import-review"])
    preview = await discord.click(keep, action_ids(keep.original)["import-preview"])
    assert "1 unknown" in main_embed(preview.original)["fields"][2]["value"]
    cancelled = await discord.click(preview, action_ids(preview.original)["import-cancel"])
    assert main_embed(cancelled.original)["description"] == "Import cancelled. Nothing was stored."
    assert "Nothing logged" in main_embed(await discord.slash("history"))["description"]

    lb = await _import(discord, strong_export((3,)))
    chosen = await discord.click(lb, action_ids(lb.original)["import-unit"])
    assert main_embed(chosen.original)["title"] == "Import preview: strong.csv"


async def test_log_backfills_a_past_date_and_refuses_a_future_one(discord: Driver) -> None:
    logged = await discord.slash("log", {"exercise": "Barbell back squat", "weight": 100.0, "reps": 5,
                                         "date": "yesterday"})
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%a %d %b %Y")
    assert f"Logged for {yesterday}." in main_embed(logged)["description"]
    assert field_names(await discord.slash("history")) == [yesterday]

    future = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    refused = await discord.slash("log", {"exercise": "Barbell back squat", "weight": 100.0, "reps": 5,
                                          "date": future})
    assert refused.response.ephemeral and "is in the future" in main_embed(refused)["description"]
