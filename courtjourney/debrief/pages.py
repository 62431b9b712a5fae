"""Debrief pages: after the verdict (outcomes, sentence explained, deadlines, the letter), the support plan,
closing a case, and the manager's team page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import User
from courtjourney.cases import services as case_services
from courtjourney.cases.models import Case
from courtjourney.debrief import forms, letter, rules, services
from courtjourney.documents.engine import DOCX_MEDIA_TYPE
from courtjourney.errors import InputError
from courtjourney.hearings import services as hearing_services
from courtjourney.hearings import story
from courtjourney.i18n import get_locale
from courtjourney.i18n import gettext as _
from courtjourney.web.forms import clean
from courtjourney.web.pages import Form, case_url, form_page

LABELS = {
    "result": dict(rules.RESULTS),
    "sentence": dict(rules.SENTENCES),
    "plan_kind": dict(forms.PLAN_KINDS),
    "plan_status": dict(forms.PLAN_STATUSES),
    "closing": dict(forms.CLOSING_REASONS),
    "child_attendance": dict(forms.CHILD_ATTENDANCE_CHOICES),
}


def label(kind: str, key: str | None) -> str:
    return _(LABELS[kind].get(key, key)) if key else ""


def _crumbs(case: Case) -> list[tuple[str, str]]:
    return [("/", _("My caseload")), (case_url(case), case.reference)]


class DebriefPages(Controller):
    include_in_schema = False

    # --- after the verdict -------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/debrief")
    async def debrief(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        outcomes = await services.outcomes_for(db_session, case.id)
        charges = {c.id: c for c in await hearing_services.charges_for(db_session, case.id)}
        return Template(
            template_name="debrief.html",
            context={
                "user": request.user,
                "title": _("After the verdict"),
                "case": case,
                "rows": [
                    (o, charges.get(o.charge_id), letter.sentence_lines(o, _, get_locale())) for o in outcomes
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

    async def _outcome_page(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
        outcome: Any = None,
    ) -> Template:
        proceedings = await hearing_services.proceedings_for(db, case.id)
        charges = await hearing_services.charges_for(db, case.id)
        courts = {p.id: p.court_name for p in proceedings}
        options = {
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
        return form_page(
            request,
            case=case,
            title=_("Change an outcome") if outcome else _("Record an outcome"),
            fields=forms.OUTCOME,
            action=case_url(case, f"/outcomes/{outcome.id}" if outcome else "/outcomes/new"),
            values=values,
            errors=errors,
            options=options,
            intro=_(
                "One outcome for each defendant and charge. Fill in the sentence only after a guilty plea or verdict."
            ),
            submit=_("Save the outcome"),
        )

    @get("/cases/{case_id:uuid}/outcomes/new")
    async def outcome_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        return await self._outcome_page(db_session, request, case, {"uls_eligible": "unknown"})

    @post("/cases/{case_id:uuid}/outcomes/new")
    async def outcome_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        try:
            await services.add_outcome(
                db_session, case, request.user, clean(forms.OUTCOME, data), connection=request
            )
        except InputError as exc:
            return await self._outcome_page(db_session, request, case, data, exc.errors)
        return Redirect(case_url(case, "/debrief?done=outcome"), status_code=303)

    @get("/cases/{case_id:uuid}/outcomes/{outcome_id:uuid}")
    async def outcome_edit_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, outcome_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        outcome = await services.get_outcome(db_session, case, outcome_id)
        values = {k: getattr(outcome, k) for k in forms.OUTCOME_KEYS}
        values = {
            k: (
                v.isoformat()
                if isinstance(v, dt.date)
                else str(v)
                if isinstance(v, UUID | int) and not isinstance(v, bool)
                else v
            )
            for k, v in values.items()
        }
        return await self._outcome_page(db_session, request, case, values, outcome=outcome)

    @post("/cases/{case_id:uuid}/outcomes/{outcome_id:uuid}")
    async def outcome_edit(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        outcome_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        outcome = await services.get_outcome(db_session, case, outcome_id)
        try:
            await services.change_outcome(
                db_session, case, outcome, request.user, clean(forms.OUTCOME, data), connection=request
            )
        except InputError as exc:
            return await self._outcome_page(db_session, request, case, data, exc.errors, outcome=outcome)
        return Redirect(case_url(case, "/debrief?done=outcome"), status_code=303)

    async def _attendance_page(
        self,
        request: Request[User, Any, Any],
        case: Case,
        hearing: Any,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
    ) -> Template:
        return form_page(
            request,
            case=case,
            title=_("Did the child come to court?"),
            fields=forms.CHILD_ATTENDANCE,
            action=case_url(case, f"/hearings/{hearing.id}/child-attendance"),
            values=values,
            errors=errors,
            intro=story.label("hearing_type", hearing.hearing_type) + ": " + story.hearing_when(hearing),
        )

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/child-attendance")
    async def child_attendance_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, hearing_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        hearing = await hearing_services.get_hearing(db_session, case, hearing_id)
        row = await services.child_attendance(db_session, hearing.id)
        return await self._attendance_page(
            request, case, hearing, {"attended": row.attended, "note": row.note} if row else {}
        )

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/child-attendance")
    async def child_attendance(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        hearing_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        hearing = await hearing_services.get_hearing(db_session, case, hearing_id)
        try:
            await services.record_child_attendance(
                db_session,
                case,
                hearing,
                request.user,
                clean(forms.CHILD_ATTENDANCE, data),
                connection=request,
            )
        except InputError as exc:
            return await self._attendance_page(request, case, hearing, data, exc.errors)
        return Redirect(case_url(case, "/debrief?done=attendance#witness"), status_code=303)

    @post("/cases/{case_id:uuid}/deadlines/tasks")
    async def deadline_tasks(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Redirect:
        case = await case_services.get_case(db_session, case_id)
        await services.sync_deadline_tasks(db_session, case, request.user, connection=request)
        return Redirect(case_url(case, "?done=task#tasks"), status_code=303)

    @get("/cases/{case_id:uuid}/debrief-letter")
    async def debrief_letter(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Response[bytes]:
        case = await case_services.get_case(db_session, case_id)
        raw = request.query_params.get("member")
        try:
            member = UUID(raw) if raw else None
        except ValueError:
            raise InputError({"member": _("Choose a family member of this case.")}) from None
        body, made = await letter.produce(
            db_session, case, request.user, member_id=member, connection=request
        )
        return Response(
            body,
            media_type=DOCX_MEDIA_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="debrief-{case.reference}-{made.lang}.docx"'
            },
        )

    # --- the support plan ----------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/support-plan")
    async def plan(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
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
    async def item_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        return form_page(
            request,
            case=case,
            title=_("Add to the support plan"),
            fields=forms.PLAN_ITEM,
            action=case_url(case, "/support-plan/new"),
            values={"status": "planned"},
        )

    @post("/cases/{case_id:uuid}/support-plan/new")
    async def item_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        try:
            await services.add_plan_item(
                db_session, case, request.user, clean(forms.PLAN_ITEM, data), connection=request
            )
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Add to the support plan"),
                fields=forms.PLAN_ITEM,
                action=case_url(case, "/support-plan/new"),
                values=data,
                errors=exc.errors,
            )
        return Redirect(case_url(case, "/support-plan?done=item"), status_code=303)

    @get("/cases/{case_id:uuid}/support-plan/{item_id:uuid}")
    async def item_edit_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, item_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        item = await services.get_plan_item(db_session, case, item_id)
        values = {
            "kind": item.kind,
            "owner": item.owner,
            "due_on": item.due_on.isoformat() if item.due_on else "",
            "status": item.status,
            "details": item.details or "",
        }
        return form_page(
            request,
            case=case,
            title=_("Change a support plan item"),
            fields=forms.PLAN_ITEM,
            action=case_url(case, f"/support-plan/{item.id}"),
            values=values,
        )

    @post("/cases/{case_id:uuid}/support-plan/{item_id:uuid}")
    async def item_edit(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        item_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        item = await services.get_plan_item(db_session, case, item_id)
        try:
            await services.change_plan_item(
                db_session, case, item, request.user, clean(forms.PLAN_ITEM, data), connection=request
            )
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Change a support plan item"),
                fields=forms.PLAN_ITEM,
                action=case_url(case, f"/support-plan/{item.id}"),
                values=data,
                errors=exc.errors,
            )
        return Redirect(case_url(case, "/support-plan?done=item"), status_code=303)

    @get("/cases/{case_id:uuid}/support-plan/reviews")
    async def reviews_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        return form_page(
            request,
            case=case,
            title=_("Set review dates"),
            fields=forms.REVIEWS,
            action=case_url(case, "/support-plan/reviews"),
            values={"start_on": dt.date.today().isoformat()},
        )

    @post("/cases/{case_id:uuid}/support-plan/reviews")
    async def reviews_set(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        try:
            values = clean(forms.REVIEWS, data)
            await services.set_reviews(db_session, case, request.user, values["start_on"], connection=request)
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Set review dates"),
                fields=forms.REVIEWS,
                action=case_url(case, "/support-plan/reviews"),
                values=data,
                errors=exc.errors,
            )
        return Redirect(case_url(case, "/support-plan?done=reviews"), status_code=303)

    @post("/cases/{case_id:uuid}/support-plan/reviews/{review_id:uuid}/done")
    async def review_done(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, review_id: UUID
    ) -> Redirect:
        case = await case_services.get_case(db_session, case_id)
        review = await services.get_review(db_session, case, review_id)
        await services.review_done(db_session, case, review, request.user, None, connection=request)
        return Redirect(case_url(case, "/support-plan?done=review"), status_code=303)

    # --- closing -----------------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/close")
    async def close_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        return form_page(
            request,
            case=case,
            title=_("Close the case"),
            fields=forms.CLOSE,
            action=case_url(case, "/close"),
            values={"closed_on": dt.date.today().isoformat()},
            submit=_("Close the case"),
            intro=_("Records are kept for %(years)d years after support ends, then deleted.")
            % {"years": services.RETENTION_YEARS},
        )

    @post("/cases/{case_id:uuid}/close")
    async def close(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        try:
            await services.close_case(
                db_session, case, request.user, clean(forms.CLOSE, data), connection=request
            )
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Close the case"),
                fields=forms.CLOSE,
                action=case_url(case, "/close"),
                values=data,
                errors=exc.errors,
                submit=_("Close the case"),
            )
        return Redirect(case_url(case, "?done=stage#journey"), status_code=303)
