"""The shipped glossary data: enough terms, every part of the journey covered, every name resolving."""

from __future__ import annotations

import re

import pytest

from courtjourney.cases.journey import Stage
from courtjourney.glossary.terms import STAGES, Linker, load_terms, name_key, search

EN = load_terms("en")
CY = load_terms("cy")

# The issue's list, area by area: each of these must be a headword or another name of some term.
REQUIRED = {
    "reporting and investigation": ["ABE interview", "bail", "released under investigation", "no further action",
                                    "charging decision", "CPS"],
    "courts and people": ["magistrates' court", "youth court", "Crown Court", "judge", "jury", "usher", "barrister",
                          "solicitor", "defence", "prosecution", "officer in the case", "Witness Care Unit",
                          "Witness Service", "intermediary", "ISVA"],
    "hearings": ["first appearance", "PTPH", "mention", "ground rules hearing", "warned list", "fixture",
                 "floating trial", "adjournment", "ineffective trial"],
    "special measures": ["screens", "live link", "evidence in private", "removal of wigs and gowns",
                         "video-recorded evidence", "Section 28", "intermediary", "communication aids"],
    "the trial": ["evidence-in-chief", "cross-examination", "re-examination", "hearsay", "bad character", "verdict",
                  "hung jury", "retrial"],
    "sentencing and after": ["Victim Personal Statement", "custodial sentence", "suspended sentence", "licence",
                             "release point", "notification requirements", "restraining order", "SHPO", "appeal",
                             "Unduly Lenient Sentence scheme", "Victim Contact Scheme", "parole"],
    "support and compensation": ["CICA", "Victims' Code", "Victims' Right to Review", "expenses", "pre-trial visit"],
}
# The words parents meet most: each must have a Welsh entry.
PARENT_WORDS = ["abe-interview", "crown-prosecution-service", "plea-and-trial-preparation-hearing",
                "released-under-investigation", "warned-list", "special-measures", "section-28",
                "victim-personal-statement", "unduly-lenient-sentence-scheme", "witness-care-unit", "bail",
                "adjournment", "verdict", "sentencing", "victims-code", "criminal-injuries-compensation"]


def test_there_are_at_least_150_english_and_60_welsh_terms() -> None:
    print(f"\nglossary: {len(EN)} English terms, {len(CY)} Welsh terms")
    assert len(EN) >= 150
    assert len(CY) >= 60


def test_the_glossary_stages_are_the_journeys_open_stages() -> None:
    assert list(STAGES) == [s.value for s in Stage if s is not Stage.CLOSED]


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_has_words_in_both_languages(stage: str) -> None:
    english = [t for t in EN if stage in t.stages]
    welsh = [t for t in CY if stage in t.stages]
    print(f"\n{stage}: {len(english)} English, {len(welsh)} Welsh")
    assert len(english) >= 10, f"{stage} has only {len(english)} English terms"
    assert welsh, f"{stage} has no Welsh terms"


@pytest.mark.parametrize("area", REQUIRED)
def test_every_area_of_the_issue_is_covered(area: str) -> None:
    names = {name_key(n) for t in EN for n in t.names}
    missing = [word for word in REQUIRED[area] if name_key(word) not in names]
    assert not missing, f"{area}: no term for {missing}"


def test_the_words_parents_meet_most_are_in_welsh() -> None:
    welsh = {t.id for t in CY}
    assert not [i for i in PARENT_WORDS if i not in welsh]


def test_every_welsh_entry_translates_an_english_one_and_is_marked_unreviewed() -> None:
    english = {t.id for t in EN}
    assert {t.id for t in CY} <= english
    assert all(not t.reviewed for t in CY), "a Welsh entry is marked reviewed: only a fluent speaker may do that"
    assert all(t.reviewed for t in EN)


@pytest.mark.parametrize("terms", [EN, CY], ids=["en", "cy"])
def test_every_related_id_exists(terms: tuple) -> None:  # type: ignore[type-arg]
    english = {t.id for t in EN}
    for t in terms:
        assert set(t.related) <= english, f"{t.id}: related {set(t.related) - english}"
        assert t.id not in t.related


@pytest.mark.parametrize("terms", [EN, CY], ids=["en", "cy"])
def test_every_abbreviation_resolves_by_search_and_in_a_letter(terms: tuple) -> None:  # type: ignore[type-arg]
    linker = Linker(terms)
    abbreviations = [(t, a) for t in terms for a in t.aliases if re.fullmatch(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*", a)]
    assert len(abbreviations) >= (25 if terms is EN else 15)
    for term, abbreviation in abbreviations:
        found = search(terms, abbreviation)
        assert found and found[0].id == term.id, f"{abbreviation} finds {[t.id for t in found[:3]]}, not {term.id}"
        assert [t.id for t in linker.find(f"We spoke about the {abbreviation} today.")] == [term.id], abbreviation


def test_every_abbreviation_used_in_an_explanation_is_itself_in_the_glossary() -> None:
    names = {name_key(n) for t in EN for n in t.names}
    unknown = {(t.id, word) for t in EN for text in (t.definition, t.for_you)
               for word in re.findall(r"\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b", text) if name_key(word) not in names}
    assert not unknown, f"abbreviations a parent cannot look up: {sorted(unknown)}"


def test_facts_with_numbers_name_their_source() -> None:
    """A time limit or age in an explanation is a legal fact: it must carry its source (999 is a phone number)."""
    unsourced = [t.id for t in EN if re.search(r"\d", (t.definition + t.for_you).replace("999", "")) and not t.source]
    assert not unsourced, f"facts without a source: {unsourced}"


def test_no_term_frames_the_parent_as_the_problem() -> None:
    blame = re.compile(r"parenting concern|your fault|failed to protect|neglect", re.I)
    flagged = [t.id for t in EN if blame.search(t.definition + " " + t.for_you) and "not your fault" not in t.for_you]
    assert not flagged, flagged
