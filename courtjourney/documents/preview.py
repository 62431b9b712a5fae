"""`courtjourney documents preview`: render every Word template against the demo data, in each language.

For whoever edits a template in templates/docx/: after a change, run the preview and open the files in
Word or LibreOffice before anyone relies on them. Runs on a throwaway database (migrated and loaded with
the demo), so it never touches real cases. Each part registers how to preview its own templates.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from courtjourney.settings import Settings

# template name -> async function(db) returning [(language, .docx bytes)]
Previewer = Callable[[AsyncSession], Awaitable[list[tuple[str, bytes]]]]
PREVIEWS: dict[str, Previewer] = {}


def previewer(template: str) -> Callable[[Previewer], Previewer]:
    def register(fn: Previewer) -> Previewer:
        PREVIEWS[template] = fn
        return fn

    return register


async def _demo_case(db: AsyncSession):  # type: ignore[no-untyped-def]
    from courtjourney.accounts.models import User
    from courtjourney.cases.models import Case
    from courtjourney.demo import DEMO_LOGINS
    from courtjourney.hearings.models import Hearing

    worker = await db.scalar(select(User).where(User.email == DEMO_LOGINS[0][0]))
    hearing = await db.scalar(select(Hearing).where(Hearing.hearing_type == "trial"))
    case = await db.get(Case, hearing.case_id)  # type: ignore[union-attr]
    return case, hearing, worker


@previewer("parent_briefing")
async def _briefings(db: AsyncSession) -> list[tuple[str, bytes]]:
    from courtjourney.cases.models import FamilyMember
    from courtjourney.documents import store
    from courtjourney.hearings import services

    case, hearing, worker = await _demo_case(db)
    out = []
    for lang in ("en", "cy"):
        for member in await db.scalars(select(FamilyMember).where(FamilyMember.case_id == case.id)):
            member.preferred_language = lang
        docs = await services.make_briefings(db, case, hearing, worker)
        out.append((lang, store.content(docs[0])))
    return out


@previewer("witness_pack")
async def _pack(db: AsyncSession) -> list[tuple[str, bytes]]:
    from courtjourney.documents import store
    from courtjourney.hearings import services

    case, hearing, worker = await _demo_case(db)
    doc = await services.make_witness_pack(
        db,
        case,
        hearing,
        worker,
        {"separate_entrance": True, "separate_waiting": True, "keep_apart": "The defendants' families"},
    )
    return [("en", store.content(doc))]


@previewer("police_export")
async def _police_export(db: AsyncSession) -> list[tuple[str, bytes]]:
    from courtjourney.cases.models import Case
    from courtjourney.threats.models import Incident
    from courtjourney.threats.responses import ExportRequest, police_export

    incident = await db.scalar(select(Incident).limit(1))
    case = await db.get(Case, incident.case_id)  # type: ignore[union-attr]
    body, _media = await police_export(db, case, "Bea Worker (demo)", ExportRequest.parse(None, None), "docx")
    return [("en", body)]


@previewer("glossary")
async def _glossary(db: AsyncSession) -> list[tuple[str, bytes]]:
    from courtjourney.glossary.document import stage_document
    from courtjourney.glossary.terms import shipped_glossary

    return [(lang, stage_document(shipped_glossary(lang), "trial")[1]) for lang in ("en", "cy")]


async def _debrief(db: AsyncSession, result: str) -> list[tuple[str, bytes]]:
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
        body, _made = await letter.produce(db, case, worker, member_id=member.id)  # type: ignore[arg-type]
        out.append((lang, body))
    return out


@previewer("debrief_outcome")
async def _debrief_outcome(db: AsyncSession) -> list[tuple[str, bytes]]:
    return await _debrief(db, "convicted,guilty_plea")


@previewer("debrief_not_prosecuted")
async def _debrief_not_prosecuted(db: AsyncSession) -> list[tuple[str, bytes]]:
    return await _debrief(db, "no_further_action")


def preview_all(settings: Settings, out_dir: Path) -> list[Path]:
    """Render every registered template into out_dir as <template>.<language>.docx; return the files."""
    from courtjourney.db.engine import make_engine
    from courtjourney.demo import load_demo
    from courtjourney.migrations import upgrade

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cj-preview-") as tmp:
        scratch = dataclasses.replace(
            settings, database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'preview.db'}"
        )
        upgrade(scratch)

        async def run() -> list[Path]:
            engine = make_engine(scratch)
            written = []
            try:
                maker = async_sessionmaker(engine, expire_on_commit=False)
                async with maker() as db, db.begin():
                    await load_demo(db, only_if_empty=False)
                    for template, fn in sorted(PREVIEWS.items()):
                        for lang, body in await fn(db):
                            path = out_dir / f"{template}.{lang}.docx"
                            path.write_bytes(body)
                            written.append(path)
            finally:
                await engine.dispose()
            return written

        return asyncio.run(run())
