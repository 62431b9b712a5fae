"""The plain-language legal glossary as data: load it, search it, and find its terms in a letter.

Pure module: no database, no web. The terms live in `data/en.toml` and `data/cy.toml` (one `[[term]]`
table each, the same ids in both files); every definition there is written fresh in our own words, with
the legal facts taken from shared/DOMAIN.md and their sources beside them.

    load_terms("cy")            -> the Welsh terms, validated once and cached
    parse_terms(text, ...)      -> the same parsing and validation for any TOML string (tests feed bad data)
    search(terms, "bail")       -> headword and alias matches first, then near misses, then definitions
    Linker(terms).find(letter)  -> the terms named in a letter, each once, in order of first appearance
    Glossary("cy", local=...)   -> what a reader sees in one language: Welsh where we have it, English
                                   (marked as a fallback) where we do not, and the team's local entries
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from typing import Any

from courtjourney.errors import GlossaryDataError

LOCALES = ("en", "cy")

# The journey's open stages (courtjourney.cases.journey.Stage, less `closed`), repeated here so this
# module stays pure; tests/glossary checks the two lists agree.
STAGES = ("risk_assessment", "disclosure", "investigation", "trial", "outcome", "post_trial")

_REQUIRED = {
    "id": str,
    "term": str,
    "aliases": list,
    "definition": str,
    "for_you": str,
    "stages": list,
    "related": list,
    "source": str,
}
# check: the fact needs checking against its source (DOMAIN.md ⚠). reviewed: the Welsh has been checked
# by a fluent speaker. link: the linker may find this term in letters (off for everyday words like "fine").
_OPTIONAL = {"check": bool, "reviewed": bool, "link": bool}
MAX_QUERY = 100
# How big a team's own glossary may grow: each name, each explanation, and entries per team in one
# language (the local-entry form and the service both hold to these).
MAX_NAME = 80
MAX_EXPLANATION = 600
MAX_ENTRIES = 200
LOCAL_PREFIX = "local-"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    aliases: tuple[str, ...]
    definition: str
    for_you: str
    stages: tuple[str, ...]
    related: tuple[str, ...]
    source: str
    check: bool
    locale: str
    local: bool = False
    reviewed: bool = True
    link: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        """The headword, then every alias."""
        return (self.term, *self.aliases)


def name_key(name: str) -> str:
    """How two names are compared: case, spaces, hyphens, dots and apostrophes do not count."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


# ---------------------------------------------------------------------------------------------- loading


def data_path(locale: str) -> Any:
    """The shipped data file for `locale` (a Traversable inside the installed package)."""
    if locale not in LOCALES:
        raise ValueError(f"unknown glossary locale {locale!r}; expected one of {', '.join(LOCALES)}")
    return files("courtjourney.glossary") / "data" / f"{locale}.toml"


@cache
def load_terms(locale: str) -> tuple[Term, ...]:
    """The glossary for `locale` ("en" or "cy"), read from the package data, validated, cached.

    Welsh ids and related ids are checked against the English file: every Welsh entry translates one.
    """
    text = data_path(locale).read_text(encoding="utf-8")
    known = None if locale == "en" else {t.id for t in load_terms("en")}
    return parse_terms(text, locale, origin=f"courtjourney/glossary/data/{locale}.toml", known_ids=known)


def load_all() -> dict[str, tuple[Term, ...]]:
    """Both shipped files, validated (called at start-up, so bad data stops the service early)."""
    return {locale: load_terms(locale) for locale in LOCALES}


_TABLE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*term[ \t]*\]\]", re.MULTILINE)


