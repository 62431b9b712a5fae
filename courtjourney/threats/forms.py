"""What the incident forms and API bodies accept, and how the page form's date and time boxes become times.

The page asks for a date and (if known) a time, and optionally the latest it could have been, because
that is how a parent tells it on the phone; the API takes the two times directly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, TypeVar
from uuid import UUID

from courtjourney.errors import InputError
from courtjourney.i18n import LONDON, N_
from courtjourney.threats.rules import HOW_KNOWN, IDENTIFIER_KINDS, KINDS, PASSED_BY
from courtjourney.web.forms import Field

NARRATIVE_MAX = 10_000

WHAT = Field(
    "narrative",
    N_("What happened?"),
    kind="longtext",
    max_length=NARRATIVE_MAX,
    hint=N_("As the family told it, in their words as far as you can."),
)
WHEN = (
    Field("occurred_on", N_("Date it happened"), kind="date", not_after_today=True),
    Field(
        "occurred_time",
        N_("Time it happened"),
        kind="time",
        required=False,
        hint=N_(
            "Leave empty if not known. If you only know a window, this is the earliest it could have been."
        ),
    ),
    Field(
        "until_on",
        N_("Latest date it could have been"),
        kind="date",
        required=False,
        not_after_today=True,
        hint=N_("Only if you know a window, not an exact time. Leave empty for the same day."),
    ),
    Field("until_time", N_("Latest time it could have been"), kind="time", required=False),
)
DETAILS = (
    Field("kind", N_("Type of incident"), kind="choice", choices=KINDS, required=False),
    Field("place", N_("Where it happened"), required=False, max_length=300),
    Field(
        "people",
        N_("Who was involved, as described"),
        kind="longtext",
        required=False,
        max_length=2000,
        hint=N_("As the family described them, for example: two men, one in a red jacket."),
    ),
    *(
        Field(
            f"identifiers_{key}",
            label,
            required=False,
            max_length=2000,
            hint=N_("Separate several with commas."),
        )
        for key, label in IDENTIFIER_KINDS
    ),
)
REPORTED = (
    Field(
        "reported_on",
        N_("Date you were told"),
        kind="date",
        required=False,
        not_after_today=True,
        hint=N_("Leave empty if it is now."),
    ),
    Field("reported_time", N_("Time you were told"), kind="time", required=False),
)
PROVENANCE = (
    Field("how_known", N_("How do they know it is true?"), kind="choice", choices=HOW_KNOWN, required=False),
    Field(
        "how_known_detail", N_("Who told them, or more about how they know"), required=False, max_length=300
    ),
    Field(
        "evidence_kept",
        N_("Where the original is kept"),
        required=False,
        max_length=300,
        hint=N_("For example: the screenshots are on the mother's phone."),
    ),
)
NOTE = Field("note", N_("What are you correcting or adding, and why?"), kind="longtext", max_length=2000)
MORE = Field(
    "narrative",
    N_("More about what happened"),
    kind="longtext",
    required=False,
    max_length=NARRATIVE_MAX,
    hint=N_("Leave empty if you are only correcting the details below."),
)
WHEN_OPTIONAL = tuple(
    Field(
        f.name,
        f.label,
        kind=f.kind,
        required=False,
        not_after_today=f.not_after_today,
        hint=f.hint if f.name != "occurred_on" else N_("Only if the time was wrong or is now known."),
    )
    for f in WHEN
)

POLICE = (
    Field("passed_on", N_("Date passed to the police"), kind="date", not_after_today=True),
    Field("passed_by", N_("Who passed it on"), kind="choice", choices=PASSED_BY),
    Field("crime_reference", N_("Crime reference"), required=False, max_length=60),
    Field("officer", N_("Officer"), required=False, max_length=120, hint=N_("Name, rank or collar number.")),
)
# Named as the export's query parameters (and the page's fields), so an error names what was sent.
EXPORT = (
    Field("from", N_("First day"), kind="date", required=False),
    Field("to", N_("Last day"), kind="date", required=False),
)

# The API's text and choice fields, checked by the same rules as the page's.
API_DETAILS = (
    Field("narrative", WHAT.label, kind="longtext", required=False, max_length=NARRATIVE_MAX),
    *(f for f in DETAILS if not f.name.startswith("identifiers_")),
    *PROVENANCE,
)


def reporter_field(members: Sequence[tuple[str, str]]) -> Field:
    """Who told us: the worker (the default) or one of the case's family members."""
    return Field(
        "reported_by",
        N_("Who told you"),
        kind="choice",
        choices=(("me", N_("Nobody: I saw or found it myself")), *members),
        required=False,
        hint=N_("Leave as it is if a family member told you on this call and is not listed."),
    )


