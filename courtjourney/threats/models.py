"""Incident log tables. Every one is append-only (database triggers refuse UPDATE and DELETE).

An incident is never edited: a correction or later detail is an `Amendment` linked to it, evidence is
an `Evidence` row, and passing it to the police is a `PoliceReferral` row. Each of these, when written,
also gets the next `ChainLink` of its case: an HMAC over its canonical form and the previous link
(see chain.py), so a change made straight in the database shows up when the chain is checked.
What people said, who was involved, identifiers, places and file contents are encrypted at rest.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from courtjourney.db.base import Base, DateTimeUTC, Secret, SecretText

# Foreign keys are RESTRICT throughout: a cascade or SET NULL would be an edit, which the triggers refuse.


class IncidentDetails:
    """What an incident says, and what an amendment may correct or add (all optional on an amendment)."""

    occurred_from: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Set when only a window is known: it happened between occurred_from and occurred_to.
    occurred_to: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    reported_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Who told us: a family member of the case, or (when empty) the worker who recorded it.
    reported_by_member_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="RESTRICT"), default=None
    )
    kind: Mapped[str | None] = mapped_column(String(24), default=None)
    place: Mapped[str | None] = mapped_column(SecretText(), default=None)
    people: Mapped[str | None] = mapped_column(SecretText(), default=None)
    # JSON: {"vehicle": [...], "phone": [...], "username": [...]}
    identifiers: Mapped[str | None] = mapped_column(SecretText(), default=None)
    narrative: Mapped[str | None] = mapped_column(SecretText(), default=None)
    how_known: Mapped[str | None] = mapped_column(String(24), default=None)
    how_known_detail: Mapped[str | None] = mapped_column(SecretText(), default=None)
    evidence_kept: Mapped[str | None] = mapped_column(SecretText(), default=None)


DETAIL_FIELDS = (
    "occurred_from",
    "occurred_to",
    "reported_at",
    "reported_by_member_id",
    "kind",
    "place",
    "people",
    "identifiers",
    "narrative",
    "how_known",
    "how_known_detail",
    "evidence_kept",
)


class Incident(IncidentDetails, Base):
    """One thing that happened, as first recorded. `narrative` and `occurred_from` are always set."""

    __tablename__ = "incident"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="RESTRICT"), index=True)
    # The case's running number for incidents (1, 2, 3 ...), what people call it: "incident 4".
    number: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))

    __table_args__ = (UniqueConstraint("case_id", "number"),)


class Amendment(IncidentDetails, Base):
    """A correction or more detail for an incident. The original stays as it was; both are shown."""

    __tablename__ = "incident_amendment"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="RESTRICT"), index=True)
    incident_id: Mapped[UUID] = mapped_column(ForeignKey("incident.id", ondelete="RESTRICT"), index=True)
    note: Mapped[str] = mapped_column(SecretText())  # what is corrected or added, and why
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class Evidence(Base):
    """A file kept with an incident: its type read from its content, its SHA-256, its bytes encrypted."""

    __tablename__ = "incident_evidence"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="RESTRICT"), index=True)
    incident_id: Mapped[UUID] = mapped_column(ForeignKey("incident.id", ondelete="RESTRICT"), index=True)
    filename: Mapped[str] = mapped_column(Secret(255))
    media_type: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # AES-GCM nonce + ciphertext of the file (evidence.py). Deferred: lists never load the bytes.
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class PoliceReferral(Base):
    """That an incident was passed to the police: when, by whom, and the police's own references."""

    __tablename__ = "police_referral"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="RESTRICT"), index=True)
    incident_id: Mapped[UUID] = mapped_column(ForeignKey("incident.id", ondelete="RESTRICT"), index=True)
    passed_on: Mapped[dt.date] = mapped_column(Date)
    passed_by: Mapped[str] = mapped_column(String(16))  # "worker" (us) or "family" (they reported it)
    crime_reference: Mapped[str | None] = mapped_column(Secret(60), default=None)
    officer: Mapped[str | None] = mapped_column(Secret(120), default=None)
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class ChainLink(Base):
    """Entry `seq` of a case's incident log: which row it is, and its HMAC link."""

    __tablename__ = "incident_chain"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="RESTRICT"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_type: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[UUID] = mapped_column(unique=True)
    link: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("case_id", "seq"),)


ENTRY_TYPES: dict[str, type[Base]] = {
    "incident": Incident,
    "amendment": Amendment,
    "evidence": Evidence,
    "police": PoliceReferral,
}