def parse_terms(text: str, locale: str, origin: str, known_ids: set[str] | None = None) -> tuple[Term, ...]:
    """Parse and validate one glossary file's TOML text. `origin` names the file in error messages,
    each with the line of the [[term]] table at fault. With `known_ids` (the English ids), every id
    here must translate one of them, and related ids may point at any of them."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        at = f"{origin}, line {line.group(1)}" if line else origin
        raise GlossaryDataError(f"{at}: not valid TOML: {exc}") from exc
    extra = set(data) - {"term"}
    if extra:
        raise GlossaryDataError(f"{origin}: unexpected top-level keys {sorted(extra)}; only [[term]] tables")
    rows = data.get("term")
    if not isinstance(rows, list) or not rows:
        raise GlossaryDataError(f"{origin}: no [[term]] tables found")

    # tomllib keeps no positions: the n-th [[term]] header in the text is the n-th table.
    lines = [text.count("\n", 0, m.start()) + 1 for m in _TABLE_HEADER.finditer(text)]
    where = [f"{origin}, line {lines[i]}" if i < len(lines) else origin for i in range(len(rows))]
    terms = [_one_term(row, n, locale, where[n - 1]) for n, row in enumerate(rows, start=1)]
    _check_whole(terms, origin, dict(zip((t.id for t in terms), where, strict=True)), known_ids)
    return tuple(terms)


def _one_term(row: Any, n: int, locale: str, origin: str) -> Term:
    where = f"{origin}: term #{n}"
    if not isinstance(row, dict):
        raise GlossaryDataError(f"{where}: expected a [[term]] table")
    if isinstance(row.get("id"), str):
        where = f"{origin}: term {row['id']!r}"

    def bad(problem: str) -> GlossaryDataError:
        return GlossaryDataError(f"{where}: {problem}")

    missing = [key for key in _REQUIRED if key not in row]
    if missing:
        raise bad(f"missing {', '.join(missing)}")
    unknown = set(row) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise bad(f"unknown keys {sorted(unknown)}")
    for key, kind in {**_REQUIRED, **_OPTIONAL}.items():
        if key in row and not isinstance(row[key], kind):
            raise bad(f"{key} must be a {kind.__name__}, not {type(row[key]).__name__}")
    for key in ("aliases", "stages", "related"):
        if not all(isinstance(item, str) and item.strip() for item in row[key]):
            raise bad(f"{key} must be a list of non-empty strings")
        if len(set(row[key])) != len(row[key]):
            raise bad(f"{key} lists the same value twice")

    if not _ID.fullmatch(row["id"]):
        raise bad("id must be a lower-case slug such as 'ground-rules-hearing'")
    if row["id"].startswith(LOCAL_PREFIX):
        raise bad(f"ids starting {LOCAL_PREFIX!r} are kept for a team's local entries")
    for key in ("term", "definition", "for_you"):
        if not row[key].strip():
            raise bad(f"empty {key}")
    if not row["stages"]:
        raise bad("stages is empty; give at least one stage")
    unknown_stages = [s for s in row["stages"] if s not in STAGES]
    if unknown_stages:
        raise bad(f"unknown stage {', '.join(map(repr, unknown_stages))}; allowed: {', '.join(STAGES)}")
    if row["id"] in row["related"]:
        raise bad("related lists the term itself")

    return Term(
        id=row["id"],
        term=row["term"].strip(),
        aliases=tuple(a.strip() for a in row["aliases"]),
        definition=row["definition"].strip(),
        for_you=row["for_you"].strip(),
        stages=tuple(row["stages"]),
        related=tuple(row["related"]),
        source=row["source"].strip(),
        check=row.get("check", False),
        locale=locale,
        reviewed=row.get("reviewed", locale == "en"),
        link=row.get("link", True),
    )


def _check_whole(
    terms: Sequence[Term], origin: str, where: dict[str, str], known_ids: set[str] | None
) -> None:
    """Checks across terms: unique ids, related ids that exist, and no name claimed by two terms."""
    ids: set[str] = set()
    for t in terms:
        if t.id in ids:
            raise GlossaryDataError(f"{where.get(t.id, origin)}: term {t.id!r}: duplicate id")
        ids.add(t.id)
    for t in terms:
        if known_ids is not None and t.id not in known_ids:
            raise GlossaryDataError(f"{where[t.id]}: term {t.id!r}: no English entry has this id")
        dangling = [r for r in t.related if r not in ids | (known_ids or set())]
        if dangling:
            raise GlossaryDataError(
                f"{where[t.id]}: term {t.id!r}: related id {', '.join(dangling)} does not exist"
            )
    owner: dict[str, str] = {}
    for t in terms:
        for name in t.names:
            key = name_key(name)
            if not key:
                raise GlossaryDataError(f"{where[t.id]}: term {t.id!r}: name {name!r} has no letters")
            if owner.get(key, t.id) != t.id:
                raise GlossaryDataError(
                    f"{where[t.id]}: term {t.id!r}: name {name!r} is already used by term {owner[key]!r}"
                )
            owner[key] = t.id


# ---------------------------------------------------------------------------------------------- search

# How close a misspelling must be to count (difflib's ratio: 2 * matches / total length). 0.8 lets
# "ajournment" find "adjournment" and "jurry" find "jury", but not "bail" find "jail".
NEAR = 0.8


def search(terms: Iterable[Term], query: str, *, also: Iterable[Term] = ()) -> list[Term]:
    """Terms matching `query`, best first, forgiving case, punctuation and small misspellings.

    Ranks: a headword or alias that is the query; one that contains it; one within a small
    misspelling of it (whole name, or one word of it); then definitions that contain it. `also`
    gives the same terms in the other language (matched by id), so "mechnïaeth" finds "Bail".
    """
    return SearchIndex(terms, also=also).find(query)


@dataclass(frozen=True)
class _Candidate:
    """A whole name or one word of it, as a misspelling is compared with it (name key, weight, letters)."""

    key: str
    weight: float
    letters: Counter[str]


@dataclass(frozen=True)
class _Entry:
    term: Term
    order: str
    keys: tuple[str, ...]
    candidates: tuple[_Candidate, ...]
    texts: tuple[str, ...]


class SearchIndex:
    """What `search` needs from each term, worked out once: its name keys, the names and words a
    misspelling is compared with, and its definitions folded. A Glossary keeps one, so a request pays
    only for the comparisons: working these out again for every search cost more than the search."""

    def __init__(self, terms: Iterable[Term], *, also: Iterable[Term] = ()) -> None:
        pool = {t.id: t for t in terms}
        names: dict[str, list[str]] = {tid: list(t.names) for tid, t in pool.items()}
        texts: dict[str, list[str]] = {tid: [t.definition] for tid, t in pool.items()}
        for t in also:
            if t.id in pool:
                names[t.id].extend(t.names)
                texts[t.id].append(t.definition)
        self.entries = tuple(
            _Entry(
                t,
                t.term.casefold(),
                tuple(name_key(n) for n in names[tid]),
                _candidates(names[tid]),
                tuple(_fold(text) for text in texts[tid]),
            )
            for tid, t in pool.items()
        )

    def find(self, query: str) -> list[Term]:
        q = _fold(query)
        key = name_key(q)
        if not key:
            return []
        letters = Counter(key)
        ranked: list[tuple[int, float, str, Term]] = []
        for e in self.entries:
            if key in e.keys:
                ranked.append((0, 0.0, e.order, e.term))
            elif len(key) >= 2 and any(key in k for k in e.keys):
                ranked.append((1, 0.0, e.order, e.term))
            elif len(key) >= 4 and (near := _nearness(key, letters, e.candidates)) >= NEAR:
                ranked.append((2, -near, e.order, e.term))
            elif len(q) >= 3 and any(q in text for text in e.texts):
                ranked.append((3, 0.0, e.order, e.term))
        ranked.sort(key=lambda item: item[:3])
        return [t for *_, t in ranked]


def _candidates(names: Iterable[str]) -> tuple[_Candidate, ...]:
    """Each name whole, and each word of 4 letters or more in it. A word counts a little less, so
    "jurry" puts "Jury" before "Hung jury"."""
    out = []
    for name in names:
        whole = name_key(name)
        out.append(_Candidate(whole, 1.0, Counter(whole)))
        out.extend(
            _Candidate(name_key(w), 0.99, Counter(name_key(w)))
            for w in name.split()
            if len(w) >= 4 and name_key(w) != whole
        )
    return tuple(out)


def _nearness(key: str, letters: Counter[str], candidates: Iterable[_Candidate]) -> float:
    """The best difflib ratio between the query and a candidate. difflib's own two cheap upper bounds
    (lengths, then shared letters) are worked out first from what the index holds, so a
    SequenceMatcher is built only for candidates that could reach NEAR; the result is difflib's."""
    best = 0.0
    for c in candidates:
        total = len(key) + len(c.key)
        if 2.0 * min(len(key), len(c.key)) / total < NEAR:  # SequenceMatcher.real_quick_ratio
            continue
        if 2.0 * sum((letters & c.letters).values()) / total < NEAR:  # SequenceMatcher.quick_ratio
            continue
        best = max(best, difflib.SequenceMatcher(None, key, c.key, autojunk=False).ratio() * c.weight)
    return best


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").casefold().split())


