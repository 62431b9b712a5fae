"""The glossary's rules that touch the database: a team's local entries, and the glossary a reader sees."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role, User
from courtjourney.errors import InputError, NotFound
from courtjourney.glossary.models import LocalEntry
from courtjourney.glossary.terms import (
    LOCAL_PREFIX,
    LOCALES,
    MAX_ENTRIES,
    MAX_EXPLANATION,
    MAX_NAME,
    MAX_QUERY,
    STAGES,
    Glossary,
    Linker,
    Term,
    load_terms,
    name_key,
    shipped_glossary,
    shipped_linker,
    shipped_names,
)
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings

# The same plain-language rule the shipped entries are tested against (tests/glossary).
MAX_SENTENCE_WORDS = 20


def may_add_local(who: User | Actor) -> bool:
    """Team admins look after their team's local entries: each team's manager, and the service's admins."""
    return who.role in (Role.ADMIN.value, Role.MANAGER.value)


# --- whose entries a reader sees ---------------------------------------------------------------
#
# A team's entries are for the families that team supports, and for nobody else. The public pages
# learn the team only from a key in the address (`?team=`), which our own family-facing links carry
# (the family's message page): the team's id and an HMAC of it under a key derived from the service
# secret. Nobody can make one for a team without the secret, so a family of one team never reaches
# another team's entries, and a visitor with no key (or a broken one) sees the national words only.
# The key names a team, never a family or a case, so passing it on reveals nothing personal.


def team_key(team_id: UUID) -> str:
    """The `team=` value that shows `team_id`'s own entries on the public glossary."""
    digest = hmac.new(get_settings().derived_key("glossary-team"), team_id.bytes, hashlib.sha256).digest()
    return f"{team_id.hex}.{base64.urlsafe_b64encode(digest[:16]).decode().rstrip('=')}"


def team_from_key(key: str | None) -> UUID | None:
    """The team a `team=` value names, or None when there is none or it was not made by team_key."""
    if not key or len(key) > 80 or "." not in key:
        return None
    hex_id = key.split(".", 1)[0]
    try:
        team_id = UUID(hex=hex_id)
    except ValueError:
        return None
    return team_id if hmac.compare_digest(team_key(team_id), key) else None


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


def _of_team(team_id: UUID | None) -> Any:
    # Entries left with no team (added before entries belonged to one, or whose team was removed) are
    # shown to no family; only an admin with no team of their own looks after them.
    return LocalEntry.team_id.is_(None) if team_id is None else LocalEntry.team_id == team_id


async def local_entries(db: AsyncSession, team_id: UUID | None) -> list[LocalEntry]:
    """One team's local entries (those of no team when `team_id` is None), by name."""
    return list(
        await db.scalars(select(LocalEntry).where(_of_team(team_id)).order_by(LocalEntry.term, LocalEntry.id))
    )


# Glossaries with a team's entries, by locale, team and the state of the entries they were built from.
_with_local: dict[tuple[str, UUID, int, Any], Glossary] = {}
_linkers: dict[tuple[str, UUID, int, Any], Linker] = {}
# Enough for every team of a national service in both languages; the least recently read goes first.
_KEEP = 256


async def _team_state(db: AsyncSession, team_id: UUID) -> tuple[int, Any]:
    count, latest = (
        await db.execute(
            select(func.count(LocalEntry.id), func.max(LocalEntry.updated_at)).where(
                LocalEntry.team_id == team_id
            )
        )
    ).one()
    return count, latest


def _keep(cache: dict[Any, Any], key: Any, value: Any) -> None:
    while len(cache) >= _KEEP:  # the least recently read first (a team's old states are never read again)
        del cache[next(iter(cache))]
    cache[key] = value


async def glossary_for(db: AsyncSession, locale: str, team_id: UUID | None = None) -> Glossary:
    """The glossary a reader sees: shipped terms in their language (English where Welsh is missing),
    then the local entries of the reader's team, if the reader came with one (see team_key). Without
    a team, or for a team with no entries, the shipped glossary built once at start-up.

    A team's glossary (and its search index) is built again only when its entries change: one small
    query asks how many there are and when one last changed. Building it for every request cost more
    than the search itself once a team had added a few hundred (bench/scale.py). Adding, editing or
    removing an entry through the ORM changes the count or the newest `updated_at`, so what readers
    see is never stale; each worker process keeps its own copies.
    """
    if team_id is None:
        return shipped_glossary(locale)
    count, latest = await _team_state(db, team_id)
    if not count:
        return shipped_glossary(locale)
    key = (locale, team_id, count, latest)
    glossary = _with_local.pop(key, None)
    if glossary is not None:
        _with_local[key] = glossary  # read again: now the newest
    else:
        glossary = Glossary(locale, local=[as_term(e) for e in await local_entries(db, team_id)])
        _keep(_with_local, key, glossary)
    return glossary


async def letter_linker(db: AsyncSession, team_id: UUID, locale: str) -> Linker:
    """What finds the glossary words a letter for a family of `team_id` uses: the shipped words of the
    letter's language and that team's own entries in it, never another team's."""
    return (await letter_linkers(db, team_id, (locale,)))[locale]


