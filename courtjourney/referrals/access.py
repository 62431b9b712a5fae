"""Who may see which referral, checked once per request before any handler runs, as cases/access.py
does for cases: a referral of another team answers 404, exactly like one that does not exist, and every
attempt (read, change or refused) is audited in its own short transaction, so it is kept even when the
request then fails."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.db.engine import SESSIONS_KEY
from courtjourney.errors import NotFound
from courtjourney.referrals.models import Referral
from courtjourney.referrals.services import NOT_FOUND, visible_referrals

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler


async def referral_access_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Refuse (404) a request for a referral the signed-in user may not see; audit every attempt."""
    raw = connection.path_params.get("referral_id")
    if raw is None:
        return
    user: User | None = connection.scope.get("user")
    if user is None or not isinstance(raw, UUID):
        raise NotFound(NOT_FOUND)
    maker = connection.app.state[SESSIONS_KEY]
    async with maker() as db, db.begin():
        row = (
            await db.execute(
                visible_referrals(user)
                .with_only_columns(Referral.id, Referral.case_id)
                .where(Referral.id == raw)
            )
        ).first()
        read = connection.scope.get("method", "GET") in {"GET", "HEAD"}
        audit.record(
            db,
            ("referral.read" if read else "referral.change") if row else "referral.denied",
            Actor.of(user, connection),
            # A referral accepted into a case is read on that case's trail too; a refused one names no case.
            case_id=row.case_id if row else None,
            target_type="referral",
            target_id=raw,
            outcome="ok" if row else "denied",
        )
    if row is None:
        raise NotFound(NOT_FOUND)


async def provide_referral(
    db_session: AsyncSession, request: Request[User, Any, Any], referral_id: UUID
) -> Referral:
    """The `referral` dependency: loaded in the request's own transaction through `visible_referrals`
    again, so a handler is never handed one its user may not see, even without the guard."""
    referral = await db_session.scalar(visible_referrals(request.user).where(Referral.id == referral_id))
    if referral is None:
        raise NotFound(NOT_FOUND)
    return referral
