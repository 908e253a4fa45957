"""Real loading: which loads a lifter's equipment can make, in their own unit.

Everything here works in the user's unit (kg or lb), never in converted kilograms, so a
load that is held is shown exactly as it was logged and kg and lb users each get loads on
their own plates. The numbers live in `data/loading.toml`, each with its source; they are
validated when the bot starts (`load_loading`).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.coach.catalogue import Exercise, Gear
from bot.coach.vocabulary import Unit

DEFAULT_LOADING_PATH = Path(__file__).parent / "data" / "loading.toml"
_EPSILON = 1e-6

Positive = Annotated[float, Field(gt=0, le=250)]
Source = Annotated[str, Field(min_length=3)]


class LoadingError(Exception):
    """loading.toml is malformed; the message names the file and the field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EquipmentProfile(_Frozen):
    """A lifter's equipment in one unit: bar, smallest plate pair, dumbbell, stack and bell steps."""

    bar: Positive
    bar_source: Source
    plate_pair: Positive
    plate_pair_source: Source
    dumbbell_step: Positive
    dumbbell_step_source: Source
    machine_step: Positive
    machine_step_source: Source
    kettlebell_sizes: tuple[Positive, ...] = Field(min_length=1)
    kettlebell_sizes_source: Source
    plates: tuple[Positive, ...] = Field(min_length=1)
    plates_source: Source
    assistance_max: Positive
    assistance_max_source: Source

    @model_validator(mode="after")
    def _sorted(self) -> EquipmentProfile:
        if list(self.kettlebell_sizes) != sorted(set(self.kettlebell_sizes)):
            raise ValueError("kettlebell_sizes must be strictly increasing")
        if list(self.plates) != sorted(set(self.plates), reverse=True):
            raise ValueError("plates must be strictly decreasing")
        if min(self.plates) * 2 > self.plate_pair + _EPSILON:
            raise ValueError("plate_pair must be makeable from the smallest plate")
        return self


class ProgressionRules(_Frozen):
    max_rise: Annotated[float, Field(gt=0, le=0.10)]
    max_rise_source: Source
    two_for_two_sessions: Annotated[int, Field(ge=1, le=4)]
    two_for_two_sessions_source: Source
    fails_before_deload: Annotated[int, Field(ge=2, le=6)]
    fails_before_deload_source: Source
    sessions_without_progress: Annotated[int, Field(ge=3, le=12)]
    sessions_without_progress_source: Source
    break_days: Annotated[int, Field(ge=8, le=60)]
    break_days_source: Source
    deload_cut: Annotated[float, Field(gt=0, le=0.2)]
    deload_cut_source: Source
    deload_floor: Annotated[float, Field(ge=0.5, lt=1)]
    deload_floor_source: Source
    deload_extra_rir: Annotated[int, Field(ge=1, le=4)]
    deload_extra_rir_source: Source
    jump_reps_max: Annotated[int, Field(ge=12, le=50)]
    jump_reps_max_source: Source
    reliable_reps: Annotated[int, Field(ge=1, le=12)]
    reliable_reps_source: Source
    rpe_anchored_reps: Annotated[int, Field(ge=1, le=12)]
    rpe_anchored_reps_source: Source
    warmup_ramp: tuple[Annotated[float, Field(ge=0, lt=1)], ...] = Field(min_length=1)
    warmup_ramp_source: Source
    warmup_reps: tuple[Annotated[int, Field(ge=1, le=15)], ...] = Field(min_length=1)
    warmup_reps_source: Source
    warmup_min_jump: Annotated[float, Field(ge=0, lt=0.5)]
    warmup_min_jump_source: Source

    @model_validator(mode="after")
    def _ramp(self) -> ProgressionRules:
        if len(self.warmup_ramp) != len(self.warmup_reps):
            raise ValueError("warmup_ramp and warmup_reps must have the same length")
        return self


