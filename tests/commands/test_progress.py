"""/progress from a realistic log: a year of four main lifts (plus isolation work logged in many rows),
a three-week gap, and an unfinished current week. Assertions read the figure's data, not pixels."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.dates import num2date

import bot.charts
from bot.charts import DAY_MARGIN
from bot.coach.vocabulary import Unit
from bot.store.training_log import NewEntry
from tests.helpers import ALICE, BOB, run

# Wednesday noon: this week's Monday session is done, Wednesday's and Friday's are not.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
THIS_MONDAY = date(2026, 11, 23)
FIRST_MONDAY = THIS_MONDAY - timedelta(weeks=52)
GAP = (THIS_MONDAY - timedelta(weeks=9), THIS_MONDAY - timedelta(weeks=6))  # three weeks off
MAIN = {  # key: (name, start load kg, rep target)
    "barbell-back-squat": ("Barbell back squat", 80.0, 5),
    "barbell-bench-press": ("Barbell bench press", 60.0, 5),
    "barbell-deadlift": ("Barbell deadlift", 100.0, 5),
    "overhead-press": ("Overhead press", 40.0, 5),
}
ISOLATION = ("leg-extension", "cable-fly")


def session_entries(week: int, day: int) -> list[NewEntry]:
    """Monday/Friday: squat and bench; Wednesday: deadlift and press. Loads rise about 1 % a week,
    with a dip every fourth week; isolation work comes as five one-set rows each, so it has more
    log rows than any main lift (the old chart picked lifts by row count)."""
    keys = ("barbell-back-squat", "barbell-bench-press") if day != 2 else ("barbell-deadlift", "overhead-press")
    entries = []
    for key in keys:
        _, start, reps = MAIN[key]
        load = round(start * (1 + 0.01 * week) * (0.95 if week % 4 == 3 else 1) / 2.5) * 2.5
        entries.append(NewEntry(key, load, Unit.KG, reps, 3, rpe=8))
    for key in ISOLATION:
        entries += [NewEntry(key, 30.0, Unit.KG, 12, 1) for _ in range(5)]
    return entries


async def year_of_training(app) -> None:
    await run(app, "goal", goal="strength", days=3)
    await run(app, "settings", timezone="Europe/Berlin")
    for week in range(53):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        if GAP[0] <= monday < GAP[1]:
            continue
        for day in (0, 2, 4):
            moment = datetime(monday.year, monday.month, monday.day, 17, tzinfo=UTC) + timedelta(days=day)
            if moment > NOW:
                break
            await app.log.add(ALICE.user_id, session_entries(week, day), moment)


@pytest.fixture
async def log(app, clock):
    clock.now = NOW
    await year_of_training(app)
    return app


@pytest.fixture
def settings(settings):
    """Charts drawn in this process (CHART_WORKERS=0), so `figures` sees them; the chart pool's
    worker process is tested in tests/test_app.py and end to end."""
    return settings.model_copy(update={"chart_workers": 0})


@pytest.fixture
def figures(monkeypatch) -> list:
    """Each figure /progress draws, kept for inspection (the real renderer still runs)."""
    built = []
    real = bot.charts.build_figure

    def keep(chart):
        figure = real(chart)
        built.append(figure)
        return figure

    monkeypatch.setattr(bot.charts, "build_figure", keep)
    return built


def panel_title(axes) -> str:
    [title] = [text.get_text() for text in axes.texts if text.get_gid() == "panel-title"]
    return title


def x_range(axes) -> tuple[date, date]:
    """The period the date axis shows, [first day, day after the last), without its margins."""
    low, high = axes.get_xlim()
    return num2date(low + DAY_MARGIN).date(), num2date(high - DAY_MARGIN + 1).date()


def lines(axes) -> dict[str, object]:
    return {line.get_gid().removeprefix("lift:"): line for line in axes.get_lines() if (line.get_gid() or "")
            .startswith("lift:")}


async def test_e1rm_shows_the_plans_main_lifts_over_the_weeks_asked_for(log, figures):
    outgoing = await run(log, "progress")
    [figure] = figures
    [axes] = figure.axes
    # The plan's core lifts in its order, not the isolation work logged in more rows.
    assert list(lines(axes)) == ["Barbell back squat", "Barbell deadlift", "Barbell bench press", "Overhead press"]
    assert x_range(axes) == (THIS_MONDAY - timedelta(weeks=11), THIS_MONDAY + timedelta(weeks=1))
    assert outgoing.reply.attachments[0].data.startswith(b"\x89PNG")
    assert outgoing.reply.attachments[0].description.startswith("Line chart of estimated one-rep max per session")
    assert "Barbell back squat" in outgoing.reply.attachments[0].description
    squat = outgoing.reply.body.splitlines()[0]
    assert squat.startswith("Barbell back squat: e1RM ") and " kg in 11 weeks · last best set " in squat


async def test_the_axis_fits_the_data_up_to_weeks_and_the_gap_breaks_the_line(log, figures):
    await run(log, "progress", weeks=104)
    [axes] = figures[0].axes
    assert x_range(axes) == (FIRST_MONDAY, THIS_MONDAY + timedelta(weeks=1))  # a year of data, not 104 weeks
    squat = lines(axes)["Barbell back squat"]
    values = list(squat.get_ydata())
    assert sum(1 for value in values if math.isnan(value)) == 1  # one break: the three-week gap
    days = [day for day, value in zip(squat.get_xdata(), values, strict=True) if not math.isnan(value)]
    assert days[0] == FIRST_MONDAY and days[-1] == THIS_MONDAY


async def test_a_lifts_first_session_is_no_record(log, figures):
    await run(log, "progress", exercise="squat", weeks=104)
    [axes] = figures[0].axes
    assert list(lines(axes)) == ["Barbell back squat"]
    # One lift also shows each session's best set: what was on the bar under what it estimates.
    [best] = [line for line in axes.get_lines() if line.get_gid() == "best-sets:Barbell back squat"]
    assert max(best.get_ydata()) < max(lines(axes)["Barbell back squat"].get_ydata())
    [stars] = [c for c in axes.collections if c.get_gid() == "records:Barbell back squat"]
    record_days = {num2date(x).date() for x, _ in stars.get_offsets()}
    assert record_days and FIRST_MONDAY not in record_days
    # A session after a dip that only climbs back to an earlier best is no record either.
    assert len(record_days) < len(lines(axes)["Barbell back squat"].get_xdata()) - 1


def week_bars(axes, gid: str) -> dict[date, float]:
    """Week (Monday) -> bar height of the finished weeks drawn under `gid`."""
    [collection] = [c for c in axes.collections if c.get_gid() == gid]
    bars = {}
    for path in collection.get_paths():
        (left, bottom), (_, top) = path.vertices[:2]
        bars[num2date(left).date()] = top - bottom
    return bars


async def test_volume_is_weekly_tonnage_with_the_current_week_partial(log, figures):
    outgoing = await run(log, "progress", view="volume", weeks=12)
    [axes] = figures[0].axes
    labels = axes.get_legend_handles_labels()[1]
    assert labels == ["Barbell back squat", "Barbell deadlift", "Barbell bench press", "Overhead press",
                      "Other exercises"]
    squat = week_bars(axes, "volume:Barbell back squat")
    first = THIS_MONDAY - timedelta(weeks=11)
    assert sorted(squat) == [first + timedelta(weeks=index) for index in range(11)]  # finished weeks only
    assert [week for week, height in squat.items() if height == 0] == [  # a gap is zero, not left out
        GAP[0], GAP[0] + timedelta(weeks=1), GAP[0] + timedelta(weeks=2)]
    partial = [patch for patch in axes.patches if patch.get_gid() == "partial"]
    assert len(partial) == len(labels) and all(num2date(p.get_x()).date() == THIS_MONDAY for p in partial)
    assert all(patch.get_alpha() < 1 for patch in partial)
    assert x_range(axes) == (first, THIS_MONDAY + timedelta(weeks=1))
    assert "so far this week" in outgoing.reply.body


async def test_sets_are_small_multiples_each_with_the_goals_band(log, figures):
    outgoing = await run(log, "progress", view="sets")
    figure = figures[0]
    panels = [axes for axes in figure.axes if axes.get_visible()]
    titles = [panel_title(axes) for axes in panels]
    assert titles[:3] == ["Chest", "Back", "Shoulders"] and "Quads" in titles
    goal = log.rules.level("strength", "novice").weekly_sets_per_muscle
    for axes in panels:
        [band] = [patch for patch in axes.patches if patch.get_gid() == "band"]
        assert (band.get_y(), band.get_y() + band.get_height()) == (goal.low, goal.high)
        [partial] = [patch for patch in axes.patches if patch.get_gid() == "partial"]
        assert num2date(partial.get_x()).date() == THIS_MONDAY
        assert max(week_bars(axes, f"sets:{panel_title(axes)}")) == THIS_MONDAY - timedelta(weeks=1)
        assert x_range(axes) == (THIS_MONDAY - timedelta(weeks=11), THIS_MONDAY + timedelta(weeks=1))
    assert outgoing.reply.body.startswith("Last full week: ")


async def test_both_themes_render(log, figures):
    dark = await run(log, "progress")
    light = await run(log, "progress", theme="light")
    assert dark.reply.attachments[0].data != light.reply.attachments[0].data
    assert figures[0].get_facecolor() != figures[1].get_facecolor()


async def test_no_data_gives_a_text_reply_and_no_picture(app, figures):
    empty = await run(app, "progress", caller=BOB)
    assert empty.reply.attachments == () and "Nothing to chart yet" in empty.reply.body
    assert figures == []


async def test_old_data_only_says_so_for_the_window(log, clock, figures):
    clock.advance(weeks=30)
    reply = await run(log, "progress", weeks=4)
    assert reply.reply.attachments == () and "Nothing logged in the last 4 weeks" in reply.reply.body


async def test_a_short_log_is_not_lost_in_a_long_window(app, clock, figures):
    """Why: with two weeks of data, 85 % of the 12-week window was empty."""
    await run(app, "log", exercise="squat", weight=100, reps=5)
    clock.advance(weeks=1)
    await run(app, "log", exercise="squat", weight=105, reps=5)
    await run(app, "progress")
    [axes] = figures[0].axes
    start, end = x_range(axes)
    assert (end - start).days == 14


async def test_a_lift_never_logged_is_named_in_the_text_reply(app, figures):
    await run(app, "log", exercise="squat", weight=100, reps=5)
    reply = await run(app, "progress", exercise="deadlift")
    assert reply.reply.attachments == ()
    assert reply.reply.body.startswith("You haven't logged Barbell deadlift yet.")


async def test_without_a_set_for_an_e1rm_the_default_chart_is_volume(app, figures):
    """A hypertrophy plan's 12-15 reps give no e1RM (at most 10 reps): the default shows volume and says why;
    asking for view:e1rm still gets the plain answer."""
    await run(app, "log", exercise="squat", weight=60, reps=12, sets=3)
    chosen = await run(app, "progress")
    assert chosen.reply.body.startswith("No set to estimate a 1RM from yet")
    [chart] = chosen.reply.attachments
    assert chart.description.startswith("Stacked bar chart of weekly tonnage per lift")
    [axes] = figures[0].axes
    assert any(collection.get_gid() == "volume:Barbell back squat" for collection in axes.collections)
    asked = await run(app, "progress", view="e1rm")
    assert asked.reply.attachments == () and asked.reply.body.startswith("No set to estimate a 1RM from:")
