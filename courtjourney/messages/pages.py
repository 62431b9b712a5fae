"""The messages pages: a case's messages (what went, to whom, how, whether they have seen it), how each
family member may be reached, writing a message with a preview of exactly what arrives, and the
family's own "Got it" page behind the link in each notice."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit, limits
from courtjourney.accounts.audit import Actor
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.cases.services import family_for
from courtjourney.db.rows import one_of_case
from courtjourney.errors import NotFound
from courtjourney.i18n import N_, long_datetime, set_locale
from courtjourney.i18n import gettext as _
from courtjourney.messages import forms, rules, services, texts
from courtjourney.messages.models import OutboxMessage
from courtjourney.web.pages import Form, FormPage, case_url, saved

REACH = FormPage(
    N_("How they can be reached"),
    forms.REACH,
    "/members/{family_member_id}/reach",
    intro=N_(
        "Messages go only on a channel they agreed to and that is safe, and only inside their safe times. "
        "Notices of hearing changes go to everyone the hearing affects."
    ),
    button=N_("Save"),
)
WRITE = FormPage(
    N_("Write a message"),
    forms.WRITE,
    "/messages/new",
    intro=N_("You will see exactly what arrives before it goes."),
    button=N_("Preview the message"),
    template="message_write.html",
)


def messages_url(case: Case) -> str:
    return case_url(case, "/messages")


def to_hint(message: OutboxMessage) -> str:
    """The end of the address, enough for the worker to know which: '...0123', 'mo...@example.org'."""
    address = message.to_address
    if message.channel == "sms":
        return "…" + address[-4:]
    name, _at, domain = address.partition("@")
    return f"{name[:2]}…@{domain}"


class MessagePages(Controller):
    path = "/cases/{case_id:uuid}"
    include_in_schema = False

    @get("/messages")
    async def list_messages(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case: Case
    ) -> Template:
        members = await family_for(db_session, case.id)
        reach = await services.reach_for(db_session, [m.id for m in members])
        found = await services.messages_for(db_session, case.id)
        return Template(
            template_name="messages.html",
            context={
                "user": request.user,
                "title": _("Messages to the family"),
                "case": case,
                "messages": found,
                "members": members,
                "names": {m.id: m.name for m in members},
                "reach": reach,
                "channels": {m.id: services.usable_channels(reach.get(m.id)) for m in members},
                "text_of": services.text_of,
                "status_words": services.status_words,
                "to_hint": to_hint,
                "shown_phone": rules.shown_phone,
                "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
                "flash": request.query_params.get("done") and _("Saved."),
            },
        )

    @get("/members/{family_member_id:uuid}/reach")
    async def reach_form(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case: Case, family_member_id: UUID
    ) -> Template:
        member = await one_of_case(db_session, FamilyMember, case.id, family_member_id, "family member")
        reach = (await services.reach_for(db_session, [member.id])).get(member.id)
        return REACH.show(
            request,
            case,
            values=services.reach_values(reach),
            intro=_("How %(name)s can be reached.") % {"name": member.name} + " " + _(REACH.intro),
            family_member_id=member.id,
        )

    @post("/members/{family_member_id:uuid}/reach")
    async def set_reach(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        actor: Actor,
        case: Case,
        family_member_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        member = await one_of_case(db_session, FamilyMember, case.id, family_member_id, "family member")
        return await REACH.submit(
            request,
            case,
            data,
            save=lambda values: services.set_reach(db_session, actor, case, member, values),
            done=saved(messages_url(case), f"member-{member.id}"),
            family_member_id=member.id,
        )

    @get("/messages/new")
    async def write_form(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case: Case
    ) -> Template:
        members = await family_for(db_session, case.id)
        return WRITE.show(
            request,
            case,
            values={"member_id": str(members[0].id) if len(members) == 1 else ""},
            options={"member_id": [(str(m.id), m.name) for m in members]},
            extra={"preview": None},
        )

    @post("/messages/new")
    async def write(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        """First a preview (nothing kept), then, with `send`, the message goes into the outbox."""
        members = await family_for(db_session, case.id)
        options = {"member_id": [(str(m.id), m.name) for m in members]}
        sending = data.get("send") == "yes"

        async def answer(message: OutboxMessage) -> Template | Redirect:
            if sending:
                return Redirect(saved(messages_url(case), f"message-{message.id}"), status_code=303)
            return WRITE.show(
                request,
                case,
                values=data,
                options=options,
                extra={"preview": message, "preview_text": message.body, "to_hint": to_hint(message)},
            )

        return await WRITE.submit(
            request,
            case,
            data,
            save=lambda values: services.write_message(db_session, actor, case, values, dry_run=not sending),
            answer=answer,
            options=options,
            extra={"preview": None},
        )

    @post("/messages/{message_id:uuid}/sent-by-hand")
    async def sent_by_hand(
        self, db_session: AsyncSession, actor: Actor, case: Case, message_id: UUID
    ) -> Redirect:
        message = await services.get_message(db_session, case, message_id)
        await services.sent_by_hand(db_session, actor, case, message)
        return Redirect(saved(messages_url(case), f"message-{message.id}"), status_code=303)


async def _family_message(db: AsyncSession, request: Request[Any, Any, Any], token: str) -> OutboxMessage:
    settings = request.app.state["settings"]
    await limits.refuse_if_guessing(db, request, settings)
    message = await services.by_token(db, token)
    if message is None or message.status == "cancelled":
        await limits.count_guess(db, request, settings)
        raise NotFound("This link has ended. Ask your support worker if you need to know more.")
    set_locale(message.language)  # the page is for the family member: in their language
    return message


def _family_page(request: Request[Any, Any, Any], message: OutboxMessage, *, thanks: bool) -> Template:
    words = texts.page_words(message.language)
    return Template(
        template_name="message_ack.html",
        context={
            "user": None,
            "title": words["title"],
            "words": words,
            "text": services.text_of(message),
            "message": message,
            "thanks": thanks,
            "seen_on": long_datetime(message.acknowledged_at, message.language)
            if message.acknowledged_at
            else "",
            "breadcrumbs": [],
            "lang": message.language,
        },
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@get("/m/{token:str}", opt={"exclude_from_auth": True}, include_in_schema=False)
async def family_message(db_session: AsyncSession, request: Request[Any, Any, Any], token: str) -> Template:
    """The family's page behind a notice's link: the message in plain words and a "Got it" button."""
    message = await _family_message(db_session, request, token)
    audit.record(
        db_session, "message.opened", Actor.of(None, request), case_id=message.case_id, target=message
    )
    return _family_page(request, message, thanks=False)


@post("/m/{token:str}", opt={"exclude_from_auth": True}, include_in_schema=False)
async def family_got_it(db_session: AsyncSession, request: Request[Any, Any, Any], token: str) -> Template:
    message = await _family_message(db_session, request, token)
    await services.acknowledge(db_session, Actor.of(None, request), message)
    return _family_page(request, message, thanks=True)
