"""The incident log as the case page shows it: whether it is intact, a chart, the prompts, the latest few."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.models import Case
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _
from courtjourney.threats import chain, patterns, services
from courtjourney.threats.rules import HOW_KNOWN, IDENTIFIER_KINDS, KINDS, PASSED_BY

RECENT = 5


def labels() -> dict[str, dict[str, str]]:
    """Choice keys to labels in the reader's language, for the templates."""
    return {
        name: {key: _(label) for key, label in choices}
        for name, choices in (
            ("kind", KINDS),
            ("how_known", HOW_KNOWN),
            ("passed_by", PASSED_BY),
            ("identifier", IDENTIFIER_KINDS),
        )
    }


@dataclass(frozen=True)
class LogSummary:
    """What the case page shows about the incident log."""

    verdict: chain.Verdict
    count: int
    recent: list[services.IncidentView]
    chart: patterns.Chart
    prompts: list[patterns.Prompt]


def today() -> dt.date:
    return dt.datetime.now(LONDON).date()


async def log_summary(
    db: AsyncSession,
    case: Case,
    views: list[services.IncidentView] | None = None,
    *,
    hearing_days: list[dt.date],
) -> LogSummary:
    """The summary of the case's log. `hearing_days` (handed in by the page that shows it) shade their
    weeks on the chart: intimidation often rises as a hearing nears."""
    views = views if views is not None else await services.incident_views(db, case.id)
    return LogSummary(
        verdict=await services.verify_case(db, case.id),
        count=len(views),
        recent=sorted(views, key=lambda v: v.occurred_from, reverse=True)[:RECENT],
        chart=patterns.weekly_chart([v.local_day for v in views], today(), hearing_days),
        prompts=patterns.prompts([(v.local_day, v.kind) for v in views]),
    )
