"""Debrief pages: after the verdict (outcomes, sentence explained, deadlines, the letter), the support plan,
closing a case, and the manager's team page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.cases import services as case_services
from courtjourney.cases.models import Case
from courtjourney.db.rows import one_of_case
from courtjourney.debrief import forms, letter, rules, services
from courtjourney.debrief.models import Outcome, PlanItem, PlanReview
from courtjourney.documents.engine import DOCX_MEDIA_TYPE
from courtjourney.errors import InputError
from courtjourney.hearings import services as hearing_services
from courtjourney.hearings import story
from courtjourney.hearings.models import Hearing
from courtjourney.i18n import N_, get_locale
from courtjourney.i18n import gettext as _
from courtjourney.web.downloads import attachment
from courtjourney.web.pages import Form, FormPage, Options, case_url

LABELS = {
    "result": dict(rules.RESULTS),
    "sentence": dict(rules.SENTENCES),
    "plan_kind": dict(forms.PLAN_KINDS),
    "plan_status": dict(forms.PLAN_STATUSES),
    "closing": dict(forms.CLOSING_REASONS),
    "child_attendance": dict(forms.CHILD_ATTENDANCE_CHOICES),
}

OUTCOME_INTRO = N_(
    "One outcome for each defendant and charge. Fill in the sentence only after a guilty plea or verdict."
)
ADD_OUTCOME = FormPage(
    N_("Record an outcome"),
    forms.OUTCOME,
    "/outcomes/new",
    intro=OUTCOME_INTRO,
    button=N_("Save the outcome"),
    defaults={"uls_eligible": "unknown"},
)
CHANGE_OUTCOME = FormPage(
    N_("Change an outcome"),
    forms.OUTCOME,
    "/outcomes/{outcome_id}",
    intro=OUTCOME_INTRO,
    button=N_("Save the outcome"),
)
# The intro names the hearing, so each page hands it in.
CHILD_ATTENDANCE = FormPage(
    N_("Did the child come to court?"), forms.CHILD_ATTENDANCE, "/hearings/{hearing_id}/child-attendance"
)
ADD_PLAN_ITEM = FormPage(
    N_("Add to the support plan"), forms.PLAN_ITEM, "/support-plan/new", defaults={"status": "planned"}
)
CHANGE_PLAN_ITEM = FormPage(N_("Change a support plan item"), forms.PLAN_ITEM, "/support-plan/{item_id}")
# The start day defaults to today, so each page hands it in.
SET_REVIEWS = FormPage(N_("Set review dates"), forms.REVIEWS, "/support-plan/reviews")
CLOSE = FormPage(N_("Close the case"), forms.CLOSE, "/close", button=N_("Close the case"))
DELETE_CASE = FormPage(
    N_("Delete a case opened in error"),
    forms.DELETE_CASE,
    "/delete",
    button=N_("Delete the case for good"),
    template="delete_case.html",
)


def label(kind: str, key: str | None) -> str:
    return _(LABELS[kind].get(key, key)) if key else ""


def _crumbs(case: Case) -> list[tuple[str, str]]:
    return [("/", _("My caseload")), (case_url(case), case.reference)]


async def outcome_options(db: AsyncSession, case: Case) -> Options:
    """The case's proceedings and charges, as the outcome form offers them."""
    proceedings = await hearing_services.proceedings_for(db, case.id)
    charges = await hearing_services.charges_for(db, case.id)
    courts = {p.id: p.court_name for p in proceedings}
    return {
        "proceeding_id": [
            (
                str(p.id),
                p.court_name + (f" ({', '.join(p.defendant_labels)})" if p.defendant_labels else ""),
            )
            for p in proceedings
        ],
        "charge_id": [
            (str(c.id), f"{c.description} – {c.defendant or ''} ({courts.get(c.proceeding_id, '')})")
            for c in charges
        ],
    }


def outcome_values(outcome: Outcome) -> dict[str, Any]:
    """A stored outcome as the form shows it: dates, ids and numbers as text."""
    values = {k: getattr(outcome, k) for k in forms.OUTCOME_KEYS}
    return {
        k: (
            v.isoformat()
            if isinstance(v, dt.date)
            else str(v)
            if isinstance(v, UUID | int) and not isinstance(v, bool)
            else v
        )
        for k, v in values.items()
    }


def attendance_intro(hearing: Hearing) -> str:
    return story.label("hearing_type", hearing.hearing_type) + ": " + story.hearing_when(hearing)


def closing_intro() -> str:
    return _("Records are kept for %(years)d years after support ends, then deleted.") % {
        "years": services.RETENTION_YEARS
    }


