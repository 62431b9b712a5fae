"""Hearing tables. Prosecution references, defendant labels, charges, notes and reasons are encrypted at rest.

Court names, towns and addresses are public facts and stay readable, so the next-14-days view and the
feeds can be built without decrypting every row.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base, DateTimeUTC, Secret, SecretText

UK = ZoneInfo("Europe/London")


class Proceeding(Base):
    """One prosecution: a trial of one or more defendants, or a retrial. A case can have several."""

    __tablename__ = "proceeding"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    court_name: Mapped[str] = mapped_column(String(120))
    court_town: Mapped[str] = mapped_column(String(80))
    court_address: Mapped[str | None] = mapped_column(String(300), default=None)
    court_type: Mapped[str] = mapped_column(String(16))
    urn: Mapped[str | None] = mapped_column(Secret(40), default=None)
    # Labels or initials only ("Defendant A", "J.S."), one per line.
    defendants: Mapped[str | None] = mapped_column(SecretText(), default=None)
    status: Mapped[str] = mapped_column(String(16), default="active")

    @property
    def defendant_labels(self) -> list[str]:
        return [line.strip() for line in (self.defendants or "").splitlines() if line.strip()]


class Charge(Base):
    __tablename__ = "charge"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    proceeding_id: Mapped[UUID] = mapped_column(ForeignKey("proceeding.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(SecretText())
    category: Mapped[str] = mapped_column(String(16))
    defendant: Mapped[str | None] = mapped_column(Secret(60), default=None)


class Hearing(Base):
    """One hearing. `uid` is the calendar UID for life: random, never derived from anything about the case."""

    __tablename__ = "hearing"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    proceeding_id: Mapped[UUID] = mapped_column(ForeignKey("proceeding.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    hearing_type: Mapped[str] = mapped_column(String(24))
    listing: Mapped[str] = mapped_column(String(16))  # fixed | warned | floating
    # Fixed and floating: start (and expected end) in UTC. Warned list: the window's first and last day.
    starts_at: Mapped[dt.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None, index=True
    )
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    window_start: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    window_end: Mapped[dt.date | None] = mapped_column(Date, default=None)
    court_name: Mapped[str] = mapped_column(String(120))
    court_town: Mapped[str] = mapped_column(String(80))
    court_address: Mapped[str | None] = mapped_column(String(300), default=None)
    courtroom: Mapped[str | None] = mapped_column(String(40), default=None)
    status: Mapped[str] = mapped_column(String(16), default="listed")
    status_reason: Mapped[str | None] = mapped_column(SecretText(), default=None)
    accompanied_by: Mapped[str | None] = mapped_column(Secret(200), default=None)
    arrival_notes: Mapped[str | None] = mapped_column(SecretText(), default=None)
    # Calendar bookkeeping: SEQUENCE rises on every change of time, place or status; revised_at is the
    # time of the last change of anything a feed shows (DTSTAMP), so an unchanged feed is byte-identical.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    revised_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    @property
    def sort_day(self) -> dt.date:
        return sort_day(self.window_start, self.starts_at)


def uk_day(window_start: dt.date | None, starts_at: dt.datetime | None) -> dt.date | None:
    """The hearing's day in the UK: its warned window's first day, or the UK date it starts (None: neither)."""
    if window_start is not None:
        return window_start
    return starts_at.astimezone(UK).date() if starts_at is not None else None


def sort_day(window_start: dt.date | None, starts_at: dt.datetime | None) -> dt.date:
    """The day a hearing sorts by: its warned window's first day, or the day it starts."""
    if window_start is not None:
        return window_start
    assert starts_at is not None
    return starts_at.date()


class HearingChange(Base):
    """One change to a hearing (its listing is the first): old and new values, who, when, why, and
    when the change became known and when the family was told. Only `told_at` is ever filled in later."""

    __tablename__ = "hearing_change"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    hearing_id: Mapped[UUID] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # listed | moved | status | details
    changes: Mapped[str] = mapped_column(SecretText())  # JSON {field: [old, new]}
    reason: Mapped[str | None] = mapped_column(SecretText(), default=None)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    changed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    known_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    told_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    told_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept in plain beside the encrypted `changes`, so counts (the quarterly report's notice bands) need
    # not decrypt it: the hearing's day (UK) as this change left it, and whether it records the hearing
    # went ahead. Neither says more than the hearing's own plain `starts_at` and `status` do.
    day_after: Mapped[dt.date | None] = mapped_column(Date, default=None)
    went_ahead: Mapped[bool] = mapped_column(default=False, server_default=sa_false())


class Attendance(Base):
    """A family member at a hearing: needed there, wants to go, or only follows it in their calendar."""

    __tablename__ = "hearing_attendance"
    __table_args__ = (UniqueConstraint("hearing_id", "family_member_id"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    hearing_id: Mapped[UUID] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"), index=True)
    family_member_id: Mapped[UUID] = mapped_column(
        ForeignKey("family_member.id", ondelete="CASCADE"), index=True
    )
    attendance: Mapped[str] = mapped_column(String(16))  # needed | attending | following


class CalendarSubscription(Base):
    """A calendar feed: a family member's (case_id and family_member_id set) or a worker's own (user_id).

    The token is shown once; only its SHA-256 is kept. `content_etag` and `content_changed_at` make
    Last-Modified move forward only, and only when the feed's bytes change.
    """

    __tablename__ = "calendar_subscription"
    case_id: Mapped[UUID | None] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    family_member_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    privacy: Mapped[str] = mapped_column(String(16), default="discreet")
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    last_fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    fetch_count: Mapped[int] = mapped_column(Integer, default=0)
    content_etag: Mapped[str | None] = mapped_column(String(80), default=None)
    # A cheap fingerprint of what the feed was built from: when it still matches, the stored ETag is
    # still right, so a conditional request is answered 304 without building the feed again.
    content_key: Mapped[str | None] = mapped_column(String(64), default=None)
    content_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class SpecialMeasure(Base):
    """A special measure for the child's evidence (Youth Justice and Criminal Evidence Act 1999 ss.23-30):
    applied for, granted or refused. The briefing explains what it looks like on the day; the Witness
    Service pack lists it."""

    __tablename__ = "special_measure"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    measure: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(SecretText(), default=None)