class VolumeRules(_Frozen):
    """Which logged sets are hard sets (§5): warm-ups never, and none logged easier than `hard_set_min_rpe`."""

    hard_set_min_rpe: Annotated[float, Field(ge=5, le=9)]
    hard_set_min_rpe_source: Source


def is_hard_set(rpe: float | None, min_rpe: float) -> bool:
    """Whether a work set logged at `rpe` is a hard set (§5): not when logged easier than `min_rpe`
    (`VolumeRules.hard_set_min_rpe`); a set logged without an RPE counts."""
    return rpe is None or rpe >= min_rpe


class AssistanceRules(_Frozen):
    """Single-joint assistance lifts in strength plans (NSCA: no heavier than an 8RM)."""

    reps_low: Annotated[int, Field(ge=6, le=15)]
    reps_high: Annotated[int, Field(ge=6, le=15)]
    reps_source: Source
    pct_low: Annotated[float, Field(ge=50, le=85)]
    pct_high: Annotated[float, Field(ge=50, le=85)]
    pct_source: Source
    rest_seconds: Annotated[int, Field(ge=30, le=180)]
    rest_seconds_source: Source


class Measures(_Frozen):
    """How long an isometric set lasts and how far a carry goes."""

    seconds_low: Annotated[int, Field(ge=5, le=120)]
    seconds_high: Annotated[int, Field(ge=5, le=120)]
    seconds_source: Source
    metres_low: Annotated[int, Field(ge=5, le=200)]
    metres_high: Annotated[int, Field(ge=5, le=200)]
    metres_source: Source


class Loading(_Frozen):
    equipment: dict[Unit, EquipmentProfile]
    progression: ProgressionRules
    volume: VolumeRules
    assistance: AssistanceRules
    measures: Measures

    @model_validator(mode="after")
    def _every_unit(self) -> Loading:
        missing = [unit.value for unit in Unit if unit not in self.equipment]
        if missing:
            raise ValueError(f"missing equipment defaults for {', '.join(missing)}")
        return self

    def grid(self, exercise: Exercise, unit: Unit, profile: EquipmentProfile | None = None) -> LoadGrid | None:
        """The loads this exercise can take with `profile` (default: the unit's); None if unloaded."""
        return grid_for(exercise.equipment, profile or self.equipment[unit])

    def profile(self, unit: Unit, **overrides: object) -> EquipmentProfile:
        """The unit's default equipment with the lifter's own values (in `unit`) in place."""
        chosen = {name: value for name, value in overrides.items() if value is not None}
        base = self.equipment[unit]
        pair = float(chosen.get("plate_pair", base.plate_pair))  # type: ignore[arg-type]
        if pair / 2 < min(base.plates) - _EPSILON:  # micro-plates join the plate set
            chosen["plates"] = (*base.plates, pair / 2)
        return base.model_copy(update=chosen)


