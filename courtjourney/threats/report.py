"""What the incident log offers the quarterly report (panels.REPORT): incidents recorded in the period, by
kind (as the latest amendment left it), and the incidents passed to the police in the period, by who
passed them on."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.access import report_cases_in
from courtjourney.figures import Figure, Period
from courtjourney.i18n import gettext as _
from courtjourney.threats import rules
from courtjourney.threats.models import Amendment, Incident, PoliceReferral

NOT_SAID = "not_said"


async def incident_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Incidents recorded in the period, in all and by kind."""
    incidents = list(
        await db.execute(
            select(Incident.id, Incident.kind).where(
                (await report_cases_in(db, period)).where(Incident.case_id),
                Incident.recorded_at >= period.starts_at,
                Incident.recorded_at < period.ends_before,
            )
        )
    )
    kinds = {i.id: i.kind for i in incidents}
    if kinds:
        for amendment in await db.execute(
            select(Amendment.incident_id, Amendment.kind)
            .where(Amendment.incident_id.in_(list(kinds)), Amendment.kind.is_not(None))
            .order_by(Amendment.recorded_at, Amendment.id)
        ):
            kinds[amendment.incident_id] = amendment.kind
    counted = Counter(kind or NOT_SAID for kind in kinds.values())
    section = _("Intimidation incidents")
    return [
        Figure(section, "incidents.recorded", _("Incidents recorded"), len(incidents)),
        *(Figure(section, f"incidents.kind.{key}", _(label), counted[key]) for key, label in rules.KINDS),
        Figure(section, f"incidents.kind.{NOT_SAID}", _("Kind not recorded"), counted[NOT_SAID]),
    ]


async def police_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Incidents passed to the police in the period (each once, however many times), and by whom."""
    first: dict[object, str] = {}
    for referral in await db.execute(
        select(PoliceReferral.incident_id, PoliceReferral.passed_by)
        .where(
            (await report_cases_in(db, period)).where(PoliceReferral.case_id),
            PoliceReferral.passed_on >= period.start,
            PoliceReferral.passed_on <= period.end,
        )
        .order_by(PoliceReferral.passed_on, PoliceReferral.recorded_at)
    ):
        first.setdefault(referral.incident_id, referral.passed_by)
    by = Counter(first.values())
    section = _("Passed to the police")
    return [
        Figure(section, "incidents.passed", _("Incidents passed to the police"), len(first)),
        *(Figure(section, f"incidents.passed_by.{key}", _(label), by[key]) for key, label in rules.PASSED_BY),
    ]
