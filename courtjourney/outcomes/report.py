"""What the outcomes part offers the quarterly report (panels.REPORT): the change in each item of the
measure from start to end, the exit survey's counts, and the equality figures.

Only numbers reach a report: never a comment, a name or an answer of one family. A mean change is
given only where at least 5 families answered the item at both ends (fewer, and the mean would tell a
reader how one family answered); below that it is "nothing to measure", and the count of families
beside it is a count, so files write it "fewer than 5".

Which rows count: families (cases of the report) whose end measure was answered in the period, with a
start measure too; exit surveys answered in the period; equality answers given in the period (each
parent is asked once, so each is counted once, in the quarter they were asked)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.access import report_cases_in
from courtjourney.figures import Figure, Period
from courtjourney.i18n import gettext as _
from courtjourney.outcomes import rules, services
from courtjourney.outcomes.models import EqualityAnswers, ExitSurvey, OutcomeAnswer, OutcomeMeasure

#: A mean of fewer families than this is not given (it would show how one family answered).
MEAN_FROM = 5


async def change_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Families with a start and an end measure (the end in the period), and the mean change per item."""
    ends = list(
        await db.scalars(
            select(OutcomeMeasure).where(
                (await report_cases_in(db, period)).where(OutcomeMeasure.case_id),
                OutcomeMeasure.point == "end",
                OutcomeMeasure.answered_on >= period.start,
                OutcomeMeasure.answered_on <= period.end,
            )
        )
    )
    starts = (
        {
            (m.case_id, m.member_id): m
            for m in await db.scalars(
                select(OutcomeMeasure).where(
                    OutcomeMeasure.case_id.in_({e.case_id for e in ends}), OutcomeMeasure.point == "start"
                )
            )
        }
        if ends
        else {}
    )
    # One pair per case: the first person on it with both (the parent who answered, nearly always one).
    pairs: dict[object, tuple[OutcomeMeasure, OutcomeMeasure]] = {}
    for end in sorted(ends, key=lambda m: (m.answered_on, m.created_at)):
        start = starts.get((end.case_id, end.member_id))
        if start is not None and end.case_id not in pairs:
            pairs[end.case_id] = (start, end)
    scores: dict[object, dict[str, int]] = {}
    ids = [m.id for pair in pairs.values() for m in pair]
    if ids:
        for a in await db.scalars(select(OutcomeAnswer).where(OutcomeAnswer.measure_id.in_(ids))):
            scores.setdefault(a.measure_id, {})[a.item] = a.score
    section = _("Outcomes for families: change from start to end")
    figures = [
        Figure(
            section,
            "family_outcomes.families",
            _("Families with answers at the start and the end"),
            len(pairs),
        )
    ]
    for item in await services.current_items(db):
        changes = [
            scores[end.id][item.key] - scores[start.id][item.key]
            for start, end in pairs.values()
            if item.key in scores.get(start.id, {}) and item.key in scores.get(end.id, {})
        ]
        figures.append(
            Figure(
                section,
                f"family_outcomes.answered.{item.key}",
                _("Families who answered at both ends: %(item)s") % {"item": item.text},
                len(changes),
            )
        )
        mean = round(sum(changes) / len(changes), 2) if len(changes) >= MEAN_FROM else None
        figures.append(
            Figure(
                section,
                f"family_outcomes.change.{item.key}",
                _("Average change (from 1 to 5 at each end): %(item)s") % {"item": item.text},
                mean,
                kind="mean",
            )
        )
    for name, words in (
        ("child_at_home", _("Child living at home at the end")),
        ("engaged_with_case", _("Family still taking part in the court case at the end")),
    ):
        figures.append(
            Figure(
                section,
                f"family_outcomes.{name}",
                words,
                sum(1 for _s, end in pairs.values() if getattr(end, name) is True),
            )
        )
    return figures


async def exit_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """The exit surveys answered in the period: how many, how many said it helped, would recommend us."""
    surveys = list(
        await db.execute(
            select(ExitSurvey.helped, ExitSurvey.would_recommend).where(
                (await report_cases_in(db, period)).where(ExitSurvey.case_id),
                ExitSurvey.answered_on >= period.start,
                ExitSurvey.answered_on <= period.end,
            )
        )
    )
    section = _("Exit survey")
    return [
        Figure(section, "exit.total", _("Exit surveys answered"), len(surveys)),
        Figure(section, "exit.helped", _("Said our support helped"), sum(1 for s in surveys if s.helped)),
        Figure(
            section,
            "exit.not_helped",
            _("Said our support did not help"),
            sum(1 for s in surveys if not s.helped),
        ),
        Figure(
            section, "exit.recommend", _("Would recommend us"), sum(1 for s in surveys if s.would_recommend)
        ),
        Figure(
            section,
            "exit.not_recommend",
            _("Would not recommend us"),
            sum(1 for s in surveys if not s.would_recommend),
        ),
    ]


async def equality_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Parents asked the equality questions in the period, and the count of each answer (every category,
    so the keys are the same each quarter; "not asked" where a question was left empty)."""
    rows = list(
        await db.scalars(
            select(EqualityAnswers).where(
                (await report_cases_in(db, period)).where(EqualityAnswers.case_id),
                EqualityAnswers.answered_on >= period.start,
                EqualityAnswers.answered_on <= period.end,
            )
        )
    )
    figures = [
        Figure(
            _("Equality monitoring"), "equality.total", _("Parents asked the equality questions"), len(rows)
        )
    ]
    for name, question, choices in rules.EQUALITY:
        count = Counter(getattr(r, name) for r in rows)
        section = _("Equality monitoring: %(question)s") % {"question": _(question)}
        for key, label in choices:
            figures.append(Figure(section, f"equality.{name}.{key}", _(label), count[key]))
        figures.append(Figure(section, f"equality.{name}.not_asked", _("Not asked"), count[None]))
    return figures
