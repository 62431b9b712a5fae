"""Every part's figures for a period, in one stated order: the parts' `REPORT` tuples (their panels.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases import panels as cases
from courtjourney.contacts import panels as contacts
from courtjourney.debrief import panels as debrief
from courtjourney.figures import Figure, FigureSource, Period, gathering
from courtjourney.hearings import panels as hearings
from courtjourney.outcomes import panels as outcomes
from courtjourney.referrals import panels as referrals
from courtjourney.threats import panels as threats

#: The parts the report gathers from, in the order it reads: a new part (referrals) is one more line.
PARTS: tuple[tuple[FigureSource, ...], ...] = (
    referrals.REPORT,
    cases.REPORT,
    contacts.REPORT,
    hearings.REPORT,
    debrief.REPORT,
    threats.REPORT,
    outcomes.REPORT,
)


async def gather(db: AsyncSession, period: Period) -> list[Figure]:
    """The report's figures: each part's, in PARTS' order, each part's in the order it gives them."""
    found: list[Figure] = []
    with gathering(db):
        for part in PARTS:
            for source in part:
                found += await source(db, period)
    return found
