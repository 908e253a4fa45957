from pathlib import Path

import pytest

from bot.coach.catalogue import load_catalogue
from bot.imports.names import AliasError, NameResolver, load_aliases

CATALOGUE = load_catalogue()
RESOLVER = NameResolver(CATALOGUE, load_aliases(CATALOGUE))


@pytest.mark.parametrize(("name", "key"), [
    ("Squat (Barbell)", "barbell-back-squat"),  # plain-equipment suffix, base name is a catalogue alias
    ("Bench Press (Barbell)", "barbell-bench-press"),  # "barbell bench press" is the catalogue name
    ("Bench Press (Dumbbell)", "dumbbell-bench-press"),
    ("Deadlift (Barbell)", "barbell-deadlift"),
    ("Lateral Raise (Cable)", "cable-lateral-raise"),
    ("Bicep Curl (Barbell)", "barbell-curl"),  # alias table: the catalogue's "bicep curl" is a dumbbell curl
    ("Low Bar Squat (Barbel)", "barbell-back-squat"),  # misspelt in a real export
    ("Flat Barbell Bench Press", "barbell-bench-press"),  # FitNotes
    ("Chin Up", "chin-up"),
    ("Bicep Curl (Band)", "band-curl"),
    ("  squat (barbell) ", "barbell-back-squat"),
])
def test_known_names(name, key):
    assert RESOLVER.resolve(name) == key


@pytest.mark.parametrize("name", ["Sumo Deadlift (Barbell)", "Snatch", "Squat (Smith Machine)", "Bicep Curl (Kettlebell)",
                                  "Curl (Kettlebell)"])
def test_relatives_and_other_equipment_stay_unknown(name):
    assert RESOLVER.resolve(name) is None


def test_the_users_earlier_choice_wins():
    assert RESOLVER.resolve("Snatch", {"snatch": "custom-snatch"}) == "custom-snatch"
    assert RESOLVER.resolve("Squat (Barbell)", {"squatbarbell": "barbell-front-squat"}) == "barbell-front-squat"


def test_alias_table_names_only_catalogue_exercises(tmp_path: Path):
    bad = tmp_path / "aliases.toml"
    bad.write_text('[aliases]\nno-such-lift = ["Thing"]\n', encoding="utf-8")
    with pytest.raises(AliasError, match="no-such-lift"):
        load_aliases(CATALOGUE, bad)
    bad.write_text('[aliases]\nbarbell-row = ["Row X"]\nchin-up = ["row x"]\n', encoding="utf-8")
    with pytest.raises(AliasError, match="both"):
        load_aliases(CATALOGUE, bad)
