"""Who may see which case, decided in one place.

A worker sees the cases they are assigned to; a manager sees every case of their team and any
they are assigned to; an admin manages accounts and sees case contents only where assigned.
Every route with a `case_id` in its path passes through `case_access_guard` (installed on the
whole app), and every list of cases is filtered by `visible_cases`. A case someone may not see
answers 404, exactly like a case that does not exist.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from litestar import Request
from sqlalchemy import ColumnElement, Select, Table, any_, bindparam, exists, select, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role, User
from courtjourney.cases.models import Case, CaseWorker
from courtjourney.db.engine import SESSIONS_KEY
from courtjourney.errors import CaseNotFound
from courtjourney.figures import Period, read_once

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

CASE_NOT_FOUND = CaseNotFound().message


class Who(Protocol):
    """Someone whose access is being decided: a User, or the Actor a handler was given."""

    @property
    def id(self) -> UUID | None: ...

    @property
    def role(self) -> Any: ...

    @property
    def team_id(self) -> UUID | None: ...


def visible_cases(user: Who) -> Select[Case]:
    """A query for the cases `user` may see (the only way lists of cases are built)."""
    if user.role == Role.MANAGER.value and user.team_id is not None:
        # One IN over two indexed lists (assigned, and the team's). Written as `assigned OR team_id = ...`,
        # PostgreSQL cannot use an index for the OR and reads every case in the service to find the
        # team's (bench/scale.py: 62 ms at 100,000 cases against 2.5 ms for this form).
        team_case = aliased(Case)
        mine = union_all(
            select(CaseWorker.case_id).where(CaseWorker.user_id == user.id),
            select(team_case.id).where(team_case.team_id == user.team_id),
        )
        return select(Case).where(Case.id.in_(mine))
    return select(Case).where(exists().where(CaseWorker.case_id == Case.id, CaseWorker.user_id == user.id))


#: The cases a panel counts: ids in hand, or a query selecting them (`visible_ids`). A team's thousand
#: cases go to the database as one subquery, not as a thousand bound ids rendered into every statement
#: (bench/scale.py --profile team: that rendering was most of the team page's time).
CaseIds = Collection[UUID] | Select[Any]


def visible_ids(user: Who) -> Select[Any]:
    """The ids of the cases `user` may see, as a query to use inside IN."""
    return visible_cases(user).with_only_columns(Case.id)


def no_cases(ids: CaseIds) -> bool:
    """Whether `ids` is known to hold no case without asking the database (a query may hold none too)."""
    return not isinstance(ids, Select) and not ids


def report_cases(period: Period) -> Select[Any]:
    """The ids of the cases a report covers: the period's teams (every team when None), and only those
    `period.worker_id` is assigned to where it names a worker. Who may ask for which is decided by
    the report (reports/), which builds the period; every part's figures count only these cases."""
    query = select(Case.id)
    if period.team_ids is not None:
        query = query.where(Case.team_id.in_(period.team_ids))
    if period.worker_id is not None:
        query = query.where(
            exists().where(CaseWorker.case_id == Case.id, CaseWorker.user_id == period.worker_id)
        )
    return query


#: A report over more cases than this names them by a subquery instead of a list of their ids (a bound
#: list that long would pass SQLite's limit on parameters, and the subquery's plan no longer matters).
LISTED_UP_TO = 5_000


@dataclass(frozen=True)
class ReportCases:
    """The cases a report covers, as each of its statements filters them: by the list of their ids, read
    once per report (on PostgreSQL the subquery repeated in every statement is planned as a parallel scan
    of every case, several times slower than the list), by the subquery for a very large scope, or not at
    all when the report covers every case."""

    ids: tuple[UUID, ...] | None = None
    query: Select[Any] | None = None
    #: On PostgreSQL the list goes as one array parameter (`= ANY($1)`), not a parameter per case.
    as_array: bool = False

    def where(self, case_id: Any) -> ColumnElement[bool]:
        """The condition that `case_id` (a column) is one of the report's cases."""
        if self.ids is not None and self.as_array:
            return case_id == any_(
                bindparam("report_case_ids", list(self.ids), type_=ARRAY(PG_UUID()), unique=True)
            )
        if self.ids is not None:
            return case_id.in_(self.ids)
        if self.query is not None:
            return case_id.in_(self.query)
        return true()


