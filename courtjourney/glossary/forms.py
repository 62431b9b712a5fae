"""The local-entry form's fields, shared by the page and the JSON API, and the stage headings."""

from __future__ import annotations

from courtjourney.cases.journey import STAGE_LABELS, Stage
from courtjourney.glossary.terms import MAX_EXPLANATION, MAX_NAME, STAGES
from courtjourney.i18n import N_
from courtjourney.web.forms import Field

LOCAL_ENTRY = (
    Field(
        "locale", N_("Language of this entry"), kind="choice", choices=(("en", "English"), ("cy", "Cymraeg"))
    ),
    Field(
        "term",
        N_("Word or phrase"),
        max_length=MAX_NAME,
        hint=N_("For example: Court 3, or the side entrance."),
    ),
    Field(
        "aliases",
        N_("Other names"),
        required=False,
        max_length=400,
        hint=N_("Optional. Separate them with commas."),
    ),
    Field(
        "definition",
        N_("What it means"),
        kind="longtext",
        max_length=MAX_EXPLANATION,
        hint=N_("One to three short sentences, in everyday words."),
    ),
    Field(
        "for_you",
        N_("What this means for the family"),
        kind="longtext",
        max_length=MAX_EXPLANATION,
        hint=N_("Speak to the parent as “you”."),
    ),
    Field(
        "source",
        N_("Source"),
        required=False,
        max_length=300,
        hint=N_("Optional: the law or scheme a fact comes from."),
    ),
)
STAGE_FIELDS = tuple(Field(f"stage_{s}", STAGE_LABELS[Stage(s)], kind="bool", required=False) for s in STAGES)

# "Words you may hear at the trial": one heading per stage, for the stage page and its printable copy.
STAGE_HEADINGS = {
    "risk_assessment": N_("Words you may hear while risks are looked at"),
    "disclosure": N_("Words you may hear when your child starts to tell"),
    "investigation": N_("Words you may hear during the police investigation"),
    "trial": N_("Words you may hear at the trial"),
    "outcome": N_("Words you may hear at the verdict and sentence"),
    "post_trial": N_("Words you may hear after the trial"),
}


def stage_label(stage: str) -> str:
    """The stage's short name, not yet translated (an N_ message id)."""
    return STAGE_LABELS[Stage(stage)]
