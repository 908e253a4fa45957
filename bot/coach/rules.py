"""Goal rule tables: sourced prescription ranges per goal and experience level, loaded from TOML.

The numbers live in `data/rules/<goal>.toml`; every range carries its `source` (and a `why`
where sources disagree). Loading validates each table and then the cross-table invariants
that make the goals distinct. Nothing is read at import time.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.coach.catalogue import Pattern
from bot.coach.vocabulary import Experience, Goal

DEFAULT_RULES_DIR = Path(__file__).parent / "data" / "rules"


class RuleTableError(Exception):
    """A rule table is malformed; the message names the file, the goal and the field path."""


def _bounded_int(low: int, high: int) -> object:
    return Annotated[int, Field(strict=True, ge=low, le=high)]


def _bounded_float(low: float, high: float) -> object:
    return Annotated[float, Field(strict=True, ge=low, le=high)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Frozen):
    """An inclusive range with the source it comes from."""

    low: Annotated[float, Field(strict=True)]
    high: Annotated[float, Field(strict=True)]
    source: str = Field(min_length=1)
    why: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self

    @property
    def midpoint(self) -> float:
        return (self.low + self.high) / 2


class PercentSpan(Span):
    low: _bounded_float(1, 100)  # type: ignore[valid-type]
    high: _bounded_float(1, 100)  # type: ignore[valid-type]


class RirSpan(Span):
    low: _bounded_int(0, 5)  # type: ignore[valid-type]
    high: _bounded_int(0, 5)  # type: ignore[valid-type]


class RepSpan(Span):
    low: _bounded_int(1, 30)  # type: ignore[valid-type]
    high: _bounded_int(1, 30)  # type: ignore[valid-type]


class SetSpan(Span):
    low: _bounded_int(1, 10)  # type: ignore[valid-type]
    high: _bounded_int(1, 10)  # type: ignore[valid-type]


class RestSpan(Span):
    low: _bounded_int(0, 600)  # type: ignore[valid-type]
    high: _bounded_int(0, 600)  # type: ignore[valid-type]


class WeeklySetSpan(Span):
    low: _bounded_int(1, 40)  # type: ignore[valid-type]
    high: _bounded_int(1, 40)  # type: ignore[valid-type]


class SessionSpan(Span):
    low: _bounded_int(1, 7)  # type: ignore[valid-type]
    high: _bounded_int(1, 7)  # type: ignore[valid-type]


class ExerciseCountSpan(Span):
    low: _bounded_int(1, 15)  # type: ignore[valid-type]
    high: _bounded_int(1, 15)  # type: ignore[valid-type]


class CitedShare(_Frozen):
    value: _bounded_float(0, 1)  # type: ignore[valid-type]
    source: str = Field(min_length=1)
    why: str | None = None


class CitedFrequency(_Frozen):
    value: _bounded_int(1, 7)  # type: ignore[valid-type]
    source: str = Field(min_length=1)
    why: str | None = None


class CitedPatterns(_Frozen):
    value: tuple[Pattern, ...] = Field(min_length=1)
    source: str = Field(min_length=1)
    why: str | None = None


class SelectionRules(_Frozen):
    """How a session's exercises are chosen."""

    exercises_per_session: ExerciseCountSpan
    min_compound_share: CitedShare  # share of a session's exercises that are multi-joint
    min_days_per_muscle: CitedFrequency  # days per week each major muscle is trained directly
    weekly_patterns: CitedPatterns  # movement patterns every week must include


class LevelRules(_Frozen):
    intensity_pct: PercentSpan
    rir: RirSpan
    reps: RepSpan
    sets: SetSpan
    rest_seconds: RestSpan
    weekly_sets_per_muscle: WeeklySetSpan
    sessions_per_week: SessionSpan
    selection: SelectionRules


class Explanations(_Frozen):
    """One plain-language sentence per variable, for /compare."""

    intensity_pct: str = Field(min_length=1)
    rir: str = Field(min_length=1)
    reps: str = Field(min_length=1)
    sets: str = Field(min_length=1)
    rest_seconds: str = Field(min_length=1)
    weekly_sets_per_muscle: str = Field(min_length=1)
    sessions_per_week: str = Field(min_length=1)
    selection: str = Field(min_length=1)


