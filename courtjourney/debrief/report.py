"""What the debrief part offers the quarterly report (panels.REPORT): the deadlines after the verdict that
fell due in the period, met and missed, and the outcomes decided in it.

A deadline is met when its task (sync_deadline_tasks) was done on or before its day, and missed when it
was done later or is still open once its day has passed. Outcomes are counted as they are recorded, one
per defendant and charge (or one for the case where no one was charged), on the day they were decided
(or recorded, where no date was given).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.access import report_cases_in
from courtjourney.cases.models import Task
from courtjourney.db.base import utcnow
from courtjourney.debrief import rules
from courtjourney.debrief.models import Outcome
from courtjourney.figures import Figure, Period
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _

#: Results that are neither a conviction, an acquittal nor a decision not to prosecute.
OTHER_RESULTS = (
    frozenset(key for key, _label in rules.RESULTS) - rules.CONVICTED - rules.NOT_PROSECUTED - {"acquitted"}
)


async def deadline_figures(db: AsyncSession, period: Period, today: dt.date | None = None) -> list[Figure]:
    """Deadlines after the verdict whose day fell in the period: met, missed, and still open."""
    today = today or utcnow().astimezone(LONDON).date()
    counted: Counter[str] = Counter()
    for task in await db.execute(
        select(Task.due_on, Task.done_at).where(
            (await report_cases_in(db, period)).where(Task.case_id),
            Task.playbook_key.like("deadline:%"),
            Task.playbook_key.not_like("%:warn"),  # the reminder before a deadline is not a deadline
            Task.due_on >= period.start,
            Task.due_on <= period.end,
        )
    ):
        assert task.due_on is not None
        if task.done_at is not None:
            counted["met" if task.done_at.astimezone(LONDON).date() <= task.due_on else "missed"] += 1
        else:
            counted["missed" if task.due_on < today else "open"] += 1
    section = _("Deadlines after the verdict")
    return [
        Figure(section, "deadlines.due", _("Deadlines that fell due in the period"), sum(counted.values())),
        Figure(section, "deadlines.met", _("Met (acted on by the day)"), counted["met"]),
        Figure(section, "deadlines.missed", _("Missed (acted on late, or not at all)"), counted["missed"]),
        Figure(section, "deadlines.open", _("Not yet due: the day is still to come"), counted["open"]),
    ]


async def outcome_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Outcomes decided in the period: convictions, acquittals, decisions not to prosecute, others."""
    results: Counter[str] = Counter()
    for outcome in await db.execute(
        select(Outcome.decided_on, Outcome.created_at, Outcome.result).where(
            (await report_cases_in(db, period)).where(Outcome.case_id)
        )
    ):
        day = outcome.decided_on or outcome.created_at.astimezone(LONDON).date()
        if period.start <= day <= period.end:
            results[outcome.result] += 1
    section = _("Outcomes")
    return [
        Figure(
            section,
            "outcomes.convictions",
            _("Convictions (pleaded or found guilty)"),
            sum(results[r] for r in rules.CONVICTED),
        ),
        Figure(section, "outcomes.acquittals", _("Acquittals (found not guilty)"), results["acquitted"]),
        Figure(
            section,
            "outcomes.not_prosecuted",
            _("Decisions not to prosecute (no charge, dropped, or no evidence offered)"),
            sum(results[r] for r in rules.NOT_PROSECUTED),
        ),
        Figure(
            section,
            "outcomes.other",
            _("Other outcomes (the jury could not agree, or a new trial was ordered)"),
            sum(results[r] for r in OTHER_RESULTS),
        ),
    ]
