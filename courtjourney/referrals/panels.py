"""What referrals offer the quarterly report (courtjourney/figures.py): for a period and its teams, the
referrals received by source, those accepted, declined and withdrawn, the median days from receiving a
referral to the first contact that reached the family, and the median days waiting of those still
undecided when the period ends. Counts of rows only: no name or free text leaves this module."""

from __future__ import annotations

import datetime as dt
from statistics import median

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.db.base import utcnow
from courtjourney.figures import Figure, FigureSource, Period
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _
from courtjourney.referrals import rules
from courtjourney.referrals.models import Referral

SECTION = "Referrals"


def _edges(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period's first moment and the moment after its last day, UK time, in UTC."""
    start = dt.datetime.combine(period.start, dt.time(0), LONDON).astimezone(dt.UTC)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(0), LONDON).astimezone(dt.UTC)
    return start, end


def _day(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


def _median(days: list[int]) -> float | None:
    return float(median(days)) if days else None


async def referral_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """The period's referral figures, in four queries whatever the number of referrals."""
    start, end = _edges(period)
    teams = [] if period.team_ids is None else [Referral.team_id.in_(period.team_ids)]
    section = _(SECTION)

    received = dict(
        (
            await db.execute(
                select(Referral.source, func.count())
                .where(Referral.received_at >= start, Referral.received_at < end, *teams)
                .group_by(Referral.source)
            )
        ).all()
    )
    decided = dict(
        (
            await db.execute(
                select(Referral.status, func.count())
                .where(Referral.decided_at >= start, Referral.decided_at < end, *teams)
                .group_by(Referral.status)
            )
        ).all()
    )
    figures = [Figure(section, "referrals.received", _("Referrals received"), sum(received.values()))]
    figures += [
        Figure(
            section,
            f"referrals.source.{key}",
            _("Referred by: %(source)s") % {"source": _(label)},
            received.get(key, 0),
        )
        for key, label in rules.SOURCES
    ]
    figures += [
        Figure(section, "referrals.accepted", _("Referrals accepted"), decided.get(rules.ACCEPTED, 0)),
        Figure(section, "referrals.declined", _("Referrals declined"), decided.get(rules.DECLINED, 0)),
        Figure(section, "referrals.withdrawn", _("Referrals withdrawn"), decided.get(rules.WITHDRAWN, 0)),
    ]

    # Time to first contact: for each first contact made in the period, from the day its referral came.
    to_contact = [
        max(0, (_day(contact) - _day(came)).days)
        for came, contact in (
            await db.execute(
                select(Referral.received_at, Referral.first_contact_at).where(
                    Referral.first_contact_at >= start, Referral.first_contact_at < end, *teams
                )
            )
        ).all()
        if contact is not None
    ]
    figures.append(
        Figure(
            section,
            "referrals.days_to_first_contact",
            _("Median days from referral to first contact"),
            _median(to_contact),
            kind="median",
        )
    )

    # Still waiting when the period ends (or today, for a period not over yet): received by then and not
    # decided by then, whatever has happened since.
    until = min(end, utcnow())
    as_of = _day(until - dt.timedelta(microseconds=1)) if until == end else _day(until)
    waiting = [
        max(0, (as_of - _day(came)).days)
        for (came,) in await db.execute(
            select(Referral.received_at).where(
                Referral.received_at < until,
                or_(Referral.decided_at.is_(None), Referral.decided_at >= until),
                *teams,
            )
        )
    ]
    figures.append(
        Figure(
            section,
            "referrals.days_waiting",
            _("Median days waiting, of referrals still waiting at the end"),
            _median(waiting),
            kind="median",
        )
    )
    figures.append(
        Figure(section, "referrals.still_waiting", _("Referrals still waiting at the end"), len(waiting))
    )
    return figures


REPORT: tuple[FigureSource, ...] = (referral_figures,)