def incident_groups(
    members: Sequence[tuple[str, str]], *, amendment: bool = False
) -> list[tuple[str, tuple[Field, ...]]]:
    """The form's fields in the order they are asked, grouped under a heading each."""
    first = (NOTE, MORE) if amendment else (WHAT,)
    return [
        ("", first),
        (N_("When it happened"), WHEN_OPTIONAL if amendment else WHEN),
        (N_("More detail (optional: you can add it later)"), DETAILS),
        (N_("Who told you, and when"), (reporter_field(members), *REPORTED)),
        (N_("How do you know it is true?"), PROVENANCE),
    ]


def all_fields(groups: Sequence[tuple[str, tuple[Field, ...]]]) -> list[Field]:
    return [f for _heading, fields in groups for f in fields]


SPLIT = re.compile(r"[,;\n]+")


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at).replace(tzinfo=LONDON).astimezone(dt.UTC)


def details_from_form(values: Mapping[str, Any], *, now: dt.datetime) -> dict[str, Any]:
    """Turn the page form's cleaned values into the service's: the times, the reporter, the identifiers.

    A day without a time is a window over that day (up to now, when it is today); a latest time
    without a latest date means the same day.
    """
    out: dict[str, Any] = {
        name: values.get(name)
        for name in (
            "narrative",
            "kind",
            "place",
            "people",
            "how_known",
            "how_known_detail",
            "evidence_kept",
            "note",
        )
        if name in values
    }
    day, time_of_day = values.get("occurred_on"), values.get("occurred_time")
    until_day, until_time = values.get("until_on"), values.get("until_time")
    if day is not None:
        out["occurred_from"] = _local(day, time_of_day or dt.time(0, 0))
        if until_day is not None or until_time is not None:
            out["occurred_to"] = _local(until_day or day, until_time or dt.time(23, 59, 59))
        elif time_of_day is None:
            out["occurred_to"] = _local(day, dt.time(23, 59, 59))
        if out.get("occurred_to") is not None and out["occurred_to"] > now and (until_time is None):
            out["occurred_to"] = max(
                now.replace(microsecond=0), out["occurred_from"]
            )  # "today, time not known": up to now
    elif until_day is not None or until_time is not None:
        out["occurred_to"] = _local(
            until_day or now.astimezone(LONDON).date(), until_time or dt.time(23, 59, 59)
        )
    if values.get("reported_on") is not None or values.get("reported_time") is not None:
        out["reported_at"] = _local(
            values.get("reported_on") or now.astimezone(LONDON).date(),
            values.get("reported_time") or dt.time(0, 0),
        )
    reporter = values.get("reported_by")
    out["reported_by_member_id"] = (
        None if reporter in (None, "me") else UUID(reporter)
    )  # one of the choices: a real id
    identifiers = {
        key: [i for i in SPLIT.split(values.get(f"identifiers_{key}") or "") if i.strip()]
        for key, _l in IDENTIFIER_KINDS
    }
    out["identifiers"] = {k: v for k, v in identifiers.items() if v}
    return out


def amendment_from_form(values: Mapping[str, Any], *, now: dt.datetime) -> dict[str, Any]:
    """As details_from_form, for a correction: "me" (or nothing) as who told us leaves the reporter as it was."""
    details = details_from_form(values, now=now)
    if values.get("reported_by") in (None, "me"):
        details.pop("reported_by_member_id")
    return details


# Errors from the service, keyed by its names, shown against the page's own boxes.
FORM_NAMES = {
    "occurred_from": "occurred_on",
    "occurred_to": "until_on",
    "reported_at": "reported_on",
    "reported_by_member_id": "reported_by",
    "identifiers": "identifiers_vehicle",
}


def on_form(errors: Mapping[str, str]) -> dict[str, str]:
    return {FORM_NAMES.get(k, k): v for k, v in errors.items()}


T = TypeVar("T")


async def on_form_boxes(saving: Awaitable[T]) -> T:
    """Save through a service, its refusals named after the page form's boxes (it knows only its own names)."""
    try:
        return await saving
    except InputError as exc:
        raise InputError(on_form(exc.errors)) from exc
