"""Briefings and Witness Service packs that went out of date: the hearing they describe has changed since.

How it is decided (one rule, for every page and the API):

- A document about a hearing (`ProducedDocument.subject_id`, kind "briefing" or "witness_pack") is
  compared with the hearing as it stood when the document was made. That earlier hearing is rebuilt
  from the hearing now and its history: every `HearingChange` recorded after the document's
  `created_at` (strictly after: a change recorded at the same instant was already read) is undone,
  newest first, from the old values it kept. `changed_at` is when the change was recorded, so when
  the document could first have been made from it; `known_at` (when we heard) does not count.
- Only what the document shows counts (rules.SHOWN, read from briefings.py): time and date, place,
  courtroom (briefing), kind of hearing, arrival details and who goes with the family (briefing),
  and whether the hearing goes ahead. A change of something it does not show (the reason given for a
  status, the expected end time) leaves it as it is; so does a move that was later moved back.
- So a document made after the change is never out of date: nothing is undone for it. An old copy
  stays out of date after it is made again (it is still what was sent); the pages say "Made again"
  beside it (documents/store.py `made_again`) and keep listing its links that are still open.

No HTTP here; the documents part is handed `reasons_for` by the app (documents sits below hearings).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.documents.models import ProducedDocument
from courtjourney.hearings import rules, services, story
from courtjourney.hearings.models import Hearing, HearingChange
from courtjourney.i18n import gettext as _

KINDS = frozenset(kind for row in rules.SHOWN for kind in row.kinds)


def as_it_was(hearing: Hearing, changes: Iterable[HearingChange], made_at: dt.datetime) -> dict[str, Any]:
    """The hearing's tracked fields as they stood at `made_at` (JSON values, as changes keep them)."""
    state = services.snapshot(hearing)
    later = [c for c in changes if c.kind != "listed" and c.changed_at > made_at]
    for change in sorted(later, key=lambda c: (c.changed_at, c.id), reverse=True):
        for key, (old, _new) in json.loads(change.changes).items():
            state[key] = old
    return state


def _differs(row: rules.Shown, then: dict[str, Any], now: dict[str, Any]) -> bool:
    if row.what == "status":  # only whether it goes ahead (rules.SHOWN)
        return (then.get("status") in rules.NOT_HAPPENING) != (now.get("status") in rules.NOT_HAPPENING)
    return any(then.get(f) != now.get(f) for f in row.fields)


def _parse(value: Any, kind: type) -> Any:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value) if kind is dt.datetime else dt.date.fromisoformat(value)


def _sentence(what: str, then: dict[str, Any], now: dict[str, Any]) -> str:
    if what == "time":
        old = story.when(
            then.get("listing") or "fixed",
            _parse(then.get("starts_at"), dt.datetime),
            _parse(then.get("window_start"), dt.date),
            _parse(then.get("window_end"), dt.date),
        )
        return _("Describes the old date: %(when)s.") % {"when": old}
    if what == "place" and then.get("court_name") != now.get("court_name"):
        return _("Describes the old place: %(court)s.") % {"court": then.get("court_name") or ""}
    if what == "place":
        old_address = then.get("court_address") or then.get("court_town") or ""
        return _("Describes the old address: %(address)s.") % {"address": old_address}
    if what == "courtroom":
        if then.get("courtroom"):
            return _("Describes the old courtroom: %(room)s.") % {"room": then["courtroom"]}
        return _("Made before the courtroom was known.")
    if what == "hearing_type":
        return _("Describes the old kind of hearing: %(kind)s.") % {
            "kind": story.label("hearing_type", then.get("hearing_type"))
        }
    if what == "arrival":
        return _("Made before the arrival details or who goes with the family changed.")
    if now.get("status") in rules.NOT_HAPPENING:
        return _("Made before the hearing was called off: %(status)s.") % {
            "status": story.label("status", now.get("status")).lower()
        }
    return _("Made while the hearing was not going ahead.")


def reason(doc: ProducedDocument, hearing: Hearing, changes: Iterable[HearingChange]) -> str | None:
    """Why this document is out of date, in plain words; None when it still matches the hearing."""
    if doc.kind not in KINDS or doc.subject_id != hearing.id:
        return None
    then = as_it_was(hearing, changes, doc.created_at)
    now = services.snapshot(hearing)
    found = [row.what for row in rules.SHOWN if doc.kind in row.kinds and _differs(row, then, now)]
    if not found:
        return None
    return " ".join(_sentence(what, then, now) for what in found)


async def reasons_for(db: AsyncSession, case_id: UUID, docs: list[ProducedDocument]) -> dict[UUID, str]:
    """Each of these documents that is out of date, with why (documents of other kinds never are).
    Two statements, however many documents: their hearings, and those hearings' changes."""
    about = {d.subject_id for d in docs if d.kind in KINDS and d.subject_id is not None}
    if not about:
        return {}
    hearings = {
        h.id: h
        for h in await db.scalars(select(Hearing).where(Hearing.case_id == case_id, Hearing.id.in_(about)))
    }
    changes: dict[UUID, list[HearingChange]] = defaultdict(list)
    for change in await db.scalars(
        select(HearingChange).where(HearingChange.case_id == case_id, HearingChange.hearing_id.in_(about))
    ):
        changes[change.hearing_id].append(change)
    out: dict[UUID, str] = {}
    for doc in docs:
        hearing = hearings.get(doc.subject_id) if doc.subject_id else None
        if hearing is not None and (why := reason(doc, hearing, changes[hearing.id])):
            out[doc.id] = why
    return out
