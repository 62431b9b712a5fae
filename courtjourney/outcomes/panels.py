"""What the outcomes part shows on the pages that look across parts (caseload/): its section of the case
page (_outcomes_summary.html), and what it offers the quarterly report (report.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.models import Case
from courtjourney.cases.services import family_for
from courtjourney.figures import FigureSource
from courtjourney.outcomes import report, services


async def case_panel(db: AsyncSession, case: Case) -> dict[str, Any]:
    """The case's outcomes: how many measures, the exit survey, each person's change from start to end."""
    return {
        "outcomes": await services.case_outcomes(db, case.id),
        "outcome_items": await services.current_items(db),
        "outcome_family": {m.id: m.name for m in await family_for(db, case.id)},
    }


#: What the outcomes part offers the quarterly report (reports/ gathers it): see outcomes/report.py.
REPORT: tuple[FigureSource, ...] = (report.change_figures, report.exit_figures, report.equality_figures)
