"""Account rules: creating users, signing in and out, sessions and API tokens. No HTTP here."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.credentials import (
    API_TOKEN_PREFIX,
    SESSION_PREFIX,
    hashed,
    new_token,
    password_matches,
    token_hash,
)
from courtjourney.accounts.models import AccountSetup, ApiToken, AuditEvent, Role, Team, User, UserSession
from courtjourney.db.base import utcnow
from courtjourney.errors import InputError, NotFound
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.settings import Settings

MIN_PASSWORD_LENGTH = 12
SETUP_PREFIX = "cjset_"
#: How long a setup link works: long enough to reach someone over a weekend, short enough not to linger.
SETUP_LINK_LIFE = dt.timedelta(days=3)


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


#: How long an API token works unless its owner chooses otherwise, and the shortest and longest they may choose.
API_TOKEN_DAYS = 90
API_TOKEN_MIN_DAYS = 1
API_TOKEN_MAX_DAYS = 365


def _token_life(days: object) -> dt.timedelta:
    """The lifetime asked for, in whole days from 1 to 365; anything else is refused, naming `days`."""
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days)
    if (
        not isinstance(days, int)
        or isinstance(days, bool)
        or not API_TOKEN_MIN_DAYS <= days <= API_TOKEN_MAX_DAYS
    ):
        raise InputError(
            {
                "days": _("How long the token works must be from %(least)d to %(most)d days.")
                % {"least": API_TOKEN_MIN_DAYS, "most": API_TOKEN_MAX_DAYS}
            }
        )
    return dt.timedelta(days=days)


async def issue_api_token(
    db: AsyncSession, user: User, name: str = "script", days: object = API_TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """A new token for `user`, working for `days` (1 to 365; 90 unless chosen). Returns the row and the
    token itself, which is shown once and never stored. Not audited: `make_api_token` is, for people."""
    life = _token_life(days)
    token = new_token(API_TOKEN_PREFIX)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        name=name.strip()[:80] or "script",
        token_hash=token_hash(token),
        hint=token[-4:],
        created_at=now,  # so its life is exactly what was chosen, to the microsecond
        expires_at=now + life,
    )
    db.add(row)
    await db.flush()
    return row, token


async def make_api_token(
    db: AsyncSession, actor: Actor, user: User, name: str, days: object = API_TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """Someone makes a token (on their tokens page, or an admin at the command line); audited by its id,
    never the token."""
    row, token = await issue_api_token(db, user, name, days)
    audit.record(db, "account.token_made", actor, target=row)
    return row, token


async def user_for_api_token(db: AsyncSession, token: str) -> User | None:
    """The user behind a token, if it is known, not revoked, not expired, and its account is active."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    row = await db.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
    )
    now = utcnow()
    if row is None or row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(seconds=60):
        row.last_used_at = now
    user = await db.get(User, row.user_id)
    return user if user is not None and user.is_active else None


class TokenState(str, enum.Enum):
    """What a token's list says of it."""

    WORKING = "working"
    EXPIRED = "expired"
    REVOKED = "revoked"


def token_state(row: ApiToken, now: dt.datetime | None = None) -> TokenState:
    if row.revoked_at is not None:
        return TokenState.REVOKED
    if row.expires_at <= (now or utcnow()):
        return TokenState.EXPIRED
    return TokenState.WORKING


async def api_tokens_of(db: AsyncSession, user_id: UUID) -> list[ApiToken]:
    """Someone's own tokens, newest first: working, expired and revoked."""
    return list(
        await db.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


async def own_api_token(db: AsyncSession, user_id: UUID, token_id: UUID) -> ApiToken:
    """One of `user_id`'s own tokens; anyone else's, or none, is NotFound (the same 404 either way)."""
    row = await db.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))
    if row is None:
        raise NotFound("No token of yours was found at this address.")
    return row


async def revoke_api_token(db: AsyncSession, actor: Actor, row: ApiToken) -> None:
    """Stop one token working at once; audited by its id. A token already revoked stays as it was."""
    if row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    audit.record(db, "account.token_revoked", actor, target=row)


async def revoke_api_tokens(db: AsyncSession, user_id: UUID) -> int:
    """Stop every token of an account working (disabling it, or `courtjourney users token --revoke`)."""
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


