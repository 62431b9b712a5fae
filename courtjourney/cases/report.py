"""What the cases part offers the quarterly report (panels.REPORT): parents supported, new and continuing;
open cases per worker; cases at each stage at the period's end and the moves between stages in it.

Support is read from the journey itself: a case is open from its first move (`start`) until a move to
`closed`, and again from each `reopen`. A parent or carer is supported while their case is open (one
added to the record after the period is not counted in it). They are **new** in the period their case's
support began (the case opened, or reopened after more than 12 months), once: support that
begins again within 12 months of ending (a case closed and reopened) continues the same support, so
within any year a parent is new once and continuing after. A parent who is also on another family's
case is counted on each: names are encrypted and the report does not match people across cases.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import Role, User
from courtjourney.cases.access import report_cases_in
from courtjourney.cases.journey import STAGE_LABELS, STAGES, MoveKind, Stage
from courtjourney.cases.models import CaseWorker, FamilyMember, StageMove
from courtjourney.figures import Figure, Period, read_once
from courtjourney.i18n import gettext as _

#: Who counts as a parent: the relationships of cases/forms.RELATIONSHIPS that hold parental care
#: (a grandparent or other relative bringing the child up is recorded as "carer").
PARENTS = ("mother", "father", "step_parent", "carer")
#: Support that begins again within this many months of ending continues the same support (not "new").
CONTINUES_WITHIN_MONTHS = 12


#: The values the report compares each move with, read once (an enum member's `.value` is an attribute
#: lookup through the enum's descriptor, thousands of times per report).
_START, _REOPEN, _CLOSED = MoveKind.START.value, MoveKind.REOPEN.value, Stage.CLOSED.value

#: A stage move as the report reads it: (case_id, kind, to_stage, moved_at), columns only.
Move = Row[UUID, str, str, dt.datetime]


@dataclass
class Spell:
    """One stretch of support: from a start or reopen to a close (None: still open)."""

    opened: dt.datetime
    closed: dt.datetime | None = None


def _months_later(moment: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    day = min(moment.day, 28) if month + 1 == 2 else moment.day
    try:
        return moment.replace(year=moment.year + year, month=month + 1, day=day)
    except ValueError:  # the 31st of a 30-day month
        return moment.replace(year=moment.year + year, month=month + 1, day=30)


def spells(moves: list[Move]) -> list[Spell]:
    """The stretches a case was open, from its moves (oldest first)."""
    found: list[Spell] = []
    for _case_id, kind, to_stage, moved_at in moves:
        if kind == _START or kind == _REOPEN or (not found and to_stage != _CLOSED):
            if not found or found[-1].closed is not None:
                found.append(Spell(moved_at))
        if to_stage == _CLOSED and found and found[-1].closed is None:
            found[-1].closed = moved_at
    return found


def supports(found: list[Spell]) -> list[Spell]:
    """The spells joined where one began again within 12 months of the last one's end."""
    joined: list[Spell] = []
    for spell in found:
        last = joined[-1] if joined else None
        if (
            last
            and last.closed is not None
            and spell.opened < _months_later(last.closed, CONTINUES_WITHIN_MONTHS)
        ):
            last.closed = spell.closed
        else:
            joined.append(Spell(spell.opened, spell.closed))
    return joined


def _overlaps(spell: Spell, start: dt.datetime, end: dt.datetime) -> bool:
    return spell.opened < end and (spell.closed is None or spell.closed >= start)


async def _read_moves(db: AsyncSession, period: Period) -> dict[UUID, list[Move]]:
    by_case: dict[UUID, list[Move]] = defaultdict(list)
    for move in await db.execute(
        select(StageMove.case_id, StageMove.kind, StageMove.to_stage, StageMove.moved_at)
        .where(
            (await report_cases_in(db, period)).where(StageMove.case_id),
            StageMove.moved_at < period.ends_before,
        )
        .order_by(StageMove.moved_at, StageMove.id)
    ):
        by_case[move.case_id].append(move)
    return by_case


async def _moves(db: AsyncSession, period: Period) -> dict[UUID, list[Move]]:
    """Each case's stage moves before the period's end, oldest first (read once per report)."""
    return await read_once(db, period, _read_moves)


def _stage_at_end(moves: list[Move]) -> Stage:
    return Stage(moves[-1].to_stage)


