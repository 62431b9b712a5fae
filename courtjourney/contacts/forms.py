"""The contact log's fields, shared by the pages and the JSON API. Names match the API body, so an
error reads the same on both (`about.hearing_id`, `follow_ups.0.due_on`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from courtjourney.cases.journey import STAGE_LABELS
from courtjourney.contacts import rules
from courtjourney.i18n import N_
from courtjourney.web.forms import Field

STAGE_CHOICES = tuple((stage.value, label) for stage, label in STAGE_LABELS.items())

KIND = Field("kind", N_("What kind of contact"), "choice", choices=rules.CHOICES)
NOTES = Field(
    "notes",
    N_("Notes"),
    "longtext",
    required=False,  # needed for a contact that connected: the service says so (rules.needs_notes)
    max_length=5000,
    hint=N_("A line is enough, for example: she is worried about the trial."),
)
PLACE = Field("place", N_("Where"), required=False, max_length=200)
AT = Field(
    "at",
    N_("When"),
    "datetime",
    required=False,
    years="any",  # services.py holds it to the last ten years, with the form's other errors at once
    hint=N_("Leave empty for now. UK time."),
)
MINUTES = Field("minutes", N_("How long, in minutes"), required=False, max_length=6)
ABOUT = (
    Field("about.hearing_id", N_("About a hearing"), "uuid", required=False),
    Field("about.incident_id", N_("About an incident"), "uuid", required=False),
    Field("about.document_id", N_("About a document"), "uuid", required=False),
    Field("about.stage", N_("About a stage of the journey"), "choice", required=False, choices=STAGE_CHOICES),
)
FOLLOW_UP = (
    Field("follow_ups.0.title", N_("A follow-up task"), required=False, max_length=300),
    Field("follow_ups.0.due_on", N_("Follow-up due on"), "date", required=False, years="any"),  # services.py
)

#: The quick form: who (drawn by the template from the case's family), the kind and a line of notes
#: first; the rest folded away under "More detail".
QUICK = (KIND, NOTES)
MORE = (AT, MINUTES, PLACE, *ABOUT)
RECORD = (*QUICK, *MORE, *FOLLOW_UP)
CORRECT = (*QUICK, *MORE)

#: What the API body's text is checked by (the ids, dates and numbers are typed by the schema).
API_TEXT = (KIND, NOTES, PLACE)
API_TEXT_PARTIAL = (
    Field("kind", N_("What kind of contact"), "choice", required=False, choices=rules.CHOICES),
    NOTES,
    PLACE,
)

MEMBER_PREFIX = "member_ids."


def members_from_form(data: Mapping[str, Any]) -> list[Any]:
    """The family members ticked on the page: one checkbox per member, named `member_ids.<id>`."""
    picked: list[Any] = []
    for key in data:
        if key.startswith(MEMBER_PREFIX):
            raw = key[len(MEMBER_PREFIX) :]
            try:
                picked.append(UUID(raw))
            except ValueError:
                picked.append(raw)  # the service refuses it with the same words as any unknown member
    return picked


def from_form(values: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned page values in the shape the service takes (the API body's shape)."""
    out: dict[str, Any] = {
        "kind": values.get("kind"),
        "notes": values.get("notes"),
        "place": values.get("place"),
        "at": values.get("at"),
        "minutes": values.get("minutes"),
        "member_ids": members_from_form(data),
        "about": {f.name.split(".", 1)[1]: values.get(f.name) for f in ABOUT},
    }
    title, due = values.get("follow_ups.0.title"), values.get("follow_ups.0.due_on")
    if "follow_ups.0.title" in values:
        out["follow_ups"] = [{"title": title, "due_on": due}] if title or due else []
    return out


#: The team's standard for how long a family may go without a contact that reached them.
STANDARD = (
    Field("high_days", N_("High risk: days between contacts"), max_length=4),
    Field("medium_days", N_("Medium risk: days between contacts"), max_length=4),
    Field("low_days", N_("Low risk: days between contacts"), max_length=4),
)
