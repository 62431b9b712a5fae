"""What the incident pages and the API answer alike: uploads read, files sent back, exports built and audited."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
from litestar import Response
from litestar.datastructures import UploadFile
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.services import names_for
from courtjourney.cases.models import Case
from courtjourney.documents.engine import DOCX_MEDIA_TYPE, render
from courtjourney.errors import InputError
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _
from courtjourney.threats import evidence as files
from courtjourney.threats import export as exports
from courtjourney.threats import forms, services
from courtjourney.threats.models import Evidence
from courtjourney.threats.rules import EVIDENCE_MAX_BYTES
from courtjourney.web.downloads import attachment
from courtjourney.web.forms import clean


async def upload_from(data: dict[str, Any] | None) -> tuple[str | None, bytes]:
    """The one file sent as `file` in a multipart form, read, or a 400 saying what to do."""
    upload = (data or {}).get("file")
    if not isinstance(upload, UploadFile):
        raise InputError({"file": _("Choose a file to upload.")})
    content = await upload.read(EVIDENCE_MAX_BYTES + 1)
    if len(content) > EVIDENCE_MAX_BYTES:
        raise InputError({"file": _("The file is too large. Files can be up to 20 MB.")})
    return upload.filename, content


def download_response(row: Evidence, content: bytes) -> Response[bytes]:
    """The file as an attachment of its real type, never shown inline, with its SHA-256 (RFC 9530)."""
    digest = base64.b64encode(bytes.fromhex(row.sha256)).decode("ascii")
    return Response(
        content,
        media_type=row.media_type,
        headers={
            "Content-Disposition": attachment(files.safe_filename(row.filename, row.media_type)),
            "Repr-Digest": f"sha-256=:{digest}:",
        },
    )


# The export's date range, as ?from=2026-03-01&to=2026-03-31 (both optional).
FromDay = Annotated[
    str | None, QueryParameter(name="from", required=False, description="First day, like 2026-03-01")
]
ToDay = Annotated[
    str | None, QueryParameter(name="to", required=False, description="Last day, like 2026-03-31")
]


@dataclass(frozen=True)
class ExportRequest:
    """A date range, both days included; either end may be open."""

    start: dt.date | None
    end: dt.date | None

    @classmethod
    def parse(cls, start: Any, end: Any) -> ExportRequest:
        values = clean(forms.EXPORT, {"from": start, "to": end})
        if values["from"] and values["to"] and values["to"] < values["from"]:
            raise InputError({"to": _("The end of the range cannot be before its start.")})
        return cls(values["from"], values["to"])


async def police_export(
    db: AsyncSession, case: Any, prepared_by: str, wanted: ExportRequest, fmt: str
) -> tuple[bytes, str]:
    """The police export (csv or docx) of one case for a date range: (body, media type)."""
    views = services.in_range(await services.incident_views(db, case.id), wanted.start, wanted.end)
    verdict = await services.verify_case(db, case.id)
    links = await services.links_for(db, case.id)
    user_ids = {row.recorded_by_id for v in views for row in v.entries}
    names = exports.Names(
        users=await names_for(db, {i for i in user_ids if i}),
        members=await services.member_names(db, case.id),
    )
    if fmt == "csv":
        return exports.csv_bytes(views, links, verdict, names), "text/csv; charset=utf-8"
    context = exports.docx_context(
        reference=case.reference,
        child_name=case.child_name,
        start=wanted.start,
        end=wanted.end,
        prepared_by=prepared_by,
        views=views,
        links=links,
        verdict=verdict,
        names=names,
        today=dt.datetime.now(LONDON).date(),
    )
    body = await anyio.to_thread.run_sync(
        lambda: render("police_export", context, lang="en", title=context["title"])
    )
    return body, DOCX_MEDIA_TYPE


async def export_response(
    db: AsyncSession, actor: Actor, case: Case, prepared_by: str, wanted: ExportRequest, fmt: str
) -> Response[bytes]:
    """Build the police export (csv or docx) for the range, and put the export in the audit trail."""
    today = dt.datetime.now(LONDON).date()
    body, media_type = await police_export(db, case, prepared_by, wanted, fmt)
    audit.record(db, f"incidents.exported.{fmt}", actor, case_id=case.id)
    name = f"{case.reference}-incidents-{wanted.start or 'start'}-to-{wanted.end or today}.{fmt}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": attachment(name)})
