"""Rate limits shared by every worker process: failed sign-ins, and guesses at secret addresses.

Someone hunting a family might try to guess a calendar or download address, or a worker's password.
Each limit counts failures for one thing (an address, an email) in a fixed window; at the limit the
thing is refused for `block` seconds, and every refused request gets 429 with Retry-After.

The counters live in the database (table `rate_limit`), not in one process's memory, so two workers
(or two machines on one PostgreSQL) share them; one atomic upsert adds a failure, so parallel guesses
all count. Keys are HMACs of the limit's name and the value, so no address or email is stored.

Why not Litestar's RateLimitMiddleware: it counts every request per client, not failures, and keeps
its counts in a store that is per process unless Redis is run, which `make run` must not need.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import TooManyRequestsException
from sqlalchemy import ScalarSelect, case, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import rate_limit
from courtjourney.db.base import utcnow
from courtjourney.db.engine import SESSIONS_KEY
from courtjourney.settings import Settings

#: A counter's row is dropped once its window and block have been over this long.
FORGET_AFTER = 24 * 3600


@dataclass(frozen=True)
class Limit:
    name: str
    max_failures: int  # failures within `window` seconds that start a block
    window: int
    block: int


def login_by_address(settings: Settings) -> Limit:
    """Failed sign-ins from one network address, whatever account they name."""
    minutes = settings.rate_limit_minutes
    return Limit("login-address", settings.login_address_max_failures, minutes * 60, minutes * 60)


def login_by_account(settings: Settings) -> Limit:
    """Failed sign-ins naming one email, whether or not an account has it (so a pause says nothing)."""
    minutes = settings.login_lock_minutes
    return Limit("login-account", settings.login_max_failures, minutes * 60, minutes * 60)


def unknown_tokens(settings: Settings) -> Limit:
    """Calendar and download addresses asked for with a token we do not know, from one network address."""
    minutes = settings.rate_limit_minutes
    return Limit("unknown-token", settings.unknown_token_max, minutes * 60, minutes * 60)


def client_address(request: Request[Any, Any, Any]) -> str:
    # The connection's client as uvicorn gives it: behind a proxy named in COURTJOURNEY_TRUSTED_PROXIES,
    # the address that proxy forwarded; otherwise the address that connected (X-Forwarded-For ignored).
    return request.client.host if request.client else "unknown"


def key_of(settings: Settings, limit: Limit, value: str) -> str:
    """The row key `value` is counted under for `limit` (an HMAC: no address is stored as it is)."""
    secret = settings.derived_key("rate-limit")
    return hmac.new(secret, f"{limit.name}\x00{value}".encode(), hashlib.sha256).hexdigest()


def _now() -> int:
    return int(utcnow().timestamp())


def blocked_until(settings: Settings, limit: Limit, value: str) -> ScalarSelect[Any]:
    """When `value`'s block ends (NULL if it has none), as a subquery: a caller with its own lookup to do
    asks both in one statement (the calendar feed: one round trip per poll instead of two)."""
    return (
        select(rate_limit.c.blocked_until)
        .where(rate_limit.c.key == key_of(settings, limit, value))
        .scalar_subquery()
    )


def wait_for(until: int | None) -> int | None:
    """Seconds left of a block that ends at `until` (what blocked_until read), or None when not blocked."""
    now = _now()
    return until - now if until is not None and until > now else None


async def retry_after(db: AsyncSession, settings: Settings, limit: Limit, value: str) -> int | None:
    """Seconds until `value` may try again, or None when it is not blocked. A read only."""
    return wait_for(await db.scalar(select(blocked_until(settings, limit, value))))


async def add_failure(db: AsyncSession, settings: Settings, limit: Limit, value: str) -> int | None:
    """Count one failure. Returns the seconds of the block this failure started, or None.

    One statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) on SQLite and PostgreSQL alike,
    so two processes adding at once both count.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    # Both dialects' INSERT have on_conflict_do_update with the same arguments.
    insert: Any = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = _now()
    old = rate_limit.c
    window_over = old.window_start <= now - limit.window
    hits = case((window_over, 1), else_=old.hits + 1)
    statement = insert(rate_limit).values(
        key=key_of(settings, limit, value), window_start=now, hits=1, blocked_until=None
    )
    statement = statement.on_conflict_do_update(
        index_elements=[old.key],
        set_={
            "window_start": case((window_over, now), else_=old.window_start),
            # At the limit: block, and start counting afresh once the block is over.
            "hits": case((hits >= limit.max_failures, 0), else_=hits),
            "blocked_until": case((hits >= limit.max_failures, now + limit.block), else_=old.blocked_until),
        },
    ).returning(old.hits, old.blocked_until)
    count, until = (await db.execute(statement)).one()
    if count == 1:
        # A new window: a cheap moment to forget counters nobody has touched for a day.
        await db.execute(
            delete(rate_limit).where(
                rate_limit.c.window_start < now - FORGET_AFTER,
                (rate_limit.c.blocked_until.is_(None)) | (rate_limit.c.blocked_until < now),
            )
        )
    return until - now if count == 0 and until is not None else None


async def clear(db: AsyncSession, settings: Settings, limit: Limit, value: str) -> None:
    """Forget the failures for `value` (a successful sign-in)."""
    await db.execute(delete(rate_limit).where(rate_limit.c.key == key_of(settings, limit, value)))


async def add_failure_apart(
    request: Request[Any, Any, Any],
    request_db: AsyncSession,
    settings: Settings,
    limit: Limit,
    value: str,
    then: Callable[[AsyncSession], None] | None = None,
) -> int | None:
    """Count a failure in a transaction of its own, so it stays counted though the request is refused.

    The request's own transaction is ended first: on SQLite it holds the write lock, which the
    counting transaction needs. `then` may add more to that transaction (an audit event).
    """
    await request_db.rollback()
    async with request.app.state[SESSIONS_KEY]() as db, db.begin():
        if then is not None:
            then(db)
        return await add_failure(db, settings, limit, value)


def too_many(
    seconds: int, message: str = "Too many requests. Please wait a little and try again."
) -> TooManyRequestsException:
    return TooManyRequestsException(detail=message, headers={"Retry-After": str(max(1, math.ceil(seconds)))})


async def refuse_if_guessing(db: AsyncSession, request: Request[Any, Any, Any], settings: Settings) -> None:
    """Before looking up a secret address: 429 if this network address has guessed too often."""
    wait = await retry_after(db, settings, unknown_tokens(settings), client_address(request))
    if wait is not None:
        raise too_many(wait)


async def count_guess(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    settings: Settings,
    then: Callable[[AsyncSession], None] | None = None,
) -> None:
    """After a secret address was not found: count it against the network address it came from."""
    await add_failure_apart(request, db, settings, unknown_tokens(settings), client_address(request), then)
