from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.coach.vocabulary import Unit
from bot.config import REPO_PROMPTS_DIR
from bot.imports.formats import Source
from bot.imports.parser import (
    MAX_FILE_BYTES,
    ImportFileError,
    SetKind,
    SkipReason,
    check_file,
    parse_date,
    parse_export,
    parse_number,
    sniff_delimiter,
)
from bot.prompts import Prompts

FIXTURES = Path(__file__).parent / "fixtures"
BERLIN = ZoneInfo("Europe/Berlin")
PROMPTS = Prompts.load(REPO_PROMPTS_DIR)


def parse(name: str, **options):
    return parse_export((FIXTURES / name).read_bytes(), zone=options.pop("zone", BERLIN), **options)


def skipped(parsed) -> dict[str, int]:
    return {reason.value: entry.count for reason, entry in parsed.skipped.items()}


def test_strong_s1_comma_set_tags_and_pseudo_rows():
    parsed = parse("strong_s1.csv")
    assert (parsed.source, parsed.delimiter, parsed.rows_read) == (Source.STRONG, ",", 11)
    assert skipped(parsed) == {"rest_timer": 1, "timed_or_distance": 1}
    assert [s.kind for s in parsed.sets].count(SetKind.WARMUP) == 1
    assert (len(parsed.sets), parsed.working_sets, len(parsed.sessions)) == (9, 8, 2)
    # A repeated bench block and its real duplicate rows stay as they are, in file order.
    assert [s.exercise for s in parsed.sets[:7]] == ["Bench Press (Barbell)"] * 3 + ["Squat (Barbell)"] * 2 + [
        "Bench Press (Barbell)"] * 2
    assert [s.kind for s in parsed.sets[3:5]] == [SetKind.WORK, SetKind.FAILURE]
    assert parsed.sets[-1].kind is SetKind.DROP and parsed.sets[-1].weight == 0
    # Strong S1 writes newlines as the two characters \n; the workout name keeps no trailing space.
    assert parsed.sets[0].note == "Felt good\nnew belt, ok"
    assert parsed.sessions[0].title == "Upper A"
    # Wall-clock time in the user's zone: 18:00 in Berlin in March is 17:00 UTC.
    assert parsed.sessions[0].started_at == datetime(2024, 3, 4, 17, 0, tzinfo=UTC)
    assert parsed.sets[1].reps == 8 and isinstance(parsed.sets[1].reps, int)


def test_a_load_too_heavy_in_either_unit_is_skipped_before_the_unit_question():
    # 1e300 was the "heaviest set" the question asked about, in a button label of 611 characters.
    data = (b"Date,Exercise Name,Weight,Reps\n2026-11-23 10:00:00,Squat,1e300,5\n"
            b"2026-11-23 10:00:00,Squat,1000,5\n2026-11-23 10:00:00,Squat,1200,5\n2026-11-23 10:00:00,Squat,100,5\n")
    parsed = parse_export(data, zone=BERLIN)
    assert skipped(parsed) == {"implausible": 2}
    assert parsed.needs_unit and parsed.unit_sample().weight == 1000, "453.6 kg if lb: the lifter decides"
    assert skipped(parse_export(data, zone=BERLIN, unit=Unit.KG)) == {"implausible": 3}


def test_a_file_without_units_asks_with_its_heaviest_set():
    parsed = parse("strong_s1.csv")
    assert parsed.needs_unit and parsed.units() == set()
    sample = parsed.unit_sample()
    assert (sample.exercise, sample.weight) == ("Deadlift (Barbell)", 315)
    answered = parse("strong_s1.csv", unit=Unit.LB)
    assert not answered.needs_unit and answered.units() == {Unit.LB}
    assert answered.sets[1].weight_kg(Unit.LB) == pytest.approx(61.235, abs=0.001)


def test_chinese_headers_map_by_alias():
    parsed = parse("strong_s1_chinese.csv", unit=Unit.LB)
    assert (parsed.source, len(parsed.sets), parsed.by_position) == (Source.STRONG, 3, False)
    assert parsed.sets[0].weight_kg(Unit.LB) == 20.0  # 44.09245243697551 lb is a 20 kg bar
    assert parsed.sets[0].note == "4x8"


def test_an_unknown_language_falls_back_to_strong_column_positions():
    parsed = parse("strong_s1_swedish.csv", unit=Unit.KG)
    assert parsed.by_position
    assert [(s.exercise, s.weight, s.reps) for s in parsed.sets] == [("Squat (Barbell)", 100, 5),
                                                                      ("Squat (Barbell)", 102.5, 5)]