def unusable_password() -> str:
    """A password nobody is told: an account holds it until its owner chooses one through a setup link."""
    return new_token("unset_")


@dataclass(frozen=True)
class SetupLink:
    """A setup link as issued: the token goes into the link (shown once); the row keeps only its hash."""

    user: User
    token: str
    expires_at: dt.datetime
    purpose: str  # "new" or "reset"

    def url(self, settings: Settings) -> str:
        return f"{settings.link_base}/account/setup/{self.token}"


async def _end_unused_links(db: AsyncSession, user_id: UUID) -> dt.datetime:
    """Stop every unused setup link of an account working; returns the moment they stopped."""
    now = utcnow()
    await db.execute(
        update(AccountSetup)
        .where(
            AccountSetup.user_id == user_id, AccountSetup.used_at.is_(None), AccountSetup.ended_at.is_(None)
        )
        .values(ended_at=now)
    )
    return now


async def issue_setup_link(db: AsyncSession, actor: Actor, user: User, purpose: str) -> SetupLink:
    """A new single-use link for `user` to choose a password; any earlier unused link stops working."""
    now = await _end_unused_links(db, user.id)
    token = new_token(SETUP_PREFIX)
    row = AccountSetup(
        user_id=user.id,
        token_hash=token_hash(token),
        purpose=purpose,
        created_by_id=actor.user_id,
        expires_at=now + SETUP_LINK_LIFE,
    )
    db.add(row)
    await db.flush()
    audit.record(db, "account.setup_link_issued", actor, target=user)
    return SetupLink(user, token, row.expires_at, purpose)


async def teams(db: AsyncSession) -> list[Team]:
    return list(await db.scalars(select(Team).order_by(Team.name)))


async def _chosen_team(db: AsyncSession, name: str | None = None, team_id: UUID | None = None) -> Team:
    """One of the teams there are, by its name or id: a new team is added on its own (add_team), so a typo
    on an account form never makes one."""
    team = await db.scalar(select(Team).where(Team.name == name if team_id is None else Team.id == team_id))
    if team is None:
        raise InputError(
            {
                "team_id" if team_id is not None else "team": _(
                    "Choose one of the teams. To start a new team, add it first under “Add a team”."
                )
            }
        )
    return team


async def add_team(db: AsyncSession, actor: Actor, values: Mapping[str, Any]) -> Team:
    """An admin adds a team (a hub or service area); audited. Names are unique, whatever their capitals."""
    name = " ".join(values["team_name"].split())
    taken = await db.scalar(select(Team.name).where(func.lower(Team.name) == name.lower()))
    if taken is not None:
        raise InputError({"team_name": _("There is already a team called %(name)s.") % {"name": taken}})
    team = Team(name=name)
    db.add(team)
    await db.flush()
    audit.record(db, "account.team_added", actor, target=team)
    return team


async def change_account(db: AsyncSession, actor: Actor, user: User, values: Mapping[str, Any]) -> User:
    """An admin changes someone else's role or moves them to another team; audited, and shown on the team
    page of the team they are in. Nobody changes their own (so an admin never removes the last admin)."""
    team = await _chosen_team(db, team_id=values["team_id"])
    role = Role(values["role"]).value
    if role == user.role and team.id == user.team_id:
        raise InputError({"role": _("Nothing was changed: choose a new role or team.")})
    if user.id == actor.id:
        raise InputError({"role": _("You cannot change your own role or team. Ask another admin.")})
    user.role, user.team_id = role, team.id
    await db.flush()
    audit.record(db, "account.changed", actor, target=user)
    return user


async def add_account(db: AsyncSession, actor: Actor, values: Mapping[str, Any]) -> SetupLink:
    """An admin adds an account, in one of the teams; audited. Nobody is given a password: the
    person chooses their own through the single-use link returned here."""
    team = await _chosen_team(db, values["team"])
    created = await create_user(
        db,
        email=values["email"],
        full_name=values["full_name"],
        password=unusable_password(),
        role=values["role"],
        team=team,
    )
    audit.record(db, "account.created", actor, target=created)
    return await issue_setup_link(db, actor, created, "new")


