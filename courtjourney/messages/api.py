"""The messages JSON API under /api/cases/{case_id}/messages. Thin: check, call the service, answer."""

from __future__ import annotations

from litestar import Controller, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.cases.models import Case
from courtjourney.messages import forms, schemas, services
from courtjourney.messages.models import OutboxMessage
from courtjourney.messages.pages import to_hint
from courtjourney.web.forms import clean
from courtjourney.web.schemas import dump


def message_out(message: OutboxMessage) -> schemas.MessageOut:
    return dump(
        schemas.MessageOut,
        message,
        to_hint=to_hint(message),
        status_words=services.status_words(message),
        text=services.text_of(message),
    )


class MessageApi(Controller):
    path = "/api/cases/{case_id:uuid}/messages"
    tags = ["Messages"]

    @get(
        "/",
        summary="Messages to the family, newest first: to whom, how, status, and when they said they had seen it",
    )
    async def list_messages(self, db_session: AsyncSession, case: Case) -> list[schemas.MessageOut]:
        return [message_out(m) for m in await services.messages_for(db_session, case.id)]

    @post(
        "/",
        summary="Write a message to one family member (it goes inside their safe times, on a channel they agreed to)",
        status_code=201,
    )
    async def write(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewMessage
    ) -> schemas.MessageOut:
        values = clean(forms.WRITE[1:], {"text": data.text})
        values.update(member_id=data.member_id, channel=data.channel)
        return message_out(await services.write_message(db_session, actor, case, values))
