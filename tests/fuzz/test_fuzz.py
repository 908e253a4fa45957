"""Property-based fuzzing of every command, button, menu, form and autocomplete through the app.

For each command, action and autocomplete there is one test that reuses one app over an in-memory
SQLite database for all its examples (a fresh one per example would cost far more than the check).
Inputs are generated from the options models themselves, so a new command or option is fuzzed
without touching this file: valid values within the declared bounds, and hostile ones (any
unicode, emoji, zero-width and right-to-left characters, 5,000-character strings, NaN, infinity,
huge and tiny numbers, SQL fragments, markdown, mentions). Every example must hold:

- no unhandled exception (nor the "unexpected error" reply that stands for one);
- the reply passes Discord's limits (`bot.reply_limits`) and carries the disclaimer;
- a refused input leaves the database exactly as it was (every row of every table compared).

Example counts come from the hypothesis profile chosen in `conftest.py` (1,000 each by default).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from bot.app import Liftcoach
from bot.commands.base import ACTION_PREFIX, Caller, Interaction
from bot.commands.options import base_type, bounds, lengths
from bot.config import Settings
from bot.replies import Outgoing, Tone
from bot.reply_limits import CHOICE_TEXT_LIMIT, breaches
from tests.conftest import FakeClock

SEEDED = Caller(user_id=1001, name="seeded")  # a goal, a log, a custom lift, reminders on
NEWCOMER = Caller(user_id=2002, name="newcomer")  # starts unknown
STRANGER_ID = 3003

SAMPLES = [
    "", " ", "0", "-1", "1,5", "2.5", "1e400", "1e-300", "nan", "NaN", "inf", "-inf", "true", "maybe", "None",
    "'; DROP TABLE set_logs; --", "\" OR 1=1 --", "squat'); DELETE FROM users; --", "%", "_", "\\",
    "**bold** __under__ ~~strike~~ `code` ```block```", "> quote", "# heading", "[link](https://example.com)",
    "@everyone", "@here", "<@123>", "<@&456>", "<#789>", "<t:0:F>", "||spoiler||",
    "\u200b", "\u200d", "\ufeff", "\u202e", "\u2066abc\u2069", "مرحبا", "שלום", "深蹲", "卧推", "Жим лёжа",
    "🏋️", "🏋️‍♀️💪🏽", "e\u0301", "ﬁ", "Ｓｑｕａｔ", "ǅ", "İ", "ß", "\x00", "\n\n\n", "\t", "!!!", "?",
    "squat", "Barbell bench press", "deadlift", "Zercher carry", "Europe/Berlin", "America/New_York",
    "mon,thu", "18:00", "25:61", "kg", "lb", "strength", "hypertrophy", "epley", "wathan",
]
SPECIAL = st.sampled_from(["\u200b", "\u202e", "\u200f", "🏋", "\u200d", "深", "é", "@", "`", "*", "|", ":", ",", "\n", "'"])
LONG = st.builds(lambda text, size: (text * size)[:size], st.sampled_from(["x", "深蹲", "🏋️", "\u200b", "a b "]),
                 st.integers(4000, 5000))
TEXT = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(max_size=40),
    st.text(alphabet=SPECIAL, max_size=30),
    st.lists(st.sampled_from(SAMPLES), max_size=6).map(" ".join),
    LONG,
)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -0.0, 1e-300, 5e-324, 1e300, 2**63, -(2**63), 0.1, 499.99, 500.01, 1100, 1100.01]),
)
HOSTILE = st.one_of(TEXT, NUMBER, st.booleans(), st.none(), st.lists(st.text(max_size=3), max_size=2))


def valid(field) -> st.SearchStrategy[Any]:
    """A value inside the option's declared type and bounds (typed or, as a transport sends it, as text)."""
    kind = base_type(field)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return st.sampled_from([member.value for member in kind])
    if kind is bool:
        return st.booleans()
    if kind in (int, float):
        low, high = bounds(field)
        if kind is int:
            numbers = st.integers(min_value=low, max_value=high)
            return st.one_of(numbers, numbers.map(str))
        numbers = st.floats(min_value=low, max_value=high, allow_nan=False)
        return st.one_of(numbers, numbers.map(lambda x: f"{x:.2f}".replace(".", ",")))
    shortest, longest = lengths(field)
    return st.one_of(st.sampled_from(SAMPLES), st.text(min_size=shortest or 0, max_size=min(longest or 60, 60)))


