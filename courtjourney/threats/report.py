"""What the incident log offers the quarterly report (panels.REPORT): incidents recorded in the period, by
kind (as the latest amendment left it), and the incidents passed to the police in the period, by who
passed them on."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.access import report_cases_in
from courtjourney.figures import Figure, Period
from courtjourney.i18n import gettext as _
from courtjourney.threats import rules
from courtjourney.threats.models import Amendment, Incident, PoliceReferral

NOT_SAID = "not_said"


async def incident_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Incidents recorded in the period, in all and by kind (the kind as the latest amendment that gives
    one left it, else as recorded), counted by the database: the report reads a row per kind, not per
    incident."""
    latest_kind = (
        select(Amendment.kind)
        .where(Amendment.incident_id == Incident.id, Amendment.kind.is_not(None))
        .order_by(Amendment.recorded_at.desc(), Amendment.id.desc())
        .limit(1)
        .correlate(Incident)
        .scalar_subquery()
    )
    recorded = (
        select(func.coalesce(latest_kind, Incident.kind).label("kind"))
        .where(
            (await report_cases_in(db, period)).where(Incident.case_id),
            Incident.recorded_at >= period.starts_at,
            Incident.recorded_at < period.ends_before,
        )
        .subquery()
    )
    counted: Counter[str] = Counter()
    for kind, n in await db.execute(select(recorded.c.kind, func.count()).group_by(recorded.c.kind)):
        counted[kind or NOT_SAID] += n
    section = _("Intimidation incidents")
    return [
        Figure(section, "incidents.recorded", _("Incidents recorded"), sum(counted.values())),
        *(Figure(section, f"incidents.kind.{key}", _(label), counted[key]) for key, label in rules.KINDS),
        Figure(section, f"incidents.kind.{NOT_SAID}", _("Kind not recorded"), counted[NOT_SAID]),
    ]


async def police_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Incidents passed to the police in the period (each once, however many times), and by whom."""
    # Each incident once, by who passed it on first (a row per way of passing on, not per referral).
    passed = (
        select(
            PoliceReferral.passed_by,
            func.row_number()
            .over(
                partition_by=PoliceReferral.incident_id,
                order_by=(PoliceReferral.passed_on, PoliceReferral.recorded_at, PoliceReferral.id),
            )
            .label("nth"),
        )
        .where(
            (await report_cases_in(db, period)).where(PoliceReferral.case_id),
            PoliceReferral.passed_on >= period.start,
            PoliceReferral.passed_on <= period.end,
        )
        .subquery()
    )
    firsts = select(passed.c.passed_by, func.count()).where(passed.c.nth == 1).group_by(passed.c.passed_by)
    by: Counter[str] = Counter({passed_by: n for passed_by, n in await db.execute(firsts)})
    section = _("Passed to the police")
    return [
        Figure(section, "incidents.passed", _("Incidents passed to the police"), sum(by.values())),
        *(Figure(section, f"incidents.passed_by.{key}", _(label), by[key]) for key, label in rules.PASSED_BY),
    ]
