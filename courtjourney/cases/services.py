"""Case rules: opening a case, moving it along the journey, tasks, family, contacts, consent, risk.

No HTTP here. Every change also writes its audit event into the same transaction. Callers
(the page and API controllers) pass in what they have already cleaned with `web.forms`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import urlencode
from uuid import UUID

from sqlalchemy import CursorResult, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role, User
from courtjourney.cases import forms, search_index
from courtjourney.cases.access import Who, visible_cases
from courtjourney.cases.journey import (
    FIRST_STAGE,
    MoveKind,
    MoveRefused,
    Stage,
    check_move,
    playbook_for,
)
from courtjourney.cases.models import (
    Case,
    CaseWorker,
    Consent,
    Contact,
    Correction,
    FamilyMember,
    RiskAssessment,
    StageMove,
    Task,
)
from courtjourney.db.base import utcnow
from courtjourney.errors import InputError, NotFound
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _

M = TypeVar("M")


async def _next_reference(db: AsyncSession, year: int) -> str:
    prefix = f"CJ-{year}-"
    last = await db.scalar(select(func.max(Case.reference)).where(Case.reference.like(f"{prefix}%")))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _refuse_future_birth(birth: dt.date | None, today: dt.date) -> None:
    if birth is not None and birth > today:
        raise InputError({"child_birth_date": _("Date of birth cannot be in the future.")})


async def open_case(
    db: AsyncSession,
    actor: Actor,
    values: dict[str, Any],
    *,
    today: dt.date | None = None,
    opened_at: dt.datetime | None = None,
    worker_id: UUID | None = None,
) -> Case:
    """Open a case at the first stage, with its playbook tasks, assigned to whoever opened it (or, for a
    manager accepting a referral, to `worker_id`, a colleague the caller has checked is of the team)."""
    if actor.team_id is None:
        raise InputError(
            {"team": _("Your account is not in a team yet, so it cannot open cases. Ask an admin.")}
        )
    birth = values.get("child_birth_date")
    today = today or dt.date.today()
    _refuse_future_birth(birth, today)
    for attempt in range(5):
        reference = await _next_reference(db, today.year)
        try:
            async with db.begin_nested():
                case = Case(
                    reference=reference,
                    team_id=actor.team_id,
                    child_name=values["child_name"],
                    child_birth_date=birth.isoformat() if birth else None,
                    created_by_id=actor.id,
                )
                db.add(case)
                await db.flush()
            break
        except IntegrityError:
            # Someone else took this reference at the same moment: count again.
            if attempt == 4:
                raise
    db.add(CaseWorker(case_id=case.id, user_id=worker_id or actor.id))
    await _record_move(db, case, None, FIRST_STAGE, MoveKind.START, actor, None, opened_at)
    await search_index.reindex_case(db, case)
    audit.record(db, "case.opened", actor, case_id=case.id, target=case)
    await db.flush()
    return case


async def stage_history(db: AsyncSession, case_id: UUID) -> list[StageMove]:
    rows = await db.scalars(
        select(StageMove).where(StageMove.case_id == case_id).order_by(StageMove.moved_at, StageMove.id)
    )
    return list(rows)


async def current_stage(db: AsyncSession, case_id: UUID) -> Stage:
    to_stage = await db.scalar(
        select(StageMove.to_stage)
        .where(StageMove.case_id == case_id)
        .order_by(StageMove.moved_at.desc(), StageMove.id.desc())
        .limit(1)
    )
    return Stage(to_stage) if to_stage else FIRST_STAGE


async def _record_move(
    db: AsyncSession,
    case: Case,
    from_stage: Stage | None,
    to_stage: Stage,
    kind: MoveKind,
    actor: Actor,
    reason: str | None,
    at: dt.datetime | None = None,
) -> StageMove:
    move = StageMove(
        case_id=case.id,
        from_stage=from_stage.value if from_stage else None,
        to_stage=to_stage.value,
        kind=kind.value,
        moved_at=at or utcnow(),
        moved_by_id=actor.id,
        reason=reason or None,
    )
    db.add(move)
    await _add_playbook_tasks(db, case, to_stage)
    return move


async def _add_playbook_tasks(db: AsyncSession, case: Case, stage: Stage) -> None:
    """Turn the stage's playbook into tasks, skipping items already open on the case (e.g. after a retrial)."""
    open_keys = set(
        await db.scalars(
            select(Task.playbook_key).where(
                Task.case_id == case.id, Task.done_at.is_(None), Task.playbook_key.is_not(None)
            )
        )
    )
    today = dt.date.today()
    for position, item in enumerate(playbook_for(stage)):
        if item.key in open_keys:
            continue
        db.add(
            Task(
                case_id=case.id,
                stage=stage.value,
                playbook_key=item.key,
                title=item.title,
                due_on=today + dt.timedelta(days=item.due_in_days) if item.due_in_days else None,
                position=position,
            )
        )


