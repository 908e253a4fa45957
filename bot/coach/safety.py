"""Safety limits on a planned session: conservative intensity after a readiness "yes", and loads held by pain.

Pure: sessions in, sessions out, in the session's own unit. The limits are data
(`data/safety.toml`, each number with its source), validated when loaded.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.coach.planner import PlannedExercise, Session
from bot.coach.vocabulary import Experience

DEFAULT_SAFETY_FILE = Path(__file__).parent / "data" / "safety.toml"


class SafetyRulesError(Exception):
    """`safety.toml` is malformed; the message names the field."""


class ConservativeLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_rir: int = Field(ge=0, le=10)
    min_rir_source: str = Field(min_length=1)
    intensity_level: Experience
    intensity_level_source: str = Field(min_length=1)


def load_conservative_limits(path: Path | None = None) -> ConservativeLimits:
    path = path or DEFAULT_SAFETY_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return ConservativeLimits.model_validate(raw.get("conservative"))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as error:
        raise SafetyRulesError(f"{path.name}: {error}") from error


def conservative(
    session: Session,
    limits: ConservativeLimits,
    pct_band: tuple[float, float],
    last_loads: dict[str, float],
    step: dict[str, float],
    e1rm: dict[str, float],
) -> Session:
    """The session at conservative intensity.

    Every exercise keeps at least `limits.min_rir` reps in reserve and a %1RM inside `pct_band`
    (the goal's band at `limits.intensity_level`). A load is never derived from a 1RM: only a load
    the lifter has already lifted (`last_loads`, exercise key -> load) is prescribed, never more, and
    never above `pct_band`'s top of their estimated 1RM (`e1rm`), rounded down to the exercise's
    `step`. Without a logged load the lifter gets an effort cue instead.
    """
    low, high = pct_band
    exercises = []
    for planned in session.exercises:
        rir_low = max(planned.rir_low, limits.min_rir)
        load = None
        key = planned.exercise.key
        if planned.load is not None and key in last_loads:
            load = min(planned.load, last_loads[key])
            if key in e1rm:
                ceiling = e1rm[key] * high / 100
                if load > ceiling:
                    increment = step.get(key) or 1.0
                    load = math.floor(ceiling / increment + 1e-9) * increment
        pct_high = min(planned.pct_high, high)
        pct_low = planned.pct_low if planned.pct_low <= pct_high else min(low, pct_high)
        exercises.append(replace(planned, rir_low=rir_low, rir_high=max(planned.rir_high, rir_low),
                                 pct_low=pct_low, pct_high=pct_high, load=load))
    return replace(session, exercises=tuple(exercises))


def hold(planned: PlannedExercise, last_load: float | None) -> PlannedExercise:
    """No progression: the load is at most the one last lifted (pain stops any increase)."""
    if planned.load is None or last_load is None:
        return planned
    return replace(planned, load=min(planned.load, last_load))