async def let_back_in(db: AsyncSession, actor: Actor, user: User) -> SetupLink:
    """Someone forgot their password, or was disabled by mistake: their old password and every session
    end, the account is active again, and they choose a new password through a single-use link."""
    user.password_hash = await hashed(unusable_password())
    user.must_change_password = False
    if not user.is_active:
        user.is_active = True
        audit.record(db, "account.enabled", actor, target=user)
    await end_all_sessions(db, user.id)
    audit.record(db, "account.reset", actor, target=user)
    return await issue_setup_link(db, actor, user, "reset")


async def setup_for(db: AsyncSession, token: str) -> AccountSetup | None:
    """The live setup link for `token`: unused, not replaced, not expired, for an active account."""
    if not token.startswith(SETUP_PREFIX) or len(token) > 100:
        return None
    row = await db.scalar(
        select(AccountSetup).where(
            AccountSetup.token_hash == token_hash(token),
            AccountSetup.used_at.is_(None),
            AccountSetup.ended_at.is_(None),
        )
    )
    if row is None or row.expires_at <= utcnow():
        return None
    user = await db.get(User, row.user_id)
    return row if user is not None and user.is_active else None


async def complete_setup(db: AsyncSession, setup: AccountSetup, password: str) -> User:
    """The link's owner chooses their password. The link is used up in the same statement that checks it
    is unused, so two tabs pressing at once set one password, not two."""
    check_new_password(password, "new_password")
    user = await db.get(User, setup.user_id)
    now = utcnow()
    used = cast(
        "CursorResult[Any]",
        await db.execute(
            update(AccountSetup)
            .where(
                AccountSetup.id == setup.id, AccountSetup.used_at.is_(None), AccountSetup.ended_at.is_(None)
            )
            .values(used_at=now)
        ),
    )
    if user is None or used.rowcount != 1:
        raise InputError({"new_password": "This link has already been used. Sign in, or ask for a new link."})
    user.password_hash = await hashed(password)
    user.must_change_password = False
    await end_all_sessions(db, user.id)
    audit.record(db, "account.setup_completed", Actor.of(user), target=user)
    return user


async def live_setup_links(db: AsyncSession) -> dict[UUID, AccountSetup]:
    """Each account's unused, unexpired setup link (for the accounts page: "waiting to set a password")."""
    rows = await db.scalars(
        select(AccountSetup).where(
            AccountSetup.used_at.is_(None),
            AccountSetup.ended_at.is_(None),
            AccountSetup.expires_at > utcnow(),
        )
    )
    return {row.user_id: row for row in rows}


async def disable_account(db: AsyncSession, actor: Actor, user: User) -> None:
    """An admin disables someone else's account; audited. Its unused setup links stop working too."""
    await disable_user(db, user)
    await _end_unused_links(db, user.id)
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


#: What the team page says of each account event, in the manager's words (translated on the page).
ACCOUNT_EVENTS = {
    "account.created": N_("Account added"),
    "account.setup_link_issued": N_("Setup link made"),
    "account.setup_completed": N_("Password chosen by its owner"),
    "account.reset": N_("Let back in: old password ended"),
    "account.enabled": N_("Enabled again"),
    "account.disabled": N_("Disabled"),
    "account.changed": N_("Role or team changed"),
}


@dataclass(frozen=True)
class AccountChange:
    at: dt.datetime
    what: str  # one of ACCOUNT_EVENTS' words
    account: User
    by: str  # who did it: a name, or "" for the command line


async def team_account_changes(db: AsyncSession, team_id: UUID, limit: int = 30) -> list[AccountChange]:
    """The newest changes to the accounts of a team: who was added (with which role), let back in or
    disabled, and by whom. A team's managers see every account that can reach their team's cases, so
    nobody is added to a team unseen (issue 17, hole 1)."""
    members = {u.id: u for u in await db.scalars(select(User).where(User.team_id == team_id))}
    if not members:
        return []
    rows = (
        await db.execute(
            select(AuditEvent.created_at, AuditEvent.action, AuditEvent.target_id, AuditEvent.actor_id)
            .where(
                AuditEvent.target_id.in_(members),
                AuditEvent.target_type == User.__tablename__,
                AuditEvent.action.in_(ACCOUNT_EVENTS),
            )
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    ).all()
    names = await names_for(db, {actor for *_rest, actor in rows if actor is not None})
    return [
        AccountChange(at, ACCOUNT_EVENTS[action], members[target], names.get(actor, "") if actor else "")
        for at, action, target, actor in rows
        if target in members
    ]
