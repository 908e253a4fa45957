"""The simulation coaches on SQLite only: it tests the coaching, and the store is tested on both backends elsewhere."""

import pytest


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param
