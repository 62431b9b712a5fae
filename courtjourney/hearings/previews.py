"""Previews of the hearings' templates (the parent briefing, the Witness Service pack) from the demo data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.documents.previews import Previewer, Rendered
from courtjourney.hearings.services import IncidentSummary


async def _demo_trial(db: AsyncSession) -> tuple[Any, Any]:
    from courtjourney.cases.models import Case
    from courtjourney.hearings.models import Hearing

    hearing = await db.scalar(select(Hearing).where(Hearing.hearing_type == "trial"))
    case = await db.get(Case, hearing.case_id)  # type: ignore[union-attr]
    return case, hearing


async def parent_briefing(db: AsyncSession, worker: User) -> Rendered:
    from courtjourney.cases.models import FamilyMember
    from courtjourney.documents import store
    from courtjourney.hearings import services

    case, hearing = await _demo_trial(db)
    out = []
    for lang in ("en", "cy"):
        for member in await db.scalars(select(FamilyMember).where(FamilyMember.case_id == case.id)):
            member.preferred_language = lang
        docs = await services.make_briefings(db, Actor.of(worker), case, hearing)
        out.append((lang, store.content(docs[0])))
    return out


async def witness_pack(
    db: AsyncSession, worker: User, *, incidents: IncidentSummary | None = None
) -> Rendered:
    """The pack for the demo's trial; `incidents` is the incident summary the aggregator hands in."""
    from courtjourney.documents import store
    from courtjourney.hearings import services

    case, hearing = await _demo_trial(db)
    doc = await services.make_witness_pack(
        db,
        Actor.of(worker),
        case,
        hearing,
        {"separate_entrance": True, "separate_waiting": True, "keep_apart": "The defendants' families"},
        incidents=incidents,
    )
    return [("en", store.content(doc))]


PREVIEWS: dict[str, Previewer] = {"parent_briefing": parent_briefing, "witness_pack": witness_pack}
