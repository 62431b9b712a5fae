"""What the contact log offers the quarterly report (panels.REPORT): contacts and hours by kind, and going
with families to court. Counted from the entries as they read now (a correction replaces what it
corrects); hours are the minutes recorded, so a contact with no length adds none."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.access import report_cases_in
from courtjourney.contacts import rules
from courtjourney.contacts.models import ContactEntry
from courtjourney.figures import Figure, Period
from courtjourney.i18n import gettext as _

COURT = "court_with_family"


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


#: A contact at court as the report reads it: (case_id, minutes, about_hearing_id), columns only.
CourtEntry = Row[UUID, int | None, UUID | None]


async def _in_period(db: AsyncSession, period: Period) -> tuple[ColumnElement[bool], ...]:
    return (
        (await report_cases_in(db, period)).where(ContactEntry.case_id),
        ContactEntry.at >= period.starts_at,
        ContactEntry.at < period.ends_before,
    )


async def contact_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Contacts and hours in the period, in all and for each kind of contact (every kind, so the keys
    are the same each quarter), counted by the database: a row per kind, not per contact."""
    count: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    for key, n, total in await db.execute(
        select(ContactEntry.kind, func.count(), func.coalesce(func.sum(ContactEntry.minutes), 0))
        .where(*await _in_period(db, period))
        .group_by(ContactEntry.kind)
    ):
        count[key], minutes[key] = n, total or 0
    reached = sum(n for key, n in count.items() if key in rules.BY_KEY and rules.BY_KEY[key].connected)
    section = _("Contacts with families")
    figures = [
        Figure(
            section,
            "contacts.total",
            _("Contacts recorded (including tries that did not reach anyone)"),
            sum(count.values()),
        ),
        Figure(
            section, "contacts.reached", _("Contacts that reached the family or were about them"), reached
        ),
        Figure(section, "contacts.hours", _("Hours recorded"), _hours(sum(minutes.values())), kind="hours"),
    ]
    for kind in rules.KINDS:
        figures.append(Figure(section, f"contacts.count.{kind.key}", _(kind.label), count[kind.key]))
    hours = _("Hours by kind of contact")
    for kind in rules.KINDS:
        figures.append(
            Figure(
                hours, f"contacts.hours.{kind.key}", _(kind.label), _hours(minutes[kind.key]), kind="hours"
            )
        )
    return figures


async def court_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Going with families to court: the times, the families and the hearings (where the entry names one)."""
    went: list[CourtEntry] = list(
        await db.execute(
            select(ContactEntry.case_id, ContactEntry.minutes, ContactEntry.about_hearing_id).where(
                *await _in_period(db, period), ContactEntry.kind == COURT
            )
        )
    )
    section = _("Going with families to court")
    return [
        Figure(section, "court.times", _("Times a worker went with a family to court"), len(went)),
        Figure(
            section,
            "court.families",
            _("Families a worker went to court with"),
            len({e.case_id for e in went}),
        ),
        Figure(
            section,
            "court.hearings",
            _("Hearings a worker went to with the family (where the contact names the hearing)"),
            len({e.about_hearing_id for e in went if e.about_hearing_id}),
        ),
        Figure(
            section,
            "court.hours",
            _("Hours at court with families"),
            _hours(sum(e.minutes or 0 for e in went)),
            kind="hours",
        ),
    ]
