"""Preview of the glossary's template (a stage's printable word list), in English and Welsh."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import User
from courtjourney.documents.previews import Previewer, Rendered


async def glossary(db: AsyncSession, worker: User) -> Rendered:
    from courtjourney.glossary.document import stage_document
    from courtjourney.glossary.terms import shipped_glossary

    return [(lang, stage_document(shipped_glossary(lang), "trial")[1]) for lang in ("en", "cy")]


PREVIEWS: dict[str, Previewer] = {"glossary": glossary}
