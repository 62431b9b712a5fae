"""The keyed name index: how cases are found by a person's name while every name stays encrypted.

Each word of a name (the child's or a family member's) is normalised (accents folded, lower case,
split at punctuation) and every prefix of it from two letters up is stored as an HMAC-SHA256 under a key
derived from the service secret for this purpose alone (`settings.derived_key("search-index")`). A
search hashes its words the same way and asks for people holding all of them. The index never holds a
name or a piece of one: without the secret key, its rows are random bytes.

What it does give away to someone holding a copy of the database (and not the key): which people share
a word prefix, and how long each word is (the number of prefixes). Names themselves stay unreadable.

The case's reference ("CJ-2026-0012") is indexed with the child, so one lookup finds a case by its
reference or by any part of it ("2026-0012", "0012"), on both backends alike (a LIKE on the reference
would depend on the database's collation to use an index).

`reindex_case` rewrites a case's entries from its rows as they are now; every service that writes a
name, a family member or a case calls it in the same transaction, so the index cannot drift. Rows
written another way (an older database, a restore from before the index) are indexed by
`courtjourney search reindex`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from uuid import UUID

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases.models import Case, FamilyMember, SearchToken
from courtjourney.settings import derived_key

#: The purpose label of the index's key (HKDF info): distinct from the chain's, the evidence files' and the backup check's.
KEY_PURPOSE = "search-index"
#: Shortest prefix indexed and searched: one letter would match half the caseload and say little.
MIN_PREFIX = 2
#: Longest prefix indexed; a longer word in a search is cut to this, so it still finds the name.
MAX_PREFIX = 24

_APOSTROPHES = re.compile(r"['’ʼ`]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    # casefold can produce new decomposable letters (rare); a second NFKD pass keeps the two sides equal.
    return "".join(
        c for c in unicodedata.normalize("NFKD", folded.casefold()) if not unicodedata.combining(c)
    )


def words(text: str) -> list[str]:
    """The words of a search, as the index holds them: "Zoë O'Brien-Smith" -> zoe, obrien, smith.

    Accents are folded (NFKD, combining marks dropped), case is folded, apostrophes are dropped (so
    "O'Brien" and "OBrien" agree) and any other punctuation or space splits words.
    """
    return [w for w in _NOT_WORD.split(_APOSTROPHES.sub("", _fold(text))) if w]


def name_words(text: str) -> list[str]:
    """The words a name is indexed under: its `words`, and the parts of a word with an apostrophe, so
    "O'Brien" is found by "obrien", "o'brien" and "brien"."""
    folded = _fold(text)
    found = dict.fromkeys(w for w in _NOT_WORD.split(_APOSTROPHES.sub("", folded)) if w)
    found.update(dict.fromkeys(w for w in _NOT_WORD.split(folded) if w))
    return list(found)


def _hash(key: bytes, prefix: str) -> bytes:
    return hmac.new(key, prefix.encode("utf-8"), hashlib.sha256).digest()


def person_hashes(*texts: str | None) -> set[bytes]:
    """The index entries for one person: every prefix (2 to 24 letters) of every word of `texts`."""
    key = derived_key(KEY_PURPOSE)
    found: set[bytes] = set()
    for text in texts:
        for word in name_words(text or ""):
            for end in range(MIN_PREFIX, min(len(word), MAX_PREFIX) + 1):
                found.add(_hash(key, word[:end]))
    return found


def query_hashes(query: str) -> list[bytes]:
    """What a search asks for: one hash per distinct word of two letters or more (cut to 24)."""
    key = derived_key(KEY_PURPOSE)
    kept = dict.fromkeys(w[:MAX_PREFIX] for w in words(query) if len(w) >= MIN_PREFIX)
    return [_hash(key, w) for w in kept]


def matches(query: str, *texts: str | None) -> bool:
    """Whether a person with these names would be found by `query` (every word a prefix of one of theirs).

    The same rule the index applies, on names already decrypted: used to say who on a found case matched."""
    theirs = [w for text in texts for w in name_words(text or "")]
    wanted = [w[:MAX_PREFIX] for w in words(query) if len(w) >= MIN_PREFIX]
    return bool(wanted) and all(any(t[:MAX_PREFIX].startswith(w) for t in theirs) for w in wanted)


def _rows(case: Case, members: Iterable[FamilyMember]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"case_id": case.id, "family_member_id": None, "token_hash": h}
        for h in person_hashes(case.child_name, case.reference)
    ]
    for member in members:
        rows.extend(
            {"case_id": case.id, "family_member_id": member.id, "token_hash": h}
            for h in person_hashes(member.name)
        )
    return rows


async def reindex_case(db: AsyncSession, case: Case) -> None:
    """Rewrite `case`'s index entries from its child's name, its reference and its family members' names.

    Call it, in the same transaction, after any change to those: a renamed person is then found by the
    new name only, and a removed one not at all."""
    await db.flush()  # the rows as the service left them, ids and all
    members = list(await db.scalars(select(FamilyMember).where(FamilyMember.case_id == case.id)))
    await db.execute(delete(SearchToken).where(SearchToken.case_id == case.id))
    rows = _rows(case, members)
    if rows:
        await db.execute(insert(SearchToken), rows)


async def reindex_all(db: AsyncSession, batch: int = 500) -> int:
    """Rebuild the whole index from the cases as stored (the `courtjourney search reindex` command).

    Reads the cases in batches in reference order, so memory stays flat at any size. Returns how many
    cases were indexed."""
    done = 0
    after = ""
    while True:
        cases: Sequence[Case] = list(
            await db.scalars(select(Case).where(Case.reference > after).order_by(Case.reference).limit(batch))
        )
        if not cases:
            return done
        ids = [c.id for c in cases]
        members: dict[UUID, list[FamilyMember]] = {}
        for m in await db.scalars(select(FamilyMember).where(FamilyMember.case_id.in_(ids))):
            members.setdefault(m.case_id, []).append(m)
        await db.execute(delete(SearchToken).where(SearchToken.case_id.in_(ids)))
        rows = [row for c in cases for row in _rows(c, members.get(c.id, []))]
        if rows:
            await db.execute(insert(SearchToken), rows)
        done += len(cases)
        after = cases[-1].reference
        db.expunge_all()


def people_found(hashes: Sequence[bytes]) -> Select[UUID]:
    """The ids of cases with one person (the child with the reference, or one family member) holding
    every hash in `hashes`. Put it under `visible_cases`: this says nothing of who may see what."""
    return (
        select(SearchToken.case_id)
        .where(SearchToken.token_hash.in_(hashes))
        .group_by(SearchToken.case_id, SearchToken.family_member_id)
        .having(func.count() == len(hashes))
    )
