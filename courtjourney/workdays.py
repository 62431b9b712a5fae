"""Working days in England and Wales: weekends and bank holidays (from the `holidays` package) do not count.

England and Wales share one list of bank holidays; `holidays` files it under the UK subdivision "ENG".
Used for the Victims' Code standards (tell the family within one working day) and, after the trial,
deadlines counted in working days.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start`, up to and including `end` (0 when `end` is on or before `start`).

    Told on the next working day counts 1; told the same day counts 0.
    """
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start`."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day
