"""The dispatcher: sends what is due from the outbox, once.

A pass claims due messages in a short transaction of its own (status `sending`, a claim token, the
time), commits, then sends each and records the answer in another short transaction. Two processes
never claim the same row: on PostgreSQL the claim reads with FOR UPDATE SKIP LOCKED; on both databases
the claiming UPDATE only takes rows still unclaimed, and the pass then works on the rows that carry
its own token.

A process that dies mid-send leaves its rows `sending`; after COURTJOURNEY_MESSAGE_LEASE_SECONDS any
pass takes them up again. Before resending, Notify is asked whether it already has a message with our
reference (then it is only marked sent). Email carries the same Message-ID on every attempt. A message
the mail server had not yet accepted when the process died (mid-conversation) was never delivered: it
goes once, on the retry. The one window left is between the mail server's "250 accepted" and our
commit a few milliseconds later; a copy sent in it has the same Message-ID, which mail programs show once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from courtjourney.accounts import audit
from courtjourney.accounts.audit import SYSTEM
from courtjourney.db.base import utcnow
from courtjourney.messages import channels, rules
from courtjourney.messages.models import OutboxMessage
from courtjourney.messages.services import plan_reminders, text_of
from courtjourney.settings import Settings

log = logging.getLogger("courtjourney.messages")


@dataclass
class Pass:
    """What one pass did (counts only: nothing about who or what)."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    found_sent: int = 0  # taken up after a crash, and Notify already had it
    claimed: int = 0
    reminders: int = 0  # reminders written by this pass (services.plan_reminders)


def _due(now: dt.datetime, lease: dt.timedelta) -> ColumnElement[bool]:
    return or_(
        (OutboxMessage.status == "queued") & (OutboxMessage.due_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - lease),
    )


async def claim(
    db: AsyncSession, settings: Settings, *, limit: int, now: dt.datetime
) -> tuple[str, list[tuple[UUID, bool]]]:
    """Claim up to `limit` due messages for this pass: (its token, [(id, taken up after a crash)])."""
    lease = dt.timedelta(seconds=settings.message_lease_seconds)
    query = (
        select(OutboxMessage.id, OutboxMessage.status)
        .where(_due(now, lease))
        .order_by(OutboxMessage.due_at)
        .limit(limit)
    )
    if not settings.is_sqlite:
        query = query.with_for_update(skip_locked=True)
    found = {row.id: row.status == "sending" for row in await db.execute(query)}
    if not found:
        return "", []
    token = secrets.token_hex(8)
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(found)), _due(now, lease))
        .values(status="sending", claimed_by=token, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    mine = list(
        await db.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.claimed_by == token, OutboxMessage.status == "sending"
            )
        )
    )
    return token, [(i, found[i]) for i in mine]


async def _finish(db: AsyncSession, message_id: UUID, token: str, **values: object) -> OutboxMessage | None:
    """Record an answer, only if the row is still this pass's (a slow pass never overwrites a newer one)."""
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return await db.get(OutboxMessage, message_id, populate_existing=True)


async def send_due(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    limit: int = 200,
    now: dt.datetime | None = None,
) -> Pass:
    """One pass over what is due now: first the day's reminders are written (once each), then what is due goes."""
    done = Pass()
    now = now or utcnow()
    async with sessions() as db, db.begin():
        done.reminders = len(await plan_reminders(db, now=now))
    async with sessions() as db, db.begin():
        token, claimed = await claim(db, settings, limit=limit, now=now)
    done.claimed = len(claimed)
    if not claimed:
        return done
    async with channels.senders(settings) as senders:
        for message_id, after_crash in claimed:
            async with sessions() as db, db.begin():
                message = await db.get(
                    OutboxMessage, message_id
                )  # read, then the transaction ends before sending
            if message is None:
                continue
            result = await _send_one(settings, senders, message, after_crash, done)
            async with sessions() as db, db.begin():
                saved = await _finish(db, message_id, token, **result)
                action = {"sent": "message.sent", "failed": "message.failed"}.get(str(result["status"]))
                if saved is not None and action:
                    audit.record(db, action, SYSTEM, case_id=saved.case_id, target=saved)
            status = result["status"]
            if status == "sent":
                done.sent += 1
            elif status == "failed":
                done.failed += 1
            elif status == "queued":
                done.retry += 1
    log.info("messages pass: %d sent, %d to retry, %d failed", done.sent, done.retry, done.failed)
    return done


async def _send_one(
    settings: Settings,
    senders: dict[str, channels.Smtp | channels.Notify],
    message: OutboxMessage,
    after_crash: bool,
    done: Pass,
) -> dict[str, object]:
    """Send one message; what to record of it."""
    via = settings.channel_for(message.channel)
    sender = senders.get(via or "")
    if sender is None:
        # The channel was set up when it was written and is not now: keep it for the worker to send.
        return {"status": "hold", "claimed_by": None}
    try:
        known = (
            await sender.already_sent(message.reference)
            if after_crash and isinstance(sender, channels.Notify)
            else None
        )
        ref = known or await sender.send(message, text_of(message))
    except channels.SendFailed as exc:
        if exc.permanent or message.attempts > len(rules.RETRY_AFTER):
            return {"status": "failed", "last_error": exc.words[:200], "via": via}
        wait = rules.RETRY_AFTER[message.attempts - 1]
        return {"status": "queued", "due_at": utcnow() + wait, "last_error": exc.words[:200]}
    if known:
        done.found_sent += 1
    return {"status": "sent", "sent_at": utcnow(), "via": via, "provider_ref": ref[:80], "last_error": None}


async def run_forever(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """`courtjourney serve`'s loop: a pass every COURTJOURNEY_DISPATCH_SECONDS, until cancelled."""
    while True:
        try:
            await send_due(sessions, settings)
        except asyncio.CancelledError:
            raise
        except Exception:  # a database hiccup must not end the loop; the next pass tries again
            log.exception("messages pass failed")
        await asyncio.sleep(settings.dispatch_seconds)