# ---------------------------------------------------------------------------------------------- linking

# A name of two or more capitals and no spaces ("CPS", "PTPH", "ChISVA", "MoJ", "SDS40") is an
# abbreviation: it must match case-sensitively, so "ABE" does not link "abe" and "CPS" not "cps".
_ABBREVIATION = re.compile(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*")  # 2+ capitals, no spaces
_APOSTROPHE = "'\u2019"
_HYPHEN = "-\u2010\u2011\u2013"
_HYPHEN_CLASS = r"\-\u2010\u2011\u2013"  # the same, safe inside [...]
_PLURAL = r"(?:s|es)?"  # "ISVAs", "hearings", "witnesses"; "juries" comes from its own -ies form


def is_abbreviation(word: str) -> bool:
    return bool(_ABBREVIATION.fullmatch(word))


def _name_pattern(name: str) -> str:
    """One name as a regex: any run of spaces matches any whitespace (letters wrap lines); an apostrophe
    may be straight, curly or left out ("magistrates court"); a hyphen may be a dash, a space or left out
    ("cross examination"); abbreviations keep their case."""
    parts: list[str] = []
    for token in re.split(r"(\s+)", name.strip()):
        if not token:
            continue
        if token.isspace():
            parts.append(r"\s+")
            continue
        pieces: list[str] = []
        for piece in re.split(f"([{_APOSTROPHE}{_HYPHEN_CLASS}])", token):
            if not piece:
                continue
            if piece in _APOSTROPHE:
                pieces.append(f"[{_APOSTROPHE}]?")
            elif piece in _HYPHEN:
                pieces.append(f"(?:[{_HYPHEN_CLASS}]|\\s+)?")
            elif is_abbreviation(piece):
                pieces.append(f"(?-i:{re.escape(piece)})")
            else:
                pieces.append(re.escape(piece))
        parts.append("".join(pieces))
    return "".join(parts)


# \b and the look-arounds together: a whole word, and not half of a hyphenated one.
_EDGE = rf"[\w{_HYPHEN_CLASS}]"
# Where a name can start: the places the linking regex's own (?<!edge)\b accepts (always before a \w).
_WORD_STARTS = re.compile(rf"(?<!{_EDGE})\b\w")
_KEEP_REGEXES = 2048  # cut-down regexes a linker keeps (by first character; each text has few)


def _linking_regex(alternatives: Sequence[str]) -> re.Pattern[str]:
    alternation = "|".join(alternatives) or r"(?!)"
    return re.compile(rf"(?<!{_EDGE})\b(?:{alternation})\b(?!{_EDGE})", re.IGNORECASE)


def _first_character(name: str) -> tuple[str, bool] | None:
    """The character `_name_pattern(name)` must start with, and whether its case counts (an abbreviation);
    None when the pattern may start otherwise (a name beginning with an apostrophe or a hyphen)."""
    for token in re.split(r"(\s+)", name.strip()):
        if not token or token.isspace():
            continue
        piece = re.split(f"([{_APOSTROPHE}{_HYPHEN_CLASS}])", token)[0]
        return (piece[0], is_abbreviation(piece)) if piece else None
    return None


def _spellings(name: str) -> list[str]:
    """The name, and its -ies plural when it ends in a consonant and y ("jury" -> "juries")."""
    forms = [name]
    if (
        len(name) > 2
        and name[-1] == "y"
        and name[-2].lower() not in "aeiouy"
        and not is_abbreviation(name.split()[-1])
    ):
        forms.append(name[:-1] + "ies")
    return forms


class Linker:
    """Finds glossary terms in free text in one pass of one compiled regex.

    The alternation holds every headword and alias (and their simple plurals), longest first, so
    "Crown Court" wins over a shorter name at the same place. A match must stand as whole words: no
    letter, digit or hyphen joined on either side, so "trial" is not found inside "pre-trial" and
    "abe" not inside "label". Terms marked link = false (everyday words such as "fine") are left out.
    """

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = tuple(terms)
        self._by_key: dict[str, Term] = {}
        names: list[str] = []
        for t in self.terms:
            if not t.link:
                continue
            for name in t.names:
                for form in _spellings(name):
                    key = name_key(form)
                    if key and key not in self._by_key:
                        self._by_key[key] = t
                        names.append(form)
        names.sort(key=lambda n: (-len(n), n))
        self._alternatives = [_name_pattern(n) + _PLURAL for n in names]
        self._regex = _linking_regex(self._alternatives)
        # What each name's pattern must start with (None: it may start with an apostrophe or a hyphen).
        firsts = [_first_character(n) for n in names]
        self._starters = {
            first: re.compile(re.escape(first[0]), 0 if first[1] else re.IGNORECASE)
            for first in dict.fromkeys(f for f in firsts if f is not None)
        }
        self._firsts = firsts
        self._by_character: dict[str, re.Pattern[str]] = {}
        self._by_names: dict[tuple[int, ...], re.Pattern[str]] = {}

    def _term_for(self, found: str) -> Term | None:
        key = name_key(found)
        for candidate in (key, key[:-2] if key.endswith("es") else "", key[:-1] if key.endswith("s") else ""):
            if candidate and candidate in self._by_key:
                return self._by_key[candidate]
        return None

    def _regex_at(self, character: str) -> re.Pattern[str]:
        """The linking regex cut down to the names that can start with `character`, in their order.

        At a place in the text, only names whose first character matches there can match, so this finds
        exactly what the whole regex finds at that place; trying every one of 450 names at every word of a
        letter was a tenth of a briefing's time. Which names can start with a character is asked of the
        regex engine itself (each first character compiled with the name's own case rule), so case-folding
        is the same as in the whole regex. Kept per character (a few dozen in a letter)."""
        regex = self._by_character.get(character)
        if regex is None:
            hits = {first for first, starter in self._starters.items() if starter.fullmatch(character)}
            names = tuple(i for i, first in enumerate(self._firsts) if first is None or first in hits)
            regex = self._by_names.get(names)
            if regex is None:
                regex = _linking_regex([self._alternatives[i] for i in names])
                if len(self._by_names) < _KEEP_REGEXES:
                    self._by_names[names] = regex
            if len(self._by_character) < _KEEP_REGEXES:
                self._by_character[character] = regex
        return regex

    def matches(self, text: str) -> Iterator[tuple[int, int, Term]]:
        """Every (start, end, term) in `text`, left to right, without overlaps: what `self._regex.finditer`
        finds, tried only at the start of each word and only with the names that can begin there."""
        end = 0
        for start in _WORD_STARTS.finditer(text):
            at = start.start()
            if at < end:
                continue
            m = self._regex_at(text[at]).match(text, at)
            if m is None:
                continue
            end = m.end()
            term = self._term_for(m.group())
            if term is not None:
                yield m.start(), m.end(), term

    def find(self, text: str) -> list[Term]:
        """The terms named in `text`, each once, in order of first appearance."""
        seen: set[str] = set()
        found: list[Term] = []
        for _, _, term in self.matches(text):
            if term.id not in seen:
                seen.add(term.id)
                found.append(term)
        return found


# ---------------------------------------------------------------------------------------------- one reader's glossary


class Glossary:
    """The glossary as a reader in one language sees it.

    Every shipped English term appears once: in Welsh where cy.toml has it, otherwise in English
    (`is_fallback` is then true, and pages say so in Welsh). A team's local entries are added after,
    and never replace a shipped term: one whose name is already a shipped name (in either language)
    is left out, so a shipped entry always wins.
    """

    def __init__(self, locale: str, local: Iterable[Term] = ()) -> None:
        if locale not in LOCALES:
            raise ValueError(f"unknown glossary locale {locale!r}; expected one of {', '.join(LOCALES)}")
        self.locale = locale
        english = load_terms("en")
        own = {t.id: t for t in load_terms(locale)}
        other = "cy" if locale == "en" else "en"
        self._other = load_terms(other)
        shipped = [own.get(t.id, t) for t in english]
        taken = shipped_names()
        kept = [t for t in local if not any(name_key(n) in taken for n in t.names)]
        self.terms: tuple[Term, ...] = tuple(sorted(shipped + kept, key=lambda t: (t.term.casefold(), t.id)))
        self._by_id = {t.id: t for t in self.terms}

    def get(self, term_id: str) -> Term | None:
        return self._by_id.get(term_id)

    def is_fallback(self, term: Term) -> bool:
        """True when the term is shown in another language than the reader's."""
        return term.locale != self.locale

    def for_stage(self, stage: str) -> list[Term]:
        return [t for t in self.terms if stage in t.stages]

    def related(self, term: Term) -> list[Term]:
        return [t for t in (self._by_id.get(r) for r in term.related) if t is not None]

    def search(self, query: str) -> list[Term]:
        return self._index.find(query)

    @cached_property
    def _index(self) -> SearchIndex:
        return SearchIndex(self.terms, also=self._other)

    @cached_property
    def linker(self) -> Linker:
        return Linker(self.terms)


@cache
def shipped_names() -> frozenset[str]:
    """Every shipped headword and alias, in both languages, as name keys: local entries may not use them."""
    return frozenset(name_key(n) for locale in LOCALES for t in load_terms(locale) for n in t.names)


@cache
def shipped_linker(locale: str) -> Linker:
    """The linker over the shipped terms of `locale` (English for a language we have no glossary in),
    compiled once per process: building its regex was a tenth of a letter's time when done per letter."""
    return Linker(load_terms(locale if locale in LOCALES else "en"))


def words_used(text: str, locale: str, linker: Linker | None = None) -> list[dict[str, str]]:
    """The glossary terms `text` names, in order of first use, as the {term, meaning} pairs a letter
    lists under "Words used in this letter": the shipped ones, or those `linker` knows (the shipped
    words and the family's own team's entries: services.letter_linker)."""
    found = (linker or shipped_linker(locale)).find(text)
    return [{"term": t.term, "meaning": t.definition} for t in found]


@cache
def shipped_glossary(locale: str) -> Glossary:
    """The shipped glossary for `locale`, built once (its linker compiles once too)."""
    return Glossary(locale)
