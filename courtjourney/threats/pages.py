"""The incident log pages: the log, recording an incident during a call, one incident, amending it,
evidence files, passing to the police, and the police export."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import User
from courtjourney.accounts.services import names_for
from courtjourney.cases import services as cases
from courtjourney.cases.models import Case
from courtjourney.web.pages import Form, case_url
from courtjourney.db.base import utcnow
from courtjourney.errors import InputError
from courtjourney.i18n import gettext as _
from courtjourney.threats import forms, services
from courtjourney.threats.responses import (
    ExportRequest,
    FromDay,
    ToDay,
    download_response,
    export_response,
    upload_from,
)
from courtjourney.threats.rules import EVIDENCE_MAX_BYTES
from courtjourney.threats.summary import labels, log_summary, today
from courtjourney.web.forms import clean

UPLOAD_LIMIT = 2 * EVIDENCE_MAX_BYTES  # as in api.py: a too-large file gets a plain 400, not a bare 413


def _crumbs(case: Case, *more: tuple[str, str]) -> list[tuple[str, str]]:
    return [("/", _("My caseload")), (case_url(case), case.reference), *more]


class IncidentPages(Controller):
    path = "/cases/{case_id:uuid}"
    include_in_schema = False

    # --- the log -----------------------------------------------------------------------------

    async def _log_page(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        ticked: set[str] | None = None,
    ) -> Template:
        views = await services.incident_views(db, case.id)
        return Template(
            template_name="incidents.html",
            status_code=400 if errors else 200,
            context={
                "user": request.user,
                "title": _("Incident log"),
                "case": case,
                "summary": await log_summary(db, case, views),
                "views": list(reversed(views)),
                "members": await services.member_names(db, case.id),
                "labels": labels(),
                "police_fields": forms.POLICE,
                "export_fields": forms.EXPORT,
                "values": {
                    k: ("" if v is None else v)
                    for k, v in (values or {"passed_on": today().isoformat(), "passed_by": "worker"}).items()
                },
                "errors": errors or {},
                "ticked": ticked or set(),
                "breadcrumbs": _crumbs(case),
                "flash": request.query_params.get("done") and _("Saved."),
            },
        )

    @get("/incidents")
    async def log(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        return await self._log_page(db_session, request, await cases.get_case(db_session, case_id))

    @post("/incidents/police")
    async def pass_to_police(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        case = await cases.get_case(db_session, case_id)
        form = await request.form()
        data = {k: form.get(k) for k in ("passed_on", "passed_by", "crime_reference", "officer")}
        picked = [str(v) for v in form.getall("incident_ids")] if "incident_ids" in form else []
        try:
            ids = [UUID(v) for v in picked]
        except ValueError:
            ids = []
            picked = []
        try:
            values = clean(forms.POLICE, data)
            await services.pass_to_police(db_session, case, request.user, ids, values, connection=request)
        except InputError as exc:
            return await self._log_page(db_session, request, case, data, exc.errors, set(picked))
        back = form.get("back")
        target = f"/incidents/{ids[0]}" if back == "incident" and len(ids) == 1 else "/incidents"
        return Redirect(case_url(case, f"{target}?done=police"), status_code=303)

    @get("/incidents/export.docx")
    async def export_docx(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        start: FromDay = None,
        end: ToDay = None,
    ) -> Response[bytes]:
        return await export_response(db_session, request, case_id, ExportRequest.parse(start, end), "docx")

    @get("/incidents/export.csv")
    async def export_csv(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        start: FromDay = None,
        end: ToDay = None,
    ) -> Response[bytes]:
        return await export_response(db_session, request, case_id, ExportRequest.parse(start, end), "csv")

    # --- recording and amending ----------------------------------------------------------------

    async def _form(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        *,
        incident: services.IncidentView | None,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
    ) -> Template:
        members = [(str(k), v) for k, v in (await services.member_names(db, case.id)).items()]
        amending = incident is not None
        if amending:
            title = _("Correct or add to incident %(number)d") % {"number": incident.incident.number}
            action = case_url(case, f"/incidents/{incident.incident.id}/amend")
            crumbs = _crumbs(
                case,
                (case_url(case, "/incidents"), _("Incident log")),
                (
                    case_url(case, f"/incidents/{incident.incident.id}"),
                    _("Incident %(number)d") % {"number": incident.incident.number},
                ),
            )
        else:
            title, action = _("Record an incident"), case_url(case, "/incidents/new")
            crumbs = _crumbs(case, (case_url(case, "/incidents"), _("Incident log")))
        return Template(
            template_name="incident_form.html",
            status_code=400 if errors else 200,
            context={
                "user": request.user,
                "title": title,
                "case": case,
                "action": action,
                "incident": incident,
                "groups": forms.incident_groups(members, amendment=amending),
                "labels": labels(),
                "values": {k: ("" if v is None else v) for k, v in values.items()},
                "errors": errors or {},
                "options": {},
                "breadcrumbs": crumbs,
                "submit": _("Save the correction") if amending else _("Save the incident"),
            },
        )

    @get("/incidents/new")
    async def new_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await cases.get_case(db_session, case_id)
        return await self._form(
            db_session,
            request,
            case,
            incident=None,
            values={"occurred_on": today().isoformat(), "reported_by": "me"},
        )

    @post("/incidents/new")
    async def record(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await cases.get_case(db_session, case_id)
        members = [(str(k), v) for k, v in (await services.member_names(db_session, case.id)).items()]
        try:
            values = clean(forms.all_fields(forms.incident_groups(members)), data)
            details = forms.details_from_form(values, now=utcnow())
            incident = await services.record_incident(
                db_session, case, request.user, details, connection=request
            )
        except InputError as exc:
            return await self._form(
                db_session, request, case, incident=None, values=data, errors=forms.on_form(exc.errors)
            )
        return Redirect(case_url(case, f"/incidents/{incident.id}?done=recorded"), status_code=303)

    async def _view(self, db: AsyncSession, case: Case, incident_id: UUID) -> services.IncidentView:
        incident = await services.get_incident(db, case, incident_id)
        return (await services.incident_views(db, case.id, [incident.id]))[0]

    @get("/incidents/{incident_id:uuid}/amend")
    async def amend_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, incident_id: UUID
    ) -> Template:
        case = await cases.get_case(db_session, case_id)
        return await self._form(
            db_session, request, case, incident=await self._view(db_session, case, incident_id), values={}
        )

    @post("/incidents/{incident_id:uuid}/amend")
    async def amend(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        incident_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await cases.get_case(db_session, case_id)
        view = await self._view(db_session, case, incident_id)
        members = [(str(k), v) for k, v in (await services.member_names(db_session, case.id)).items()]
        try:
            values = clean(forms.all_fields(forms.incident_groups(members, amendment=True)), data)
            details = forms.details_from_form(values, now=utcnow())
            if data.get("reported_by") in (None, "", "me"):
                details.pop(
                    "reported_by_member_id"
                )  # "me" on a correction means: leave who told us as it was
            await services.amend_incident(
                db_session, case, request.user, view.incident.id, details, connection=request
            )
        except InputError as exc:
            return await self._form(
                db_session, request, case, incident=view, values=data, errors=forms.on_form(exc.errors)
            )
        return Redirect(case_url(case, f"/incidents/{view.incident.id}?done=amended"), status_code=303)

    # --- one incident, its files ----------------------------------------------------------------

    async def _incident_page(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        view: services.IncidentView,
        errors: dict[str, str] | None = None,
    ) -> Template:
        user_ids = {
            r.recorded_by_id
            for r in (view.incident, *view.amendments, *view.evidence, *view.referrals)
            if r.recorded_by_id
        }
        done = request.query_params.get("done")
        flash = {
            "recorded": _("The incident is saved. You can add files, corrections and more detail below."),
            "amended": _("The correction is saved. The original is kept as it was."),
            "evidence": _("The file is saved."),
            "police": _("Saved."),
        }.get(done or "")
        return Template(
            template_name="incident.html",
            status_code=400 if errors else 200,
            context={
                "user": request.user,
                "title": _("Incident %(number)d") % {"number": view.incident.number},
                "case": case,
                "view": view,
                "labels": labels(),
                "people": await names_for(db, user_ids),
                "identifiers_of": services.identifiers_of,
                "members": await services.member_names(db, case.id),
                "errors": errors or {},
                "values": {"passed_on": today().isoformat(), "passed_by": "worker"},
                "police_fields": forms.POLICE,
                "max_mb": EVIDENCE_MAX_BYTES // (1024 * 1024),
                "breadcrumbs": _crumbs(case, (case_url(case, "/incidents"), _("Incident log"))),
                "flash": flash,
            },
        )

    @get("/incidents/{incident_id:uuid}")
    async def incident(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, incident_id: UUID
    ) -> Template:
        case = await cases.get_case(db_session, case_id)
        return await self._incident_page(
            db_session, request, case, await self._view(db_session, case, incident_id)
        )

    @post("/incidents/{incident_id:uuid}/evidence", request_max_body_size=UPLOAD_LIMIT)
    async def add_evidence(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        incident_id: UUID,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template | Redirect:
        case = await cases.get_case(db_session, case_id)
        view = await self._view(db_session, case, incident_id)
        try:
            name, content = await upload_from(data)
            await services.add_evidence(
                db_session, case, request.user, view.incident, name, content, connection=request
            )
        except InputError as exc:
            return await self._incident_page(db_session, request, case, view, exc.errors)
        return Redirect(
            case_url(case, f"/incidents/{view.incident.id}?done=evidence#evidence"), status_code=303
        )

    @get("/evidence/{evidence_id:uuid}")
    async def download(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, evidence_id: UUID
    ) -> Response[bytes]:
        case = await cases.get_case(db_session, case_id)
        row, content = await services.evidence_file(
            db_session, case, evidence_id, request.user, connection=request
        )
        return download_response(row, content)