async def move_stage(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    to_stage: str,
    reason: str | None,
    *,
    at: dt.datetime | None = None,
) -> StageMove:
    """Move the case to `to_stage` if the journey allows it; raise InputError saying why not."""
    # Lock the case row (PostgreSQL) so two people moving the same case at once queue up;
    # SQLite's BEGIN IMMEDIATE already serialises writers.
    await db.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    here = await current_stage(db, case.id)
    try:
        target = Stage(to_stage)
    except ValueError:
        raise InputError({"to_stage": _("Choose a stage from the list.")}) from None
    try:
        move = check_move(here, target, reason)
    except MoveRefused as refused:
        raise InputError({refused.field: _(refused.message)}) from None
    if at is not None and at > utcnow():
        raise InputError({"moved_at": _("A move cannot be dated in the future.")})
    row = await _record_move(db, case, here, target, move.kind, actor, (reason or "").strip() or None, at)
    await db.flush()
    audit.record(db, "case.stage_moved", actor, case_id=case.id, target=row)
    return row


# --- tasks ---------------------------------------------------------------------------------


async def tasks_for(db: AsyncSession, case_id: UUID) -> list[Task]:
    rows = await db.scalars(
        select(Task)
        .where(Task.case_id == case_id)
        .order_by(
            Task.done_at.is_not(None), Task.due_on.is_(None), Task.due_on, Task.created_at, Task.position
        )
    )
    return list(rows)


async def _check_assignee(db: AsyncSession, case: Case, user_id: UUID | None) -> None:
    if user_id is None:
        return
    assigned = await db.scalar(
        select(CaseWorker.id).where(CaseWorker.case_id == case.id, CaseWorker.user_id == user_id)
    )
    if assigned is None:
        raise InputError({"assigned_to_id": _("Choose someone who works on this case.")})


async def add_task(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> Task:
    await _check_assignee(db, case, values.get("assigned_to_id"))
    task = Task(
        case_id=case.id,
        stage=(await current_stage(db, case.id)).value,
        title=values["title"],
        due_on=values.get("due_on"),
        assigned_to_id=values.get("assigned_to_id"),
        position=1000,
    )
    db.add(task)
    await db.flush()
    audit.record(db, "task.added", actor, case_id=case.id, target=task)
    return task


async def update_task(db: AsyncSession, actor: Actor, case: Case, task: Task, values: dict[str, Any]) -> Task:
    if "assigned_to_id" in values:
        await _check_assignee(db, case, values["assigned_to_id"])
        task.assigned_to_id = values["assigned_to_id"]
    if values.get("title"):
        task.title = values["title"]
        task.playbook_key = None  # a retitled playbook task is the worker's own now
    if "due_on" in values:
        task.due_on = values["due_on"]
    if "done" in values:
        if values["done"] and task.done_at is None:
            task.done_at, task.done_by_id = utcnow(), actor.id
        elif not values["done"]:
            task.done_at, task.done_by_id = None, None
    await db.flush()
    audit.record(db, "task.changed", actor, case_id=case.id, target=task)
    return task


TASK_WAS_DONE = N_(
    "This task was done, so it stays as a record of the work. Mark it as not done first if that was a mistake."
)


async def remove_task(db: AsyncSession, actor: Actor, case: Case, task: Task) -> None:
    """Take away a task that does not apply to this case. A task that was done stays: it records work done
    for the family (mark it as not done first if it was ticked by mistake). The audit keeps the fact."""
    if task.done_at is not None:
        raise InputError({"task": _(TASK_WAS_DONE)})
    audit.record(db, "task.removed", actor, case_id=case.id, target=task)
    await db.delete(task)
    await db.flush()


# --- family, contacts, consent, risk -------------------------------------------------------


async def family_for(db: AsyncSession, case_id: UUID) -> list[FamilyMember]:
    return list(
        await db.scalars(
            select(FamilyMember).where(FamilyMember.case_id == case_id).order_by(FamilyMember.created_at)
        )
    )


async def add_family_member(
    db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]
) -> FamilyMember:
    member = FamilyMember(case_id=case.id, **{k: values.get(k) for k in forms.FAMILY_KEYS})
    member.is_witness = bool(values.get("is_witness"))
    db.add(member)
    await db.flush()
    await search_index.reindex_case(db, case)
    audit.record(db, "family.added", actor, case_id=case.id, target=member)
    return member


