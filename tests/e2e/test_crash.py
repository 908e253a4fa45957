"""SIGKILL in the middle of a burst of /log commands, many times: no answered log is ever lost.

Each round sends a burst of /log commands through the real client without waiting, kills the bot
at a random moment (before, during or after the answers), restarts it, and checks the database
file itself: every /log that was answered is stored exactly once, nothing unanswered is stored
twice, every stored row is whole (exactly the values sent), and `PRAGMA integrity_check` is ok.
The number of rounds and their total time are bounded so the test stays well under a minute.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from pathlib import Path

import pytest
from driver import Driver
from fake_discord import FakeDiscord
from harness import BotHarness
from liftcoach_ui import main_embed

ROUNDS = 8
BURST = 10
TIME_BUDGET_SECONDS = 25.0
KILL_WINDOW_SECONDS = 0.4


def _stored(database: Path) -> tuple[list[tuple], str]:
    """Every row /log stored (keyed by its note) and the result of SQLite's full integrity check."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT note, exercise, weight_kg, reps, sets, rpe, entered_unit, logged_at FROM set_logs ORDER BY log_id"
        ).fetchall()
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    connection.close()
    return rows, integrity


async def test_no_answered_log_is_lost_when_the_bot_is_killed_mid_burst(
    fake_discord: FakeDiscord, bot: BotHarness, discord: Driver, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("kills the process under a SQLite file; PostgreSQL's durability is the server's")
    database = Path(bot.database_url.removeprefix("sqlite:///"))
    chance = random.Random()
    seed = chance.randrange(1 << 30)
    chance.seed(seed)
    answered: set[str] = set()
    sent: dict[str, tuple] = {}
    started = time.monotonic()
    rounds = 0
    while rounds < ROUNDS and time.monotonic() - started < TIME_BUDGET_SECONDS:
        rounds += 1
        records = []
        for index in range(BURST):
            note = f"crash r{rounds} n{index}"
            weight, reps, sets = 20.0 + index * 2.5, 1 + index % 10, 1 + index % 5
            sent[note] = ("barbell-back-squat", weight, reps, sets)
            records.append((note, await discord.slash(
                "log",
                {"exercise": "Barbell back squat", "weight": weight, "reps": reps, "sets": sets, "note": note},
                wait=False,
            )))
        await asyncio.sleep(chance.uniform(0, KILL_WINDOW_SECONDS))
        await bot.kill()
        for note, record in records:
            if record.response is not None and record.response.type == 4:
                assert main_embed(record)["title"] == "Logged"
                answered.add(note)
            else:
                record.expect_no_answer = True  # the bot died before it could answer
        await bot.start()

        rows, integrity = _stored(database)
        context = f"(seed {seed}, round {rounds})"
        assert integrity == "ok", context
        notes = [row[0] for row in rows]
        duplicates = sorted({note for note in notes if notes.count(note) > 1})
        assert duplicates == [], f"stored twice {context}"
        missing = sorted(answered - set(notes))
        assert missing == [], f"answered but lost {context}"
        for note, exercise, weight_kg, reps, sets, rpe, unit, logged_at in rows:
            assert (exercise, weight_kg, reps, sets) == sent[note], f"half-written row {note!r} {context}"
            assert unit == "kg" and rpe is None and logged_at, f"half-written row {note!r} {context}"

    assert answered, "no /log was answered before any kill; the kill window is too short to test anything"
    history = await discord.slash("history", {"days": 1})
    assert history.response.type == 4, "the bot still answers after the last restart"
