"""The six real exports in ../shared/wild-data (never copied into the project).

Expected counts are computed here with the csv module and the facts in the data's README, not
with the importer: Rest Timer and Note rows are pseudo-rows; a row is a set when it has at
least one rep; over 100 reps or 500 kg is implausible; `W`/`warmup` marks a warm-up.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.coach.catalogue import load_catalogue
from bot.coach.units import KG_PER_LB
from bot.coach.vocabulary import Unit
from bot.imports.names import NameResolver, load_aliases
from bot.imports.parser import parse_export

# Beside the project checkout; WILD_DATA_DIR points elsewhere (a git worktree lives one level deeper).
WILD = Path(os.environ.get("WILD_DATA_DIR") or Path(__file__).resolve().parents[2] / ".." / "shared" / "wild-data")
pytestmark = pytest.mark.skipif(
    not WILD.is_dir(), reason=f"the real exports are not here ({WILD.resolve()}); they are never copied into the repo"
)
CATALOGUE = load_catalogue()
RESOLVER = NameResolver(CATALOGUE, load_aliases(CATALOGUE))


@dataclass(frozen=True)
class Layout:
    file: str
    delimiter: str
    records: int  # from the README
    session: tuple[int, ...]  # columns that identify a workout
    exercise: int
    set_tag: int | None  # Strong Set Order or Hevy set_type
    weight: int
    reps: int
    distance: int | None
    seconds: int | None
    lb: bool  # the file's loads are pounds
    lifts: dict[str, str | None]  # name in the file -> catalogue key (None: only the heaviest set is checked)


LAYOUTS = [
    Layout("strong-s1-comma-lb-settags.csv", ",", 23_709, (0,), 3, 4, 5, 6, 7, 8, True,
           {"Squat (Barbell)": "barbell-back-squat", "Bench Press (Barbell)": "barbell-bench-press",
            "Deadlift (Barbell)": "barbell-deadlift"}),
    Layout("strong-s1-chinese-headers.csv", ",", 6_778, (0,), 3, 4, 5, 6, 7, 8, True,
           {"Hack Squat": "hack-squat", "Bench Press (Barbell)": "barbell-bench-press",
            "Deadlift (Barbell)": "barbell-deadlift"}),
    Layout("strong-s2-semicolon-decimal-comma.csv", ";", 5_729, (0,), 2, 3, 4, 6, 8, 10, False,
           {"Squat (Barbell)": "barbell-back-squat", "Bench Press (Barbell)": "barbell-bench-press",
            "Deadlift (Barbell)": "barbell-deadlift"}),
    Layout("strong-s3-semicolon-quoted.csv", ";", 10_588, (0,), 4, 5, 6, 7, 9, 10, False,
           {"Squat (Barbell)": "barbell-back-squat", "Bench Press (Barbell)": "barbell-bench-press",
            "Deadlift (Barbell)": "barbell-deadlift"}),
    Layout("hevy-kg-miles-multiline.csv", ",", 13_650, (1, 0), 4, 8, 9, 10, 11, 12, False,
           {"Squat (Barbell)": "barbell-back-squat", "Bench Press (Barbell)": "barbell-bench-press",
            "Deadlift (Barbell)": "barbell-deadlift"}),
    Layout("fitnotes-9col-unquoted-commas.csv", ",", 1_624, (0,), 1, None, 3, 5, 6, 8, False,
           {"Barbell Squat (Each Side)": None, "Bench Press (With Bar, Each Side)": None,
            "Flat Barbell Bench Press (Each Side) (Smith Machine)": None, "Sumo Deadlift": None}),
]


def number(text: str) -> float:
    return float(text.strip().replace(",", ".")) if text.strip() else 0.0


@dataclass
class Expected:
    rows: int = 0
    sets: int = 0
    warmups: int = 0
    skipped: int = 0
    rest_timers: int = 0
    sessions: int = 0
    heaviest_kg: dict[str, float] | None = None


def expected(layout: Layout) -> Expected:
    with (WILD / layout.file).open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file, delimiter=layout.delimiter))[1:]
    result = Expected(rows=len(rows), heaviest_kg={})
    sessions = set()
    for row in rows:
        if len(row) == 10 and layout.file.startswith("fitnotes"):
            row = [row[0], f"{row[1]},{row[2]}", *row[3:]]  # the README: an unquoted comma in the name
        tag = row[layout.set_tag] if layout.set_tag is not None else ""
        if tag in ("Rest Timer", "Note"):
            result.skipped += 1
            result.rest_timers += tag == "Rest Timer"
            continue
        reps = round(number(row[layout.reps]))
        kg = number(row[layout.weight]) * (KG_PER_LB if layout.lb else 1)
        if reps < 1 or reps > 100 or kg > 500:
            result.skipped += 1
            continue
        result.sets += 1
        result.warmups += tag in ("W", "warmup")
        sessions.add(tuple(row[i] for i in layout.session))
        name = " ".join(row[layout.exercise].split())
        if name in layout.lifts:
            result.heaviest_kg[name] = max(result.heaviest_kg.get(name, 0.0), kg)
    result.sessions = len(sessions)
    return result


@pytest.fixture(scope="module", params=LAYOUTS, ids=lambda layout: layout.file)
def imported(request):
    layout: Layout = request.param
    parsed = parse_export((WILD / layout.file).read_bytes(), zone=ZoneInfo("Europe/London"),
                          unit=Unit.LB if layout.lb else None)
    return layout, parsed, expected(layout)


def test_counts_match_the_file(imported):
    layout, parsed, want = imported
    assert parsed.rows_read == want.rows == layout.records
    assert len(parsed.sessions) == want.sessions
    assert (len(parsed.sets), parsed.working_sets, parsed.warmups) == (want.sets, want.sets - want.warmups,
                                                                       want.warmups)
    assert sum(entry.count for entry in parsed.skipped.values()) == want.skipped
    assert parsed.skipped.get("rest_timer", None) is None or parsed.skipped["rest_timer"].count == want.rest_timers
    assert not parsed.needs_unit


def test_heaviest_lifts_within_a_tenth_of_a_kilo(imported):
    layout, parsed, want = imported
    assert want.heaviest_kg.keys() == layout.lifts.keys(), "a lift named in the test is missing from the file"
    for name, key in layout.lifts.items():
        sets = [s for s in parsed.sets if s.exercise == name]
        heaviest = max(s.weight_kg(parsed.file_unit or Unit.KG) for s in sets)
        assert heaviest == pytest.approx(want.heaviest_kg[name], abs=0.1), name
        if key is not None:
            assert RESOLVER.resolve(name) == key


def test_readme_facts_hold_for_the_importer():
    """Spot checks straight from the README: pseudo-rows, warm-up tags, repaired FitNotes rows."""
    s1 = parse_export((WILD / "strong-s1-comma-lb-settags.csv").read_bytes(), zone=ZoneInfo("UTC"), unit=Unit.LB)
    assert s1.skipped["rest_timer"].count == 821
    s3 = parse_export((WILD / "strong-s3-semicolon-quoted.csv").read_bytes(), zone=ZoneInfo("UTC"))
    assert (s3.skipped["rest_timer"].count, s3.skipped["note"].count) == (118, 6)
    hevy = parse_export((WILD / "hevy-kg-miles-multiline.csv").read_bytes(), zone=ZoneInfo("UTC"))
    assert hevy.warmups == 1024 and len(hevy.sessions) == 773
    fitnotes = parse_export((WILD / "fitnotes-9col-unquoted-commas.csv").read_bytes(), zone=ZoneInfo("UTC"))
    assert fitnotes.repaired_rows == 99 and len(fitnotes.sessions) == 78
    assert Counter(s.exercise for s in fitnotes.sets)["Overhead Press (Each Side, Dumbbells)"] == 84
    unitless = parse_export((WILD / "strong-s1-chinese-headers.csv").read_bytes(), zone=ZoneInfo("UTC"))
    # Its heaviest set reads 297.62: 135 kg plates entered in a kg app and exported as pounds.
    assert unitless.needs_unit and unitless.unit_sample().weight == pytest.approx(135 / KG_PER_LB)
