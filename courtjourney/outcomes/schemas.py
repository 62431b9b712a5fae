"""What the outcomes API takes and gives. Shapes are checked here; meaning (scores 1 to 5, the point,
the family member) by services.py, so the words of an error are the same as on the pages."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec

from courtjourney.web.schemas import Body, Out, Text


class NewOutcomeMeasure(Body):
    """One answering of the measure: `answers` maps each item's key to a score from 1 to 5 (an item left
    out, or null, was not answered). `answered_on` defaults to today."""

    member_id: UUID | None = None
    point: Text | None = None  # start | review | end
    answered_on: dt.date | None = None
    answers: dict[str, int | None] = msgspec.field(default_factory=dict)
    child_at_home: bool | None = None
    engaged_with_case: bool | None = None


class NewExitSurvey(Body):
    member_id: UUID | None = None
    answered_on: dt.date | None = None
    helped: bool | None = None
    would_recommend: bool | None = None
    comment: Text | None = None


class NewEquality(Body):
    """Each answer a category key, "prefer_not_to_say", or left out (not asked)."""

    member_id: UUID | None = None
    answered_on: dt.date | None = None
    age_band: Text | None = None
    gender: Text | None = None
    ethnicity: Text | None = None
    disability: Text | None = None


class OutcomeItemOut(Out):
    key: str
    text: str
    asked: bool


class OutcomeMeasureOut(Out):
    id: UUID
    member_id: UUID
    point: str
    answered_on: dt.date
    recorded_by_id: UUID | None
    answers: dict[str, int]
    child_at_home: bool | None
    engaged_with_case: bool | None


class OutcomeChangeOut(Out):
    member_id: UUID
    start_id: UUID
    end_id: UUID
    change: dict[str, int]


class ExitSurveyOut(Out):
    id: UUID
    member_id: UUID | None
    answered_on: dt.date
    recorded_by_id: UUID | None
    helped: bool
    would_recommend: bool
    comment: str | None


class EqualityOut(Out):
    id: UUID
    member_id: UUID
    answered_on: dt.date
    recorded_by_id: UUID | None
    age_band: str | None
    gender: str | None
    ethnicity: str | None
    disability: str | None


class FamilyOutcomesOut(Out):
    items: list[OutcomeItemOut]
    measures: list[OutcomeMeasureOut]
    changes: list[OutcomeChangeOut]
    exit_survey: ExitSurveyOut | None
    equality: list[EqualityOut]