async def contacts_for(db: AsyncSession, case_id: UUID) -> list[Contact]:
    return list(
        await db.scalars(select(Contact).where(Contact.case_id == case_id).order_by(Contact.created_at))
    )


def _refuse_unreachable(phone: str | None, email: str | None) -> None:
    """A key contact needs a phone number or an email address."""
    if not phone and not email:
        raise InputError(
            {"phone": _("Enter a phone number or an email address, so the family's worker can reach them.")}
        )


async def add_contact(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> Contact:
    _refuse_unreachable(values.get("phone"), values.get("email"))
    contact = Contact(case_id=case.id, **{k: values.get(k) for k in forms.CONTACT_KEYS})
    db.add(contact)
    await db.flush()
    audit.record(db, "contact.added", actor, case_id=case.id, target=contact)
    return contact


async def consents_for(db: AsyncSession, case_id: UUID) -> list[Consent]:
    return list(
        await db.scalars(
            select(Consent).where(Consent.case_id == case_id).order_by(Consent.given_on, Consent.created_at)
        )
    )


async def add_consent(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> Consent:
    """Record consent to share with a kind of organisation; "other" needs the organisation's name."""
    kind = values.get("organisation_kind")
    if kind not in dict(forms.ORGANISATION_KINDS):
        raise InputError({"organisation_kind": _("Choose who records may be shared with.")})
    if kind == "other" and not (values.get("organisation") or "").strip():
        raise InputError(
            {
                "organisation": _(
                    "You chose Other: give the name of the organisation records may be shared with."
                )
            }
        )
    consent = Consent(case_id=case.id, **{k: values.get(k) for k in forms.CONSENT_KEYS})
    db.add(consent)
    await db.flush()
    audit.record(db, "consent.recorded", actor, case_id=case.id, target=consent)
    return consent


async def withdraw_consent(
    db: AsyncSession, actor: Actor, case: Case, consent: Consent, values: dict[str, Any]
) -> Consent:
    withdrawn_on: dt.date = values["withdrawn_on"]
    if consent.withdrawn_on is not None:
        raise InputError({"withdrawn_on": _("This consent was already withdrawn.")})
    if withdrawn_on < consent.given_on:
        raise InputError({"withdrawn_on": _("Consent cannot be withdrawn before the day it was given.")})
    consent.withdrawn_on = withdrawn_on
    await db.flush()
    audit.record(db, "consent.withdrawn", actor, case_id=case.id, target=consent)
    return consent


async def risk_history(db: AsyncSession, case_id: UUID) -> list[RiskAssessment]:
    return list(
        await db.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.case_id == case_id)
            .order_by(RiskAssessment.assessed_on.desc(), RiskAssessment.created_at.desc())
        )
    )


async def add_risk_assessment(
    db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]
) -> RiskAssessment:
    row = RiskAssessment(
        case_id=case.id,
        level=values["level"],
        assessed_on=values["assessed_on"],
        assessed_by_id=actor.id,
        notes=values.get("notes"),
    )
    db.add(row)
    await db.flush()
    audit.record(db, "risk.assessed", actor, case_id=case.id, target=row)
    return row


# --- workers ---------------------------------------------------------------------------------


async def workers_for(db: AsyncSession, case_id: UUID) -> list[User]:
    return list(
        await db.scalars(
            select(User).join(CaseWorker, CaseWorker.user_id == User.id).where(CaseWorker.case_id == case_id)
        )
    )


