"""Debrief rules applied to stored cases: outcomes, deadlines as tasks, the support plan, closing, retention.

No HTTP here. Every change writes its audit event into the same transaction. A refused change
raises InputError before anything is written, so nothing is half-changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role
from courtjourney.cases import services as cases
from courtjourney.cases.journey import Stage
from courtjourney.cases.models import Case, StageMove, Task
from courtjourney.db.base import utcnow
from courtjourney.debrief import forms, rules
from courtjourney.debrief.models import Closure, Outcome, PlanItem, PlanReview, PurgedCase, WitnessAttendance
from courtjourney.documents import store
from courtjourney.documents.models import DocumentShare
from courtjourney.errors import InputError, Refused
from courtjourney.hearings import rules as hearing_rules
from courtjourney.hearings import services as hearing_services
from courtjourney.hearings.models import CalendarSubscription, Charge, Hearing, Proceeding
from courtjourney.i18n import gettext as _

REVIEW_MONTHS = (1, 3, 6, 9)
# How long records are kept after support ends. ⚠ A policy choice for each service's data protection
# officer to confirm (no statute fixes it for a charity's support records); change it here.
RETENTION_YEARS = 6
SENTENCE_FIELDS = (
    "sentence_type",
    "custody_months",
    "sentence_on",
    "particular_concern",
    "life_maximum",
    "restraining_order",
    "restraining_order_months",
    "shpo",
    "discharge_months",
    "parole_decision_on",
)
CUSTODIAL = frozenset({"custody", "suspended"})
MAX_MONTHS = 1200


# --- outcomes --------------------------------------------------------------------------------


async def outcomes_for(db: AsyncSession, case_id: UUID) -> list[Outcome]:
    return list(
        await db.scalars(
            select(Outcome).where(Outcome.case_id == case_id).order_by(Outcome.created_at, Outcome.id)
        )
    )


def _months(value: Any, field: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        months = int(str(value).strip())
    except ValueError:
        errors[field] = _("Enter a whole number of months, like 18.")
        return None
    if not 1 <= months <= MAX_MONTHS:
        errors[field] = _("Enter a number of months from 1 to %(most)d.") % {"most": MAX_MONTHS}
        return None
    return months


async def _checked(db: AsyncSession, case: Case, values: dict[str, Any]) -> dict[str, Any]:
    """Check an outcome as a whole and return what to store; raise InputError naming each wrong field."""
    errors: dict[str, str] = {}
    out = {k: values.get(k) for k in forms.OUTCOME_KEYS}
    for key in ("custody_months", "restraining_order_months", "discharge_months"):
        out[key] = _months(values.get(key), key, errors)
    for key in ("offender_under_18", "particular_concern", "life_maximum", "restraining_order", "shpo"):
        out[key] = bool(values.get(key))
    out["uls_eligible"] = values.get("uls_eligible") or "unknown"
    result = out["result"]
    proceeding = charge = None
    if out["proceeding_id"] is not None:
        proceeding = await db.scalar(
            select(Proceeding).where(Proceeding.id == out["proceeding_id"], Proceeding.case_id == case.id)
        )
        if proceeding is None:
            errors["proceeding_id"] = _("Choose one of this case's proceedings.")
    elif result != "no_further_action":
        errors["proceeding_id"] = _(
            "Choose the proceeding this outcome belongs to. Only no further action can come before a charge."
        )
    if out["charge_id"] is not None:
        charge = await db.scalar(
            select(Charge).where(Charge.id == out["charge_id"], Charge.case_id == case.id)
        )
        if charge is None or (proceeding is not None and charge.proceeding_id != proceeding.id):
            errors["charge_id"] = _("Choose a charge in the chosen proceeding.")
    if proceeding is not None and result == "no_further_action":
        errors["result"] = _(
            "No further action is a decision before any charge. For a charge that was dropped, choose that instead."
        )
    convicted = result in rules.CONVICTED
    if not convicted and any(out[k] for k in SENTENCE_FIELDS if k != "parole_decision_on"):
        errors["sentence_type"] = _("A sentence can only follow a guilty plea or a guilty verdict.")
    sentence = out["sentence_type"]
    if sentence in CUSTODIAL and out["custody_months"] is None and "custody_months" not in errors:
        errors["custody_months"] = _("Enter how long the sentence is, in months.")
    if sentence and sentence not in CUSTODIAL and out["custody_months"] is not None:
        errors["custody_months"] = _(
            "Only a prison or suspended sentence has a length here. Leave this empty."
        )
    if sentence and out["sentence_on"] is None:
        errors["sentence_on"] = _("Enter the date of sentence.")
    if out["sentence_on"] and not sentence:
        errors["sentence_type"] = _("Choose the sentence that was passed on that date.")
    if out["sentence_on"] and out["decided_on"] and out["sentence_on"] < out["decided_on"]:
        errors["sentence_on"] = _("The date of sentence cannot be before the verdict.")
    if out["restraining_order_months"] is not None and not out["restraining_order"]:
        errors["restraining_order_months"] = _(
            "Tick that a restraining order was made, or leave its length empty."
        )
    if out["discharge_months"] is not None and sentence != "conditional_discharge":
        errors["discharge_months"] = _("Only a conditional discharge has a length here. Leave this empty.")
    if out["parole_decision_on"] and out["sentence_on"] and out["parole_decision_on"] < out["sentence_on"]:
        errors["parole_decision_on"] = _("A Parole Board decision cannot come before the sentence.")
    if errors:
        raise InputError(errors)
    if proceeding is not None:
        out["court_type"], out["court_name"] = proceeding.court_type, proceeding.court_name
    out["category"] = charge.category if charge is not None else None
    if charge is not None and not out["defendant"]:
        out["defendant"] = charge.defendant
    return out


async def add_outcome(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> Outcome:
    outcome = Outcome(case_id=case.id, **await _checked(db, case, values))
    db.add(outcome)
    await db.flush()
    audit.record(db, "outcome.recorded", actor, case_id=case.id, target=outcome)
    return outcome


async def change_outcome(
    db: AsyncSession, actor: Actor, case: Case, outcome: Outcome, values: dict[str, Any]
) -> Outcome:
    checked = await _checked(db, case, values)
    for key, value in checked.items():
        setattr(outcome, key, value)
    await db.flush()
    audit.record(db, "outcome.changed", actor, case_id=case.id, target=outcome)
    return outcome


def facts(case: Case, outcome: Outcome, reported_on: dt.date | None = None) -> rules.Facts:
    """The rules' view of one stored outcome."""
    return rules.Facts(
        result=outcome.result,
        court_type=outcome.court_type,
        category=outcome.category,
        decided_on=outcome.decided_on,
        sentence_type=outcome.sentence_type,
        custody_months=outcome.custody_months,
        sentence_on=outcome.sentence_on,
        offender_under_18=outcome.offender_under_18,
        particular_concern=outcome.particular_concern,
        life_maximum=outcome.life_maximum,
        uls_eligible={"yes": True, "no": False}.get(outcome.uls_eligible),
        restraining_order=outcome.restraining_order,
        restraining_order_months=outcome.restraining_order_months,
        shpo=outcome.shpo,
        discharge_months=outcome.discharge_months,
        parole_decision_on=outcome.parole_decision_on,
        child_birth_date=case.birth_date,
        reported_on=outcome.reported_on or reported_on,
    )


