"""The manager's view across the team: cases by stage and time there, hearings that needed a witness,
outcomes, and overdue deadlines and reviews. Tables, and simple bar charts drawn as SVG on the server.

Drawn from the parts' panels, top to bottom as the page shows them: families to tell about a hearing
change per worker and the share told in time this month (hearings), the team's standard for contact
(contacts), cases by stage (cases), the trials and recorded cross-examinations so far, the outcomes and
what is overdue (debrief)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape
from uuid import UUID

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import services as accounts
from courtjourney.accounts.models import User
from courtjourney.cases import panels as cases
from courtjourney.cases.access import CaseIds, Who, visible_ids
from courtjourney.cases.models import CaseWorker
from courtjourney.contacts import services as contact_services
from courtjourney.contacts.rules import ContactStandard
from courtjourney.debrief import panels as debrief
from courtjourney.hearings import panels as hearings_panel
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _


@dataclass(frozen=True)
class WorkerTelling:
    name: str
    to_tell: int
    late: int


@dataclass
class TeamView:
    telling: list[WorkerTelling] = field(default_factory=list)
    told_in_time: tuple[int, int] = (0, 0)  # told within the standard, of the changes counted this month
    standard: ContactStandard | None = None
    by_stage: list[tuple[str, int, int, str]] = field(default_factory=list)  # label, cases, days, stage
    hearings: list[debrief.TeamHearing] = field(default_factory=list)  # the most recent
    hearings_total: int = 0
    attendance_counts: list[tuple[str, int]] = field(default_factory=list)
    attendance_chart: Markup = field(default_factory=Markup)
    hearing_counts: list[tuple[str, int]] = field(default_factory=list)
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    overdue: list[debrief.Overdue] = field(default_factory=list)
    stage_chart: Markup = field(default_factory=Markup)
    outcome_chart: Markup = field(default_factory=Markup)
    hearing_chart: Markup = field(default_factory=Markup)
    accounts: list[accounts.AccountChange] = field(default_factory=list)

    @property
    def case_ids(self) -> list[UUID]:
        """The cases the page names (each a link): what its audit event lists. The counts and charts
        draw on every case of the team but name none."""
        return [h.case.id for h in self.hearings] + [o.case.id for o in self.overdue]

    @property
    def told_in_time_share(self) -> int | None:
        """The percentage told within the standard this month (None: nothing to count yet)."""
        in_time, counted = self.told_in_time
        return round(100 * in_time / counted) if counted else None


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


async def overview(db: AsyncSession, who: Who, today: dt.date | None = None) -> TeamView:
    today = today or dt.datetime.now(LONDON).date()
    # Every count reads the team's cases through one subquery; only the cases a table links to are loaded,
    # as references (nothing encrypted is read: the page shows no names).
    seen = visible_ids(who)
    telling = await worker_telling(db, who, seen)
    stages = await cases.team_panel(db, seen, today)
    hearings = await debrief.team_hearings(db, seen, today)
    outcomes = await debrief.team_outcomes(db, seen)
    return TeamView(
        telling=telling,
        told_in_time=await hearings_panel.told_in_time_this_month(db, seen, today),
        standard=(await contact_services.standards_for(db, [who.team_id]))[who.team_id]
        if who.team_id
        else None,
        by_stage=stages.by_stage,
        stage_chart=bar_chart(
            "stages", _("Cases at each stage"), [(name, n) for name, n, _d, _v in stages.by_stage]
        ),
        hearings=hearings.hearings,
        hearings_total=hearings.total,
        attendance_counts=hearings.attendance_counts,
        attendance_chart=bar_chart(
            "attendance", _("Did the child come to court?"), hearings.attendance_counts
        ),
        hearing_counts=hearings.hearing_counts,
        hearing_chart=bar_chart(
            "hearings", _("Trials and recorded cross-examinations so far"), hearings.hearing_counts
        ),
        outcomes=outcomes,
        overdue=await debrief.team_overdue(db, seen, today),
        outcome_chart=bar_chart("outcomes", _("Outcomes recorded"), outcomes),
        accounts=await accounts.team_account_changes(db, who.team_id) if who.team_id else [],
    )


async def worker_telling(db: AsyncSession, who: Who, seen: CaseIds) -> list[WorkerTelling]:
    """For each worker of the team: hearings on their cases whose change the family has still to hear of,
    and how many of those are late (a case with two workers counts for both)."""
    counts = await hearings_panel.telling_counts(db, seen)
    if who.team_id is None:
        return []
    workers_of: dict[UUID, list[UUID]] = {}
    if counts:
        for case_id, user_id in await db.execute(
            select(CaseWorker.case_id, CaseWorker.user_id).where(CaseWorker.case_id.in_(list(counts)))
        ):
            workers_of.setdefault(user_id, []).append(case_id)
    people = list(
        await db.scalars(
            select(User).where(User.team_id == who.team_id, User.role != "admin", User.is_active)
        )
    )
    out = []
    for person in people:
        mine = [counts[case_id] for case_id in workers_of.get(person.id, [])]
        out.append(WorkerTelling(person.full_name, sum(t.to_tell for t in mine), sum(t.late for t in mine)))
    return sorted(out, key=lambda w: (-w.late, -w.to_tell, w.name))
