"""Hearing pages: proceedings, hearings and their story, who attends, calendar subscriptions, the next 14 days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any
from uuid import UUID

import segno
from advanced_alchemy.mixins.uuid import uuid7
from litestar import Controller, Request, Response, get, post
from litestar.params import Dependency
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney import i18n
from courtjourney.accounts import audit, limits
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.accounts.services import names_for
from courtjourney.cases import services as case_services
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.db import spool
from courtjourney.db.base import utcnow
from courtjourney.db.engine import POLL_READER_KEY, READS_KEY, SESSIONS_KEY
from courtjourney.documents import routes as documents
from courtjourney.documents import store
from courtjourney.errors import NotFound
from courtjourney.hearings import feeds, forms, outdated, panels, polls, services, story
from courtjourney.hearings.models import CalendarSubscription, Hearing
from courtjourney.hearings.services import IncidentSummary
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings
from courtjourney.web.downloads import attachment
from courtjourney.web.forms import Field, clean
from courtjourney.web.pages import Form, FormPage, case_url

ICS_MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text/ types
#: The intimidation summary for the Witness Service pack, handed in by the app (app.py provides
#: `incidents_for_pack`). A function, not data: Litestar is told not to validate it.
IncidentsForPack = Annotated[IncidentSummary, Dependency(skip_validation=True)]
#: What a change sets going (the family's notices), handed in by the app as `after_hearing_change`.
AfterChange = Annotated[services.AfterHearingChange, Dependency(skip_validation=True)]


def feed_links(request: Request[Any, Any, Any], token: str) -> dict[str, str]:
    base = get_settings().link_base
    https = f"{base}/calendar/{token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    qr = segno.make(webcal, error="m")
    return {"https": https, "webcal": webcal, "qr": qr.svg_data_uri(scale=5, border=2, dark="#0b0c0c")}


def flash(done: str | None) -> str | None:
    """The notice a page shows after something was done ("?done=..."): an ended link says so."""
    if not done:
        return None
    return _(documents.FLASH["revoked"]) if done == "revoked" else _("Saved.")


def hearing_url(hearing: Hearing, rest: str = "") -> str:
    return f"/cases/{hearing.case_id}/hearings/{hearing.id}{rest}"


#: What turning off or replacing a calendar address does, said before it is done: (title, paragraphs,
#: button). `%(name)s` is the family member whose phone it is.
CONFIRMS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "revoke": (
        N_("Turn off this calendar?"),
        (
            N_("%(name)s's phone will stop getting court dates and changes to them."),
            N_(
                "When the phone next checks, the calendar empties and shows one entry asking for a new link. Ask %(name)s to remove the calendar from the phone."
            ),
            N_("This cannot be undone. You can make a new calendar address later."),
        ),
        N_("Turn off the calendar"),
    ),
    "replace": (
        N_("Make a new calendar address?"),
        (
            N_(
                "The address %(name)s has now will stop working at once, and the phone will stop getting changes."
            ),
            N_(
                "You will see the new address once, to give to %(name)s. Changes reach the phone again when it is added."
            ),
            N_("Do this when a phone is lost, or someone else may have seen the address."),
        ),
        N_("Make a new address"),
    ),
}


def _helpers() -> dict[str, Any]:
    return {"label": story.label, "hearing_when": story.hearing_when, "local_time": story.local_time}


def _proceeding_options(proceedings: list[Any]) -> dict[str, list[tuple[str, str]]]:
    return {
        "proceeding_id": [
            (
                str(p.id),
                f"{p.court_name}" + (f" ({', '.join(p.defendant_labels)})" if p.defendant_labels else ""),
            )
            for p in proceedings
        ]
    }


# --- the forms, each described once ------------------------------------------------------------

NEW_PROCEEDING = FormPage(
    N_("Add a proceeding"),
    forms.PROCEEDING,
    "/proceedings/new",
    intro=N_("A proceeding is one prosecution: a trial of one or more defendants, or a retrial."),
    defaults={"status": "active", "court_type": "magistrates"},
)
CHANGE_PROCEEDING = FormPage(N_("Change a proceeding"), forms.PROCEEDING, "/proceedings/{proceeding_id}")
NEW_CHARGE = FormPage(N_("Add a charge"), forms.CHARGE, "/proceedings/{proceeding_id}/charges/new")
NEW_HEARING = FormPage(
    N_("Add a hearing"),
    forms.NEW_HEARING,
    "/hearings/new",
    intro=N_("Times are UK time. For a warned list, give the first and last day instead of a date and time."),
)
CHANGE_HEARING = FormPage(
    N_("Change this hearing"),
    forms.CHANGE_HEARING,
    "/hearings/{hearing_id}/change",
    intro=N_("Every change is kept, with its reason, and parents' calendars follow it."),
    button=N_("Save the change"),
)
# The fields are the case's family members, one choice each: handed in when shown.
ATTENDANCE = FormPage(
    N_("Who goes to this hearing"),
    (),
    "/hearings/{hearing_id}/attendance",
    intro=N_("Family members who are needed, want to go or follow it see this hearing in their calendar."),
    button=N_("Save"),
)
NEW_MEASURE = FormPage(
    N_("Record a special measure"),
    forms.SPECIAL_MEASURE,
    "/special-measures/new",
    defaults={"status": "applied"},
)
WITNESS_PACK = FormPage(
    N_("Witness Service pack"),
    forms.WITNESS_PACK,
    "/hearings/{hearing_id}/witness-pack",
    intro=N_(
        "The pack holds only what the Witness Service needs: who is coming, special measures, needs and "
        "safety arrangements. It needs the family's consent to share with the Witness Service."
    ),
    button=N_("Make the pack"),
)
# The case's calendar page: its subscriptions, and the form that makes a new address.
CALENDARS = FormPage(
    N_("Calendars for the family"),
    forms.SUBSCRIBE,
    "/calendars",
    defaults={"privacy": "discreet"},
    template="calendars.html",
)
PACK_TICKS = ("separate_entrance", "separate_waiting", "include_narratives")


def _ticks(data: Any) -> dict[str, Any]:
    """An unticked box is not posted at all: read it as unticked."""
    return {**data, **{k: data.get(k, "") for k in PACK_TICKS}}


class HearingPages(Controller):
    include_in_schema = False

    # --- proceedings ---------------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/proceedings/new")
    async def proceeding_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return NEW_PROCEEDING.show(request, case)

    @post("/cases/{case_id:uuid}/proceedings/new")
    async def proceeding_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await NEW_PROCEEDING.submit(
            request,
            case,
            data,
            save=lambda values: services.add_proceeding(db_session, actor, case, values),
            done=case_url(case, "?done=hearings#hearings"),
        )

    @get("/cases/{case_id:uuid}/proceedings/{proceeding_id:uuid}")
    async def proceeding_edit_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, proceeding_id: UUID
    ) -> Template:
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        values = {k: getattr(proceeding, k) or "" for k in services.PROCEEDING_KEYS}
        return CHANGE_PROCEEDING.show(request, case, values=values, proceeding_id=proceeding.id)

    @post("/cases/{case_id:uuid}/proceedings/{proceeding_id:uuid}")
    async def proceeding_edit(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        proceeding_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        return await CHANGE_PROCEEDING.submit(
            request,
            case,
            data,
            proceeding_id=proceeding.id,
            save=lambda values: services.update_proceeding(db_session, actor, case, proceeding, values),
            done=case_url(case, "?done=hearings#hearings"),
        )

    @get("/cases/{case_id:uuid}/proceedings/{proceeding_id:uuid}/charges/new")
    async def charge_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, proceeding_id: UUID
    ) -> Template:
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        return NEW_CHARGE.show(request, case, values={}, proceeding_id=proceeding.id)

    @post("/cases/{case_id:uuid}/proceedings/{proceeding_id:uuid}/charges/new")
    async def charge_add(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        proceeding_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        return await NEW_CHARGE.submit(
            request,
            case,
            data,
            proceeding_id=proceeding.id,
            save=lambda values: services.add_charge(db_session, actor, case, proceeding, values),
            done=case_url(case, "?done=hearings#hearings"),
        )

    # --- hearings ------------------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/hearings/new")
    async def hearing_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template | Redirect:
        proceedings = await services.proceedings_for(db_session, case.id)
        if not proceedings:
            return Redirect(case_url(case, "/proceedings/new"), status_code=303)
        chosen = next(
            (p for p in proceedings if str(p.id) == request.query_params.get("proceeding")), proceedings[-1]
        )
        values = {
            "proceeding_id": str(chosen.id),
            "listing": "fixed",
            "start_time": "10:00",
            "court_name": chosen.court_name,
            "court_town": chosen.court_town,
            "court_address": chosen.court_address or "",
        }
        return NEW_HEARING.show(request, case, values=values, options=_proceeding_options(proceedings))

    @post("/cases/{case_id:uuid}/hearings/new")
    async def hearing_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await NEW_HEARING.submit(
            request,
            case,
            data,
            options=_proceeding_options(await services.proceedings_for(db_session, case.id)),
            save=lambda values: services.add_hearing(db_session, actor, case, values),
            done=lambda hearing: hearing_url(hearing, "/attendance"),
        )

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}")
    async def hearing_page(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, hearing_id: UUID
    ) -> Template:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        changes = await services.changes_for(db_session, hearing.id)
        family = await case_services.family_for(db_session, case.id)
        attendance = await services.attendance_for(db_session, hearing.id)
        docs = await store.documents_about(db_session, case.id, hearing.id)
        stale = {d.id: why for d in docs if (why := outdated.reason(d, hearing, changes))}
        live = store.live_by_document(await store.shares_for(db_session, case.id)) if stale else {}
        again = store.made_again(docs)
        # An old copy made again is left out, unless a link to it is still open: that is still to do.
        stale = {k: why for k, why in stale.items() if k not in again or live.get(k)}
        now = utcnow()
        return Template(
            template_name="hearing.html",
            context={
                "user": request.user,
                "title": story.label("hearing_type", hearing.hearing_type)
                + ": "
                + story.hearing_when(hearing),
                "case": case,
                "hearing": hearing,
                "proceeding": await services.get_proceeding(db_session, case, hearing.proceeding_id),
                "story": [
                    (c, story.change_story(c, hearing), services.telling_delay(c, now))
                    for c in reversed(changes)
                ],
                "untold": any(c.told_at is None for c in changes),
                "day_warning": services.day_warning(hearing),
                # Briefings and packs made before a change to what they show, with their open links.
                "out_of_date": [(d, stale[d.id], live.get(d.id, [])) for d in docs if d.id in stale],
                "again": again,
                "attending": [(m, attendance[m.id]) for m in family if m.id in attendance],
                "names": await names_for(db_session, {c.changed_by_id for c in changes if c.changed_by_id}),
                "now_local": dt.datetime.now(i18n.LONDON).strftime("%Y-%m-%dT%H:%M"),
                "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
                "flash": flash(request.query_params.get("done")),
                **_helpers(),
            },
        )

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/change")
    async def change_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, hearing_id: UUID
    ) -> Template:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        return CHANGE_HEARING.show(request, case, values=services.form_values(hearing), hearing_id=hearing.id)

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/change")
    async def change(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: Form,
        after_hearing_change: AfterChange,
    ) -> Template | Redirect:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        return await CHANGE_HEARING.submit(
            request,
            case,
            data,
            hearing_id=hearing.id,
            save=lambda values: services.change_and_tell(
                db_session, actor, case, hearing, values, after_hearing_change
            ),
            done=hearing_url(hearing, "?done=changed"),
        )

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/told")
    async def told(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: Form,
    ) -> Redirect:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        values = clean(forms.TOLD, {"told_at": data.get("told_at") or utcnow()})
        await services.record_told(db_session, actor, case, hearing, values["told_at"])
        return Redirect(hearing_url(hearing, "?done=told"), status_code=303)

    async def _attendance_fields(self, db: AsyncSession, case: Case) -> list[tuple[FamilyMember, Field]]:
        return [
            (
                m,
                Field(
                    f"attend_{m.id}",
                    m.name,
                    kind="choice",
                    choices=forms.ATTENDANCE,
                    required=False,
                    own_words=True,
                ),
            )
            for m in await case_services.family_for(db, case.id)
        ]

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/attendance")
    async def attendance_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, hearing_id: UUID
    ) -> Template:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        current = await services.attendance_for(db_session, hearing.id)
        fields = await self._attendance_fields(db_session, case)
        return ATTENDANCE.show(
            request,
            case,
            fields=[f for _m, f in fields],
            values={f.name: current.get(m.id, "") for m, f in fields},
            hearing_id=hearing.id,
        )

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/attendance")
    async def attendance(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        fields = await self._attendance_fields(db_session, case)
        return await ATTENDANCE.submit(
            request,
            case,
            data,
            hearing_id=hearing.id,
            fields=[f for _m, f in fields],
            intro="",  # the form shown again has no intro, as before
            save=lambda values: services.set_attendance(
                db_session, actor, case, hearing, {m.id: values[f.name] for m, f in fields}
            ),
            done=hearing_url(hearing, "?done=attendance"),
        )

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/calendar.ics")
    async def hearing_ics(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, hearing_id: UUID
    ) -> Response[bytes]:
        """A one-off download of one hearing, in the words of a standard family calendar."""
        hearing = await services.get_hearing(db_session, case, hearing_id)
        lang = (
            request.query_params.get("lang")
            if request.query_params.get("lang") in i18n.LOCALES
            else i18n.get_locale()
        )
        return Response(
            feeds.single(hearing, lang or "en"),
            media_type=ICS_MEDIA_TYPE,
            headers={"Content-Disposition": attachment("hearing.ics")},
        )

    # --- special measures, briefings, Witness Service packs -------------------------------------

    @get("/cases/{case_id:uuid}/special-measures/new")
    async def measure_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return NEW_MEASURE.show(request, case)

    @post("/cases/{case_id:uuid}/special-measures/new")
    async def measure_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await NEW_MEASURE.submit(
            request,
            case,
            data,
            save=lambda values: services.add_measure(db_session, actor, case, values),
            done=case_url(case, "?done=hearings#hearings"),
        )

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/briefings")
    async def briefings(
        self, db_session: AsyncSession, actor: Actor, case: Case, hearing_id: UUID
    ) -> Redirect:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        await services.make_briefings(db_session, actor, case, hearing)
        return Redirect(case_url(case, "/documents?done=made"), status_code=303)

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/witness-pack")
    async def pack_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, hearing_id: UUID
    ) -> Template:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        return WITNESS_PACK.show(request, case, values={}, hearing_id=hearing.id)

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/witness-pack")
    async def pack(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: Form,
        incidents_for_pack: IncidentsForPack,
    ) -> Template | Redirect:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        return await WITNESS_PACK.submit(
            request,
            case,
            data,
            hearing_id=hearing.id,
            prepare=_ticks,
            save=lambda choices: services.make_witness_pack(
                db_session, actor, case, hearing, choices, incidents=incidents_for_pack
            ),
            done=case_url(case, "/documents?done=made"),
        )

    @post("/cases/{case_id:uuid}/documents/{document_id:uuid}/remake")
    async def remake(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        document_id: UUID,
        incidents_for_pack: IncidentsForPack,
    ) -> Redirect:
        doc = await store.get_document(db_session, case, document_id)
        await services.remake(db_session, actor, case, doc, incidents=incidents_for_pack)
        return Redirect(case_url(case, "/documents?done=made"), status_code=303)

    # --- calendar subscriptions ----------------------------------------------------------------

    async def _calendars_extra(
        self, db: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> dict[str, Any]:
        """What the calendars page shows around its form: the case's addresses and whose they are."""
        await spool.flush_all(request.app.state, db)  # each address's "last checked", to this poll
        family = await case_services.family_for(db, case.id)
        return {
            "subscriptions": await services.subscriptions_for(db, case.id),
            "members": {m.id: m for m in family},
            "flash": request.query_params.get("done") and _("Saved."),
            **_helpers(),
        }

    async def _family_options(self, db: AsyncSession, case: Case) -> dict[str, list[tuple[str, str]]]:
        return {
            "family_member_id": [(str(m.id), m.name) for m in await case_services.family_for(db, case.id)]
        }

    def _subscribe_page(
        self,
        request: Request[User, Any, Any],
        case: Case,
        sub: CalendarSubscription,
        member: FamilyMember | None,
        token: str,
    ) -> Template:
        lang = member.preferred_language if member and member.preferred_language in i18n.LOCALES else "en"
        i18n.set_locale(lang)  # the page is for the parent: in their language
        return Template(
            template_name="subscribe.html",
            context={
                "user": request.user,
                "title": _("Add your court dates to your phone"),
                "case": case,
                "member": member,
                "subscription": sub,
                "links": feed_links(request, token),
                **_helpers(),
            },
        )

    @get("/cases/{case_id:uuid}/calendars")
    async def calendars(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        return CALENDARS.show(
            request,
            case,
            options=await self._family_options(db_session, case),
            extra=await self._calendars_extra(db_session, request, case),
        )

    @post("/cases/{case_id:uuid}/calendars")
    async def calendar_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        made: list[tuple[CalendarSubscription, str]] = []

        async def save(values: dict[str, Any]) -> None:
            made.append(await services.subscribe(db_session, actor, case, values))

        shown = await CALENDARS.submit(
            request,
            case,
            data,
            options=await self._family_options(db_session, case),
            extra=lambda: self._calendars_extra(db_session, request, case),
            save=save,
            done=case_url(case, "/calendars"),
        )
        if not made:
            return shown  # the form again, with what was wrong
        # Saved: the new address is shown on this answer, once, and never put in a redirect's URL.
        sub, token = made[0]
        return self._subscribe_page(
            request, case, sub, await db_session.get(FamilyMember, sub.family_member_id), token
        )

    @get("/cases/{case_id:uuid}/calendars/{subscription_id:uuid}/revoke")
    async def calendar_revoke_confirm(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, subscription_id: UUID
    ) -> Template:
        return await self._confirm(db_session, request, case, subscription_id, "revoke")

    @get("/cases/{case_id:uuid}/calendars/{subscription_id:uuid}/replace")
    async def calendar_replace_confirm(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, subscription_id: UUID
    ) -> Template:
        return await self._confirm(db_session, request, case, subscription_id, "replace")

    async def _confirm(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        subscription_id: UUID,
        action: str,
    ) -> Template:
        """Before a calendar address is turned off or replaced: what will happen, in plain words, and the
        button that does it (the calendars page links here; it never turns one off in one click)."""
        sub = await services.get_subscription(db_session, case, subscription_id)
        member = await db_session.get(FamilyMember, sub.family_member_id)
        name = member.name if member else _("The family member")
        title, words, button = CONFIRMS[action]
        ended = sub.revoked_at is not None
        return Template(
            template_name="confirm_page.html",
            context={
                "user": request.user,
                "title": _(title),
                "case": case,
                "words": [_(services.ALREADY_TURNED_OFF)]
                if ended
                else [_(w) % {"name": name} for w in words],
                "refused": ended,
                "button": _(button),
                "action": case_url(case, f"/calendars/{sub.id}/{action}"),
                "cancel": case_url(case, "/calendars"),
                "back": _("Back to the calendars"),
                "breadcrumbs": [
                    ("/", _("My caseload")),
                    (case_url(case), case.reference),
                    (case_url(case, "/calendars"), _("Calendars")),
                ],
            },
        )

    @post("/cases/{case_id:uuid}/calendars/{subscription_id:uuid}/revoke")
    async def calendar_revoke(
        self, db_session: AsyncSession, actor: Actor, case: Case, subscription_id: UUID
    ) -> Redirect:
        sub = await services.get_subscription(db_session, case, subscription_id)
        await services.revoke(db_session, actor, sub)
        return Redirect(case_url(case, "/calendars?done=revoked"), status_code=303)

    @post("/cases/{case_id:uuid}/calendars/{subscription_id:uuid}/replace")
    async def calendar_replace(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        subscription_id: UUID,
    ) -> Template:
        sub = await services.get_subscription(db_session, case, subscription_id)
        if sub.revoked_at is not None:
            # Pressed twice, or from a page left open: say so on the calendars page (the service refuses too).
            return CALENDARS.show(
                request,
                case,
                errors={"subscription": _(services.ALREADY_TURNED_OFF)},
                options=await self._family_options(db_session, case),
                extra=await self._calendars_extra(db_session, request, case),
            )
        new, token = await services.replace(db_session, actor, case, sub)
        return self._subscribe_page(
            request, case, new, await db_session.get(FamilyMember, new.family_member_id), token
        )


class CaseloadHearingPages(Controller):
    """Pages across the caseload rather than one case: the next 14 days, and the worker's own calendar."""

    include_in_schema = False

    @get("/hearings/upcoming")
    async def upcoming(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor
    ) -> Template:
        rows = await services.upcoming(db_session, actor, days=14)
        await audit.record_listed(db_session, actor, (r.case.id for r in rows))
        # Which of these hearings have a change the family has not heard of yet (one query).
        untold = {u.hearing.id: u for u in await panels.untold(db_session, list({r.case.id for r in rows}))}
        return Template(
            template_name="upcoming.html",
            context={
                "user": request.user,
                "title": _("Hearings in the next 14 days"),
                "nav": "upcoming",
                "rows": rows,
                "untold": untold,
                "today": dt.datetime.now(i18n.LONDON).date(),
                **_helpers(),
            },
        )

    @get("/account/calendar")
    async def my_calendar(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor
    ) -> Template:
        await spool.flush_all(request.app.state, db_session)
        return Template(
            template_name="my_calendar.html",
            context={
                "user": request.user,
                "title": _("Your calendar of hearings"),
                "nav": "account",
                "subscription": await services.worker_subscription(db_session, actor),
                "links": None,
            },
        )

    @post("/account/calendar")
    async def my_calendar_new(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor
    ) -> Template:
        sub, token = await services.new_worker_subscription(db_session, actor)
        return Template(
            template_name="my_calendar.html",
            context={
                "user": request.user,
                "title": _("Your calendar of hearings"),
                "nav": "account",
                "subscription": sub,
                "links": feed_links(request, token),
            },
        )

    @post("/account/calendar/revoke")
    async def my_calendar_revoke(self, db_session: AsyncSession, actor: Actor) -> Redirect:
        sub = await services.worker_subscription(db_session, actor)
        if sub is not None:
            await services.revoke(db_session, actor, sub)
        return Redirect("/account/calendar", status_code=303)


def _not_modified(request: Request[Any, Any, Any], tag: str, changed_at: dt.datetime) -> bool:
    """If-None-Match wins when sent; otherwise If-Modified-Since (Apple's calendar sends only that)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return tag in {t.strip() for t in if_none_match.split(",")} or if_none_match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return changed_at.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


@get("/calendar/{filename:str}", opt={"exclude_from_auth": True}, include_in_schema=False)
async def calendar_feed(request: Request[Any, Any, Any], filename: str) -> Response[bytes]:
    """A subscribed calendar. The token in the address is the only key; unknown: 404; a family's calendar
    that has ended: the ended calendar (no dates, one entry asking for a new link); a worker's own, 404.

    Too many unknown tokens from one network address get 429 (limits.py), so tokens cannot be guessed.
    Any Accept header (or none, as Google's fetcher sends) gets the feed. Unchanged bytes keep their
    ETag and Last-Modified, and a matching If-None-Match or If-Modified-Since gets 304.

    Almost every poll finds its feed unchanged, and is answered from one read outside any transaction
    (feeds.family_poll, run by db/engine.PollReader): the guessing block, the subscription with the ETag
    it recorded, and the feed's fingerprint now, in one statement. A fingerprint matching the one recorded
    with the ETag answers 304, or 200 with the bytes this process built for it. Anything else (a changed
    or never-built feed, an unknown or ended address, bytes built by another process) takes the write
    path, `_feed_in_transaction`, in a write transaction, as every poll once did. A worker's own feed
    reads its fingerprint on a read session. The poll itself is journalled either way (polls.py), never
    written here.
    """
    settings = request.app.state["settings"]
    token = filename.removesuffix(".ics") if filename.endswith(".ics") else ""
    now = utcnow()
    address = limits.client_address(request)
    token_hash = services.calendar_token_hash(token)
    rate_key = limits.key_of(settings, limits.unknown_tokens(settings), address)
    # One statement: the guessing block, the subscription and the feed's fingerprint now. A blocked
    # address is refused before anything about the token is used, as refuse_if_guessing does.
    poll = await request.app.state[POLL_READER_KEY].run(
        lambda db: feeds.family_poll(db, token_hash, rate_key, now)
    )
    wait = limits.wait_for(poll.blocked_until)
    if wait is not None:
        raise limits.too_many(wait)
    # The row's content_key and content_etag were written together (one transaction), so when the
    # fingerprint read with it matches its key, its ETag is that of the bytes the feed has now. A
    # hearing changed since: the fingerprint differs, and the write path builds the new feed.
    if (
        poll.sub_id is not None
        and poll.key is not None
        and poll.key == poll.content_key
        and poll.content_etag is not None
        and poll.content_changed_at is not None
    ):
        fresh = Fresh(poll.sub_id, poll.case_id, poll.content_etag, poll.content_changed_at)
        if _not_modified(request, fresh.etag, fresh.changed_at):
            return _feed_answer(request, fresh, now, None)
        body = feeds.BODIES.get(poll.sub_id, poll.key)
        if body is not None:
            return _feed_answer(request, fresh, now, body)
    elif poll.worker:
        # A worker's own calendar: its fingerprint reads their caseload (two more reads, no writes).
        async with request.app.state[READS_KEY]() as db:
            asked = await services.feed_asked(
                db, token, limits.blocked_until(settings, limits.unknown_tokens(settings), address)
            )
            sub = asked.sub
            if sub is not None and sub.content_etag is not None and sub.content_changed_at is not None:
                key = await feeds.fingerprint(db, sub, now, asked.lang)
                if key == sub.content_key:
                    fresh = Fresh(sub.id, sub.case_id, sub.content_etag, sub.content_changed_at)
                    if _not_modified(request, fresh.etag, fresh.changed_at):
                        return _feed_answer(request, fresh, now, None)
                    body = feeds.BODIES.get(sub.id, key)
                    if body is not None:
                        return _feed_answer(request, fresh, now, body)
    # Not the plugin's request session: asked for by the handler, it was made (and ended) on every poll.
    async with request.app.state[SESSIONS_KEY]() as db_session:
        answer = await _feed_in_transaction(db_session, request, token, now)
        await db_session.commit()  # as the plugin commits a 2xx; a refusal raised above rolls back
        return answer


@dataclass(frozen=True)
class Fresh:
    """A subscription whose recorded ETag is current, as much of it as an answer needs."""

    sub_id: UUID
    case_id: UUID | None
    etag: str
    changed_at: dt.datetime


def _feed_answer(
    request: Request[Any, Any, Any], sub: Fresh, now: dt.datetime, body: bytes | None
) -> Response[bytes]:
    """Journal the poll and answer it: the feed's bytes, or with `body` None, 304 (nothing built)."""
    # Fetched by a calendar app, not a person: no one is signed in, the address is kept. The poll goes to
    # this process's journal, not a write transaction; the audit event, the count and "last checked"
    # reach the database within a second, and survive a kill -9 (polls.py says how).
    request.app.state[polls.JOURNAL_KEY].record(
        polls.Poll(uuid7(), sub.sub_id, sub.case_id, now, audit.client_address(request))
    )
    headers = {
        "ETag": sub.etag,
        "Last-Modified": format_datetime(sub.changed_at.astimezone(dt.UTC), usegmt=True),
        # no-store, like every answer carrying personal data (web/security.py): no browser or proxy may
        # keep a copy of a family's court dates. Calendar apps keep their own copy of the events, which
        # no HTTP cache directive governs, and revalidate with the ETag or Last-Modified they were sent:
        # conditional requests do not need a cache to store anything, so 304s keep working.
        "Cache-Control": "no-store",
    }
    if body is None:
        # Unchanged since the copy the calendar app holds: nothing is built.
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=ICS_MEDIA_TYPE, headers=headers)


async def _feed_in_transaction(
    db_session: AsyncSession, request: Request[Any, Any, Any], token: str, now: dt.datetime
) -> Response[bytes]:
    """A poll the reads could not answer, in a write transaction (the caller commits it)."""
    settings = request.app.state["settings"]
    asked = await services.feed_asked(
        db_session,
        token,
        limits.blocked_until(settings, limits.unknown_tokens(settings), limits.client_address(request)),
    )
    wait = limits.wait_for(asked.blocked_until)
    if wait is not None:
        raise limits.too_many(wait)
    sub, lang = asked.sub, asked.lang
    if sub is None:
        ended = await services.ended_calendar(db_session, token) if token else None
        if ended is not None:
            # A family's address that was turned off, replaced or ended with its case: an empty calendar
            # with one neutral entry, so the phone drops the old dates (a 404 freezes them as they were).
            empty = feeds.ended_feed(ended[0], ended[1], now)
            return Response(
                empty,
                media_type=ICS_MEDIA_TYPE,
                headers={"ETag": feeds.etag(empty), "Cache-Control": "no-store"},
            )
        await limits.count_guess(db_session, request, settings)
        raise NotFound("No calendar was found at this address.")
    key = await feeds.fingerprint(db_session, sub, now, lang)
    body: bytes | None = None
    if key != sub.content_key or sub.content_etag is None or sub.content_changed_at is None:
        feed = await feeds.build_for(db_session, sub, now, lang)
        body = feed.body
        feeds.BODIES.keep(sub.id, key, body)
        if sub.content_etag != feed.etag or sub.content_changed_at is None:
            # Last-Modified moves forward only, and only when the bytes change.
            sub.content_etag = feed.etag
            sub.content_changed_at = max(now, sub.content_changed_at or now)
        sub.content_key = key
    assert sub.content_etag is not None and sub.content_changed_at is not None
    fresh = Fresh(sub.id, sub.case_id, sub.content_etag, sub.content_changed_at)
    if _not_modified(request, fresh.etag, fresh.changed_at):
        return _feed_answer(request, fresh, now, None)
    if body is None:
        body = feeds.BODIES.get(sub.id, key)
    if body is None:  # built by another process, or since dropped from this one's
        body = (await feeds.build_for(db_session, sub, now, lang)).body
        feeds.BODIES.keep(sub.id, key, body)
    return _feed_answer(request, fresh, now, body)
