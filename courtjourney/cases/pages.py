"""The case pages: caseload, case page with journey map, and the forms that change a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.models import User
from courtjourney.accounts.services import names_for
from courtjourney.cases import forms, services
from courtjourney.cases.journey import MOVES, PLAYBOOK_TITLES, STAGE_LABELS, Stage
from courtjourney.cases.journey_map import lay_out
from courtjourney.cases.models import Case, Task
from courtjourney.debrief.services import reviews_due
from courtjourney.errors import InputError
from courtjourney.hearings import services as hearing_services
from courtjourney.hearings import story
from courtjourney.hearings.forms import NOT_HAPPENING
from courtjourney.i18n import age_on
from courtjourney.i18n import gettext as _
from courtjourney.threats import summary as threats
from courtjourney.web.forms import Field, clean

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def task_title(task: Task) -> str:
    """Playbook tasks show in the reader's language; the worker's own tasks as written."""
    if task.playbook_key and task.playbook_key in PLAYBOOK_TITLES:
        return _(PLAYBOOK_TITLES[task.playbook_key])
    return task.title


def stage_label(stage: str | Stage) -> str:
    return _(STAGE_LABELS[Stage(stage)])


def case_url(case: Case, rest: str = "") -> str:
    return f"/cases/{case.id}{rest}"


def form_page(
    request: Request[User, Any, Any],
    *,
    case: Case | None,
    title: str,
    fields: Sequence[Field],
    action: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    options: dict[str, list[tuple[str, str]]] | None = None,
    intro: str = "",
    submit: str = "",
) -> Template:
    breadcrumbs = [("/", _("My caseload"))]
    if case is not None:
        breadcrumbs.append((case_url(case), case.reference))
    return Template(
        template_name="form_page.html",
        context={
            "user": request.user,
            "title": title,
            "case": case,
            "fields": fields,
            "action": action,
            "values": {k: ("" if v is None else v) for k, v in (values or {}).items()},
            "errors": errors or {},
            "options": options or {},
            "intro": intro,
            "submit": submit or _("Save"),
            "breadcrumbs": breadcrumbs,
            "nav": "new_case" if case is None else "",
        },
        status_code=400 if errors else 200,
    )


async def simple_form(
    db: AsyncSession,
    request: Request[User, Any, Any],
    case_id: UUID,
    data: Form | None,
    title: str,
    fields: Sequence[Field],
    path: str,
    service: Any,
    anchor: str,
    *,
    defaults: dict[str, Any] | None = None,
    options: dict[str, list[tuple[str, str]]] | None = None,
    intro: str = "",
) -> Template | Redirect:
    """A form that adds one thing to a case. GET (data None) shows it; POST cleans, saves through
    `service(db, case, user, values, connection=...)`, and goes back to the case page at `anchor`."""
    case = await services.get_case(db, case_id)
    if data is None:
        return form_page(
            request,
            case=case,
            title=title,
            fields=fields,
            action=case_url(case, path),
            values=defaults,
            options=options,
            intro=intro,
        )
    try:
        await service(db, case, request.user, clean(fields, data), connection=request)
    except InputError as exc:
        return form_page(
            request,
            case=case,
            title=title,
            fields=fields,
            action=case_url(case, path),
            values=data,
            errors=exc.errors,
            options=options,
            intro=intro,
        )
    return Redirect(case_url(case, f"?done={anchor}#{anchor}"), status_code=303)


class CasePages(Controller):
    include_in_schema = False

    @get("/", name="caseload")
    async def caseload(self, db_session: AsyncSession, request: Request[User, Any, Any]) -> Template:
        rows = await services.caseload(db_session, request.user)
        for row in rows:
            audit.record(
                db_session, "case.listed", actor_id=request.user.id, case_id=row.case.id, connection=request
            )
        today = dt.date.today()
        next_hearings = await hearing_services.next_hearings(db_session, [r.case.id for r in rows])
        due_reviews = await reviews_due(db_session, [r.case.id for r in rows], today)
        return Template(
            template_name="caseload.html",
            context={
                "user": request.user,
                "title": _("My caseload"),
                "nav": "caseload",
                "rows": rows,
                "today": today,
                "age_on": age_on,
                "stage_label": stage_label,
                "task_title": task_title,
                "next_hearings": next_hearings,
                "due_reviews": due_reviews,
                "label": story.label,
                "hearing_when": story.hearing_when,
            },
        )

    @get("/cases/new")
    async def new_case_form(self, request: Request[User, Any, Any]) -> Template:
        return form_page(
            request,
            case=None,
            title=_("Open a new case"),
            fields=forms.NEW_CASE,
            action="/cases/new",
            intro=_("Start with the child's first name. You can add family members and contacts next."),
            submit=_("Open the case"),
        )

    @post("/cases/new")
    async def new_case(
        self, db_session: AsyncSession, request: Request[User, Any, Any], data: Form
    ) -> Template | Redirect:
        try:
            values = clean(forms.NEW_CASE, data)
            case = await services.open_case(db_session, request.user, values, connection=request)
        except InputError as exc:
            return form_page(
                request,
                case=None,
                title=_("Open a new case"),
                fields=forms.NEW_CASE,
                action="/cases/new",
                values=data,
                errors=exc.errors,
                submit=_("Open the case"),
            )
        return Redirect(case_url(case), status_code=303)

    @get("/cases/{case_id:uuid}")
    async def case_page(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await services.get_case(db_session, case_id)
        history = await services.stage_history(db_session, case.id)
        journey = lay_out([(m.to_stage, m.moved_at) for m in history], _)
        risks = await services.risk_history(db_session, case.id)
        workers = await services.workers_for(db_session, case.id)
        return Template(
            template_name="case.html",
            context={
                "user": request.user,
                "title": f"{case.reference}: {case.child_name}",
                "case": case,
                "age": age_on(case.birth_date, dt.date.today()),
                "journey": journey,
                "history": list(reversed(history)),
                "tasks": await services.tasks_for(db_session, case.id),
                "family": await services.family_for(db_session, case.id),
                "contacts": await services.contacts_for(db_session, case.id),
                "consents": await services.consents_for(db_session, case.id),
                "risks": risks,
                "workers": workers,
                "proceedings": await hearing_services.proceedings_for(db_session, case.id),
                "charges": await hearing_services.charges_for(db_session, case.id),
                "hearings": await hearing_services.hearings_for(db_session, case.id),
                "measures": await hearing_services.measures_for(db_session, case.id),
                "label": story.label,
                "hearing_when": story.hearing_when,
                "names": {w.id: w.full_name for w in workers},
                "today": dt.date.today(),
                "stage_label": stage_label,
                "task_title": task_title,
                "choices": {
                    key: dict(values)
                    for key, values in {
                        "relationship": forms.RELATIONSHIPS,
                        "role": forms.CONTACT_ROLES,
                        "language": forms.LANGUAGES,
                        "risk": forms.RISK_LEVELS,
                    }.items()
                },
                "breadcrumbs": [("/", _("My caseload"))],
                "flash": request.query_params.get("done") and _("Saved."),
                "incident_log": await threats.log_summary(
                    db_session,
                    case,
                    hearing_days=[
                        h.sort_day
                        for h in await hearing_services.hearings_for(db_session, case.id)
                        if h.status not in NOT_HAPPENING
                    ],
                ),
                "incident_labels": threats.labels(),
            },
        )

    # --- moving a stage ------------------------------------------------------------------

    async def _stage_form(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
    ) -> Template:
        here = await services.current_stage(db, case.id)
        allowed = [
            (
                s.value,
                _(STAGE_LABELS[s])
                + ("" if not MOVES[(here, s)].needs_reason else " " + _("(needs a reason)")),
            )
            for s in Stage
            if (here, s) in MOVES
        ]
        fields = (
            Field("to_stage", forms.MOVE_STAGE[0].label, kind="choice", choices=allowed),
            forms.MOVE_STAGE[1],
        )
        return form_page(
            request,
            case=case,
            title=_("Move the case to another stage"),
            fields=fields,
            action=case_url(case, "/stage"),
            values=values,
            errors=errors,
            intro=_("The case is now at: %(stage)s.") % {"stage": _(STAGE_LABELS[here])},
            submit=_("Move the case"),
        )

    @get("/cases/{case_id:uuid}/stage")
    async def stage_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await services.get_case(db_session, case_id)
        return await self._stage_form(db_session, request, case, {})

    @post("/cases/{case_id:uuid}/stage")
    async def move_stage(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await services.get_case(db_session, case_id)
        try:
            values = clean(forms.MOVE_STAGE, data)
            await services.move_stage(
                db_session, case, request.user, values["to_stage"], values.get("reason"), connection=request
            )
        except InputError as exc:
            return await self._stage_form(db_session, request, case, data, exc.errors)
        return Redirect(case_url(case, "?done=stage#journey"), status_code=303)

    # --- tasks -----------------------------------------------------------------------------

    async def _worker_options(self, db: AsyncSession, case: Case) -> dict[str, list[tuple[str, str]]]:
        return {"assigned_to_id": [(str(w.id), w.full_name) for w in await services.workers_for(db, case.id)]}

    @get("/cases/{case_id:uuid}/tasks/new")
    async def task_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await services.get_case(db_session, case_id)
        return form_page(
            request,
            case=case,
            title=_("Add a task"),
            fields=forms.NEW_TASK,
            action=case_url(case, "/tasks/new"),
            options=await self._worker_options(db_session, case),
            values={"assigned_to_id": str(request.user.id)},
        )

    @post("/cases/{case_id:uuid}/tasks/new")
    async def add_task(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await services.get_case(db_session, case_id)
        try:
            await services.add_task(
                db_session, case, request.user, clean(forms.NEW_TASK, data), connection=request
            )
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Add a task"),
                fields=forms.NEW_TASK,
                action=case_url(case, "/tasks/new"),
                options=await self._worker_options(db_session, case),
                values=data,
                errors=exc.errors,
            )
        return Redirect(case_url(case, "?done=task#tasks"), status_code=303)

    @get("/cases/{case_id:uuid}/tasks/{task_id:uuid}")
    async def task_edit_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, task_id: UUID
    ) -> Template:
        case = await services.get_case(db_session, case_id)
        task = await services.get_task(db_session, case, task_id)
        values = {
            "title": task_title(task),
            "due_on": task.due_on.isoformat() if task.due_on else "",
            "assigned_to_id": str(task.assigned_to_id or ""),
            "done": task.done_at is not None,
        }
        return form_page(
            request,
            case=case,
            title=_("Change a task"),
            fields=forms.UPDATE_TASK,
            action=case_url(case, f"/tasks/{task.id}"),
            options=await self._worker_options(db_session, case),
            values=values,
        )

    @post("/cases/{case_id:uuid}/tasks/{task_id:uuid}")
    async def task_edit(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        task_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await services.get_case(db_session, case_id)
        task = await services.get_task(db_session, case, task_id)
        try:
            values = clean(forms.UPDATE_TASK, {**data, "done": data.get("done", "")})
            if values.get("title") == task_title(task):
                values.pop("title")  # unchanged: keep it a playbook task, shown in each reader's language
            await services.update_task(db_session, case, task, request.user, values, connection=request)
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Change a task"),
                fields=forms.UPDATE_TASK,
                action=case_url(case, f"/tasks/{task.id}"),
                options=await self._worker_options(db_session, case),
                values=data,
                errors=exc.errors,
            )
        return Redirect(case_url(case, "?done=task#tasks"), status_code=303)

    @post("/cases/{case_id:uuid}/tasks/{task_id:uuid}/toggle")
    async def task_toggle(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, task_id: UUID
    ) -> Redirect:
        case = await services.get_case(db_session, case_id)
        task = await services.get_task(db_session, case, task_id)
        await services.update_task(
            db_session, case, task, request.user, {"done": task.done_at is None}, connection=request
        )
        return Redirect(case_url(case, "?done=task#tasks"), status_code=303)

    # --- family, contacts, consent, risk, workers --------------------------------------------

    async def _simple(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        data: Form | None,
        title: str,
        fields: Sequence[Field],
        path: str,
        service: Any,
        anchor: str,
        defaults: dict[str, Any] | None = None,
        options: dict[str, list[tuple[str, str]]] | None = None,
    ) -> Template | Redirect:
        return await simple_form(
            db,
            request,
            case_id,
            data,
            title,
            fields,
            path,
            service,
            anchor,
            defaults=defaults,
            options=options,
        )

    @get("/cases/{case_id:uuid}/family/new")
    async def family_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        return await self._simple(
            db_session,
            request,
            case_id,
            None,
            _("Add a family member"),
            forms.FAMILY,
            "/family/new",
            services.add_family_member,
            "family",
            defaults={"preferred_language": "en"},
        )

    @post("/cases/{case_id:uuid}/family/new")
    async def family_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        return await self._simple(
            db_session,
            request,
            case_id,
            data,
            _("Add a family member"),
            forms.FAMILY,
            "/family/new",
            services.add_family_member,
            "family",
        )

    @get("/cases/{case_id:uuid}/contacts/new")
    async def contact_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        return await self._simple(
            db_session,
            request,
            case_id,
            None,
            _("Add a key contact"),
            forms.CONTACT,
            "/contacts/new",
            services.add_contact,
            "contacts",
        )

    @post("/cases/{case_id:uuid}/contacts/new")
    async def contact_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        return await self._simple(
            db_session,
            request,
            case_id,
            data,
            _("Add a key contact"),
            forms.CONTACT,
            "/contacts/new",
            services.add_contact,
            "contacts",
        )

    @get("/cases/{case_id:uuid}/consent/new")
    async def consent_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        return await self._simple(
            db_session,
            request,
            case_id,
            None,
            _("Record consent to share"),
            forms.CONSENT,
            "/consent/new",
            services.add_consent,
            "consent",
            defaults={"given_on": dt.date.today().isoformat()},
        )

    @post("/cases/{case_id:uuid}/consent/new")
    async def consent_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        return await self._simple(
            db_session,
            request,
            case_id,
            data,
            _("Record consent to share"),
            forms.CONSENT,
            "/consent/new",
            services.add_consent,
            "consent",
        )

    @post("/cases/{case_id:uuid}/consent/{consent_id:uuid}/withdraw")
    async def consent_withdraw(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        consent_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await services.get_case(db_session, case_id)
        consent = await services.get_consent(db_session, case, consent_id)
        # Mistakes here come back as the plain error page: there is only the date to get wrong.
        values = clean(
            forms.WITHDRAW_CONSENT, {"withdrawn_on": data.get("withdrawn_on") or dt.date.today().isoformat()}
        )
        await services.withdraw_consent(
            db_session, case, consent, request.user, values["withdrawn_on"], connection=request
        )
        return Redirect(case_url(case, "?done=consent#consent"), status_code=303)

    @get("/cases/{case_id:uuid}/risk/new")
    async def risk_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        return await self._simple(
            db_session,
            request,
            case_id,
            None,
            _("Record a risk assessment"),
            forms.RISK,
            "/risk/new",
            services.add_risk_assessment,
            "risk",
            defaults={"assessed_on": dt.date.today().isoformat()},
        )

    @post("/cases/{case_id:uuid}/risk/new")
    async def risk_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        return await self._simple(
            db_session,
            request,
            case_id,
            data,
            _("Record a risk assessment"),
            forms.RISK,
            "/risk/new",
            services.add_risk_assessment,
            "risk",
        )

    async def _colleague_options(self, db: AsyncSession, case: Case) -> dict[str, list[tuple[str, str]]]:
        on_case = {w.id for w in await services.workers_for(db, case.id)}
        return {
            "worker_id": [
                (str(u.id), u.full_name)
                for u in await services.team_colleagues(db, case.team_id)
                if u.id not in on_case
            ]
        }

    @get("/cases/{case_id:uuid}/workers/new")
    async def worker_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        case = await services.get_case(db_session, case_id)
        return await self._simple(
            db_session,
            request,
            case_id,
            None,
            _("Add a colleague to this case"),
            forms.ASSIGN_WORKER,
            "/workers/new",
            None,
            "workers",
            options=await self._colleague_options(db_session, case),
        )

    @post("/cases/{case_id:uuid}/workers/new")
    async def worker_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await services.get_case(db_session, case_id)

        async def assign(
            db: AsyncSession, case: Case, user: User, values: dict[str, Any], connection: Any
        ) -> Any:
            return await services.assign_worker(db, case, user, values["worker_id"], connection=connection)

        return await self._simple(
            db_session,
            request,
            case_id,
            data,
            _("Add a colleague to this case"),
            forms.ASSIGN_WORKER,
            "/workers/new",
            assign,
            "workers",
            options=await self._colleague_options(db_session, case),
        )

    @get("/cases/{case_id:uuid}/audit")
    async def audit_page(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        if not request.user.is_manager:
            raise NotFoundException("Nothing was found at this address.")
        case = await services.get_case(db_session, case_id)
        events = await audit.trail_for_case(db_session, case.id)
        return Template(
            template_name="audit.html",
            context={
                "user": request.user,
                "title": _("Who has read or changed %(reference)s") % {"reference": case.reference},
                "case": case,
                "events": events,
                "names": await names_for(db_session, {e.actor_id for e in events if e.actor_id}),
                "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
            },
        )
