"""What the debrief API takes and gives. Shapes here; meaning (dates in order, lengths given) in services."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from courtjourney.web.schemas import Body, Out, Text

Short = Annotated[str, msgspec.Meta(max_length=300)]


class OutcomeIn(Body):
    proceeding_id: UUID | None = None
    charge_id: UUID | None = None
    defendant: Short | None = None
    result: Short | None = None
    decided_on: dt.date | None = None
    sentence_type: Short | None = None
    custody_months: int | None = None
    sentence_on: dt.date | None = None
    offender_under_18: bool = False
    particular_concern: bool = False
    life_maximum: bool = False
    uls_eligible: Short | None = None
    restraining_order: bool = False
    restraining_order_months: int | None = None
    shpo: bool = False
    discharge_months: int | None = None
    reported_on: dt.date | None = None
    parole_decision_on: dt.date | None = None
    notes: Text | None = None


class OutcomeOut(Out):
    id: UUID
    proceeding_id: UUID | None
    charge_id: UUID | None
    defendant: str | None
    result: str
    decided_on: dt.date | None
    court_type: str | None
    court_name: str | None
    category: str | None
    sentence_type: str | None
    custody_months: int | None
    sentence_on: dt.date | None
    offender_under_18: bool
    particular_concern: bool
    life_maximum: bool
    uls_eligible: str
    restraining_order: bool
    restraining_order_months: int | None
    shpo: bool
    discharge_months: int | None
    reported_on: dt.date | None
    parole_decision_on: dt.date | None
    notes: str | None
    explained: list[str]


class DeadlineOut(Out):
    rule: str
    outcome_id: UUID | None
    title: str
    due: dt.date | None
    warn_on: dt.date | None
    later: dt.date | None
    act_by: dt.date | None
    act_by_reason: str | None
    note: str | None
    rule_text: str
    source: str
    law: list[str]  # the law rows used (see GET /api/rules): "uls.days@always"
    missing: list[str]


class PlanItemIn(Body):
    kind: Short | None = None
    owner: Short | None = None
    due_on: dt.date | None = None
    status: Short | None = "planned"
    details: Text | None = None


class PlanItemUpdate(Body):
    kind: Short | msgspec.UnsetType | None = msgspec.UNSET
    owner: Short | msgspec.UnsetType | None = msgspec.UNSET
    due_on: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    status: Short | msgspec.UnsetType | None = msgspec.UNSET
    details: Text | msgspec.UnsetType | None = msgspec.UNSET


class PlanItemOut(Out):
    id: UUID
    kind: str
    owner: str
    due_on: dt.date | None
    status: str
    details: str | None


class ReviewsIn(Body):
    start_on: dt.date | None = None


class ReviewOut(Out):
    id: UUID
    months: int
    due_on: dt.date
    done_at: dt.datetime | None
    notes: str | None


class ReviewDoneIn(Body):
    notes: Text | None = None


class PlanOut(Out):
    items: list[PlanItemOut]
    reviews: list[ReviewOut]


class CloseIn(Body):
    reason_kind: Short | None = None
    reason: Text | None = None
    closed_on: dt.date | None = None


class DeletionIn(Body):
    reason_kind: Literal["duplicate", "wrong_family", "not_accepted", "practice"] | None = None
    understood: bool = False


class DeletionOut(Out):
    """All that is left of a case deleted as opened in error."""

    reference: str
    opened_on: dt.date
    deleted_at: dt.datetime
    opened_in_error: str | None


class ClosureOut(Out):
    id: UUID
    reason_kind: str
    reason: str | None
    closed_on: dt.date
    retain_until: dt.date


class ChildAttendanceIn(Body):
    attended: Short | None = None
    note: Text | None = None


class ChildAttendanceOut(Out):
    id: UUID
    hearing_id: UUID
    attended: str
    note: str | None


class LawRowOut(Out):
    """One row of the law's numbers (courtjourney/law.py), for a legal reviewer."""

    ref: str
    key: str
    value: str
    unit: str
    law: str
    source: str
    source_text: str | None
    looks_at: str
    since: dt.date | None
    until: dt.date | None
    checked: bool
    confirmed: bool
    practice: bool
    in_use: bool
    note: str
