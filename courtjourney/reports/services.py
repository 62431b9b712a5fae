"""Making, submitting and reading reports. No HTTP here; every report made, downloaded or submitted is
audited (with no case: a report is about many cases and names none)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role
from courtjourney.accounts.services import names_for
from courtjourney.db.base import utcnow
from courtjourney.errors import NotFound
from courtjourney.figures import Period
from courtjourney.reports import exports
from courtjourney.reports.gather import gather
from courtjourney.reports.models import SubmittedReport
from courtjourney.reports.periods import Days
from courtjourney.reports.scope import Scope, sees_all

NO_SUCH_REPORT = "No submitted report was found at this address."
#: What each file is, as a download: (media type, file extension).
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def make_report(
    db: AsyncSession, actor: Actor, days: Days, scope: Scope, *, action: str | None = "report.made"
) -> exports.Report:
    """The report for these days and this scope, made now from the data as it stands; audited as `action`."""
    figures = await gather(db, Period(days.start, days.end, scope.team_ids, scope.worker_id))
    workers = await names_for(db, {f.worker_id for f in figures if f.worker_id})
    if action:
        audit.record(db, action, actor, target_type="report")
    return exports.Report(days, scope.label, utcnow(), figures, workers)


def file_of(report: exports.Report, fmt: str) -> bytes:
    if fmt == "csv":
        return exports.to_csv(report)
    if fmt == "xlsx":
        return exports.to_xlsx(report)
    return exports.json_bytes(report)


async def submit(db: AsyncSession, actor: Actor, days: Days, scope: Scope) -> SubmittedReport:
    """Freeze the report as it is now: its figures and both files, each with its SHA-256, as the next
    version for this period and scope (earlier versions are kept as they were)."""
    assert scope.key is not None, "a worker's own caseload is not submitted"
    report = await make_report(db, actor, days, scope, action=None)
    figures, csv_body, xlsx_body = exports.json_bytes(report), exports.to_csv(report), exports.to_xlsx(report)
    for attempt in range(5):
        latest = await db.scalar(
            select(func.max(SubmittedReport.version)).where(
                SubmittedReport.period_start == days.start,
                SubmittedReport.period_end == days.end,
                SubmittedReport.scope == scope.key,
            )
        )
        row = SubmittedReport(
            period_start=days.start,
            period_end=days.end,
            scope=scope.key,
            team_id=scope.team.id if scope.kind == "team" and scope.team else None,
            team_name=report.scope,
            version=(latest or 0) + 1,
            submitted_by_id=actor.id,
            submitted_at=report.made_at,
            figures_json=figures.decode("utf-8"),
            figures_sha256=sha256(figures),
            csv_content=base64.b64encode(csv_body).decode("ascii"),
            csv_sha256=sha256(csv_body),
            xlsx_content=base64.b64encode(xlsx_body).decode("ascii"),
            xlsx_sha256=sha256(xlsx_body),
        )
        try:
            async with db.begin_nested():
                db.add(row)
                await db.flush()
            break
        except IntegrityError:
            # Someone submitted the same period at the same moment: count the versions again.
            if attempt == 4:
                raise
    audit.record(db, "report.submitted", actor, target=row)
    return row


def _visible(actor: Actor, admin_sees_all: bool) -> Any:
    """Which submitted reports `actor` may see: a manager their team's, an admin every one where the
    setting allows; nobody else any."""
    query = select(SubmittedReport)
    if sees_all(actor, admin_sees_all):
        return query
    if actor.role == Role.MANAGER.value and actor.team_id is not None:
        return query.where(SubmittedReport.scope == str(actor.team_id))
    return None


def may_see_submitted(actor: Actor, admin_sees_all: bool) -> bool:
    return _visible(actor, admin_sees_all) is not None


async def submitted_list(db: AsyncSession, actor: Actor, admin_sees_all: bool) -> list[SubmittedReport]:
    """The submitted reports `actor` may see, newest period first, each period's versions newest first."""
    query = _visible(actor, admin_sees_all)
    if query is None:
        raise NotFound()
    rows = list(
        await db.scalars(
            query.order_by(
                SubmittedReport.period_start.desc(),
                SubmittedReport.period_end.desc(),
                SubmittedReport.scope,
                SubmittedReport.version.desc(),
            )
        )
    )
    audit.record(db, "report.submitted_listed", actor, target_type="report")
    return rows


async def get_submitted(
    db: AsyncSession, actor: Actor, report_id: UUID, admin_sees_all: bool, *, action: str
) -> SubmittedReport:
    """One submitted report `actor` may see (NotFound otherwise, alike for one that does not exist); audited."""
    query = _visible(actor, admin_sees_all)
    row = await db.scalar(query.where(SubmittedReport.id == report_id)) if query is not None else None
    if row is None:
        raise NotFound(NO_SUCH_REPORT)
    audit.record(db, action, actor, target=row)
    return row


@dataclass(frozen=True)
class StoredFile:
    body: bytes
    sha256: str
    media_type: str
    filename: str


def stored_file(row: SubmittedReport, fmt: str) -> StoredFile:
    """A submitted report's file exactly as it was stored, with the SHA-256 it was stored with."""
    if fmt == "csv":
        body, digest = base64.b64decode(row.csv_content), row.csv_sha256
    elif fmt == "xlsx":
        body, digest = base64.b64decode(row.xlsx_content), row.xlsx_sha256
    else:
        body, digest = row.figures_json.encode("utf-8"), row.figures_sha256
    media_type, ext = FORMATS[fmt]
    team = "".join(c if c.isalnum() else "-" for c in row.team_name or "all").strip("-") or "all"
    name = f"courtjourney-report-{row.period_start}-to-{row.period_end}-{team}-v{row.version}.{ext}"
    return StoredFile(body, digest, media_type, name)


def stored_figures(row: SubmittedReport) -> dict[str, Any]:
    figures: dict[str, Any] = json.loads(row.figures_json)
    return figures
