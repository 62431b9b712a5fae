"""What a worker should see at a glance: incidents per week, hearing dates, and when to think again.

Pure: takes (date, kind) pairs for the incidents as they now stand, gives bars for the SVG chart in
templates/_incident_chart.html and the prompts. Dates are UK dates (the day it happened, for the family).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from courtjourney.threats.rules import ALWAYS_PROMPT_KINDS, CLUSTER_COUNT, CLUSTER_DAYS

WEEKS_SHOWN = 16
BAR_WIDTH = 20
GAP = 4
CHART_HEIGHT = 120
LEFT = 28
TOP = 16


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Bar:
    week: dt.date
    count: int
    x: int
    y: int
    height: int
    hearing: bool


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    base: int  # y of the axis
    most: int  # the tallest bar's count (the scale)
    total: int
    first_week: dt.date
    hearings: tuple[dt.date, ...]


def weekly_chart(days: Sequence[dt.date], today: dt.date, hearings: Sequence[dt.date] = ()) -> Chart:
    """Bars for the last WEEKS_SHOWN weeks (Monday to Sunday), newest on the right, hearing weeks marked."""
    last = week_start(today)
    weeks = [last - dt.timedelta(weeks=n) for n in range(WEEKS_SHOWN - 1, -1, -1)]
    counts = Counter(week_start(d) for d in days)
    hearing_weeks = {week_start(h) for h in hearings}
    most = max([counts[w] for w in weeks] + [1])
    bars = []
    for i, week in enumerate(weeks):
        height = round(CHART_HEIGHT * counts[week] / most)
        bars.append(
            Bar(
                week,
                counts[week],
                LEFT + i * (BAR_WIDTH + GAP),
                TOP + CHART_HEIGHT - height,
                height,
                week in hearing_weeks,
            )
        )
    shown_hearings = tuple(sorted(h for h in hearings if weeks[0] <= h < last + dt.timedelta(days=7)))
    return Chart(
        tuple(bars),
        LEFT + WEEKS_SHOWN * (BAR_WIDTH + GAP) + 8,
        TOP + CHART_HEIGHT + 28,
        TOP + CHART_HEIGHT,
        most,
        sum(b.count for b in bars),
        weeks[0],
        shown_hearings,
    )


@dataclass(frozen=True)
class Prompt:
    """Why the worker is asked to think again: a cluster (first, last day, how many) or an assault."""

    reason: str  # "cluster" | "assault"
    start: dt.date
    end: dt.date
    count: int


def prompts(incidents: Sequence[tuple[dt.date, str | None]]) -> list[Prompt]:
    """The most recent cluster of CLUSTER_COUNT or more incidents within CLUSTER_DAYS days, and the
    most recent incident of a kind that always prompts (an assault)."""
    found: list[Prompt] = []
    days = sorted(d for d, _kind in incidents)
    best: Prompt | None = None
    start = 0
    for end, day in enumerate(days):
        while (day - days[start]).days >= CLUSTER_DAYS:
            start += 1
        count = end - start + 1
        if count >= CLUSTER_COUNT:
            best = Prompt("cluster", days[start], day, count)
    if best:
        found.append(best)
    serious = sorted(d for d, kind in incidents if kind in ALWAYS_PROMPT_KINDS)
    if serious:
        found.append(Prompt("assault", serious[-1], serious[-1], len(serious)))
    return found
