"""The pure glossary module: bad data named by file and line, forgiving search, the linker, Welsh fallback."""

from __future__ import annotations

import dataclasses

import pytest

from courtjourney.glossary.terms import Glossary, GlossaryDataError, Linker, load_terms, parse_terms, search

GOOD = '''
[[term]]
id = "bail"
term = "Bail"
aliases = []
definition = "Let go until the next date."
for_you = "Tell the police if a rule is broken."
stages = ["investigation"]
related = []
source = ""
'''


@pytest.mark.parametrize("bad,line,problem", [
    (GOOD + '\n[[term]]\nid = "x"\nterm = "X"\n', 12, "missing aliases"),
    (GOOD.replace('stages = ["investigation"]', 'stages = ["court"]'), 2, "unknown stage 'court'"),
    (GOOD.replace("related = []", 'related = ["nowhere"]'), 2, "related id nowhere does not exist"),
    (GOOD + GOOD, 12, "duplicate id"),
    (GOOD.replace('term = "Bail"', 'term = "Bail'), 4, "not valid TOML"),
    (GOOD.replace('aliases = []', 'aliases = "RUI"'), 2, "aliases must be a list"),
])
def test_bad_data_names_the_file_the_line_and_the_problem(bad: str, line: int, problem: str) -> None:
    with pytest.raises(GlossaryDataError) as raised:
        parse_terms(bad, "en", origin="data/en.toml")
    message = str(raised.value)
    assert message.startswith(f"data/en.toml, line {line}"), message
    assert problem in message


def test_a_welsh_entry_must_translate_an_english_one() -> None:
    with pytest.raises(GlossaryDataError, match="no English entry"):
        parse_terms(GOOD, "cy", origin="cy.toml", known_ids={"jury"})


@pytest.mark.parametrize("query,expected", [
    ("ajournment", "adjournment"), ("Adjournment", "adjournment"), ("ptph", "plea-and-trial-preparation-hearing"),
    ("jurry", "jury"), ("cross examnation", "cross-examination"), ("magistrates court", "magistrates-court"),
    ("victim personal statment", "victim-personal-statement"), ("RUI", "released-under-investigation"),
    ("section 28", "section-28"), ("mechnïaeth", "bail"), ("gohiriad", "adjournment"), ("Rheithgor", "jury"),
])
def test_search_forgives_case_abbreviations_misspellings_and_language(query: str, expected: str) -> None:
    for locale in ("en", "cy"):
        found = Glossary(locale).search(query)
        assert found and found[0].id == expected, f"{locale}: {query!r} -> {[t.id for t in found[:3]]}"


def test_search_does_not_match_everything() -> None:
    assert search(load_terms("en"), "zebra crossing") == []
    assert [t.id for t in search(load_terms("en"), "bail")][:1] == ["bail"]
    assert "jail" not in {t.term.casefold() for t in search(load_terms("en"), "bail")}


LETTER = """Dear Mrs Evans,

The Plea and Trial Preparation Hearing (PTPH) took place on Monday at the Crown Court. The defendant
pleaded not guilty. The trial is in the warned list for the fortnight starting 2 March. The CPS has
asked for special measures: a live link, and Section 28 cross examination. The ground rules hearing
will be on 20 February. Your ISVAs and the Witness Care Unit will keep you informed. It is fine to
call us. Hearings sometimes move; an adjournment is not your child's fault.
"""


def test_the_linker_finds_terms_in_order_of_first_use_with_abbreviations_and_plurals() -> None:
    found = [t.id for t in Glossary("en").linker.find(LETTER)]
    assert found == [
        "plea-and-trial-preparation-hearing", "crown-court", "defendant", "not-guilty-plea", "trial", "warned-list",
        "crown-prosecution-service", "special-measures", "live-link", "section-28", "cross-examination",
        "ground-rules-hearing", "independent-sexual-violence-adviser", "witness-care-unit", "hearing", "adjournment",
    ]
    assert "fine" not in found  # an everyday word, not a sentence