def test_strong_s2_semicolons_decimal_commas_and_multiline_notes():
    parsed = parse("strong_s2.csv")
    assert (parsed.delimiter, parsed.rows_read, len(parsed.sessions)) == (";", 5, 2)
    first = parsed.sets[0]
    assert (first.weight, first.unit, first.rpe) == (62.5, Unit.KG, 8.5)
    assert first.note == "Ciężko;9;2;1\ndruga linia"
    assert first.line == 2 and parsed.sets[1].line == 4
    assert skipped(parsed) == {"timed_or_distance": 2}
    # A bodyweight pull-up has no weight and no unit: it needs no unit question.
    assert parsed.sets[-1].weight == 0 and not parsed.needs_unit


def test_strong_s3_quoted_with_workout_numbers_and_unit_in_header():
    parsed = parse("strong_s3.csv")
    assert parsed.units() == {Unit.KG}
    assert skipped(parsed) == {"timed_or_distance": 1, "note": 1, "rest_timer": 1}
    assert [(s.kind, s.weight) for s in parsed.sets] == [(SetKind.WARMUP, 20), (SetKind.WORK, 37.5), (SetKind.WORK, 0)]
    assert parsed.sets[0].note == "Banco a 30°"
    assert [s.key for s in parsed.sessions] == ["1", "2"]


def test_hevy_newest_first_set_types_and_timed_rows():
    parsed = parse("hevy.csv")
    assert parsed.source is Source.HEVY
    assert [s.title for s in parsed.sessions] == ["Push, pull", "Legs 🐻‍❄️"]  # oldest first
    assert parsed.sessions[0].started_at == datetime(2025, 3, 2, 17, 0, tzinfo=UTC)
    assert [s.kind for s in parsed.sets] == [SetKind.FAILURE, SetKind.DROP, SetKind.WARMUP, SetKind.WORK]
    assert parsed.sets[0].weight == 61.24 and parsed.sets[0].unit is Unit.KG
    assert parsed.sets[3].rpe == 8.5
    assert skipped(parsed) == {"timed_or_distance": 2}


def test_fitnotes_unquoted_commas_are_rejoined():
    parsed = parse("fitnotes.csv")
    assert (parsed.source, parsed.repaired_rows, len(parsed.sessions)) == (Source.FITNOTES, 2, 2)
    assert skipped(parsed) == {"timed_or_distance": 1}  # a plank logged by its Time column
    assert parsed.sets[0].exercise == "Overhead Press (Each Side, Dumbbells)"
    assert (parsed.sets[0].weight, parsed.sets[0].unit, parsed.sets[0].reps) == (12.5, Unit.KG, 10)
    assert parsed.sets[0] != parsed.sets[1] and parsed.sets[0].weight == parsed.sets[1].weight  # both kept
    # Date only: noon on that day, local time.
    assert parsed.sessions[0].started_at == datetime(2025, 5, 2, 10, 0, tzinfo=UTC)


def test_liftcoach_format_round_trips_keys_units_and_instants():
    parsed = parse("liftcoach.csv", zone=ZoneInfo("America/New_York"))
    assert parsed.source is Source.LIFTCOACH and parsed.units() == {Unit.LB}
    assert [s.exercise_key for s in parsed.sets] == ["barbell-back-squat", "barbell-back-squat", "custom-sled-push"]
    assert parsed.sets[1].performed_at == datetime(2026, 11, 20, 17, 5, tzinfo=UTC)
    assert (parsed.sets[0].kind, parsed.sets[1].note, parsed.sets[1].rpe) == (SetKind.WARMUP, "deep, slow", 8)
    assert len(parsed.sessions) == 1


@pytest.mark.parametrize(("text", "expected"), [("12,5", 12.5), ("8.0", 8.0), (" 44.09245243697551 ", 44.09245243697551),
                                                 ("", None), ("0", 0.0)])
def test_numbers(text, expected):
    assert parse_number(text, "weight", 3) == expected


@pytest.mark.parametrize("text", ["2024-03-04 18:00:00", "4 Mar 2024, 18:00", "04 Mar 2024, 18:00",
                                  "2024-03-04T18:00:00+01:00", "2024-03-04 18:00"])
def test_dates_in_every_app_format(text):
    assert parse_date(text, BERLIN, 2) == datetime(2024, 3, 4, 17, 0, tzinfo=UTC)


def test_delimiter_is_sniffed_outside_quotes():
    assert sniff_delimiter('"a;b",c,d') == ","
    assert sniff_delimiter('"Workout #";"Date";"x,y"') == ";"
    assert sniff_delimiter("a\tb\tc") == "\t"


def error(data: bytes, **options) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        parse_export(data, zone=BERLIN, **options)
    return caught.value


