"""Hearing pages: proceedings, hearings and their story, who attends, calendar subscriptions, the next 14 days."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from uuid import UUID

import segno
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney import i18n
from courtjourney.accounts import audit, limits
from courtjourney.accounts.models import User
from courtjourney.accounts.services import names_for
from courtjourney.cases import services as case_services
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.cases.pages import simple_form
from courtjourney.db.base import utcnow
from courtjourney.documents import store
from courtjourney.errors import InputError
from courtjourney.hearings import feeds, forms, services, story
from courtjourney.hearings.models import CalendarSubscription, Hearing
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings
from courtjourney.web.forms import Field, clean
from courtjourney.web.pages import Form, case_url, form_page

ICS_MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text/ types


def feed_links(request: Request[Any, Any, Any], token: str) -> dict[str, str]:
    base = get_settings().public_url or str(request.base_url).rstrip("/")
    https = f"{base}/calendar/{token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    qr = segno.make(webcal, error="m")
    return {"https": https, "webcal": webcal, "qr": qr.svg_data_uri(scale=5, border=2, dark="#0b0c0c")}


def hearing_url(hearing: Hearing, rest: str = "") -> str:
    return f"/cases/{hearing.case_id}/hearings/{hearing.id}{rest}"


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


class HearingPages(Controller):
    include_in_schema = False

    # --- proceedings ---------------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/proceedings/new")
    async def proceeding_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        return await self._proceeding(db_session, request, case_id, None)

    @post("/cases/{case_id:uuid}/proceedings/new")
    async def proceeding_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        return await self._proceeding(db_session, request, case_id, data)

    async def _proceeding(
        self, db: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form | None
    ) -> Template | Redirect:
        return await simple_form(
            db,
            request,
            case_id,
            data,
            _("Add a proceeding"),
            forms.PROCEEDING,
            "/proceedings/new",
            services.add_proceeding,
            "hearings",
            defaults={"status": "active", "court_type": "magistrates"},
            intro=_("A proceeding is one prosecution: a trial of one or more defendants, or a retrial."),
        )

    @get("/cases/{case_id:uuid}/proceedings/{proceeding_id:uuid}")
    async def proceeding_edit_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, proceeding_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        values = {k: getattr(proceeding, k) or "" for k in services.PROCEEDING_KEYS}
        return form_page(
            request,
            case=case,
            title=_("Change a proceeding"),
            fields=forms.PROCEEDING,
            action=case_url(case, f"/proceedings/{proceeding.id}"),
            values=values,
        )

    @post("/cases/{case_id:uuid}/proceedings/{proceeding_id:uuid}")
    async def proceeding_edit(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        proceeding_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        try:
            await services.update_proceeding(
                db_session, case, proceeding, request.user, clean(forms.PROCEEDING, data), connection=request
            )
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Change a proceeding"),
                fields=forms.PROCEEDING,
                action=case_url(case, f"/proceedings/{proceeding.id}"),
                values=data,
                errors=exc.errors,
            )
        return Redirect(case_url(case, "?done=hearings#hearings"), status_code=303)

    @get("/cases/{case_id:uuid}/proceedings/{proceeding_id:uuid}/charges/new")
    async def charge_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, proceeding_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        return form_page(
            request,
            case=case,
            title=_("Add a charge"),
            fields=forms.CHARGE,
            action=case_url(case, f"/proceedings/{proceeding.id}/charges/new"),
        )

    @post("/cases/{case_id:uuid}/proceedings/{proceeding_id:uuid}/charges/new")
    async def charge_add(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        proceeding_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        try:
            await services.add_charge(
                db_session, case, proceeding, request.user, clean(forms.CHARGE, data), connection=request
            )
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Add a charge"),
                fields=forms.CHARGE,
                action=case_url(case, f"/proceedings/{proceeding.id}/charges/new"),
                values=data,
                errors=exc.errors,
            )
        return Redirect(case_url(case, "?done=hearings#hearings"), status_code=303)

    # --- hearings ------------------------------------------------------------------------------

    async def _new_hearing_page(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
    ) -> Template:
        proceedings = await services.proceedings_for(db, case.id)
        return form_page(
            request,
            case=case,
            title=_("Add a hearing"),
            fields=forms.NEW_HEARING,
            action=case_url(case, "/hearings/new"),
            values=values,
            errors=errors,
            options=_proceeding_options(proceedings),
            intro=_(
                "Times are UK time. For a warned list, give the first and last day instead of a date and time."
            ),
        )

    @get("/cases/{case_id:uuid}/hearings/new")
    async def hearing_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
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
        return await self._new_hearing_page(db_session, request, case, values)

    @post("/cases/{case_id:uuid}/hearings/new")
    async def hearing_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        try:
            hearing = await services.add_hearing(
                db_session, case, request.user, clean(forms.NEW_HEARING, data), connection=request
            )
        except InputError as exc:
            return await self._new_hearing_page(db_session, request, case, data, exc.errors)
        return Redirect(hearing_url(hearing, "/attendance"), status_code=303)

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}")
    async def hearing_page(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, hearing_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        changes = await services.changes_for(db_session, hearing.id)
        family = await case_services.family_for(db_session, case.id)
        attendance = await services.attendance_for(db_session, hearing.id)
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
                "attending": [(m, attendance[m.id]) for m in family if m.id in attendance],
                "names": await names_for(db_session, {c.changed_by_id for c in changes if c.changed_by_id}),
                "now_local": dt.datetime.now(i18n.LONDON).strftime("%Y-%m-%dT%H:%M"),
                "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
                "flash": request.query_params.get("done") and _("Saved."),
                **_helpers(),
            },
        )

    async def _change_page(
        self,
        request: Request[User, Any, Any],
        case: Case,
        hearing: Hearing,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
    ) -> Template:
        return form_page(
            request,
            case=case,
            title=_("Change this hearing"),
            fields=forms.CHANGE_HEARING,
            action=hearing_url(hearing, "/change"),
            values=values,
            errors=errors,
            intro=_("Every change is kept, with its reason, and parents' calendars follow it."),
            submit=_("Save the change"),
        )

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/change")
    async def change_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, hearing_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        return await self._change_page(request, case, hearing, services.form_values(hearing))

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/change")
    async def change(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        hearing_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        try:
            await services.change_hearing(
                db_session, case, hearing, request.user, clean(forms.CHANGE_HEARING, data), connection=request
            )
        except InputError as exc:  # raised before anything is changed
            return await self._change_page(request, case, hearing, data, exc.errors)
        return Redirect(hearing_url(hearing, "?done=changed"), status_code=303)

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/told")
    async def told(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        hearing_id: UUID,
        data: Form,
    ) -> Redirect:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        values = clean(forms.TOLD, {"told_at": data.get("told_at") or utcnow()})
        await services.record_told(
            db_session, case, hearing, request.user, values["told_at"], connection=request
        )
        return Redirect(hearing_url(hearing, "?done=told"), status_code=303)

    async def _attendance_fields(self, db: AsyncSession, case: Case) -> list[tuple[FamilyMember, Field]]:
        return [
            (m, Field(f"attend_{m.id}", m.name, kind="choice", choices=forms.ATTENDANCE, required=False))
            for m in await case_services.family_for(db, case.id)
        ]

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/attendance")
    async def attendance_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, hearing_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        current = await services.attendance_for(db_session, hearing.id)
        fields = await self._attendance_fields(db_session, case)
        return form_page(
            request,
            case=case,
            title=_("Who goes to this hearing"),
            fields=[f for _m, f in fields],
            action=hearing_url(hearing, "/attendance"),
            values={f.name: current.get(m.id, "") for m, f in fields},
            intro=_(
                "Family members who are needed, want to go or follow it see this hearing in their calendar."
            ),
            submit=_("Save"),
        )

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/attendance")
    async def attendance(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        hearing_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        fields = await self._attendance_fields(db_session, case)
        try:
            values = clean([f for _m, f in fields], data)
            await services.set_attendance(
                db_session,
                case,
                hearing,
                request.user,
                {m.id: values[f.name] for m, f in fields},
                connection=request,
            )
        except InputError as exc:
            return form_page(
                request,
                case=case,
                title=_("Who goes to this hearing"),
                fields=[f for _m, f in fields],
                action=hearing_url(hearing, "/attendance"),
                values=data,
                errors=exc.errors,
            )
        return Redirect(hearing_url(hearing, "?done=attendance"), status_code=303)

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/calendar.ics")
    async def hearing_ics(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, hearing_id: UUID
    ) -> Response[bytes]:
        """A one-off download of one hearing, in the words of a standard family calendar."""
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        lang = (
            request.query_params.get("lang")
            if request.query_params.get("lang") in i18n.LOCALES
            else i18n.get_locale()
        )
        return Response(
            feeds.single(hearing, lang or "en"),
            media_type=ICS_MEDIA_TYPE,
            headers={"Content-Disposition": 'attachment; filename="hearing.ics"'},
        )

    # --- special measures, briefings, Witness Service packs -------------------------------------

    @get("/cases/{case_id:uuid}/special-measures/new")
    async def measure_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template | Redirect:
        return await simple_form(
            db_session,
            request,
            case_id,
            None,
            _("Record a special measure"),
            forms.SPECIAL_MEASURE,
            "/special-measures/new",
            services.add_measure,
            "hearings",
            defaults={"status": "applied"},
        )

    @post("/cases/{case_id:uuid}/special-measures/new")
    async def measure_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template | Redirect:
        return await simple_form(
            db_session,
            request,
            case_id,
            data,
            _("Record a special measure"),
            forms.SPECIAL_MEASURE,
            "/special-measures/new",
            services.add_measure,
            "hearings",
        )

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/briefings")
    async def briefings(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, hearing_id: UUID
    ) -> Redirect:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        await services.make_briefings(db_session, case, hearing, request.user, connection=request)
        return Redirect(case_url(case, "/documents?done=made"), status_code=303)

    def _pack_page(
        self,
        request: Request[User, Any, Any],
        case: Case,
        hearing: Hearing,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
    ) -> Template:
        return form_page(
            request,
            case=case,
            title=_("Witness Service pack"),
            fields=forms.WITNESS_PACK,
            action=hearing_url(hearing, "/witness-pack"),
            values=values,
            errors=errors,
            intro=_(
                "The pack holds only what the Witness Service needs: who is coming, special measures, needs and "
                "safety arrangements. It needs the family's consent to share with the Witness Service."
            ),
            submit=_("Make the pack"),
        )

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/witness-pack")
    async def pack_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, hearing_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        return self._pack_page(request, case, hearing, {})

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/witness-pack")
    async def pack(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        case_id: UUID,
        hearing_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        case = await case_services.get_case(db_session, case_id)
        hearing = await services.get_hearing(db_session, case, hearing_id)
        try:
            choices = clean(
                forms.WITNESS_PACK,
                {
                    **data,
                    **{
                        k: data.get(k, "")
                        for k in ("separate_entrance", "separate_waiting", "include_narratives")
                    },
                },
            )
            await services.make_witness_pack(
                db_session, case, hearing, request.user, choices, connection=request
            )
        except InputError as exc:
            return self._pack_page(request, case, hearing, data, exc.errors)
        return Redirect(case_url(case, "/documents?done=made"), status_code=303)

    @post("/cases/{case_id:uuid}/documents/{document_id:uuid}/remake")
    async def remake(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, document_id: UUID
    ) -> Redirect:
        case = await case_services.get_case(db_session, case_id)
        doc = await store.get_document(db_session, case, document_id)
        await services.remake(db_session, case, doc, request.user, connection=request)
        return Redirect(case_url(case, "/documents?done=made"), status_code=303)

    # --- calendar subscriptions ----------------------------------------------------------------

    async def _calendars_page(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        family = await case_services.family_for(db, case.id)
        return Template(
            template_name="calendars.html",
            context={
                "user": request.user,
                "title": _("Calendars for the family"),
                "case": case,
                "subscriptions": await services.subscriptions_for(db, case.id),
                "members": {m.id: m for m in family},
                "fields": forms.SUBSCRIBE,
                "options": {"family_member_id": [(str(m.id), m.name) for m in family]},
                "values": values or {"privacy": "discreet"},
                "errors": errors or {},
                "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
                "flash": request.query_params.get("done") and _("Saved."),
                **_helpers(),
            },
            status_code=400 if errors else 200,
        )

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
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        return await self._calendars_page(db_session, request, case)

    @post("/cases/{case_id:uuid}/calendars")
    async def calendar_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, data: Form
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        try:
            sub, token = await services.subscribe(
                db_session, case, request.user, clean(forms.SUBSCRIBE, data), connection=request
            )
        except InputError as exc:
            return await self._calendars_page(db_session, request, case, data, exc.errors)
        return self._subscribe_page(
            request, case, sub, await db_session.get(FamilyMember, sub.family_member_id), token
        )

    @post("/cases/{case_id:uuid}/calendars/{subscription_id:uuid}/revoke")
    async def calendar_revoke(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, subscription_id: UUID
    ) -> Redirect:
        case = await case_services.get_case(db_session, case_id)
        sub = await services.get_subscription(db_session, case, subscription_id)
        await services.revoke(db_session, sub, request.user, connection=request)
        return Redirect(case_url(case, "/calendars?done=revoked"), status_code=303)

    @post("/cases/{case_id:uuid}/calendars/{subscription_id:uuid}/replace")
    async def calendar_replace(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID, subscription_id: UUID
    ) -> Template:
        case = await case_services.get_case(db_session, case_id)
        sub = await services.get_subscription(db_session, case, subscription_id)
        try:
            new, token = await services.replace(db_session, case, sub, request.user, connection=request)
        except InputError as exc:
            return await self._calendars_page(db_session, request, case, errors=exc.errors)
        return self._subscribe_page(
            request, case, new, await db_session.get(FamilyMember, new.family_member_id), token
        )


class CaseloadHearingPages(Controller):
    """Pages across the caseload rather than one case: the next 14 days, and the worker's own calendar."""

    include_in_schema = False

    @get("/hearings/upcoming")
    async def upcoming(self, db_session: AsyncSession, request: Request[User, Any, Any]) -> Template:
        rows = await services.upcoming(db_session, request.user, days=14)
        for case_id in dict.fromkeys(r.case.id for r in rows):
            audit.record(
                db_session, "case.listed", actor_id=request.user.id, case_id=case_id, connection=request
            )
        return Template(
            template_name="upcoming.html",
            context={
                "user": request.user,
                "title": _("Hearings in the next 14 days"),
                "nav": "upcoming",
                "rows": rows,
                "today": dt.datetime.now(i18n.LONDON).date(),
                **_helpers(),
            },
        )

    @get("/account/calendar")
    async def my_calendar(self, db_session: AsyncSession, request: Request[User, Any, Any]) -> Template:
        return Template(
            template_name="my_calendar.html",
            context={
                "user": request.user,
                "title": _("Your calendar of hearings"),
                "nav": "account",
                "subscription": await services.worker_subscription(db_session, request.user),
                "links": None,
            },
        )

    @post("/account/calendar")
    async def my_calendar_new(self, db_session: AsyncSession, request: Request[User, Any, Any]) -> Template:
        sub, token = await services.new_worker_subscription(db_session, request.user, connection=request)
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
    async def my_calendar_revoke(
        self, db_session: AsyncSession, request: Request[User, Any, Any]
    ) -> Redirect:
        sub = await services.worker_subscription(db_session, request.user)
        if sub is not None:
            await services.revoke(db_session, sub, request.user, connection=request)
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
async def calendar_feed(
    db_session: AsyncSession, request: Request[Any, Any, Any], filename: str
) -> Response[bytes]:
    """A subscribed calendar. The token in the address is the only key; unknown or revoked: 404.

    Too many unknown tokens from one network address get 429 (limits.py), so tokens cannot be guessed.
    Any Accept header (or none, as Google's fetcher sends) gets the feed. Unchanged bytes keep their
    ETag and Last-Modified, and a matching If-None-Match or If-Modified-Since gets 304.
    """
    settings = request.app.state["settings"]
    await limits.refuse_if_guessing(db_session, request, settings)
    token = filename.removesuffix(".ics") if filename.endswith(".ics") else ""
    sub = await services.subscription_by_token(db_session, token) if token else None
    if sub is None:
        await limits.count_guess(db_session, request, settings)
        raise NotFoundException("No calendar was found at this address.")
    now = utcnow()
    sub.last_fetched_at = now
    # Counted in the database, so two apps fetching at the same moment count twice, not once.
    sub.fetch_count = CalendarSubscription.fetch_count + 1  # type: ignore[assignment]
    key = await feeds.fingerprint(db_session, sub, now)
    body: bytes | None = None
    if key != sub.content_key or sub.content_etag is None or sub.content_changed_at is None:
        feed = await feeds.build_for(db_session, sub, now)
        body = feed.body
        if sub.content_etag != feed.etag or sub.content_changed_at is None:
            # Last-Modified moves forward only, and only when the bytes change.
            sub.content_etag = feed.etag
            sub.content_changed_at = max(now, sub.content_changed_at or now)
        sub.content_key = key
    assert sub.content_etag is not None and sub.content_changed_at is not None
    audit.record(
        db_session, "calendar.fetched", actor_id=None, case_id=sub.case_id, target=sub, connection=request
    )
    headers = {
        "ETag": sub.content_etag,
        "Last-Modified": format_datetime(sub.content_changed_at.astimezone(dt.UTC), usegmt=True),
        "Cache-Control": "private, no-cache",
    }
    if _not_modified(request, sub.content_etag, sub.content_changed_at):
        # Unchanged since the copy the calendar app holds: nothing is built.
        return Response(b"", status_code=304, headers=headers)
    if body is None:
        body = (await feeds.build_for(db_session, sub, now)).body
    return Response(body, media_type=ICS_MEDIA_TYPE, headers=headers)
