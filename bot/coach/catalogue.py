"""The exercise catalogue: what each exercise trains, what it needs, and how to find it by name."""

import difflib
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.coach.vocabulary import Equipment, Experience, Muscle

DEFAULT_CATALOGUE_PATH = Path(__file__).parent / "data" / "exercises.toml"


class Pattern(StrEnum):
    """Movement patterns; the planner fills session slots by pattern."""

    SQUAT = "squat"
    HINGE = "hinge"
    LUNGE = "lunge"
    HIP_THRUST = "hip_thrust"
    HORIZONTAL_PUSH = "horizontal_push"
    VERTICAL_PUSH = "vertical_push"
    HORIZONTAL_PULL = "horizontal_pull"
    VERTICAL_PULL = "vertical_pull"
    REAR_DELT = "rear_delt"
    LATERAL_RAISE = "lateral_raise"
    CHEST_FLY = "chest_fly"
    ELBOW_FLEXION = "elbow_flexion"
    ELBOW_EXTENSION = "elbow_extension"
    KNEE_FLEXION = "knee_flexion"
    KNEE_EXTENSION = "knee_extension"
    CALF_RAISE = "calf_raise"
    CORE = "core"
    CARRY = "carry"


class Gear(StrEnum):
    """What one exercise is performed with (the user's profile is `Equipment`)."""

    BARBELL = "barbell"
    DUMBBELL = "dumbbell"
    MACHINE = "machine"
    CABLE = "cable"
    BODYWEIGHT = "bodyweight"
    KETTLEBELL = "kettlebell"
    BAND = "band"
    # Bodyweight plus plates on a dip belt: the load is the added load, 0 = bodyweight.
    WEIGHTED_BODYWEIGHT = "weighted_bodyweight"
    # An assisted pull-up / dip machine: the load is the assistance, a negative load.
    ASSISTED = "assisted"


class Kind(StrEnum):
    """Core (multi-joint) lifts and assistance (single-joint) lifts (NSCA 4e Ch. 17)."""

    COMPOUND = "compound"
    ISOLATION = "isolation"


class Measure(StrEnum):
    """How a set is counted: repetitions, seconds held (isometrics) or metres walked (carries)."""

    REPS = "reps"
    SECONDS = "seconds"
    METRES = "metres"


# Skill level 1 suits everyone; 2 needs some training (about 6 months, ACSM 2009 "intermediate");
# 3 is for advanced lifters only (Nordic curls, pistols).
_MAX_DIFFICULTY = {Experience.NOVICE: 1, Experience.INTERMEDIATE: 2, Experience.ADVANCED: 3}


GEAR_BY_PROFILE: dict[Equipment, frozenset[Gear]] = {
    Equipment.GYM: frozenset(Gear),
    Equipment.DUMBBELLS: frozenset({Gear.DUMBBELL, Gear.KETTLEBELL, Gear.BAND, Gear.BODYWEIGHT}),
    Equipment.BODYWEIGHT: frozenset({Gear.BODYWEIGHT, Gear.BAND}),
}


class CatalogueError(Exception):
    """The catalogue file is malformed; the message names the file, the exercise and the field."""


@lru_cache(maxsize=4096)  # catalogue labels are normalised again for every search
def name_words(text: str) -> tuple[str, ...]:
    """The words of a name in any script: NFKC-normalised, case-folded, split at anything that is
    not a letter, mark or digit ('Pull-Up' -> ['pull', 'up'], 'Ｓｑｕａｔ' -> ['squat'], '深蹲' -> ['深蹲'])."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    words, word = [], []
    for char in folded:
        if unicodedata.category(char)[0] in "LMN":
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return tuple(words)


def normalise(text: str) -> str:
    """A name's matching form: 'Pull-Up' == 'pullup' == 'pull up'; '深蹲' stays '深蹲'; '!!!' is ''."""
    return "".join(name_words(text))


