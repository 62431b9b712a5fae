"""The printable glossary for one journey stage: a .docx through the shared engine (templates/docx/glossary.docx)."""

from __future__ import annotations

from courtjourney.documents import engine
from courtjourney.glossary.forms import STAGE_HEADINGS
from courtjourney.glossary.terms import Glossary
from courtjourney.i18n import translations


def stage_document(glossary: Glossary, stage: str) -> tuple[str, bytes]:
    """(title, .docx bytes) for the words of `stage`, in the glossary's language."""
    _ = translations(glossary.locale).gettext
    title = _(STAGE_HEADINGS[stage])
    rows = []
    for term in glossary.for_stage(stage):
        meaning = term.definition
        if glossary.is_fallback(term):
            meaning += " " + (
                _("(This explanation is only in English for now.)")
                if term.locale == "en"
                else _("(This explanation is only in Welsh for now.)")
            )
        rows.append(
            {
                "term": term.term,
                "also": (_("Also called: %(names)s") % {"names": ", ".join(term.aliases)})
                if term.aliases
                else "",
                "definition": meaning,
                "for_you": term.for_you,
            }
        )
    notes = [
        _("Your support worker can go through these words with you. Ask about any word that is not here.")
    ]
    if glossary.locale == "cy":
        notes.append(_("A fluent Welsh speaker has not yet checked the Welsh in this glossary."))
    context = {
        "title": title,
        "intro": _("These are plain explanations of words you may hear. They are not legal advice."),
        "col_word": _("Word"),
        "col_meaning": _("What it means"),
        "col_for_you": _("What this means for you"),
        "terms": rows,
        "notes_heading": _("About this list"),
        "notes": notes,
    }
    return title, engine.render("glossary", context, lang=glossary.locale, title=title)
