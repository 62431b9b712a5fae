"""What the threats part shows on the pages that look across parts (caseload/): the incident log's summary
on the case page (_incident_summary.html); on My day, the incidents recorded since the worker last looked;
each incident recorded, amended and passed to the police on the case timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.day import Day, DayLine, DaySection
from courtjourney.cases.models import Case
from courtjourney.figures import FigureSource
from courtjourney.i18n import LONDON, N_, long_datetime
from courtjourney.i18n import gettext as _
from courtjourney.threats import report, rules, summary
from courtjourney.threats.models import Amendment, Incident, PoliceReferral
from courtjourney.threats.rules import KINDS
from courtjourney.web.pages import case_url
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart, newest_first

#: On a first visit to My day (nothing seen yet), the incidents of the last week are news.
FIRST_LOOK = dt.timedelta(days=7)


KIND_LABELS = dict(KINDS)


async def case_panel(db: AsyncSession, case: Case, hearing_days: list[dt.date]) -> dict[str, Any]:
    """The incident log's summary; `hearing_days` shade their weeks on its chart (handed in by the page)."""
    return {
        "incident_log": await summary.log_summary(db, case, hearing_days=hearing_days),
        "incident_labels": summary.labels(),
    }


async def day_incidents(db: AsyncSession, day: Day) -> DaySection:
    """My day: incidents others recorded since the worker last opened My day, the newest first
    (the worker's own are not news to them)."""
    since = day.since or (day.now - FIRST_LOOK)
    kinds = dict(rules.KINDS)
    lines: list[DayLine] = []
    if day.ids:
        for incident in await db.scalars(
            select(Incident)
            .where(
                Incident.case_id.in_(day.ids),
                Incident.recorded_at > since,
                Incident.recorded_by_id.is_distinct_from(day.user_id),
            )
            .order_by(Incident.recorded_at.desc())
        ):
            kind = _(kinds[incident.kind]) if incident.kind in kinds else _("Incident")
            lines.append(
                DayLine(
                    case=day.cases[incident.case_id],
                    text=_("Incident %(number)d: %(kind)s") % {"number": incident.number, "kind": kind},
                    href=f"/cases/{incident.case_id}/incidents/{incident.id}",
                    detail=_("Recorded %(when)s.") % {"when": long_datetime(incident.recorded_at)},
                    on=incident.recorded_at.astimezone(LONDON).date(),
                )
            )
    return DaySection(
        "incidents",
        _("Incidents recorded since you last looked"),
        _("No new incidents since you last looked."),
        lines,
    )


async def timeline_entries(
    db: AsyncSession, case: Case, *, before: Before | None, limit: int
) -> list[TimelineEntry]:
    """Incidents recorded, amended and passed to the police, newest first: three queries."""
    found: list[TimelineEntry] = []
    recorded = select(Incident).where(Incident.case_id == case.id)
    if before is not None:
        recorded = recorded.where(before.clause(Incident.recorded_at, Incident.id))
    for i in await db.scalars(
        recorded.order_by(Incident.recorded_at.desc(), Incident.id.desc()).limit(limit)
    ):
        words = _("Incident %(n)d recorded") % {"n": i.number}
        if i.kind in KIND_LABELS:
            words += f": {_(KIND_LABELS[i.kind]).lower()}"
        found.append(
            TimelineEntry(i.recorded_at, i.id, TIMELINE.kind, words, case_url(case, f"/incidents/{i.id}"))
        )
    later: tuple[tuple[type[Amendment] | type[PoliceReferral], str], ...] = (
        (Amendment, N_("Incident %(n)d amended")),
        (PoliceReferral, N_("Incident %(n)d passed to the police")),
    )
    for row, said in later:
        query = (
            select(row, Incident.number)
            .join(Incident, Incident.id == row.incident_id)
            .where(row.case_id == case.id)
        )
        if before is not None:
            query = query.where(before.clause(row.recorded_at, row.id))
        rows = await db.execute(query.order_by(row.recorded_at.desc(), row.id.desc()).limit(limit))
        for item, number in rows:
            assert isinstance(item, Amendment | PoliceReferral)
            found.append(
                TimelineEntry(
                    item.recorded_at,
                    item.id,
                    TIMELINE.kind,
                    _(said) % {"n": number},
                    case_url(case, f"/incidents/{item.incident_id}"),
                )
            )
    return newest_first(found)[:limit]


TIMELINE = TimelinePart("incidents", N_("Incidents"), timeline_entries)


#: What the incident log offers the quarterly report (reports/ gathers it): see threats/report.py.
REPORT: tuple[FigureSource, ...] = (report.incident_figures, report.police_figures)
