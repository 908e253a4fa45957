"""Any Strong S1 file the csv module can write reads back set for set (names with commas, quotes,
newlines and emoji; any delimiter; decimal commas with `;`)."""

import csv
import io
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.catalogue import name_words
from bot.coach.vocabulary import Unit
from bot.imports.parser import SetKind, parse_export

HEADER = ["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps", "Distance", "Seconds",
          "Notes", "Workout Notes", "RPE"]
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(",;\"😵‍💫"), min_size=1,
                max_size=30).filter(name_words)  # a name needs a letter or digit; others are skipped rows
rows = st.lists(st.tuples(names, st.sampled_from(["1", "2", "W", "F", "D"]),
                          st.decimals(min_value=0, max_value=400, places=2), st.integers(1, 30)),
                min_size=1, max_size=20)


@settings(max_examples=60, deadline=None)
@given(rows=rows, delimiter=st.sampled_from([",", ";"]))
def test_written_sets_read_back(rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    for name, tag, weight, reps in rows:
        shown = str(weight).replace(".", ",") if delimiter == ";" else str(weight)
        writer.writerow(["2024-03-04 18:00:00", "Day", "1h", name, tag, shown, f"{reps}.0", "0", "0", "", "", ""])
    parsed = parse_export(buffer.getvalue().encode(), zone=ZoneInfo("UTC"), unit=Unit.KG)
    assert parsed.rows_read == len(rows) and len(parsed.sessions) == 1
    assert [(s.exercise, s.weight, s.reps) for s in parsed.sets] == [
        (" ".join(name.split()), float(weight), reps) for name, _, weight, reps in rows]
    assert [s.kind is SetKind.WARMUP for s in parsed.sets] == [tag == "W" for _, tag, _, _ in rows]
