"""GET /api/me/day: My day's lists as JSON, the same lists the page shows, in the same order."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.caseload import myday
from courtjourney.cases.day import DaySection
from courtjourney.web.schemas import Out


class DayLineOut(Out):
    case_id: UUID
    case_reference: str
    text: Annotated[str, msgspec.Meta(description="What to do, in the reader's language")]
    href: Annotated[str, msgspec.Meta(description="The page where it is done")]
    late: Annotated[bool, msgspec.Meta(description="Past its standard or due day (drawn in red)")]
    detail: str
    on: Annotated[dt.date | None, msgspec.Meta(description="The day the line is about (UK time)")]
    family: Annotated[bool, msgspec.Meta(description="About the family: the page offers 'Record a contact'")]
    days: Annotated[
        int | None,
        msgspec.Meta(
            description="To tell: working days since the change was known; not contacted: days since"
        ),
    ]


class DaySectionOut(Out):
    key: Annotated[
        str,
        msgspec.Meta(
            description="to_tell, hearings, tasks, deadlines, reviews, incidents or not_contacted (most urgent first)"
        ),
    ]
    title: str
    lines: list[DayLineOut]


class MyDayOut(Out):
    to_tell: Annotated[
        int, msgspec.Meta(description="Hearings with a change the family has not been told of")
    ]
    late: Annotated[int, msgspec.Meta(description="Of those, how many are past the one-working-day standard")]
    since: Annotated[
        dt.datetime | None,
        msgspec.Meta(description="When My day was last opened: 'incidents' lists those recorded since"),
    ]
    sections: list[DaySectionOut]


def section_out(section: DaySection) -> DaySectionOut:
    return DaySectionOut(
        key=section.key,
        title=section.title,
        lines=[
            DayLineOut(
                case_id=line.case.id,
                case_reference=line.case.reference,
                text=line.text,
                href=line.href,
                late=line.late,
                detail=line.detail,
                on=line.on,
                family=line.family,
                days=line.days,
            )
            for line in section.lines
        ],
    )


class MyDayApi(Controller):
    path = "/api/me"
    tags = ["My day"]

    @get(
        "/day",
        summary="What you must do today across the cases you may see, most urgent first",
        description=(
            "The lists My day shows: families to tell about a hearing change (late past one working day, "
            "Victims' Code Right 8), hearings in the next 7 days, tasks overdue or due this week, deadlines "
            "after the verdict, support plan reviews due, incidents recorded by others since My day was last "
            "opened in the browser, and families not contacted for longer than the team's standard for "
            "their risk level. Reading this does not move the 'since' mark: only opening the page does."
        ),
    )
    async def my_day(self, db_session: AsyncSession, actor: Actor) -> MyDayOut:
        view = await myday.my_day(db_session, actor)
        await audit.record_listed(db_session, actor, view.case_ids)
        return MyDayOut(
            to_tell=view.to_tell,
            late=view.late,
            since=view.since,
            sections=[section_out(s) for s in view.sections],
        )