class DebriefPages(Controller):
    include_in_schema = False

    # --- after the verdict -------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/debrief")
    async def debrief(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        outcomes = await services.outcomes_for(db_session, case.id)
        charges = {c.id: c for c in await hearing_services.charges_for(db_session, case.id)}
        return Template(
            template_name="debrief.html",
            context={
                "user": request.user,
                "title": _("After the verdict"),
                "case": case,
                "rows": [
                    (
                        o,
                        charges.get(o.charge_id) if o.charge_id else None,
                        letter.sentence_lines(o, _, get_locale()),
                    )
                    for o in outcomes
                ],
                "deadlines": services.case_deadlines(case, outcomes),
                "family": await case_services.family_for(db_session, case.id),
                "letter_kind": letter.kind_of(outcomes),
                "label": label,
                "court_label": story.label,
                "closure": await services.closure_for(db_session, case.id),
                "today": dt.date.today(),
                "witness_hearings": [
                    (h, await services.child_attendance(db_session, h.id))
                    for h in await hearing_services.hearings_for(db_session, case.id)
                    if h.hearing_type in services.WITNESS_HEARINGS and h.sort_day <= dt.date.today()
                ],
                "hearing_label": story.label,
                "hearing_when": story.hearing_when,
                "breadcrumbs": _crumbs(case),
                "flash": request.query_params.get("done") and _("Saved."),
            },
        )

    @get("/cases/{case_id:uuid}/outcomes/new")
    async def outcome_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        return ADD_OUTCOME.show(request, case, options=await outcome_options(db_session, case))

    @post("/cases/{case_id:uuid}/outcomes/new")
    async def outcome_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await ADD_OUTCOME.submit(
            request,
            case,
            data,
            options=await outcome_options(db_session, case),
            save=lambda values: services.add_outcome(db_session, actor, case, values),
            done=case_url(case, "/debrief?done=outcome"),
        )

    @get("/cases/{case_id:uuid}/outcomes/{outcome_id:uuid}")
    async def outcome_edit_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, outcome_id: UUID
    ) -> Template:
        outcome = await one_of_case(db_session, Outcome, case.id, outcome_id, "outcome")
        return CHANGE_OUTCOME.show(
            request,
            case,
            values=outcome_values(outcome),
            options=await outcome_options(db_session, case),
            outcome_id=outcome.id,
        )

    @post("/cases/{case_id:uuid}/outcomes/{outcome_id:uuid}")
    async def outcome_edit(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        outcome_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        outcome = await one_of_case(db_session, Outcome, case.id, outcome_id, "outcome")
        return await CHANGE_OUTCOME.submit(
            request,
            case,
            data,
            outcome_id=outcome.id,
            options=await outcome_options(db_session, case),
            save=lambda values: services.change_outcome(db_session, actor, case, outcome, values),
            done=case_url(case, "/debrief?done=outcome"),
        )

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/child-attendance")
    async def child_attendance_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, hearing_id: UUID
    ) -> Template:
        hearing = await one_of_case(db_session, Hearing, case.id, hearing_id, "hearing")
        row = await services.child_attendance(db_session, hearing.id)
        return CHILD_ATTENDANCE.show(
            request,
            case,
            values={"attended": row.attended, "note": row.note} if row else {},
            intro=attendance_intro(hearing),
            hearing_id=hearing.id,
        )

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/child-attendance")
    async def child_attendance(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        hearing = await one_of_case(db_session, Hearing, case.id, hearing_id, "hearing")
        return await CHILD_ATTENDANCE.submit(
            request,
            case,
            data,
            hearing_id=hearing.id,
            intro=attendance_intro(hearing),
            save=lambda values: services.record_child_attendance(db_session, actor, case, hearing, values),
            done=case_url(case, "/debrief?done=attendance#witness"),
        )

    @post("/cases/{case_id:uuid}/deadlines/tasks")
    async def deadline_tasks(self, db_session: AsyncSession, actor: Actor, case: Case) -> Redirect:
        await services.sync_deadline_tasks(db_session, actor, case)
        return Redirect(case_url(case, "?done=task#tasks"), status_code=303)

    @get("/cases/{case_id:uuid}/debrief-letter")
    async def debrief_letter(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case
    ) -> Response[bytes]:
        raw = request.query_params.get("member")
        try:
            member = UUID(raw) if raw else None
        except ValueError:
            raise InputError({"member": _("Choose a family member of this case.")}) from None
        body, made = await letter.produce(
            db_session, actor, case, signed_by=request.user.full_name, member_id=member
        )
        return Response(
            body,
            media_type=DOCX_MEDIA_TYPE,
            headers={"Content-Disposition": attachment(f"debrief-{case.reference}-{made.lang}.docx")},
        )

    @post("/cases/{case_id:uuid}/debrief-letter")
    async def keep_debrief_letter(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Redirect:
        """Make the letter and keep it with the case's documents (reading it with GET keeps nothing)."""
        raw = str(data.get("member") or "")
        try:
            member = UUID(raw) if raw else None
        except ValueError:
            raise InputError({"member": _("Choose a family member of this case.")}) from None
        await letter.produce(
            db_session, actor, case, signed_by=request.user.full_name, member_id=member, keep=True
        )
        return Redirect(case_url(case, "/documents"), status_code=303)

    # --- the support plan ----------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/support-plan")
    async def plan(self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case) -> Template:
        return Template(
            template_name="support_plan.html",
            context={
                "user": request.user,
                "title": _("Support plan after the trial"),
                "case": case,
                "items": await services.plan_for(db_session, case.id),
                "reviews": await services.reviews_for(db_session, case.id),
                "today": dt.date.today(),
                "label": label,
                "breadcrumbs": _crumbs(case),
                "flash": request.query_params.get("done") and _("Saved."),
            },
        )

    @get("/cases/{case_id:uuid}/support-plan/new")
    async def item_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return ADD_PLAN_ITEM.show(request, case)

    @post("/cases/{case_id:uuid}/support-plan/new")
    async def item_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await ADD_PLAN_ITEM.submit(
            request,
            case,
            data,
            save=lambda values: services.add_plan_item(db_session, actor, case, values),
            done=case_url(case, "/support-plan?done=item"),
        )

    @get("/cases/{case_id:uuid}/support-plan/{item_id:uuid}")
    async def item_edit_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, item_id: UUID
    ) -> Template:
        item = await one_of_case(db_session, PlanItem, case.id, item_id, "support plan item")
        values = {
            "kind": item.kind,
            "owner": item.owner,
            "due_on": item.due_on.isoformat() if item.due_on else "",
            "status": item.status,
            "details": item.details or "",
        }
        return CHANGE_PLAN_ITEM.show(request, case, values=values, item_id=item.id)

    @post("/cases/{case_id:uuid}/support-plan/{item_id:uuid}")
    async def item_edit(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        item_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        item = await one_of_case(db_session, PlanItem, case.id, item_id, "support plan item")
        return await CHANGE_PLAN_ITEM.submit(
            request,
            case,
            data,
            item_id=item.id,
            save=lambda values: services.change_plan_item(db_session, actor, case, item, values),
            done=case_url(case, "/support-plan?done=item"),
        )

    @get("/cases/{case_id:uuid}/support-plan/reviews")
    async def reviews_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return SET_REVIEWS.show(request, case, values={"start_on": dt.date.today().isoformat()})

    @post("/cases/{case_id:uuid}/support-plan/reviews")
    async def reviews_set(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await SET_REVIEWS.submit(
            request,
            case,
            data,
            save=lambda values: services.set_reviews(db_session, actor, case, values["start_on"]),
            done=case_url(case, "/support-plan?done=reviews"),
        )

    @post("/cases/{case_id:uuid}/support-plan/reviews/{review_id:uuid}/done")
    async def review_done(
        self, db_session: AsyncSession, actor: Actor, case: Case, review_id: UUID
    ) -> Redirect:
        review = await one_of_case(db_session, PlanReview, case.id, review_id, "review")
        await services.review_done(db_session, actor, case, review, None)
        return Redirect(case_url(case, "/support-plan?done=review"), status_code=303)

    # --- closing -----------------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/close")
    async def close_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return CLOSE.show(
            request, case, values={"closed_on": dt.date.today().isoformat()}, intro=closing_intro()
        )

    @post("/cases/{case_id:uuid}/close")
    async def close(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await CLOSE.submit(
            request,
            case,
            data,
            intro=closing_intro(),
            save=lambda values: services.close_case(db_session, actor, case, values),
            done=case_url(case, "?done=stage#journey"),
        )

    # --- deleting a case opened in error -----------------------------------------------------

    @get("/cases/{case_id:uuid}/delete")
    async def delete_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case
    ) -> Template:
        return DELETE_CASE.show(
            request, case, extra={"refused": await services.may_delete(db_session, actor, case)}
        )

    @post("/cases/{case_id:uuid}/delete")
    async def delete(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await DELETE_CASE.submit(
            request,
            case,
            data,
            prepare=lambda posted: {
                **posted,
                "understood": posted.get("understood", ""),
            },  # unticked: not sent
            save=lambda values: services.delete_opened_in_error(db_session, actor, case, values),
            done="/?deleted=1",
            extra={"refused": None},
        )


class LawPages(Controller):
    """The rules page, for staff and legal reviewers: every row of the law's numbers in one place."""

    include_in_schema = False

    @get("/rules")
    async def rules_page(self, request: Request[User, Any, Any]) -> Template:
        rows = rules.law_rows()
        return Template(
            template_name="rules.html",
            context={
                "user": request.user,
                "title": _("The rules behind the dates"),
                "rows": rows,
                "unchecked": [r for r, in_use, _cited in rows if in_use and not r.checked],
            },
        )