def options_for(model) -> st.SearchStrategy[dict[str, Any]]:
    """Each option left out, valid, or hostile; now and then an option the command does not have."""
    fields = {
        name: st.one_of(st.just(None), valid(field), valid(field), HOSTILE)
        for name, field in model.model_fields.items()
    }
    extra = st.one_of(st.just({}), st.dictionaries(st.sampled_from(["unit", "user", "__class__", "x" * 50]), HOSTILE,
                                                   max_size=1))
    return st.tuples(st.fixed_dictionaries(fields), extra).map(
        lambda pair: {**{k: v for k, v in pair[0].items() if v is not None}, **pair[1]}
    )


class Fuzzer:
    """One app, kept for all examples of one test, and the checks every example must pass."""

    def __init__(self, runner: asyncio.Runner, app: Liftcoach, dump_query: str) -> None:
        self.runner = runner
        self.app = app
        self.dump_query = dump_query
        self.unexpected = app.prompts.text("errors.unexpected", error_id="\0").split("\0")[0]
        self.last_dump: tuple | None = None

    def check(self, call: Callable[[], Any]) -> Outgoing:
        async def run() -> Outgoing:
            # The dump after a refused example is the one before the next, so most examples dump once.
            before = self.last_dump if self.last_dump is not None else await self.dump()
            self.last_dump = None
            outgoing = await call()
            assert not outgoing.reply.body.startswith(self.unexpected), "an unexpected error: see the log"
            assert breaches(outgoing) == []
            assert outgoing.disclaimer == self.app.prompts.disclaimer
            if outgoing.reply.tone is Tone.ERROR:
                after = await self.dump()
                assert after == before, "a refused input changed the database"
                self.last_dump = after
            return outgoing

        return self.runner.run(run())

    async def dump(self) -> tuple:
        """Every row of every table, and the schema, read in one query."""
        return tuple((await self.app.db.row(sa.text(self.dump_query))).values())


async def _dump_query(app: Liftcoach) -> str:
    """One SQLite SELECT returning the schema and each table's rows, every value quoted as SQL text."""
    tables = await app.db.rows(sa.text(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ))
    parts = ["(SELECT group_concat(sql, char(10)) FROM sqlite_master) AS schema"]
    for index, table in enumerate(row["name"] for row in tables):
        columns = [row["name"] for row in await app.db.rows(sa.text(f'PRAGMA table_info("{table}")'))]
        quoted = " || ',' || ".join(f'quote("{column}")' for column in columns)
        parts.append(f'(SELECT group_concat({quoted}, char(10)) FROM "{table}") AS t{index}')
    return "SELECT " + ", ".join(parts)


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory) -> Iterator[Fuzzer]:
    folder = tmp_path_factory.mktemp("fuzz")
    settings = Settings(_env_file=None, discord_token=None, database_url=f"sqlite:///{folder / 'fuzz.db'}",
                        charts_dir=folder / "charts")
    with asyncio.Runner() as runner:
        app = runner.run(Liftcoach.start(settings, clock=FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))))
        runner.run(_seed(app))
        yield Fuzzer(runner, app, runner.run(_dump_query(app)))
        runner.run(app.close())


async def _seed(app: Liftcoach) -> None:
    for name, options in [
        ("goal", {"goal": "strength", "days": 3}),
        ("log", {"exercise": "squat", "weight": 100, "reps": 5, "sets": 3}),
        ("log", {"exercise": "深蹲", "weight": 60, "reps": 8, "custom": True}),
        ("remind set", {}),
    ]:
        seeded = await app.run(SEEDED, name, options)
        assert seeded.reply.tone is not Tone.ERROR, seeded.reply.body