class GoalTable(_Frozen):
    goal: Goal
    title: str = Field(min_length=1, max_length=40)
    summary: str = Field(min_length=1, max_length=200)
    explain: Explanations
    levels: dict[Experience, LevelRules]

    @model_validator(mode="after")
    def _every_level(self) -> "GoalTable":
        missing = [level.value for level in Experience if level not in self.levels]
        if missing:
            raise ValueError(f"missing experience level(s): {', '.join(missing)}")
        return self


@dataclass(frozen=True)
class RuleBook:
    tables: dict[Goal, GoalTable]

    def table(self, goal: Goal) -> GoalTable:
        return self.tables[goal]

    def level(self, goal: Goal, experience: Experience) -> LevelRules:
        return self.tables[goal].levels[experience]


def load_rulebook(directory: Path | None = None) -> RuleBook:
    """Load `<goal>.toml` for every goal from `directory` (default: the packaged tables)."""
    directory = directory or DEFAULT_RULES_DIR
    for path in sorted(directory.glob("*.toml")):
        if path.stem not in Goal._value2member_map_:
            raise RuleTableError(f"{path.name}: goal '{path.stem}', field goal: unknown goal")
    tables = {goal: _load_table(directory / f"{goal.value}.toml", goal) for goal in Goal}
    _check_invariants(tables)
    return RuleBook(tables)


def _load_table(path: Path, goal: Goal) -> GoalTable:
    if not path.is_file():
        raise RuleTableError(f"{path.name}: goal '{goal.value}', field (file): table is missing")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RuleTableError(f"{path.name}: goal '{goal.value}', field (file): not valid TOML: {error}") from error
    declared_goal = raw.get("goal", goal.value)
    levels = raw.get("levels")
    if isinstance(levels, dict):
        for level in Experience:
            if level.value not in levels:
                raise RuleTableError(f"{path.name}: goal '{declared_goal}', field levels.{level.value}: Field required")
    try:
        table = GoalTable.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(table)"
        raise RuleTableError(f"{path.name}: goal '{declared_goal}', field {field}: {first['msg']}") from error
    if table.goal is not goal:
        raise RuleTableError(f"{path.name}: goal '{table.goal.value}', field goal: file declares the wrong goal")
    return table


def _above(upper: Span, lower: Span) -> bool:
    """`upper` sits above `lower`: neither end is lower and the midpoint is strictly higher."""
    return upper.low >= lower.low and upper.high >= lower.high and upper.midpoint > lower.midpoint


def _check_invariants(tables: dict[Goal, GoalTable]) -> None:
    """What makes strength and hypertrophy different goals, checked at every level."""
    strength, hypertrophy = tables[Goal.STRENGTH], tables[Goal.HYPERTROPHY]
    for level in Experience:
        heavy, size = strength.levels[level], hypertrophy.levels[level]
        checks = [
            (Goal.STRENGTH, "intensity_pct", _above(heavy.intensity_pct, size.intensity_pct), "be heavier than"),
            (Goal.STRENGTH, "reps", _above(size.reps, heavy.reps), "prescribe fewer reps than"),
            (Goal.STRENGTH, "rest_seconds", _above(heavy.rest_seconds, size.rest_seconds), "rest longer than"),
            (
                Goal.HYPERTROPHY,
                "weekly_sets_per_muscle",
                _above(size.weekly_sets_per_muscle, heavy.weekly_sets_per_muscle),
                "prescribe more weekly sets than",
            ),
        ]
        for goal, field, holds, relation in checks:
            if not holds:
                other = Goal.HYPERTROPHY if goal is Goal.STRENGTH else Goal.STRENGTH
                mine = getattr(tables[goal].levels[level], field)
                theirs = getattr(tables[other].levels[level], field)
                raise RuleTableError(
                    f"{goal.value}.toml: goal '{goal.value}', field levels.{level.value}.{field}: "
                    f"must {relation} {other.value} ({mine.low}–{mine.high} vs {theirs.low}–{theirs.high})"
                )
