"""What the contact log shows on the pages that look across parts (caseload/): its lines on the case
timeline ("Phone call with Nora, 20 minutes"). The notes stay on the contact log itself."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.models import Case, FamilyMember
from courtjourney.contacts import rules
from courtjourney.contacts.models import ContactEntry, ContactMember
from courtjourney.contacts.services import kind_label
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.web.pages import case_url
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart


def _line(entry: ContactEntry, names: list[str]) -> str:
    what = kind_label(entry.kind)
    if names:
        connected = rules.BY_KEY[entry.kind].connected if entry.kind in rules.BY_KEY else True
        who = ", ".join(names)
        what = _("%(what)s with %(who)s") % {"what": what, "who": who} if connected else f"{what} ({who})"
    if entry.minutes:
        what += ", " + _("%(n)d minutes") % {"n": entry.minutes}
    if entry.corrections:
        what += " " + _("(corrected)")
    return what


async def timeline_entries(
    db: AsyncSession, case: Case, *, before: Before | None, limit: int
) -> list[TimelineEntry]:
    """The case's contacts, newest first: two queries (the entries, then who each was with)."""
    query = select(ContactEntry).where(ContactEntry.case_id == case.id)
    if before is not None:
        query = query.where(before.clause(ContactEntry.at, ContactEntry.id))
    entries = list(
        await db.scalars(query.order_by(ContactEntry.at.desc(), ContactEntry.id.desc()).limit(limit))
    )
    names: dict[object, list[str]] = {e.id: [] for e in entries}
    if entries:
        for entry_id, name in await db.execute(
            select(ContactMember.entry_id, FamilyMember.name)
            .join(FamilyMember, FamilyMember.id == ContactMember.member_id)
            .where(ContactMember.entry_id.in_(list(names)))
            .order_by(ContactMember.created_at, ContactMember.id)
        ):
            # The first name is enough to say who it was with; the full record is one click away.
            names[entry_id].append(name.split()[0] if name.strip() else name)
    return [
        TimelineEntry(
            e.at, e.id, TIMELINE.kind, _line(e, names[e.id]), case_url(case, f"/contact-log#entry-{e.id}")
        )
        for e in entries
    ]


TIMELINE = TimelinePart("contacts", N_("Contacts"), timeline_entries)
