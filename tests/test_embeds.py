"""Discord rendering of replies (bot/embeds.py)."""

from bot.embeds import build_view
from tests.helpers import run


async def test_components_are_sent_in_a_stopped_view_so_discord_py_keeps_no_copy(app):
    """Clicks reach `ActionItem` by its custom-id template; a stored view would only hold memory (and a timer)."""
    outgoing = await run(app, "today")  # no goal yet: the goal picker's menu
    view = build_view(outgoing)
    assert view is not None and view.children
    assert view.is_finished()
