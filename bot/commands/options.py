"""Command options: one pydantic model per command is the only declaration of its options.

The model gives each option's type, bounds (`Field(ge=, le=, min_length=, max_length=)`) and
choices (an enum); its description is the prompt `slash.<command>.options.<option>`. The Discord
slash commands are generated from these models (`bot.cogs.slash`), the console parses the same
models, and `explain` turns a validation error into a sentence from `prompts/`.
"""

from __future__ import annotations

import re
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic.fields import FieldInfo

from bot.coach.units import UNIT_WORD
from bot.errors import UserError

# "135lb", "60 kg": a load typed with its unit (the log form's unit words), which number options do not take.
_NUMBER_WITH_UNIT = re.compile(rf"\s*\d+(?:[.,]\d+)?\s*(?:{UNIT_WORD})\s*", re.IGNORECASE)


class Options(BaseModel):
    """Base for every command's options: unknown options, NaN and infinity are refused, text is
    stripped and loses any NUL character (PostgreSQL cannot store one in text, SQLite can: the
    backends would differ), a decimal comma is read as a decimal point ('1,5' == 1.5) in every
    number, and a choice ignores case (`goal:STRENGTH` is `strength`; every choice value is lower case)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fixed = {name: value.replace("\x00", "") if isinstance(value, str) else value for name, value in data.items()}
        for name, field in cls.model_fields.items():
            value = fixed.get(name)
            if isinstance(value, str) and base_type(field) is float:
                fixed[name] = value.strip().replace(",", ".", 1) if value.count(",") == 1 else value
            elif isinstance(value, str) and choices(field):
                fixed[name] = value.strip().lower()
        return fixed


class NoOptions(Options):
    pass


def base_type(field: FieldInfo) -> Any:
    """The option's type without `| None`: str, int, float, bool or an Enum subclass."""
    annotation = field.annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        [annotation] = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    return annotation


def bounds(field: FieldInfo) -> tuple[float | None, float | None]:
    """The inclusive (low, high) of a number option; `gt`/`lt` are not used, so every bound can be shown."""
    low = high = None
    for item in field.metadata:
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
    return low, high


def lengths(field: FieldInfo) -> tuple[int | None, int | None]:
    """(min_length, max_length) of a text option."""
    shortest = longest = None
    for item in field.metadata:
        shortest = getattr(item, "min_length", shortest)
        longest = getattr(item, "max_length", longest)
    return shortest, longest


def choices(field: FieldInfo) -> list[str]:
    kind = base_type(field)
    return [member.value for member in kind] if isinstance(kind, type) and issubclass(kind, Enum) else []


def shown(value: float | None) -> str:
    """A bound as users read it: 1100.0 -> '1100'."""
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else str(value)


def explain(command: str, model: type[Options], error: ValidationError) -> UserError:
    """Pydantic's first complaint as a sentence from prompts/, naming what is allowed."""
    problem = error.errors()[0]
    option = str(problem["loc"][0]) if problem["loc"] else command
    kind = problem["type"]
    field = model.model_fields.get(option)
    if kind == "extra_forbidden" or field is None:
        if not model.model_fields:
            return UserError("errors.no_options", option=option, command=command)
        return UserError("errors.unknown_option", option=option, command=command,
                         allowed=", ".join(model.model_fields))
    if kind == "missing":
        return UserError("errors.required", option=option)
    if choices(field):
        return UserError("errors.choice", option=option, allowed=", ".join(choices(field)))
    kind_of_value = base_type(field)
    if kind_of_value is bool:
        return UserError("errors.boolean", option=option)
    if kind_of_value in (int, float):
        low, high = bounds(field)
        # An option bounded only below (a load: its limit depends on the user's unit) says "at least".
        suffix = "_at_least" if high is None else ""
        if kind in {"greater_than_equal", "less_than_equal"}:
            return UserError(f"errors.range{suffix}", option=option, low=shown(low), high=shown(high))
        if isinstance(problem.get("input"), str) and _NUMBER_WITH_UNIT.fullmatch(problem["input"]):
            return UserError("errors.number_with_unit", option=option)
        key = "errors.whole_number" if kind_of_value is int else "errors.number"
        return UserError(f"{key}{suffix}", option=option, low=shown(low), high=shown(high))
    shortest, longest = lengths(field)
    if kind == "string_too_short":
        return UserError("errors.empty", option=option)
    if kind == "string_too_long":
        return UserError("errors.too_long", option=option, limit=longest)
    return UserError("errors.text", option=option)
