"""The hearings JSON API under /api/cases/{case_id}/... and /api/hearings. Thin: check, call the service, answer."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post, put
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.cases.models import Case
from courtjourney.db import spool
from courtjourney.db.base import utcnow
from courtjourney.documents.routes import DocumentOut, document_out
from courtjourney.errors import InputError
from courtjourney.hearings import forms, schemas, services, story
from courtjourney.hearings.models import CalendarSubscription, Hearing, HearingChange, Proceeding
from courtjourney.hearings.pages import AfterChange, IncidentsForPack, feed_links
from courtjourney.hearings.schemas import Short
from courtjourney.i18n import gettext as _
from courtjourney.web.forms import clean
from courtjourney.web.schemas import Body, Out, Text, dump

SCHEDULE_KEYS = ("listing", "date", "start_time", "end_time", "window_start", "window_end")


def _strings(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, UUID) else v) for k, v in data.items()}


def proceeding_out(p: Proceeding) -> schemas.ProceedingOut:
    return dump(schemas.ProceedingOut, p, defendants=p.defendant_labels)


async def hearing_out(db: AsyncSession, h: Hearing) -> schemas.HearingOut:
    attendance = await services.attendance_for(db, h.id)
    return dump(
        schemas.HearingOut,
        h,
        when=story.hearing_when(h),
        attendance=[schemas.AttendanceOut(family_member_id=k, attendance=v) for k, v in attendance.items()],
    )


def change_out(c: HearingChange, h: Hearing, sequence: int) -> schemas.ChangeOut:
    delay = services.telling_delay(c)
    return dump(
        schemas.ChangeOut,
        c,
        story=story.change_story(c, h),
        changes=json.loads(c.changes),
        working_days_to_tell=delay.working_days,
        told_late=delay.late,
        sequence=sequence,
    )


def subscription_out(s: CalendarSubscription) -> schemas.SubscriptionOut:
    return dump(schemas.SubscriptionOut, s)


class HearingApi(Controller):
    path = "/api/cases/{case_id:uuid}"
    tags = ["Hearings"]

    # The lists read by case_id alone: the guard has cleared it, and they need nothing else of the case.
    @get("/proceedings", summary="The case's proceedings")
    async def list_proceedings(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.ProceedingOut]:
        return [proceeding_out(p) for p in await services.proceedings_for(db_session, case_id)]

    @post("/proceedings", summary="Add a proceeding", status_code=201)
    async def add_proceeding(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        data: schemas.NewProceeding,
    ) -> schemas.ProceedingOut:
        values = clean(forms.PROCEEDING, data.to_dict())
        return proceeding_out(await services.add_proceeding(db_session, actor, case, values))

    @get("/proceedings/{proceeding_id:uuid}/charges", summary="A proceeding's charges")
    async def list_charges(
        self, db_session: AsyncSession, case: Case, proceeding_id: UUID
    ) -> list[schemas.ChargeOut]:
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        return [
            dump(schemas.ChargeOut, c)
            for c in await services.charges_for(db_session, case.id)
            if c.proceeding_id == proceeding.id
        ]

    @post("/proceedings/{proceeding_id:uuid}/charges", summary="Add a charge", status_code=201)
    async def add_charge(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        proceeding_id: UUID,
        data: schemas.NewCharge,
    ) -> schemas.ChargeOut:
        values = clean(forms.CHARGE, data.to_dict())
        proceeding = await services.get_proceeding(db_session, case, proceeding_id)
        return dump(
            schemas.ChargeOut,
            await services.add_charge(db_session, actor, case, proceeding, values),
        )

    @get("/hearings", summary="The case's hearings, in date order")
    async def list_hearings(self, db_session: AsyncSession, case_id: UUID) -> list[schemas.HearingOut]:
        return [await hearing_out(db_session, h) for h in await services.hearings_for(db_session, case_id)]

    @post("/hearings", summary="Add a hearing", status_code=201)
    async def add_hearing(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        data: schemas.NewHearing,
    ) -> schemas.HearingOut:
        values = clean(forms.NEW_HEARING, _strings(data.to_dict()))
        hearing = await services.add_hearing(db_session, actor, case, values)
        return await hearing_out(db_session, hearing)

    @get("/hearings/{hearing_id:uuid}", summary="One hearing")
    async def get_hearing(self, db_session: AsyncSession, case: Case, hearing_id: UUID) -> schemas.HearingOut:
        return await hearing_out(db_session, await services.get_hearing(db_session, case, hearing_id))

    @patch(
        "/hearings/{hearing_id:uuid}",
        summary="Change a hearing (move it, change its status or place) with a reason",
    )
    async def change_hearing(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: schemas.HearingChangeIn,
        after_hearing_change: AfterChange,
    ) -> schemas.ChangeOut:
        hearing = await services.hearing_for_change(db_session, case, hearing_id)
        sent = _strings(data.to_dict())
        if set(sent) & set(SCHEDULE_KEYS):
            # A move may send only what moves (say, a new date): the rest of the listing stays as it is.
            current = services.form_values(hearing)
            sent = {**{k: current[k] or None for k in SCHEDULE_KEYS}, **sent}
        values = clean(forms.CHANGE_HEARING, sent, partial=True)
        change = await services.change_and_tell(
            db_session, actor, case, hearing, values, after_hearing_change
        )
        return change_out(change, hearing, hearing.sequence)

    @get(
        "/hearings/{hearing_id:uuid}/changes",
        summary="Every change to a hearing, oldest first, in plain words",
    )
    async def list_changes(
        self, db_session: AsyncSession, case: Case, hearing_id: UUID
    ) -> list[schemas.ChangeOut]:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        changes = await services.changes_for(db_session, hearing.id)
        sequences = services.sequences(changes)
        return [change_out(c, hearing, sequences[c.id]) for c in changes]

    @post(
        "/hearings/{hearing_id:uuid}/told",
        summary="Record that the family has been told of the latest changes",
        status_code=200,
    )
    async def told(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: schemas.ToldIn,
    ) -> schemas.ChangeOut:
        values = clean(forms.TOLD, {"told_at": data.told_at or utcnow()})
        hearing = await services.get_hearing(db_session, case, hearing_id)
        told = await services.record_told(db_session, actor, case, hearing, values["told_at"])
        return change_out(
            told, hearing, services.sequences(await services.changes_for(db_session, hearing.id))[told.id]
        )

    @put(
        "/hearings/{hearing_id:uuid}/attendance",
        summary="Who is needed at, wants to go to or follows this hearing",
    )
    async def attendance(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: list[schemas.AttendanceIn],
    ) -> schemas.HearingOut:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        wanted: dict[UUID, str | None] = {}
        for n, row in enumerate(data):
            if row.family_member_id is None:
                raise InputError({f"{n}.family_member_id": _("Choose a family member of this case.")})
            wanted[row.family_member_id] = row.attendance or None
        await services.set_attendance(db_session, actor, case, hearing, wanted)
        return await hearing_out(db_session, hearing)

    @get("/subscriptions", summary="The family's calendar subscriptions (never their addresses)")
    async def list_subscriptions(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case_id: UUID
    ) -> list[schemas.SubscriptionOut]:
        await spool.flush_all(request.app.state, db_session)  # each one's count and "last checked", to now
        return [subscription_out(s) for s in await services.subscriptions_for(db_session, case_id)]

    @post(
        "/subscriptions",
        summary="Make a calendar address for a family member (shown this once)",
        status_code=201,
    )
    async def subscribe(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        data: schemas.NewSubscription,
    ) -> schemas.NewSubscriptionOut:
        values = clean(forms.SUBSCRIBE, _strings(data.to_dict()))
        sub, token = await services.subscribe(db_session, actor, case, values)
        links = feed_links(request, token)
        return schemas.NewSubscriptionOut(
            subscription=subscription_out(sub),
            token=token,
            https_url=links["https"],
            webcal_url=links["webcal"],
        )

    @post(
        "/subscriptions/{subscription_id:uuid}/revoke", summary="Turn a calendar address off", status_code=200
    )
    async def revoke(
        self, db_session: AsyncSession, actor: Actor, case: Case, subscription_id: UUID
    ) -> schemas.SubscriptionOut:
        sub = await services.get_subscription(db_session, case, subscription_id)
        await services.revoke(db_session, actor, sub)
        return subscription_out(sub)

    @post(
        "/subscriptions/{subscription_id:uuid}/replace",
        summary="Turn a calendar address off and make a new one",
        status_code=201,
    )
    async def replace(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        subscription_id: UUID,
    ) -> schemas.NewSubscriptionOut:
        sub = await services.get_subscription(db_session, case, subscription_id)
        new, token = await services.replace(db_session, actor, case, sub)
        links = feed_links(request, token)
        return schemas.NewSubscriptionOut(
            subscription=subscription_out(new),
            token=token,
            https_url=links["https"],
            webcal_url=links["webcal"],
        )


class UpcomingApi(Controller):
    path = "/api/hearings"
    tags = ["Hearings"]

    @get("/upcoming", summary="Hearings in the next days across the cases you may see")
    async def upcoming(
        self, db_session: AsyncSession, actor: Actor, days: int = 14
    ) -> list[schemas.UpcomingOut]:
        if not 1 <= days <= 90:
            raise InputError({"days": _("Days must be a whole number from 1 to 90.")})
        rows = await services.upcoming(db_session, actor, days=days)
        await audit.record_listed(db_session, actor, (r.case.id for r in rows))
        return [
            schemas.UpcomingOut(
                case_id=r.case.id,
                case_reference=r.case.reference,
                hearing=await hearing_out(db_session, r.hearing),
            )
            for r in rows
        ]


class MeasureIn(Body):
    measure: Short | None = None
    status: Short | None = None
    notes: Text | None = None


class MeasureOut(Out):
    id: UUID
    measure: str
    status: str
    notes: str | None


class WitnessPackIn(Body):
    separate_entrance: bool = False
    separate_waiting: bool = False
    keep_apart: Text | None = None
    include_narratives: bool = False


class HearingDocumentsApi(Controller):
    path = "/api/cases/{case_id:uuid}"
    tags = ["Documents"]

    @get("/special-measures", summary="Special measures for the child: applied for, granted or refused")
    async def list_measures(self, db_session: AsyncSession, case_id: UUID) -> list[MeasureOut]:
        return [dump(MeasureOut, m) for m in await services.measures_for(db_session, case_id)]

    @post("/special-measures", summary="Record a special measure", status_code=201)
    async def add_measure(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: MeasureIn
    ) -> MeasureOut:
        values = clean(forms.SPECIAL_MEASURE, data.to_dict())
        return dump(MeasureOut, await services.add_measure(db_session, actor, case, values))

    @post(
        "/hearings/{hearing_id:uuid}/briefings",
        summary="Make a briefing for each family member going, in their language",
        status_code=201,
    )
    async def briefings(
        self, db_session: AsyncSession, actor: Actor, case: Case, hearing_id: UUID
    ) -> list[DocumentOut]:
        hearing = await services.get_hearing(db_session, case, hearing_id)
        return [document_out(d) for d in await services.make_briefings(db_session, actor, case, hearing)]

    @post(
        "/hearings/{hearing_id:uuid}/witness-pack",
        summary="Make the Witness Service pack for a trial (needs consent)",
        status_code=201,
    )
    async def witness_pack(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        hearing_id: UUID,
        data: WitnessPackIn,
        incidents_for_pack: IncidentsForPack,
    ) -> DocumentOut:
        choices = clean(forms.WITNESS_PACK, data.to_dict())
        hearing = await services.get_hearing(db_session, case, hearing_id)
        return document_out(
            await services.make_witness_pack(
                db_session, actor, case, hearing, choices, incidents=incidents_for_pack
            )
        )
