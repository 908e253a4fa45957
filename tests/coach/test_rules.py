import re
import shutil
from pathlib import Path

import pytest

from bot.coach.rules import DEFAULT_RULES_DIR, LevelRules, RuleBook, RuleTableError, Span, load_rulebook
from bot.coach.vocabulary import Experience, Goal

SPAN_FIELDS = [name for name, info in LevelRules.model_fields.items() if name != "selection"]


@pytest.fixture(scope="module")
def rulebook() -> RuleBook:
    return load_rulebook()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    for path in DEFAULT_RULES_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def corrupt(directory: Path, goal: str, old: str, new: str) -> None:
    path = directory / f"{goal}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_goal_and_level_loads(rulebook: RuleBook) -> None:
    assert set(rulebook.tables) == set(Goal)
    for goal in Goal:
        table = rulebook.table(goal)
        assert table.title and table.summary
        assert set(table.levels) == set(Experience)
        for level in Experience:
            assert rulebook.level(goal, level) is table.levels[level]


@pytest.mark.parametrize("goal", list(Goal))
@pytest.mark.parametrize("level", list(Experience))
def test_every_range_is_ordered_and_cited(rulebook: RuleBook, goal: Goal, level: Experience) -> None:
    rules = rulebook.level(goal, level)
    spans: list[Span] = [getattr(rules, name) for name in SPAN_FIELDS]
    spans.append(rules.selection.exercises_per_session)
    for span in spans:
        assert span.low <= span.high
        assert span.source.strip()
    for cited in (rules.selection.min_compound_share, rules.selection.min_days_per_muscle, rules.selection.weekly_patterns):
        assert cited.source.strip()
    assert 0 <= rules.rir.low <= rules.rir.high <= 5
    assert 1 <= rules.reps.low and rules.reps.high <= 30


def test_every_variable_is_explained(rulebook: RuleBook) -> None:
    for table in rulebook.tables.values():
        for name in LevelRules.model_fields:
            assert getattr(table.explain, name).strip()


@pytest.mark.parametrize("level", list(Experience))
def test_strength_and_hypertrophy_invariants(rulebook: RuleBook, level: Experience) -> None:
    strength, hypertrophy = rulebook.level(Goal.STRENGTH, level), rulebook.level(Goal.HYPERTROPHY, level)
    assert strength.intensity_pct.midpoint > hypertrophy.intensity_pct.midpoint
    assert strength.intensity_pct.low >= hypertrophy.intensity_pct.low
    assert strength.reps.midpoint < hypertrophy.reps.midpoint
    assert strength.reps.high <= hypertrophy.reps.high
    assert strength.rest_seconds.midpoint > hypertrophy.rest_seconds.midpoint
    assert hypertrophy.weekly_sets_per_muscle.midpoint > strength.weekly_sets_per_muscle.midpoint


def test_published_ranges_hold(rulebook: RuleBook) -> None:
    """Spot checks against training-science.md §11 positions."""
    for level in Experience:
        strength = rulebook.level(Goal.STRENGTH, level)
        assert strength.intensity_pct.low >= 80  # ACSM 2026 >= 80%
        assert strength.reps.high <= 6  # NSCA <= 6
        assert 120 <= strength.rest_seconds.low and strength.rest_seconds.high <= 300  # NSCA 2-5 min
        hypertrophy = rulebook.level(Goal.HYPERTROPHY, level)
        assert 67 <= hypertrophy.intensity_pct.low and hypertrophy.intensity_pct.high <= 85
        assert 10 <= hypertrophy.weekly_sets_per_muscle.low and hypertrophy.weekly_sets_per_muscle.high <= 20
        endurance = rulebook.level(Goal.ENDURANCE, level)
        assert endurance.intensity_pct.high <= 70 and endurance.reps.low >= 12
        assert endurance.rest_seconds.high < 90
        health = rulebook.level(Goal.HEALTH, level)
        assert health.selection.min_days_per_muscle.value >= 2  # WHO: >= 2 d/wk


def test_missing_table_is_named(tmp_path: Path) -> None:
    with pytest.raises(RuleTableError, match=r"strength\.toml: goal 'strength', field \(file\)"):
        load_rulebook(tmp_path)


@pytest.mark.parametrize(
    ("goal", "old", "new", "field"),
    [
        ("strength", "[levels.novice.reps]\nlow = 4", '[levels.novice.reps]\nlow = "x"', "levels.novice.reps.low"),
        ("hypertrophy", "[levels.advanced.sets]\nlow = 3", "[levels.advanced.sets]\nlow = 9", "levels.advanced.sets"),
        ("endurance", "[levels.novice.rir]\nlow = 2\nhigh = 4", "[levels.novice.rir]\nlow = 2\nhigh = 7", "levels.novice.rir.high"),
        ("health", 'title = "General health"\n', "", "title"),
        ("health", "[levels.intermediate.rest_seconds]\n", "[levels.intermediate.rest_seconds]\nextra = 1\n", "levels.intermediate.rest_seconds.extra"),
        ("strength", 'goal = "strength"', 'goal = "power"', "goal"),
    ],
    ids=["bad-type", "low-above-high", "rir-out-of-bounds", "missing-field", "unknown-field", "unknown-goal"],
)
def test_broken_table_names_file_goal_and_field(
    rules_copy: Path, goal: str, old: str, new: str, field: str
) -> None:
    corrupt(rules_copy, goal, old, new)
    with pytest.raises(RuleTableError) as error:
        load_rulebook(rules_copy)
    message = str(error.value)
    assert message.startswith(f"{goal}.toml: goal '")
    assert f"field {field}" in message


def test_strength_lighter_than_hypertrophy_is_rejected(rules_copy: Path) -> None:
    corrupt(rules_copy, "strength", "[levels.intermediate.intensity_pct]\nlow = 85\nhigh = 90",
            "[levels.intermediate.intensity_pct]\nlow = 60\nhigh = 70")  # fmt: skip
    with pytest.raises(RuleTableError, match=re.escape(
        "strength.toml: goal 'strength', field levels.intermediate.intensity_pct: must be heavier than hypertrophy"
    )):  # fmt: skip
        load_rulebook(rules_copy)


def test_hypertrophy_volume_below_strength_is_rejected(rules_copy: Path) -> None:
    corrupt(rules_copy, "hypertrophy", "[levels.novice.weekly_sets_per_muscle]\nlow = 10\nhigh = 16",
            "[levels.novice.weekly_sets_per_muscle]\nlow = 3\nhigh = 6")  # fmt: skip
    with pytest.raises(RuleTableError, match=r"hypertrophy\.toml: goal 'hypertrophy', field levels\.novice\.weekly_sets_per_muscle"):
        load_rulebook(rules_copy)


def test_stray_table_for_unknown_goal_is_rejected(rules_copy: Path) -> None:
    shutil.copy(rules_copy / "strength.toml", rules_copy / "power.toml")
    with pytest.raises(RuleTableError, match=r"power\.toml: goal 'power', field goal"):
        load_rulebook(rules_copy)


def test_missing_level_is_rejected(rules_copy: Path) -> None:
    path = rules_copy / "endurance.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("[levels.advanced.intensity_pct]")], encoding="utf-8")
    with pytest.raises(RuleTableError, match=r"endurance\.toml: goal 'endurance', field levels\.advanced: Field required"):
        load_rulebook(rules_copy)
