"""Case tables. Names, contact details and every free-text field are encrypted at rest."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtjourney.db.base import Base, DateTimeUTC, Secret, SecretText


class Case(Base):
    __tablename__ = "case_record"
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    team_id: Mapped[UUID] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    # The child: first or chosen name and date of birth, nothing more required.
    child_name: Mapped[str] = mapped_column(Secret(120))
    child_birth_date: Mapped[str | None] = mapped_column(Secret(10), default=None)  # ISO date, encrypted
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    workers: Mapped[list[CaseWorker]] = relationship(lazy="selectin", cascade="all, delete-orphan")

    @property
    def birth_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.child_birth_date) if self.child_birth_date else None


class CaseWorker(Base):
    """A worker assigned to a case: the basis of who may see it."""

    __tablename__ = "case_worker"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)


class FamilyMember(Base):
    __tablename__ = "family_member"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Secret(120))
    relationship_to_child: Mapped[str] = mapped_column(String(40))
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    safe_contact: Mapped[str | None] = mapped_column(SecretText(), default=None)
    access_needs: Mapped[str | None] = mapped_column(SecretText(), default=None)
    is_witness: Mapped[bool] = mapped_column(Boolean, default=False)


class RiskAssessment(Base):
    """A dated threshold assessment; the newest one is the case's current risk."""

    __tablename__ = "risk_assessment"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(8))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    assessed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(SecretText(), default=None)


class Contact(Base):
    """A professional around the family: officer in case, CSW, witness care officer, ISVA, social worker."""

    __tablename__ = "case_contact"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Secret(120))
    organisation: Mapped[str | None] = mapped_column(String(120), default=None)
    phone: Mapped[str | None] = mapped_column(Secret(60), default=None)
    email: Mapped[str | None] = mapped_column(Secret(254), default=None)


class Consent(Base):
    """Consent to share records with an organisation, for a purpose; withdrawn by setting withdrawn_on.

    `organisation_kind` (one of forms.ORGANISATION_KINDS) is what the consent allows; `organisation` is only
    the name, as typed, needed for "other". Nothing reads permission out of the name."""

    __tablename__ = "consent"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    organisation_kind: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(120), default=None)
    purpose: Mapped[str] = mapped_column(SecretText())
    given_by: Mapped[str] = mapped_column(Secret(120))
    given_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, default=None)


class StageMove(Base):
    """One move along the journey. The case's current stage is the newest move's `to_stage`."""

    __tablename__ = "stage_move"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(24))
    to_stage: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))
    moved_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    moved_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(SecretText(), default=None)


class Task(Base):
    """A to-do on the case, from a stage playbook or added by hand."""

    __tablename__ = "case_task"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(24))
    playbook_key: Mapped[str | None] = mapped_column(String(60), default=None)
    title: Mapped[str] = mapped_column(SecretText())
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    assigned_to_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    done_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class SearchToken(Base):
    """One entry of the keyed name index: an HMAC of one prefix of one word of a person's name.

    Names are encrypted, so they cannot be searched as stored; this holds only keyed hashes (never a
    name or a part of one), written by `cases.search_index.reindex_case` whenever a name is written.
    `family_member_id` is empty for the child's own name.
    """

    __tablename__ = "search_token"
    # A search reads (hash -> case, person) from this one index without touching the table.
    __table_args__ = (Index("ix_search_token_lookup", "token_hash", "case_id", "family_member_id"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    family_member_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="CASCADE"), default=None, index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class Correction(Base):
    """One correction of a record on the case (a family member, a key contact, a risk assessment, the child's
    details): which fields changed and what they said before, kept so a typo fixed never hides what the
    record said; `created_at` is when it was corrected. Deleted with the case."""

    __tablename__ = "record_correction"
    __table_args__ = (Index("ix_record_correction_record", "record_type", "record_id"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    record_type: Mapped[str] = mapped_column(String(40))  # the record's table
    record_id: Mapped[UUID] = mapped_column()
    corrected_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The names of the fields changed, comma-separated: names only, never values.
    fields: Mapped[str] = mapped_column(String(400))
    # The earlier values as JSON, encrypted: what was corrected away is as private as what replaced it.
    earlier: Mapped[str] = mapped_column(SecretText())
