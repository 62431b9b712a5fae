"""Debrief tables: outcomes, the support plan and its reviews, closing, and the record of purged cases.

Defendant labels, notes, plan details, owners and closing reasons are encrypted at rest. Results,
sentence types and dates stay readable so the manager's page can count them without decrypting.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from advanced_alchemy.types import GUID
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base, DateTimeUTC, Secret, SecretText


class Outcome(Base):
    """What happened for one defendant on one charge (or, before any charge, for the case)."""

    __tablename__ = "outcome"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    proceeding_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("proceeding.id", ondelete="CASCADE"), index=True, default=None
    )
    charge_id: Mapped[UUID | None] = mapped_column(ForeignKey("charge.id", ondelete="SET NULL"), default=None)
    defendant: Mapped[str | None] = mapped_column(Secret(60), default=None)
    result: Mapped[str] = mapped_column(String(24))
    decided_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    court_type: Mapped[str | None] = mapped_column(String(16), default=None)
    court_name: Mapped[str | None] = mapped_column(String(120), default=None)
    category: Mapped[str | None] = mapped_column(String(16), default=None)
    sentence_type: Mapped[str | None] = mapped_column(String(32), default=None)
    custody_months: Mapped[int | None] = mapped_column(Integer, default=None)
    sentence_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    offender_under_18: Mapped[bool] = mapped_column(Boolean, default=False)
    particular_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    life_maximum: Mapped[bool] = mapped_column(Boolean, default=False)
    uls_eligible: Mapped[str] = mapped_column(String(8), default="unknown")  # yes | no | unknown
    restraining_order: Mapped[bool] = mapped_column(Boolean, default=False)
    restraining_order_months: Mapped[int | None] = mapped_column(Integer, default=None)
    shpo: Mapped[bool] = mapped_column(Boolean, default=False)
    discharge_months: Mapped[int | None] = mapped_column(Integer, default=None)
    parole_decision_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    reported_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    notes: Mapped[str | None] = mapped_column(SecretText(), default=None)


class PlanItem(Base):
    """One piece of support after the trial: who does it, by when, how it is going."""

    __tablename__ = "support_plan_item"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    details: Mapped[str | None] = mapped_column(SecretText(), default=None)
    owner: Mapped[str] = mapped_column(Secret(120))
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(16), default="planned")


class PlanReview(Base):
    """A date to look again at how the family is doing (1, 3, 6 and 9 months after the plan starts)."""

    __tablename__ = "support_plan_review"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    notes: Mapped[str | None] = mapped_column(SecretText(), default=None)


class Closure(Base):
    """Why and when support ended, and until when the records are kept."""

    __tablename__ = "case_closure"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    reason_kind: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(SecretText(), default=None)
    closed_on: Mapped[dt.date] = mapped_column(Date)
    retain_until: Mapped[dt.date] = mapped_column(Date, index=True)
    closed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class PurgedCase(Base):
    """All that is left of a case after its retention date: that it existed, and when it was deleted."""

    __tablename__ = "purged_case"
    # The same column type as every case_id, so the incident log's triggers can match it (see migration 0005).
    former_case_id: Mapped[UUID] = mapped_column(GUID(length=16), unique=True)
    reference: Mapped[str] = mapped_column(String(20))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    retain_until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    deleted_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    # Why it went, when not at the end of its retention: a case opened in error (forms.OPENED_IN_ERROR's
    # codes, never free text: nothing written about the case outlives it).
    opened_in_error: Mapped[str | None] = mapped_column(String(20), default=None)


class WitnessAttendance(Base):
    """Whether the child went to a hearing where their evidence was needed: the measure the model aims at
    ("prosecutions that succeed: child witnesses who attend court")."""

    __tablename__ = "witness_attendance"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    hearing_id: Mapped[UUID] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"), unique=True)
    attended: Mapped[str] = mapped_column(String(16))  # gave_evidence | attended | did_not_attend
    note: Mapped[str | None] = mapped_column(SecretText(), default=None)
