"""The case's document library: every document produced, downloaded again byte for byte, shared by a
72-hour link. Pages and JSON API side by side; making documents lives with the part that owns them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit, limits
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.accounts.services import names_for
from courtjourney.cases import services as case_services
from courtjourney.cases.models import Case
from courtjourney.documents import store
from courtjourney.documents.engine import DOCX_MEDIA_TYPE
from courtjourney.documents.models import DocumentShare, ProducedDocument
from courtjourney.errors import NotFound
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings
from courtjourney.web.forms import Field, clean
from courtjourney.web.pages import Form, FormPage, case_url
from courtjourney.web.schemas import Out, dump

SHARE = (
    Field("organisation", N_("Organisation"), max_length=120),
    Field("recipient", N_("Person it is for"), max_length=120),
)
#: The share form is drawn beside each Witness Service pack in the library, so its page is the library.
LIBRARY = FormPage(N_("Documents"), SHARE, "/documents", template="documents.html")


class DocumentOut(Out):
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


class ShareOut(Out):
    id: UUID
    document_id: UUID
    organisation: str
    recipient: str
    expires_at: Any
    revoked_at: Any
    use_count: int


class NewShareOut(Out):
    share: ShareOut
    url: str


def document_out(doc: ProducedDocument) -> DocumentOut:
    return dump(DocumentOut, doc)


def share_out(row: DocumentShare) -> ShareOut:
    return dump(ShareOut, row)


def share_url(request: Request[Any, Any, Any], token: str) -> str:
    base = get_settings().public_url or str(request.base_url).rstrip("/")
    return f"{base}/shared/{token}.docx"


def docx_response(doc: ProducedDocument, body: bytes) -> Response[bytes]:
    filename = f"{doc.kind}-{doc.created_at:%Y%m%d-%H%M}-{doc.lang}.docx"
    return Response(
        body,
        media_type=DOCX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-SHA256": doc.sha256},
    )


async def library_of(
    db: AsyncSession, request: Request[User, Any, Any], case: Case, *, link: str | None = None
) -> dict[str, Any]:
    """What the library page shows besides the share form: the documents, the links, a new link once."""
    docs = await store.documents_for(db, case.id)
    return {
        "documents": docs,
        "shares": await store.shares_for(db, case.id),
        "family": {m.id: m.name for m in await case_services.family_for(db, case.id)},
        "names": await names_for(db, {d.created_by_id for d in docs if d.created_by_id}),
        "link": link,
        "flash": request.query_params.get("done") and _("Saved."),
    }


class DocumentPages(Controller):
    include_in_schema = False

    @get("/cases/{case_id:uuid}/documents")
    async def library(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        return LIBRARY.show(request, case, extra=await library_of(db_session, request, case))

    @get("/cases/{case_id:uuid}/documents/{document_id:uuid}")
    async def download(
        self, db_session: AsyncSession, actor: Actor, case: Case, document_id: UUID
    ) -> Response[bytes]:
        doc = await store.get_document(db_session, case, document_id)
        return docx_response(doc, store.downloaded(db_session, actor, case, doc))

    @post("/cases/{case_id:uuid}/documents/{document_id:uuid}/share")
    async def share(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        document_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        doc = await store.get_document(db_session, case, document_id)

        async def share_it(values: dict[str, Any]) -> str:
            _row, token = await store.share(db_session, actor, case, doc, **values)
            return token

        async def with_link(token: str) -> Template:  # the link is shown once, here, and never again
            link = share_url(request, token)
            return LIBRARY.show(request, case, extra=await library_of(db_session, request, case, link=link))

        return await LIBRARY.submit(
            request,
            case,
            data,
            save=share_it,
            answer=with_link,
            extra=lambda: library_of(db_session, request, case),
        )

    @post("/cases/{case_id:uuid}/shares/{share_id:uuid}/revoke")
    async def revoke(self, db_session: AsyncSession, actor: Actor, case: Case, share_id: UUID) -> Redirect:
        row = await store.get_share(db_session, case, share_id)
        await store.revoke_share(db_session, actor, case, row)
        return Redirect(case_url(case, "/documents?done=revoked"), status_code=303)


class DocumentApi(Controller):
    path = "/api/cases/{case_id:uuid}/documents"
    tags = ["Documents"]

    @get("/", summary="Every document produced for the case, newest first")
    async def list_documents(self, db_session: AsyncSession, case: Case) -> list[DocumentOut]:
        return [document_out(d) for d in await store.documents_for(db_session, case.id)]

    @get(
        "/{document_id:uuid}",
        summary="Download a document exactly as it was produced (.docx)",
        response_description="The .docx bytes",
        media_type=DOCX_MEDIA_TYPE,
    )
    async def download(
        self, db_session: AsyncSession, actor: Actor, case: Case, document_id: UUID
    ) -> Response[bytes]:
        doc = await store.get_document(db_session, case, document_id)
        return docx_response(doc, store.downloaded(db_session, actor, case, doc))

    @post(
        "/{document_id:uuid}/shares",
        summary="Share a document by a link valid for 72 hours (shown once)",
        status_code=201,
    )
    async def share(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        document_id: UUID,
        data: ShareIn,
    ) -> NewShareOut:
        values = clean(SHARE, {"organisation": data.organisation, "recipient": data.recipient})
        doc = await store.get_document(db_session, case, document_id)
        row, token = await store.share(db_session, actor, case, doc, **values)
        return NewShareOut(share=share_out(row), url=share_url(request, token))


@get("/shared/{filename:str}", opt={"exclude_from_auth": True}, include_in_schema=False)
async def shared_download(
    db_session: AsyncSession, request: Request[Any, Any, Any], filename: str
) -> Response[bytes]:
    """A recipient's download: the link's token is the key, for one document, for 72 hours, until revoked."""
    settings = request.app.state["settings"]
    await limits.refuse_if_guessing(db_session, request, settings)
    recipient = Actor.of(None, request)  # nobody signed in: the trail keeps the route and address only
    token = filename.removesuffix(".docx") if filename.endswith(".docx") else ""
    found = await store.shared_document(db_session, recipient, token) if token else None
    if not isinstance(found, ProducedDocument):
        refused = (found.case_id, found.id) if found is not None else None

        def log_refused(db: AsyncSession) -> None:
            if refused is not None:  # a real link, expired or turned off: an attempt on case data
                audit.record(
                    db,
                    "document.link_refused",
                    recipient,
                    case_id=refused[0],
                    target=DocumentShare(id=refused[1]),
                    outcome="denied",
                )

        # In a transaction of its own: this request's rolls back with the 404.
        await limits.count_guess(db_session, request, settings, then=log_refused)
        raise NotFound("No document was found at this address. The link may have expired or been turned off.")
    return docx_response(found, store.content(found))
