"""What each case form and API body accepts. One definition per input, used by pages and the API."""

from __future__ import annotations

from courtjourney.cases.journey import STAGE_LABELS
from courtjourney.i18n import N_
from courtjourney.web.forms import Field

RISK_LEVELS = (("low", N_("Low")), ("medium", N_("Medium")), ("high", N_("High")))
LANGUAGES = (("en", "English"), ("cy", "Cymraeg (Welsh)"))
RELATIONSHIPS = (
    ("mother", N_("Mother")),
    ("father", N_("Father")),
    ("step_parent", N_("Step-parent")),
    ("carer", N_("Carer or guardian")),
    ("grandparent", N_("Grandparent")),
    ("sibling", N_("Brother or sister")),
    ("other", N_("Other family member")),
)
CONTACT_ROLES = (
    ("csw", N_("Child Support Worker")),
    ("officer_in_case", N_("Officer in case")),
    ("witness_care", N_("Witness care officer")),
    ("isva", N_("ISVA (Independent Sexual Violence Adviser)")),
    ("social_worker", N_("Social worker")),
    ("other", N_("Other professional")),
)
#: Who records may be shared with. Only the kind (never the name typed beside it) decides what a consent
#: allows: the Witness Service pack needs a live consent of kind "witness_service" (issue 17, hole 9).
ORGANISATION_KINDS = (
    ("witness_service", N_("Witness Service")),
    ("police", N_("Police")),
    ("cps", N_("Crown Prosecution Service")),
    ("social_care", N_("Children's social care")),
    ("health", N_("Health")),
    ("school", N_("School")),
    ("other", N_("Other (give its name)")),
)
WITNESS_SERVICE = "witness_service"
STAGE_CHOICES = tuple((stage.value, label) for stage, label in STAGE_LABELS.items())

NEW_CASE = (
    Field(
        "child_name",
        N_("Child's first or chosen name"),
        max_length=120,
        hint=N_("Only the name the child uses. You do not need a surname."),
    ),
    Field(
        "child_birth_date",
        N_("Child's date of birth"),
        kind="date",
        required=False,
        not_after_today=True,
        years="birth",
        hint=N_("For example, 2012-03-27. Leave empty if not known yet."),
    ),
)

MOVE_STAGE = (
    Field("to_stage", N_("Move to"), kind="choice", choices=STAGE_CHOICES),
    Field(
        "reason",
        N_("Reason"),
        kind="longtext",
        required=False,
        max_length=2000,
        hint=N_("Needed for every move except one step forward."),
    ),
)

NEW_TASK = (
    Field("title", N_("Task"), max_length=300),
    Field("due_on", N_("Due date"), kind="date", required=False, hint=N_("For example, 2026-12-01.")),
    Field("assigned_to_id", N_("Who will do it"), kind="uuid", required=False),
)

UPDATE_TASK = (*NEW_TASK, Field("done", N_("Done"), kind="bool", required=False))

FAMILY = (
    Field("name", N_("Name"), max_length=120),
    Field("relationship_to_child", N_("Relationship to the child"), kind="choice", choices=RELATIONSHIPS),
    Field("preferred_language", N_("Preferred language"), kind="choice", choices=LANGUAGES),
    Field(
        "safe_contact",
        N_("Safe ways and times to get in touch"),
        kind="longtext",
        required=False,
        max_length=1000,
        hint=N_("For example: text first, never call before 6pm, do not leave voicemails."),
    ),
    Field(
        "access_needs", N_("Communication or access needs"), kind="longtext", required=False, max_length=1000
    ),
    Field("is_witness", N_("This person is a witness"), kind="bool", required=False),
)
FAMILY_KEYS = ("name", "relationship_to_child", "preferred_language", "safe_contact", "access_needs")

CONTACT = (
    Field("role", N_("Role"), kind="choice", choices=CONTACT_ROLES),
    Field("name", N_("Name"), max_length=120),
    Field("organisation", N_("Organisation"), required=False, max_length=120),
    Field("phone", N_("Phone"), required=False, max_length=60),
    Field("email", N_("Email"), kind="email", required=False, max_length=254),
)
CONTACT_KEYS = ("role", "name", "organisation", "phone", "email")

CONSENT = (
    Field(
        "organisation_kind", N_("Who records may be shared with"), kind="choice", choices=ORGANISATION_KINDS
    ),
    Field(
        "organisation",
        N_("Name of the organisation"),
        required=False,
        max_length=120,
        hint=N_("Needed if you chose Other. For example: Northtown Young Carers."),
    ),
    Field("purpose", N_("What for"), kind="longtext", max_length=1000),
    Field("given_by", N_("Consent given by"), max_length=120),
    Field("given_on", N_("Date consent was given"), kind="date", not_after_today=True),
)
CONSENT_KEYS = ("organisation_kind", "organisation", "purpose", "given_by", "given_on")

WITHDRAW_CONSENT = (
    Field("withdrawn_on", N_("Date consent was withdrawn"), kind="date", not_after_today=True),
)

RISK = (
    Field("level", N_("Risk threshold"), kind="choice", choices=RISK_LEVELS),
    Field("assessed_on", N_("Date of assessment"), kind="date", not_after_today=True),
    Field("notes", N_("Notes"), kind="longtext", required=False, max_length=5000),
)

ASSIGN_WORKER = (Field("worker_id", N_("Colleague"), kind="uuid"),)
