import re
from pathlib import Path

import pytest

from bot.config import REPO_PROMPTS_DIR
from bot.prompts import PromptError, Prompts, placeholders

PROMPTS = Prompts.load(REPO_PROMPTS_DIR)
SOURCE = Path(__file__).resolve().parent.parent / "bot"
PLURAL_KEY = re.compile(r'plural\(\s*"([a-z_]+(?:\.[a-z_-]+)+)"')
LITERAL_KEY = re.compile(r'(?:text|UserError|error_reply)\(\s*"([a-z_]+(?:\.[a-z_-]+)+)"')


@pytest.mark.parametrize("key", sorted(PROMPTS.templates))
def test_every_template_renders(key):
    values = {name: f"<{name}>" for name in placeholders(PROMPTS.templates[key])}
    rendered = PROMPTS.text(key, **values)
    assert rendered.strip()
    assert "{" not in rendered.replace("<", "").replace(">", "") or "{" in PROMPTS.templates[key].replace("{{", "")


def test_every_key_named_in_the_code_exists():
    used = {key for path in SOURCE.rglob("*.py") for key in LITERAL_KEY.findall(path.read_text())}
    assert used, "the pattern found no keys: it is out of date"
    assert sorted(used - PROMPTS.templates.keys()) == []


def test_every_counted_word_named_in_the_code_has_its_forms():
    used = {key for path in SOURCE.rglob("*.py") for key in PLURAL_KEY.findall(path.read_text())}
    assert used, "the pattern found no keys: it is out of date"
    assert sorted(key for key in used if f"{key}.other" not in PROMPTS.templates) == []


def test_disclaimer_and_safety_notice_are_loaded():
    assert "medical advice" in PROMPTS.disclaimer
    assert "healthcare professional" in PROMPTS.safety_notice


def test_missing_placeholder_is_an_error():
    with pytest.raises(PromptError, match="needs"):
        PROMPTS.text("errors.range", option="days")


def test_unknown_key_is_an_error():
    with pytest.raises(PromptError, match="no prompt"):
        PROMPTS.text("no.such.key")