# --- deadlines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseDeadline:
    """A deadline on the case: from one outcome, or (compensation) from the case as a whole."""

    deadline: rules.Deadline
    outcome: Outcome | None

    @property
    def task_key(self) -> str:
        # Stable, so recomputing finds the task it made before instead of adding another.
        suffix = f":{self.outcome.id.hex}" if self.outcome is not None else ""
        return f"deadline:{self.deadline.key}{suffix}"


def first_report(outcomes: list[Outcome]) -> dt.date | None:
    days = [o.reported_on for o in outcomes if o.reported_on]
    return min(days) if days else None


def case_deadlines(case: Case, outcomes: list[Outcome]) -> list[CaseDeadline]:
    """Every deadline for the case's outcomes; compensation once for the whole case."""
    found: list[CaseDeadline] = []
    reported = first_report(outcomes)
    for outcome in outcomes:
        for d in rules.deadlines(facts(case, outcome, reported)):
            if d.key != "cica":
                found.append(CaseDeadline(d, outcome))
    if outcomes:
        found.append(
            CaseDeadline(
                rules.compensation(
                    rules.Facts(result="", child_birth_date=case.birth_date, reported_on=reported)
                ),
                None,
            )
        )
    return sorted(
        found, key=lambda c: (c.deadline.due is None, c.deadline.due or dt.date.max, c.deadline.key)
    )


def deadline_task_title(d: rules.Deadline) -> str:
    if d.missing:
        return _("Find out %(what)s, to work out the deadline: %(title)s") % {
            "what": _(" and ").join(_(m) for m in d.missing),
            "title": _(d.title),
        }
    return _(d.title)


