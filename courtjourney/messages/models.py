"""Messages tables. Numbers, addresses and every message's text are encrypted at rest.

`MemberReach` is one row per family member: how they may be reached, on which channel they agreed to
messages (who recorded it, when), whether each channel is safe, and their safe times. `OutboxMessage`
is one message, written in the transaction of the change that caused it and sent later by the
dispatcher (dispatch.py). Every table carries `case_id`, so purging a case finds all of them.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base, DateTimeUTC, Secret, SecretText


class MemberReach(Base):
    """How one family member can be reached, and when it is safe to."""

    __tablename__ = "member_reach"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[UUID] = mapped_column(ForeignKey("family_member.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str | None] = mapped_column(Secret(40), default=None)  # E.164
    email: Mapped[str | None] = mapped_column(Secret(254), default=None)
    # Agreement to messages on each channel: when and by whom it was recorded (None: not agreed, or withdrawn).
    sms_agreed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    sms_agreed_by_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    email_agreed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    email_agreed_by_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    # Someone else may read this phone or mailbox: not safe means never used, whatever was agreed.
    phone_safe: Mapped[bool] = mapped_column(Boolean, default=False)
    email_safe: Mapped[bool] = mapped_column(Boolean, default=False)
    safe_from: Mapped[dt.time] = mapped_column(Time, default=dt.time(9, 0))
    safe_until: Mapped[dt.time] = mapped_column(Time, default=dt.time(19, 0))
    weekends: Mapped[bool] = mapped_column(Boolean, default=False)
    # discreet: nothing in a message says court, names the child or the case; standard: it may say court.
    discretion: Mapped[str] = mapped_column(String(16), default="discreet")


class OutboxMessage(Base):
    """One message to one family member on one channel, from the moment it is written to its delivery."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # The dispatcher's question: what is queued and due, oldest first.
        Index("ix_outbox_message_status_due_at", "status", "due_at"),
        Index("ix_outbox_message_case_id_created_at", "case_id", "created_at"),
    )
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="SET NULL"), index=True, default=None
    )
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    to_address: Mapped[str] = mapped_column(Secret(254))
    subject: Mapped[str | None] = mapped_column(Secret(200), default=None)
    body: Mapped[str] = mapped_column(SecretText())
    kind: Mapped[str] = mapped_column(String(24))  # hearing_change | reminder | document | written
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8), default="en")
    due_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    # queued -> sending -> sent | failed; hold: no channel is set up, the worker copies it and sends it herself
    # (then sent_by_hand); cancelled: overtaken (a later change to the same hearing) or withdrawn.
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Plain words for the worker ("The number is not a mobile number"): never the address or the text.
    last_error: Mapped[str | None] = mapped_column(String(200), default=None)
    # The idempotency reference: the email's Message-ID and Notify's `reference`, the same on every attempt,
    # so a resend after a crash can be checked for (Notify) or is shown once by mail programs (Message-ID).
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    provider_ref: Mapped[str | None] = mapped_column(String(80), default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    via: Mapped[str | None] = mapped_column(String(16), default=None)  # smtp | notify | hand
    hearing_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("hearing.id", ondelete="SET NULL"), index=True, default=None
    )
    hearing_change_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("hearing_change.id", ondelete="SET NULL"), default=None
    )
    # The "Got it" link: only its SHA-256 is kept.
    ack_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    created_by_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
