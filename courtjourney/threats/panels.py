"""What the threats part shows on the pages that look across parts (caseload/): the incident log's summary
on the case page (_incident_summary.html)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.models import Case
from courtjourney.threats import summary


async def case_panel(db: AsyncSession, case: Case, hearing_days: list[dt.date]) -> dict[str, Any]:
    """The incident log's summary; `hearing_days` shade their weeks on its chart (handed in by the page)."""
    return {
        "incident_log": await summary.log_summary(db, case, hearing_days=hearing_days),
        "incident_labels": summary.labels(),
    }
