"""The messages part's fields, shared by the pages and the API."""

from __future__ import annotations

from courtjourney.i18n import N_
from courtjourney.web.forms import Field

DISCRETION_CHOICES = (
    ("discreet", N_("Discreet: never says court, names the child or the case")),
    ("standard", N_("Standard: may say it is about court, and the court's name")),
)

REACH = (
    Field(
        "phone",
        N_("Mobile number"),
        required=False,
        max_length=40,
        hint=N_("For text messages, like 07700 900123."),
    ),
    Field("sms_agreed", N_("They agreed to text messages on this number"), "bool", required=False),
    Field(
        "phone_safe",
        N_("This phone is safe to use: nobody else reads its messages"),
        "bool",
        required=False,
    ),
    Field(
        "email", N_("Email address"), required=False, max_length=254
    ),  # checked by email-validator (rules.py)
    Field("email_agreed", N_("They agreed to email at this address"), "bool", required=False),
    Field(
        "email_safe",
        N_("This mailbox is safe to use: nobody else reads it"),
        "bool",
        required=False,
    ),
    Field("safe_from", N_("Safe to message from"), "time", hint=N_("UK time. Nothing goes before 07:00.")),
    Field(
        "safe_until",
        N_("Safe to message until"),
        "time",
        hint=N_("Nothing goes after 21:00, whatever is set."),
    ),
    Field("weekends", N_("Weekends are safe too"), "bool", required=False),
    Field("discretion", N_("What messages may say"), "choice", choices=DISCRETION_CHOICES),
)

WRITE = (
    Field("member_id", N_("Who it is for"), "uuid"),
    Field(
        "text",
        N_("The message"),
        "longtext",
        max_length=600,
        hint=N_(
            "Plain words. Do not name the child, the court case or anyone involved unless they chose standard messages."
        ),
    ),
)
