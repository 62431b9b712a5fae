"""The referral pages: the queue (/referrals, most urgent first, filtered by status), the form staff record
a referral with, one referral's page, and its actions (accept, put on the waiting list, decline, withdraw,
confirm the safe way to make first contact), each a form of its own."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.services import names_for
from courtjourney.cases.forms import RELATIONSHIPS
from courtjourney.cases.models import Case
from courtjourney.db.base import utcnow
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.referrals import forms, rules, services
from courtjourney.referrals.access import provide_referral, referral_access_guard
from courtjourney.referrals.models import Referral
from courtjourney.web.pages import Form, FormPage

TEMPLATE = "referral_form.html"
RECORD = FormPage(
    N_("Record a referral"),
    forms.RECORD,
    "/referrals/new",
    intro=N_("Names stay encrypted. Only your team sees the referral."),
    button=N_("Save the referral"),
    defaults=forms.RECORD_DEFAULTS,
    template=TEMPLATE,
    errors_at={"team": "source"},
)
ACCEPT = FormPage(
    N_("Accept this referral"),
    forms.ACCEPT,
    "/referrals/{referral_id}/accept",
    intro=N_(
        "This opens a case at the first stage (risk assessment) for the person you choose, with the child "
        "and the parent from the referral."
    ),
    button=N_("Accept and open a case"),
    template=TEMPLATE,
    errors_at={"status": "worker_id", "consent": "worker_id"},
)
WAIT = FormPage(
    N_("Put this referral on the waiting list"),
    forms.WAIT,
    "/referrals/{referral_id}/wait",
    intro=N_("It stays undecided, and its days waiting go on counting."),
    button=N_("Put it on the waiting list"),
    template=TEMPLATE,
    errors_at={"status": "reason"},
)
DECLINE = FormPage(
    N_("Decline this referral"),
    forms.DECLINE,
    "/referrals/{referral_id}/decline",
    button=N_("Decline the referral"),
    template=TEMPLATE,
    errors_at={"status": "reason"},
)
WITHDRAW = FormPage(
    N_("Mark this referral withdrawn"),
    forms.WITHDRAW,
    "/referrals/{referral_id}/withdraw",
    button=N_("Mark it withdrawn"),
    template=TEMPLATE,
    errors_at={"status": "reason"},
)
CONFIRM = FormPage(
    N_("Confirm the safe way to make first contact"),
    forms.CONFIRM_CONTACT,
    "/referrals/{referral_id}/confirm-contact",
    intro=N_(
        "Until this is confirmed, the contact log of the family's case records only attempts that did not "
        "reach them: no call, visit or message that connects."
    ),
    button=N_("Save it as confirmed"),
    template=TEMPLATE,
    errors_at={"status": "safe_contact"},
)
DONE = {
    "recorded": N_("The referral is saved."),
    "accepted": N_("Accepted: the case is open."),
    "waiting": N_("The referral is on the waiting list."),
    "declined": N_("The referral is declined."),
    "withdrawn": N_("The referral is marked withdrawn."),
    "confirmed": N_("The safe way to make first contact is confirmed."),
}


def referral_url(referral: Referral, rest: str = "") -> str:
    return f"/referrals/{referral.id}{rest}"


def _crumbs(referral: Referral | None = None) -> list[tuple[str, str]]:
    crumbs = [("/referrals", _("Referrals"))]
    if referral is not None:
        crumbs.append((referral_url(referral), referral.child_first_name))
    return crumbs


def _labels() -> dict[str, Any]:
    def label(pairs: dict[str, str]) -> Any:
        return lambda key: _(pairs[key]) if key in pairs else (key or "")

    return {
        "source_label": label(rules.SOURCE_LABELS),
        "urgency_label": label(rules.URGENCY_LABELS),
        "status_label": label(rules.STATUS_LABELS),
        "relationship_label": label(dict(RELATIONSHIPS)),
    }


def _around(referral: Referral | None, **more: Any) -> dict[str, Any]:
    """What every referral form shows around its fields: the referral it is about, where Cancel goes."""
    return {
        "nav": "referrals",
        "breadcrumbs": _crumbs(referral),
        "referral": referral,
        "cancel": referral_url(referral) if referral is not None else "/referrals",
        "duplicates": None,
        "today": services.local_date(utcnow()),
        "days_waiting": services.days_waiting,
        **_labels(),
        **more,
    }


def _manager(actor: Actor, referral: Referral) -> None:
    if not services.may_decide(actor, referral):
        raise PermissionDeniedException(_(services.ONLY_MANAGERS))


async def _people(db: AsyncSession, referral: Referral) -> dict[str, list[tuple[str, str]]]:
    people = await services.team_people(db, referral.team_id)
    return {"worker_id": [(str(u.id), u.full_name) for u in people]}


async def _duplicates(db: AsyncSession, actor: Actor, referral: Referral) -> list[services.Duplicate]:
    found = await services.possible_duplicates(db, referral)
    await audit.record_listed(db, actor, [d.case.id for d in found])
    return found


class ReferralPages(Controller):
    path = "/referrals"
    include_in_schema = False
    guards = [referral_access_guard]
    dependencies = {"referral": Provide(provide_referral)}

    @get("/")
    async def queue(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, status: str = "open"
    ) -> Template:
        shown = status if status in dict(forms.STATUS_FILTER) else "open"
        found = await services.list_referrals(db_session, actor, shown)
        case_ids = [r.case_id for r in found if r.case_id]
        references: dict[Any, str] = {}
        if case_ids:
            references = dict(
                (await db_session.execute(select(Case.id, Case.reference).where(Case.id.in_(case_ids)))).all()
            )
        return Template(
            template_name="referrals.html",
            context={
                "user": request.user,
                "title": _("Referrals"),
                "nav": "referrals",
                "referrals": found,
                "shown": shown,
                "filters": [(key, _(label)) for key, label in forms.STATUS_FILTER],
                "references": references,
                "today": services.local_date(utcnow()),
                "days_waiting": services.days_waiting,
                "flash": _(DONE["recorded"]) if request.query_params.get("done") == "recorded" else None,
                **_labels(),
            },
        )

    @get("/new")
    async def record_form(self, request: Request[Any, Any, Any]) -> Template:
        return RECORD.show(request, None, extra=_around(None))

    @post("/new")
    async def record(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        return await RECORD.submit(
            request,
            None,
            data,
            save=lambda values: services.record_referral(db_session, actor, values),
            done=lambda referral: f"{referral_url(referral)}?done=recorded",
            extra=_around(None),
        )

    @get("/{referral_id:uuid}")
    async def show(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, referral: Referral
    ) -> Template:
        case = await db_session.get(Case, referral.case_id) if referral.case_id else None
        done = request.query_params.get("done")
        return Template(
            template_name="referral.html",
            context={
                "user": request.user,
                "title": _("Referral: %(name)s") % {"name": referral.child_first_name},
                "referral": referral,
                "case": case,
                "names": await names_for(db_session, services.people_named([referral])),
                "may_decide": services.may_decide(actor, referral),
                "undecided": referral.status in rules.OPEN,
                "days_to_first_contact": services.days_to_first_contact(referral),
                "flash": _(DONE[done]) if done in DONE else None,
                **_around(referral, breadcrumbs=_crumbs()),
            },
        )

    @get("/{referral_id:uuid}/accept")
    async def accept_form(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, referral: Referral
    ) -> Template:
        _manager(actor, referral)
        return ACCEPT.show(
            request,
            None,
            options=await _people(db_session, referral),
            extra=_around(referral, duplicates=await _duplicates(db_session, actor, referral)),
            referral_id=referral.id,
        )

    @post("/{referral_id:uuid}/accept")
    async def accept(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        actor: Actor,
        referral: Referral,
        data: Form,
    ) -> Template | Redirect:
        _manager(actor, referral)

        async def again() -> dict[str, Any]:
            return _around(referral, duplicates=await _duplicates(db_session, actor, referral))

        return await ACCEPT.submit(
            request,
            None,
            data,
            save=lambda values: services.accept_referral(db_session, actor, referral, values),
            done=f"{referral_url(referral)}?done=accepted",
            options=await _people(db_session, referral),
            extra=again,
            referral_id=referral.id,
        )

    async def _decision_form(
        self, page: FormPage, request: Request[Any, Any, Any], actor: Actor, referral: Referral
    ) -> Template:
        _manager(actor, referral)
        return page.show(request, None, extra=_around(referral), referral_id=referral.id)

    @get("/{referral_id:uuid}/wait")
    async def wait_form(self, request: Request[Any, Any, Any], actor: Actor, referral: Referral) -> Template:
        return await self._decision_form(WAIT, request, actor, referral)

    @post("/{referral_id:uuid}/wait")
    async def wait(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        actor: Actor,
        referral: Referral,
        data: Form,
    ) -> Template | Redirect:
        _manager(actor, referral)
        return await WAIT.submit(
            request,
            None,
            data,
            save=lambda values: services.put_waiting(db_session, actor, referral, values),
            done=f"{referral_url(referral)}?done=waiting",
            extra=_around(referral),
            referral_id=referral.id,
        )

    @get("/{referral_id:uuid}/decline")
    async def decline_form(
        self, request: Request[Any, Any, Any], actor: Actor, referral: Referral
    ) -> Template:
        return await self._decision_form(DECLINE, request, actor, referral)

    @post("/{referral_id:uuid}/decline")
    async def decline(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        actor: Actor,
        referral: Referral,
        data: Form,
    ) -> Template | Redirect:
        _manager(actor, referral)
        return await DECLINE.submit(
            request,
            None,
            data,
            save=lambda values: services.decline_referral(db_session, actor, referral, values),
            done=f"{referral_url(referral)}?done=declined",
            extra=_around(referral),
            referral_id=referral.id,
        )

    @get("/{referral_id:uuid}/withdraw")
    async def withdraw_form(
        self, request: Request[Any, Any, Any], actor: Actor, referral: Referral
    ) -> Template:
        return await self._decision_form(WITHDRAW, request, actor, referral)

    @post("/{referral_id:uuid}/withdraw")
    async def withdraw(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        actor: Actor,
        referral: Referral,
        data: Form,
    ) -> Template | Redirect:
        _manager(actor, referral)
        return await WITHDRAW.submit(
            request,
            None,
            data,
            save=lambda values: services.withdraw_referral(db_session, actor, referral, values),
            done=f"{referral_url(referral)}?done=withdrawn",
            extra=_around(referral),
            referral_id=referral.id,
        )

    @get("/{referral_id:uuid}/confirm-contact")
    async def confirm_form(self, request: Request[Any, Any, Any], referral: Referral) -> Template:
        return CONFIRM.show(
            request,
            None,
            values={"safe_contact": referral.safe_contact},
            extra=_around(referral),
            referral_id=referral.id,
        )

    @post("/{referral_id:uuid}/confirm-contact")
    async def confirm(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        actor: Actor,
        referral: Referral,
        data: Form,
    ) -> Template | Redirect:
        return await CONFIRM.submit(
            request,
            None,
            data,
            save=lambda values: services.confirm_safe_contact(db_session, actor, referral, values),
            done=f"{referral_url(referral)}?done=confirmed",
            extra=_around(referral),
            referral_id=referral.id,
        )