async def assign_worker(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> CaseWorker:
    """Managers (and workers on the case) can add a colleague from the case's own team."""
    worker_id: UUID = values["worker_id"]
    worker = await db.get(User, worker_id)
    if worker is None or not worker.is_active or worker.team_id != case.team_id:
        raise InputError({"worker_id": _("Choose an active colleague from this case's team.")})
    existing = await db.scalar(
        select(CaseWorker).where(CaseWorker.case_id == case.id, CaseWorker.user_id == worker_id)
    )
    if existing is not None:
        raise InputError({"worker_id": _("This person already works on the case.")})
    link = CaseWorker(case_id=case.id, user_id=worker_id)
    db.add(link)
    await db.flush()
    audit.record(db, "case.worker_assigned", actor, case_id=case.id, target=link)
    return link


async def on_case(db: AsyncSession, case: Case, user_id: UUID) -> CaseWorker:
    """Someone's place on this case, or NotFound."""
    link = await db.scalar(
        select(CaseWorker).where(CaseWorker.case_id == case.id, CaseWorker.user_id == user_id)
    )
    if link is None:
        raise NotFound("No colleague of that name works on this case.")
    return link


async def remove_worker(db: AsyncSession, actor: Actor, case: Case, link: CaseWorker) -> int:
    """Take a colleague off a case (added by mistake, or no longer working with the family): they no longer
    see it, and its open tasks that were theirs are left for someone to take (returned: how many). Someone
    always stays on the case. Audited; the family's own records are untouched."""
    others = await db.scalar(
        select(func.count())
        .select_from(CaseWorker)
        .where(CaseWorker.case_id == case.id, CaseWorker.id != link.id)
    )
    if not others:
        raise InputError({"worker_id": _(LAST_ON_CASE)})
    freed = await db.execute(
        update(Task)
        .where(Task.case_id == case.id, Task.assigned_to_id == link.user_id, Task.done_at.is_(None))
        .values(assigned_to_id=None)
        .execution_options(synchronize_session=False)
    )
    audit.record(db, "case.worker_removed", actor, case_id=case.id, target=link)
    await db.delete(link)
    await db.flush()
    return cast("CursorResult[Any]", freed).rowcount or 0


LAST_ON_CASE = N_("Someone must stay on the case. Add the colleague who takes it over first.")


async def team_colleagues(db: AsyncSession, team_id: UUID) -> list[User]:
    return list(
        await db.scalars(
            select(User).where(
                User.team_id == team_id, User.is_active.is_(True), User.role != Role.ADMIN.value
            )
        )
    )


# --- the caseload ----------------------------------------------------------------------------


@dataclass
class CaseloadRow:
    case: Case
    stage: Stage
    risk: str | None
    next_task: Task | None


async def caseload(db: AsyncSession, who: Who) -> list[CaseloadRow]:
    """Every case `who` may see, with its stage, current risk and next due task, in few queries."""
    cases = list(await db.scalars(visible_cases(who).order_by(Case.reference)))
    if not cases:
        return []
    ids = [c.id for c in cases]
    stages, risks = await _stages_and_risks(db, ids)
    next_task = await _next_tasks(db, ids)
    return [
        CaseloadRow(
            case=c,
            stage=Stage(stages.get(c.id, FIRST_STAGE.value)),
            risk=risks.get(c.id),
            next_task=next_task.get(c.id),
        )
        for c in cases
    ]


#: Cases on one page of the caseload: a worker's whole caseload fits on one; a manager's team pages.
CASELOAD_PAGE_SIZE = 50
#: The risk filter's value for cases with no risk assessment yet.
NOT_ASSESSED = "none"


@dataclass(frozen=True)
class CaseloadFilter:
    """What the caseload page was asked for: a page number, and optionally one stage, one risk level
    (or NOT_ASSESSED) and one worker of the team. `caseload_filter` reads it from a query string."""

    page: int = 1
    stage: str | None = None
    risk: str | None = None
    worker_id: UUID | None = None

    @property
    def narrowed(self) -> bool:
        return any(v is not None for v in (self.stage, self.risk, self.worker_id))

    def query(self, **changes: Any) -> str:
        """The filter as the page's query string (for its links), with `changes` applied."""
        values: dict[str, Any] = {"stage": self.stage, "risk": self.risk, "worker": self.worker_id}
        values["page"] = self.page
        values.update(changes)
        kept = {k: str(v) for k, v in values.items() if v is not None and not (k == "page" and v == 1)}
        return "?" + urlencode(kept) if kept else ""


def caseload_filter(
    page: str | None, stage: str | None, risk: str | None, worker: str | None, workers: list[UUID]
) -> CaseloadFilter:
    """The filter from a query string. A value the page never offers (a stage that does not exist, a worker
    outside the team, a page that is not a number) is left out rather than refused: these come from the
    page's own links and lists, and a stale or edited link should still show the caseload."""
    number = int(page) if page and page.isdigit() and len(page) < 7 else 1
    worker_id = None
    if worker:
        try:
            worker_id = UUID(worker)
        except ValueError:
            worker_id = None
    return CaseloadFilter(
        page=max(number, 1),
        stage=stage if stage in {s.value for s in Stage} else None,
        risk=risk if risk in {*(level for level, _label in forms.RISK_LEVELS), NOT_ASSESSED} else None,
        worker_id=worker_id if worker_id in workers else None,
    )


@dataclass
class CaseloadPage:
    rows: list[CaseloadRow]
    matching: int  # cases that pass the filter
    page: int  # the page shown (the asked-for page, kept within 1..pages)
    pages: int
    filter: CaseloadFilter

    @property
    def first(self) -> int:
        """The position of the page's first case among those matching (1-based; 0 when none match)."""
        return (self.page - 1) * CASELOAD_PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


async def caseload_page(db: AsyncSession, who: Who, wanted: CaseloadFilter) -> CaseloadPage:
    """One page of the caseload, in case reference order, filtered by stage, risk and worker.

    The same statements at any size of team: one for the visible cases' ids (nothing encrypted, so
    nothing decrypted), one each for their newest stage and risk (plain values), then only the page's own
    cases (decrypted: the 50 shown), their workers and their open tasks. Drawing a manager's caseload of
    1,000 cases as one page decrypted and drew all 1,000 cards (bench/scale.py: about 520 ms)."""
    listed = visible_cases(who).with_only_columns(Case.id).order_by(Case.reference)
    if wanted.worker_id is not None:
        listed = listed.where(
            exists().where(CaseWorker.case_id == Case.id, CaseWorker.user_id == wanted.worker_id)
        )
    everyone = list(await db.scalars(listed))
    stages, risks = await _stages_and_risks(db, everyone)
    matching = [
        case_id
        for case_id in everyone
        if (wanted.stage is None or stages.get(case_id, FIRST_STAGE.value) == wanted.stage)
        and (wanted.risk is None or risks.get(case_id, NOT_ASSESSED) == wanted.risk)
    ]
    pages = max(1, -(-len(matching) // CASELOAD_PAGE_SIZE))
    page = min(wanted.page, pages)
    shown = matching[(page - 1) * CASELOAD_PAGE_SIZE : page * CASELOAD_PAGE_SIZE]
    rows: list[CaseloadRow] = []
    if shown:
        cases = {c.id: c for c in await db.scalars(select(Case).where(Case.id.in_(shown)))}
        next_task = await _next_tasks(db, shown)
        rows = [
            CaseloadRow(
                case=cases[case_id],
                stage=Stage(stages.get(case_id, FIRST_STAGE.value)),
                risk=risks.get(case_id),
                next_task=next_task.get(case_id),
            )
            for case_id in shown
        ]
    return CaseloadPage(rows, len(matching), page, pages, wanted)


async def _stages_and_risks(db: AsyncSession, ids: list[UUID]) -> tuple[dict[UUID, str], dict[UUID, str]]:
    """Each case's newest stage move and risk assessment: these cases' rows read oldest first, keeping the
    last (the order current_stage and risk_history use). A join against a per-case max() lets PostgreSQL
    scan the whole table on the other side (bench/scale.py: a manager's caseload read all 350,000 stage
    moves of a 100,000-case service, twice); this reads only the rows of these cases."""
    stages: dict[UUID, str] = {}
    risks: dict[UUID, str] = {}
    if not ids:
        return stages, risks
    for case_id, to_stage in await db.execute(
        select(StageMove.case_id, StageMove.to_stage)
        .where(StageMove.case_id.in_(ids))
        .order_by(StageMove.moved_at, StageMove.id)
    ):
        stages[case_id] = to_stage
    for case_id, level in await db.execute(
        select(RiskAssessment.case_id, RiskAssessment.level)
        .where(RiskAssessment.case_id.in_(ids))
        .order_by(RiskAssessment.assessed_on, RiskAssessment.created_at)
    ):
        risks[case_id] = level
    return stages, risks


async def _next_tasks(db: AsyncSession, ids: list[UUID]) -> dict[UUID, Task]:
    """Each case's next open task: the earliest due, then those with no date, in playbook order."""
    next_task: dict[UUID, Task] = {}
    for task in await db.scalars(
        select(Task)
        .where(Task.case_id.in_(ids), Task.done_at.is_(None))
        .order_by(Task.due_on.is_(None), Task.due_on, Task.position)
    ):
        next_task.setdefault(task.case_id, task)
    return next_task


# --- corrections ----------------------------------------------------------------------------------

#: What can be corrected on a case: the record's table, with the audit action its corrections are kept as
#: and the fields the correction form offers (the same fields as the form that added it).
CORRECTABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    Case.__tablename__: ("case.corrected", ("child_name", "child_birth_date")),
    FamilyMember.__tablename__: ("family.corrected", (*forms.FAMILY_KEYS, "is_witness")),
    Contact.__tablename__: ("key_contact.corrected", forms.CONTACT_KEYS),  # contact.*: the contact log
    RiskAssessment.__tablename__: ("risk.corrected", ("level", "assessed_on", "notes")),
}


@dataclass(frozen=True)
class Corrected:
    """One correction as the case's readers see it: which record, when, by whom, each field's earlier value."""

    record_type: str
    record_id: UUID
    at: dt.datetime
    by_id: UUID | None
    earlier: dict[str, Any]


def _kept(value: Any) -> Any:
    """A value as the history keeps it in JSON: dates as ISO text, the rest as they are."""
    return value.isoformat() if isinstance(value, dt.date) else value


async def correct(
    db: AsyncSession, actor: Actor, case: Case, record: Any, values: dict[str, Any]
) -> list[str]:
    """Change the fields of `record` that `values` gives and that differ, keeping what they said before in one
    Correction (encrypted) and one audit event. Returns the fields changed: none means nothing was written,
    so saving a form unchanged leaves no history."""
    action, keys = CORRECTABLE[record.__tablename__]
    earlier: dict[str, Any] = {}
    for key in keys:
        if key in values and values[key] != getattr(record, key):
            earlier[key] = _kept(getattr(record, key))
            setattr(record, key, values[key])
    if not earlier:
        return []
    db.add(
        Correction(
            case_id=case.id,
            record_type=record.__tablename__,
            record_id=record.id,
            corrected_by_id=actor.id,
            fields=",".join(sorted(earlier)),
            earlier=json.dumps(earlier, sort_keys=True),
        )
    )
    await db.flush()
    if isinstance(record, (Case, FamilyMember)) and {"child_name", "name"} & set(earlier):
        await search_index.reindex_case(db, case)  # found by the new name only
    audit.record(db, action, actor, case_id=case.id, target=record)
    return sorted(earlier)


async def corrections_for(db: AsyncSession, case_id: UUID, record_id: UUID | None = None) -> list[Corrected]:
    """The case's corrections (or one record's), newest first, earlier values decrypted for the reader."""
    query = select(Correction).where(Correction.case_id == case_id)
    if record_id is not None:
        query = query.where(Correction.record_id == record_id)
    return [
        Corrected(c.record_type, c.record_id, c.created_at, c.corrected_by_id, json.loads(c.earlier))
        for c in await db.scalars(query.order_by(Correction.created_at.desc(), Correction.id.desc()))
    ]


async def correct_child(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> list[str]:
    """Correct the child's name or date of birth (kept as ISO text, as open_case keeps it)."""
    given = dict(values)
    if "child_birth_date" in given:
        birth = given["child_birth_date"]
        _refuse_future_birth(birth, dt.date.today())
        given["child_birth_date"] = birth.isoformat() if birth else None
    return await correct(db, actor, case, case, given)


async def correct_contact(
    db: AsyncSession, actor: Actor, case: Case, contact: Contact, values: dict[str, Any]
) -> list[str]:
    """Correct a key contact: it must still have a phone number or an email address."""
    _refuse_unreachable(
        values["phone"] if "phone" in values else contact.phone,
        values["email"] if "email" in values else contact.email,
    )
    return await correct(db, actor, case, contact, values)
