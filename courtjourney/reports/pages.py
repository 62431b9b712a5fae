"""The report pages: /reports (the figures for a period and team, as tables with bar charts beside them,
and the files to download), submitting a report, and the submitted reports with their files as stored.

The page shows every count as it is, small ones too, because whoever opens it may see those cases
anyway (a manager their team's, a worker their own); beside each it says what the files write
("fewer than 5"), so a manager can check a report before sending it. Every file, and the JSON API,
suppresses them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.accounts.services import names_for
from courtjourney.errors import NotFound
from courtjourney.figures import Figure
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _
from courtjourney.reports import api, charts, exports, periods, services
from courtjourney.reports.models import SubmittedReport
from courtjourney.reports.scope import may_submit, scope_for, teams_for
from courtjourney.settings import Settings
from courtjourney.web.downloads import attachment
from courtjourney.web.pages import Form


@dataclass
class Row:
    label: str
    worker: str
    exact: str | None  # None on a submitted report: only what the files wrote is kept
    in_files: str


@dataclass
class Section:
    title: str
    anchor: str
    rows: list[Row] = field(default_factory=list)
    per_worker: bool = False
    chart: Markup = field(default_factory=Markup)


def _charted(figures: list[Figure]) -> list[Figure]:
    """What a section's chart draws: its counts, or where it has none its hours."""
    counts = [f for f in figures if f.kind == "count"]
    return counts or [f for f in figures if f.kind == "hours"]


def sections_of(report: exports.Report) -> list[Section]:
    """The page's sections: each a table of its figures (as they are, and as the files write them) and a chart."""
    out = []
    for i, (title, figures) in enumerate(report.sections(), start=1):
        per_worker = any(f.worker_id for f in figures)
        section = Section(title, f"section-{i}", per_worker=per_worker)
        for f in figures:
            section.rows.append(
                Row(f.label, report.worker(f), exports.shown(f, exact=True), exports.shown(f))
            )
        bars = [
            (
                report.worker(f) if per_worker else f.label,
                float(exports.number(f) or 0),
                exports.shown(f, exact=True),
            )
            for f in _charted(figures)
        ]
        section.chart = charts.bar_chart(section.anchor, title, bars)
        out.append(section)
    return out


def stored_sections(figures: list[dict[str, Any]]) -> list[Section]:
    """A submitted report's sections, from its stored figures: what the files wrote, and no chart."""
    out: dict[str, Section] = {}
    for f in figures:
        section = out.setdefault(f["section"], Section(f["section"], f"section-{len(out) + 1}"))
        section.per_worker = section.per_worker or bool(f["worker"])
        section.rows.append(Row(f["label"], f["worker"] or "", None, f["shown"]))
    return list(out.values())


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def _crumbs() -> list[tuple[str, str]]:
    return [("/reports", _("Quarterly report"))]


