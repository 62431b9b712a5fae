"""The manager's view across the team: cases by stage and time there, hearings that needed a witness,
outcomes, and overdue deadlines and reviews. Tables, and simple bar charts drawn as SVG on the server."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from uuid import UUID

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import User
from courtjourney.cases.access import visible_cases
from courtjourney.cases.journey import STAGE_LABELS, STAGES, Stage
from courtjourney.cases.models import Case, StageMove, Task
from courtjourney.debrief import rules
from courtjourney.debrief.models import Outcome, PlanReview, WitnessAttendance
from courtjourney.debrief.services import WITNESS_HEARINGS
from courtjourney.hearings.models import Hearing
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _

WENT_AHEAD = "completed"


@dataclass
class CaseRow:
    case: Case
    stage: Stage
    since: dt.date
    days: int


@dataclass
class Overdue:
    case: Case
    what: str
    due: dt.date


@dataclass
class TeamView:
    rows: list[CaseRow] = field(default_factory=list)
    by_stage: list[tuple[str, int, int]] = field(default_factory=list)  # label, cases, average days
    hearings: list[tuple[Case, Hearing, str | None]] = field(
        default_factory=list
    )  # with the child's attendance
    attendance_counts: list[tuple[str, int]] = field(default_factory=list)
    attendance_chart: Markup = field(default_factory=Markup)
    hearing_counts: list[tuple[str, int]] = field(default_factory=list)
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)
    stage_chart: Markup = field(default_factory=Markup)
    outcome_chart: Markup = field(default_factory=Markup)
    hearing_chart: Markup = field(default_factory=Markup)

    @property
    def case_ids(self) -> list[UUID]:
        return [r.case.id for r in self.rows]


def bar_chart(key: str, title: str, rows: list[tuple[str, int]], unit: str = "") -> Markup:
    """A horizontal bar chart: labelled bars, the number beside each, a <title> as its text alternative."""
    width, label_w, bar_h, gap = 640, 220, 24, 10
    most = max([v for _l, v in rows] or [1]) or 1
    height = max(1, len(rows)) * (bar_h + gap) + gap
    summary = "; ".join(f"{name}: {value}{unit}" for name, value in rows) or _("Nothing to show yet.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" class="chart" '
        f'aria-labelledby="chart-{key}">',
        f'<title id="chart-{key}">{escape(title)}: {escape(summary)}</title>',
    ]
    for i, (name, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        length = int((width - label_w - 60) * value / most)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" font-size="14" fill="#0b0c0c">{escape(name)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{max(length, 2)}" height="{bar_h}" fill="#1d70b8"></rect>'
        )
        parts.append(
            f'<text x="{label_w + max(length, 2) + 6}" y="{y + bar_h * 0.7:.0f}" font-size="14" fill="#0b0c0c">{value}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


async def overview(db: AsyncSession, user: User, today: dt.date | None = None) -> TeamView:
    today = today or dt.datetime.now(LONDON).date()
    view = TeamView()
    cases = list(await db.scalars(visible_cases(user).order_by(Case.reference)))
    ids = [c.id for c in cases]
    by_id = {c.id: c for c in cases}
    latest: dict[UUID, StageMove] = {}
    if ids:
        for move in await db.scalars(
            select(StageMove).where(StageMove.case_id.in_(ids)).order_by(StageMove.moved_at, StageMove.id)
        ):
            latest[move.case_id] = move
    for c in cases:
        move = latest.get(c.id)
        since = move.moved_at.astimezone(LONDON).date() if move else today
        view.rows.append(
            CaseRow(c, Stage(move.to_stage) if move else Stage.RISK_ASSESSMENT, since, (today - since).days)
        )
    for stage in STAGES:
        here = [r for r in view.rows if r.stage == stage]
        view.by_stage.append(
            (_(STAGE_LABELS[stage]), len(here), round(sum(r.days for r in here) / len(here)) if here else 0)
        )
    view.stage_chart = bar_chart(
        "stages", _("Cases at each stage"), [(name, n) for name, n, _d in view.by_stage]
    )
    if ids:
        hearings = await db.scalars(
            select(Hearing).where(Hearing.case_id.in_(ids), Hearing.hearing_type.in_(WITNESS_HEARINGS))
        )
        came = {
            a.hearing_id: a.attended
            for a in await db.scalars(select(WitnessAttendance).where(WitnessAttendance.case_id.in_(ids)))
        }
        view.hearings = sorted(
            ((by_id[h.case_id], h, came.get(h.id)) for h in hearings if h.sort_day <= today),
            key=lambda p: p[1].sort_day,
        )
    counted = Counter(a for _c, _h, a in view.hearings)
    view.attendance_counts = [
        (_("Came and gave evidence"), counted["gave_evidence"]),
        (_("Came, but did not give evidence that day"), counted["attended"]),
        (_("Did not come"), counted["did_not_attend"]),
        (_("Not recorded"), counted[None]),
    ]
    view.attendance_chart = bar_chart("attendance", _("Did the child come to court?"), view.attendance_counts)
    went = Counter(h.status == WENT_AHEAD for _c, h, _a in view.hearings)
    view.hearing_counts = [(_("Went ahead"), went[True]), (_("Did not go ahead"), went[False])]
    view.hearing_chart = bar_chart(
        "hearings", _("Trials and recorded cross-examinations so far"), view.hearing_counts
    )
    if ids:
        results = Counter(o.result for o in await db.scalars(select(Outcome).where(Outcome.case_id.in_(ids))))
        labels = dict(rules.RESULTS)
        view.outcomes = [(_(labels[key]), results[key]) for key, _l in rules.RESULTS if results[key]]
        for task in await db.scalars(
            select(Task)
            .where(
                Task.case_id.in_(ids),
                Task.done_at.is_(None),
                Task.due_on < today,
                Task.playbook_key.like("deadline:%"),
            )
            .order_by(Task.due_on)
        ):
            view.overdue.append(Overdue(by_id[task.case_id], task.title, task.due_on))  # type: ignore[arg-type]
        for review in await db.scalars(
            select(PlanReview)
            .where(PlanReview.case_id.in_(ids), PlanReview.done_at.is_(None), PlanReview.due_on < today)
            .order_by(PlanReview.due_on)
        ):
            view.overdue.append(
                Overdue(
                    by_id[review.case_id],
                    _("Support plan: %(months)d-month review") % {"months": review.months},
                    review.due_on,
                )
            )
        view.overdue.sort(key=lambda o: o.due)
    view.outcome_chart = bar_chart("outcomes", _("Outcomes recorded"), view.outcomes)
    return view
