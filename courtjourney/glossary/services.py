"""The glossary's rules that touch the database: a team's local entries, and the glossary a reader sees."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role, User
from courtjourney.errors import InputError
from courtjourney.glossary.models import LocalEntry
from courtjourney.glossary.terms import (
    LOCAL_PREFIX,
    LOCALES,
    MAX_QUERY,
    STAGES,
    Glossary,
    Term,
    name_key,
    shipped_glossary,
    shipped_names,
)
from courtjourney.i18n import gettext as _

# The same plain-language rule the shipped entries are tested against (tests/glossary).
MAX_SENTENCE_WORDS = 20


def may_add_local(who: User | Actor) -> bool:
    """Team admins add local entries: the service's admins and each team's manager."""
    return who.role in (Role.ADMIN.value, Role.MANAGER.value)


def read_query(query: str | None) -> tuple[str, dict[str, str]]:
    """A search as typed, tidied, and what is wrong with it (nothing when it can be searched):
    empty and over-long searches are refused plainly."""
    q = " ".join((query or "").split())
    if not q:
        return q, {"q": _("Enter a word to search for.")}
    if len(q) > MAX_QUERY:
        return q, {"q": _("Search for %(limit)d characters or fewer.") % {"limit": MAX_QUERY}}
    return q, {}


def check_query(query: str | None) -> str:
    """A search as typed, or InputError."""
    q, errors = read_query(query)
    if errors:
        raise InputError(errors)
    return q


def check_locale(lang: str | None) -> str | None:
    if lang is None:
        return None
    if lang not in LOCALES:
        raise InputError({"lang": _("Choose English (en) or Welsh (cy).")})
    return lang


def as_term(entry: LocalEntry) -> Term:
    return Term(
        id=f"{LOCAL_PREFIX}{entry.id}",
        term=entry.term,
        aliases=tuple(entry.aliases or ()),
        definition=entry.definition,
        for_you=entry.for_you,
        stages=tuple(s for s in entry.stages or () if s in STAGES),
        related=(),
        source=entry.source or "",
        check=False,
        locale=entry.locale,
        local=True,
    )


async def local_entries(db: AsyncSession) -> list[LocalEntry]:
    return list(await db.scalars(select(LocalEntry).order_by(LocalEntry.term, LocalEntry.id)))


# Glossaries with local entries, by locale and the state of the entries they were built from.
_with_local: dict[tuple[str, int, Any], Glossary] = {}
_KEEP = 8


async def glossary_for(db: AsyncSession, locale: str) -> Glossary:
    """The glossary a reader sees: shipped terms in their language (English where Welsh is missing),
    then the local entries. Without local entries, the shipped glossary built once at start-up.

    With them, the glossary (and its search index) is built again only when the entries change: one
    small query asks how many there are and when one last changed. Building it for every request cost
    more than the search itself once a national service's teams had added a few hundred
    (bench/scale.py). Adding, editing or removing an entry through the ORM changes the count or the
    newest `updated_at`, so what readers see is never stale; each worker process keeps its own copies.
    """
    count, latest = (
        await db.execute(select(func.count(LocalEntry.id), func.max(LocalEntry.updated_at)))
    ).one()
    if not count:
        return shipped_glossary(locale)
    key = (locale, count, latest)
    glossary = _with_local.get(key)
    if glossary is None:
        glossary = Glossary(locale, local=[as_term(e) for e in await local_entries(db)])
        while len(_with_local) >= _KEEP:  # old states are never asked for again
            del _with_local[next(iter(_with_local))]
        _with_local[key] = glossary
    return glossary


def _long_sentences(text: str) -> bool:
    import re

    return any(len(s.split()) > MAX_SENTENCE_WORDS for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s)


async def check_local(db: AsyncSession, values: Mapping[str, Any]) -> dict[str, Any]:
    """Rules for a local entry beyond each field's own: at least one known stage, names no shipped
    or local entry uses already (a local entry never shadows a shipped one), short sentences."""
    errors: dict[str, str] = {}
    stages = [s for s in values.get("stages") or [] if s]
    if not stages:
        errors["stages"] = _("Choose at least one stage where the family may hear this word.")
    elif any(s not in STAGES for s in stages):
        errors["stages"] = _("Choose stages from the list.")
    aliases = [a.strip() for a in values.get("aliases") or [] if a and a.strip()]
    if any(len(a) > 120 for a in aliases):
        errors["aliases"] = _("Each other name must be 120 characters or fewer.")
    names = [values["term"], *aliases]
    taken = shipped_names()
    local_taken = {name_key(n) for e in await local_entries(db) for n in (e.term, *(e.aliases or ()))}
    for name in names:
        key = name_key(name)
        field = "term" if name == values["term"] else "aliases"
        if not key:
            errors[field] = _("Use letters or numbers in each name.")
        elif key in taken:
            errors[field] = _(
                "“%(name)s” is already in the glossary. Local entries cannot replace shipped ones."
            ) % {"name": name}
        elif key in local_taken:
            errors[field] = _("“%(name)s” is already a local entry.") % {"name": name}
    for field in ("definition", "for_you"):
        if values.get(field) and _long_sentences(values[field]):
            errors[field] = _("Keep each sentence to %(limit)d words or fewer.") % {
                "limit": MAX_SENTENCE_WORDS
            }
    if errors:
        raise InputError(errors)
    return {**values, "stages": list(dict.fromkeys(stages)), "aliases": list(dict.fromkeys(aliases))}


async def add_local(db: AsyncSession, actor: Actor, values: Mapping[str, Any]) -> LocalEntry:
    """Save a team's local entry (values already cleaned by the form or API fields); audited."""
    checked = await check_local(db, values)
    entry = LocalEntry(
        team_id=actor.team_id,
        created_by_id=actor.id,
        locale=checked["locale"],
        term=checked["term"],
        aliases=checked["aliases"],
        definition=checked["definition"],
        for_you=checked["for_you"],
        stages=checked["stages"],
        source=checked.get("source") or "",
    )
    db.add(entry)
    await db.flush()
    audit.record(db, "glossary.local_added", actor, target=entry)
    return entry
