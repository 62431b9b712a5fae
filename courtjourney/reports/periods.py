"""The periods a report can cover: quarters by default, or any days up to two years, checked in plain words.

No database here, so the rules can be read and tested alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from courtjourney.errors import InputError
from courtjourney.i18n import N_, babel_locale, short_date
from courtjourney.i18n import gettext as _
from courtjourney.web.forms import Field, clean

#: The longest period one report covers (two years, a leap day included).
LONGEST_DAYS = 2 * 366
#: How far back a report may start: support lasts years, but not this many.
OLDEST_YEARS = 10
#: How far ahead a report may end: the current quarter, and a plan for the next year.
FURTHEST_DAYS = 366
#: How many quarters before the current one the page offers to pick.
QUARTERS_OFFERED = 8

DATES = (
    # Their own bounds below (ten years back, a year ahead), said with the period's other errors at once.
    Field("from", N_("First day"), kind="date", required=False, years="any"),
    Field("to", N_("Last day"), kind="date", required=False, years="any"),
)


@dataclass(frozen=True)
class Days:
    """The days a report covers, both included."""

    start: dt.date
    end: dt.date

    @property
    def is_quarter(self) -> bool:
        return self == quarter_of(self.start)

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def quarter_of(day: dt.date) -> Days:
    """The calendar quarter `day` falls in (January to March, April to June, ...)."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    next_start = dt.date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return Days(start, next_start - dt.timedelta(days=1))


def quarters_before(today: dt.date, count: int = QUARTERS_OFFERED) -> list[Days]:
    """The current quarter and the `count` before it, newest first."""
    found = [quarter_of(today)]
    for _i in range(count):
        found.append(quarter_of(found[-1].start - dt.timedelta(days=1)))
    return found


def quarter_name(days: Days) -> str:
    """ "October to December 2026" (any other period: "1 October 2026 to 15 November 2026")."""
    if days.is_quarter:
        return _("%(first)s to %(last)s %(year)d") % {
            "first": format_date(days.start, "LLLL", locale=babel_locale()),
            "last": format_date(days.end, "LLLL", locale=babel_locale()),
            "year": days.start.year,
        }
    return _("%(first)s to %(last)s") % {"first": short_date(days.start), "last": short_date(days.end)}


def parse(start: Any, end: Any, today: dt.date, *, quarter: Any = None) -> Days:
    """The period asked for: `quarter` (its first day: the page's choice), else `from` and `to` (dates like
    2026-10-01), else the current quarter. Raises InputError saying what to change."""
    if quarter not in (None, ""):
        picked = clean((Field("quarter", N_("Quarter"), kind="date"),), {"quarter": quarter})["quarter"]
        return _check(quarter_of(picked), today)
    values = clean(DATES, {"from": start, "to": end})
    first, last = values["from"], values["to"]
    if first is None and last is None:
        return quarter_of(today)
    if first is None:
        raise InputError({"from": _("Give the first day of the period too, like 2026-10-01.")})
    if last is None:
        raise InputError({"to": _("Give the last day of the period too, like 2026-12-31.")})
    return _check(Days(first, last), today)


def _check(days: Days, today: dt.date) -> Days:
    if days.end < days.start:
        raise InputError({"to": _("The last day cannot be before the first day.")})
    if (days.end - days.start).days + 1 > LONGEST_DAYS:
        raise InputError({"to": _("A report can cover up to two years. Choose a shorter period.")})
    if days.start < today.replace(year=today.year - OLDEST_YEARS, day=min(today.day, 28)):
        raise InputError(
            {"from": _("The first day is more than %(n)d years ago. Check the year.") % {"n": OLDEST_YEARS}}
        )
    if days.end > today + dt.timedelta(days=FURTHEST_DAYS):
        raise InputError({"to": _("The last day is more than a year ahead. Check the year.")})
    return days
