"""The case timeline's shared shapes: one line of a case's story (`TimelineEntry`), what a part offers to it
(`TimelinePart`), and where a page of it stops (`Before`, read from and written to the "Older" link).

Each part builds its own lines in its panels.py; caseload/timeline.py gathers them. Paging is by (at, id),
newest first, so every part's query is `WHERE case_id = ? AND (at, id) < before ORDER BY at DESC, id DESC
LIMIT n`: bounded, however long the case or large the caseload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_

from courtjourney.errors import InputError
from courtjourney.i18n import LONDON

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

#: Years a timeline can be read back to or from: anything outside is a mistyped date.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
BAD_BEFORE = "Check the date in 'before': use a date and time such as 2026-03-01T10:00:00Z."


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's story: when, what kind, in plain words, and where it lives."""

    at: dt.datetime
    id: UUID  # the row it comes from; with `at`, where a page stops
    kind: str  # the TimelinePart.kind that offered it
    text: str
    href: str


@dataclass(frozen=True)
class Before:
    """Only lines older than this: earlier than `at`, or at `at` with a smaller id."""

    at: dt.datetime
    id: UUID | None = None

    def token(self) -> str:
        """For the "Older" link: the time in UTC, then the id."""
        stamp = self.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return f"{stamp}~{self.id}" if self.id else stamp

    @classmethod
    def parse(cls, raw: str | None) -> Before | None:
        """Read `before` from a query string: a date and time (UK time without an offset), then `~id`
        (optional). Anything else is an InputError in plain words, never a server error."""
        if raw is None or not raw.strip():
            return None
        # A '+' in an offset arrives as a space when the client did not encode it.
        stamp, _sep, rest = raw.strip().replace(" ", "+").partition("~")
        try:
            at = dt.datetime.fromisoformat(stamp)
            if at.tzinfo is None:
                at = at.replace(tzinfo=LONDON)
            if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
                raise ValueError(stamp)
            at = at.astimezone(dt.UTC)
            row = UUID(rest) if rest else None
        except (ValueError, OverflowError):
            raise InputError({"before": BAD_BEFORE}) from None
        return cls(at, row)

    def clause(self, at: Any, row_id: Any) -> ColumnElement[bool]:
        """The SQL condition on a part's time and id columns. `at <= before` comes first, so an index on
        (case_id, at) answers the range; the id only separates lines at the very same moment."""
        if self.id is None:
            return at < self.at
        return and_(at <= self.at, or_(at < self.at, row_id < self.id))


class Entries(Protocol):
    """What a part offers: at most `limit` of its lines on `case` older than `before`, newest first,
    read with a fixed number of bounded queries."""

    def __call__(
        self, db: AsyncSession, case: Any, *, before: Before | None, limit: int
    ) -> Awaitable[list[TimelineEntry]]: ...


@dataclass(frozen=True)
class TimelinePart:
    """A part's lines on the timeline: the filter they answer to (`kind`, with its label) and how to read them."""

    kind: str
    label: str  # N_-marked; translated where it is shown
    entries: Entries


def newest_first(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    return sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
