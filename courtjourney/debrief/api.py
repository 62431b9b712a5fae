"""The debrief JSON API under /api/cases/{case_id}/...: outcomes, deadlines, the support plan, closing, the letter."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, patch, post, put
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney import law
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.cases.api import task_out
from courtjourney.cases.models import Case
from courtjourney.cases.schemas import TaskOut
from courtjourney.db.rows import one_of_case
from courtjourney.debrief import forms, letter, rules, schemas, services
from courtjourney.debrief.models import Outcome, PlanItem, PlanReview
from courtjourney.documents.engine import DOCX_MEDIA_TYPE
from courtjourney.errors import InputError
from courtjourney.hearings.models import Hearing
from courtjourney.i18n import get_locale
from courtjourney.i18n import gettext as _
from courtjourney.web.downloads import attachment
from courtjourney.web.forms import clean
from courtjourney.web.schemas import dump


def _strings(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (str(v) if isinstance(v, UUID | int) and not isinstance(v, bool) else v) for k, v in data.items()
    }


def outcome_out(o: Outcome) -> schemas.OutcomeOut:
    return dump(schemas.OutcomeOut, o, explained=letter.sentence_lines(o, _, get_locale()))


def deadline_out(cd: services.CaseDeadline) -> schemas.DeadlineOut:
    d = cd.deadline
    return schemas.DeadlineOut(
        rule=d.key,
        outcome_id=cd.outcome.id if cd.outcome else None,
        title=_(d.title),
        due=d.due,
        warn_on=d.warn_on,
        later=d.later,
        act_by=d.act_by,
        act_by_reason=d.reason_text(_),
        note=d.note_text(_),
        rule_text=d.rule_text(_),
        source=d.source,
        law=[r.ref for r in d.rows],
        missing=[_(m) for m in d.missing],
    )


async def plan_out(db: AsyncSession, case_id: UUID) -> schemas.PlanOut:
    return schemas.PlanOut(
        items=[dump(schemas.PlanItemOut, i) for i in await services.plan_for(db, case_id)],
        reviews=[dump(schemas.ReviewOut, r) for r in await services.reviews_for(db, case_id)],
    )


class DebriefApi(Controller):
    path = "/api/cases/{case_id:uuid}"
    tags = ["Debrief"]

    @get("/outcomes", summary="The case's outcomes, each with its sentence explained in plain words")
    async def list_outcomes(self, db_session: AsyncSession, case: Case) -> list[schemas.OutcomeOut]:
        return [outcome_out(o) for o in await services.outcomes_for(db_session, case.id)]

    @post("/outcomes", summary="Record an outcome for one defendant and charge", status_code=201)
    async def add_outcome(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.OutcomeIn
    ) -> schemas.OutcomeOut:
        values = clean(forms.OUTCOME, _strings(data.to_dict()))
        return outcome_out(await services.add_outcome(db_session, actor, case, values))

    @get("/outcomes/{outcome_id:uuid}", summary="One outcome")
    async def get_outcome(self, db_session: AsyncSession, case: Case, outcome_id: UUID) -> schemas.OutcomeOut:
        return outcome_out(await one_of_case(db_session, Outcome, case.id, outcome_id, "outcome"))

    @put("/outcomes/{outcome_id:uuid}", summary="Correct an outcome (send it whole)")
    async def change_outcome(
        self, db_session: AsyncSession, actor: Actor, case: Case, outcome_id: UUID, data: schemas.OutcomeIn
    ) -> schemas.OutcomeOut:
        values = clean(forms.OUTCOME, _strings(data.to_dict()))
        outcome = await one_of_case(db_session, Outcome, case.id, outcome_id, "outcome")
        return outcome_out(await services.change_outcome(db_session, actor, case, outcome, values))

    @get(
        "/outcomes/{outcome_id:uuid}/deadlines/{rule:str}",
        summary="One deadline rule for one outcome (400 if it does not apply)",
    )
    async def one_deadline(
        self, db_session: AsyncSession, case: Case, outcome_id: UUID, rule: str
    ) -> schemas.DeadlineOut:
        outcome = await one_of_case(db_session, Outcome, case.id, outcome_id, "outcome")
        reported = services.first_report(await services.outcomes_for(db_session, case.id))
        try:
            d = rules.deadline(rule, services.facts(case, outcome, reported))
        except rules.RuleDoesNotApply as refused:
            raise InputError({"rule": refused.said(_)}) from None
        return deadline_out(services.CaseDeadline(d, outcome))

    @get(
        "/deadlines",
        summary="Every deadline from the case's outcomes, with its rule, source and any missing data",
    )
    async def list_deadlines(self, db_session: AsyncSession, case: Case) -> list[schemas.DeadlineOut]:
        return [
            deadline_out(cd)
            for cd in services.case_deadlines(case, await services.outcomes_for(db_session, case.id))
        ]

    @post(
        "/deadlines/tasks",
        summary="Turn the deadlines into dated tasks (again: updates them, never duplicates)",
        status_code=200,
    )
    async def deadline_tasks(self, db_session: AsyncSession, actor: Actor, case: Case) -> list[TaskOut]:
        return [task_out(t) for t in await services.sync_deadline_tasks(db_session, actor, case)]

    @put(
        "/hearings/{hearing_id:uuid}/child-attendance",
        summary="Record whether the child came to a trial or recorded cross-examination",
    )
    async def child_attendance(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: schemas.ChildAttendanceIn,
    ) -> schemas.ChildAttendanceOut:
        values = clean(forms.CHILD_ATTENDANCE, data.to_dict())
        hearing = await one_of_case(db_session, Hearing, case.id, hearing_id, "hearing")
        row = await services.record_child_attendance(db_session, actor, case, hearing, values)
        return dump(schemas.ChildAttendanceOut, row)

    @get("/support-plan", summary="The post-trial support plan: items and review dates")
    async def plan(self, db_session: AsyncSession, case: Case) -> schemas.PlanOut:
        return await plan_out(db_session, case.id)

    @post("/support-plan/items", summary="Add an item to the support plan", status_code=201)
    async def add_item(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.PlanItemIn
    ) -> schemas.PlanItemOut:
        values = clean(forms.PLAN_ITEM, data.to_dict())
        return dump(schemas.PlanItemOut, await services.add_plan_item(db_session, actor, case, values))

    @patch(
        "/support-plan/items/{item_id:uuid}",
        summary="Change a support plan item (its status, owner, due date)",
    )
    async def change_item(
        self, db_session: AsyncSession, actor: Actor, case: Case, item_id: UUID, data: schemas.PlanItemUpdate
    ) -> schemas.PlanItemOut:
        values = clean(forms.PLAN_ITEM, data.to_dict(), partial=True)
        item = await one_of_case(db_session, PlanItem, case.id, item_id, "support plan item")
        return dump(
            schemas.PlanItemOut, await services.change_plan_item(db_session, actor, case, item, values)
        )

    @post(
        "/support-plan/reviews",
        summary="Set review dates 1, 3, 6 and 9 months from a start day",
        status_code=200,
    )
    async def set_reviews(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.ReviewsIn
    ) -> list[schemas.ReviewOut]:
        values = clean(forms.REVIEWS, data.to_dict())
        return [
            dump(schemas.ReviewOut, r)
            for r in await services.set_reviews(db_session, actor, case, values["start_on"])
        ]

    @post("/support-plan/reviews/{review_id:uuid}/done", summary="Mark a review as done", status_code=200)
    async def review_done(
        self, db_session: AsyncSession, actor: Actor, case: Case, review_id: UUID, data: schemas.ReviewDoneIn
    ) -> schemas.ReviewOut:
        review = await one_of_case(db_session, PlanReview, case.id, review_id, "review")
        return dump(
            schemas.ReviewOut, await services.review_done(db_session, actor, case, review, data.notes)
        )

    @post(
        "/close",
        summary="Close the case: why, when, and the date its records will be deleted",
        status_code=201,
    )
    async def close(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.CloseIn
    ) -> schemas.ClosureOut:
        values = clean(forms.CLOSE, data.to_dict())
        return dump(schemas.ClosureOut, await services.close_case(db_session, actor, case, values))

    @post(
        "/deletion",
        summary="Delete a case opened in error (its first 7 days; its opener or a manager of its team)",
        description=(
            "Every record of the case is deleted at once and cannot be brought back; the audit trail keeps "
            "that it existed, who deleted it and the reason's code. `understood` must be true. After 7 days "
            "a case is closed instead (POST .../close) and kept for its retention period."
        ),
        status_code=200,
    )
    async def delete_case(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.DeletionIn
    ) -> schemas.DeletionOut:
        values = clean(forms.DELETE_CASE, data.to_dict())
        record = await services.delete_opened_in_error(db_session, actor, case, values)
        return dump(schemas.DeletionOut, record)

    @get(
        "/debrief-letter",
        summary="The family's debrief letter (Word), in the family member's language",
        media_type=DOCX_MEDIA_TYPE,
    )
    async def debrief_letter(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        member: UUID | None = None,
    ) -> Response[bytes]:
        body, made = await letter.produce(
            db_session, actor, case, signed_by=request.user.full_name, member_id=member
        )
        return Response(
            body,
            media_type=DOCX_MEDIA_TYPE,
            headers={"Content-Disposition": attachment(f"debrief-{case.reference}-{made.lang}.docx")},
        )

    @post(
        "/debrief-letter",
        summary="Make the family's debrief letter and keep it with the case's documents (Word)",
        media_type=DOCX_MEDIA_TYPE,
        status_code=201,
    )
    async def keep_debrief_letter(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        member: UUID | None = None,
    ) -> Response[bytes]:
        body, made = await letter.produce(
            db_session, actor, case, signed_by=request.user.full_name, member_id=member, keep=True
        )
        return Response(
            body,
            media_type=DOCX_MEDIA_TYPE,
            status_code=201,
            headers={"Content-Disposition": attachment(f"debrief-{case.reference}-{made.lang}.docx")},
        )


def law_row_out(row: law.Row, in_use: bool, cited: rules.Source | None) -> schemas.LawRowOut:
    return schemas.LawRowOut(
        ref=row.ref,
        key=row.key,
        value=str(row.value),
        unit=row.unit,
        law=row.law,
        source=row.source,
        source_text=cited.cite if cited else None,
        looks_at=row.looks_at,
        since=row.since,
        until=row.until,
        checked=row.checked,
        confirmed=row.confirmed,
        practice=row.practice,
        in_use=in_use,
        note=row.note,
    )


class LawApi(Controller):
    path = "/api/rules"
    tags = ["Rules"]

    @get(
        "/",
        summary="Every rule value the service uses, as dated rows: source, dates in force, checked and confirmed",
    )
    async def list_rules(self) -> list[schemas.LawRowOut]:
        return [law_row_out(*row) for row in rules.law_rows()]
