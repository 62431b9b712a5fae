"""The referral's fields, shared by the pages and the JSON API: names match the API body, so an error
reads the same on both."""

from __future__ import annotations

from courtjourney.cases.forms import RELATIONSHIPS
from courtjourney.i18n import N_
from courtjourney.referrals import rules
from courtjourney.web.forms import Field

RECEIVED_AT = Field(
    "received_at",
    N_("When the referral was received"),
    "datetime",
    required=False,
    not_after_today=True,
    years="any",  # services.py: not more than five years ago, with the form's other errors at once
    hint=N_("Leave empty for now. UK time."),
)
SOURCE = Field("source", N_("Who made the referral"), "choice", choices=rules.SOURCES)
REFERRER_NAME = Field(
    "referrer_name",
    N_("Referrer's name"),
    required=False,
    max_length=200,
    hint=N_("Not needed when the parent got in touch themselves."),
)
REFERRER_ORGANISATION = Field(
    "referrer_organisation", N_("Referrer's organisation"), required=False, max_length=200
)
REFERRER_CONTACT = Field(
    "referrer_contact",
    N_("How to reach the referrer"),
    required=False,
    max_length=300,
    hint=N_("A phone number or an email address."),
)
PARENT = Field("parent_first_name", N_("Parent's first name"), max_length=120)
RELATIONSHIP = Field(
    "parent_relationship",
    N_("How the parent is related to the child"),
    "choice",
    required=False,
    choices=tuple(pair for pair in RELATIONSHIPS if pair[0] != "sibling"),
)
CHILD = Field(
    "child_first_name",
    N_("Child's first or chosen name"),
    max_length=120,
    hint=N_("Only the name the child uses. You do not need a surname."),
)
BIRTH_DATE = Field(
    "child_birth_date",
    N_("Child's date of birth"),
    "date",
    required=False,
    not_after_today=True,
    years="any",  # services.py: an age of 25 at most, with the form's other errors at once
    hint=N_("For example, 2012-03-27. Leave empty if not known."),
)
REASON = Field(
    "reason",
    N_("Why the family was referred"),
    "longtext",
    max_length=5000,
    hint=N_("In the referrer's words, or a short summary."),
)
CONSENT = Field(
    "consent",
    N_("Did the family agree to the referral?"),
    "choice",
    required=False,  # the service says so in its own words: "Choose whether the family agreed..."
    choices=rules.CONSENT,
)
SAFE_CONTACT = Field(
    "safe_contact",
    N_("A safe way to make first contact"),
    "longtext",
    required=False,
    max_length=1000,
    hint=N_(
        "For example: text the mother's mobile first, never call before 6pm. Leave empty if not known yet."
    ),
)
URGENCY = Field("urgency", N_("How urgent"), "choice", required=False, choices=rules.URGENCIES)

RECORD = (
    RECEIVED_AT,
    SOURCE,
    REFERRER_NAME,
    REFERRER_ORGANISATION,
    REFERRER_CONTACT,
    PARENT,
    RELATIONSHIP,
    CHILD,
    BIRTH_DATE,
    REASON,
    CONSENT,
    SAFE_CONTACT,
    URGENCY,
)
RECORD_DEFAULTS = {"urgency": "routine"}

#: Accepting: the worker the new case goes to (choices are the team's people, drawn by the page).
ACCEPT = (Field("worker_id", N_("Who will support the family"), "uuid"),)
DECLINE = (
    Field(
        "reason",
        N_("Why it is declined"),
        "longtext",
        max_length=2000,
        hint=N_("This is kept with the referral. Say where the family was pointed to, if anywhere."),
    ),
)
WITHDRAW = (
    Field(
        "reason",
        N_("Why it is withdrawn"),
        "longtext",
        required=False,
        max_length=2000,
        hint=N_("For example: the referrer withdrew it, or the family said no."),
    ),
)
WAIT = (
    Field(
        "reason",
        N_("What it is waiting for"),
        "longtext",
        required=False,
        max_length=2000,
        hint=N_("For example: a worker to be free, or the family's consent."),
    ),
)
CONFIRM_CONTACT = (
    Field(
        "safe_contact",
        N_("The safe way to make first contact"),
        "longtext",
        required=False,  # empty keeps the words recorded with the referral; the service asks for some
        max_length=1000,
        hint=N_("Check it with the referrer or the parent, then save it here as confirmed."),
    ),
)
STATUS_FILTER = (("open", N_("Waiting for a decision")), *rules.STATUSES, ("all", N_("All")))
