"""Console mode drives the real command handlers and renders the same replies for a terminal."""

import io
import os
import subprocess
import sys
import time

import pytest

from bot.coach.vocabulary import Experience, Goal
from bot.commands.formatting import duration_span, span
from bot.console import ConsoleSession, console_user_id, parse_line, run_console

KNOWN = ["goal", "today", "remind set", "remind off", "log"]


async def transcript(app, script: str) -> str:
    """What `sam` sees after typing `script` (one command or answer per line) into the console."""
    output = io.StringIO()
    await run_console(app, "sam", io.StringIO(script), output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("line", "parsed"),
    [
        ("/today", ("today", {})),
        ("/goal goal:strength days:3", ("goal", {"goal": "strength", "days": "3"})),
        ("/remind set days:mon,thu time:18:00", ("remind set", {"days": "mon,thu", "time": "18:00"})),
        ('/log exercise:"bench press" weight:60 reps:8', ("log", {"exercise": "bench press", "weight": "60", "reps": "8"})),
        ("/log exercise:bench press weight:60 reps:8 note:felt good", ("log", {"exercise": "bench press", "weight": "60", "reps": "8", "note": "felt good"})),
        ("/goal strength", None),
        ("   ", None),
    ],
)
def test_parse_line(line, parsed):
    assert parse_line(line, KNOWN) == parsed


def test_console_users_get_stable_negative_ids():
    assert console_user_id("sam") == console_user_id("sam") < 0
    assert console_user_id("sam") != console_user_id("kim")


async def test_strength_novice_three_days_prints_the_strength_table_session(app):
    text = await transcript(app, "/goal goal:strength experience:novice days:3\n/today\n")
    rules = app.rules.level(Goal.STRENGTH, Experience.NOVICE)
    assert f"{span(rules.reps.low, rules.reps.high)} reps" in text
    assert f"{span(rules.intensity_pct.low, rules.intensity_pct.high)}% 1RM" in text
    today = text.split("== Today:")[1]
    for line in today.splitlines():
        if " × " in line:
            sets = int(line.split(" × ")[0])
            assert rules.sets.low <= sets <= rules.sets.high
            rest = line.split("rest ")[1]
            assert rest in {duration_span(s, s) for s in range(int(rules.rest_seconds.low), int(rules.rest_seconds.high) + 1)}
    assert text.count(app.prompts.disclaimer) == 2


async def test_buttons_menus_and_forms_work_in_the_console(app):
    text = await transcript(app, (
        "/today\n"
        "/select hypertrophy\n"
        "/today\n"
        "/click 9\n"
        "/click 2\n"
        "Barbell bench press: 50 x 10, 10, 9\n"
        "\n"
        "\n"  # no pain to report: the optional second field left empty
        "/history\n"
        "/click 1\n"
    ))
    assert "What are you training for?" in text
    assert "Logged 3 entries" in text
    assert "Barbell bench press 50 kg 10/10/9" in text
    assert "There is no such button" in text
    assert "The last reply had no buttons to press." in text


async def test_progress_writes_a_png_and_prints_its_path(app, settings):
    session = ConsoleSession(app, "sam", io.StringIO())
    await session.handle("/log exercise:squat weight:100 reps:5")
    await session.handle("/progress")
    text = session.output.getvalue()
    path = settings.charts_dir / "progress.png"
    assert f"[file] {path}" in text
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


async def test_switching_user_keeps_data_apart(app):
    session = ConsoleSession(app, "sam", io.StringIO())
    await session.handle("/log exercise:squat weight:100 reps:5")
    await session.handle("/user kim")
    await session.handle("/undo")
    assert "nothing in your log" in session.output.getvalue()


async def test_bad_syntax_gets_a_clear_reply(app):
    session = ConsoleSession(app, "sam", io.StringIO())
    await session.handle("/goal strength")
    text = session.output.getvalue()
    assert "name:value" in text and app.prompts.disclaimer in text


def test_the_real_entry_point_runs_console_mode_without_a_token(tmp_path, database_url):
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/goal goal:strength experience:novice days:3\n/today\n",
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "== Today: Full body A ==" in result.stdout
    assert "not medical advice" in result.stdout


