"""What the debrief part shows on the pages that look across parts (caseload/): reviews due on the caseload;
on the team page, the trials and recorded cross-examinations so far, outcomes, and what is overdue; on
My day, the deadlines after the verdict coming up or passed, and the support plan reviews due; on the
case timeline, each outcome recorded and each support plan review done."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only, raiseload

from courtjourney.accounts.audit import Actor
from courtjourney.cases.access import CaseIds, no_cases
from courtjourney.cases.day import Day, DayLine, DaySection
from courtjourney.cases.models import Case, Task
from courtjourney.debrief import report, rules
from courtjourney.debrief.models import Outcome, PlanReview, WitnessAttendance
from courtjourney.debrief.pages import label
from courtjourney.debrief.services import WITNESS_HEARINGS, may_delete, reviews_due
from courtjourney.figures import FigureSource
from courtjourney.hearings.models import Hearing
from courtjourney.i18n import N_, ngettext, short_date
from courtjourney.i18n import gettext as _
from courtjourney.web.pages import case_url
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart, newest_first

WENT_AHEAD = "completed"


async def caseload_panel(db: AsyncSession, case_ids: list[UUID], today: dt.date) -> dict[str, Any]:
    """Support plan reviews whose day has come, per case."""
    return {"due_reviews": await reviews_due(db, case_ids, today)}


#: The team page lists the most recent trials and recorded cross-examinations; its charts count them all.
TEAM_HEARINGS_SHOWN = 25


@dataclass(frozen=True)
class TeamHearing:
    case: Case
    day: dt.date
    went_ahead: bool
    came: str | None  # the child's attendance, if recorded


@dataclass
class TeamHearings:
    hearings: list[TeamHearing]  # the most recent TEAM_HEARINGS_SHOWN, newest first
    total: int  # of every one so far
    attendance_counts: list[tuple[str, int]]
    hearing_counts: list[tuple[str, int]]


@dataclass
class Overdue:
    case: Case
    what: str
    due: dt.date


async def named_cases(db: AsyncSession, ids: set[UUID]) -> dict[UUID, Case]:
    """The cases a team table links to, by id: their references only (nothing decrypted)."""
    if not ids:
        return {}
    found = await db.scalars(
        select(Case)
        .options(load_only(Case.id, Case.reference, Case.team_id), raiseload("*"))
        .where(Case.id.in_(ids))
    )
    return {c.id: c for c in found}


async def team_hearings(db: AsyncSession, cases: CaseIds, today: dt.date) -> TeamHearings:
    """The team's trials and recorded cross-examinations so far: did each go ahead, did the child come.

    Columns only, nothing decrypted: a team of 1,000 cases has had thousands of these, and loading each as
    a Hearing (its court's name decrypted) was most of the team page's time (bench/scale.py --profile team)."""
    went: list[tuple[UUID, dt.date, bool, str | None]] = []  # case, day, went ahead, the child came
    if not no_cases(cases):
        came = dict(
            (
                await db.execute(
                    select(WitnessAttendance.hearing_id, WitnessAttendance.attended).where(
                        WitnessAttendance.case_id.in_(cases)
                    )
                )
            ).all()
        )
        for hearing_id, case_id, status, starts_at, window_start in await db.execute(
            select(
                Hearing.id, Hearing.case_id, Hearing.status, Hearing.starts_at, Hearing.window_start
            ).where(Hearing.case_id.in_(cases), Hearing.hearing_type.in_(WITNESS_HEARINGS))
        ):
            day = window_start if window_start is not None else starts_at.date() if starts_at else today
            if day <= today:
                went.append((case_id, day, status == WENT_AHEAD, came.get(hearing_id)))
        went.sort(key=lambda h: h[1], reverse=True)
    counted = Counter(h[3] for h in went)
    ahead = Counter(h[2] for h in went)
    shown = went[:TEAM_HEARINGS_SHOWN]
    named = await named_cases(db, {h[0] for h in shown})
    return TeamHearings(
        hearings=[
            TeamHearing(named[case_id], day, went_ahead, came) for case_id, day, went_ahead, came in shown
        ],
        total=len(went),
        attendance_counts=[
            (_("Came and gave evidence"), counted["gave_evidence"]),
            (_("Came, but did not give evidence that day"), counted["attended"]),
            (_("Did not come"), counted["did_not_attend"]),
            (_("Not recorded"), counted[None]),
        ],
        hearing_counts=[(_("Went ahead"), ahead[True]), (_("Did not go ahead"), ahead[False])],
    )


async def team_outcomes(db: AsyncSession, case_ids: CaseIds) -> list[tuple[str, int]]:
    """How many of each outcome the team's cases have had, in the order of rules.RESULTS."""
    if no_cases(case_ids):
        return []
    results = Counter(await db.scalars(select(Outcome.result).where(Outcome.case_id.in_(case_ids))))
    labels = dict(rules.RESULTS)
    return [(_(labels[key]), results[key]) for key, _l in rules.RESULTS if results[key]]


async def team_overdue(db: AsyncSession, cases: CaseIds, today: dt.date) -> list[Overdue]:
    """Deadlines after the verdict and support plan reviews whose day has passed, the oldest first."""
    if no_cases(cases):
        return []
    found: list[tuple[UUID, str, dt.date | None]] = []
    for case_id, title, due_on in await db.execute(
        select(Task.case_id, Task.title, Task.due_on)
        .where(
            Task.case_id.in_(cases),
            Task.done_at.is_(None),
            Task.due_on < today,
            Task.playbook_key.like("deadline:%"),
        )
        .order_by(Task.due_on)
    ):
        found.append((case_id, title, due_on))  # due_on < today: never None here
    for case_id, months, due_on in await db.execute(
        select(PlanReview.case_id, PlanReview.months, PlanReview.due_on)
        .where(PlanReview.case_id.in_(cases), PlanReview.done_at.is_(None), PlanReview.due_on < today)
        .order_by(PlanReview.due_on)
    ):
        found.append((case_id, _("Support plan: %(months)d-month review") % {"months": months}, due_on))
    found.sort(key=lambda o: o[2] or today)
    named = await named_cases(db, {case_id for case_id, *_rest in found})
    return [Overdue(named[case_id], what, due or today) for case_id, what, due in found]


async def case_panel(db: AsyncSession, actor: Actor, case: Case) -> dict[str, Any]:
    """On the case page: whether this reader may still delete it as opened in error (its first days only)."""
    return {"may_delete": await may_delete(db, actor, case) is None}


def team_words() -> dict[str, Any]:
    """How the team page's debrief tables read (the child's attendance)."""
    return {"label": label}


#: My day shows a deadline after the verdict from 14 days before it (the reminder each deadline already
#: carries, rules.Deadline.warn_on), and every one passed whose task is still open.
DEADLINE_AHEAD = 14
#: Support plan reviews show from a week before their day.
REVIEW_AHEAD = 7


async def day_deadlines(db: AsyncSession, day: Day) -> DaySection:
    """My day: the deadlines after the verdict (their tasks, sync_deadline_tasks) due in the next 14 days
    or passed and still open, the soonest first: "Ask for a sentence review: 3 days left"."""
    lines: list[DayLine] = []
    if day.ids:
        last = day.today + dt.timedelta(days=DEADLINE_AHEAD)
        for task in await db.scalars(
            select(Task)
            .where(
                Task.case_id.in_(day.ids),
                Task.done_at.is_(None),
                Task.due_on <= last,
                Task.playbook_key.like("deadline:%"),
                Task.playbook_key.not_like("%:warn"),  # the reminder task: the deadline itself is shown
            )
            .order_by(Task.due_on)
        ):
            assert task.due_on is not None
            left = (task.due_on - day.today).days
            if left < 0:
                words = ngettext("passed %(num)d day ago", "passed %(num)d days ago", -left) % {"num": -left}
            elif left == 0:
                words = _("last day today")
            else:
                words = ngettext("%(num)d day left", "%(num)d days left", left) % {"num": left}
            lines.append(
                DayLine(
                    case=day.cases[task.case_id],
                    text=f"{task.title}: {words}",
                    href=f"/cases/{task.case_id}/debrief",
                    late=left < 0,
                    detail=_("The law's date: it cannot be moved."),
                    on=task.due_on,
                    days=left,
                )
            )
    return DaySection(
        "deadlines",
        _("Deadlines after the verdict"),
        _("No deadline after the verdict in the next 14 days."),
        lines,
    )


async def day_reviews(db: AsyncSession, day: Day) -> DaySection:
    """My day: support plan reviews not yet done, due in the next 7 days or overdue, the oldest first."""
    lines: list[DayLine] = []
    if day.ids:
        last = day.today + dt.timedelta(days=REVIEW_AHEAD - 1)
        for review in await db.scalars(
            select(PlanReview)
            .where(PlanReview.case_id.in_(day.ids), PlanReview.done_at.is_(None), PlanReview.due_on <= last)
            .order_by(PlanReview.due_on)
        ):
            lines.append(
                DayLine(
                    case=day.cases[review.case_id],
                    text=_("Support plan: %(months)d-month review") % {"months": review.months},
                    href=f"/cases/{review.case_id}/support-plan",
                    late=review.due_on < day.today,
                    detail=_("Overdue since %(day)s.") % {"day": short_date(review.due_on)}
                    if review.due_on < day.today
                    else _("Due %(day)s.") % {"day": short_date(review.due_on)},
                    on=review.due_on,
                    family=True,
                )
            )
    return DaySection("reviews", _("Support plan reviews due"), _("No reviews due this week."), lines)


async def timeline_entries(
    db: AsyncSession, case: Case, *, before: Before | None, limit: int
) -> list[TimelineEntry]:
    """Outcomes (when recorded) and support plan reviews (when done), newest first: two queries."""
    outcomes = select(Outcome).where(Outcome.case_id == case.id)
    reviews = select(PlanReview).where(PlanReview.case_id == case.id, PlanReview.done_at.is_not(None))
    if before is not None:
        outcomes = outcomes.where(before.clause(Outcome.created_at, Outcome.id))
        reviews = reviews.where(before.clause(PlanReview.done_at, PlanReview.id))
    results = dict(rules.RESULTS)
    found = [
        TimelineEntry(
            o.created_at,
            o.id,
            TIMELINE.kind,
            _("Outcome recorded: %(result)s") % {"result": _(results.get(o.result, o.result)).lower()},
            case_url(case, "/debrief"),
        )
        for o in await db.scalars(
            outcomes.order_by(Outcome.created_at.desc(), Outcome.id.desc()).limit(limit)
        )
    ]
    found += [
        TimelineEntry(
            r.done_at,
            r.id,
            TIMELINE.kind,
            _("Support plan: %(months)d-month review done") % {"months": r.months},
            case_url(case, "/support-plan"),
        )
        for r in await db.scalars(
            reviews.order_by(PlanReview.done_at.desc(), PlanReview.id.desc()).limit(limit)
        )
        if r.done_at is not None
    ]
    return newest_first(found)[:limit]


TIMELINE = TimelinePart("outcomes", N_("Outcomes and support plan"), timeline_entries)


#: What the debrief part offers the quarterly report (reports/ gathers it): see debrief/report.py.
REPORT: tuple[FigureSource, ...] = (report.deadline_figures, report.outcome_figures)
