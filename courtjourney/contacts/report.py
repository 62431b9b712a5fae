"""What the contact log offers the quarterly report (panels.REPORT): contacts and hours by kind, and going
with families to court. Counted from the entries as they read now (a correction replaces what it
corrects); hours are the minutes recorded, so a contact with no length adds none."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.access import report_cases_in
from courtjourney.contacts import rules
from courtjourney.contacts.models import ContactEntry
from courtjourney.figures import Figure, Period, read_once
from courtjourney.i18n import gettext as _

COURT = "court_with_family"


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


#: A contact as the report reads it: (case_id, kind, minutes, about_hearing_id), columns only.
Entry = Row[UUID, str, int | None, UUID | None]


async def _read_entries(db: AsyncSession, period: Period) -> list[Entry]:
    return list(
        await db.execute(
            select(
                ContactEntry.case_id, ContactEntry.kind, ContactEntry.minutes, ContactEntry.about_hearing_id
            ).where(
                (await report_cases_in(db, period)).where(ContactEntry.case_id),
                ContactEntry.at >= period.starts_at,
                ContactEntry.at < period.ends_before,
            )
        )
    )


async def _entries(db: AsyncSession, period: Period) -> list[Entry]:
    """The contacts in the period (read once per report)."""
    return await read_once(db, period, _read_entries)


async def contact_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Contacts and hours in the period, in all and for each kind of contact (every kind, so the keys
    are the same each quarter)."""
    entries = await _entries(db, period)
    count = Counter(e.kind for e in entries)
    minutes: Counter[str] = Counter()
    for e in entries:
        minutes[e.kind] += e.minutes or 0
    reached = sum(1 for e in entries if e.kind in rules.BY_KEY and rules.BY_KEY[e.kind].connected)
    section = _("Contacts with families")
    figures = [
        Figure(
            section,
            "contacts.total",
            _("Contacts recorded (including tries that did not reach anyone)"),
            len(entries),
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
    went = [e for e in await _entries(db, period) if e.kind == COURT]
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
