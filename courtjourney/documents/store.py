"""Keep every produced document, give it back byte for byte, and share it by a short-lived link."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any
from uuid import UUID

import anyio
from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.credentials import new_token, token_hash
from courtjourney.accounts.models import User
from courtjourney.cases.models import Case
from courtjourney.db.base import utcnow
from courtjourney.documents import engine
from courtjourney.documents.models import DocumentShare, ProducedDocument

SHARE_PREFIX = "cjdoc_"
SHARE_VALID_FOR = dt.timedelta(hours=72)


def template_version(name: str) -> str:
    """The first 12 hex digits of the template file's SHA-256: which edit of the template made a document."""
    return hashlib.sha256(engine.template_path(name).read_bytes()).hexdigest()[:12]


async def render_off_loop(name: str, context: dict[str, Any], *, lang: str, title: str) -> bytes:
    """Render in a worker thread, so a slow document never holds up other requests."""
    return await anyio.to_thread.run_sync(lambda: engine.render(name, context, lang=lang, title=title))


async def keep(
    db: AsyncSession,
    case: Case,
    user: User | audit.Actor,  # an Actor keeps the route and address in the audit
    *,
    kind: str,
    template: str,
    lang: str,
    title: str,
    body: bytes,
    subject_id: UUID | None = None,
    family_member_id: UUID | None = None,
    inputs: dict[str, Any] | None = None,
    connection: Any = None,
) -> ProducedDocument:
    doc = ProducedDocument(
        case_id=case.id,
        kind=kind,
        template=template,
        template_version=template_version(template),
        lang=lang,
        title=title,
        subject_id=subject_id,
        family_member_id=family_member_id,
        created_by_id=user.id,
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        content=base64.b64encode(body).decode("ascii"),
        inputs=json.dumps(inputs, default=str) if inputs else None,
    )
    db.add(doc)
    await db.flush()
    audit.record(
        db,
        "document.produced",
        user if isinstance(user, audit.Actor) else None,
        actor_id=user.id,
        case_id=case.id,
        target=doc,
        connection=connection,
    )
    return doc


def content(doc: ProducedDocument) -> bytes:
    body = base64.b64decode(doc.content)
    if hashlib.sha256(body).hexdigest() != doc.sha256:  # belt and braces: what we give back is what we made
        raise RuntimeError("stored document does not match its SHA-256")
    return body


async def documents_for(db: AsyncSession, case_id: UUID) -> list[ProducedDocument]:
    return list(
        await db.scalars(
            select(ProducedDocument)
            .where(ProducedDocument.case_id == case_id)
            .order_by(ProducedDocument.created_at.desc())
        )
    )


async def get_document(db: AsyncSession, case: Case, document_id: UUID) -> ProducedDocument:
    doc = await db.scalar(
        select(ProducedDocument).where(
            ProducedDocument.id == document_id, ProducedDocument.case_id == case.id
        )
    )
    if doc is None:
        raise NotFoundException("No document was found at this address.")
    return doc


async def shares_for(db: AsyncSession, case_id: UUID) -> list[DocumentShare]:
    return list(
        await db.scalars(
            select(DocumentShare)
            .where(DocumentShare.case_id == case_id)
            .order_by(DocumentShare.created_at.desc())
        )
    )


async def share(
    db: AsyncSession,
    case: Case,
    doc: ProducedDocument,
    user: User,
    *,
    organisation: str,
    recipient: str,
    connection: Any = None,
    now: dt.datetime | None = None,
) -> tuple[DocumentShare, str]:
    now = now or utcnow()
    token = new_token(SHARE_PREFIX)
    row = DocumentShare(
        case_id=case.id,
        document_id=doc.id,
        organisation=organisation,
        recipient=recipient,
        sent_by_id=user.id,
        token_hash=token_hash(token),
        hint=token[:10],
        expires_at=now + SHARE_VALID_FOR,
    )
    db.add(row)
    await db.flush()
    audit.record(db, "document.shared", actor_id=user.id, case_id=case.id, target=row, connection=connection)
    return row, token


async def revoke_share(
    db: AsyncSession, case: Case, share_id: UUID, user: User, *, connection: Any = None
) -> DocumentShare:
    row = await db.scalar(
        select(DocumentShare).where(DocumentShare.id == share_id, DocumentShare.case_id == case.id)
    )
    if row is None:
        raise NotFoundException("No shared link was found at this address.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    audit.record(
        db, "document.share_revoked", actor_id=user.id, case_id=case.id, target=row, connection=connection
    )
    return row


async def shared_document(
    db: AsyncSession, token: str, *, connection: Any = None
) -> ProducedDocument | DocumentShare | None:
    """The document behind a live link (and the use logged); a link that is expired or turned off
    comes back as its DocumentShare (for the caller to log as refused); an unknown token as None."""
    if not token.startswith(SHARE_PREFIX) or len(token) > 100:
        return None
    row = await db.scalar(select(DocumentShare).where(DocumentShare.token_hash == token_hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return row
    row.last_used_at = now
    row.use_count += 1
    audit.record(
        db, "document.link_used", actor_id=None, case_id=row.case_id, target=row, connection=connection
    )
    return await db.get(ProducedDocument, row.document_id)
