"""Account rules: creating users, signing in and out, sessions and API tokens. No HTTP here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.credentials import (
    API_TOKEN_PREFIX,
    SESSION_PREFIX,
    hashed,
    new_password,
    new_token,
    password_matches,
    token_hash,
)
from courtjourney.accounts.models import ApiToken, Role, Team, User, UserSession
from courtjourney.db.base import utcnow
from courtjourney.errors import InputError
from courtjourney.settings import Settings

MIN_PASSWORD_LENGTH = 12


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError({field: f"Use a password of at least {MIN_PASSWORD_LENGTH} characters."})
    if len(password) > 1024:
        raise InputError({field: "Use a password of at most 1024 characters."})


async def get_or_create_team(db: AsyncSession, name: str) -> Team:
    team = await db.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.add(team)
        await db.flush()
    return team


async def create_user(
    db: AsyncSession,
    *,
    email: str,
    full_name: str,
    password: str,
    role: str = Role.WORKER.value,
    team: Team | None = None,
    must_change_password: bool = False,
) -> User:
    errors: dict[str, str] = {}
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or " " in email:
        errors["email"] = "Enter an email address like name@example.org."
    if not full_name.strip():
        errors["full_name"] = "Enter the person's name."
    if role not in {r.value for r in Role}:
        errors["role"] = "Choose admin, manager or worker."
    if errors:
        raise InputError(errors)
    check_new_password(password)
    if await db.scalar(select(User.id).where(User.email == email)) is not None:
        raise InputError({"email": "An account with this email address already exists."})
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=await hashed(password),
        role=role,
        team_id=team.id if team else None,
        must_change_password=must_change_password,
    )
    db.add(user)
    await db.flush()
    return user


@dataclass
class SignInResult:
    user: User | None
    session_token: str | None = None
    account_id: UUID | None = None  # refused: the account the email named, if one has it (for the audit only)


async def sign_in(db: AsyncSession, settings: Settings, email: str, password: str) -> SignInResult:
    """Check a password; on success open a session.

    Limits on repeated failures (per email and per network address) are the caller's: limits.py.
    """
    user = await db.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        await password_matches(None, password)  # same work either way, so timing says nothing
        return SignInResult(user=None, account_id=user.id if user is not None else None)
    if not await password_matches(user.password_hash, password):
        return SignInResult(user=None, account_id=user.id)
    token = await open_session(db, settings, user)
    return SignInResult(user=user, session_token=token)


async def account_id_for(db: AsyncSession, email: str) -> UUID | None:
    """The id of the account with this email, if there is one (for recording a refused sign-in)."""
    return await db.scalar(select(User.id).where(User.email == normalise_email(email)))


async def open_session(db: AsyncSession, settings: Settings, user: User) -> str:
    token = new_token(SESSION_PREFIX)
    now = utcnow()
    db.add(
        UserSession(
            user_id=user.id,
            token_hash=token_hash(token),
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_max_hours),
        )
    )
    await db.flush()
    return token


async def user_for_session(db: AsyncSession, settings: Settings, token: str) -> User | None:
    """The user behind a session cookie, if the session is still live. Touches last_seen_at."""
    if not token.startswith(SESSION_PREFIX):
        return None
    now = utcnow()
    session = await db.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if session is None or session.ended_at is not None or session.expires_at <= now:
        return None
    if session.last_seen_at + dt.timedelta(minutes=settings.session_idle_minutes) <= now:
        session.ended_at = now
        return None
    # Only write when it matters, so page views are not all writes.
    if now - session.last_seen_at > dt.timedelta(seconds=60):
        session.last_seen_at = now
    user = await db.get(User, session.user_id)
    return user if user is not None and user.is_active else None


async def end_session(db: AsyncSession, token: str) -> None:
    await db.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


async def end_all_sessions(db: AsyncSession, user_id: UUID) -> None:
    await db.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


async def issue_api_token(db: AsyncSession, user: User, name: str = "script") -> tuple[ApiToken, str]:
    token = new_token(API_TOKEN_PREFIX)
    row = ApiToken(user_id=user.id, name=name[:80] or "script", token_hash=token_hash(token), hint=token[-4:])
    db.add(row)
    await db.flush()
    return row, token


async def user_for_api_token(db: AsyncSession, token: str) -> User | None:
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    row = await db.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(seconds=60):
        row.last_used_at = now
    user = await db.get(User, row.user_id)
    return user if user is not None and user.is_active else None


async def revoke_api_tokens(db: AsyncSession, user_id: UUID) -> int:
    result = await db.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return cast("CursorResult[Any]", result).rowcount or 0


async def change_password(db: AsyncSession, user: User, current: str, new: str) -> None:
    if not await password_matches(user.password_hash, current):
        raise InputError({"current_password": "That is not your current password."})
    check_new_password(new, "new_password")
    user.password_hash = await hashed(new)
    user.must_change_password = False
    await end_all_sessions(db, user.id)


async def disable_user(db: AsyncSession, user: User) -> None:
    user.is_active = False
    await end_all_sessions(db, user.id)
    await revoke_api_tokens(db, user.id)


async def add_account(db: AsyncSession, actor: Actor, values: Mapping[str, Any]) -> tuple[User, str]:
    """An admin adds an account, in its team (made if new), with a one-time password; audited."""
    team = await get_or_create_team(db, values["team"])
    password = new_password()
    created = await create_user(
        db,
        email=values["email"],
        full_name=values["full_name"],
        password=password,
        role=values["role"],
        team=team,
        must_change_password=True,
    )
    audit.record(db, "account.created", actor, target=created)
    return created, password


async def disable_account(db: AsyncSession, actor: Actor, user: User) -> None:
    """An admin disables someone else's account; audited."""
    await disable_user(db, user)
    audit.record(db, "account.disabled", actor, target=user)


async def change_own_password(db: AsyncSession, actor: Actor, user: User, current: str, new: str) -> None:
    """Someone changes their own password, which ends every session of theirs; audited."""
    await change_password(db, user, current, new)
    audit.record(db, "account.password_changed", actor)


async def change_language(db: AsyncSession, user: User, locale: str) -> None:
    """The language someone's pages are drawn in."""
    user.locale = locale


async def names_for(db: AsyncSession, user_ids: set[UUID]) -> dict[UUID, str]:
    """Display names for a set of user ids (for pages; never for logs)."""
    if not user_ids:
        return {}
    rows = await db.scalars(select(User).where(User.id.in_(user_ids)))
    return {u.id: u.full_name for u in rows}
