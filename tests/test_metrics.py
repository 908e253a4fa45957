"""Metrics counted where every command and every reminder passes: `Liftcoach.run/interact` and the dispatcher."""

from __future__ import annotations

import sqlite3

from prometheus_client import REGISTRY

from bot import metrics
from tests.helpers import ALICE, press, run


def sample(metric: str, /, **labels: str) -> float:
    return REGISTRY.get_sample_value(metric, labels) or 0.0


async def test_commands_and_actions_are_counted_and_timed_by_outcome(app):
    ok, rejected = sample("liftcoach_commands_total", kind="command", name="help", outcome="ok"), sample(
        "liftcoach_commands_total", kind="command", name="undo", outcome="rejected")
    timed = sample("liftcoach_command_seconds_count", kind="command", name="help")

    await run(app, "help")
    await run(app, "undo")
    await run(app, "no-such-command")
    await app.interact(ALICE, "lc:no-such-action:1001:")

    assert sample("liftcoach_commands_total", kind="command", name="help", outcome="ok") == ok + 1
    assert sample("liftcoach_commands_total", kind="command", name="undo", outcome="rejected") == rejected + 1
    assert sample("liftcoach_command_seconds_count", kind="command", name="help") == timed + 1
    assert sample("liftcoach_commands_total", kind="command", name="unknown", outcome="rejected") >= 1
    assert sample("liftcoach_commands_total", kind="action", name="unknown", outcome="rejected") >= 1


async def test_a_pressed_button_is_counted_under_its_action(app):
    await run(app, "goal", goal="health", days=2)
    today = await run(app, "today")
    [done] = [button for button in today.reply.buttons if button.label == app.prompts.text("buttons.done")]
    name = done.action.split(":")[1]
    before = sample("liftcoach_commands_total", kind="action", name=name, outcome="ok")
    await press(app, today, "buttons.done")
    assert sample("liftcoach_commands_total", kind="action", name=name, outcome="ok") == before + 1


async def test_database_errors_are_counted_through_the_exception_chain(app, monkeypatch):
    before = sample("liftcoach_database_errors_total")

    async def locked(*args, **kwargs):
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.OperationalError as error:
            raise RuntimeError("could not save") from error

    monkeypatch.setattr(app.users, "update", locked)
    await run(app, "goal", goal="strength")
    metrics.count_database_error(ValueError("not the database"))
    assert sample("liftcoach_database_errors_total") == before + 1


async def test_plans_are_counted_by_where_they_came_from(app):
    def plans() -> tuple[float, float]:
        return sample("liftcoach_plans_total", source="kept"), sample("liftcoach_plans_total", source="computed")

    before = plans()
    await run(app, "goal", goal="strength")
    await run(app, "today")  # computed, and kept
    await run(app, "today")
    assert (plans()[0] - before[0], plans()[1] - before[1]) == (1, 1)
