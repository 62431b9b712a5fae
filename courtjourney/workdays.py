"""Working days in England and Wales: weekends and bank holidays (from the `holidays` package) do not count.

England and Wales share one list of bank holidays; `holidays` files it under the UK subdivision "ENG".
Used for the Victims' Code standards (tell the family within one working day) and, after the trial,
deadlines counted in working days.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

import holidays


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start`, up to and including `end` (0 when `end` is on or before `start`).

    Told on the next working day counts 1; told the same day counts 0.

    Worked out as the difference of two running counts (`_working_days_to`), each a table lookup once its
    year is known, rather than a walk over the days between: the team page counts this for every hearing
    change of a team's cases, about 2,000 times a request (bench/scale.py --profile team), and the
    quarterly report as often; the days themselves repeat, so each day's count is kept once found.
    """
    if end <= start:
        return 0
    return _working_days_to(end) - _working_days_to(start)


@lru_cache(maxsize=8192)
def _working_days_to(day: dt.date) -> int:
    """Working days from 1 January of `_BASE_YEAR` up to and including `day` (negative before it)."""
    return _before_year(day.year) + _running_count(day.year)[day.timetuple().tm_yday - 1]


_BASE_YEAR = 2000


@cache
def _running_count(year: int) -> tuple[int, ...]:
    """For each day of `year`, the working days from 1 January up to and including it."""
    counts, total, day = [], 0, dt.date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += dt.timedelta(days=1)
    return tuple(counts)


@cache
def _before_year(year: int) -> int:
    """Working days from 1 January of `_BASE_YEAR` to the end of the year before `year` (signed)."""
    if year >= _BASE_YEAR:
        return sum(_running_count(y)[-1] for y in range(_BASE_YEAR, year))
    return -sum(_running_count(y)[-1] for y in range(year, _BASE_YEAR))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start`."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day
