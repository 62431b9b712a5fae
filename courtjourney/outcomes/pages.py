"""The outcomes pages on a case: what was recorded (with the change from start to end), and the forms
for the measure, the exit survey and the equality questions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.services import names_for
from courtjourney.cases.models import Case
from courtjourney.cases.services import family_for
from courtjourney.errors import NotFound
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.outcomes import forms, rules, services
from courtjourney.web.pages import Form, FormPage, case_url, saved

MEASURE = FormPage(
    N_("Record how the parent feels"),
    forms.measure_fields(rules.all_items()),  # drawn again with the service's words, in the reader's language
    "/family-outcomes/measure",
    intro=N_(
        "Ask the parent how true each sentence is for them today, from 1 (not at all) to 5 (very much). "
        "There are no right answers. Leave out any they do not want to answer."
    ),
    button=N_("Save the answers"),
    # "Nothing was answered" is about the items as a whole: shown at the first of them.
    errors_at={"answers": f"{forms.ANSWER_PREFIX}{rules.asked_items()[0].key}"},
)
EXIT = FormPage(
    N_("Exit survey"),
    forms.EXIT,
    "/family-outcomes/exit-survey",
    intro=N_("Ask the family when their support ends. It is asked once."),
    button=N_("Save the survey"),
)
EQUALITY = FormPage(
    N_("Equality questions"),
    forms.EQUALITY,
    "/family-outcomes/equality",
    intro=N_(
        "These questions help us check that we reach every family fairly. Each one is optional: "
        "leave it empty if it was not asked, or choose prefer not to say. They are asked once."
    ),
    button=N_("Save the answers"),
)


def outcomes_url(case: Case) -> str:
    return case_url(case, "/family-outcomes")


async def _options(db: AsyncSession, case: Case) -> dict[str, list[tuple[str, str]]]:
    return {"member_id": [(str(m.id), m.name) for m in await family_for(db, case.id)]}


class OutcomePages(Controller):
    path = "/cases/{case_id:uuid}/family-outcomes"
    include_in_schema = False

    @get("/")
    async def outcomes(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case: Case
    ) -> Template:
        found = await services.case_outcomes(db_session, case.id)
        family = {m.id: m.name for m in await family_for(db_session, case.id)}
        people = {w for w in (*(v.measure.recorded_by_id for v in found.measures),) if w}
        return Template(
            template_name="outcomes.html",
            context={
                "user": request.user,
                "title": _("Outcomes for the family"),
                "case": case,
                "found": found,
                "items": await services.current_items(db_session),
                "family": family,
                "names": await names_for(db_session, people),
                "points": dict(rules.POINTS),
                "equality": rules.EQUALITY,
                "label_of": services.label_of,
                "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
                "flash": request.query_params.get("done") and _("Saved."),
            },
        )

    @get("/measure")
    async def measure_form(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case: Case
    ) -> Template:
        found = await services.case_outcomes(db_session, case.id)
        family = await family_for(db_session, case.id)
        values: dict[str, Any] = {}
        if len(family) == 1:
            values["member_id"] = str(family[0].id)
            values["point"] = "end" if found.started(family[0].id) else "start"
        return MEASURE.show(
            request,
            case,
            values=values,
            fields=forms.measure_fields(await services.current_items(db_session)),
            options=await _options(db_session, case),
        )

    @post("/measure")
    async def record_measure(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await MEASURE.submit(
            request,
            case,
            data,
            fields=forms.measure_fields(await services.current_items(db_session)),
            save=lambda values: services.record_measure(
                db_session, actor, case, forms.measure_from_form(values)
            ),
            done=lambda measure: saved(outcomes_url(case), f"measure-{measure.id}"),
            options=await _options(db_session, case),
        )

    @get("/exit-survey")
    async def exit_form(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case: Case
    ) -> Template:
        return EXIT.show(request, case, values={}, options=await _options(db_session, case))

    @post("/exit-survey")
    async def record_exit(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await EXIT.submit(
            request,
            case,
            data,
            save=lambda values: services.record_exit_survey(db_session, actor, case, values),
            done=saved(outcomes_url(case), "exit-survey"),
            options=await _options(db_session, case),
        )

    @get("/equality")
    async def equality_form(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], case: Case
    ) -> Template:
        family = await family_for(db_session, case.id)
        values = {"member_id": str(family[0].id)} if len(family) == 1 else {}
        return EQUALITY.show(request, case, values=values, options=await _options(db_session, case))

    @post("/equality")
    async def record_equality(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await EQUALITY.submit(
            request,
            case,
            data,
            save=lambda values: services.record_equality(db_session, actor, case, values),
            done=saved(outcomes_url(case), "equality"),
            options=await _options(db_session, case),
        )


WORDING = FormPage(
    N_("The sentences parents answer"),
    (),
    "/family-outcomes/items",
    intro=N_(
        "Change the words of a sentence here, in English and in Welsh. Keep its meaning: answers given "
        "before stay with it. The words change for every team."
    ),
    button=N_("Save the sentences"),
)


def _may_reword(request: Request[Any, Any, Any]) -> None:
    user = request.user
    if not (user.is_manager or user.is_admin):
        raise NotFound("Nothing was found at this address.")


def _wording_values(items: tuple[rules.Item, ...]) -> dict[str, str]:
    return {f"{lang}.{i.key}": getattr(i, lang) for i in items for lang in ("en", "cy")}


class ItemWordingPages(Controller):
    """The measure's sentences in the service's words, which a manager or an admin sets."""

    include_in_schema = False

    @get("/family-outcomes/items")
    async def wording_form(self, db_session: AsyncSession, request: Request[Any, Any, Any]) -> Template:
        _may_reword(request)
        items = await services.current_items(db_session)
        extra = {"nav": "", "flash": request.query_params.get("done") and _("Saved.")}
        return WORDING.show(
            request, None, values=_wording_values(items), fields=forms.wording_fields(items), extra=extra
        )

    @post("/family-outcomes/items")
    async def reword(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        _may_reword(request)
        items = await services.current_items(db_session)
        return await WORDING.submit(
            request,
            None,
            data,
            fields=forms.wording_fields(items),
            save=lambda values: services.reword_items(db_session, actor, values),
            done="/family-outcomes/items?done=saved",
            extra={"nav": "", "flash": ""},
        )
