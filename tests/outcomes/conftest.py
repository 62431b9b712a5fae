"""The outcomes tests run at one pinned moment, so "today" and "the future" are fixed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

#: A Tuesday inside the fourth quarter of 2026, after the small world was built (tests/conftest.py).
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield
