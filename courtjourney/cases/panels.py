"""What the cases part shows on the pages that look across parts (caseload/): the case's summary, journey,
people and work on the case page; stage and next task on the caseload; cases by stage on the team page;
the tasks overdue or due in the next 7 days on My day; stage moves and risk assessments on the case
timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases import forms, report, services
from courtjourney.cases.day import Day, DayLine, DaySection
from courtjourney.cases.journey import FIRST_STAGE, STAGE_LABELS, STAGES, Stage
from courtjourney.cases.journey_map import lay_out
from courtjourney.cases.models import Case, RiskAssessment, StageMove, Task
from courtjourney.cases.words import stage_label, task_title
from courtjourney.figures import FigureSource
from courtjourney.i18n import LONDON, N_, age_on, ngettext
from courtjourney.i18n import gettext as _
from courtjourney.web.pages import case_url
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart, newest_first

#: Choice keys to their labels (N_-marked; translated by the template), for the case page's tables.
CHOICES = {
    key: dict(values)
    for key, values in {
        "relationship": forms.RELATIONSHIPS,
        "role": forms.CONTACT_ROLES,
        "language": forms.LANGUAGES,
        "risk": forms.RISK_LEVELS,
    }.items()
}
# On the case page the name sits beside the kind, so "other" reads without the form's prompt to give it.
CHOICES["consent_kind"] = {**dict(forms.ORGANISATION_KINDS), "other": N_("Other organisation")}


async def case_panel(db: AsyncSession, case: Case, today: dt.date) -> dict[str, Any]:
    """The case page's own sections: summary, journey map and history, tasks, family, contacts, consent, risk,
    workers."""
    history = await services.stage_history(db, case.id)
    workers = await services.workers_for(db, case.id)
    return {
        "age": age_on(case.birth_date, today),
        "journey": lay_out([(m.to_stage, m.moved_at) for m in history], _),
        "history": list(reversed(history)),
        "tasks": await services.tasks_for(db, case.id),
        "family": await services.family_for(db, case.id),
        "contacts": await services.contacts_for(db, case.id),
        "consents": await services.consents_for(db, case.id),
        "risks": await services.risk_history(db, case.id),
        "workers": workers,
        "names": {w.id: w.full_name for w in workers},
        "stage_label": stage_label,
        "task_title": task_title,
        "choices": CHOICES,
    }


def caseload_panel() -> dict[str, Any]:
    """How the caseload's rows (services.caseload) read: each case's stage and next task."""
    return {"stage_label": stage_label, "task_title": task_title}


@dataclass
class CaseRow:
    case: Case
    stage: Stage
    since: dt.date
    days: int


@dataclass
class TeamStages:
    rows: list[CaseRow]
    by_stage: list[tuple[str, int, int, str]]  # label, cases, average days, the stage's value


async def team_panel(db: AsyncSession, cases: list[Case], today: dt.date) -> TeamStages:
    """Each case's stage and how long it has been there, and the count and average days at each stage."""
    ids = [c.id for c in cases]
    latest: dict[UUID, tuple[str, dt.datetime]] = {}
    if ids:
        for case_id, to_stage, moved_at in await db.execute(
            select(StageMove.case_id, StageMove.to_stage, StageMove.moved_at)
            .where(StageMove.case_id.in_(ids))
            .order_by(StageMove.moved_at, StageMove.id)
        ):
            latest[case_id] = (to_stage, moved_at)
    rows = []
    for c in cases:
        last = latest.get(c.id)
        since = last[1].astimezone(LONDON).date() if last else today
        rows.append(CaseRow(c, Stage(last[0]) if last else FIRST_STAGE, since, (today - since).days))
    by_stage = []
    for stage in STAGES:
        here = [r for r in rows if r.stage == stage]
        by_stage.append(
            (
                _(STAGE_LABELS[stage]),
                len(here),
                round(sum(r.days for r in here) / len(here)) if here else 0,
                stage.value,
            )
        )
    return TeamStages(rows, by_stage)


#: How far ahead My day looks for tasks: today and the six days after it.
DAY_AHEAD = 7
#: Tasks the debrief part keeps for the deadlines after the verdict: it offers them on My day itself.
DEADLINE_TASKS = "deadline:%"


async def day_tasks(db: AsyncSession, day: Day) -> DaySection:
    """My day: open tasks overdue or due in the next 7 days, the worker's own and those no one holds,
    the most overdue first."""
    lines: list[DayLine] = []
    if day.ids:
        last = day.today + dt.timedelta(days=DAY_AHEAD - 1)
        for task in await db.scalars(
            select(Task)
            .where(
                Task.case_id.in_(day.ids),
                Task.done_at.is_(None),
                Task.due_on <= last,
                Task.playbook_key.is_(None) | Task.playbook_key.not_like(DEADLINE_TASKS),
                or_(Task.assigned_to_id.is_(None), Task.assigned_to_id == day.user_id),
            )
            .order_by(Task.due_on, Task.position)
        ):
            assert task.due_on is not None
            overdue = task.due_on < day.today
            lines.append(
                DayLine(
                    case=day.cases[task.case_id],
                    text=task_title(task),
                    href=f"/cases/{task.case_id}#tasks",
                    late=overdue,
                    detail=_due_words(task.due_on, day.today),
                    on=task.due_on,
                )
            )
    return DaySection("tasks", _("Tasks overdue or due this week"), _("No tasks due this week."), lines)


def _due_words(due: dt.date, today: dt.date) -> str:
    days = (due - today).days
    if days < 0:
        return ngettext("Overdue by %(num)d day.", "Overdue by %(num)d days.", -days) % {"num": -days}
    if days == 0:
        return _("Due today.")
    return ngettext("Due in %(num)d day.", "Due in %(num)d days.", days) % {"num": days}


def _move_line(move: StageMove) -> str:
    if move.from_stage is None:
        return _("Case opened at %(stage)s") % {"stage": stage_label(move.to_stage)}
    return _("Journey: moved from %(old)s to %(new)s") % {
        "old": stage_label(move.from_stage),
        "new": stage_label(move.to_stage),
    }


async def timeline_entries(
    db: AsyncSession, case: Case, *, before: Before | None, limit: int
) -> list[TimelineEntry]:
    """Stage moves and risk assessments (when each was recorded), newest first: two queries."""
    moves = select(StageMove).where(StageMove.case_id == case.id)
    risks = select(RiskAssessment).where(RiskAssessment.case_id == case.id)
    if before is not None:
        moves = moves.where(before.clause(StageMove.moved_at, StageMove.id))
        risks = risks.where(before.clause(RiskAssessment.created_at, RiskAssessment.id))
    found = [
        TimelineEntry(m.moved_at, m.id, TIMELINE.kind, _move_line(m), case_url(case, "#journey"))
        for m in await db.scalars(moves.order_by(StageMove.moved_at.desc(), StageMove.id.desc()).limit(limit))
    ]
    found += [
        TimelineEntry(
            r.created_at,
            r.id,
            TIMELINE.kind,
            _("Risk assessed: %(level)s") % {"level": _(CHOICES["risk"].get(r.level, r.level)).lower()},
            case_url(case, "#risk"),
        )
        for r in await db.scalars(
            risks.order_by(RiskAssessment.created_at.desc(), RiskAssessment.id.desc()).limit(limit)
        )
    ]
    return newest_first(found)[:limit]


TIMELINE = TimelinePart("journey", N_("Journey and risk"), timeline_entries)


#: What the cases part offers the quarterly report (reports/ gathers it): see cases/report.py.
REPORT: tuple[FigureSource, ...] = (report.parent_figures, report.caseload_figures, report.stage_figures)
