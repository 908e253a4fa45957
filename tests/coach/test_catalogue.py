from pathlib import Path

import pytest

from bot.coach.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    GEAR_BY_PROFILE,
    Catalogue,
    CatalogueError,
    Gear,
    Kind,
    Pattern,
    load_catalogue,
)
from bot.coach.vocabulary import Equipment


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_catalogue_is_large_and_unique(catalogue: Catalogue) -> None:
    assert len(catalogue) >= 60
    keys = [exercise.key for exercise in catalogue]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("bench", "barbell-bench-press"),
        ("rdl", "romanian-deadlift"),
        ("RDL", "romanian-deadlift"),
        ("ohp", "overhead-press"),
        ("Squat", "barbell-back-squat"),
        ("  pull up ", "pull-up"),
        ("PULLUP", "pull-up"),
        ("Barbell Bench-Press", "barbell-bench-press"),
        ("barbell-deadlift", "barbell-deadlift"),
    ],
)
def test_find_by_key_name_or_alias(catalogue: Catalogue, text: str, key: str) -> None:
    found = catalogue.find(text)
    assert found is not None and found.key == key


def test_find_unknown_returns_none(catalogue: Catalogue) -> None:
    assert catalogue.find("underwater basket weaving") is None


def test_get_requires_exact_key(catalogue: Catalogue) -> None:
    assert catalogue.get("overhead-press").name == "Overhead press"
    with pytest.raises(KeyError):
        catalogue.get("ohp")


def test_suggest_did_you_mean(catalogue: Catalogue) -> None:
    assert catalogue.suggest("benchpress")[0].key == "barbell-bench-press"
    assert catalogue.suggest("romanain deadlift")[0].key == "romanian-deadlift"
    assert len(catalogue.suggest("squatt", limit=2)) <= 2
    assert catalogue.suggest("zzzzzzzz") == []


def test_search_ranks_exact_then_prefix_then_substring(catalogue: Catalogue) -> None:
    results = [exercise.key for exercise in catalogue.search("curl")]
    assert results[0] == "barbell-curl"  # alias "curl" is exact
    assert "lying-leg-curl" in results  # substring
    assert len(catalogue.search("", limit=5)) == 5
    assert catalogue.search("press", limit=3)[0].key == "overhead-press"


@pytest.mark.parametrize("profile", list(Equipment))
def test_equipment_filtering(catalogue: Catalogue, profile: Equipment) -> None:
    available = catalogue.available(profile)
    assert all(exercise.equipment in GEAR_BY_PROFILE[profile] for exercise in available)
    patterns = {exercise.pattern for exercise in available}
    # Every profile can train every pattern a split needs (carry and rear-delt work may need weights).
    needed = set(Pattern) - {Pattern.CARRY}
    assert needed <= patterns


def test_profiles_nest(catalogue: Catalogue) -> None:
    gym = {exercise.key for exercise in catalogue.available(Equipment.GYM)}
    dumbbells = {exercise.key for exercise in catalogue.available(Equipment.DUMBBELLS)}
    bodyweight = {exercise.key for exercise in catalogue.available(Equipment.BODYWEIGHT)}
    assert bodyweight < dumbbells < gym == {exercise.key for exercise in catalogue}
    assert not any(catalogue.get(key).equipment is Gear.BARBELL for key in dumbbells)


def test_loadable_exercises_have_increments(catalogue: Catalogue) -> None:
    for exercise in catalogue:
        assert exercise.loadable == (exercise.increment_kg > 0)
        if exercise.equipment in (Gear.BODYWEIGHT, Gear.BAND):
            assert not exercise.loadable
    assert catalogue.get("barbell-bench-press").increment_kg == 2.5
    assert catalogue.get("barbell-deadlift").increment_kg == 5.0
    assert catalogue.get("barbell-bench-press").kind is Kind.COMPOUND
    assert catalogue.get("dumbbell-lateral-raise").kind is Kind.ISOLATION


def test_weighted_bodyweight_and_assisted_kinds(catalogue: Catalogue) -> None:
    """Issue 8 kinds: added load on a belt and assistance (a negative load) are their own kinds,
    and neither gives a 1RM (the body mass is unknown); an assisted lift graduates to bodyweight."""
    weighted, assisted = catalogue.get("weighted-dip"), catalogue.get("assisted-pull-up")
    assert weighted.added_load and not weighted.has_1rm and weighted.as_load(10) == 10
    assert assisted.assisted and not assisted.has_1rm and assisted.as_load(20) == -20
    assert catalogue.get(assisted.harder).equipment is Gear.BODYWEIGHT
    assert catalogue.get("barbell-back-squat").has_1rm
    assert {e.key for e in catalogue if e.assisted} == {"assisted-pull-up", "assisted-dip"}
    assert {e.key for e in catalogue if e.added_load} == {"weighted-pull-up", "weighted-chin-up", "weighted-dip"}


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "exercises.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('primary = ["chest"]', 'primary = ["pecs"]', "exercise 'barbell-bench-press', field primary.0"),
        ('aliases = ["front squat"]', 'aliases = ["front squat", "bench"]', "exercise 'barbell-bench-press', field aliases: 'bench' already names 'barbell-front-squat'"),
        ('key = "barbell-front-squat"', 'key = "barbell-back-squat"', "exercise 'barbell-back-squat', field key: duplicate key"),
        ("increment_kg = 2.5\nloadable = true", "increment_kg = 2.5\nloadable = false", "exercise 'barbell-back-squat'"),
        ('equipment = "assisted"\nkind = "compound"\nincrement_kg = 5.0\nloadable = true\nharder = "pull-up"\n',
         'equipment = "assisted"\nkind = "compound"\nincrement_kg = 5.0\nloadable = true\n',
         "exercise 'assisted-pull-up', field (entry): Value error, an assisted exercise names the bodyweight"),
        ('equipment = "weighted_bodyweight"\nkind = "compound"\nincrement_kg = 1.25\nloadable = true',
         'equipment = "weighted_bodyweight"\nkind = "compound"\nincrement_kg = 0.0\nloadable = false',
         "exercise 'weighted-dip', field (entry): Value error, a weighted bodyweight or assisted exercise is loadable"),
    ],
    ids=["unknown-muscle", "duplicate-alias", "duplicate-key", "loadable-mismatch", "assisted-without-graduation",
         "weighted-not-loadable"],
)
def test_broken_catalogue_is_rejected(tmp_path: Path, old: str, new: str, expected: str) -> None:
    with pytest.raises(CatalogueError, match="exercises.toml: ") as error:
        load_catalogue(_broken_copy(tmp_path, old, new))
    assert expected in str(error.value)
