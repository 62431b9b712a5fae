"""What the hearings part shows on the pages that look across parts (caseload/): the case's proceedings,
charges, hearings and measures on the case page, each case's next hearing on the caseload; on My day the
families to tell about a hearing change and the hearings of the next 7 days; the "to tell" and "late"
counts on the caseload, the case page and the team page; and every listing, move and change of status on
the case timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.access import CaseIds, no_cases
from courtjourney.cases.day import Day, DayLine, DaySection
from courtjourney.cases.models import Case
from courtjourney.figures import FigureSource
from courtjourney.hearings import report, services, story
from courtjourney.hearings.forms import NOT_HAPPENING
from courtjourney.hearings.models import Hearing, HearingChange
from courtjourney.i18n import LONDON, N_, ngettext
from courtjourney.i18n import gettext as _
from courtjourney.web.pages import case_url
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart

#: How far ahead My day looks for hearings: today and the six days after it.
DAY_AHEAD = 7


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
    """Each case's next hearing and its "to tell" and "late" counts, for its card on the caseload."""
    return {
        "next_hearings": await services.next_hearings(db, case_ids),
        "to_tell": await telling_counts(db, case_ids),
        "label": story.label,
        "hearing_when": story.hearing_when,
    }


# --- telling the family: what My day, the caseload, the case page and the team page count ------------


@dataclass(frozen=True)
class Untold:
    """One hearing with changes the family has not been told about, as long as the oldest has waited."""

    hearing: Hearing
    known_at: dt.datetime  # when we learned of the oldest untold change
    delay: services.TellingDelay


@dataclass(frozen=True)
class TellCount:
    """A case's hearings whose changes the family has still to hear of, and how many of them are late."""

    to_tell: int = 0
    late: int = 0


async def untold(db: AsyncSession, case_ids: list[UUID], now: dt.datetime | None = None) -> list[Untold]:
    """Hearings of these cases with a change not yet told (one line each: "told" is recorded per hearing),
    the longest wait first."""
    if not case_ids:
        return []
    rows = (
        await db.execute(
            select(HearingChange, Hearing)
            .join(Hearing, Hearing.id == HearingChange.hearing_id)
            .where(HearingChange.case_id.in_(case_ids), HearingChange.told_at.is_(None))
            .order_by(HearingChange.known_at)
        )
    ).all()
    oldest: dict[UUID, tuple[HearingChange, Hearing]] = {}
    for change, hearing in rows:
        oldest.setdefault(hearing.id, (change, hearing))
    found = [Untold(h, c.known_at, services.telling_delay(c, now)) for c, h in oldest.values()]
    return sorted(found, key=lambda u: (-u.delay.working_days, u.known_at))


async def telling_counts(
    db: AsyncSession, case_ids: CaseIds, now: dt.datetime | None = None
) -> dict[UUID, TellCount]:
    """Per case: hearings to tell the family about, and how many of those are late (one query, reading
    only the ids and times it counts: a team's untold changes loaded whole were decrypted for nothing)."""
    if no_cases(case_ids):
        return {}
    oldest: dict[UUID, tuple[UUID, dt.datetime]] = {}
    for case_id, hearing_id, known_at in await db.execute(
        select(HearingChange.case_id, HearingChange.hearing_id, HearingChange.known_at)
        .where(HearingChange.case_id.in_(case_ids), HearingChange.told_at.is_(None))
        .order_by(HearingChange.known_at)
    ):
        oldest.setdefault(hearing_id, (case_id, known_at))
    counts: dict[UUID, TellCount] = {}
    for case_id, known_at in oldest.values():
        was = counts.get(case_id, TellCount())
        late = services.telling_delay_between(known_at, None, now).late
        counts[case_id] = TellCount(was.to_tell + 1, was.late + int(late))
    return counts


async def told_in_time_this_month(
    db: AsyncSession, case_ids: CaseIds, today: dt.date, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Of the changes we learned of this month (London), how many the family heard of within the telling
    standard, out of those already told or already late (one still in time is not counted yet)."""
    if no_cases(case_ids):
        return 0, 0
    start = dt.datetime.combine(today.replace(day=1), dt.time(0), tzinfo=LONDON).astimezone(dt.UTC)
    in_time = counted = 0
    for known_at, told_at in await db.execute(
        select(HearingChange.known_at, HearingChange.told_at).where(
            HearingChange.case_id.in_(case_ids), HearingChange.known_at >= start
        )
    ):
        delay = services.telling_delay_between(known_at, told_at, now)
        if delay.told or delay.late:
            counted += 1
            in_time += int(delay.told and not delay.late)
    return in_time, counted


def _tell_line(u: Untold, case: Case) -> DayLine:
    h = u.hearing
    days = u.delay.working_days
    standard = u.delay.allowed
    detail = ngettext(
        "%(num)d working day since we learned of it: the standard is %(standard)d.",
        "%(num)d working days since we learned of it: the standard is %(standard)d.",
        days,
    ) % {"num": days, "standard": standard}
    return DayLine(
        case=case,
        text=_("Tell the family about the change to the %(hearing)s (%(when)s)")
        % {"hearing": story.label("hearing_type", h.hearing_type).lower(), "when": story.hearing_when(h)},
        href=f"/cases/{case.id}/hearings/{h.id}#story",
        late=u.delay.late,
        detail=detail,
        on=u.known_at.astimezone(LONDON).date(),
        family=True,
        days=days,
    )


async def day_to_tell(db: AsyncSession, day: Day) -> DaySection:
    """My day, first: families to tell about a hearing change, the longest wait first."""
    found = await untold(db, day.ids, day.now)
    return DaySection(
        "to_tell",
        _("Families to tell about a hearing change"),
        _("Every family has been told about every change."),
        [_tell_line(u, day.cases[u.hearing.case_id]) for u in found],
    )


async def day_hearings(db: AsyncSession, day: Day) -> DaySection:
    """My day: the hearings of the next 7 days (today first), still going ahead."""
    rows = await services.hearings_between(
        db, day.ids, day.today, day.today + dt.timedelta(days=DAY_AHEAD - 1)
    )
    lines = [
        DayLine(
            case=day.cases[h.case_id],
            text=f"{story.label('hearing_type', h.hearing_type)}: {story.hearing_when(h)}",
            href=f"/cases/{h.case_id}/hearings/{h.id}",
            detail=h.court_name,
            on=h.sort_day,
        )
        for h in rows
        if h.status not in NOT_HAPPENING
    ]
    return DaySection(
        "hearings", _("Hearings in the next 7 days"), _("No hearings in the next 7 days."), lines
    )


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


#: What the hearings part offers the quarterly report (reports/ gathers it): see hearings/report.py.
REPORT: tuple[FigureSource, ...] = (report.trial_figures, report.change_figures, report.telling_figures)