class Exercise(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    pattern: Pattern
    primary: tuple[Muscle, ...] = Field(min_length=1)
    secondary: tuple[Muscle, ...] = ()
    equipment: Gear
    kind: Kind
    increment_kg: float = Field(ge=0, le=20, strict=True)
    loadable: bool = Field(strict=True)
    difficulty: int = Field(default=1, ge=1, le=3, strict=True)
    measure: Measure = Measure.REPS
    harder: str | None = None  # the next variation once every set reaches the top of the range
    one_dumbbell: bool = Field(default=False, strict=True)  # one dumbbell (goblet squat): its load is not "per dumbbell"
    ballistic: bool = Field(default=False, strict=True)  # thrown by the hips (a swing): no 1RM, no %1RM
    max_reps: int | None = Field(default=None, ge=1, le=30)  # longest set a coach programs it for
    max_reps_source: str | None = Field(default=None, min_length=3)

    @model_validator(mode="after")
    def _consistent(self) -> "Exercise":
        if self.loadable != (self.increment_kg > 0):
            raise ValueError("a loadable exercise needs increment_kg > 0, a non-loadable one 0")
        if set(self.primary) & set(self.secondary):
            raise ValueError("a muscle cannot be both primary and secondary")
        if self.equipment in (Gear.WEIGHTED_BODYWEIGHT, Gear.ASSISTED) and not self.loadable:
            raise ValueError("a weighted bodyweight or assisted exercise is loadable (added load or assistance)")
        if self.one_dumbbell and self.equipment is not Gear.DUMBBELL:
            raise ValueError("one_dumbbell is for dumbbell exercises")
        if (self.max_reps is None) != (self.max_reps_source is None):
            raise ValueError("max_reps needs its max_reps_source, and only with max_reps")
        if self.assisted and self.harder is None:
            raise ValueError("an assisted exercise names the bodyweight variation it graduates to (harder)")
        return self

    @property
    def assisted(self) -> bool:
        """The load is assistance (a negative load): progress means less of it."""
        return self.equipment is Gear.ASSISTED

    @property
    def added_load(self) -> bool:
        """The load is added to bodyweight (a dip belt): 0 means bodyweight alone."""
        return self.equipment is Gear.WEIGHTED_BODYWEIGHT

    def as_load(self, weight: float) -> float:
        """A typed or stored weight as this exercise's load: an assisted lift's weight is its
        assistance, a negative load; any other weight is the load itself."""
        return -weight if self.assisted else weight

    @property
    def has_1rm(self) -> bool:
        """Whether a logged load gives a 1RM: not for added load or assistance, whose total
        (body mass plus or minus the load) Liftcoach does not know, nor for a ballistic lift (a
        swing), whose load is thrown, not lifted to a limit."""
        return self.loadable and not (self.assisted or self.added_load or self.ballistic)

    @property
    def muscles(self) -> tuple[Muscle, ...]:
        return self.primary + self.secondary

    def suits(self, experience: Experience) -> bool:
        """Whether the skill this exercise asks for suits a lifter of this experience."""
        return self.difficulty <= _MAX_DIFFICULTY[experience]


class Catalogue:
    """Lookup over a validated list of exercises; iteration keeps file order (the planner's preference)."""

    def __init__(self, exercises: list[Exercise]) -> None:
        self._exercises = tuple(exercises)
        self._by_key = {exercise.key: exercise for exercise in exercises}
        self._by_key_view = MappingProxyType(self._by_key)
        self._by_name: dict[str, Exercise] = {}
        self._labels = [
            [normalise(label) for label in (exercise.name, exercise.key, *exercise.aliases)] for exercise in exercises
        ]
        for exercise in exercises:
            for label in (exercise.key, exercise.name, *exercise.aliases):
                self._by_name[normalise(label)] = exercise

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._exercises)

    def __len__(self) -> int:
        return len(self._exercises)

    @property
    def by_key(self) -> Mapping[str, Exercise]:
        """Key -> exercise, read-only: a view shared by every caller, never copied."""
        return self._by_key_view

    def get(self, key: str) -> Exercise:
        """The exercise with exactly this key; KeyError otherwise."""
        return self._by_key[key]

    def find(self, text: str) -> Exercise | None:
        """By key, name or alias, ignoring case, spaces, hyphens and punctuation."""
        return self._by_name.get(normalise(text))

    def suggest(self, text: str, limit: int = 3) -> list[Exercise]:
        """Closest exercises to a misspelt name, best first ("did you mean")."""
        matches = difflib.get_close_matches(normalise(text), list(self._by_name), n=limit * 4, cutoff=0.6)
        return _unique([self._by_name[match] for match in matches])[:limit]

    def search(self, text: str, limit: int = 25) -> list[Exercise]:
        """For autocomplete: exact, then prefix, then substring matches on any label, in file order."""
        query = normalise(text)
        if not query:
            return list(self._exercises[:limit])
        ranked: list[tuple[int, int, Exercise]] = []
        for position, (exercise, labels) in enumerate(zip(self._exercises, self._labels)):
            if query in labels:
                rank = 0
            elif any(label.startswith(query) for label in labels):
                rank = 1
            elif any(query in label for label in labels):
                rank = 2
            else:
                continue
            ranked.append((rank, position, exercise))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return [exercise for _, _, exercise in ranked[:limit]]

    def available(self, equipment: Equipment, experience: Experience = Experience.ADVANCED) -> list[Exercise]:
        """Exercises the user can do with this equipment at this experience, in file order."""
        gear = GEAR_BY_PROFILE[equipment]
        return [
            exercise for exercise in self._exercises if exercise.equipment in gear and exercise.suits(experience)
        ]


def _unique(exercises: list[Exercise]) -> list[Exercise]:
    seen: set[str] = set()
    result = []
    for exercise in exercises:
        if exercise.key not in seen:
            seen.add(exercise.key)
            result.append(exercise)
    return result


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate the catalogue (default: the packaged exercises.toml)."""
    path = path or DEFAULT_CATALOGUE_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{path.name}: not valid TOML: {error}") from error
    entries = raw.get("exercise")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{path.name}: no [[exercise]] entries")

    exercises: list[Exercise] = []
    owner_of_label: dict[str, str] = {}
    keys: set[str] = set()
    for index, entry in enumerate(entries):
        label = entry.get("key", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
        try:
            exercise = Exercise.model_validate(entry)
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(entry)"
            raise CatalogueError(f"{path.name}: exercise '{label}', field {field}: {first['msg']}") from error
        if exercise.key in keys:
            raise CatalogueError(f"{path.name}: exercise '{exercise.key}', field key: duplicate key")
        keys.add(exercise.key)
        for name in {normalise(text) for text in (exercise.key, exercise.name, *exercise.aliases)}:
            owner = owner_of_label.setdefault(name, exercise.key)
            if owner != exercise.key:
                raise CatalogueError(
                    f"{path.name}: exercise '{exercise.key}', field aliases: '{name}' already names '{owner}'"
                )
        exercises.append(exercise)
    for exercise in exercises:
        if exercise.harder is not None and exercise.harder not in keys:
            raise CatalogueError(f"{path.name}: exercise '{exercise.key}', field harder: no exercise '{exercise.harder}'")
    return Catalogue(exercises)
