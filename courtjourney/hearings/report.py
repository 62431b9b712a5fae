"""What the hearings part offers the quarterly report (panels.REPORT): trials whose day fell in the period
and what became of them; hearing changes we learned of in the period and the notice the family got;
and the Victims' Code timeliness, the share of changes the family heard of within one working day.

Why a trial did not go ahead is kept only as the worker's own words (encrypted), never as a code, so the
report gives the kind of ending the status records (adjourned, vacated, cancelled, ineffective on the
day) and never the words themselves: no report holds free text.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.access import report_cases_in
from courtjourney.db.base import utcnow
from courtjourney.figures import Figure, Period, read_once
from courtjourney.hearings import rules, services
from courtjourney.hearings.models import Hearing, HearingChange, sort_day
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _

#: How each trial's status reads in the report, in the order it shows them.
TRIAL_ENDINGS = (
    ("completed", "trials.went_ahead"),
    ("adjourned", "trials.adjourned"),
    ("vacated", "trials.vacated"),
    ("cancelled", "trials.cancelled"),
    ("ineffective", "trials.ineffective"),
)
#: Changes the family is given notice of: a listing, a new date or place, a change of status.
NOTICE_KINDS = ("listed", "moved", "place", "status")
#: Bands of notice, in days before the hearing day: (key, lowest, highest or None).
NOTICE_BANDS = (
    ("notice.none", None, 0),
    ("notice.1_6", 1, 6),
    ("notice.7_13", 7, 13),
    ("notice.14_plus", 14, None),
)


def _trial_labels() -> dict[str, str]:
    return {
        "trials.went_ahead": _("Went ahead"),
        "trials.adjourned": _("Adjourned"),
        "trials.vacated": _("Vacated (taken out of the list before the day)"),
        "trials.cancelled": _("Cancelled"),
        "trials.ineffective": _("Collapsed on the day (ineffective)"),
        "trials.not_recorded": _("The day has passed but what happened is not recorded yet"),
        "trials.to_come": _("Still to come"),
    }


async def trial_figures(db: AsyncSession, period: Period, today: dt.date | None = None) -> list[Figure]:
    """Trials whose day (or warned window's first day) fell in the period, by what became of them."""
    today = today or utcnow().astimezone(LONDON).date()
    trials = [
        (day, status)
        for window_start, starts_at, status in await db.execute(
            select(Hearing.window_start, Hearing.starts_at, Hearing.status).where(
                (await report_cases_in(db, period)).where(Hearing.case_id), Hearing.hearing_type == "trial"
            )
        )
        if period.start <= (day := sort_day(window_start, starts_at)) <= period.end
    ]
    endings = dict(TRIAL_ENDINGS)
    counted: Counter[str] = Counter()
    for day, status in trials:
        if status in endings:
            counted[endings[status]] += 1
        elif day < today:
            counted["trials.not_recorded"] += 1
        else:
            counted["trials.to_come"] += 1
    section = _("Trials")
    labels = _trial_labels()
    return [
        Figure(section, "trials.listed", _("Trials listed for a day in the period"), len(trials)),
        *(Figure(section, key, label, counted[key]) for key, label in labels.items()),
    ]


#: A hearing change as the report reads it, columns only (never the encrypted `changes`): its kind, the
#: hearing's day as it left it, whether it records the hearing went ahead, when we knew, when we told.
Change = Row[str, dt.date | None, bool, dt.datetime, dt.datetime | None]


async def _read_changes(db: AsyncSession, period: Period) -> list[Change]:
    return list(
        await db.execute(
            select(
                HearingChange.kind,
                HearingChange.day_after,
                HearingChange.went_ahead,
                HearingChange.known_at,
                HearingChange.told_at,
            ).where(
                (await report_cases_in(db, period)).where(HearingChange.case_id),
                HearingChange.known_at >= period.starts_at,
                HearingChange.known_at < period.ends_before,
            )
        )
    )


async def _changes(db: AsyncSession, period: Period) -> list[Change]:
    """The changes we learned of in the period (read once per report)."""
    return await read_once(db, period, _read_changes)


def _band(days: int) -> str:
    for key, low, high in NOTICE_BANDS:
        if (low is None or days >= low) and (high is None or days <= high):
            return key
    raise AssertionError(days)


async def change_figures(db: AsyncSession, period: Period) -> list[Figure]:
    """Hearing changes we learned of in the period, by kind, and how many days before the hearing the family
    was told of each listing, new date or place, or change of status (not of one that records it went ahead)."""
    changes = await _changes(db, period)
    kinds = Counter(c.kind for c in changes)
    section = _("Hearing changes")
    figures = [
        Figure(section, "changes.listed", _("Hearings listed"), kinds["listed"]),
        Figure(section, "changes.moved", _("Hearings moved to another date or time"), kinds["moved"]),
        Figure(section, "changes.place", _("Hearings moved to another court or courtroom"), kinds["place"]),
        Figure(
            section,
            "changes.status",
            _("Changes of status (adjourned, vacated, cancelled, went ahead)"),
            kinds["status"],
        ),
        Figure(section, "changes.details", _("Other details changed"), kinds["details"]),
    ]
    notice: list[int] = []
    not_told = 0
    for c in changes:
        if c.kind not in NOTICE_KINDS or c.went_ahead:
            continue
        day = c.day_after
        if day is None:
            continue
        if c.told_at is None:
            not_told += 1
            continue
        notice.append(max(0, (day - c.told_at.astimezone(LONDON).date()).days))
    bands = Counter(_band(n) for n in notice)
    section = _("Notice the family got of a hearing or its change")
    labels = {
        "notice.none": _("Told on the day of the hearing, or after it"),
        "notice.1_6": _("Told 1 to 6 days before"),
        "notice.7_13": _("Told 7 to 13 days before"),
        "notice.14_plus": _("Told 14 days or more before"),
    }
    figures += [Figure(section, key, labels[key], bands[key]) for key, _low, _high in NOTICE_BANDS]
    figures.append(Figure(section, "notice.not_told", _("Not told yet"), not_told))
    figures.append(
        Figure(
            section,
            "notice.median_days",
            _("Median days of notice"),
            statistics.median(notice) if notice else None,
            kind="median",
        )
    )
    return figures


async def telling_figures(db: AsyncSession, period: Period, now: dt.datetime | None = None) -> list[Figure]:
    """Victims' Code Right 8: of the changes we learned of in the period, how many the family heard of within
    the telling standard (rules.telling_standard: one working day), as the team page counts them, and the share."""
    changes = await _changes(db, period)
    counted: Counter[str] = Counter()
    for c in changes:
        delay = services.telling_delay_between(c.known_at, c.told_at, now)
        if delay.told:
            counted["told_late" if delay.late else "in_time"] += 1
        else:
            counted["untold_late" if delay.late else "pending"] += 1
    n = rules.telling_standard(period.end).within_working_days  # as in force at the period's end
    settled = counted["in_time"] + counted["told_late"] + counted["untold_late"]
    section = _("Telling families of hearing changes (Victims' Code)")
    return [
        Figure(section, "telling.changes", _("Changes we learned of in the period"), len(changes)),
        Figure(section, "telling.in_time", _("Told within %(n)d working day") % {"n": n}, counted["in_time"]),
        Figure(
            section,
            "telling.told_late",
            _("Told, but later than %(n)d working day") % {"n": n},
            counted["told_late"],
        ),
        Figure(section, "telling.untold_late", _("Not told yet, and already late"), counted["untold_late"]),
        Figure(section, "telling.pending", _("Not told yet, still in time"), counted["pending"]),
        Figure(
            section,
            "telling.share_in_time",
            _("Share told within %(n)d working day (of those told or already late)") % {"n": n},
            round(counted["in_time"] / settled, 4) if settled else None,
            kind="share",
        ),
    ]
