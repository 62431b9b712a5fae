"""GET /api/reports/quarterly (JSON), .csv and .xlsx: the report for a period and team, counts under 5
shown as "fewer than 5". Thin: check, call the service, answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.i18n import LONDON
from courtjourney.reports import exports, periods, schemas, services
from courtjourney.reports.scope import scope_for
from courtjourney.settings import Settings
from courtjourney.web.downloads import attachment
from courtjourney.web.errors import API_ERRORS

FromDay = Annotated[
    str | None,
    QueryParameter(
        name="from", required=False, description="First day, like 2026-10-01 (default: this quarter's)"
    ),
]
ToDay = Annotated[
    str | None,
    QueryParameter(
        name="to", required=False, description="Last day, like 2026-12-31 (at most two years after from)"
    ),
]
TeamName = Annotated[
    str | None,
    QueryParameter(
        name="team",
        required=False,
        max_length=120,
        description="A team's name. Default: a manager's own team; for an admin where "
        "COURTJOURNEY_ADMIN_SEES_ALL_REPORTS is true, all teams; a worker's own caseload.",
    ),
]
#: A team one may not see answers like one that does not exist.
NO_TEAM = {404: API_ERRORS[404]}
WHO_SEES = (
    "Managers get their team's figures; admins any team's or all teams' where COURTJOURNEY_ADMIN_SEES_ALL_REPORTS "
    "is true; workers (and other admins) their own caseload's. Counts under 5 read 'fewer than 5'. "
    "Holds no names of children or family members, no case references and no free text. Audited."
)


async def report_for(
    db: AsyncSession, actor: Actor, settings: Settings, start: Any, end: Any, team: Any, action: str
) -> exports.Report:
    """The report the query asks for (400 for bad dates, 404 for a team one may not see), audited."""
    days = periods.parse(start, end, dt.datetime.now(LONDON).date())
    scope = await scope_for(db, actor, team, admin_sees_all=settings.admin_sees_all_reports)
    return await services.make_report(db, actor, days, scope, action=action)


def file_response(report: exports.Report, fmt: str) -> Response[bytes]:
    media_type, ext = services.FORMATS[fmt]
    body = services.file_of(report, fmt)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": attachment(exports.filename(report, ext))},
    )


class ReportApi(Controller):
    path = "/api/reports"
    tags = ["Reports"]

    @get(
        "/quarterly",
        summary="The quarterly report's figures for a period and team",
        description=WHO_SEES,
        responses=NO_TEAM,
    )
    async def quarterly(
        self,
        db_session: AsyncSession,
        actor: Actor,
        settings: Settings,
        start: FromDay = None,
        end: ToDay = None,
        team: TeamName = None,
    ) -> schemas.QuarterlyReportOut:
        report = await report_for(db_session, actor, settings, start, end, team, "report.made")
        return schemas.report_out(exports.as_json(report))

    @get(
        "/quarterly.csv",
        summary="The quarterly report as CSV",
        description=WHO_SEES,
        responses=NO_TEAM,
        media_type="text/csv",
    )
    async def quarterly_csv(
        self,
        db_session: AsyncSession,
        actor: Actor,
        settings: Settings,
        start: FromDay = None,
        end: ToDay = None,
        team: TeamName = None,
    ) -> Response[bytes]:
        report = await report_for(db_session, actor, settings, start, end, team, "report.downloaded.csv")
        return file_response(report, "csv")

    @get(
        "/quarterly.xlsx",
        summary="The quarterly report as an XLSX workbook",
        description=WHO_SEES,
        responses=NO_TEAM,
        media_type=services.FORMATS["xlsx"][0],
    )
    async def quarterly_xlsx(
        self,
        db_session: AsyncSession,
        actor: Actor,
        settings: Settings,
        start: FromDay = None,
        end: ToDay = None,
        team: TeamName = None,
    ) -> Response[bytes]:
        report = await report_for(db_session, actor, settings, start, end, team, "report.downloaded.xlsx")
        return file_response(report, "xlsx")
