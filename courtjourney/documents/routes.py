"""The case's document library: every document produced, downloaded again byte for byte, shared by a
72-hour link. Pages and JSON API side by side; making documents lives with the part that owns them."""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Dependency
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
from courtjourney.documents.store import OutOfDate
from courtjourney.errors import NotFound
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings
from courtjourney.web.downloads import attachment
from courtjourney.web.forms import Field, clean
from courtjourney.web.pages import Form, FormPage, case_url
from courtjourney.web.schemas import Out, dump

SHARE = (
    Field("organisation", N_("Organisation"), max_length=120),
    Field("recipient", N_("Person it is for"), max_length=120),
)
#: The share form is drawn beside each Witness Service pack in the library, so its page is the library.
LIBRARY = FormPage(N_("Documents"), SHARE, "/documents", template="documents.html")
#: Which documents went out of date, handed in by the app (app.py provides `documents_out_of_date`).
#: A function, not data: Litestar is told not to validate it.
OutOfDateCheck = Annotated[OutOfDate, Dependency(skip_validation=True)]
#: Where "End the link" may send the worker back to, inside the case: the library or a hearing's page.
BACK = re.compile(r"/(documents|hearings/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


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
    out_of_date: bool = False  # what it describes has changed since it was made (hearings/outdated.py)
    out_of_date_reason: str | None = None  # why, in plain words: "Describes the old date: ..."


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


def document_out(doc: ProducedDocument, reason: str | None = None) -> DocumentOut:
    return dump(DocumentOut, doc, out_of_date=reason is not None, out_of_date_reason=reason)


def share_out(row: DocumentShare) -> ShareOut:
    return dump(ShareOut, row)


def share_url(request: Request[Any, Any, Any], token: str) -> str:
    base = get_settings().link_base
    return f"{base}/shared/{token}.docx"


def docx_response(doc: ProducedDocument, body: bytes) -> Response[bytes]:
    filename = f"{doc.kind}-{doc.created_at:%Y%m%d-%H%M}-{doc.lang}.docx"
    return Response(
        body,
        media_type=DOCX_MEDIA_TYPE,
        headers={"Content-Disposition": attachment(filename), "X-Content-SHA256": doc.sha256},
    )


def back_to(case: Case, back: str | None) -> str:
    """The page to return to after ending a link: one inside this case, else the library."""
    rest = (back or "").removeprefix(case_url(case))
    return case_url(
        case, rest if back and back.startswith(case_url(case)) and BACK.fullmatch(rest) else "/documents"
    )


def ending_warning(doc: ProducedDocument, row: DocumentShare) -> str:
    """What ending a link means, in plain words, for the question asked before it is ended."""
    if (
        doc.kind == "witness_pack"
        and row.organisation.strip().lower().removeprefix("the ") == "witness service"
    ):
        return _("The Witness Service will no longer be able to open this pack. End the link?")
    return _("%(who)s at %(organisation)s will no longer be able to open this document. End the link?") % {
        "who": row.recipient,
        "organisation": row.organisation,
    }


FLASH = {"revoked": N_("The link is ended. Nobody can open the document with it now.")}


async def library_of(
    db: AsyncSession,
    request: Request[User, Any, Any],
    case: Case,
    out_of_date: OutOfDate,
    *,
    link: str | None = None,
) -> dict[str, Any]:
    """What the library page shows besides the share form: the documents (with those gone out of date
    and their links still open), the links, a new link once."""
    docs = await store.documents_for(db, case.id)
    shares = await store.shares_for(db, case.id)
    done = request.query_params.get("done")
    return {
        "documents": docs,
        "stale": await out_of_date(db, case.id, docs),
        "made_again": store.made_again(docs),
        "live": store.live_by_document(shares),
        "shares": shares,
        "family": {m.id: m.name for m in await case_services.family_for(db, case.id)},
        "names": await names_for(db, {d.created_by_id for d in docs if d.created_by_id}),
        "link": link,
        "flash": done and _(FLASH.get(done, N_("Saved."))),
    }


class DocumentPages(Controller):
    include_in_schema = False

    @get("/cases/{case_id:uuid}/documents")
    async def library(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        documents_out_of_date: OutOfDateCheck,
    ) -> Template:
        extra = await library_of(db_session, request, case, documents_out_of_date)
        return LIBRARY.show(request, case, extra=extra)

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
        documents_out_of_date: OutOfDateCheck,
    ) -> Template | Redirect:
        doc = await store.get_document(db_session, case, document_id)

        async def share_it(values: dict[str, Any]) -> str:
            _row, token = await store.share(db_session, actor, case, doc, **values)
            return token

        async def with_link(token: str) -> Template:  # the link is shown once, here, and never again
            link = share_url(request, token)
            extra = await library_of(db_session, request, case, documents_out_of_date, link=link)
            return LIBRARY.show(request, case, extra=extra)

        return await LIBRARY.submit(
            request,
            case,
            data,
            save=share_it,
            answer=with_link,
            extra=lambda: library_of(db_session, request, case, documents_out_of_date),
        )

    @get("/cases/{case_id:uuid}/shares/{share_id:uuid}/revoke")
    async def revoke_confirm(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        share_id: UUID,
        back: str | None = None,
    ) -> Template:
        """Ask first, in plain words, before a link is ended: the page "End the link" leads to."""
        row = await store.get_share(db_session, case, share_id)
        doc = await store.get_document(db_session, case, row.document_id)
        return Template(
            template_name="end_link.html",
            context={
                "user": request.user,
                "title": _("End this link?"),
                "case": case,
                "share": row,
                "document": doc,
                "live": store.live(row),
                "warning": ending_warning(doc, row),
                "back": back_to(case, back),
                "breadcrumbs": [
                    (case_url(case), case.reference),
                    (case_url(case, "/documents"), _("Documents")),
                ],
            },
        )

    @post("/cases/{case_id:uuid}/shares/{share_id:uuid}/revoke")
    async def revoke(
        self, db_session: AsyncSession, actor: Actor, case: Case, share_id: UUID, data: Form
    ) -> Redirect:
        row = await store.get_share(db_session, case, share_id)
        await store.revoke_share(db_session, actor, case, row)
        back = data.get("back")
        return Redirect(
            back_to(case, back if isinstance(back, str) else None) + "?done=revoked", status_code=303
        )


class DocumentApi(Controller):
    path = "/api/cases/{case_id:uuid}/documents"
    tags = ["Documents"]

    @get("/", summary="Every document produced for the case, newest first")
    async def list_documents(
        self, db_session: AsyncSession, case: Case, documents_out_of_date: OutOfDateCheck
    ) -> list[DocumentOut]:
        """Each document with `out_of_date` (true when what it describes has changed since it was made:
        for a briefing or pack, the hearing's date, time, place or anything else it shows) and
        `out_of_date_reason`, in plain words."""
        docs = await store.documents_for(db_session, case.id)
        stale = await documents_out_of_date(db_session, case.id, docs)
        return [document_out(d, stale.get(d.id)) for d in docs]

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
