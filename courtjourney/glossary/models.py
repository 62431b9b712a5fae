"""A team's own glossary entries (the layout of their court, a local service), kept in the database.

They hold no personal data and are shown on the public glossary pages beside the shipped terms,
which they never replace (see terms.Glossary).
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from courtjourney.db.base import Base


class LocalEntry(Base):
    __tablename__ = "glossary_local_entry"
    team_id: Mapped[UUID | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(8))
    term: Mapped[str] = mapped_column(String(120))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    definition: Mapped[str] = mapped_column(Text)
    for_you: Mapped[str] = mapped_column(Text)
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(300), default="")
