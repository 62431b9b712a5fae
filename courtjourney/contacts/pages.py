"""The contact log pages: the log of a case (newest first), the quick "Record a contact" form, and the
correction form. On pages these are the "contact log"; the professionals are the "key contacts"."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.services import names_for
from courtjourney.cases.models import Case
from courtjourney.cases.services import family_for
from courtjourney.contacts import forms, services
from courtjourney.contacts.models import ContactEntry
from courtjourney.errors import NotFound
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.web.forms import LONDON
from courtjourney.web.pages import Form, FormPage, case_url, saved

RECORD = FormPage(
    N_("Record a contact"),
    forms.RECORD,
    "/contact-log/new",
    button=N_("Save the contact"),
    template="contact_form.html",
)
CORRECT = FormPage(
    N_("Correct this contact log entry"),
    forms.CORRECT,
    "/contact-log/{entry_id}/correct",
    intro=N_("What it said before is kept, and the log shows who corrected it and when."),
    button=N_("Save the correction"),
    template="contact_form.html",
)


def log_url(case: Case) -> str:
    return case_url(case, "/contact-log")


async def _extra(
    db: AsyncSession, case: Case, ticked: list[Any], *, follow_ups: bool = True
) -> dict[str, Any]:
    family = await family_for(db, case.id)
    return {
        "members": [(m.id, m.name, m.relationship_to_child) for m in family],
        "ticked": {str(t) for t in ticked},
        "more_fields": forms.MORE,
        "follow_up_fields": forms.FOLLOW_UP if follow_ups else (),
        "quick_fields": forms.QUICK,
    }


def _form_values(entry: ContactEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "notes": entry.notes,
        "place": entry.place,
        "at": entry.at.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"),
        "minutes": entry.minutes,
        **{f"about.{name}": getattr(entry, column) for name, column in services.ABOUT_COLUMNS.items()},
    }


def _unchanged_date_left_out(entry: ContactEntry, values: dict[str, Any], data: Form) -> dict[str, Any]:
    """The correction as the service takes it; a date left as the form showed it (to the minute) is not a change."""
    out = forms.from_form(values, data)
    if (data.get("at") or "").strip() in {"", _form_values(entry)["at"]}:
        out.pop("at")
    return out


class ContactLogPages(Controller):
    path = "/cases/{case_id:uuid}/contact-log"
    include_in_schema = False

    @get("/")
    async def log(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, case: Case
    ) -> Template:
        views = await services.contact_log(db_session, case.id)
        people = {
            w for v in views for w in (v.entry.recorded_by_id, *(c.corrected_by_id for c in v.earlier)) if w
        }
        family = {m.id: m.name for m in await family_for(db_session, case.id)}
        spent = await services.time_spent(db_session, case_ids=[case.id])
        return Template(
            template_name="contact_log.html",
            context={
                "user": request.user,
                "title": _("Contact log"),
                "case": case,
                "views": views,
                "names": await names_for(db_session, people),
                "family": family,
                "kind_label": services.kind_label,
                "stage_label": services.stage_label,
                # What each link is called (a hearing's date, an incident's number), for the "About" lines.
                "about_words": {
                    key: words
                    for pairs in (await services.about_options(db_session, case.id)).values()
                    for key, words in pairs
                },
                "may_correct": lambda entry: services.may_correct(actor, entry),
                "spent": spent,
                "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
                "flash": request.query_params.get("done") and _("Saved."),
                "london": LONDON,
            },
        )

    @get("/new")
    async def record_form(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case: Case
    ) -> Template:
        family = await family_for(db_session, case.id)
        # With one family member, she is who the contact is with nine times in ten: ticked already.
        ticked = [family[0].id] if len(family) == 1 else []
        return RECORD.show(
            request,
            case,
            values={"kind": "call"},
            options=await services.about_options(db_session, case.id),
            extra=await _extra(db_session, case, ticked),
        )

    @post("/new")
    async def record(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await RECORD.submit(
            request,
            case,
            data,
            save=lambda values: services.record_contact(
                db_session, actor, case, forms.from_form(values, data)
            ),
            done=lambda entry: saved(log_url(case), f"entry-{entry.id}"),
            options=await services.about_options(db_session, case.id),
            extra=lambda: _extra(db_session, case, forms.members_from_form(data)),
        )

    @get("/{entry_id:uuid}/correct")
    async def correct_form(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        actor: Actor,
        case: Case,
        entry_id: UUID,
    ) -> Template:
        entry = await services.get_entry(db_session, case, entry_id)
        if not services.may_correct(actor, entry):
            raise PermissionDeniedException(_(services.NOT_YOURS))
        members = (await services.member_ids_of(db_session, [entry.id])).get(entry.id, [])
        return CORRECT.show(
            request,
            case,
            values=_form_values(entry),
            options=await services.about_options(db_session, case.id),
            extra=await _extra(db_session, case, members, follow_ups=False),
            entry_id=entry.id,
        )

    @post("/{entry_id:uuid}/correct")
    async def correct(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        actor: Actor,
        case: Case,
        entry_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        entry = await services.get_entry(db_session, case, entry_id)
        if not services.may_correct(actor, entry):
            raise PermissionDeniedException(_(services.NOT_YOURS))
        return await CORRECT.submit(
            request,
            case,
            data,
            save=lambda values: services.correct_contact(
                db_session, actor, case, entry, _unchanged_date_left_out(entry, values, data)
            ),
            done=saved(log_url(case), f"entry-{entry.id}"),
            options=await services.about_options(db_session, case.id),
            extra=lambda: _extra(db_session, case, forms.members_from_form(data), follow_ups=False),
            entry_id=entry.id,
        )


STANDARD = FormPage(
    N_("How often families are contacted"),
    forms.STANDARD,
    "/team/contact-standard",
    intro=N_(
        "A family shows on My day when no contact has reached them (a call, a visit, a message they answered) "
        "for longer than this many days, by the case's risk level. A case not assessed yet uses the medium one."
    ),
    button=N_("Save"),
)


def _team_nav() -> dict[str, Any]:
    return {"nav": "team", "breadcrumbs": [("/team", _("Your team's cases"))]}


class TeamContactStandardPages(Controller):
    """The team's standard for contact, which its manager sets (shown on the team page)."""

    include_in_schema = False

    @staticmethod
    def _team(request: Request[Any, Any, Any]) -> UUID:
        user = request.user
        if not user.is_manager or user.team_id is None:
            raise NotFound("Nothing was found at this address.")
        return user.team_id

    @get("/team/contact-standard")
    async def standard_form(self, db_session: AsyncSession, request: Request[Any, Any, Any]) -> Template:
        team_id = self._team(request)
        current = (await services.standards_for(db_session, [team_id]))[team_id]
        return STANDARD.show(request, None, values=services.standard_values(current), extra=_team_nav())

    @post("/team/contact-standard")
    async def set_standard(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        team_id = self._team(request)
        return await STANDARD.submit(
            request,
            None,
            data,
            save=lambda values: services.set_standard(db_session, actor, team_id, values),
            done=saved("/team", "contact-standard"),
            extra=_team_nav(),
        )
