"""The reports sent: each submitted quarter frozen as it was produced.

A submitted report keeps its figures (JSON) and its CSV and XLSX files byte for byte, each with its
SHA-256, so a funder's copy can be checked against ours; later changes to cases never reach it. Every
row is append-only (database triggers refuse UPDATE and DELETE, migration 0014): a correction is a new
version, and both are kept. The figures and files may name workers, so they are encrypted at rest.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base, DateTimeUTC, SecretText

#: What `scope` holds for a report across every team.
ALL_TEAMS = "all"


class SubmittedReport(Base):
    """One version of one period's report for one team (or all teams), as submitted."""

    __tablename__ = "submitted_report"
    __table_args__ = (UniqueConstraint("period_start", "period_end", "scope", "version"),)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    # The team's id as text, or "all": one column the versions are counted under (a NULL team would
    # not be unique in the constraint above).
    scope: Mapped[str] = mapped_column(String(36), index=True)
    team_id: Mapped[UUID | None] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), default=None)
    # The team's name as the report printed it (a team renamed later does not change what was sent).
    team_name: Mapped[str | None] = mapped_column(String(120), default=None)
    version: Mapped[int] = mapped_column(Integer)
    submitted_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    figures_json: Mapped[str] = mapped_column(SecretText())
    figures_sha256: Mapped[str] = mapped_column(String(64))
    csv_content: Mapped[str] = mapped_column(SecretText())  # base64 of the bytes, encrypted
    csv_sha256: Mapped[str] = mapped_column(String(64))
    xlsx_content: Mapped[str] = mapped_column(SecretText())  # base64 of the bytes, encrypted
    xlsx_sha256: Mapped[str] = mapped_column(String(64))
