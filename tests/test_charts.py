import threading
from datetime import date, timedelta
from io import BytesIO

import matplotlib.image
import numpy as np
import pytest

from bot.charts import DPI, FIGURE_SIZE_IN, ChartText, render_progress_chart
from bot.coach.vocabulary import Muscle

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXPECTED_SHAPE = (FIGURE_SIZE_IN[1] * DPI, FIGURE_SIZE_IN[0] * DPI)
TEXT = ChartText(
    e1rm_axis="Estimated 1RM",
    weekly_sets_axis="Hard sets per week",
    target_band="Target",
    records="Record",
    no_data="No data yet",
)
START = date(2025, 1, 6)
LIFTS = ("squat", "bench press", "deadlift", "overhead press", "barbell row")
MUSCLES = tuple(muscle.value for muscle in Muscle)


def year_of_daily_logs() -> dict:
    days = [START + timedelta(days=offset) for offset in range(365)]
    lifts = {
        name: [(day, 60 + 20 * index + 0.05 * offset) for offset, day in enumerate(days)]
        for index, name in enumerate(LIFTS)
    }
    records = {name: points[::30] for name, points in lifts.items()}
    weekly_sets = [
        (
            START + timedelta(weeks=week),
            {muscle: (week + index) % 22 for index, muscle in enumerate(MUSCLES)},
        )
        for week in range(52)
    ]
    return {"lifts": lifts, "records": records, "weekly_sets": weekly_sets}


def render(**data) -> bytes:
    arguments = {"lifts": {}, "records": {}, "weekly_sets": [], "target_band": (10, 20)}
    arguments.update(data)
    return render_progress_chart(**arguments, unit_label="kg", title="Progress", text=TEXT)


def decode(png: bytes) -> np.ndarray:
    assert png.startswith(PNG_SIGNATURE)
    return matplotlib.image.imread(BytesIO(png), format="png")


def test_a_short_history_renders_a_png_of_the_expected_size() -> None:
    png = render(
        lifts={"squat": [(START, 100.0), (START + timedelta(days=3), 102.5)]},
        records={"squat": [(START + timedelta(days=3), 102.5)]},
        weekly_sets=[
            (START, {"quads": 9, "glutes": 6}),
            (START + timedelta(weeks=1), {"quads": 12}),
        ],
    )
    image = decode(png)
    assert image.shape[:2] == EXPECTED_SHAPE


def test_empty_data_renders_the_no_data_chart() -> None:
    image = decode(render())
    assert image.shape[:2] == EXPECTED_SHAPE


def test_lifts_without_points_count_as_empty() -> None:
    assert decode(render(lifts={"squat": []}, records={"squat": []})).shape[:2] == EXPECTED_SHAPE


def test_one_empty_panel_still_renders_the_other() -> None:
    only_sets = render(weekly_sets=[(START, {"chest": 10})])
    only_lifts = render(lifts={"bench press": [(START, 80.0)]})
    assert decode(only_sets).shape[:2] == decode(only_lifts).shape[:2] == EXPECTED_SHAPE
    assert only_sets != only_lifts


def test_a_year_of_daily_logs_for_five_lifts_stays_small() -> None:
    png = render(**year_of_daily_logs())
    assert decode(png).shape[:2] == EXPECTED_SHAPE
    assert len(png) < 1024 * 1024


def test_the_no_data_text_comes_from_the_caller() -> None:
    english = render()
    german = TEXT._replace(no_data="Noch keine Daten")
    other = render_progress_chart({}, {}, [], (10, 20), "kg", "Progress", german)
    assert english != other


def test_charts_render_in_parallel_threads() -> None:
    data = year_of_daily_logs()
    results: list[bytes] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(render(**data))
        except BaseException as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 4
    assert all(decode(png).shape[:2] == EXPECTED_SHAPE for png in results)


@pytest.mark.parametrize("unit_label", ["kg", "lb"])
def test_unit_label_is_accepted(unit_label: str) -> None:
    png = render_progress_chart(
        {"squat": [(START, 100.0)]}, {}, [], (10, 20), unit_label, "Progress", TEXT
    )
    assert png.startswith(PNG_SIGNATURE)


def test_period_fixes_the_date_axis_to_the_window_asked_for():
    day = date(2026, 11, 20)
    png = render_progress_chart(
        {"Squat": [(day, 120.0)]}, {}, [(day, {"quads": 6})], (10, 20), "kg", "t", TEXT,
        period=(date(2026, 9, 1), date(2026, 11, 28)),
    )
    assert png.startswith(b"\x89PNG")
