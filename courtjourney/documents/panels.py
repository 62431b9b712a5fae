"""What the documents part shows on the pages that look across parts (caseload/): each document made and
each time one was shared, on the case timeline."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.models import Case
from courtjourney.documents.models import DocumentShare, ProducedDocument
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.web.pages import case_url
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart, newest_first


async def timeline_entries(
    db: AsyncSession, case: Case, *, before: Before | None, limit: int
) -> list[TimelineEntry]:
    """Documents made and shared, newest first: two queries, reading titles only (never the files)."""
    made = select(ProducedDocument.id, ProducedDocument.created_at, ProducedDocument.title).where(
        ProducedDocument.case_id == case.id
    )
    shared = (
        select(DocumentShare.id, DocumentShare.created_at, DocumentShare.organisation, ProducedDocument.title)
        .join(ProducedDocument, ProducedDocument.id == DocumentShare.document_id)
        .where(DocumentShare.case_id == case.id)
    )
    if before is not None:
        made = made.where(before.clause(ProducedDocument.created_at, ProducedDocument.id))
        shared = shared.where(before.clause(DocumentShare.created_at, DocumentShare.id))
    library = case_url(case, "/documents")
    found = [
        TimelineEntry(at, row_id, TIMELINE.kind, _("Document made: %(title)s") % {"title": title}, library)
        for row_id, at, title in await db.execute(
            made.order_by(ProducedDocument.created_at.desc(), ProducedDocument.id.desc()).limit(limit)
        )
    ]
    found += [
        TimelineEntry(
            at,
            row_id,
            TIMELINE.kind,
            _("Shared with %(organisation)s: %(title)s") % {"organisation": organisation, "title": title},
            library,
        )
        for row_id, at, organisation, title in await db.execute(
            shared.order_by(DocumentShare.created_at.desc(), DocumentShare.id.desc()).limit(limit)
        )
    ]
    return newest_first(found)[:limit]


TIMELINE = TimelinePart("documents", N_("Documents"), timeline_entries)