async def sync_deadline_tasks(db: AsyncSession, actor: Actor, case: Case) -> list[Task]:
    """Turn the case's deadlines into dated tasks. Running it again updates those tasks, never duplicates them;
    a deadline that no longer applies has its open task removed."""
    outcomes = await outcomes_for(db, case.id)
    wanted: dict[str, tuple[str, dt.date | None]] = {}
    for cd in case_deadlines(case, outcomes):
        d = cd.deadline
        wanted[cd.task_key] = (deadline_task_title(d), d.act_on if not d.missing else None)
        if d.warn_on and d.due and not d.missing:
            wanted[cd.task_key + ":warn"] = (
                _("%(days)d days left: %(title)s") % {"days": (d.due - d.warn_on).days, "title": _(d.title)},
                d.warn_on,
            )
    existing = {
        t.playbook_key: t
        for t in await db.scalars(
            select(Task).where(Task.case_id == case.id, Task.playbook_key.like("deadline:%"))
        )
    }
    stage = (await cases.current_stage(db, case.id)).value
    kept: list[Task] = []
    for key, (title, due) in wanted.items():
        task = existing.get(key)
        if task is None:
            task = Task(case_id=case.id, stage=stage, playbook_key=key, title=title, due_on=due, position=500)
            db.add(task)
        elif task.done_at is None:
            task.title, task.due_on = title, due
        kept.append(task)
    for old_key, task in existing.items():
        if old_key not in wanted and task.done_at is None:
            await db.delete(task)
    await db.flush()
    audit.record(db, "deadlines.tasks_updated", actor, case_id=case.id)
    return kept


# --- the support plan --------------------------------------------------------------------------


async def plan_for(db: AsyncSession, case_id: UUID) -> list[PlanItem]:
    return list(
        await db.scalars(
            select(PlanItem)
            .where(PlanItem.case_id == case_id)
            .order_by(PlanItem.due_on.is_(None), PlanItem.due_on, PlanItem.created_at)
        )
    )


