"""Exercise names as other apps write them, mapped to the catalogue.

Order of lookup for a name from a file: the user's own earlier choices, the curated alias table
(`data/aliases.toml`), the catalogue's names and aliases, then the app's "Name (Equipment)"
convention — "Squat (Barbell)" is the catalogue's squat when that squat is a barbell lift.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from bot.coach.catalogue import Catalogue, Gear, normalise

DEFAULT_ALIASES_PATH = Path(__file__).parent / "data" / "aliases.toml"

_SUFFIX = re.compile(r"^(?P<base>.*?)\s*\((?P<equipment>[^()]*)\)\s*$")
# Equipment words in the apps' suffixes (misspellings included: they occur in real exports).
EQUIPMENT_WORDS: dict[str, Gear] = {
    "barbell": Gear.BARBELL, "barbel": Gear.BARBELL, "ez bar": Gear.BARBELL,
    "dumbbell": Gear.DUMBBELL, "dumbell": Gear.DUMBBELL, "dumbbells": Gear.DUMBBELL,
    "cable": Gear.CABLE, "rope": Gear.CABLE,
    "machine": Gear.MACHINE, "smith machine": Gear.MACHINE, "plate loaded": Gear.MACHINE,
    "bodyweight": Gear.BODYWEIGHT, "kettlebell": Gear.KETTLEBELL, "band": Gear.BAND,
}


class AliasError(Exception):
    """The alias table is malformed or names an exercise the catalogue lacks."""


def load_aliases(catalogue: Catalogue, path: Path | None = None) -> dict[str, str]:
    """Normalised app name -> catalogue key; every key is checked against the catalogue."""
    path = path or DEFAULT_ALIASES_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise AliasError(f"{path.name}: {error}") from error
    table: dict[str, str] = {}
    for key, names in raw.get("aliases", {}).items():
        try:
            catalogue.get(key)
        except KeyError:
            raise AliasError(f"{path.name}: '{key}' is not an exercise in the catalogue") from None
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise AliasError(f"{path.name}: '{key}' must list names as text")
        for name in names:
            owner = table.setdefault(normalise(name), key)
            if owner != key:
                raise AliasError(f"{path.name}: '{name}' is listed under both '{owner}' and '{key}'")
    return table


class NameResolver:
    """Finds the catalogue key for an exercise name from an export, or None when unsure."""

    def __init__(self, catalogue: Catalogue, aliases: Mapping[str, str]) -> None:
        self.catalogue = catalogue
        self.aliases = aliases

    def resolve(self, name: str, remembered: Mapping[str, str] | None = None) -> str | None:
        """`remembered` holds the user's earlier choices (normalised name -> key, custom keys too)."""
        wanted = normalise(name)
        if remembered and wanted in remembered:
            return remembered[wanted]
        if wanted in self.aliases:
            return self.aliases[wanted]
        found = self.catalogue.find(name)
        if found is not None:
            return found.key
        match = _SUFFIX.match(name)
        if match is None:
            return None
        gear = EQUIPMENT_WORDS.get(" ".join(match["equipment"].casefold().replace("-", " ").split()))
        base = match["base"]
        if gear is None:
            return None
        for candidate in (f"{gear.value} {base}", base):
            exercise = self.catalogue.find(candidate)
            if exercise is not None and exercise.equipment is gear:
                return exercise.key
        return None
