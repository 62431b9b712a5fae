"""The referrals JSON API under /api/referrals. Thin: check, call the service, answer.

Every address naming a referral passes the referral guard (access.py) first: another team's referral
answers 404, like one that does not exist."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.db.base import utcnow
from courtjourney.i18n import gettext as _
from courtjourney.referrals import forms, schemas, services
from courtjourney.referrals.access import provide_referral, referral_access_guard
from courtjourney.referrals.models import Referral
from courtjourney.web.errors import API_ERRORS
from courtjourney.web.forms import clean
from courtjourney.web.schemas import dump

MANAGERS_ONLY = {403: API_ERRORS[403]}


def referral_out(referral: Referral) -> schemas.ReferralOut:
    today = services.local_date(utcnow())
    return dump(
        schemas.ReferralOut,
        referral,
        child_birth_date=referral.birth_date,
        safe_contact_confirmed=referral.safe_contact_confirmed,
        days_waiting=services.days_waiting(referral, today),
        days_to_first_contact=services.days_to_first_contact(referral),
    )


def record_values(raw: dict[str, Any]) -> dict[str, Any]:
    """The body checked by the form's own fields (so errors read the same), in the shape the service takes."""
    consent = raw.get("consent")
    return clean(forms.RECORD, {**raw, "consent": None if consent is None else ("yes" if consent else "no")})


def _decider(actor: Actor, referral: Referral) -> None:
    if not services.may_decide(actor, referral):
        raise PermissionDeniedException(_(services.ONLY_MANAGERS))


class ReferralApi(Controller):
    path = "/api/referrals"
    tags = ["Referrals"]
    guards = [referral_access_guard]
    dependencies = {"referral": Provide(provide_referral)}

    @get(
        "/",
        summary="The team's referrals (a worker: those she recorded or supports), most urgent first",
        description="`status`: `open` (new and waiting, the default), one status, or `all`.",
    )
    async def list_referrals(
        self, db_session: AsyncSession, actor: Actor, status: schemas.StatusFilter = "open"
    ) -> list[schemas.ReferralOut]:
        return [referral_out(r) for r in await services.list_referrals(db_session, actor, status)]

    @post(
        "/",
        summary="Record a referral for your team (as received; it starts as new)",
        description="`received_at` defaults to now (without an offset it is UK time); `urgency` to routine. "
        "The referrer's name is needed unless `source` is `parent` (the parent got in touch themselves).",
        status_code=201,
    )
    async def record(
        self, db_session: AsyncSession, actor: Actor, data: schemas.NewReferral
    ) -> schemas.ReferralOut:
        referral = await services.record_referral(db_session, actor, record_values(data.to_dict()))
        return referral_out(referral)

    @get("/{referral_id:uuid}", summary="One referral, with its days waiting and time to first contact")
    async def show(self, referral: Referral) -> schemas.ReferralOut:
        return referral_out(referral)

    @get(
        "/{referral_id:uuid}/duplicates",
        summary="Possible duplicates (managers): the team's cases whose child has the same first name and date of birth",
        description="Found through the keyed name index; a case whose child's date of birth (or the referral's) "
        "is not recorded is listed with `same_birth_date` null.",
        responses=MANAGERS_ONLY,
    )
    async def duplicates(
        self, db_session: AsyncSession, actor: Actor, referral: Referral
    ) -> list[schemas.DuplicateOut]:
        _decider(actor, referral)
        found = await services.possible_duplicates(db_session, referral)
        await audit.record_listed(db_session, actor, [d.case.id for d in found])
        return [
            schemas.DuplicateOut(
                case_id=d.case.id,
                reference=d.case.reference,
                child_name=d.case.child_name,
                child_birth_date=d.case.birth_date,
                same_birth_date=d.same_birth_date,
            )
            for d in found
        ]

    @post(
        "/{referral_id:uuid}/accept",
        summary="Accept (managers): opens a case at risk assessment for the worker chosen, linked to the referral",
        status_code=200,
        responses=MANAGERS_ONLY,
    )
    async def accept(
        self, db_session: AsyncSession, actor: Actor, referral: Referral, data: schemas.AcceptIn
    ) -> schemas.ReferralOut:
        _decider(actor, referral)
        await services.accept_referral(db_session, actor, referral, data.to_dict())
        return referral_out(referral)

    @post(
        "/{referral_id:uuid}/decline",
        summary="Decline (managers), with the reason",
        status_code=200,
        responses=MANAGERS_ONLY,
    )
    async def decline(
        self, db_session: AsyncSession, actor: Actor, referral: Referral, data: schemas.ReasonIn
    ) -> schemas.ReferralOut:
        _decider(actor, referral)
        values = clean(forms.DECLINE, data.to_dict())
        return referral_out(await services.decline_referral(db_session, actor, referral, values))

    @post(
        "/{referral_id:uuid}/withdraw",
        summary="Mark withdrawn (managers): by the referrer or the family, with why if known",
        status_code=200,
        responses=MANAGERS_ONLY,
    )
    async def withdraw(
        self, db_session: AsyncSession, actor: Actor, referral: Referral, data: schemas.ReasonIn
    ) -> schemas.ReferralOut:
        _decider(actor, referral)
        values = clean(forms.WITHDRAW, data.to_dict())
        return referral_out(await services.withdraw_referral(db_session, actor, referral, values))

    @post(
        "/{referral_id:uuid}/wait",
        summary="Put a new referral on the waiting list (managers), with what it waits for if known",
        status_code=200,
        responses=MANAGERS_ONLY,
    )
    async def wait(
        self, db_session: AsyncSession, actor: Actor, referral: Referral, data: schemas.ReasonIn
    ) -> schemas.ReferralOut:
        _decider(actor, referral)
        values = clean(forms.WAIT, data.to_dict())
        return referral_out(await services.put_waiting(db_session, actor, referral, values))

    @post(
        "/{referral_id:uuid}/confirm-contact",
        summary="Confirm the safe way to make first contact (who and when are recorded)",
        description="Until it is confirmed, the contact log of a case opened from this referral records only "
        "attempts that did not reach the family.",
        status_code=200,
    )
    async def confirm_contact(
        self, db_session: AsyncSession, actor: Actor, referral: Referral, data: schemas.ConfirmContactIn
    ) -> schemas.ReferralOut:
        values = clean(forms.CONFIRM_CONTACT, data.to_dict(), partial=True)
        return referral_out(await services.confirm_safe_contact(db_session, actor, referral, values))