async def test_choices_ignore_case_in_the_console(app):
    """Why: console mode refused `goal:STRENGTH`."""
    text = await transcript(app, "/goal goal:STRENGTH experience:Novice\n/compare first:Hypertrophy\n")
    assert "== Strength (maximal force) · novice ==" in text
    assert "== Hypertrophy (muscle size) vs Strength (maximal force) ==" in text
    assert "must be one of" not in text


async def test_import_steps_are_typed_commands_in_the_console(app, tmp_path):
    fixtures = os.path.join(os.path.dirname(__file__), "imports", "fixtures")
    text = await transcript(app, (
        f"/import file:{fixtures}/strong_s1.csv\n/click 1\n"  # the unit question: lb
        f"/import file:{tmp_path}/missing.csv\n"
        f"/import file:{fixtures}/fitnotes.csv\n/click 2\n/select dumbbell-shoulder-press\n/click 1\n"
    ))
    assert "... Reading `strong_s1.csv`..." in text
    assert "[1] lb: 315 → 142.9 kg  [2] kg: 315 kg  [3] Cancel" in text
    assert "Loads in lb." in text
    assert "I can't read the file" in text and "missing.csv" in text
    assert "This exercise is...: custom, " in text
    assert "Imported 4 sets from 2 sessions, 2025-05-02 to 2025-05-04." in text
    assert {e.exercise for e in await app.log.entries(console_user_id("sam"))} >= {"dumbbell-shoulder-press"}


async def test_the_console_shows_the_why_line_plates_rest_countdown_and_notes(app, clock):
    text = await transcript(app, (
        "/goal goal:strength days:3\n"
        "/log exercise:squat weight:80 reps:5 sets:2 rpe:8 note:felt good\n"
        "/today\n/history\n"
    ))
    assert "Rest 3 min: next set " in text and "<t:" not in text, "the countdown reads as a time"
    assert "Plates per side: 25 + 5 (on a 20 kg bar)" in text
    assert "Warm-up: 20 kg × 8" in text
    assert "Why: held: 0 of 2 sets reached 6" in text
    assert "Swap an exercise" in text
    assert "felt good" in text.split("== Your training log ==")[1]


@pytest.fixture
def terminal_in_new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_times_show_in_the_terminals_time_zone_as_discord_shows_them_in_the_readers(
        app, clock, terminal_in_new_york):
    text = await transcript(app, "/goal goal:strength days:3\n/log exercise:squat weight:80 reps:5 rpe:8\n")
    assert "next set Mon 23 Nov 2026 04:03 EST" in text, "09:00 UTC and 3 minutes' rest"


async def test_the_console_shows_added_load_assistance_and_owned_kettlebells(app, clock):
    """Issue 8 kinds in the console: the same replies as Discord."""
    text = await transcript(app, (
        "/goal goal:hypertrophy days:3\n"
        "/log exercise:weighted dip weight:5 reps:8 sets:3\n"
        "/log exercise:assisted dip weight:25 reps:10 sets:2\n"
        "/equipment kettlebells:8,16,24\n/history\n"
    ))
    assert "3 × 8 at +5 kg: Weighted dip." in text and "2 × 10 at −25 kg assistance: Assisted dip." in text
    assert "kettlebells 8, 16, 24 kg" in text
    log = text.split("== Your training log ==")[1]
    assert "+5 kg 3×8" in log and "−25 kg assistance 2×10" in log


async def test_the_console_keeps_discords_cooldowns_on_the_apps_clock(app, clock):
    session = ConsoleSession(app, "sam", io.StringIO())
    for _ in range(3):
        await session.handle("/progress")
    await session.handle("/export")
    await session.handle("/export")
    text = session.output.getvalue()
    assert text.count("Slow down a little: try again in") == 2, "the third /progress and the second /export"
    assert "try again in 30 s" in text and "try again in 60 s" in text
    clock.advance(seconds=60)
    session.output = io.StringIO()
    await session.handle("/progress")
    await session.handle("/export")
    assert "Slow down" not in session.output.getvalue()


async def test_a_command_groups_name_alone_lists_its_commands(app):
    # "/remind" alone answered "There is no command called /remind", though /help lists /remind.
    session = ConsoleSession(app, "sam", io.StringIO())
    await session.handle("/remind")
    text = session.output.getvalue()
    assert "`/remind` needs one more word: `/remind set`, `/remind off`, or `/remind status`." in text
