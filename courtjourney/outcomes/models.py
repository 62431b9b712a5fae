"""Outcome tables: each measure answered (who, when, at which point, who recorded it), its answers one
row per item, the exit survey (its comment encrypted), and the equality answers (encrypted: they are
special category data, read only to count them). Every table carries `case_id`, so purging a case finds
all of them."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base, Secret, SecretText


class OutcomeMeasure(Base):
    """One answering of the outcome measure by a family member, with the worker."""

    __tablename__ = "family_outcome_measure"
    __table_args__ = (Index("ix_family_outcome_measure_case_id_answered_on", "case_id", "answered_on"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[UUID] = mapped_column(ForeignKey("family_member.id", ondelete="CASCADE"), index=True)
    point: Mapped[str] = mapped_column(String(16))  # start | review | end
    answered_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The facts, as the parent gave them (None: not answered).
    child_at_home: Mapped[bool | None] = mapped_column(Boolean, default=None)
    engaged_with_case: Mapped[bool | None] = mapped_column(Boolean, default=None)


class OutcomeAnswer(Base):
    """The parent's answer to one item of a measure, 1 (not at all) to 5 (very much)."""

    __tablename__ = "family_outcome_answer"
    __table_args__ = (UniqueConstraint("measure_id", "item"),)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[UUID] = mapped_column(
        ForeignKey("family_outcome_measure.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(40))  # the key in items.toml
    score: Mapped[int] = mapped_column(Integer)


class ExitSurvey(Base):
    """The family's answers when support closes: one per case."""

    __tablename__ = "exit_survey"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), unique=True)
    member_id: Mapped[UUID | None] = mapped_column(ForeignKey("family_member.id", ondelete="SET NULL"))
    answered_on: Mapped[dt.date] = mapped_column(Date, index=True)
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    helped: Mapped[bool] = mapped_column(Boolean)
    would_recommend: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(SecretText(), default=None)


class EqualityAnswers(Base):
    """A parent's equality monitoring answers, asked once. Each answer: a category key, "prefer_not_to_say"
    (declined), or None (not asked, or skipped)."""

    __tablename__ = "equality_monitoring"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[UUID] = mapped_column(ForeignKey("family_member.id", ondelete="CASCADE"), unique=True)
    answered_on: Mapped[dt.date] = mapped_column(Date, index=True)
    recorded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    age_band: Mapped[str | None] = mapped_column(Secret(200), default=None)
    gender: Mapped[str | None] = mapped_column(Secret(200), default=None)
    ethnicity: Mapped[str | None] = mapped_column(Secret(200), default=None)
    disability: Mapped[str | None] = mapped_column(Secret(200), default=None)


class ItemWording(Base):
    """The service's own words for an item of the measure, set from the items page by a manager or an
    admin; an item without a row reads as items.toml has it. Service-wide (every team asks the same)."""

    __tablename__ = "family_outcome_item_wording"
    key: Mapped[str] = mapped_column(String(40), unique=True)
    en: Mapped[str] = mapped_column(Text)
    cy: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
