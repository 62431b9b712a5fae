"""What a part offers the quarterly report: plain figures for a period, no courtjourney imports.

Each part that has something to count says so in its `panels.py`:

    REPORT: tuple[FigureSource, ...] = (referral_figures,)

and `reports/` gathers every part's `REPORT`, in one stated order, as `caseload/` gathers panels.
A figure is a number with a stable key and plain words; the report decides how it is shown,
suppresses small counts in exports ("fewer than 5") and never holds names or free text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

Kind = Literal["count", "median", "share", "hours", "mean"]


@dataclass(frozen=True)
class Period:
    """The days a report covers (both ends included) and whose cases: some teams, or all (None)."""

    start: dt.date
    end: dt.date
    team_ids: tuple[UUID, ...] | None = None


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