async def letter_linkers(db: AsyncSession, team_id: UUID, locales: Iterable[str]) -> dict[str, Linker]:
    """letter_linker for each of `locales`, asking once how the team's entries stand (a briefing has
    the linkers of every language ready, for family members who read different ones)."""
    count, latest = await _team_state(db, team_id)
    linkers: dict[str, Linker] = {}
    for locale in locales:
        if not count or locale not in LOCALES:
            linkers[locale] = shipped_linker(locale)
            continue
        key = (locale, team_id, count, latest)
        linker = _linkers.pop(key, None)
        if linker is not None:
            _linkers[key] = linker
        else:
            taken = shipped_names()
            own = [
                as_term(e)
                for e in await local_entries(db, team_id)
                if e.locale == locale and not any(name_key(n) in taken for n in (e.term, *(e.aliases or ())))
            ]
            linker = Linker((*load_terms(locale), *own))
            _keep(_linkers, key, linker)
        linkers[locale] = linker
    return linkers


def _long_sentences(text: str) -> bool:
    import re

    return any(len(s.split()) > MAX_SENTENCE_WORDS for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s)


async def check_local(
    db: AsyncSession, team_id: UUID | None, values: Mapping[str, Any], entry: LocalEntry | None = None
) -> dict[str, Any]:
    """Rules for a local entry beyond each field's own: at least one known stage, names no shipped
    entry nor another of the team's uses already (a local entry never shadows a shipped one), short
    sentences, its sizes, and room for it among the team's entries in its language. `entry` is the
    entry being changed, which does not count against itself."""
    errors: dict[str, str] = {}
    term = (values.get("term") or "").strip()
    if len(term) > MAX_NAME:
        errors["term"] = _("The word or phrase must be %(limit)d characters or fewer.") % {"limit": MAX_NAME}
    for field in ("definition", "for_you"):
        if len(values.get(field) or "") > MAX_EXPLANATION:
            errors[field] = _("Keep the explanation to %(limit)d characters or fewer.") % {
                "limit": MAX_EXPLANATION
            }
    stages = [s for s in values.get("stages") or [] if s]
    if not stages:
        errors["stages"] = _("Choose at least one stage where the family may hear this word.")
    elif any(s not in STAGES for s in stages):
        errors["stages"] = _("Choose stages from the list.")
    aliases = [a.strip() for a in values.get("aliases") or [] if a and a.strip()]
    if any(len(a) > MAX_NAME for a in aliases):
        errors["aliases"] = _("Each other name must be %(limit)d characters or fewer.") % {"limit": MAX_NAME}
    names = [values["term"], *aliases]
    taken = shipped_names()
    others = [e for e in await local_entries(db, team_id) if entry is None or e.id != entry.id]
    local_taken = {name_key(n) for e in others for n in (e.term, *(e.aliases or ()))}
    if sum(1 for e in others if e.locale == values.get("locale")) >= MAX_ENTRIES:
        errors["locale"] = _(
            "Your team already has %(limit)d local entries in this language, the most it may have. "
            "Remove one you no longer need first."
        ) % {"limit": MAX_ENTRIES}
    for name in names:
        key = name_key(name)
        field = "term" if name == values["term"] else "aliases"
        if field in errors:
            continue
        if not key:
            errors[field] = _("Use letters or numbers in each name.")
        elif key in taken:
            errors[field] = _(
                "“%(name)s” is already in the glossary. Local entries cannot replace shipped ones."
            ) % {"name": name}
        elif key in local_taken:
            errors[field] = _("“%(name)s” is already one of your team's local entries.") % {"name": name}
    for field in ("definition", "for_you"):
        if field not in errors and values.get(field) and _long_sentences(values[field]):
            errors[field] = _("Keep each sentence to %(limit)d words or fewer.") % {
                "limit": MAX_SENTENCE_WORDS
            }
    if errors:
        raise InputError(errors)
    return {**values, "stages": list(dict.fromkeys(stages)), "aliases": list(dict.fromkeys(aliases))}


def _refuse_without_team(actor: Actor) -> UUID:
    if actor.team_id is None:
        raise InputError(
            {
                "team": _(
                    "Local entries belong to a team, and only that team's families see them. "
                    "Your account is not in a team, so you cannot add one."
                )
            }
        )
    return actor.team_id


async def add_local(db: AsyncSession, actor: Actor, values: Mapping[str, Any]) -> LocalEntry:
    """Save a local entry for the actor's team (values already cleaned by the form or API fields); audited."""
    team_id = _refuse_without_team(actor)
    checked = await check_local(db, team_id, values)
    entry = LocalEntry(
        team_id=team_id,
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


async def entry_for(db: AsyncSession, actor: Actor, entry_id: UUID) -> LocalEntry:
    """One of the actor's team's entries, for a team admin to change or remove. Another team's entry
    reads exactly like one that does not exist: NotFound (404), for workers of any team too."""
    entry = await db.get(LocalEntry, entry_id)
    if entry is None or not may_add_local(actor) or entry.team_id != actor.team_id:
        raise NotFound(_("There is no local glossary entry of your team at this address."))
    return entry


async def change_local(
    db: AsyncSession, actor: Actor, entry: LocalEntry, values: Mapping[str, Any]
) -> LocalEntry:
    """Save new words for one of the team's entries (got through entry_for); audited."""
    checked = await check_local(db, entry.team_id, values, entry)
    for name in ("locale", "term", "aliases", "definition", "for_you", "stages"):
        setattr(entry, name, checked[name])
    entry.source = checked.get("source") or ""
    await db.flush()
    audit.record(db, "glossary.local_changed", actor, target=entry)
    return entry


async def remove_local(db: AsyncSession, actor: Actor, entry: LocalEntry) -> None:
    """Delete one of the team's entries (got through entry_for), after the admin confirmed it; audited."""
    audit.record(db, "glossary.local_removed", actor, target=entry)
    await db.delete(entry)
    await db.flush()
