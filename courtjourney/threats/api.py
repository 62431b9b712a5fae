"""The incident JSON API under /api/cases/{case_id}/... Thin: check, call the service, answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)
from litestar.params import Body
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.cases.models import Case
from courtjourney.db.rows import one_of_case
from courtjourney.documents.engine import DOCX_MEDIA_TYPE
from courtjourney.threats import forms, schemas, services
from courtjourney.threats.evidence import EXTENSIONS
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
from courtjourney.web.forms import clean
from courtjourney.web.schemas import dump

# Bodies up to twice the file limit are read, so a file that is too large gets a plain 400 saying
# so; anything larger still is refused (413) before it is read.
UPLOAD_LIMIT = 2 * EVIDENCE_MAX_BYTES
# What the OpenAPI description says the upload form holds: the body is read as a plain dict so that a
# missing file gets our own message ("Choose a file to upload."), which leaves Litestar nothing to infer.
EVIDENCE_FORM = {
    "properties": {
        "file": Schema(
            type=OpenAPIType.STRING,
            format=OpenAPIFormat.BINARY,
            description="A photo, screenshot or PDF, up to 20 MB",
        )
    },
    "required": ["file"],
}


@dataclass
class EvidenceDownload(Operation):
    """A download answers in the file's own type (a PNG as image/png), so its OpenAPI description
    lists every type we keep rather than one fixed type."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse) and ok.content:
            file = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            ok.content = {media_type: OpenAPIMediaType(schema=file) for media_type in EXTENSIONS}


def _details(data: schemas.Details) -> dict[str, Any]:
    """The body's details, text and choices checked by the same fields as the page form."""
    raw = data.to_dict()
    values = clean(forms.API_DETAILS, {k: raw.get(k) for k in (f.name for f in forms.API_DETAILS)})
    identifiers = data.identifiers
    return {
        **values,
        "occurred_from": raw.get("occurred_from"),
        "occurred_to": raw.get("occurred_to"),
        "reported_at": raw.get("reported_at"),
        "reported_by_member_id": raw.get("reported_by_member_id"),
        "identifiers": identifiers.to_dict() if identifiers is not None else None,
    }


def incident_out(view: services.IncidentView, case_id: UUID) -> schemas.IncidentOut:
    first = view.incident
    detail_names = (
        "occurred_from",
        "occurred_to",
        "reported_at",
        "reported_by_member_id",
        "kind",
        "place",
        "people",
        "how_known",
        "how_known_detail",
        "evidence_kept",
    )
    return schemas.IncidentOut(
        id=first.id,
        number=first.number,
        chain_position=view.seq.get(first.id),
        recorded_at=first.recorded_at,
        recorded_by_id=first.recorded_by_id,
        narrative=first.narrative or "",
        identifiers=services.identifiers_of(first.identifiers),
        **{n: getattr(first, n) for n in detail_names},
        now=schemas.Current(
            **{n: view.current(n) for n in detail_names},
            identifiers=view.identifiers,
            passed_to_police=view.passed_to_police,
        ),
        amendments=[
            dump(
                schemas.AmendmentOut,
                a,
                identifiers=services.identifiers_of(a.identifiers),
                chain_position=view.seq.get(a.id),
            )
            for a in view.amendments
        ],
        evidence=[
            dump(
                schemas.EvidenceOut,
                e,
                chain_position=view.seq.get(e.id),
                download=f"/api/cases/{case_id}/evidence/{e.id}",
            )
            for e in view.evidence
        ],
        police=[
            dump(schemas.PoliceReferralOut, r, chain_position=view.seq.get(r.id)) for r in view.referrals
        ],
    )


async def _one(db: AsyncSession, case_id: UUID, incident_id: UUID) -> schemas.IncidentOut:
    return incident_out((await services.incident_views(db, case_id, [incident_id]))[0], case_id)


