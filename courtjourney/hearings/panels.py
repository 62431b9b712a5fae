"""What the hearings part shows on the pages that look across parts (caseload/): the case's proceedings,
charges, hearings and measures on the case page, each case's next hearing on the caseload, and every
listing, move and change of status on the case timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.models import Case
from courtjourney.hearings import services, story
from courtjourney.hearings.forms import NOT_HAPPENING
from courtjourney.hearings.models import Hearing, HearingChange
from courtjourney.i18n import N_
from courtjourney.web.pages import case_url
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart


async def case_panel(db: AsyncSession, case: Case) -> dict[str, Any]:
    """The case page's hearings section (_hearings_section.html)."""
    return {
        "proceedings": await services.proceedings_for(db, case.id),
        "charges": await services.charges_for(db, case.id),
        "hearings": await services.hearings_for(db, case.id),
        "measures": await services.measures_for(db, case.id),
        "label": story.label,
        "hearing_when": story.hearing_when,
    }


def hearing_days(hearings: list[Hearing]) -> list[dt.date]:
    """The days of the hearings still going ahead (or that went ahead): what other parts may mark."""
    return [h.sort_day for h in hearings if h.status not in NOT_HAPPENING]


async def caseload_panel(db: AsyncSession, case_ids: list[UUID], today: dt.date) -> dict[str, Any]:
    """Each case's next hearing, for its card on the caseload."""
    return {
        "next_hearings": await services.next_hearings(db, case_ids),
        "label": story.label,
        "hearing_when": story.hearing_when,
    }


async def timeline_entries(
    db: AsyncSession, case: Case, *, before: Before | None, limit: int
) -> list[TimelineEntry]:
    """Each hearing listed, moved or changed, in the words of its own history: one query."""
    query = (
        select(HearingChange, Hearing)
        .join(Hearing, Hearing.id == HearingChange.hearing_id)
        .where(HearingChange.case_id == case.id)
    )
    if before is not None:
        query = query.where(before.clause(HearingChange.changed_at, HearingChange.id))
    rows = await db.execute(
        query.order_by(HearingChange.changed_at.desc(), HearingChange.id.desc()).limit(limit)
    )
    return [
        TimelineEntry(
            change.changed_at,
            change.id,
            TIMELINE.kind,
            f"{story.label('hearing_type', hearing.hearing_type)}: {story.change_story(change, hearing)}",
            case_url(case, f"/hearings/{hearing.id}"),
        )
        for change, hearing in rows
    ]


TIMELINE = TimelinePart("hearings", N_("Hearings"), timeline_entries)