def load_loading(path: Path | None = None) -> Loading:
    path = path or DEFAULT_LOADING_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return Loading.model_validate(raw)
    except tomllib.TOMLDecodeError as error:
        raise LoadingError(f"{path.name}: not valid TOML: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise LoadingError(f"{path.name}: field {field}: {first['msg']}") from error


@dataclass(frozen=True)
class LoadGrid:
    """The achievable loads of one kind of equipment: `lowest + k * step` up to `highest`, or fixed `sizes`.

    `added`: the load is added to bodyweight (0 = bodyweight alone). `assisted`: the load is the
    negative of the assistance, so `highest` is 0 (no assistance) and a rise is less assistance.
    """

    lowest: float
    step: float | None = None
    sizes: tuple[float, ...] = ()
    barbell: bool = False
    highest: float | None = None
    added: bool = False
    assisted: bool = False

    def _index(self, value: float) -> float:
        assert self.step is not None
        return (value - self.lowest) / self.step

    def _at(self, k: int) -> float:
        assert self.step is not None
        return round(self.lowest + k * self.step, 4)

    def down(self, value: float) -> float:
        """The heaviest achievable load at or below `value` (never below the lowest)."""
        if self.sizes:
            return max((size for size in self.sizes if size <= value + _EPSILON), default=self.sizes[0])
        return self._at(max(0, math.floor(self._index(value) + _EPSILON)))

    def up(self, value: float) -> float:
        """The lightest achievable load at or above `value` (the heaviest size if beyond it)."""
        if self.sizes:
            return min((size for size in self.sizes if size >= value - _EPSILON), default=self.sizes[-1])
        load = self._at(max(0, math.ceil(self._index(value) - _EPSILON)))
        return load if self.highest is None else min(load, self.highest)

    def nearest(self, value: float) -> float:
        low, high = self.down(value), self.up(value)
        return low if value - low <= high - value else high

    def next_above(self, value: float) -> float:
        """The smallest achievable rise: the next load strictly above `value`."""
        return self.up(value + 2 * _EPSILON) if self.sizes else self.up(value + self.step * 1e-3)  # type: ignore[operator]

    def floor(self, value: float) -> float:
        """`value`, but never below the lowest achievable load (the empty bar for barbells)."""
        return max(value, self.lowest)


def grid_for(gear: Gear, profile: EquipmentProfile) -> LoadGrid | None:
    if gear is Gear.BARBELL:
        return LoadGrid(lowest=profile.bar, step=profile.plate_pair, barbell=True)
    if gear is Gear.DUMBBELL:
        return LoadGrid(lowest=profile.dumbbell_step, step=profile.dumbbell_step)
    if gear in (Gear.MACHINE, Gear.CABLE):
        return LoadGrid(lowest=profile.machine_step, step=profile.machine_step)
    if gear is Gear.KETTLEBELL:
        return LoadGrid(lowest=profile.kettlebell_sizes[0], sizes=profile.kettlebell_sizes)
    if gear is Gear.WEIGHTED_BODYWEIGHT:
        # One plate at a time on the dip belt: the smallest step is the smallest plate.
        return LoadGrid(lowest=0.0, step=min(profile.plates), added=True)
    if gear is Gear.ASSISTED:
        # Assistance in stack steps, as a negative load from -assistance_max (on the grid) up to 0.
        steps = math.floor(profile.assistance_max / profile.machine_step + _EPSILON)
        return LoadGrid(lowest=-steps * profile.machine_step, step=profile.machine_step, highest=0.0, assisted=True)
    return None


def plates_per_side(load: float, profile: EquipmentProfile) -> tuple[float, ...] | None:
    """The plates on each side of the bar for `load`, heaviest first; None if not makeable."""
    remaining = (load - profile.bar) / 2
    if remaining < -_EPSILON:
        return None
    chosen: list[float] = []
    for plate in profile.plates:
        while remaining >= plate - _EPSILON:
            chosen.append(plate)
            remaining -= plate
    return tuple(chosen) if abs(remaining) < 1e-3 else None


@dataclass(frozen=True)
class WarmupSet:
    load: float
    reps: int


def warmup_ramp(working: float, grid: LoadGrid, rules: ProgressionRules) -> tuple[WarmupSet, ...]:
    """Lighter sets before the first core lift: the empty bar (barbells only: the lightest dumbbell or
    stack plate warms nothing up), then rising shares of `working`; a set less than `warmup_min_jump`
    of `working` above the one before is left out."""
    ramp: list[WarmupSet] = []
    for share, reps in zip(rules.warmup_ramp, rules.warmup_reps, strict=True):
        if not share and not grid.barbell:
            continue
        load = grid.down(working * share) if share else grid.lowest
        too_close = bool(ramp) and load < ramp[-1].load + rules.warmup_min_jump * working - _EPSILON
        if load >= working - _EPSILON or too_close:
            continue
        ramp.append(WarmupSet(load, reps))
    return tuple(ramp)