class IncidentApi(Controller):
    path = "/api/cases/{case_id:uuid}"
    tags = ["Incidents"]

    @get("/incidents", summary="The case's incident log, oldest first")
    async def list_incidents(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.IncidentOut]:
        return [incident_out(v, case_id) for v in await services.incident_views(db_session, case_id)]

    @post(
        "/incidents",
        summary="Record an incident (only narrative and occurred_from are needed)",
        status_code=201,
    )
    async def record(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewIncident
    ) -> schemas.IncidentOut:
        incident = await services.record_incident(db_session, actor, case, _details(data))
        return await _one(db_session, case.id, incident.id)

    @get(
        "/incidents/{incident_id:uuid}",
        summary="One incident: as recorded, as it now stands, and everything added",
    )
    async def get_incident(
        self, db_session: AsyncSession, case_id: UUID, incident_id: UUID
    ) -> schemas.IncidentOut:
        incident = await one_of_case(db_session, Incident, case_id, incident_id, "incident")
        return await _one(db_session, case_id, incident.id)

    @post(
        "/amendments",
        summary="Correct or add to an incident of this case (the original is kept)",
        status_code=201,
    )
    async def amend(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewAmendment
    ) -> schemas.IncidentOut:
        values = {**_details(data), "note": data.note}
        # The incident is named in the body, so one of another case is a 400 on that field, not a 404.
        incident = await services.incident_in_case(db_session, case, data.incident_id)
        amendment = await services.amend_incident(db_session, actor, case, incident, values)
        return await _one(db_session, case.id, amendment.incident_id)

    @post(
        "/incidents/{incident_id:uuid}/evidence",
        summary="Add an evidence file (photo, screenshot or PDF, up to 20 MB)",
        status_code=201,
        request_max_body_size=UPLOAD_LIMIT,
    )
    async def add_evidence(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        incident_id: UUID,
        data: Annotated[
            dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART, schema_extra=EVIDENCE_FORM)
        ],
    ) -> schemas.EvidenceOut:
        incident = await one_of_case(db_session, Incident, case.id, incident_id, "incident")
        name, content = await upload_from(data)
        row = await services.add_evidence(db_session, actor, case, incident, name, content)
        return dump(
            schemas.EvidenceOut, row, chain_position=None, download=f"/api/cases/{case.id}/evidence/{row.id}"
        )

    @get(
        "/evidence/{evidence_id:uuid}",
        summary="Download an evidence file (audited)",
        media_type="application/octet-stream",
        operation_class=EvidenceDownload,
    )
    async def download(
        self, db_session: AsyncSession, actor: Actor, case: Case, evidence_id: UUID
    ) -> Response[bytes]:
        row = await one_of_case(db_session, Evidence, case.id, evidence_id, "evidence file")
        return download_response(row, await services.evidence_file(db_session, actor, case, row))

    @post(
        "/police-referrals",
        summary="Mark incidents of this case as passed to the police (one or many)",
        status_code=201,
    )
    async def pass_to_police(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        data: schemas.PoliceReferralIn,
    ) -> list[schemas.PoliceReferralOut]:
        raw = data.to_dict()
        values = clean(
            forms.POLICE,
            {
                **raw,
                "passed_on": raw.get("passed_on") or dt.date.today(),
                "passed_by": raw.get("passed_by") or "worker",
            },
        )
        rows = await services.pass_to_police(db_session, actor, case, data.incident_ids, values)
        return [dump(schemas.PoliceReferralOut, r, chain_position=None) for r in rows]

    @get("/incidents/chain", summary="Check the case's incident log has not been changed in the database")
    async def chain(self, db_session: AsyncSession, case_id: UUID) -> schemas.ChainOut:
        verdict = await services.verify_case(db_session, case_id)
        return schemas.ChainOut(
            intact=verdict.intact,
            entries=verdict.entries,
            last_link=verdict.last_link,
            broken_at=verdict.broken_at,
            problem=verdict.problem,
        )

    @get(
        "/incidents/export.csv",
        summary="Police export as CSV for a date range (audited)",
        media_type="text/csv",
    )
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

    @get(
        "/incidents/export.docx",
        summary="Police export as a Word document for a date range (audited)",
        media_type=DOCX_MEDIA_TYPE,
    )
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