def test_the_linker_keeps_abbreviations_case_sensitive_and_words_whole() -> None:
    linker = Glossary("en").linker
    assert linker.find("Put a label on the cps folder.") == []  # "abe" in label, lower-case "cps"
    assert [t.id for t in linker.find("The pre-trial visit")] == ["pre-trial-visit"]
    assert [t.id for t in linker.find("Two juries; three ISVAs.")] == ["jury", "independent-sexual-violence-adviser"]


def test_the_linker_reads_welsh_letters() -> None:
    letter = "Mae'r gwrandawiad ple yn Llys y Goron. Bydd y rheithgor yn clywed y croesholi drwy gyswllt byw. Mae'r CPS wedi gofyn am fesurau arbennig."
    found = [t.id for t in Glossary("cy").linker.find(letter)]
    assert found[:4] == ["plea-and-trial-preparation-hearing", "crown-court", "jury", "cross-examination"]
    assert "crown-prosecution-service" in found



@pytest.mark.parametrize("locale", ["en", "cy"])
def test_the_linker_finds_what_its_whole_regex_finds(locale: str) -> None:
    """The linker tries, at each word, only the names that can start there; on texts made of glossary names
    in every case, joined and broken by hyphens, apostrophes, plurals and letters that fold oddly ("ſ", "K",
    "İ"), it finds exactly what one pass of its whole regex finds."""
    import random

    linker = Linker([*load_terms(locale), dataclasses.replace(load_terms(locale)[0], id="own", term="’t Hooft Room", aliases=("-Annexe",), link=True)])
    names = [n for t in linker.terms for n in t.names]
    extra = ["ſ", "İ", "ı", "K", "-", "–", "'", "’", " ", "\n", "s", "es", "ies", "pre-", "x", ".", "10am", "ABE", "abe", "Abe", "PTPHs"]
    rng = random.Random(20261207)
    found, own = 0, 0
    for _ in range(1500):
        words = []
        for _ in range(rng.randint(1, 12)):
            word = rng.choice(names) if rng.random() < 0.6 else rng.choice(extra + ["’t Hooft Room", "-Annexe"])
            word = rng.choice([word, word, word.upper(), word.lower()]).replace(" ", rng.choice([" ", "-", " \n ", "", "’"]))
            words.append(word)
        text = rng.choice(["", " ", "-"]).join(words)
        whole = [(m.start(), m.end(), linker._term_for(m.group())) for m in linker._regex.finditer(text)]
        assert list(linker.matches(text)) == [w for w in whole if w[2] is not None], text
        found += len(whole)
        own += sum(1 for w in whole if w[2] is not None and w[2].id == "own")
    assert found > 1000 and own > 10  # the texts were full of names, the odd ones too, not misses


def test_welsh_falls_back_to_english_where_there_is_no_welsh_entry() -> None:
    welsh = Glossary("cy")
    english_only = {t.id for t in load_terms("en")} - {t.id for t in load_terms("cy")}
    assert english_only, "every term is in Welsh: this test needs one that is not"
    some = sorted(english_only)[0]
    shown = welsh.get(some)
    assert shown is not None and shown.locale == "en" and welsh.is_fallback(shown)
    assert welsh.get("bail").term == "Mechnïaeth" and not welsh.is_fallback(welsh.get("bail"))
    assert len(welsh.terms) == len(load_terms("en"))


def test_a_local_entry_never_replaces_a_shipped_one() -> None:
    bail = next(t for t in load_terms("en") if t.id == "bail")
    clash = dataclasses.replace(bail, id="local-1", term="BAIL", definition="Our own text", local=True)
    court3 = dataclasses.replace(bail, id="local-2", term="Court 3", aliases=(), local=True)
    glossary = Glossary("en", local=[clash, court3])
    assert glossary.get("bail").definition == bail.definition
    assert glossary.get("local-1") is None
    assert glossary.get("local-2") is not None
    assert Linker(glossary.terms).find("bail at Court 3")[0].id == "bail"