# Every command, action and autocomplete of the app, read from a throwaway instance at collection.
def _catalogue() -> tuple[list[str], list[str], list[tuple[str, str]]]:
    async def read() -> tuple[list[str], list[str], list[tuple[str, str]]]:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(_env_file=None, discord_token=None, database_url=f"sqlite:///{folder}/catalogue.db")
            app = await Liftcoach.start(settings)
            try:
                completers = [(name, option) for name, command in app.commands.items() for option in command.completers]
                return sorted(app.commands), sorted(app.actions), completers
            finally:
                await app.close()

    return asyncio.run(read())


COMMANDS, ACTIONS, COMPLETERS = _catalogue()
CALLERS = st.sampled_from([SEEDED, NEWCOMER])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_survives_any_options(fuzzer: Fuzzer, command: str) -> None:
    model = fuzzer.app.commands[command].options

    @given(caller=CALLERS, options=options_for(model))
    def example(caller: Caller, options: dict[str, Any]) -> None:
        fuzzer.check(lambda: fuzzer.app.run(caller, command, options))

    example()


ARGUMENT = st.one_of(
    st.integers(min_value=-3, max_value=12).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.tuples(st.integers(-(10**20), 10**20), st.integers(-3, 10)).map(lambda p: f"{p[0]}|{p[1]}"),
    st.tuples(st.sampled_from(["", "0123456789ab", "zzz"]), st.integers(-5, 10**6), st.integers(-5, 10**6)).map(
        lambda p: f"{p[0]}|{p[1]}|{p[2]}"
    ),
    TEXT.map(lambda text: text[:80]),
)
FORM_LINE = st.tuples(st.sampled_from(SAMPLES), st.one_of(NUMBER.map(str), st.sampled_from(["?", "1,5", "60"])),
                      st.lists(st.integers(-5, 10**9).map(str), max_size=4)).map(
    lambda p: f"{p[0]}: {p[1]} x {', '.join(p[2])}"
)
# What comes with a press: nothing, menu values, or a form (the log form's lines, or any text).
SUBMITTED = st.one_of(
    st.just(Interaction()),
    st.lists(TEXT, max_size=2).map(lambda values: Interaction(values=tuple(values))),
    st.lists(FORM_LINE, max_size=4).map(lambda lines: Interaction(form={"sets": "\n".join(lines)})),
    st.tuples(st.sampled_from(["sets", "reason", "note"]), TEXT).map(lambda pair: Interaction(form=dict([pair]))),
)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_button_menu_and_form_survives_any_input(fuzzer: Fuzzer, action: str) -> None:
    @given(
        caller=CALLERS,
        owner=st.sampled_from(["self", "self", "self", "other"]),
        argument=ARGUMENT,
        interaction=SUBMITTED,
        mangled=st.one_of(st.none(), st.none(), TEXT),
    )
    def example(caller, owner, argument, interaction, mangled) -> None:
        owner_id = caller.user_id if owner == "self" else STRANGER_ID
        custom_id = mangled if mangled is not None else f"{ACTION_PREFIX}:{action}:{owner_id}:{argument}"
        fuzzer.check(lambda: fuzzer.app.interact(caller, custom_id, interaction))

    example()


@pytest.mark.parametrize(("command", "option"), COMPLETERS)
def test_every_autocomplete_answers_within_discords_limits(fuzzer: Fuzzer, command: str, option: str) -> None:
    @given(caller=CALLERS, typed=TEXT)
    def example(caller: Caller, typed: str) -> None:
        suggestions = fuzzer.runner.run(fuzzer.app.autocomplete(caller, command, option, typed))
        assert len(suggestions) <= 25
        for label, value in suggestions:
            assert 1 <= len(label) <= CHOICE_TEXT_LIMIT and 1 <= len(value) <= CHOICE_TEXT_LIMIT

    example()
