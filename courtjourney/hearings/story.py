"""Hearings in plain words: when and where, and the story of every change.

"Moved from Monday 2 March to Tuesday 14 April: the court had no judge free."
All words go through the catalogue, in the reader's language (`lang`, default the request's).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from babel.dates import format_date, format_time

from courtjourney import i18n
from courtjourney.hearings import forms
from courtjourney.hearings.models import Hearing, HearingChange

LABELS = {
    "hearing_type": dict(forms.HEARING_TYPES),
    "status": dict(forms.HEARING_STATUSES),
    "listing": dict(forms.LISTINGS),
    "court_type": dict(forms.COURT_TYPES),
    "attendance": dict(forms.ATTENDANCE),
    "privacy": dict(forms.PRIVACY),
    "category": dict(forms.CHARGE_CATEGORIES),
    "proceeding_status": dict(forms.PROCEEDING_STATUSES),
    "measure": dict(forms.SPECIAL_MEASURES),
    "measure_status": dict(forms.MEASURE_STATUSES),
}


def label(kind: str, key: str | None, lang: str | None = None) -> str:
    if key is None:
        return ""
    return _t(lang)(LABELS[kind].get(key, key))


def _t(lang: str | None) -> Any:
    return i18n.translations(lang or i18n.get_locale()).gettext


def _day(value: dt.date, lang: str) -> str:
    return format_date(value, "EEEE d MMMM", locale=i18n.babel_locale(lang))


def local_time(value: dt.datetime, lang: str | None = None) -> str:
    lang = lang or i18n.get_locale()
    return format_time(value.astimezone(i18n.LONDON).time(), "HH:mm", locale=i18n.babel_locale(lang))


def when(
    listing: str,
    starts_at: dt.datetime | None,
    window_start: dt.date | None,
    window_end: dt.date | None,
    lang: str | None = None,
    *,
    with_time: bool = True,
) -> str:
    """ "Monday 2 March at 10:00", or for a warned list "any day from Monday 2 March to Friday 13 March"."""
    lang = lang or i18n.get_locale()
    t = _t(lang)
    if listing == "warned" and window_start and window_end:
        return t("any day from %(first)s to %(last)s") % {
            "first": _day(window_start, lang),
            "last": _day(window_end, lang),
        }
    if starts_at is None:
        return t("a date to be fixed")
    day = _day(starts_at.astimezone(i18n.LONDON).date(), lang)
    if not with_time:
        return day
    return t("%(day)s at %(time)s") % {"day": day, "time": local_time(starts_at, lang)}


def hearing_when(hearing: Hearing, lang: str | None = None) -> str:
    return when(hearing.listing, hearing.starts_at, hearing.window_start, hearing.window_end, lang)


def _parse(value: Any, kind: str) -> Any:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value) if kind == "datetime" else dt.date.fromisoformat(value)


def _side(changes: dict[str, list[Any]], current: dict[str, Any], index: int) -> dict[str, Any]:
    """The listing before (index 0) or after (1) a change: changed values from the change, the rest as now."""
    side = dict(current)
    for key, pair in changes.items():
        side[key] = pair[index]
    return side


def change_story(change: HearingChange, hearing: Hearing, lang: str | None = None) -> str:
    """One change in one plain sentence."""
    lang = lang or i18n.get_locale()
    t = _t(lang)
    changes: dict[str, list[Any]] = json.loads(change.changes)
    reason = "."
    if change.reason:
        reason = f": {change.reason}" + ("" if change.reason.rstrip()[-1:] in ".!?" else ".")
    if change.kind == "listed":
        new = {k: v[1] for k, v in changes.items()}
        return (
            t("Listed for %(when)s at %(court)s")
            % {
                "when": when(
                    new.get("listing", "fixed"),
                    _parse(new.get("starts_at"), "datetime"),
                    _parse(new.get("window_start"), "date"),
                    _parse(new.get("window_end"), "date"),
                    lang,
                ),
                "court": new.get("court_name", hearing.court_name),
            }
            + "."
        )
    sentences = []
    current = {
        "listing": hearing.listing,
        "starts_at": hearing.starts_at.isoformat() if hearing.starts_at else None,
        "window_start": hearing.window_start.isoformat() if hearing.window_start else None,
        "window_end": hearing.window_end.isoformat() if hearing.window_end else None,
    }
    if set(changes) & {"starts_at", "window_start", "window_end", "listing"}:
        before, after = _side(changes, current, 0), _side(changes, current, 1)
        same_day = (before.get("starts_at") or "")[:10] == (after.get("starts_at") or "")[:10] and before[
            "listing"
        ] == after["listing"] != "warned"

        def describe(side: dict[str, Any]) -> str:
            return when(
                side["listing"],
                _parse(side.get("starts_at"), "datetime"),
                _parse(side.get("window_start"), "date"),
                _parse(side.get("window_end"), "date"),
                lang,
                with_time=same_day,
            )

        sentences.append(
            t("Moved from %(old)s to %(new)s") % {"old": describe(before), "new": describe(after)}
        )
    if "court_name" in changes:
        sentences.append(t("Moved to %(court)s") % {"court": changes["court_name"][1]})
    elif "courtroom" in changes and changes["courtroom"][1]:
        sentences.append(t("Now in courtroom %(room)s") % {"room": changes["courtroom"][1]})
    if "status" in changes and changes["status"][1] != "moved":
        sentences.append(label("status", changes["status"][1], lang))
    if not sentences:
        if "hearing_type" in changes:
            sentences.append(
                t("Now a %(type)s")
                % {"type": label("hearing_type", changes["hearing_type"][1], lang).lower()}
            )
        else:
            sentences.append(t("Details for the family updated"))
    return "; ".join(sentences) + reason
