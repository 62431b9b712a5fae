"""The case JSON API under /api/cases. Thin: check, call the service, answer."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.cases import forms, schemas, services
from courtjourney.cases.models import Case, Consent, Contact, FamilyMember, RiskAssessment, Task
from courtjourney.db import spool
from courtjourney.db.rows import one_of_case
from courtjourney.errors import NotFound
from courtjourney.i18n import age_on
from courtjourney.web.forms import clean
from courtjourney.web.schemas import dump


async def case_out(db: AsyncSession, case: Case) -> schemas.CaseOut:
    risks = await services.risk_history(db, case.id)
    return schemas.CaseOut(
        id=case.id,
        reference=case.reference,
        team_id=case.team_id,
        child_name=case.child_name,
        child_birth_date=case.birth_date,
        age=age_on(case.birth_date, dt.date.today()),
        stage=(await services.current_stage(db, case.id)).value,
        risk=risks[0].level if risks else None,
        worker_ids=[w.user_id for w in case.workers],
    )


def task_out(task: Task) -> schemas.TaskOut:
    return dump(schemas.TaskOut, task)


class CaseApi(Controller):
    path = "/api/cases"
    tags = ["Cases"]

    @get("/", summary="List the cases you may see")
    async def list_cases(self, db_session: AsyncSession, actor: Actor) -> list[schemas.CaseSummary]:
        rows = await services.caseload(db_session, actor)
        await audit.record_listed(db_session, actor, (row.case.id for row in rows))
        return [
            schemas.CaseSummary(
                id=r.case.id,
                reference=r.case.reference,
                child_name=r.case.child_name,
                stage=r.stage.value,
                risk=r.risk,
                next_task=task_out(r.next_task) if r.next_task else None,
            )
            for r in rows
        ]

    @post("/", summary="Open a case", status_code=201)
    async def open_case(
        self, db_session: AsyncSession, actor: Actor, data: schemas.NewCase
    ) -> schemas.CaseOut:
        values = clean(forms.NEW_CASE, data.to_dict())
        case = await services.open_case(db_session, actor, values)
        await db_session.refresh(case, ["workers"])
        return await case_out(db_session, case)

    @get("/{case_id:uuid}", summary="One case")
    async def get_case(self, db_session: AsyncSession, case: Case) -> schemas.CaseOut:
        return await case_out(db_session, case)

    @patch(
        "/{case_id:uuid}",
        summary="Correct the child's name or date of birth",
        description="Only the fields sent change; the earlier values are kept (GET .../corrections).",
    )
    async def correct_child(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.ChildCorrection
    ) -> schemas.CaseOut:
        values = clean(forms.NEW_CASE, data.to_dict(), partial=True)
        await services.correct_child(db_session, actor, case, values)
        return await case_out(db_session, case)

    @get(
        "/{case_id:uuid}/corrections",
        summary="Every correction made on the case, newest first, with the earlier values",
    )
    async def list_corrections(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.CorrectionOut]:
        return [
            schemas.CorrectionOut(c.record_type, c.record_id, c.at, c.by_id, c.earlier)
            for c in await services.corrections_for(db_session, case_id)
        ]

    @get("/{case_id:uuid}/stage-moves", summary="The case's journey so far")
    async def list_moves(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.StageMoveOut]:
        return [dump(schemas.StageMoveOut, m) for m in await services.stage_history(db_session, case_id)]

    @post("/{case_id:uuid}/stage-moves", summary="Move the case to another stage", status_code=201)
    async def move(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.StageMoveIn
    ) -> schemas.StageMoveOut:
        values = clean(forms.MOVE_STAGE, data.to_dict())
        row = await services.move_stage(db_session, actor, case, values["to_stage"], values.get("reason"))
        return dump(schemas.StageMoveOut, row)

    @get("/{case_id:uuid}/tasks", summary="The case's tasks")
    async def list_tasks(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.TaskOut]:
        return [task_out(t) for t in await services.tasks_for(db_session, case_id)]

    @post("/{case_id:uuid}/tasks", summary="Add a task", status_code=201)
    async def add_task(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewTask
    ) -> schemas.TaskOut:
        values = clean(
            forms.NEW_TASK, {k: (str(v) if isinstance(v, UUID) else v) for k, v in data.to_dict().items()}
        )
        return task_out(await services.add_task(db_session, actor, case, values))

    @patch("/{case_id:uuid}/tasks/{task_id:uuid}", summary="Change a task: tick it, date it, assign it")
    async def update_task(
        self, db_session: AsyncSession, actor: Actor, case: Case, task_id: UUID, data: schemas.TaskUpdate
    ) -> schemas.TaskOut:
        raw = {k: (str(v) if isinstance(v, UUID) else v) for k, v in data.to_dict().items()}
        values = clean(forms.UPDATE_TASK, raw, partial=True)
        task = await one_of_case(db_session, Task, case.id, task_id, "task")
        return task_out(await services.update_task(db_session, actor, case, task, values))

    @delete(
        "/{case_id:uuid}/tasks/{task_id:uuid}",
        summary="Remove a task that does not apply (a task that was done stays)",
        status_code=204,
    )
    async def remove_task(self, db_session: AsyncSession, actor: Actor, case: Case, task_id: UUID) -> None:
        task = await one_of_case(db_session, Task, case.id, task_id, "task")
        await services.remove_task(db_session, actor, case, task)

    @get("/{case_id:uuid}/family-members", summary="The child's family members")
    async def list_family(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.FamilyMemberOut]:
        return [dump(schemas.FamilyMemberOut, m) for m in await services.family_for(db_session, case_id)]

    @post("/{case_id:uuid}/family-members", summary="Add a family member", status_code=201)
    async def add_family(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewFamilyMember
    ) -> schemas.FamilyMemberOut:
        values = clean(forms.FAMILY, data.to_dict())
        member = await services.add_family_member(db_session, actor, case, values)
        return dump(schemas.FamilyMemberOut, member)

    @patch(
        "/{case_id:uuid}/family-members/{family_member_id:uuid}",
        summary="Correct a family member's details",
        description="Only the fields sent change; the earlier values are kept.",
    )
    async def correct_family(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        family_member_id: UUID,
        data: schemas.FamilyMemberCorrection,
    ) -> schemas.FamilyMemberOut:
        values = clean(forms.FAMILY, data.to_dict(), partial=True)
        member = await one_of_case(db_session, FamilyMember, case.id, family_member_id, "family member")
        await services.correct(db_session, actor, case, member, values)
        return dump(schemas.FamilyMemberOut, member)

    @get("/{case_id:uuid}/contacts", summary="Professionals around the family")
    async def list_contacts(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.ContactOut]:
        return [dump(schemas.ContactOut, c) for c in await services.contacts_for(db_session, case_id)]

    @post("/{case_id:uuid}/contacts", summary="Add a key contact", status_code=201)
    async def add_contact(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewContact
    ) -> schemas.ContactOut:
        values = clean(forms.CONTACT, data.to_dict())
        contact = await services.add_contact(db_session, actor, case, values)
        return dump(schemas.ContactOut, contact)

    @patch(
        "/{case_id:uuid}/contacts/{contact_id:uuid}",
        summary="Correct a key contact",
        description="Only the fields sent change; the earlier values are kept.",
    )
    async def correct_contact(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        contact_id: UUID,
        data: schemas.KeyContactCorrection,
    ) -> schemas.ContactOut:
        values = clean(forms.CONTACT, data.to_dict(), partial=True)
        contact = await one_of_case(db_session, Contact, case.id, contact_id, "key contact")
        await services.correct_contact(db_session, actor, case, contact, values)
        return dump(schemas.ContactOut, contact)

    @get("/{case_id:uuid}/consents", summary="Consent to share records")
    async def list_consents(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.ConsentOut]:
        return [dump(schemas.ConsentOut, c) for c in await services.consents_for(db_session, case_id)]

    @post("/{case_id:uuid}/consents", summary="Record consent", status_code=201)
    async def add_consent(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewConsent
    ) -> schemas.ConsentOut:
        values = clean(forms.CONSENT, data.to_dict())
        consent = await services.add_consent(db_session, actor, case, values)
        return dump(schemas.ConsentOut, consent)

    @post(
        "/{case_id:uuid}/consents/{consent_id:uuid}/withdrawal",
        summary="Record that consent was withdrawn",
        status_code=200,
    )
    async def withdraw_consent(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        consent_id: UUID,
        data: schemas.ConsentWithdrawal,
    ) -> schemas.ConsentOut:
        values = clean(forms.WITHDRAW_CONSENT, data.to_dict())
        consent = await one_of_case(db_session, Consent, case.id, consent_id, "consent record")
        consent = await services.withdraw_consent(db_session, actor, case, consent, values)
        return dump(schemas.ConsentOut, consent)

    @get("/{case_id:uuid}/risk-assessments", summary="Risk threshold assessments, newest first")
    async def list_risk(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.RiskAssessmentOut]:
        return [dump(schemas.RiskAssessmentOut, r) for r in await services.risk_history(db_session, case_id)]

    @post("/{case_id:uuid}/risk-assessments", summary="Record a risk threshold assessment", status_code=201)
    async def add_risk(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewRiskAssessment
    ) -> schemas.RiskAssessmentOut:
        values = clean(forms.RISK, data.to_dict())
        row = await services.add_risk_assessment(db_session, actor, case, values)
        return dump(schemas.RiskAssessmentOut, row)

    @patch(
        "/{case_id:uuid}/risk-assessments/{risk_assessment_id:uuid}",
        summary="Correct a risk assessment",
        description="Only the fields sent change; the earlier values are kept. Who assessed it stays.",
    )
    async def correct_risk(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        risk_assessment_id: UUID,
        data: schemas.RiskAssessmentCorrection,
    ) -> schemas.RiskAssessmentOut:
        values = clean(forms.RISK, data.to_dict(), partial=True)
        row = await one_of_case(db_session, RiskAssessment, case.id, risk_assessment_id, "risk assessment")
        await services.correct(db_session, actor, case, row, values)
        return dump(schemas.RiskAssessmentOut, row)

    @post("/{case_id:uuid}/workers", summary="Assign a colleague from the case's team", status_code=201)
    async def assign(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.WorkerAssignment
    ) -> list[UUID]:
        values = clean(
            forms.ASSIGN_WORKER,
            {k: (str(v) if isinstance(v, UUID) else v) for k, v in data.to_dict().items()},
        )
        await services.assign_worker(db_session, actor, case, values)
        return [w.id for w in await services.workers_for(db_session, case.id)]

    @delete(
        "/{case_id:uuid}/workers/{user_id:uuid}",
        summary="Take a colleague off the case (someone always stays; their open tasks are left unassigned)",
        status_code=204,
    )
    async def remove_worker(self, db_session: AsyncSession, actor: Actor, case: Case, user_id: UUID) -> None:
        link = await services.on_case(db_session, case, user_id)
        await services.remove_worker(db_session, actor, case, link)

    @get("/{case_id:uuid}/audit", summary="Who read or changed this case (managers only)")
    async def audit_trail(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        before: UUID | None = None,
    ) -> list[schemas.AuditEventOut]:
        """Newest first, 500 a page; `before` the last id of a full page gives the next (older) page."""
        if not request.user.is_manager:
            raise NotFound("Nothing was found at this address.")
        await spool.flush_all(request.app.state, db_session)  # calendar polls answered so far are in it
        events, _older = await audit.trail_for_case(db_session, case_id, before=before)
        return [dump(schemas.AuditEventOut, e, at=e.created_at) for e in events]