class ReportPages(Controller):
    include_in_schema = False

    @get("/reports")
    async def report_page(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        settings: Settings,
    ) -> Template:
        params = request.query_params
        today = _today()
        days = periods.parse(params.get("from"), params.get("to"), today, quarter=params.get("quarter"))
        admin_sees_all = settings.admin_sees_all_reports
        scope = await scope_for(db_session, actor, params.get("team"), admin_sees_all=admin_sees_all)
        report = await services.make_report(db_session, actor, days, scope)
        offered = periods.quarters_before(today)
        query = urlencode(
            {"from": days.start.isoformat(), "to": days.end.isoformat(), "team": scope.team_param}
        )
        return Template(
            template_name="reports.html",
            context={
                "user": request.user,
                "title": _("Quarterly report"),
                "nav": "reports",
                "report": report,
                "days": days,
                "period_name": periods.quarter_name(days),
                "scope": scope,
                "sections": sections_of(report),
                "quarters": [(q, periods.quarter_name(q)) for q in offered],
                "picked": days if days in offered else None,
                "teams": await teams_for(db_session, actor, admin_sees_all),
                "downloads": {
                    "csv": f"/reports/quarterly.csv?{query}",
                    "xlsx": f"/reports/quarterly.xlsx?{query}",
                },
                "may_submit": may_submit(actor, scope, admin_sees_all),
                "may_see_submitted": services.may_see_submitted(actor, admin_sees_all),
                "admin_without_setting": actor.role == "admin" and not admin_sees_all,
            },
        )

    @get("/reports/quarterly.csv")
    async def download_csv(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, settings: Settings
    ) -> Response[bytes]:
        return await _download(db_session, request, actor, settings, "csv")

    @get("/reports/quarterly.xlsx")
    async def download_xlsx(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, settings: Settings
    ) -> Response[bytes]:
        return await _download(db_session, request, actor, settings, "xlsx")

    @post("/reports/submit")
    async def submit(
        self, db_session: AsyncSession, actor: Actor, settings: Settings, data: Form
    ) -> Redirect:
        days = periods.parse(data.get("from"), data.get("to"), _today())
        admin_sees_all = settings.admin_sees_all_reports
        scope = await scope_for(db_session, actor, data.get("team"), admin_sees_all=admin_sees_all)
        if not may_submit(actor, scope, admin_sees_all):
            raise NotFound()
        row = await services.submit(db_session, actor, days, scope)
        return Redirect(f"/reports/submitted/{row.id}?done=submitted", status_code=303)

    @get("/reports/submitted")
    async def submitted(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, settings: Settings
    ) -> Template:
        rows = await services.submitted_list(db_session, actor, settings.admin_sees_all_reports)
        return Template(
            template_name="reports_submitted.html",
            context={
                "user": request.user,
                "title": _("Submitted reports"),
                "nav": "reports",
                "rows": rows,
                "names": await names_for(db_session, {r.submitted_by_id for r in rows if r.submitted_by_id}),
                "period_name": _period_name,
                "breadcrumbs": _crumbs(),
            },
        )

    @get("/reports/submitted/{report_id:uuid}")
    async def submitted_one(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        settings: Settings,
        report_id: UUID,
    ) -> Template:
        row = await services.get_submitted(
            db_session, actor, report_id, settings.admin_sees_all_reports, action="report.submitted_viewed"
        )
        stored = services.stored_figures(row)
        names = await names_for(db_session, {row.submitted_by_id} if row.submitted_by_id else set())
        return Template(
            template_name="reports_submitted_one.html",
            context={
                "user": request.user,
                "title": _("Submitted report: %(period)s, version %(version)d")
                % {"period": _period_name(row), "version": row.version},
                "nav": "reports",
                "row": row,
                "submitted_by": names.get(row.submitted_by_id) if row.submitted_by_id else None,
                "sections": stored_sections(stored["figures"]),
                "flash": request.query_params.get("done")
                and _("Submitted. The figures and files are kept as they are now."),
                "breadcrumbs": [*_crumbs(), ("/reports/submitted", _("Submitted reports"))],
            },
        )

    @get("/reports/submitted/{report_id:uuid}/report.csv")
    async def submitted_csv(
        self, db_session: AsyncSession, actor: Actor, settings: Settings, report_id: UUID
    ) -> Response[bytes]:
        return await _stored(db_session, actor, settings, report_id, "csv")

    @get("/reports/submitted/{report_id:uuid}/report.xlsx")
    async def submitted_xlsx(
        self, db_session: AsyncSession, actor: Actor, settings: Settings, report_id: UUID
    ) -> Response[bytes]:
        return await _stored(db_session, actor, settings, report_id, "xlsx")


async def _download(
    db: AsyncSession, request: Request[User, Any, Any], actor: Actor, settings: Settings, fmt: str
) -> Response[bytes]:
    """The page's download links: the same files as the API's, for a signed-in browser."""
    params = request.query_params
    report = await api.report_for(
        db,
        actor,
        settings,
        params.get("from"),
        params.get("to"),
        params.get("team"),
        f"report.downloaded.{fmt}",
    )
    return api.file_response(report, fmt)


def _period_name(row: SubmittedReport) -> str:
    return periods.quarter_name(periods.Days(row.period_start, row.period_end))


async def _stored(
    db: AsyncSession, actor: Actor, settings: Settings, report_id: UUID, fmt: str
) -> Response[bytes]:
    """A submitted report's file exactly as stored, with its SHA-256 (Repr-Digest, RFC 9530, and in hex)."""
    import base64

    row = await services.get_submitted(
        db, actor, report_id, settings.admin_sees_all_reports, action=f"report.submitted_downloaded.{fmt}"
    )
    stored = services.stored_file(row, fmt)
    digest = base64.b64encode(bytes.fromhex(stored.sha256)).decode("ascii")
    return Response(
        stored.body,
        media_type=stored.media_type,
        headers={
            "Content-Disposition": attachment(stored.filename),
            "Repr-Digest": f"sha-256=:{digest}:",
            "X-Content-SHA256": stored.sha256,
        },
    )