def rendered(problem: ImportFileError) -> str:
    return PROMPTS.text(problem.key, **problem.values)


def test_bad_files_name_the_problem_and_the_line():
    assert error(b"").problem == "empty"
    binary = error(b"Date,Exercise\nok,\x00\x01")
    assert binary.problem == "binary" and "line 2" in rendered(binary)
    latin1 = error("Date,Exercise,Reps\n2024-01-01,Kniebeuge,5\n2024-01-02,Übung,5".encode("latin-1"))
    assert latin1.problem == "binary" and "line 3" in rendered(latin1)
    header = error(b"foo,bar,baz\n1,2,3\n")
    assert header.problem == "header" and "Line 1" in rendered(header) and "foo, bar, baz" in rendered(header)
    date = error(b"Date,Exercise Name,Weight,Reps\n2024-01-01 10:00:00,Squat,100,5\nyesterday,Squat,100,5\n")
    assert date.problem == "date" and "Line 3" in rendered(date) and "yesterday" in rendered(date)
    number = error(b"Date,Exercise Name,Weight,Reps\n2024-01-01 10:00:00,Squat,heavy,5\n")
    assert number.problem == "number" and "Line 2" in rendered(number)
    assert error(b"Date,Exercise Name,Weight,Reps\n2024-01-01 10:00:00,Plank,0,0\n").problem == "no_sets"
    wrong = error((FIXTURES / "hevy.csv").read_bytes(), source=Source.STRONG)
    assert wrong.problem == "wrong_source" and "looks like a hevy export" in rendered(wrong)


def test_file_name_and_size_are_checked_before_reading():
    with pytest.raises(ImportFileError, match="wrong_type"):
        check_file("workouts.xlsx", 100)
    with pytest.raises(ImportFileError, match="too_big"):
        check_file("strong.csv", MAX_FILE_BYTES + 1)
    with pytest.raises(ImportFileError, match="empty"):
        check_file("strong.csv", 0)
    check_file("Strong.CSV", 100)


def test_implausible_and_ragged_rows_are_skipped_and_counted():
    data = (b"Date,Exercise Name,Weight,Reps\n2024-01-01 10:00:00,Squat,100,5\n2024-01-01 10:00:00,Squat,100,500\n"
            b"2024-01-01 10:00:00,Squat,1200,1\n2024-01-01 10:00:00,Squat\n")
    parsed = parse_export(data, zone=BERLIN, unit=Unit.KG)
    assert skipped(parsed) == {"implausible": 2, "ragged": 1}
    assert parsed.skipped[SkipReason.RAGGED].first_line == 5
    assert parsed.rows_read == len(parsed.sets) + sum(skipped(parsed).values())


def test_the_liftcoach_format_written_by_export_reads_back_the_same():
    from bot.imports.liftcoach_format import ExportRow, write_csv

    at = datetime(2026, 11, 20, 17, 5, tzinfo=UTC)
    rows = [
        ExportRow("2026-11-20 #1", at, "Barbell back squat", "barbell-back-squat", 1, "warmup", 60, 5),
        ExportRow("2026-11-20 #1", at, "Barbell back squat", "barbell-back-squat", 2, "work", 102.5, 5, 8.5, "a, b"),
        ExportRow("2026-11-20 #1", at, "Sled push", "custom-sled-push", 1, "work", 61.235, 10),
    ]
    parsed = parse_export(write_csv(rows, Unit.KG), zone=BERLIN)
    assert parsed.source is Source.LIFTCOACH and parsed.units() == {Unit.KG}
    assert [(s.exercise_key, s.weight, s.reps, s.kind.value, s.rpe, s.note, s.performed_at) for s in parsed.sets] == [
        (r.exercise_key, r.weight, r.reps, r.kind, r.rpe, r.note, r.performed_at) for r in rows]


def test_only_liftcoach_files_have_their_formula_quote_taken_off_and_negative_numbers_stay_numbers():
    from bot.imports.liftcoach_format import ExportRow, write_csv

    at = datetime(2026, 11, 20, 17, 5, tzinfo=UTC)
    rows = [ExportRow("-1 day", at, "@dip", "custom-dip", 1, "work", -20, 5, None, "=2*3"),
            ExportRow("-1 day", at, "@dip", "custom-dip", 2, "work", 20, 5, None, "\tx")]
    written = write_csv(rows, Unit.KG).decode()
    assert written.splitlines()[1] == "'-1 day,2026-11-20T17:05:00+00:00,'@dip,custom-dip,1,work,-20,5,,'=2*3"
    parsed = parse_export(written.encode(), zone=BERLIN)
    assert skipped(parsed) == {"implausible": 1}, "-20 was read as the number it is (and no load is negative)"
    [back] = parsed.sets
    assert (back.exercise, back.note, parsed.sessions[0].title) == ("@dip", "x", "-1 day")
    strong = b"Date,Exercise Name,Weight,Reps,Notes\n2024-01-01 10:00:00,'=Squat,100,5,'-x\n"
    [kept] = parse_export(strong, zone=BERLIN, unit=Unit.KG).sets
    assert (kept.exercise, kept.note) == ("'=Squat", "'-x")


