"""What the case API takes and gives. Bodies are checked for shape here and for meaning by forms.py."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

import msgspec

from courtjourney.web.schemas import Body, Out, Text, dump

__all__ = ["Body", "Out", "Text", "dump"]  # the kit's shapes, used by every output below
Stage = Literal["risk_assessment", "disclosure", "investigation", "trial", "outcome", "post_trial", "closed"]


class NewCase(Body):
    child_name: Text | None = None
    child_birth_date: dt.date | None = None


class StageMoveIn(Body):
    to_stage: Stage | None = None
    reason: Text | None = None


class NewTask(Body):
    title: Text | None = None
    due_on: dt.date | None = None
    assigned_to_id: UUID | None = None


class TaskUpdate(Body):
    title: Text | msgspec.UnsetType | None = msgspec.UNSET
    due_on: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    assigned_to_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    done: bool | msgspec.UnsetType = msgspec.UNSET


class NewFamilyMember(Body):
    name: Text | None = None
    relationship_to_child: Text | None = None
    preferred_language: Text | None = None
    safe_contact: Text | None = None
    access_needs: Text | None = None
    is_witness: bool = False


class NewContact(Body):
    role: Text | None = None
    name: Text | None = None
    organisation: Text | None = None
    phone: Text | None = None
    email: Text | None = None


class NewConsent(Body):
    organisation_kind: Text | None = None
    organisation: Text | None = None
    purpose: Text | None = None
    given_by: Text | None = None
    given_on: dt.date | None = None


class ConsentWithdrawal(Body):
    withdrawn_on: dt.date | None = None


class NewRiskAssessment(Body):
    level: Literal["low", "medium", "high"] | None = None
    assessed_on: dt.date | None = None
    notes: Text | None = None


# Corrections: only the fields sent are changed; a field left out keeps what it says.
class ChildCorrection(Body):
    child_name: Text | msgspec.UnsetType | None = msgspec.UNSET
    child_birth_date: dt.date | msgspec.UnsetType | None = msgspec.UNSET


class FamilyMemberCorrection(Body):
    name: Text | msgspec.UnsetType | None = msgspec.UNSET
    relationship_to_child: Text | msgspec.UnsetType | None = msgspec.UNSET
    preferred_language: Text | msgspec.UnsetType | None = msgspec.UNSET
    safe_contact: Text | msgspec.UnsetType | None = msgspec.UNSET
    access_needs: Text | msgspec.UnsetType | None = msgspec.UNSET
    is_witness: bool | msgspec.UnsetType = msgspec.UNSET


class KeyContactCorrection(Body):
    role: Text | msgspec.UnsetType | None = msgspec.UNSET
    name: Text | msgspec.UnsetType | None = msgspec.UNSET
    organisation: Text | msgspec.UnsetType | None = msgspec.UNSET
    phone: Text | msgspec.UnsetType | None = msgspec.UNSET
    email: Text | msgspec.UnsetType | None = msgspec.UNSET


class RiskAssessmentCorrection(Body):
    level: Literal["low", "medium", "high"] | msgspec.UnsetType | None = msgspec.UNSET
    assessed_on: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    notes: Text | msgspec.UnsetType | None = msgspec.UNSET


class WorkerAssignment(Body):
    worker_id: UUID | None = None


# --- what the API gives back ----------------------------------------------------------------


class TaskOut(Out):
    id: UUID
    stage: str
    title: str
    playbook_key: str | None
    due_on: dt.date | None
    assigned_to_id: UUID | None
    done_at: dt.datetime | None


class StageMoveOut(Out):
    id: UUID
    from_stage: str | None
    to_stage: str
    kind: str
    moved_at: dt.datetime
    moved_by_id: UUID | None
    reason: str | None


class FamilyMemberOut(Out):
    id: UUID
    name: str
    relationship_to_child: str
    preferred_language: str
    safe_contact: str | None
    access_needs: str | None
    is_witness: bool


class ContactOut(Out):
    id: UUID
    role: str
    name: str
    organisation: str | None
    phone: str | None
    email: str | None


class ConsentOut(Out):
    id: UUID
    organisation_kind: str
    organisation: str | None
    purpose: str
    given_by: str
    given_on: dt.date
    withdrawn_on: dt.date | None


class RiskAssessmentOut(Out):
    id: UUID
    level: str
    assessed_on: dt.date
    assessed_by_id: UUID | None
    notes: str | None


class CaseSummary(Out):
    id: UUID
    reference: str
    child_name: str
    stage: str
    risk: str | None
    next_task: TaskOut | None


class CaseOut(Out):
    id: UUID
    reference: str
    team_id: UUID
    child_name: str
    child_birth_date: dt.date | None
    age: int | None
    stage: str
    risk: str | None
    worker_ids: list[UUID]


class AuditEventOut(Out):
    id: UUID
    at: dt.datetime
    actor_id: UUID | None
    action: str
    target_type: str | None
    target_id: UUID | None
    route: str | None
    method: str | None
    outcome: str
    address: str | None


class CorrectionOut(Out):
    """One correction: the record, when, by whom, and what each changed field said before."""

    record_type: str
    record_id: UUID
    at: dt.datetime
    by_id: UUID | None
    earlier: dict[str, str | bool | None]
