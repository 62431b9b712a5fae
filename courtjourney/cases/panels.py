"""What the cases part shows on the pages that look across parts (caseload/): the case's summary, journey,
people and work on the case page; stage and next task on the caseload; cases by stage on the team page;
the tasks overdue or due in the next 7 days on My day; stage moves and risk assessments on the case
timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases import forms, report, services
from courtjourney.cases.access import CaseIds, no_cases
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
class TeamStages:
    by_stage: list[tuple[str, int, int, str]]  # label, cases, average days, the stage's value


async def team_panel(db: AsyncSession, cases: CaseIds, today: dt.date) -> TeamStages:
    """The count of cases at each stage and the average days they have been there: each case's latest
    move, read as two columns (a case never moved is at the first stage since today)."""
    if no_cases(cases):
        return TeamStages([(_(STAGE_LABELS[s]), 0, 0, s.value) for s in STAGES])
    newest = (
        select(
            StageMove.to_stage,
            StageMove.moved_at,
            func.row_number()
            .over(partition_by=StageMove.case_id, order_by=(StageMove.moved_at.desc(), StageMove.id.desc()))
            .label("n"),
        )
        .where(StageMove.case_id.in_(cases))
        .subquery()
    )
    days: dict[Stage, list[int]] = {stage: [] for stage in STAGES}
    for to_stage, moved_at in await db.execute(
        select(newest.c.to_stage, newest.c.moved_at).where(newest.c.n == 1)
    ):
        days[Stage(to_stage)].append((today - moved_at.astimezone(LONDON).date()).days)
    moved = sum(len(d) for d in days.values())
    total = await db.scalar(select(func.count()).select_from(Case).where(Case.id.in_(cases))) or 0
    days[FIRST_STAGE] += [0] * (total - moved)
    return TeamStages(
        [
            (_(STAGE_LABELS[s]), len(days[s]), round(sum(days[s]) / len(days[s])) if days[s] else 0, s.value)
            for s in STAGES
        ]
    )


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
