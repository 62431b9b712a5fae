"""Plain language, measured with textstat on every definition and "What this means for you" line."""

from __future__ import annotations

import statistics

from courtjourney.glossary.terms import load_terms
from tests.readability import grade, sentences, words

MAX_GRADE = 9.0
MAX_MEDIAN = 6.0
MAX_WORDS = 20


def lines() -> list[tuple[str, str]]:
    return [(f"{t.id}.{field}", getattr(t, field)) for t in load_terms("en") for field in ("definition", "for_you")]


def test_every_english_line_is_plain_enough_and_the_distribution_is_printed() -> None:
    graded = [(where, grade(text)) for where, text in lines()]
    values = sorted(g for _, g in graded)
    quartiles = statistics.quantiles(values, n=4)
    print(f"\nFlesch-Kincaid grade over {len(values)} lines: min {values[0]:.1f}, lower quartile {quartiles[0]:.1f}, "
          f"median {statistics.median(values):.1f}, upper quartile {quartiles[2]:.1f}, max {values[-1]:.1f}")
    for low in range(-4, 10, 2):
        count = sum(low <= v < low + 2 for v in values)
        print(f"  grade {low:>3} to {low + 2:<3} {count:4} {'#' * (count // 3)}")
    hardest = sorted(graded, key=lambda item: -item[1])[:5]
    print("  hardest: " + "; ".join(f"{w} {g:.1f}" for w, g in hardest))
    too_hard = [(w, g) for w, g in graded if g > MAX_GRADE]
    assert not too_hard, f"lines above grade {MAX_GRADE}: {too_hard}"
    assert statistics.median(values) <= MAX_MEDIAN


def test_no_sentence_is_longer_than_20_words_in_either_language() -> None:
    long = [(where, s) for where, text in lines() for s in sentences(text) if words(s) > MAX_WORDS]
    long += [(f"cy:{t.id}", s) for t in load_terms("cy") for text in (t.definition, t.for_you)
             for s in sentences(text) if words(s) > MAX_WORDS]
    longest = max(words(s) for _, text in lines() for s in sentences(text))
    print(f"\nlongest English sentence: {longest} words")
    assert not long, long


def test_the_measure_can_fail() -> None:
    """The grade really rises with long words and long sentences (so the test above can fail)."""
    hard = ("Notwithstanding the aforementioned considerations, the prosecution's application for the admissibility "
            "of the complainant's video-recorded evidence-in-chief necessitates judicial determination.")
    assert grade(hard) > MAX_GRADE
    assert grade("The judge will see you now. You can sit down.") < MAX_MEDIAN
