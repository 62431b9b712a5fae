"""The referrals' tests run at one pinned moment, so "now", "the future" and days waiting are fixed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

#: A Tuesday, after the moment the small world was built (tests/conftest.py WORLD_BUILT_AT).
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield
