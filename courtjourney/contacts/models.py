"""Contact log tables. Notes, places and every earlier version of a corrected entry are encrypted at rest.

What an entry was about is one nullable column per kind of thing (a hearing, an incident, a document,
a stage) rather than a type-and-id pair: the database itself then checks that each link points at a
real row of that table (a foreign key), an entry may be about more than one thing (the call about the
trial and the briefing sent for it), and a stage, which is a name and not a row, gets a column of its
own kind. Every table carries `case_id`, so purging a case finds all of them.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base, DateTimeUTC, SecretText


class ContactEntry(Base):
    """One contact with the family or about them, as it reads now (corrections keep what it said before)."""

    __tablename__ = "contact_log_entry"
    # The case's log and timeline read newest first a page at a time: (case_id, at) answers both.
    __table_args__ = (Index("ix_contact_log_entry_case_id_at", "case_id", "at"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    # Who from our side: the worker who made the contact and wrote it down.
    recorded_by_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    place: Mapped[str | None] = mapped_column(SecretText(), default=None)
    notes: Mapped[str | None] = mapped_column(SecretText(), default=None)
    about_hearing_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("hearing.id", ondelete="SET NULL"), default=None
    )
    about_incident_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("incident.id", ondelete="SET NULL"), default=None
    )
    about_document_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("produced_document.id", ondelete="SET NULL"), default=None
    )
    about_stage: Mapped[str | None] = mapped_column(String(24), default=None)
    # How many times it has been corrected (0: as first written).
    corrections: Mapped[int] = mapped_column(Integer, default=0)


class ContactMember(Base):
    """A family member the contact was with (or tried to reach)."""

    __tablename__ = "contact_log_member"
    __table_args__ = (UniqueConstraint("entry_id", "member_id"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[UUID] = mapped_column(ForeignKey("contact_log_entry.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[UUID] = mapped_column(ForeignKey("family_member.id", ondelete="CASCADE"))


class ContactCorrection(Base):
    """What an entry said before one correction, kept whole and encrypted; `created_at` is when it was corrected."""

    __tablename__ = "contact_log_correction"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[UUID] = mapped_column(ForeignKey("contact_log_entry.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first correction
    corrected_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The earlier version as JSON (kind, at, minutes, member_ids, place, notes, about): all of it
    # encrypted, since what was corrected away is as private as what replaced it.
    earlier: Mapped[str] = mapped_column(SecretText())


class ContactFollowUp(Base):
    """A task created in the same save as a contact: links the two, so the log shows what came of it."""

    __tablename__ = "contact_log_follow_up"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[UUID] = mapped_column(ForeignKey("contact_log_entry.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[UUID] = mapped_column(ForeignKey("case_task.id", ondelete="CASCADE"), unique=True)


class TeamContactStandard(Base):
    """How long a team lets a family go without a contact that reached them, per risk level (days).

    A team without a row keeps the defaults in rules.CONTACT_STANDARD; its manager can change them."""

    __tablename__ = "team_contact_standard"
    team_id: Mapped[UUID] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), unique=True)
    high_days: Mapped[int] = mapped_column(Integer)
    medium_days: Mapped[int] = mapped_column(Integer)
    low_days: Mapped[int] = mapped_column(Integer)
    changed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
