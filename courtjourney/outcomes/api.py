"""The outcomes JSON API under /api/cases/{case_id}/outcomes. Thin: call the service, answer."""

from __future__ import annotations

from litestar import Controller, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.cases.models import Case
from courtjourney.outcomes import rules, schemas, services
from courtjourney.web.schemas import dump


def outcomes_out(found: services.CaseOutcomes, items: tuple[rules.Item, ...]) -> schemas.FamilyOutcomesOut:
    return schemas.FamilyOutcomesOut(
        items=[schemas.OutcomeItemOut(key=i.key, text=i.text, asked=i.asked) for i in items],
        measures=[dump(schemas.OutcomeMeasureOut, v.measure, answers=v.answers) for v in found.measures],
        changes=[
            schemas.OutcomeChangeOut(
                member_id=c.member_id, start_id=c.start.measure.id, end_id=c.end.measure.id, change=c.by_item
            )
            for c in found.changes
        ],
        exit_survey=dump(schemas.ExitSurveyOut, found.exit_survey) if found.exit_survey else None,
        equality=[dump(schemas.EqualityOut, e) for e in found.equality],
    )


class OutcomesApi(Controller):
    path = "/api/cases/{case_id:uuid}/family-outcomes"
    tags = ["Outcomes"]

    @get(
        "/",
        summary="The case's outcome measures, the change from start to end, the exit survey and equality answers",
    )
    async def read(self, db_session: AsyncSession, case: Case) -> schemas.FamilyOutcomesOut:
        return outcomes_out(
            await services.case_outcomes(db_session, case.id), await services.current_items(db_session)
        )

    @post(
        "/",
        summary="Record the outcome measure a family member answered (at the start, a review or the end)",
        description="`answers` maps item keys (GET lists them) to scores from 1 (not at all) to 5 (very much).",
        status_code=201,
    )
    async def record_measure(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewOutcomeMeasure
    ) -> schemas.OutcomeMeasureOut:
        measure = await services.record_measure(db_session, actor, case, data.to_dict())
        found = await services.case_outcomes(db_session, case.id)
        view = next(v for v in found.measures if v.measure.id == measure.id)
        return dump(schemas.OutcomeMeasureOut, measure, answers=view.answers)

    @post(
        "/exit-survey", summary="Record the exit survey when support closes (once per case)", status_code=201
    )
    async def record_exit_survey(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewExitSurvey
    ) -> schemas.ExitSurveyOut:
        return dump(
            schemas.ExitSurveyOut, await services.record_exit_survey(db_session, actor, case, data.to_dict())
        )

    @post(
        "/equality",
        summary="Record a parent's equality monitoring answers (asked once; every question may be skipped)",
        status_code=201,
    )
    async def record_equality(
        self, db_session: AsyncSession, actor: Actor, case: Case, data: schemas.NewEquality
    ) -> schemas.EqualityOut:
        return dump(
            schemas.EqualityOut, await services.record_equality(db_session, actor, case, data.to_dict())
        )
