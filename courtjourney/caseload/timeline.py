"""The case timeline (/cases/{case_id}/timeline and its JSON twin): the case's story, newest first, drawn
from the lines each part offers (its panels.py TIMELINE), merged by time and cut to a page.

Every part is asked for at most one page (plus one, to know whether there is an older page) of lines
older than where the last page stopped, so the statements per request are the same for a case of ten
lines or ten thousand, in a caseload of a thousand cases or a hundred thousand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.cases import panels as cases
from courtjourney.cases.models import Case
from courtjourney.contacts import panels as contacts
from courtjourney.debrief import panels as debrief
from courtjourney.documents import panels as documents
from courtjourney.errors import InputError
from courtjourney.hearings import panels as hearings
from courtjourney.i18n import gettext as _
from courtjourney.threats import panels as threats
from courtjourney.web.pages import case_url
from courtjourney.web.schemas import Out
from courtjourney.web.timeline import Before, TimelineEntry, TimelinePart, newest_first

#: Every part's lines on the timeline, in the order its filters are listed. Adding a part: add it here.
TIMELINE_PARTS: tuple[TimelinePart, ...] = (
    contacts.TIMELINE,
    cases.TIMELINE,
    hearings.TIMELINE,
    threats.TIMELINE,
    documents.TIMELINE,
    debrief.TIMELINE,
)
KINDS = tuple(p.kind for p in TIMELINE_PARTS)
#: Lines on one page.
PAGE = 50


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    kinds: tuple[str, ...]  # the kinds shown (every kind when none was chosen)
    older: Before | None  # where the next page starts, if there is one


def chosen_kinds(raw: list[str] | None) -> tuple[str, ...]:
    """The kinds asked for (`kind=contacts&kind=hearings`, or `kind=contacts,hearings`); none means all."""
    asked = {k.strip() for value in raw or () for k in value.split(",") if k.strip()}
    unknown = asked - set(KINDS)
    if unknown:
        raise InputError({"kind": "Choose kinds from: " + ", ".join(KINDS) + "."})
    return tuple(k for k in KINDS if k in asked) or KINDS


async def timeline(
    db: AsyncSession, case: Case, kinds: tuple[str, ...], before: Before | None, limit: int = PAGE
) -> Timeline:
    """One page of the case's story, newest first, from the parts whose kind was chosen."""
    found: list[TimelineEntry] = []
    for part in TIMELINE_PARTS:
        if part.kind in kinds:
            found += await part.entries(db, case, before=before, limit=limit + 1)
    ordered = newest_first(found)
    page = ordered[:limit]
    older = Before(page[-1].at, page[-1].id) if len(ordered) > limit else None
    return Timeline(page, kinds, older)


async def _read(
    db: AsyncSession, actor: Actor, case: Case, kind: list[str] | None, before: str | None
) -> Timeline:
    view = await timeline(db, case, chosen_kinds(kind), Before.parse(before))
    audit.record(db, "case.timeline_viewed", actor, case_id=case.id)
    return view


Kind = Annotated[
    list[str] | None,
    QueryParameter(
        name="kind",
        required=False,
        description="Only these kinds (repeat it, or separate with commas): " + ", ".join(KINDS),
    ),
]
BeforeParam = Annotated[
    str | None,
    QueryParameter(
        name="before",
        required=False,
        description="Only what happened before this: the `older` of the previous page, or a date and time "
        "such as 2026-03-01T10:00:00Z (UK time without an offset)",
    ),
]


class TimelineEntryOut(Out):
    at: dt.datetime
    id: UUID
    kind: str
    text: str
    href: str


class TimelineOut(Out):
    entries: list[TimelineEntryOut]
    kinds: list[str]
    older: str | None  # pass as `before` for the next page; null on the last


class TimelinePage(Controller):
    include_in_schema = False

    @get("/cases/{case_id:uuid}/timeline")
    async def page(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        kind: Kind = None,
        before: BeforeParam = None,
    ) -> Template:
        view = await _read(db_session, actor, case, kind, before)
        chosen = "".join(f"&kind={k}" for k in view.kinds) if view.kinds != KINDS else ""
        return Template(
            template_name="timeline.html",
            context={
                "user": request.user,
                "title": _("Timeline"),
                "case": case,
                "view": view,
                "parts": TIMELINE_PARTS,
                "labels": {p.kind: _(p.label) for p in TIMELINE_PARTS},
                "all_kinds": view.kinds == KINDS,
                "older_url": case_url(case, f"/timeline?before={view.older.token()}{chosen}")
                if view.older
                else None,
                "newest_url": case_url(case, "/timeline" + (("?" + chosen[1:]) if chosen else ""))
                if before
                else None,
                "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
            },
        )


class TimelineApi(Controller):
    path = "/api/cases/{case_id:uuid}/timeline"
    tags = ["Timeline"]

    @get(
        "/",
        summary="The case's story, newest first: contacts, journey, hearings, incidents, documents, outcomes",
        description=f"{PAGE} lines a page. Each line says what happened in plain words, with `href`, the page "
        "where it lives. For older lines, pass the answer's `older` as `before`.",
    )
    async def read(
        self,
        db_session: AsyncSession,
        actor: Actor,
        case: Case,
        kind: Kind = None,
        before: BeforeParam = None,
    ) -> TimelineOut:
        view = await _read(db_session, actor, case, kind, before)
        return TimelineOut(
            entries=[TimelineEntryOut(e.at, e.id, e.kind, e.text, e.href) for e in view.entries],
            kinds=list(view.kinds),
            older=view.older.token() if view.older else None,
        )
