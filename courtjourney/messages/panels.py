"""What messages show on the pages that look across parts: on My day, notices the family has not said
they have seen ("Phone the family" once an urgent one is overdue), messages kept for the worker to send
herself, and those that could not be sent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.day import Day, DayLine, DaySection
from courtjourney.hearings.models import Hearing
from courtjourney.i18n import gettext as _
from courtjourney.messages import rules, services
from courtjourney.web.pages import case_url


async def day_unacknowledged(db: AsyncSession, day: Day) -> DaySection:
    found = await services.unacknowledged(db, day.ids)
    hearing_ids = {m.hearing_id for m in found if m.hearing_id}
    hearings = (
        {h.id: h for h in await db.scalars(select(Hearing).where(Hearing.id.in_(hearing_ids)))}
        if hearing_ids
        else {}
    )
    lines = []
    for m in found:
        case = day.cases[m.case_id]
        href = case_url(case, f"/messages#message-{m.id}")
        hearing = hearings.get(m.hearing_id) if m.hearing_id else None
        start = services.hearing_start(hearing) if hearing is not None else None
        if m.status == "hold":
            lines.append(
                DayLine(
                    case,
                    _("A message is waiting: copy it and send it yourself"),
                    href,
                    late=m.urgent,
                    family=True,
                    on=m.due_at.date(),
                )
            )
        elif m.status == "failed":
            lines.append(
                DayLine(
                    case,
                    _("A message could not be sent: phone the family"),
                    href,
                    late=True,
                    detail=m.last_error or "",
                    family=True,
                )
            )
        elif m.urgent and m.sent_at is not None and day.now >= rules.answer_by(m.sent_at, start):
            lines.append(
                DayLine(
                    case,
                    _(
                        "Phone the family: they have not said they saw the notice of a change to a hearing soon"
                    ),
                    href,
                    late=True,
                    detail=_("Sent %(when)s.") % {"when": m.sent_at.strftime("%d/%m %H:%M")},
                    family=True,
                )
            )
        else:
            lines.append(
                DayLine(case, _("Waiting for the family to say they have seen a message"), href, family=True)
            )
    lines.sort(key=lambda line: (not line.late, line.case.reference))
    return DaySection(
        "unacknowledged",
        _("Messages the family has not said they have seen"),
        _("Every message sent has been seen."),
        lines,
    )
