"""The incident log pages: the log, recording an incident during a call, one incident, amending it,
evidence files, passing to the police, and the police export."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.accounts.services import names_for
from courtjourney.cases.models import Case
from courtjourney.db.base import utcnow
from courtjourney.db.rows import one_of_case
from courtjourney.hearings import services as hearing_services
from courtjourney.hearings.forms import NOT_HAPPENING
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.threats import forms, services
from courtjourney.threats.models import Evidence, Incident
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
from courtjourney.web.pages import Form, FormPage, case_url, saved

UPLOAD_LIMIT = 2 * EVIDENCE_MAX_BYTES  # as in api.py: a too-large file gets a plain 400, not a bare 413

# The forms of these pages. The log and the incident page are drawn by their own templates, which hold
# the police form (and on the incident page the upload) among everything else they show.
POLICE = FormPage(N_("Incident log"), forms.POLICE, "/incidents/police", template="incidents.html")
RECORD = FormPage(
    N_("Record an incident"),
    (),  # the fields name the case's family members: handed in by each call
    "/incidents/new",
    button=N_("Save the incident"),
    template="incident_form.html",
)
AMEND = FormPage(
    N_("Correct or add to incident %(number)d"),
    (),
    "/incidents/{incident_id}/amend",
    button=N_("Save the correction"),
    template="incident_form.html",
)
EVIDENCE = FormPage(
    N_("Incident %(number)d"), (), "/incidents/{incident_id}/evidence", template="incident.html"
)


def _police_defaults() -> dict[str, str]:
    """The police form as it first shows: passed on today, by the worker."""
    return {"passed_on": today().isoformat(), "passed_by": "worker"}


def _crumbs(case: Case, *more: tuple[str, str]) -> list[tuple[str, str]]:
    return [("/", _("My caseload")), (case_url(case), case.reference), *more]


async def _hearing_days(db: AsyncSession, case: Case) -> list[dt.date]:
    """The days of the case's hearings that still stand: they shade their weeks on the log's chart."""
    return [
        h.sort_day for h in await hearing_services.hearings_for(db, case.id) if h.status not in NOT_HAPPENING
    ]


async def _members(db: AsyncSession, case: Case) -> list[tuple[str, str]]:
    return [(str(k), v) for k, v in (await services.member_names(db, case.id)).items()]


async def _view(db: AsyncSession, case: Case, incident_id: UUID) -> services.IncidentView:
    incident = await one_of_case(db, Incident, case.id, incident_id, "incident")
    return (await services.incident_views(db, case.id, [incident.id]))[0]


class IncidentPages(Controller):
    path = "/cases/{case_id:uuid}"
    include_in_schema = False

    # --- the log -----------------------------------------------------------------------------

    async def _log(
        self, db: AsyncSession, request: Request[User, Any, Any], case: Case, ticked: set[str] | None = None
    ) -> dict[str, Any]:
        """Everything the log page shows around its police form."""
        views = await services.incident_views(db, case.id)
        return {
            "summary": await log_summary(db, case, views, hearing_days=await _hearing_days(db, case)),
            "views": list(reversed(views)),
            "members": await services.member_names(db, case.id),
            "labels": labels(),
            "police_fields": forms.POLICE,
            "export_fields": forms.EXPORT,
            "ticked": ticked or set(),
            "flash": request.query_params.get("done") and _("Saved."),
        }

    @get("/incidents")
    async def log(self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case) -> Template:
        return POLICE.show(
            request,
            case,
            values=_police_defaults(),
            extra=await self._log(db_session, request, case),
        )

    @post("/incidents/police")
    async def pass_to_police(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case
    ) -> Template | Redirect:
        # Read by hand: the ticked incidents come as several values of one name.
        form = await request.form()
        data = {k: form.get(k) for k in ("passed_on", "passed_by", "crime_reference", "officer")}
        picked = [str(v) for v in form.getall("incident_ids")] if "incident_ids" in form else []
        try:
            ids = [UUID(v) for v in picked]
        except ValueError:
            ids = []
            picked = []
        back = form.get("back")
        target = f"/incidents/{ids[0]}" if back == "incident" and len(ids) == 1 else "/incidents"
        return await POLICE.submit(
            request,
            case,
            data,
            save=lambda values: services.pass_to_police(db_session, actor, case, ids, values),
            done=case_url(case, f"{target}?done=police"),
            # A refusal shows the log again, with the incidents still ticked.
            extra=lambda: self._log(db_session, request, case, set(picked)),
        )

    @get("/incidents/export.docx")
    async def export_docx(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        start: FromDay = None,
        end: ToDay = None,
    ) -> Response[bytes]:
        wanted = ExportRequest.parse(start, end)
        return await export_response(db_session, actor, case, request.user.full_name, wanted, "docx")

    @get("/incidents/export.csv")
    async def export_csv(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        start: FromDay = None,
        end: ToDay = None,
    ) -> Response[bytes]:
        wanted = ExportRequest.parse(start, end)
        return await export_response(db_session, actor, case, request.user.full_name, wanted, "csv")

    # --- recording and amending ----------------------------------------------------------------

    @staticmethod
    def _form_parts(
        case: Case, members: list[tuple[str, str]], view: services.IncidentView | None
    ) -> tuple[list[Any], dict[str, Any]]:
        """The incident form's fields (grouped under their headings) and what its template shows besides."""
        groups = forms.incident_groups(members, amendment=view is not None)
        log = (case_url(case, "/incidents"), _("Incident log"))
        extra: dict[str, Any] = {
            "incident": view,
            "groups": groups,
            "labels": labels(),
            "breadcrumbs": _crumbs(case, log),
        }
        if view is not None:
            # The title names the incident, so it is drawn here over the FormPage's unfilled one.
            number = view.incident.number
            extra["title"] = _(AMEND.title) % {"number": number}
            extra["breadcrumbs"] = _crumbs(
                case,
                log,
                (
                    case_url(case, f"/incidents/{view.incident.id}"),
                    _("Incident %(number)d") % {"number": number},
                ),
            )
        return forms.all_fields(groups), extra

    @get("/incidents/new")
    async def new_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        fields, extra = self._form_parts(case, await _members(db_session, case), None)
        return RECORD.show(
            request,
            case,
            values={"occurred_on": today().isoformat(), "reported_by": "me"},
            fields=fields,
            extra=extra,
        )

    @post("/incidents/new")
    async def record(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        fields, extra = self._form_parts(case, await _members(db_session, case), None)
        return await RECORD.submit(
            request,
            case,
            data,
            fields=fields,
            extra=extra,
            save=lambda values: forms.on_form_boxes(
                services.record_incident(
                    db_session, actor, case, forms.details_from_form(values, now=utcnow())
                )
            ),
            done=lambda incident: case_url(case, f"/incidents/{incident.id}?done=recorded"),
        )

    @get("/incidents/{incident_id:uuid}/amend")
    async def amend_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, incident_id: UUID
    ) -> Template:
        view = await _view(db_session, case, incident_id)
        fields, extra = self._form_parts(case, await _members(db_session, case), view)
        return AMEND.show(request, case, values={}, fields=fields, extra=extra, incident_id=view.incident.id)

    @post("/incidents/{incident_id:uuid}/amend")
    async def amend(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        incident_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        view = await _view(db_session, case, incident_id)
        fields, extra = self._form_parts(case, await _members(db_session, case), view)
        return await AMEND.submit(
            request,
            case,
            data,
            fields=fields,
            extra=extra,
            incident_id=view.incident.id,
            save=lambda values: forms.on_form_boxes(
                services.amend_incident(
                    db_session, actor, case, view.incident, forms.amendment_from_form(values, now=utcnow())
                )
            ),
            done=case_url(case, f"/incidents/{view.incident.id}?done=amended"),
        )

    # --- one incident, its files ----------------------------------------------------------------

    async def _incident(
        self, db: AsyncSession, request: Request[User, Any, Any], case: Case, view: services.IncidentView
    ) -> dict[str, Any]:
        """Everything the incident page shows around its upload form."""
        user_ids = {r.recorded_by_id for r in view.entries if r.recorded_by_id}
        done = request.query_params.get("done")
        flash = {
            "recorded": _("The incident is saved. You can add files, corrections and more detail below."),
            "amended": _("The correction is saved. The original is kept as it was."),
            "evidence": _("The file is saved."),
            "police": _("Saved."),
        }.get(done or "")
        return {
            "title": _(EVIDENCE.title) % {"number": view.incident.number},  # names the incident, as above
            "view": view,
            "labels": labels(),
            "people": await names_for(db, user_ids),
            "identifiers_of": services.identifiers_of,
            "members": await services.member_names(db, case.id),
            # The page's values are its police form's; the upload has no values to show again.
            "values": _police_defaults(),
            "police_fields": forms.POLICE,
            "max_mb": EVIDENCE_MAX_BYTES // (1024 * 1024),
            "breadcrumbs": _crumbs(case, (case_url(case, "/incidents"), _("Incident log"))),
            "flash": flash,
        }

    @get("/incidents/{incident_id:uuid}")
    async def incident(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, incident_id: UUID
    ) -> Template:
        view = await _view(db_session, case, incident_id)
        extra = await self._incident(db_session, request, case, view)
        return EVIDENCE.show(request, case, extra=extra, incident_id=view.incident.id)

    @post("/incidents/{incident_id:uuid}/evidence", request_max_body_size=UPLOAD_LIMIT)
    async def add_evidence(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        incident_id: UUID,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template | Redirect:
        view = await _view(db_session, case, incident_id)

        async def keep(_values: dict[str, Any]) -> Evidence:
            name, content = await upload_from(data)
            return await services.add_evidence(db_session, actor, case, view.incident, name, content)

        return await EVIDENCE.submit(
            request,
            case,
            data,
            save=keep,
            done=saved(case_url(case, f"/incidents/{view.incident.id}"), "evidence"),
            extra=lambda: self._incident(db_session, request, case, view),
            incident_id=view.incident.id,
        )

    @get("/evidence/{evidence_id:uuid}")
    async def download(
        self, db_session: AsyncSession, actor: Actor, case: Case, evidence_id: UUID
    ) -> Response[bytes]:
        row = await one_of_case(db_session, Evidence, case.id, evidence_id, "evidence file")
        return download_response(row, await services.evidence_file(db_session, actor, case, row))
