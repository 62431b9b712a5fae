"""The referral table. Names, the referrer's details, the reasons and the safe way to make contact
are encrypted at rest; the source, urgency, status and dates are plain, so the queue and the report
can be counted without decrypting anything."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base, DateTimeUTC, Secret, SecretText


class Referral(Base):
    """One family referred to the service, from when it was received to accepted, declined or withdrawn.

    `case_id` is the case it was accepted into (a case opened from a referral has one, at most);
    `first_contact_at` is the first contact that reached the family on that case, kept by the contact log."""

    __tablename__ = "referral"
    # The queue reads a team's referrals by status, the report by when they were received.
    __table_args__ = (Index("ix_referral_team_id_status", "team_id", "status"),)
    team_id: Mapped[UUID] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    source: Mapped[str] = mapped_column(String(32))
    referrer_name: Mapped[str | None] = mapped_column(Secret(200), default=None)
    referrer_organisation: Mapped[str | None] = mapped_column(Secret(200), default=None)
    referrer_contact: Mapped[str | None] = mapped_column(Secret(300), default=None)
    parent_first_name: Mapped[str] = mapped_column(Secret(120))
    parent_relationship: Mapped[str | None] = mapped_column(String(40), default=None)
    child_first_name: Mapped[str] = mapped_column(Secret(120))
    child_birth_date: Mapped[str | None] = mapped_column(Secret(10), default=None)  # ISO date, encrypted
    reason: Mapped[str] = mapped_column(SecretText())
    consent: Mapped[bool] = mapped_column(Boolean)
    consent_recorded_by_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    consent_recorded_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    safe_contact: Mapped[str | None] = mapped_column(SecretText(), default=None)
    safe_contact_confirmed_by_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    safe_contact_confirmed_at: Mapped[dt.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    urgency: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    decision_reason: Mapped[str | None] = mapped_column(SecretText(), default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    decided_by_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    waiting_since: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    waiting_for: Mapped[str | None] = mapped_column(SecretText(), default=None)
    case_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), default=None, unique=True
    )
    first_contact_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    @property
    def birth_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.child_birth_date) if self.child_birth_date else None

    @property
    def safe_contact_confirmed(self) -> bool:
        return self.safe_contact_confirmed_at is not None
