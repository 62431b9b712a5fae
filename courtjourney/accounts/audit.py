"""The audit trail: who read or changed which case, when, from where. Ids and action names only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Request
from sqlalchemy import ColumnElement, and_, insert, or_, select

from courtjourney.accounts.models import AuditEvent

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from sqlalchemy.ext.asyncio import AsyncSession

    from courtjourney.accounts.models import User


def client_address(connection: ASGIConnection[Any, Any, Any, Any] | None) -> str | None:
    if connection is None or connection.client is None:
        return None
    return connection.client.host


def route_template(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The route as declared (`/cases/{case_id:uuid}`), never the concrete path with its ids or tokens."""
    return str(connection.scope.get("path_template") or "")[:200]


def method_of(connection: ASGIConnection[Any, Any, Any, Any] | None) -> str | None:
    method = connection.scope.get("method") if connection is not None else None
    return method if isinstance(method, str) else None


@dataclass(frozen=True)
class Actor:
    """Who is acting, as plain data: what services check access by and what the audit trail records.

    Handlers are handed one by the `actor` dependency (`provide_actor`); services take it instead of
    the request, so they can be called the same from a page, the API, the command line or a test.
    """

    user_id: UUID | None
    role: str | None = None
    team_id: UUID | None = None
    route: str | None = None
    method: str | None = None
    address: str | None = None

    @property
    def id(self) -> UUID | None:  # reads like a user where one is expected (created_by_id=actor.id)
        return self.user_id

    @classmethod
    def of(cls, user: User | None, connection: ASGIConnection[Any, Any, Any, Any] | None = None) -> Actor:
        """The actor for `user`, acting through `connection` (a request) if there is one."""
        return cls(
            user_id=user.id if user is not None else None,
            role=user.role if user is not None else None,
            team_id=user.team_id if user is not None else None,
            route=route_template(connection) if connection is not None else None,
            method=method_of(connection),
            address=client_address(connection),
        )


#: What the command line and scheduled jobs act as: no person, no address.
SYSTEM = Actor(user_id=None)


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The `actor` dependency: the signed-in user, and the route and address the request came by."""
    return Actor.of(request.scope.get("user"), request)


def event_columns(
    action: str,
    actor: Actor,
    *,
    case_id: UUID | None = None,
    target_type: str | None = None,
    target_id: UUID | None = None,
    outcome: str = "ok",
) -> dict[str, Any]:
    """An event's columns (the model fills in its id and times): one place for `record` and `record_listed`."""
    return {
        "actor_id": actor.user_id,
        "action": action,
        "case_id": case_id,
        "target_type": target_type,
        "target_id": target_id,
        "route": actor.route,
        "method": actor.method,
        "outcome": outcome,
        "address": actor.address,
    }


def record(
    db: AsyncSession,
    action: str,
    actor: Actor,
    *,
    case_id: UUID | None = None,
    target: Any | None = None,
    outcome: str = "ok",
    target_type: str | None = None,
    target_id: UUID | None = None,
) -> AuditEvent:
    """Add an event to the session's transaction, so it stands or falls with the change it describes.

    The target is a row (`target`), or, where only its address is known, its kind and id.
    """
    event = AuditEvent(
        **event_columns(
            action,
            actor,
            case_id=case_id,
            target_type=type(target).__tablename__ if target is not None else target_type,
            target_id=getattr(target, "id", None) if target is not None else target_id,
            outcome=outcome,
        )
    )
    db.add(event)
    return event


async def record_listed(db: AsyncSession, actor: Actor, case_ids: Iterable[UUID]) -> None:
    """One "case.listed" event for each case a list showed (each case once, in the order shown), written
    in one INSERT in the request's transaction: a manager's page lists a thousand cases, and as ORM
    objects each one cost the unit of work its own bookkeeping. The rows are the ones `record` makes
    (the same `event_columns`, ids and times from the model's defaults), so the trail page, the at-rest and append-only
    guarantees are unchanged."""
    rows = [event_columns("case.listed", actor, case_id=case_id) for case_id in dict.fromkeys(case_ids)]
    if rows:
        await db.execute(insert(AuditEvent), rows)


#: Events on one page of a case's trail.
TRAIL_PAGE = 500


async def trail_for_case(
    db: AsyncSession,
    case_id: UUID,
    limit: int = TRAIL_PAGE,
    before: UUID | None = None,
    where: Sequence[ColumnElement[bool]] = (),
) -> tuple[list[AuditEvent], UUID | None]:
    """One page of a case's trail, newest first, and the id to ask `before` for the next page (None: no more).

    `where` narrows the trail (a person, a kind, days: `trail.TrailFilter.conditions()`); the same
    `where` must be passed for every page, which the page's links do by carrying the filters.

    Keyset paging: a page starts after the event `before` names, by (created_at, id), so however long
    the trail, every page costs the same and an event added meanwhile never shifts one page into the next.
    """
    query = select(AuditEvent).where(AuditEvent.case_id == case_id, *where)
    if before is not None:
        after = await db.scalar(
            select(AuditEvent.created_at).where(AuditEvent.id == before, AuditEvent.case_id == case_id)
        )
        if after is None:
            return [], None
        query = query.where(
            or_(
                AuditEvent.created_at < after,
                and_(AuditEvent.created_at == after, AuditEvent.id < before),
            )
        )
    rows = list(
        await db.scalars(query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit + 1))
    )
    return rows[:limit], rows[limit - 1].id if len(rows) > limit else None


async def people_in_trail(db: AsyncSession, case_id: UUID) -> list[UUID]:
    """Everyone who appears in a case's trail (the people a manager can narrow it to)."""
    found = await db.scalars(
        select(AuditEvent.actor_id)
        .where(AuditEvent.case_id == case_id, AuditEvent.actor_id.is_not(None))
        .distinct()
    )
    return [a for a in found if a is not None]