def test_rows_whose_exercise_name_is_longer_than_log_takes_are_skipped():
    # A 5,000-character name became an exercise no reply could show (the review step and /progress
    # failed with an error id); /log takes at most 100 characters.
    data = (b"Date,Exercise Name,Weight,Reps\n2024-01-01 10:00:00,Squat,100,5\n"
            b"2024-01-01 10:00:00," + b"A" * 101 + b",100,5\n2024-01-01 10:00:00," + b"B" * 100 + b",100,5\n")
    parsed = parse_export(data, zone=BERLIN, unit=Unit.KG)
    assert skipped(parsed) == {"long_name": 1}
    assert parsed.skipped[SkipReason.LONG_NAME].first_line == 3
    assert sorted(parsed.exercise_names()) == ["B" * 100, "Squat"]


def test_rows_dated_after_today_are_skipped():
    # A phone with a wrong clock dated sets in 2099; they showed in /history as the latest session.
    data = (b"Date,Exercise,Category,Weight,Weight Unit,Reps\n2026-11-23,Squat,Legs,100,kgs,5\n"
            b"2026-11-24,Squat,Legs,100,kgs,5\n2099-01-01,Squat,Legs,100,kgs,5\n")
    parsed = parse_export(data, zone=BERLIN, today=date(2026, 11, 23))
    assert skipped(parsed) == {"future": 2}
    assert parsed.skipped[SkipReason.FUTURE].first_line == 3
    assert [s.performed_at.astimezone(BERLIN).date() for s in parsed.sets] == [date(2026, 11, 23)]
    with pytest.raises(ImportFileError) as only_future:
        parse_export(data.replace(b"2026-11-23", b"2026-11-25"), zone=BERLIN, today=date(2026, 11, 23))
    assert only_future.value.problem == "future" and "after today" in rendered(only_future.value)


def test_rows_dated_at_the_end_of_year_9999_are_skipped_as_future_without_overflowing():
    # Converting 9999-12-31 23:59 in New York (or at -05:00) to UTC overflowed past year 9999.
    data = (b"Date,Exercise Name,Weight,Reps\n2026-11-23 10:00:00,Squat,100,5\n9999-12-31 23:59:59,Squat,100,5\n"
            b"9999-12-31T23:59:59-05:00,Squat,100,5\n")
    parsed = parse_export(data, zone=ZoneInfo("America/New_York"), unit=Unit.KG, today=date(2026, 11, 23))
    assert skipped(parsed) == {"future": 2}
    assert len(parsed.sets) == 1


def test_an_exercise_name_without_a_letter_or_digit_is_a_row_without_an_exercise_name():
    data = "Date,Exercise Name,Weight,Reps\n2026-11-23 10:00:00,\u200b,100,5\n2026-11-23 10:00:00,Squat,100,5\n"
    parsed = parse_export(data.encode(), zone=BERLIN, unit=Unit.KG)
    assert skipped(parsed) == {"no_exercise": 1}
    assert [s.exercise for s in parsed.sets] == ["Squat"]


def test_rows_dated_before_1900_are_skipped_and_counted():
    # Year 1 (a device's zero date) was imported as "Mon 01 Jan 1"; at 00:30 in Berlin it is before
    # the earliest instant Python has, so converting it to UTC overflowed.
    data = (b"Date,Exercise Name,Weight,Reps\n0001-01-01 00:30:00,Squat,100,5\n1899-12-31 23:59:59,Squat,100,5\n"
            b"1900-01-01 00:00:00,Squat,100,5\n0001-01-01 00:30:00,Squat,100,5\n")
    parsed = parse_export(data, zone=BERLIN, unit=Unit.KG)
    assert skipped(parsed) == {"too_early": 3}
    assert parsed.skipped[SkipReason.TOO_EARLY].first_line == 2
    assert [s.performed_at.astimezone(BERLIN).date() for s in parsed.sets] == [date(1900, 1, 1)]
    assert parsed.rows_read == len(parsed.sets) + 3
    with pytest.raises(ImportFileError) as only_early:
        parse_export(data.replace(b"1900-01-01", b"0900-01-01"), zone=BERLIN, unit=Unit.KG)
    assert only_early.value.problem == "too_early" and "before 1900" in rendered(only_early.value)
