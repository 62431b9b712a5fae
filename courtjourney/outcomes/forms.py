"""The outcome forms' fields. Names match the API body (`answers.understanding`), so an error reads the
same on both. The measure's item fields are made when the form is drawn: their words are the service's
own (items.toml, in the reader's language), never looked up in the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from courtjourney.i18n import N_
from courtjourney.outcomes import rules
from courtjourney.web.forms import Field

MEMBER = Field("member_id", N_("Who answered"), "uuid")
MEMBER_OPTIONAL = Field("member_id", N_("Who answered"), "uuid", required=False)
POINT = Field("point", N_("When in their support"), "choice", choices=rules.POINTS)
ANSWERED_ON = Field(
    "answered_on",
    N_("Date answered"),
    "date",
    required=False,
    not_after_today=True,
    years="any",  # services.py checks the year, with the form's other errors at once
    hint=N_("Leave empty for today."),
)
CHILD_AT_HOME = Field(
    "child_at_home", N_("Is the child living at home?"), "choice", required=False, choices=rules.YES_NO
)
ENGAGED = Field(
    "engaged_with_case",
    N_("Is the family still taking part in the court case?"),
    "choice",
    required=False,
    choices=rules.YES_NO,
)

ANSWER_PREFIX = "answers."


def item_fields(items: Iterable[rules.Item]) -> tuple[Field, ...]:
    """One field per item asked now, labelled in the reader's language (call while drawing the page)."""
    return tuple(
        Field(
            f"{ANSWER_PREFIX}{i.key}", i.text, "choice", required=False, choices=rules.SCALE, own_words=True
        )
        for i in items
        if i.asked
    )


def measure_fields(items: Iterable[rules.Item]) -> tuple[Field, ...]:
    return (MEMBER, POINT, ANSWERED_ON, *item_fields(items), CHILD_AT_HOME, ENGAGED)


def wording_fields(items: Iterable[rules.Item]) -> tuple[Field, ...]:
    """Two fields per item (its English and its Welsh), labelled in the reader's language."""
    from courtjourney.i18n import gettext as _

    fields: list[Field] = []
    for n, item in enumerate(items, start=1):
        for lang, words in (("en", _("Sentence %(n)d in English")), ("cy", _("Sentence %(n)d in Welsh"))):
            hint = "" if item.asked else _("No longer asked.")
            fields.append(
                Field(
                    f"{lang}.{item.key}",
                    words % {"n": n},
                    required=False,
                    max_length=200,
                    own_words=True,
                    hint=hint,
                )
            )
    return tuple(fields)


def measure_from_form(values: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned page values in the shape the service takes (the API body's shape)."""
    return {
        "member_id": values.get("member_id"),
        "point": values.get("point"),
        "answered_on": values.get("answered_on"),
        "answers": {k[len(ANSWER_PREFIX) :]: v for k, v in values.items() if k.startswith(ANSWER_PREFIX)},
        "child_at_home": values.get("child_at_home"),
        "engaged_with_case": values.get("engaged_with_case"),
    }


EXIT = (
    MEMBER_OPTIONAL,
    ANSWERED_ON,
    Field("helped", N_("Did our support help?"), "choice", choices=rules.YES_NO),
    Field(
        "would_recommend", N_("Would they recommend us to another family?"), "choice", choices=rules.YES_NO
    ),
    Field(
        "comment",
        N_("Anything they want to tell us"),
        "longtext",
        required=False,
        max_length=2000,
        hint=N_("In their words. Kept private: it never goes into a report."),
    ),
)

EQUALITY = (
    MEMBER,
    ANSWERED_ON,
    *(
        Field(name, question, "choice", required=False, choices=choices)
        for name, question, choices in rules.EQUALITY
    ),
)
