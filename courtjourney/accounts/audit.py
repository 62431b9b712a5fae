"""The audit trail: who read or changed which case, when, from where. Ids and action names only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import select

from courtjourney.accounts.models import AuditEvent

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from sqlalchemy.ext.asyncio import AsyncSession


def client_address(connection: ASGIConnection[Any, Any, Any, Any] | None) -> str | None:
    if connection is None or connection.client is None:
        return None
    return connection.client.host


def route_template(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The route as declared (`/cases/{case_id:uuid}`), never the concrete path with its ids or tokens."""
    return str(connection.scope.get("path_template") or "")[:200]


def record(
    db: AsyncSession,
    action: str,
    *,
    actor_id: UUID | None,
    case_id: UUID | None = None,
    target: Any | None = None,
    connection: ASGIConnection[Any, Any, Any, Any] | None = None,
    outcome: str = "ok",
) -> AuditEvent:
    """Add an event to the session's transaction, so it stands or falls with the change it describes."""
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        case_id=case_id,
        target_type=type(target).__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        route=route_template(connection) if connection is not None else None,
        method=connection.scope.get("method") if connection is not None else None,
        outcome=outcome,
        address=client_address(connection),
    )
    db.add(event)
    return event


async def trail_for_case(db: AsyncSession, case_id: UUID, limit: int = 500) -> list[AuditEvent]:
    rows = await db.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(rows)
