"""What a part offers the quarterly report: plain figures for a period, no courtjourney imports.

Each part that has something to count says so in its `panels.py`:

    REPORT: tuple[FigureSource, ...] = (referral_figures,)

and `reports/` gathers every part's `REPORT`, in one stated order, as `caseload/` gathers panels.
A figure is a number with a stable key and plain words; the report decides how it is shown,
suppresses small counts in exports ("fewer than 5") and never holds names or free text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

Kind = Literal["count", "median", "share", "hours", "mean"]


@dataclass(frozen=True)
class Period:
    """The days a report covers (both ends included, UK dates) and whose cases: some teams, or all (None);
    with `worker_id`, only the cases that worker is assigned to (a worker's report of their own caseload)."""

    start: dt.date
    end: dt.date
    team_ids: tuple[UUID, ...] | None = None
    worker_id: UUID | None = None

    @property
    def starts_at(self) -> dt.datetime:
        """The first moment of the period: midnight UK time at its start, in UTC."""
        return _uk_midnight(self.start)

    @property
    def ends_before(self) -> dt.datetime:
        """The first moment after the period: midnight UK time after its last day, in UTC."""
        return _uk_midnight(self.end + dt.timedelta(days=1))


UK = ZoneInfo("Europe/London")


def _uk_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=UK).astimezone(dt.UTC)


@dataclass(frozen=True)
class Figure:
    """One number of a report.

    `section` groups figures on the page and in the files ("Referrals"), `key` is stable across
    quarters and languages ("referrals.source.police"), `label` is the plain words shown.
    Only `count` figures are suppressed under 5; a `share` is 0..1, `hours` and `median` as measured.
    `worker_id` marks a per-worker figure (managers' reports only name workers, never families).
    """

    section: str
    key: str
    label: str
    value: int | float | None
    kind: Kind = "count"
    worker_id: UUID | None = None


FigureSource = Callable[[AsyncSession, Period], Awaitable[list[Figure]]]


T = TypeVar("T")
#: Where `gathering` keeps what the sources of one report have read, on the session's `info`.
_READ = "courtjourney.report.read"


@contextmanager
def gathering(db: AsyncSession) -> Iterator[None]:
    """While one report is gathered, sources that read the same rows (the stage moves for three figures,
    the hearing changes for two) read them once: see `read_once`. Outside it, every call reads afresh."""
    db.info[_READ] = {}
    try:
        yield
    finally:
        db.info.pop(_READ, None)


async def read_once(
    db: AsyncSession, period: Period, read: Callable[[AsyncSession, Period], Awaitable[T]]
) -> T:
    """`read(db, period)`, shared by every source of the report being gathered (see `gathering`)."""
    memo: dict[Any, Any] | None = db.info.get(_READ)
    if memo is None:
        return await read(db, period)
    key = (read, period)
    if key not in memo:
        memo[key] = await read(db, period)
    found: T = memo[key]
    return found