async def parent_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Parents and carers supported in the period, new and continuing, and the families (cases) supported."""
    start, end = period.starts_at, period.ends_before
    moves = await _moves(db, period)
    support = {case_id: supports(spells(found)) for case_id, found in moves.items()}
    open_cases = {c for c, found in support.items() if any(_overlaps(s, start, end) for s in found)}
    supported = new = 0
    # The parents of the report's cases, kept for those open in the period (one filter shared with every
    # statement of the report, not a bound list of the open cases' ids, one parameter each).
    for (case_id,) in await db.execute(
        select(FamilyMember.case_id).where(
            (await report_cases_in(db, period)).where(FamilyMember.case_id),
            FamilyMember.relationship_to_child.in_(PARENTS),
            FamilyMember.created_at < end,
        )
    ):
        if case_id not in open_cases:
            continue
        during = [spell for spell in support[case_id] if _overlaps(spell, start, end)]
        if during:
            supported += 1
            new += int(any(spell.opened >= start for spell in during))
    section = _("Parents supported")
    return [
        Figure(section, "parents.supported", _("Parents and carers supported"), supported),
        Figure(
            section,
            "parents.new",
            _("New: their support began in this period (not supported in the 12 months before)"),
            new,
        ),
        Figure(
            section,
            "parents.continuing",
            _("Continuing: supported before this period began"),
            supported - new,
        ),
        Figure(
            section,
            "cases.supported",
            _("Families supported (cases open at any time in the period)"),
            len(open_cases),
        ),
    ]


async def caseload_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Cases opened and closed in the period, open at its end, and open at its end per worker."""
    start = period.starts_at
    moves = await _moves(db, period)
    open_at_end = [c for c, found in moves.items() if found and _stage_at_end(found) != Stage.CLOSED]
    in_period = [m for found in moves.values() for m in found if m.moved_at >= start]
    section = _("Caseload")
    figures = [
        Figure(section, "cases.opened", _("Cases opened"), sum(m.kind == _START for m in in_period)),
        Figure(
            section,
            "cases.reopened",
            _("Cases reopened"),
            sum(m.kind == _REOPEN for m in in_period),
        ),
        Figure(
            section,
            "cases.closed",
            _("Cases closed"),
            sum(m.to_stage == _CLOSED for m in in_period),
        ),
        Figure(section, "cases.open_at_end", _("Cases open at the end of the period"), len(open_at_end)),
    ]
    # Who holds each case: the assignments as they stand (assignments keep no history).
    open_ids = set(open_at_end)
    per_worker: Counter[UUID] = Counter(
        user_id
        for case_id, user_id in await db.execute(
            select(CaseWorker.case_id, CaseWorker.user_id).where(
                (await report_cases_in(db, period)).where(CaseWorker.case_id)
            )
        )
        if case_id in open_ids
    )
    if period.worker_id is not None:
        people = [period.worker_id]
    else:
        team = select(User.id).where(User.is_active, User.role != Role.ADMIN.value)
        if period.team_ids is not None:
            team = team.where(User.team_id.in_(period.team_ids))
        people = list(dict.fromkeys([*await db.scalars(team), *per_worker]))
    for person in people:
        figures.append(
            Figure(
                _("Open cases per worker"),
                "cases.open_per_worker",
                _("Open cases at the end of the period"),
                per_worker[person],
                worker_id=person,
            )
        )
    return figures


async def stage_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Open cases at each stage at the period's end, and the moves into each stage during it."""
    start = period.starts_at
    moves = await _moves(db, period)
    at_end = Counter(_stage_at_end(found) for found in moves.values() if found)
    into = Counter(
        Stage(m.to_stage)
        for found in moves.values()
        for m in found
        if m.moved_at >= start and m.kind != _START
    )
    section = _("Journey stages")
    figures = [
        Figure(
            section,
            f"stages.at_end.{stage.value}",
            _("At the end of the period: %(stage)s") % {"stage": _(STAGE_LABELS[stage])},
            at_end[stage],
        )
        for stage in STAGES
        if stage is not Stage.CLOSED
    ]
    figures.append(
        Figure(section, "stages.moves", _("Moves between stages in the period"), sum(into.values()))
    )
    figures += [
        Figure(
            section,
            f"stages.moved_to.{stage.value}",
            _("Moves to: %(stage)s") % {"stage": _(STAGE_LABELS[stage])},
            into[stage],
        )
        for stage in STAGES
    ]
    return figures
