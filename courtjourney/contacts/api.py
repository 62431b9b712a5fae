"""The contact log JSON API under /api/cases/{case_id}/contact-log. Thin: check, call the service, answer.

(`/api/cases/{case_id}/contacts` is another thing: the professionals around the family.)"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.exceptions import PermissionDeniedException
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.cases.models import Case
from courtjourney.contacts import forms, schemas, services
from courtjourney.web.errors import API_ERRORS
from courtjourney.web.forms import clean
from courtjourney.web.schemas import dump

NOT_YOURS = {403: API_ERRORS[403]}


def _about(values: dict[str, Any]) -> schemas.ContactAboutOut:
    return schemas.ContactAboutOut(
        **{name: values.get(name) for name in ("hearing_id", "incident_id", "document_id", "stage")}
    )


def entry_out(view: services.EntryView) -> schemas.ContactEntryOut:
    e = view.entry
    return dump(
        schemas.ContactEntryOut,
        e,
        member_ids=view.member_ids,
        about=_about({name: getattr(e, column) for name, column in services.ABOUT_COLUMNS.items()}),
        follow_ups=[dump(schemas.ContactFollowUpOut, t) for t in view.follow_ups],
        corrected=bool(view.earlier),
        earlier=[
            schemas.EarlierVersionOut(
                number=c.number,
                corrected_at=c.corrected_at,
                corrected_by_id=c.corrected_by_id,
                kind=c.version["kind"],
                at=c.version["at"],
                minutes=c.version["minutes"],
                member_ids=c.version["member_ids"],
                place=c.version["place"],
                notes=c.version["notes"],
                about=_about(c.version["about"]),
            )
            for c in view.earlier
        ],
    )


def _values(raw: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The body with its text checked by the page's fields; ids, dates and numbers are typed already."""
    text = clean(forms.API_TEXT_PARTIAL if partial else forms.API_TEXT, raw, partial=partial)
    values = {**raw, **text}
    if isinstance(raw.get("about"), schemas.ContactAbout):
        values["about"] = raw["about"].to_dict()
    if "follow_ups" in raw:
        values["follow_ups"] = [f.to_dict() for f in raw["follow_ups"]]
    return values


async def _one(db: AsyncSession, case: Case, entry_id: UUID) -> schemas.ContactEntryOut:
    return entry_out((await services.contact_log(db, case.id, [entry_id]))[0])


class ContactLogApi(Controller):
    path = "/api/cases/{case_id:uuid}/contact-log"
    tags = ["Contact log"]

    @get("/", summary="The case's contact log, newest first, with every correction kept")
    async def list_entries(self, db_session: AsyncSession, case: Case) -> list[schemas.ContactEntryOut]:
        return [entry_out(v) for v in await services.contact_log(db_session, case.id)]

    @post(
        "/",
        summary="Record a contact with the family or about them (only kind is needed; notes too if it connected)",
        description="`at` defaults to now (without an offset it is UK time); `follow_ups` become tasks in the same save.",
        status_code=201,
    )
    async def record(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewContactEntry
    ) -> schemas.ContactEntryOut:
        entry = await services.record_contact(db_session, actor, case, _values(data.to_dict(), partial=False))
        return await _one(db_session, case, entry.id)

    @patch(
        "/{entry_id:uuid}",
        summary="Correct an entry (its author or a manager): what it said before is kept",
        responses=NOT_YOURS,
    )
    async def correct(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        entry_id: UUID,
        data: schemas.ContactCorrectionIn,
    ) -> schemas.ContactEntryOut:
        entry = await services.get_entry(db_session, case, entry_id)
        if not services.may_correct(actor, entry):
            raise PermissionDeniedException(services.NOT_YOURS)
        await services.correct_contact(db_session, actor, case, entry, _values(data.to_dict(), partial=True))
        return await _one(db_session, case, entry.id)
