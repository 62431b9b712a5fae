"""The case's document library: every document produced, downloaded again byte for byte, shared by a
72-hour link. Pages and JSON API side by side; making documents lives with the part that owns them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit, limits
from courtjourney.accounts.models import User
from courtjourney.accounts.services import names_for
from courtjourney.cases import services as case_services
from courtjourney.documents import store
from courtjourney.documents.engine import DOCX_MEDIA_TYPE
from courtjourney.documents.models import DocumentShare, ProducedDocument
from courtjourney.errors import InputError
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings
from courtjourney.web.forms import Field, clean
from courtjourney.web.schemas import dump

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
SHARE = (
    Field("organisation", N_("Organisation"), max_length=120),
    Field("recipient", N_("Person it is for"), max_length=120),
)


class DocumentOut(msgspec.Struct):
    id: UUID
    kind: str
    template: str
    template_version: str
    lang: str
    title: str
    subject_id: UUID | None
    family_member_id: UUID | None
    created_by_id: UUID | None
    created_at: Any
    sha256: str
    size: int


class ShareIn(msgspec.Struct, forbid_unknown_fields=True):
    organisation: str | None = None
    recipient: str | None = None


class ShareOut(msgspec.Struct):
    id: UUID
    document_id: UUID
    organisation: str
    recipient: str
    expires_at: Any
    revoked_at: Any
    use_count: int


class NewShareOut(msgspec.Struct):
    share: ShareOut
    url: str


def document_out(doc: ProducedDocument) -> DocumentOut:
    return dump(DocumentOut, doc)  # type: ignore[arg-type,return-value]


def share_out(row: DocumentShare) -> ShareOut:
    return dump(ShareOut, row)  # type: ignore[arg-type,return-value]


def share_url(request: Request[Any, Any, Any], token: str) -> str:
    base = get_settings().public_url or str(request.base_url).rstrip("/")
    return f"{base}/shared/{token}.docx"


def docx_response(doc: ProducedDocument) -> Response[bytes]:
    filename = f"{doc.kind}-{doc.created_at:%Y%m%d-%H%M}-{doc.lang}.docx"
    return Response(
        store.content(doc),
        media_type=DOCX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-SHA256": doc.sha256},
    )


class DocumentPages(Controller):
    include_in_schema = False

    async def _library(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        *,
        link: str | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        case = await case_services.get_case(db, case_id)
        docs = await store.documents_for(db, case.id)
        shares = await store.shares_for(db, case.id)
        family = {m.id: m.name for m in await case_services.family_for(db, case.id)}
        return Template(
            template_name="documents.html",
            context={
                "user": request.user,
                "title": _("Documents"),
                "case": case,
                "documents": docs,
                "shares": shares,
                "family": family,
                "names": await names_for(db, {d.created_by_id for d in docs if d.created_by_id}),
                "link": link,
                "errors": errors or {},
                "values": {},
                "breadcrumbs": [("/", _("My caseload")), (f"/cases/{case.id}", case.reference)],
                "flash": request.query_params.get("done") and _("Saved."),
            },
            status_code=400 if errors else 200,
        )

    @get("/cases/{case_id:uuid}/documents")
    async def library(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        return await self._library(db_session, request, case_id)

    @get("/cases/{case_id:uuid}/documents/{document_id:uuid}")
    async def download(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, document_id: UUID
    ) -> Response[bytes]:
        case = await case_services.get_case(db_session, case_id)
        doc = await store.get_document(db_session, case, document_id)
        audit.record(
            db_session,
            "document.downloaded",
            actor_id=request.user.id,
            case_id=case.id,
            target=doc,
            connection=request,
        )
        return docx_response(doc)

    @post("/cases/{case_id:uuid}/documents/{document_id:uuid}/share")
    async def share(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        document_id: UUID,
        data: Form,
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        doc = await store.get_document(db_session, case, document_id)
        try:
            values = clean(SHARE, data)
        except InputError as exc:  # show the library with the message
            return await self._library(db_session, request, case_id, errors=exc.errors)
        _row, token = await store.share(
            db_session,
            case,
            doc,
            request.user,
            organisation=values["organisation"],
            recipient=values["recipient"],
            connection=request,
        )
        return await self._library(db_session, request, case_id, link=share_url(request, token))

    @post("/cases/{case_id:uuid}/shares/{share_id:uuid}/revoke")
    async def revoke(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, share_id: UUID
    ) -> Redirect:
        case = await case_services.get_case(db_session, case_id)
        await store.revoke_share(db_session, case, share_id, request.user, connection=request)
        return Redirect(f"/cases/{case.id}/documents?done=revoked", status_code=303)


class DocumentApi(Controller):
    path = "/api/cases/{case_id:uuid}/documents"
    tags = ["Documents"]

    @get("/", summary="Every document produced for the case, newest first")
    async def list_documents(self, db_session: AsyncSession, case_id: UUID) -> list[DocumentOut]:
        return [document_out(d) for d in await store.documents_for(db_session, case_id)]

    @get(
        "/{document_id:uuid}",
        summary="Download a document exactly as it was produced (.docx)",
        response_description="The .docx bytes",
        media_type=DOCX_MEDIA_TYPE,
    )
    async def download(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, document_id: UUID
    ) -> Response[bytes]:
        case = await case_services.get_case(db_session, case_id)
        doc = await store.get_document(db_session, case, document_id)
        audit.record(
            db_session,
            "document.downloaded",
            actor_id=request.user.id,
            case_id=case.id,
            target=doc,
            connection=request,
        )
        return docx_response(doc)

    @post(
        "/{document_id:uuid}/shares",
        summary="Share a document by a link valid for 72 hours (shown once)",
        status_code=201,
    )
    async def share(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        document_id: UUID,
        data: ShareIn,
    ) -> NewShareOut:
        values = clean(SHARE, {"organisation": data.organisation, "recipient": data.recipient})
        case = await case_services.get_case(db_session, case_id)
        doc = await store.get_document(db_session, case, document_id)
        row, token = await store.share(
            db_session,
            case,
            doc,
            request.user,
            organisation=values["organisation"],
            recipient=values["recipient"],
            connection=request,
        )
        return NewShareOut(share=share_out(row), url=share_url(request, token))


@get("/shared/{filename:str}", opt={"exclude_from_auth": True}, include_in_schema=False)
async def shared_download(
    db_session: AsyncSession, request: Request[Any, Any, Any], filename: str
) -> Response[bytes]:
    """A recipient's download: the link's token is the key, for one document, for 72 hours, until revoked."""
    settings = request.app.state["settings"]
    await limits.refuse_if_guessing(db_session, request, settings)
    token = filename.removesuffix(".docx") if filename.endswith(".docx") else ""
    found = await store.shared_document(db_session, token, connection=request) if token else None
    if not isinstance(found, ProducedDocument):
        refused = (found.case_id, found.id) if found is not None else None

        def log_refused(db: AsyncSession) -> None:
            if refused is not None:  # a real link, expired or turned off: an attempt on case data
                audit.record(
                    db,
                    "document.link_refused",
                    actor_id=None,
                    case_id=refused[0],
                    target=DocumentShare(id=refused[1]),
                    connection=request,
                    outcome="denied",
                )

        # In a transaction of its own: this request's rolls back with the 404.
        await limits.count_guess(db_session, request, settings, then=log_refused)
        raise NotFoundException(
            "No document was found at this address. The link may have expired or been turned off."
        )
    return docx_response(found)
