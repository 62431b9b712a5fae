"""The pages that look across parts, each drawn from the panels the parts offer (their panels.py):
My day ("/my-day", the worker's home page), the caseload ("/"), the case page ("/cases/{case_id}") and the
manager's team page ("/team")."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.caseload import myday, team
from courtjourney.cases import forms as case_forms
from courtjourney.cases import panels as cases
from courtjourney.cases import services as case_services
from courtjourney.cases.journey import Stage
from courtjourney.cases.models import Case
from courtjourney.cases.words import stage_label
from courtjourney.debrief import panels as debrief
from courtjourney.errors import NotFound
from courtjourney.hearings import panels as hearings
from courtjourney.hearings import services as hearing_services
from courtjourney.i18n import age_on
from courtjourney.i18n import gettext as _
from courtjourney.outcomes import panels as outcomes
from courtjourney.threats import panels as threats

#: Each case's card on the caseload, from every part that adds to it, in the order the card reads:
#: (db, the cases' ids, today) -> the template's context for it.
CASELOAD_PANELS = (hearings.caseload_panel, debrief.caseload_panel)


async def case_page_panels(db: AsyncSession, actor: Actor, case: Case, today: dt.date) -> dict[str, Any]:
    """The case page's sections, in the order the page shows them: the summary at the top (next hearing,
    what to do: My day's lines for this case), the case and its journey, its hearings, its incident log,
    then (from cases again) its tasks, family, contacts, consent, risk and workers.
    The incident chart shades the hearing days, which the hearings panel gives and this hands on."""
    own = await cases.case_panel(db, case, today)
    court = await hearings.case_panel(db, case)
    incidents = await threats.case_panel(db, case, hearing_days=hearings.hearing_days(court["hearings"]))
    risk = own["risks"][0].level if own["risks"] else None
    todo = await myday.case_todo(db, actor, case, own["journey"].current.value, risk)
    summary = {
        "next_hearing": (await hearing_services.next_hearings(db, [case.id], today=today)).get(case.id),
        "todo": todo,
        "tell": (await hearings.telling_counts(db, [case.id])).get(case.id, hearings.TellCount()),
    }
    return {
        **own,
        **court,
        **incidents,
        **summary,
        **await outcomes.case_panel(db, case),
        **await debrief.case_panel(db, actor, case),
    }


class CaseloadPages(Controller):
    include_in_schema = False

    @get("/my-day", name="my_day")
    async def my_day(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor
    ) -> Template:
        view = await myday.my_day(db_session, actor, look=True)
        # The lines' cases, then every other case the "Record a contact for" list names.
        await audit.record_listed(db_session, actor, [*view.case_ids, *(c.id for c in view.cases)])
        return Template(
            template_name="my_day.html",
            context={
                "user": request.user,
                "title": _("My day"),
                "nav": "my_day",
                "view": view,
            },
        )

    @get("/", name="caseload")
    async def caseload(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        page: str | None = None,
        stage: str | None = None,
        risk: str | None = None,
        worker: str | None = None,
    ) -> Template:
        user = request.user
        colleagues = (
            await case_services.team_colleagues(db_session, user.team_id)
            if user.is_manager and user.team_id
            else []
        )
        wanted = case_services.caseload_filter(page, stage, risk, worker, [c.id for c in colleagues])
        shown = await case_services.caseload_page(db_session, actor, wanted)
        rows = shown.rows
        await audit.record_listed(db_session, actor, (row.case.id for row in rows))
        today = dt.date.today()
        ids = [r.case.id for r in rows]
        context: dict[str, Any] = {}
        for panel in CASELOAD_PANELS:
            context.update(await panel(db_session, ids, today))
        return Template(
            template_name="caseload.html",
            context={
                "user": user,
                "title": _("My caseload"),
                "nav": "caseload",
                "flash": request.query_params.get("deleted") == "1"
                and _(
                    "The case was deleted. Its audit trail keeps only that it existed, and who deleted it."
                ),
                "rows": rows,
                "shown": shown,
                "colleagues": sorted(colleagues, key=lambda c: c.full_name),
                "stages": [(s.value, stage_label(s)) for s in Stage],
                "risks": [*case_forms.RISK_LEVELS, (case_services.NOT_ASSESSED, _("Not assessed yet"))],
                "today": today,
                "age_on": age_on,
                **cases.caseload_panel(),
                **context,
            },
        )

    @get("/my-day/record-contact")
    async def record_contact_for(self, case_id: UUID) -> Redirect:
        """My day's "Record a contact for [case]": on to that case's form (which checks access itself)."""
        return Redirect(f"/cases/{case_id}/contact-log/new", status_code=303)

    @get("/cases/{case_id:uuid}")
    async def case_page(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case
    ) -> Template:
        today = dt.date.today()
        return Template(
            template_name="case.html",
            context={
                "user": request.user,
                "title": f"{case.reference}: {case.child_name}",
                "case": case,
                "today": today,
                "breadcrumbs": [("/", _("My caseload"))],
                "flash": request.query_params.get("done") and _("Saved."),
                **await case_page_panels(db_session, actor, case, today),
            },
        )

    @get("/team")
    async def team_page(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor
    ) -> Template:
        if not request.user.is_manager:
            raise NotFound("Nothing was found at this address.")
        view = await team.overview(db_session, actor)
        await audit.record_listed(db_session, actor, view.case_ids)
        return Template(
            template_name="team.html",
            context={
                "user": request.user,
                "title": _("Your team's cases"),
                "nav": "team",
                "view": view,
                "flash": request.query_params.get("done") and _("Saved."),
                "stage_label": stage_label,
                **debrief.team_words(),
                "today": dt.date.today(),
            },
        )
