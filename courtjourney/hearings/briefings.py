"""The parent's court briefing and the Witness Service pack: what goes in them, in plain words.

Both are rendered through the shared docx engine. The briefing is written for one family member, in
their language; the pack holds only what the Witness Service needs to know. Every sentence here is
our own; facts (who is in the room, what special measures look like) follow shared/DOMAIN.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from courtjourney import i18n
from courtjourney.accounts.models import User
from courtjourney.cases.forms import WITNESS_SERVICE
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.errors import InputError
from courtjourney.glossary import terms as glossary
from courtjourney.hearings import rules, story
from courtjourney.hearings.models import Hearing, SpecialMeasure
from courtjourney.i18n import N_

# What the briefing says happens at each kind of hearing: its rule's words (rules.py).
WHAT_HAPPENS = {t.key: t.what_happens for t in rules.HEARING_TYPES}
WHO_IS_THERE = {
    "crown": N_(
        "In the Crown Court there is a judge. At a trial there is also a jury of 12 people. "
        "There are lawyers for both sides, an usher who helps people, and court staff."
    ),
    "magistrates": N_(
        "In the magistrates' court there are three magistrates or one district judge. "
        "There are lawyers for both sides and court staff."
    ),
    "youth": N_(
        "In the youth court there are three magistrates or one district judge. "
        "The public cannot come in. If you want to watch, ask your support worker first."
    ),
}
MEASURE_ON_THE_DAY = {
    "screens": N_("A screen is put up so your child does not see the person accused in court."),
    "live_link": N_("Your child can speak to the court by video from another room."),
    "evidence_in_private": N_("The public gallery is cleared while your child gives evidence."),
    "wigs_and_gowns": N_("The judge and the lawyers take off their wigs and gowns."),
    "video_evidence": N_(
        "The video of your child's police interview is shown instead of your child telling it all again."
    ),
    "section_28": N_("Your child's questioning is recorded on video before the trial."),
    "intermediary": N_("An intermediary helps your child understand the questions and be understood."),
    "communication_aids": N_("Your child can use aids, such as pictures or a board, to help them answer."),
}
LISTING_NOTE = {
    "warned": N_(
        "This hearing is in a warned list. It can start on any day in this time. "
        "Most often you hear the afternoon before. Your support worker will call you."
    ),
    "floating": N_(
        "This is a floating trial. The date is fixed, but a courtroom is only found on the day. "
        "If none is free, it may be moved to another day."
    ),
}
BRING = (
    N_("This letter."),
    N_("Any medicine you or your child need."),
    N_("Snacks, a drink and something to do while you wait."),
    N_("Your travel tickets and receipts, so you can claim the cost back."),
)
QUESTIONS = (
    N_("Can we visit the court before the day?"),
    N_("Where do we wait, and can we wait apart from the other side?"),
    N_("Who will meet us when we arrive?"),
    N_("How long might we have to wait?"),
)


def _words_used(text: str, lang: str, linker: glossary.Linker | None = None) -> list[dict[str, str]]:
    """The glossary terms the letter uses, in order of first use, in the letter's language: the shipped
    words, and the case's own team's entries when `linker` knows them (never another team's)."""
    return glossary.words_used(text, lang, linker)


def _sections_text(sections: list[dict[str, Any]]) -> str:
    return " ".join(
        [s["heading"] for s in sections] + [p for s in sections for p in s["paragraphs"] + s["bullets"]]
    )


def briefing_context(
    case: Case,
    hearing: Hearing,
    member: FamilyMember,
    worker: User,
    measures: list[SpecialMeasure],
    court_type: str,
    linkers: Mapping[str, glossary.Linker] | None = None,
) -> tuple[dict[str, Any], str, str]:
    """(context, language, title) for one family member's briefing; InputError names what is missing.

    `linkers`, by language, find the glossary words the letter uses (services.letter_linker: the shipped
    words and the case's team's entries); without them, the shipped words only."""
    lang = member.preferred_language if member.preferred_language in i18n.LOCALES else "en"
    t: Callable[[str], str] = i18n.translations(lang).gettext
    missing = {}
    if not hearing.court_address:
        missing["court_address"] = t("Add the court's address to the hearing first.")
    if hearing.listing != "warned" and hearing.starts_at is None:
        missing["date"] = t("Add the date and time of the hearing first.")
    if hearing.listing == "warned" and (hearing.window_start is None or hearing.window_end is None):
        missing["window_start"] = t("Add the first and last day of the warned list first.")
    if hearing.status in rules.NOT_HAPPENING:
        missing["status"] = t("This hearing will not go ahead, so there is nothing to brief on.")
    if missing:
        raise InputError(missing)
    kind = story.label("hearing_type", hearing.hearing_type, lang)
    when = story.hearing_when(hearing, lang)
    where = ", ".join(p for p in (hearing.court_name, hearing.court_address) if p)
    first_name = member.name.split()[0]
    sections: list[dict[str, Any]] = [
        {
            "heading": t("When"),
            "paragraphs": [when[:1].upper() + when[1:] + "."]
            + ([t(LISTING_NOTE[hearing.listing])] if hearing.listing in LISTING_NOTE else []),
            "bullets": [],
        },
        {
            "heading": t("Where"),
            "paragraphs": [where + "."]
            + ([t("Courtroom %(room)s.") % {"room": hearing.courtroom}] if hearing.courtroom else []),
            "bullets": [],
        },
        {
            "heading": t("What happens at this hearing"),
            "paragraphs": [t(WHAT_HAPPENS.get(hearing.hearing_type, WHAT_HAPPENS[rules.FALLBACK_TYPE]))],
            "bullets": [],
        },
        {
            "heading": t("Who will be there"),
            "paragraphs": [t(WHO_IS_THERE.get(court_type, WHO_IS_THERE["crown"]))],
            "bullets": [],
        },
    ]
    agreed = [m for m in measures if m.status == "granted"]
    asked = [m for m in measures if m.status == "applied"]
    if agreed:
        sections.append(
            {
                "heading": t("Help for your child in court"),
                "paragraphs": [t("The judge has agreed to these:")],
                "bullets": [t(MEASURE_ON_THE_DAY[m.measure]) for m in agreed],
            }
        )
    if asked:
        sections.append(
            {
                "heading": t("Help that has been asked for"),
                "paragraphs": [t("These have been asked for. The judge has not decided yet:")],
                "bullets": [story.label("measure", m.measure, lang) for m in asked],
            }
        )
    sections.append(
        {
            "heading": t("When you arrive"),
            "paragraphs": [
                hearing.arrival_notes
                or t("Your support worker will tell you which door to use and where to wait.")
            ]
            + (
                [t("%(who)s will go with you.") % {"who": hearing.accompanied_by}]
                if hearing.accompanied_by
                else []
            ),
            "bullets": [],
        }
    )
    sections.append({"heading": t("What to bring"), "paragraphs": [], "bullets": [t(b) for b in BRING]})
    sections.append(
        {
            "heading": t("Costs and childcare"),
            "paragraphs": [
                t(
                    "You can claim back the cost of travel and meals. You may also claim for childcare. "
                    "Keep your tickets and receipts. The Witness Service can help you claim."
                )
            ],
            "bullets": [],
        }
    )
    contact = [worker.full_name]
    if worker.phone:
        contact.append(worker.phone)
    contact.append(worker.email)
    sections.append(
        {
            "heading": t("Your support worker"),
            "paragraphs": [
                t("If you have questions, or something changes, get in touch with me:"),
                ", ".join(contact),
            ],
            "bullets": [],
        }
    )
    sections.append(
        {
            "heading": t("Questions you may want to ask"),
            "paragraphs": [],
            "bullets": [t(q) for q in QUESTIONS],
        }
    )
    title = t("Your %(hearing)s: %(when)s") % {"hearing": kind.lower(), "when": when}
    greeting = t("Dear %(name)s,") % {"name": first_name}
    intro = t(
        "This letter tells you about the next court hearing. Read it when you have time. You can ask me about anything in it."
    )
    sign_off = t("With best wishes, %(name)s") % {"name": worker.full_name}
    words = _words_used(" ".join([title, intro, _sections_text(sections)]), lang, (linkers or {}).get(lang))
    context = {
        "title": title,
        "greeting": greeting,
        "intro": intro,
        "sections": sections,
        "sign_off": sign_off,
        "words": words,
        "words_heading": t("Words used in this letter"),
        "word_label": t("Word"),
        "meaning_label": t("What it means"),
    }
    return context, lang, title


def plain_text(context: dict[str, Any]) -> str:
    """The words a reader meets, for readability checks."""
    return " ".join([context["title"], context["intro"], _sections_text(context["sections"])])


def age_years(born: dt.date | None, on: dt.date) -> int | None:
    return i18n.age_on(born, on)


MARKING = "OFFICIAL-SENSITIVE"


def witness_service_consent(consents: list[Any], today: dt.date) -> Any | None:
    """Consent to share with the Witness Service, given and not withdrawn.

    Only the chosen kind counts, never the name typed beside it: a name such as "NOT the Witness
    Service (mother refused)" once passed a substring test and let the pack be made (issue 17, hole 9)."""
    for consent in consents:
        if (
            consent.organisation_kind == WITNESS_SERVICE
            and consent.given_on <= today
            and consent.withdrawn_on is None
        ):
            return consent
    return None


def witness_pack_context(
    case: Case,
    hearing: Hearing,
    attending: list[tuple[FamilyMember, str]],
    measures: list[SpecialMeasure],
    worker: User,
    choices: dict[str, Any],
    incidents: list[dict[str, Any]] | None,
    today: dt.date,
) -> tuple[dict[str, Any], str]:
    """(context, title) for the Witness Service: need to know only. Always in English (the service's language)."""
    t = i18n.translations("en").gettext
    when = story.hearing_when(hearing, "en")
    people = [
        {
            "a": case.child_name.split()[0],
            "b": str(i18n.age_on(case.birth_date, today) or t("not recorded")),
            "c": t("The child (witness)"),
        }
    ]
    needs = []
    for member, attendance in attending:
        if attendance == "following":
            continue
        people.append(
            {
                "a": member.name.split()[0],
                "b": "",
                "c": story.label("attendance", attendance, "en")
                + ", "
                + member.relationship_to_child.replace("_", " "),
            }
        )
        if member.access_needs:
            needs.append(f"{member.name.split()[0]}: {member.access_needs}")
    measure_rows = [
        {
            "a": story.label("measure", m.measure, "en"),
            "b": story.label("measure_status", m.status, "en"),
            "c": m.notes or "",
        }
        for m in measures
    ]
    safety = []
    if choices.get("separate_entrance"):
        safety.append(t("A separate entrance is arranged."))
    if choices.get("separate_waiting"):
        safety.append(t("A separate waiting area is arranged."))
    if choices.get("keep_apart"):
        safety.append(t("Keep the family apart from: %(who)s") % {"who": choices["keep_apart"]})
    if not safety:
        safety.append(t("No special safety arrangements recorded."))
    sections: list[dict[str, Any]] = [
        {
            "heading": t("Hearing"),
            "paragraphs": [
                f"{story.label('hearing_type', hearing.hearing_type, 'en')}: {when}.",
                ", ".join(p for p in (hearing.court_name, hearing.court_address) if p),
            ],
            "columns": ["", "", ""],
            "rows": [],
        },
        {
            "heading": t("Who is coming"),
            "paragraphs": [],
            "columns": [t("First name"), t("Age"), t("Who")],
            "rows": people,
        },
        {
            "heading": t("Special measures"),
            "paragraphs": [] if measure_rows else [t("None recorded.")],
            "columns": [t("Measure"), t("Status"), t("Notes")],
            "rows": measure_rows,
        },
        {
            "heading": t("Communication and access needs"),
            "paragraphs": needs or [t("None recorded.")],
            "columns": ["", "", ""],
            "rows": [],
        },
        {"heading": t("Safety arrangements"), "paragraphs": safety, "columns": ["", "", ""], "rows": []},
    ]
    if incidents is not None:
        rows = [{"a": i["when"], "b": i["what"], "c": i.get("police_reference") or ""} for i in incidents]
        summary = (
            t("%(n)d incidents of intimidation recorded.") % {"n": len(incidents)}
            if incidents
            else t("No intimidation recorded.")
        )
        sections.append(
            {
                "heading": t("Intimidation"),
                "paragraphs": [summary],
                "columns": [t("When"), t("What"), t("Police reference")],
                "rows": rows,
            }
        )
    contact = ", ".join(p for p in (worker.full_name, worker.phone, worker.email) if p)
    sections.append(
        {
            "heading": t("Independent Parent Support Worker"),
            "paragraphs": [contact],
            "columns": ["", "", ""],
            "rows": [],
        }
    )
    title = t("Witness Service briefing: %(court)s, %(when)s") % {"court": hearing.court_name, "when": when}
    intro = t(
        "For the Witness Service only. It holds what you need to support this family at court, and nothing more."
    )
    return {"title": title, "intro": intro, "marking": MARKING, "sections": sections}, title
