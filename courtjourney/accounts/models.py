"""Accounts tables: teams, users, sign-in sessions, API tokens and the audit trail."""

from __future__ import annotations

import datetime as dt
import enum
from uuid import UUID

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtjourney.db.base import Base, DateTimeUTC, Secret, utcnow


class Role(str, enum.Enum):
    """What an account may do. Case contents follow assignment, not rank (see access.py)."""

    ADMIN = "admin"
    MANAGER = "manager"
    WORKER = "worker"


class Team(Base):
    """One hub or service area: the unit a manager looks after."""

    __tablename__ = "team"
    name: Mapped[str] = mapped_column(String(120), unique=True)


class User(Base):
    __tablename__ = "user_account"
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # A person's name is personal data like any other: encrypted at rest.
    full_name: Mapped[str] = mapped_column(Secret(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.WORKER.value)
    team_id: Mapped[UUID | None] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    phone: Mapped[str | None] = mapped_column(Secret(60), default=None)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the user last opened My day: the incidents recorded since then are news to them.
    day_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    team: Mapped[Team | None] = relationship(lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER.value


class UserSession(Base):
    """A signed-in browser. The cookie holds a random secret; only its SHA-256 is stored."""

    __tablename__ = "user_session"
    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class ApiToken(Base):
    """A personal token for scripts (Authorization: Bearer cjapi_...). Shown once, stored hashed; works
    until `expires_at` (90 days unless its owner chose otherwise) or until revoked."""

    __tablename__ = "api_token"
    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class AccountSetup(Base):
    """A single-use link with which someone chooses their own password: for a new account, or when an admin
    lets someone back in (a forgotten password). Nobody else ever sees a password: the admin sees only the
    link, which works once, until `expires_at`; only its SHA-256 is stored. A newer link ends older ones."""

    __tablename__ = "account_setup"
    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "new" or "reset"
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class AuditEvent(Base):
    """One read or change of case data, or an account event. Append-only (database triggers refuse edits).

    Holds ids and action names only: never names, notes or narratives.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_case_created", "case_id", "created_at"),)
    actor_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(80))
    case_id: Mapped[UUID | None] = mapped_column(Uuid)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)  # the team page's account changes
    route: Mapped[str | None] = mapped_column(String(200))
    method: Mapped[str | None] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    address: Mapped[str | None] = mapped_column(String(64))


# Counters for rate limits (limits.py), shared by every worker process because they live in the database.
# `key` is an HMAC of the limit's name and what it counts (an address, an email), so neither is stored.
rate_limit = Table(
    "rate_limit",
    Base.metadata,
    Column("key", String(64), primary_key=True),
    Column("window_start", BigInteger, nullable=False),  # Unix seconds
    Column("hits", Integer, nullable=False),
    Column("blocked_until", BigInteger, nullable=True),  # Unix seconds; refused until then
    Index("ix_rate_limit_window_start", "window_start"),
)
