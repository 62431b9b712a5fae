"""What the service has produced: every document kept exactly as it was sent, and the links that share it."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base, DateTimeUTC, SecretText


class ProducedDocument(Base):
    """One document as produced: its bytes (encrypted at rest), their SHA-256, the template and its version,
    who made it, when, for whom and about what. `inputs` holds what the worker chose on the form, so the
    document can be made again from current data with the same choices."""

    __tablename__ = "produced_document"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    template: Mapped[str] = mapped_column(String(60))
    template_version: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(SecretText())
    subject_id: Mapped[UUID | None] = mapped_column(default=None, index=True)  # e.g. the hearing
    family_member_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="SET NULL"), default=None
    )
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(SecretText())  # base64 of the .docx bytes, encrypted
    inputs: Mapped[str | None] = mapped_column(SecretText(), default=None)  # JSON


class DocumentShare(Base):
    """A document sent to someone outside the team, with a download link: random token (stored hashed),
    valid 72 hours, revocable, for that one document only, and every use logged."""

    __tablename__ = "document_share"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[UUID] = mapped_column(
        ForeignKey("produced_document.id", ondelete="CASCADE"), index=True
    )
    organisation: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str] = mapped_column(SecretText())
    sent_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
