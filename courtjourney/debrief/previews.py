"""Previews of the debrief's templates (the outcome letter, the not-prosecuted letter) from the demo data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.documents.previews import Previewer, Rendered


async def _debrief(db: AsyncSession, result: str) -> Rendered:
    from courtjourney.cases import services as cases
    from courtjourney.cases.models import Case, FamilyMember
    from courtjourney.debrief import letter
    from courtjourney.debrief.models import Outcome

    outcome = await db.scalar(select(Outcome).where(Outcome.result.in_(result.split(","))).limit(1))
    case = await db.get(Case, outcome.case_id)  # type: ignore[union-attr]
    worker = (await cases.workers_for(db, case.id))[0]  # type: ignore[union-attr]
    member = (await cases.family_for(db, case.id))[0]  # type: ignore[union-attr]
    out = []
    for lang in ("en", "cy"):
        (await db.get(FamilyMember, member.id)).preferred_language = lang  # type: ignore[union-attr]
        body, _made = await letter.produce(
            db,
            Actor.of(worker),
            case,  # type: ignore[arg-type]
            signed_by=worker.full_name,
            member_id=member.id,
        )
        out.append((lang, body))
    return out


async def debrief_outcome(db: AsyncSession, worker: User) -> Rendered:
    return await _debrief(db, "convicted,guilty_plea")


async def debrief_not_prosecuted(db: AsyncSession, worker: User) -> Rendered:
    return await _debrief(db, "no_further_action")


PREVIEWS: dict[str, Previewer] = {
    "debrief_outcome": debrief_outcome,
    "debrief_not_prosecuted": debrief_not_prosecuted,
}
