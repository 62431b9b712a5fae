"""My day: what the worker must do today across the cases they may see, most urgent first.

Each part offers its lists from its panels.py; MY_DAY below says which, in the order the page reads.
The worker's visible cases are read once (with their stages and risks, as the caseload reads them) and
handed to every part, so each part's questions are bounded by the caseload, never by the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.cases import panels as cases
from courtjourney.cases import services as case_services
from courtjourney.cases.day import Day, DayLine, DaySection
from courtjourney.cases.models import Case
from courtjourney.contacts import panels as contacts
from courtjourney.db.base import utcnow
from courtjourney.debrief import panels as debrief
from courtjourney.hearings import panels as hearings
from courtjourney.i18n import LONDON
from courtjourney.messages import panels as messages
from courtjourney.threats import panels as threats

Panel = Callable[[AsyncSession, Day], Awaitable[DaySection]]

#: My day's lists, most urgent first: a part offering its lines is one more entry.
MY_DAY: tuple[Panel, ...] = (
    hearings.day_to_tell,
    messages.day_unacknowledged,
    hearings.day_hearings,
    cases.day_tasks,
    debrief.day_deadlines,
    debrief.day_reviews,
    threats.day_incidents,
    contacts.day_not_contacted,
)

#: The case page's "what to do" is My day for that one case, without what is news since the last visit.
CASE_TODO: tuple[Panel, ...] = tuple(p for p in MY_DAY if p is not threats.day_incidents)


@dataclass(frozen=True)
class MyDay:
    sections: list[DaySection]
    since: dt.datetime | None  # when the worker last looked, before this visit
    cases: list[Case]  # every case the worker may see, by reference: "Record a contact for ..."

    @property
    def case_ids(self) -> list[UUID]:
        """The cases the lists show, in the order shown (for the audit trail)."""
        return [line.case.id for s in self.sections for line in s.lines]

    def section(self, key: str) -> DaySection:
        return next(s for s in self.sections if s.key == key)

    @property
    def to_tell(self) -> int:
        return len(self.section("to_tell").lines)

    @property
    def late(self) -> int:
        return sum(1 for line in self.section("to_tell").lines if line.late)


async def my_day(
    db: AsyncSession, actor: Actor, *, look: bool = False, now: dt.datetime | None = None
) -> MyDay:
    """The worker's lists. With `look`, the worker has now seen them: the next visit's news starts here."""
    now = now or utcnow()
    rows = await case_services.caseload(db, actor)
    user = await db.get(User, actor.user_id) if actor.user_id else None
    since = user.day_seen_at if user is not None else None
    day = Day(
        user_id=actor.user_id,
        now=now,
        today=now.astimezone(LONDON).date(),
        cases={r.case.id: r.case for r in rows},
        stages={r.case.id: r.stage.value for r in rows},
        risks={r.case.id: r.risk for r in rows},
        since=since,
    )
    sections = [await panel(db, day) for panel in MY_DAY]
    if look and user is not None:
        user.day_seen_at = now
    return MyDay(sections, since, [r.case for r in rows])


async def case_todo(
    db: AsyncSession, actor: Actor, case: Case, stage: str, risk: str | None, now: dt.datetime | None = None
) -> list[DayLine]:
    """What to do on one case (the top of its page): the lines My day would show for it, most urgent first."""
    now = now or utcnow()
    day = Day(
        user_id=actor.user_id,
        now=now,
        today=now.astimezone(LONDON).date(),
        cases={case.id: case},
        stages={case.id: stage},
        risks={case.id: risk},
    )
    return [line for panel in CASE_TODO for line in (await panel(db, day)).lines]