async def add_plan_item(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> PlanItem:
    item = PlanItem(
        case_id=case.id,
        kind=values["kind"],
        owner=values["owner"],
        due_on=values.get("due_on"),
        status=values.get("status") or "planned",
        details=values.get("details"),
    )
    db.add(item)
    await db.flush()
    audit.record(db, "plan.item_added", actor, case_id=case.id, target=item)
    return item


async def change_plan_item(
    db: AsyncSession, actor: Actor, case: Case, item: PlanItem, values: dict[str, Any]
) -> PlanItem:
    for key in ("kind", "owner", "due_on", "status", "details"):
        if key in values and (values[key] is not None or key in {"due_on", "details"}):
            setattr(item, key, values[key])
    await db.flush()
    audit.record(db, "plan.item_changed", actor, case_id=case.id, target=item)
    return item


async def reviews_for(db: AsyncSession, case_id: UUID) -> list[PlanReview]:
    return list(
        await db.scalars(select(PlanReview).where(PlanReview.case_id == case_id).order_by(PlanReview.due_on))
    )


async def set_reviews(db: AsyncSession, actor: Actor, case: Case, start_on: dt.date) -> list[PlanReview]:
    """Review dates 1, 3, 6 and 9 months after `start_on`. Reviews not yet done move; done ones stay as they were."""
    current = {r.months: r for r in await reviews_for(db, case.id)}
    for months in REVIEW_MONTHS:
        due = rules.add_months(start_on, months)
        review = current.get(months)
        if review is None:
            db.add(PlanReview(case_id=case.id, months=months, due_on=due))
        elif review.done_at is None:
            review.due_on = due
    await db.flush()
    audit.record(db, "plan.reviews_set", actor, case_id=case.id)
    return await reviews_for(db, case.id)


async def review_done(
    db: AsyncSession, actor: Actor, case: Case, review: PlanReview, notes: str | None
) -> PlanReview:
    if review.done_at is not None:
        raise InputError({"review": _("This review is already marked as done.")})
    review.done_at, review.notes = utcnow(), notes or None
    await db.flush()
    audit.record(db, "plan.review_done", actor, case_id=case.id, target=review)
    return review


async def reviews_due(
    db: AsyncSession, case_ids: list[UUID], today: dt.date | None = None
) -> dict[UUID, list[PlanReview]]:
    """Reviews not yet done whose day has come, per case: what the caseload shows."""
    today = today or dt.date.today()
    due: dict[UUID, list[PlanReview]] = {}
    if not case_ids:
        return due
    for review in await db.scalars(
        select(PlanReview)
        .where(PlanReview.case_id.in_(case_ids), PlanReview.done_at.is_(None), PlanReview.due_on <= today)
        .order_by(PlanReview.due_on)
    ):
        due.setdefault(review.case_id, []).append(review)
    return due


# --- did the child come to court -------------------------------------------------------------

WITNESS_HEARINGS = hearing_rules.WITNESS_HEARINGS


async def child_attendance(db: AsyncSession, hearing_id: UUID) -> WitnessAttendance | None:
    return await db.scalar(select(WitnessAttendance).where(WitnessAttendance.hearing_id == hearing_id))


async def record_child_attendance(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    hearing: Hearing,
    values: dict[str, Any],
    *,
    today: dt.date | None = None,
) -> WitnessAttendance:
    """Record (or correct) whether the child came to a hearing that needed their evidence; not before the day."""
    today = today or dt.date.today()
    if hearing.sort_day > today:
        raise InputError(
            {"attended": _("This hearing has not happened yet. Record this on the day or after.")}
        )
    row = await child_attendance(db, hearing.id)
    if row is None:
        row = WitnessAttendance(
            case_id=case.id, hearing_id=hearing.id, attended=values["attended"], note=values.get("note")
        )
        db.add(row)
    else:
        row.attended, row.note = values["attended"], values.get("note")
    await db.flush()
    audit.record(db, "hearing.child_attendance", actor, case_id=case.id, target=row)
    return row


# --- closing and retention ---------------------------------------------------------------------


async def closure_for(db: AsyncSession, case_id: UUID) -> Closure | None:
    return await db.scalar(
        select(Closure).where(Closure.case_id == case_id).order_by(Closure.created_at.desc()).limit(1)
    )


async def close_case(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> Closure:
    """Move the case to closed, keep why, and set the date after which its records are deleted."""
    if await cases.current_stage(db, case.id) == Stage.CLOSED:
        raise InputError({"reason_kind": _("This case is already closed.")})
    label = dict(forms.CLOSING_REASONS)[values["reason_kind"]]
    reason = values.get("reason") or _(label)
    closed_on = values["closed_on"]
    await cases.move_stage(db, actor, case, Stage.CLOSED.value, reason)
    closure = Closure(
        case_id=case.id,
        reason_kind=values["reason_kind"],
        reason=values.get("reason"),
        closed_on=closed_on,
        retain_until=rules.anniversary(closed_on, RETENTION_YEARS),
        closed_by_id=actor.id,
    )
    db.add(closure)
    await db.flush()
    audit.record(db, "case.closed", actor, case_id=case.id, target=closure)
    await end_family_links(db, actor, case)
    return closure


async def end_family_links(db: AsyncSession, actor: Actor, case: Case) -> None:
    """A closed case sends nothing more: its family calendars and its shared document links end now (each audited)."""
    subscriptions = await db.scalars(
        select(CalendarSubscription).where(
            CalendarSubscription.case_id == case.id, CalendarSubscription.revoked_at.is_(None)
        )
    )
    for sub in subscriptions:
        await hearing_services.revoke(db, actor, sub)
    shares = await db.scalars(
        select(DocumentShare).where(DocumentShare.case_id == case.id, DocumentShare.revoked_at.is_(None))
    )
    for share in shares:
        await store.revoke_share(db, actor, case, share)


@dataclass(frozen=True)
class Expired:
    case_id: UUID
    reference: str
    closed_on: dt.date
    retain_until: dt.date


async def past_retention(db: AsyncSession, today: dt.date | None = None) -> list[Expired]:
    """Closed cases whose retention date has passed (and which have not been reopened)."""
    today = today or dt.date.today()
    found = []
    rows = (
        await db.execute(
            select(Case.id, Case.reference, Closure)
            .join(Closure, Closure.case_id == Case.id)
            .where(Closure.retain_until < today)
            .order_by(Closure.retain_until)
        )
    ).all()
    for case_id, reference, closure in rows:
        latest = await closure_for(db, case_id)
        if latest is closure and await cases.current_stage(db, case_id) == Stage.CLOSED:
            found.append(Expired(case_id, reference, closure.closed_on, closure.retain_until))
    return found


class PurgeRefused(Refused):
    """A purge that must not happen (the case is open, or still inside its retention period)."""


def case_tables() -> list[Any]:
    """Every table holding one case's data, children first: found from the metadata, so tables added
    later by other parts of the journey are purged too."""
    from courtjourney.db.base import metadata  # every table, once the app or the cli has loaded them

    keep = {"audit_event", "case_record", "purged_case"}
    return [t for t in reversed(metadata.sorted_tables) if "case_id" in t.c and t.name not in keep]


async def purge(db: AsyncSession, actor: Actor, case_id: UUID, today: dt.date | None = None) -> PurgedCase:
    """Delete every row of a closed case past its retention date; keep only that it existed and when it went.

    The audit trail keeps its rows (ids and action names only, never names or notes): it is append-only
    by design, and says who touched the case while it existed.
    """
    today = today or dt.date.today()
    case = await db.get(Case, case_id)
    if case is None:
        raise PurgeRefused("No case was found with that id.")
    if await cases.current_stage(db, case_id) != Stage.CLOSED:
        raise PurgeRefused(f"{case.reference} is still open: close it before its records can be deleted.")
    closure = await closure_for(db, case_id)
    if closure is None or closure.retain_until >= today:
        until = closure.retain_until.isoformat() if closure else "a closing date"
        raise PurgeRefused(f"{case.reference} must be kept until {until}.")
    opened = await db.scalar(
        select(StageMove.moved_at).where(StageMove.case_id == case_id).order_by(StageMove.moved_at).limit(1)
    )
    record = PurgedCase(
        former_case_id=case.id,
        reference=case.reference,
        opened_on=(opened or case.created_at).date(),
        closed_on=closure.closed_on,
        retain_until=closure.retain_until,
        deleted_at=utcnow(),
    )
    await _erase(db, case_id, record)
    audit.record(db, "case.purged", actor, case_id=case_id, target=record)
    return record


async def _erase(db: AsyncSession, case_id: UUID, record: PurgedCase) -> None:
    """Delete every row of the case, after writing `record`, all that is left of it."""
    # The record goes in first: the intimidation log's triggers let its rows go only for a purged case.
    db.add(record)
    await db.flush()
    for table in case_tables():
        await db.execute(delete(table).where(table.c.case_id == case_id))
    case_table = cast(Table, Case.__table__)  # a mapped class's table is a Table; its type says FromClause
    await db.execute(delete(case_table).where(case_table.c.id == case_id))
    db.expunge_all()


#: A case opened in error can be deleted for this many days after it was opened; after that it is closed
#: instead, and kept for its retention period like every other (shared/DOMAIN.md: records of support).
DELETE_WITHIN_DAYS = 7


async def opened_at(db: AsyncSession, case: Case) -> tuple[dt.datetime, UUID | None]:
    """When the case was opened (its first move) and by whom."""
    first = (
        await db.execute(
            select(StageMove.moved_at, StageMove.moved_by_id)
            .where(StageMove.case_id == case.id)
            .order_by(StageMove.moved_at, StageMove.id)
            .limit(1)
        )
    ).first()
    return (first[0], first[1]) if first else (case.created_at, None)


async def may_delete(
    db: AsyncSession, actor: Actor, case: Case, now: dt.datetime | None = None
) -> str | None:
    """Why `actor` may not delete `case` as opened in error, in plain words; None when they may."""
    return _deletion_refused(actor, case, *await opened_at(db, case), now or utcnow())


def _deletion_refused(
    actor: Actor, case: Case, at: dt.datetime, by: UUID | None, now: dt.datetime
) -> str | None:
    if not (actor.role == Role.MANAGER.value and actor.team_id == case.team_id) and by != actor.id:
        return _("Only the person who opened this case, or a manager of its team, can delete it.")
    if now - at > dt.timedelta(days=DELETE_WITHIN_DAYS):
        return _(
            "This case was opened more than %(days)d days ago, so it cannot be deleted. Close it instead: "
            "its records are then kept for %(years)d years, and deleted after that."
        ) % {"days": DELETE_WITHIN_DAYS, "years": RETENTION_YEARS}
    return None


async def delete_opened_in_error(
    db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any], now: dt.datetime | None = None
) -> PurgedCase:
    """Delete a case opened in error, within DELETE_WITHIN_DAYS, by its opener or a manager of its team:
    every record of it goes at once; the audit trail keeps that it existed, who deleted it and why (a code)."""
    now = now or utcnow()
    at, by = await opened_at(db, case)
    refused = _deletion_refused(actor, case, at, by, now)
    if refused is not None:
        raise InputError({"reason_kind": refused})
    if not values.get("understood"):
        raise InputError({"understood": _("Tick the box to say you understand this cannot be undone.")})
    record = PurgedCase(
        former_case_id=case.id,
        reference=case.reference,
        opened_on=at.date(),
        deleted_at=now,
        opened_in_error=values["reason_kind"],
    )
    case_id = case.id
    await _erase(db, case_id, record)
    audit.record(db, "case.deleted", actor, case_id=case_id, target=record)
    return record
