"""What the contact log shows on the pages that look across parts (caseload/): on My day, the families not
reached for longer than their team's standard for the case's risk level."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.day import Day, DayLine, DaySection
from courtjourney.contacts import rules, services
from courtjourney.i18n import LONDON, ngettext
from courtjourney.i18n import gettext as _


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
