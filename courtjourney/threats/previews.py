"""Preview of the threats' template (the export for the police) from the demo data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import User
from courtjourney.documents.previews import Previewer, Rendered


async def police_export(db: AsyncSession, worker: User) -> Rendered:
    from courtjourney.cases.models import Case
    from courtjourney.threats.models import Incident
    from courtjourney.threats.responses import ExportRequest, police_export

    incident = await db.scalar(select(Incident).limit(1))
    case = await db.get(Case, incident.case_id)  # type: ignore[union-attr]
    body, _media = await police_export(db, case, "Bea Worker (demo)", ExportRequest.parse(None, None), "docx")
    return [("en", body)]


PREVIEWS: dict[str, Previewer] = {"police_export": police_export}
