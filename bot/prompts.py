"""User-facing text: templates with named placeholders, kept in `prompts/`.

`messages.toml` maps dotted keys to templates (`"Saved {goal}."`); `disclaimer.md` and
`safety_notice.md` are whole texts. Everything is read once at start-up and checked, so a
typo in a template fails at boot rather than in front of a user.

Counted words ("1 week", "3 weeks") are tables keyed by CLDR plural category (`one`, `other`,
and for other languages `zero`, `two`, `few`, `many`); Babel's plural rules for `LOCALE` pick the
form, so no handler decides between singular and plural by hand.
"""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from babel import Locale
from babel.lists import format_list
from babel.plural import PluralRule

LOCALE = "en"


@functools.cache
def _locale() -> Locale:
    """`LOCALE`, parsed once: Babel parses a locale name again on every call given one (18 of a
    plural's 19 µs, 11 of a list's 13)."""
    return Locale.parse(LOCALE)


@functools.cache
def _plural_rule() -> PluralRule:
    """`LOCALE`'s CLDR plural rule, looked up once (7 µs through `Locale.plural_form` each time)."""
    return _locale().plural_form


class PromptError(Exception):
    """A template is missing, malformed, or rendered with the wrong placeholders."""


def placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError as error:
        raise PromptError(f"malformed template {template!r}: {error}") from error


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{dotted}.")
        elif isinstance(value, str):
            yield dotted, value
        else:
            raise PromptError(f"messages.toml: {dotted} must be text, not {type(value).__name__}")


class Prompts:
    def __init__(self, templates: Mapping[str, str], disclaimer: str, safety_notice: str) -> None:
        self.templates = dict(templates)
        self.disclaimer = disclaimer
        self.safety_notice = safety_notice
        for template in self.templates.values():
            placeholders(template)

    @classmethod
    def load(cls, directory: Path) -> Prompts:
        try:
            with (directory / "messages.toml").open("rb") as file:
                templates = dict(_flatten(tomllib.load(file)))
            disclaimer = (directory / "disclaimer.md").read_text(encoding="utf-8").strip()
            safety_notice = (directory / "safety_notice.md").read_text(encoding="utf-8").strip()
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise PromptError(f"cannot read prompts from {directory}: {error}") from error
        return cls(templates, disclaimer, safety_notice)

    @classmethod
    def translations(cls, directory: Path) -> dict[str, Prompts]:
        """Translated prompts by Discord locale ('de', 'pt-BR'), from `<directory>/locales/<locale>/`."""
        locales = directory / "locales"
        if not locales.is_dir():
            return {}
        return {path.name: cls.load(path) for path in sorted(locales.iterdir()) if path.is_dir()}

    def text(self, key: str, **values: object) -> str:
        try:
            template = self.templates[key]
        except KeyError:
            raise PromptError(f"no prompt named {key!r}") from None
        missing = placeholders(template) - values.keys()
        if missing:
            raise PromptError(f"prompt {key!r} needs {sorted(missing)}")
        return template.format_map(values)

    def listing(self, items: Sequence[str], *, alternatives: bool = False) -> str:
        """Items joined as the locale writes a list: "a", "a and b", "a, b, and c" (with
        `alternatives`: "a or b")."""
        return format_list(list(items), style="or" if alternatives else "standard", locale=_locale())

    def plural(self, key: str, count: float, **values: object) -> str:
        """The form of `key` that fits `count` (`key.one`, `key.other`...); `{count}` is filled in.

        Raises PromptError when `key` has no `other` form, the fallback every CLDR locale needs.
        """
        form = _plural_rule()(count)
        chosen = f"{key}.{form}" if f"{key}.{form}" in self.templates else f"{key}.other"
        if chosen not in self.templates:
            raise PromptError(f"no plural forms named {key!r}")
        shown = int(count) if float(count).is_integer() else count
        return self.text(chosen, count=shown, **values)

    def has(self, key: str) -> bool:
        return key in self.templates
