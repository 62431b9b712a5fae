"""What the contact log shows on the pages that look across parts (caseload/): on My day, the families not
reached for longer than their team's standard for the case's risk level; its lines on the case timeline
("Phone call with Nora, 20 minutes"). The notes stay on the contact log itself."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.day import Day, DayLine, DaySection
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.contacts import report, rules, services
from courtjourney.contacts.models import ContactEntry, ContactMember
from courtjourney.contacts.services import kind_label
from courtjourney.figures import FigureSource
from courtjourney.i18n import LONDON, N_, ngettext
from courtjourney.i18n import gettext as _
from courtjourney.web.pages import case_url
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart


def _risk_words(risk: str | None) -> str:
    return {
        "high": _("high risk"),
        "medium": _("medium risk"),
        "low": _("low risk"),
    }.get(risk or "", _("risk not assessed yet: the medium standard"))


async def day_not_contacted(db: AsyncSession, day: Day) -> DaySection:
    """My day: open cases whose last contact that reached the family (or, with none, the case's opening)
    is older than the team's standard for the case's risk, the longest overdue first."""
    open_cases = [c for c in day.cases.values() if day.stages.get(c.id) not in rules.NOT_CONTACTED_AFTER]
    standards = await services.standards_for(db, (c.team_id for c in open_cases))
    reached = await services.last_reached(db, [c.id for c in open_cases])
    found = []
    for case in open_cases:
        risk = day.risks.get(case.id)
        allowed = standards[case.team_id].days_for(risk)
        last = reached.get(case.id)
        since = (last or case.created_at).astimezone(LONDON).date()
        days = (day.today - since).days
        if days > allowed:
            found.append((days - allowed, days, allowed, last is not None, case, risk, since))
    found.sort(key=lambda f: (-f[0], f[4].reference))
    lines = []
    for _over, days, allowed, had_contact, case, risk, since in found:
        if had_contact:
            text = ngettext(
                "No contact that reached the family for %(num)d day",
                "No contact that reached the family for %(num)d days",
                days,
            ) % {"num": days}
        else:
            text = ngettext(
                "No contact with the family recorded since the case opened %(num)d day ago",
                "No contact with the family recorded since the case opened %(num)d days ago",
                days,
            ) % {"num": days}
        lines.append(
            DayLine(
                case=case,
                text=text,
                href=f"/cases/{case.id}/contact-log/new",
                late=True,
                detail=_("The team's standard for %(risk)s is %(allowed)d days.")
                % {"risk": _risk_words(risk), "allowed": allowed},
                on=since,
                family=True,
                days=days,
            )
        )
    return DaySection(
        "not_contacted",
        _("Families not contacted for longer than the team's standard"),
        _("Every family has been contacted within the team's standard."),
        lines,
    )


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

#: What the contact log offers the quarterly report (reports/ gathers it): see contacts/report.py.
REPORT: tuple[FigureSource, ...] = (report.contact_figures, report.court_figures)
