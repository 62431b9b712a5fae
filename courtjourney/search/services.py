"""Finding cases by reference or by a person's name, among the cases the searcher may see.

The names are looked up in the keyed index (cases/search_index.py), never read in bulk; the cases found
go through `visible_cases` like every other list, so a case someone may not see is never found, and
"no match" reads the same whether or not it exists. What was typed is never stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.cases import search_index
from courtjourney.cases.access import visible_cases
from courtjourney.cases.models import Case, FamilyMember, SearchToken
from courtjourney.errors import InputError
from courtjourney.i18n import gettext as _

#: Longest search taken, in characters (a full name and a reference fit many times over).
MAX_QUERY = 100
#: Most cases shown for one search; past this the searcher is asked for more letters.
LIMIT = 50


@dataclass(frozen=True)
class Person:
    """Someone on a found case whose name matched: the child (no member) or a family member."""

    name: str
    member: FamilyMember | None = None


@dataclass
class Found:
    case: Case
    by_reference: bool = False
    people: list[Person] = field(default_factory=list)


@dataclass
class Results:
    found: list[Found]
    more: bool  # more cases matched than are shown


def read_query(query: str | None) -> tuple[str, dict[str, str]]:
    """A search as typed, tidied, and what is wrong with it in plain words (nothing when it can be searched)."""
    q = " ".join((query or "").split())
    if not q:
        return q, {"q": _("Enter a name or a case reference to search for.")}
    if len(q) > MAX_QUERY:
        return q, {"q": _("Search for %(limit)d characters or fewer.") % {"limit": MAX_QUERY}}
    if not search_index.query_hashes(q):
        return q, {"q": _("Enter at least two letters or numbers of a name or a case reference.")}
    return q, {}


async def search(db: AsyncSession, actor: Actor, query: str | None) -> Results:
    """The cases `actor` may see with the reference or a person matching every word of `query`, by reference.

    Raises InputError for an empty, too short or too long search. Audited as one "case.searched" event
    (without what was typed) and a "case.listed" event for each case shown."""
    q, errors = read_query(query)
    if errors:
        raise InputError(errors)
    hashes = search_index.query_hashes(q)
    # The index is read only for the cases the searcher may see: the work follows their caseload, not the
    # size of the service (a first name is shared by one person in thirty across 100,000 cases).
    mine = visible_cases(actor).with_only_columns(Case.id)
    people = search_index.people_found(hashes).where(SearchToken.case_id.in_(mine))
    cases = list(
        await db.scalars(
            visible_cases(actor).where(Case.id.in_(people)).order_by(Case.reference).limit(LIMIT + 1)
        )
    )
    more = len(cases) > LIMIT
    cases = cases[:LIMIT]
    members: dict[object, list[FamilyMember]] = {}
    if cases:
        for m in await db.scalars(
            select(FamilyMember)
            .where(FamilyMember.case_id.in_([c.id for c in cases]))
            .order_by(FamilyMember.created_at)
        ):
            members.setdefault(m.case_id, []).append(m)
    found = []
    for case in cases:
        hit = Found(case, by_reference=search_index.matches(q, case.reference))
        if search_index.matches(q, case.child_name, case.reference) and not hit.by_reference:
            hit.people.append(Person(case.child_name))
        hit.people.extend(
            Person(m.name, m) for m in members.get(case.id, []) if search_index.matches(q, m.name)
        )
        found.append(hit)
    audit.record(db, "case.searched", actor)
    await audit.record_listed(db, actor, (c.id for c in cases))
    return Results(found, more)
