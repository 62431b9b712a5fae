"""What the report API gives."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from courtjourney.web.schemas import Out


class FigureOut(Out):
    section: Annotated[str, msgspec.Meta(description="The part of the report it belongs to, in plain words")]
    key: Annotated[str, msgspec.Meta(description="Stable across periods and languages, e.g. parents.new")]
    label: Annotated[str, msgspec.Meta(description="What it counts, in plain words")]
    kind: Annotated[
        Literal["count", "median", "share", "hours", "mean"],
        msgspec.Meta(description="count (suppressed under 5), hours, share (a percentage), median or mean"),
    ]
    worker_id: Annotated[UUID | None, msgspec.Meta(description="Set on a per-worker figure")]
    worker: Annotated[str | None, msgspec.Meta(description="That worker's name")]
    value: Annotated[
        float | None,
        msgspec.Meta(
            description="The number (a count is whole; a share is a percentage, 0 to 100); null when "
            "suppressed (a count under 5) or when there was nothing to measure"
        ),
    ]
    shown: Annotated[str, msgspec.Meta(description="As the files write it: '12', '75%', 'fewer than 5'")]
    suppressed: Annotated[bool, msgspec.Meta(description="A count under 5, written 'fewer than 5'")]


class QuarterlyReportOut(Out):
    start: dt.date = msgspec.field(name="from")
    end: dt.date = msgspec.field(name="to")
    period: str = ""
    team: Annotated[str, msgspec.Meta(description="The team's name, 'All teams' or 'Your own caseload'")] = ""
    made_at: dt.datetime | None = None
    figures: list[FigureOut] = msgspec.field(default_factory=list)


def report_out(data: dict[str, Any]) -> QuarterlyReportOut:
    """The API's answer from exports.as_json (the same figures, as typed fields)."""
    return msgspec.convert(data, QuarterlyReportOut)