async def _read_report_cases(db: AsyncSession, period: Period) -> ReportCases:
    if period.team_ids is None and period.worker_id is None:
        return ReportCases()
    query = report_cases(period)
    ids = tuple(await db.scalars(query.limit(LISTED_UP_TO + 1)))
    if len(ids) > LISTED_UP_TO:
        return ReportCases(query=query)
    return ReportCases(ids=ids, as_array=db.get_bind().dialect.name == "postgresql")


async def report_cases_in(db: AsyncSession, period: Period) -> ReportCases:
    """The report's cases (see `ReportCases`), read once per report (figures.gathering)."""
    return await read_once(db, period, _read_report_cases)


async def can_see(db: AsyncSession, user: Who, case_id: UUID) -> bool:
    found = await db.scalar(visible_cases(user).with_only_columns(Case.id).where(Case.id == case_id))
    return found is not None


def addressed_record(params: dict[str, Any]) -> tuple[str | None, UUID | None]:
    """The record under the case that an address names (`/incidents/{incident_id}` -> incident, its id).

    The innermost id wins (`.../incidents/{incident_id}/evidence/{evidence_id}` names the evidence),
    so opening an incident or a hearing is recorded with which one was opened.
    """
    found: tuple[str | None, UUID | None] = (None, None)
    for name, value in params.items():
        if name != "case_id" and name.endswith("_id") and isinstance(value, UUID):
            found = (name.removesuffix("_id")[:40], value)
    return found


@cache
def _table_of(kind: str) -> Table | None:
    """The table of the records an address names `kind` (`hearing`, `entry` -> contact_log_entry):
    the case table called `kind`, else the one case table whose name ends `_kind`. Read from the
    models' metadata when first asked, so a new part's records are found without a list to keep."""
    tables = [t for t in Case.metadata.tables.values() if "case_id" in t.c and "id" in t.c]
    exact = [t for t in tables if t.name == kind]
    ending = [t for t in tables if t.name.endswith(f"_{kind}")]
    found = exact or ending
    return found[0] if len(found) == 1 else None


async def _in_case(db: AsyncSession, kind: str | None, record_id: UUID | None, case_id: UUID) -> bool:
    """Whether the record an address names belongs to the case it is addressed under (True where
    the address names none, or a kind that is not a case's record, such as a colleague)."""
    table = _table_of(kind) if kind and record_id else None
    if table is None:
        return True
    found = await db.scalar(select(table.c.id).where(table.c.id == record_id, table.c.case_id == case_id))
    return found is not None


async def case_access_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Refuse (404) any request for a case the signed-in user may not see; audit every attempt.

    Runs in its own short transaction so the access record is kept even when the request later fails.
    """
    raw = connection.path_params.get("case_id")
    if raw is None:
        return
    user: User | None = connection.scope.get("user")
    if user is None:  # authentication middleware answers first; this is belt and braces
        raise CaseNotFound()
    case_id = raw if isinstance(raw, UUID) else None
    maker = connection.app.state[SESSIONS_KEY]
    async with maker() as db, db.begin():
        allowed = case_id is not None and await can_see(db, user, case_id)
        method = connection.scope.get("method", "GET")
        action = "case.read" if method in {"GET", "HEAD"} else "case.change"
        kind, target_id = addressed_record(connection.path_params)
        outcome = "ok" if allowed else "denied"
        if case_id is not None and target_id is not None and not await _in_case(db, kind, target_id, case_id):
            # The trail keeps the attempt, but not the id: it may be a record of another case, which this
            # case's trail must not name (allowed or refused, the case's trail is read by its own team).
            target_id = None
            if allowed:
                outcome = "not found"  # the handler will answer 404
        audit.record(
            db,
            action if allowed else "case.denied",
            Actor.of(user, connection),
            case_id=case_id,
            outcome=outcome,
            target_type=kind,
            target_id=target_id,
        )
    if not allowed:
        raise CaseNotFound()


async def provide_case(db_session: AsyncSession, request: Request[User, Any, Any], case_id: UUID) -> Case:
    """The `case` dependency of every route under /cases/{case_id} and /api/cases/{case_id}.

    The guard above has already cleared and audited the request; this loads the case in the
    request's own transaction, through `visible_cases` again, so a handler is never handed a case
    its user may not see, even if the guard were removed.
    """
    case = await db_session.scalar(visible_cases(request.user).where(Case.id == case_id))
    if case is None:
        raise CaseNotFound()
    return case
