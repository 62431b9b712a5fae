"""Lay out the journey map: each stage done, current or ahead, with the date it was reached.

Pure: takes the stage history, gives positions for the SVG in caseload/templates/_journey.html (the case page).
The map is drawn top to bottom so it reads the same on a phone and a desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from courtjourney.cases.journey import STAGE_LABELS, STAGES, Stage

ROW = 64
TOP = 28


@dataclass(frozen=True)
class MapStop:
    stage: Stage
    label: str
    state: str  # done | skipped | current | ahead
    reached_on: dt.datetime | None
    y: int


@dataclass(frozen=True)
class JourneyMap:
    stops: tuple[MapStop, ...]
    height: int
    current: Stage


def lay_out(history: Sequence[tuple[str, dt.datetime]], gettext: Callable[[str], str]) -> JourneyMap:
    """`history` is (to_stage, moved_at) oldest first. A stage is 'done' if it was left behind:
    after a move back (a retrial), later stages count as ahead again, as they are for the family."""
    current = Stage(history[-1][0]) if history else STAGES[0]
    last_reached: dict[Stage, dt.datetime] = {}
    for to_stage, at in history:
        last_reached[Stage(to_stage)] = at
    here = STAGES.index(current)
    stops = []
    for i, stage in enumerate(STAGES):
        if stage is Stage.CLOSED and current is not Stage.CLOSED:
            state = "ahead"
        elif i < here:
            state = "done" if stage in last_reached else "skipped"
        elif i == here:
            state = "current"
        else:
            state = "ahead"
        stops.append(
            MapStop(
                stage=stage,
                label=gettext(STAGE_LABELS[stage]),
                state=state,
                reached_on=last_reached.get(stage) if state in {"done", "current"} else None,
                y=TOP + i * ROW,
            )
        )
    return JourneyMap(stops=tuple(stops), height=TOP * 2 + (len(STAGES) - 1) * ROW, current=current)
