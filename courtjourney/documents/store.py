"""Keep every produced document, give it back byte for byte, and share it by a short-lived link."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any, Protocol
from uuid import UUID

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.credentials import new_token, token_hash
from courtjourney.cases.models import Case
from courtjourney.db.base import utcnow
from courtjourney.db.rows import one_of_case
from courtjourney.documents import engine
from courtjourney.documents.models import DocumentShare, ProducedDocument


class OutOfDate(Protocol):
    """Which of these documents no longer match what they describe, each with why in plain words.

    The part that made a document knows (hearings/outdated.py for briefings and packs); documents sits
    below every part, so the app hands the check in (app.py `documents_out_of_date`)."""

    async def __call__(
        self, db: AsyncSession, case_id: UUID, docs: list[ProducedDocument]
    ) -> dict[UUID, str]: ...


SHARE_PREFIX = "cjdoc_"
SHARE_VALID_FOR = dt.timedelta(hours=72)


async def render_off_loop(name: str, context: dict[str, Any], *, lang: str, title: str) -> bytes:
    """Render in a worker thread, so a slow document never holds up other requests."""
    return await anyio.to_thread.run_sync(lambda: engine.render(name, context, lang=lang, title=title))


async def keep(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    *,
    kind: str,
    template: str,
    lang: str,
    title: str,
    body: bytes,
    subject_id: UUID | None = None,
    family_member_id: UUID | None = None,
    inputs: dict[str, Any] | None = None,
) -> ProducedDocument:
    """Keep a document just made for the case, with its SHA-256 and what it was made from; audited."""
    doc = ProducedDocument(
        case_id=case.id,
        kind=kind,
        template=template,
        template_version=engine.template_version(template),
        lang=lang,
        title=title,
        subject_id=subject_id,
        family_member_id=family_member_id,
        created_by_id=actor.id,
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        content=base64.b64encode(body).decode("ascii"),
        inputs=json.dumps(inputs, default=str) if inputs else None,
    )
    db.add(doc)
    await db.flush()
    audit.record(db, "document.produced", actor, case_id=case.id, target=doc)
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
    """A document of this case, or NotFound."""
    return await one_of_case(db, ProducedDocument, case.id, document_id, "document")


def downloaded(db: AsyncSession, actor: Actor, case: Case, doc: ProducedDocument) -> bytes:
    """The document's bytes for someone on the team to download; audited."""
    audit.record(db, "document.downloaded", actor, case_id=case.id, target=doc)
    return content(doc)


async def shares_for(db: AsyncSession, case_id: UUID) -> list[DocumentShare]:
    return list(
        await db.scalars(
            select(DocumentShare)
            .where(DocumentShare.case_id == case_id)
            .order_by(DocumentShare.created_at.desc())
        )
    )


def live(row: DocumentShare, now: dt.datetime | None = None) -> bool:
    """A link that still opens its document: not turned off and not expired."""
    return row.revoked_at is None and row.expires_at > (now or utcnow())


def live_by_document(shares: list[DocumentShare]) -> dict[UUID, list[DocumentShare]]:
    """The links that still open each document, by document id."""
    now = utcnow()
    out: dict[UUID, list[DocumentShare]] = {}
    for row in shares:
        if live(row, now):
            out.setdefault(row.document_id, []).append(row)
    return out


def made_again(docs: list[ProducedDocument]) -> dict[UUID, ProducedDocument]:
    """For each document made again later (same kind, about the same thing, for the same person), the
    newest copy: an old copy stays as it was sent, but it is no longer the one to act on."""
    newest: dict[tuple[str, UUID, UUID | None], ProducedDocument] = {}
    for doc in sorted(docs, key=lambda d: d.created_at, reverse=True):
        if doc.subject_id is not None:
            newest.setdefault((doc.kind, doc.subject_id, doc.family_member_id), doc)
    out = {}
    for doc in docs:
        latest = newest.get((doc.kind, doc.subject_id, doc.family_member_id)) if doc.subject_id else None
        if latest is not None and latest.id != doc.id:
            out[doc.id] = latest
    return out


async def documents_about(db: AsyncSession, case_id: UUID, subject_id: UUID) -> list[ProducedDocument]:
    """The documents made about one thing (a hearing), newest first."""
    return list(
        await db.scalars(
            select(ProducedDocument)
            .where(ProducedDocument.case_id == case_id, ProducedDocument.subject_id == subject_id)
            .order_by(ProducedDocument.created_at.desc())
        )
    )


async def share(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    doc: ProducedDocument,
    *,
    organisation: str,
    recipient: str,
    now: dt.datetime | None = None,
) -> tuple[DocumentShare, str]:
    """A 72-hour link to one document: the row and the link's token, which is kept only as its hash."""
    now = now or utcnow()
    token = new_token(SHARE_PREFIX)
    row = DocumentShare(
        case_id=case.id,
        document_id=doc.id,
        organisation=organisation,
        recipient=recipient,
        sent_by_id=actor.id,
        token_hash=token_hash(token),
        hint=token[:10],
        expires_at=now + SHARE_VALID_FOR,
    )
    db.add(row)
    await db.flush()
    audit.record(db, "document.shared", actor, case_id=case.id, target=row)
    return row, token


async def get_share(db: AsyncSession, case: Case, share_id: UUID) -> DocumentShare:
    """A shared link of this case, or NotFound."""
    return await one_of_case(db, DocumentShare, case.id, share_id, "shared link")


async def revoke_share(db: AsyncSession, actor: Actor, case: Case, row: DocumentShare) -> DocumentShare:
    """Turn a link off (once: turning it off again keeps the first time); audited each time, and a
    second time says so (outcome "unchanged"), so the trail never shows two endings of one link."""
    already = row.revoked_at is not None
    if not already:
        row.revoked_at = utcnow()
    outcome = "unchanged" if already else "ok"
    audit.record(db, "document.share_revoked", actor, case_id=case.id, target=row, outcome=outcome)
    return row


async def shared_document(
    db: AsyncSession, actor: Actor, token: str
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
    audit.record(db, "document.link_used", actor, case_id=row.case_id, target=row)
    return await db.get(ProducedDocument, row.document_id)
