"""The shape of "My day" (caseload/myday.py): what each part is handed to find the worker's lines, and
the lines it gives back. Plain data, so every part can offer lines without importing the page.

Every part reads only the cases in `Day.cases` (the worker's visible cases, found once by the page),
so what a part asks the database is bounded by the worker's caseload, never by the whole service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from uuid import UUID

from courtjourney.cases.models import Case


@dataclass(frozen=True)
class Day:
    """What every part's My day panel is handed."""

    user_id: UUID | None
    now: dt.datetime  # aware, UTC
    today: dt.date  # in London
    #: The worker's visible cases, by id.
    cases: dict[UUID, Case]
    #: Each case's stage and current risk level (None: not assessed yet), from the caseload's own reading.
    stages: dict[UUID, str] = field(default_factory=dict)
    risks: dict[UUID, str | None] = field(default_factory=dict)
    #: When the worker last opened My day (None: never): what is news since then.
    since: dt.datetime | None = None

    @property
    def ids(self) -> list[UUID]:
        return list(self.cases)


@dataclass(frozen=True)
class DayLine:
    """One thing to do, on one case: what, where it is done, and how urgent."""

    case: Case
    text: str  # translated
    href: str  # where it is done
    #: Past the standard or the due day: drawn in red, with the word "late" or "overdue".
    late: bool = False
    #: A second line of plain words: how long, against which standard.
    detail: str = ""
    #: The day it is about (a hearing's day, a task's due day), for the API.
    on: dt.date | None = None
    #: A line about the family (to tell them, to contact them) offers "Record a contact" for its case.
    family: bool = False
    #: A hearing change line's working days since it became known; a not-contacted line's days.
    days: int | None = None


@dataclass(frozen=True)
class DaySection:
    """One list on My day, its lines most urgent first."""

    key: str  # also the anchor on the page and the key in GET /api/me/day
    title: str  # translated
    empty: str  # translated: what the page says when there is nothing
    lines: list[DayLine]
