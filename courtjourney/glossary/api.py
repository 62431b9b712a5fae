"""The glossary JSON API under /api/glossary: public reads (no token: no personal data), and local
entries added by a team admin with their API token."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.errors import InputError, NotFound
from courtjourney.glossary import schemas, services
from courtjourney.glossary.forms import LOCAL_ENTRY
from courtjourney.glossary.pages import reader_locale, reader_team, term_url
from courtjourney.glossary.terms import STAGES, Glossary, Term
from courtjourney.web.errors import API_ERRORS
from courtjourney.web.forms import clean

PUBLIC = {"exclude_from_auth": True}
# An empty requirement: these operations need no token (the document-wide default asks for one).
NO_TOKEN: list[dict[str, list[str]]] = [{}]


def term_out(glossary: Glossary, term: Term, team: str = "") -> schemas.TermOut:
    return schemas.TermOut(
        id=term.id,
        term=term.term,
        aliases=list(term.aliases),
        definition=term.definition,
        for_you=term.for_you,
        stages=list(term.stages),
        related=list(term.related),
        source=term.source,
        locale=term.locale,
        fallback=glossary.is_fallback(term),
        reviewed=term.reviewed,
        needs_checking=term.check,
        local=term.local,
        url=term_url(term, glossary.locale, team),
    )


class GlossaryApi(Controller):
    path = "/api/glossary"
    tags = ["Glossary"]

    @get(
        "/",
        summary="Search the glossary, or list the words of one stage",
        opt=PUBLIC,
        security=NO_TOKEN,
        description="Public: no token needed. `q` searches names, other names and abbreviations in English and "
        "Welsh, forgiving small misspellings. `stage` lists one stage's words. `lang` is en or cy "
        "(default: the Accept-Language header, then en). Welsh answers fall back to English where "
        "there is no Welsh entry yet (`fallback: true`). Local entries are a team's own, for its families: "
        "they are listed only with `team`, the key in the glossary links that team gives its families.",
    )
    async def list_terms(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        q: str | None = None,
        stage: str | None = None,
        lang: str | None = None,
        team: str | None = None,
    ) -> list[schemas.TermOut]:
        locale = reader_locale(request, lang)
        if stage is not None and stage not in STAGES:
            raise InputError({"stage": f"Choose one of: {', '.join(STAGES)}."})
        team_id, key = reader_team(team)
        glossary = await services.glossary_for(db_session, locale, team_id)
        found = glossary.search(services.check_query(q)) if q is not None else list(glossary.terms)
        if stage is not None:
            found = [t for t in found if stage in t.stages]
        return [term_out(glossary, t, key) for t in found]

    @get(
        "/{term_id:str}",
        summary="One word",
        opt=PUBLIC,
        security=NO_TOKEN,
        description="Public: no token needed. 404 when there is no word with this id (a team's local entry "
        "is found only with that team's `team` key).",
    )
    async def get_term(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        term_id: str,
        lang: str | None = None,
        team: str | None = None,
    ) -> schemas.TermOut:
        locale = reader_locale(request, lang)
        team_id, key = reader_team(team)
        glossary = await services.glossary_for(db_session, locale, team_id)
        term = glossary.get(term_id)
        if term is None:
            raise NotFound(f"There is no glossary word with the id {term_id[:80]!r}.")
        return term_out(glossary, term, key)

    @post(
        "/local",
        summary="Add a local entry (team admins)",
        status_code=201,
        responses={403: API_ERRORS[403]},
        description="Admins and managers in a team only: the entry is their team's, seen only by its families. "
        "A local entry never replaces a shipped word: a name already in the glossary, or in another of the "
        "team's entries, is refused with 400, as is a word over 80 characters, an explanation over 600, or "
        "a 201st entry in one language.",
    )
    async def add_local(
        self, db_session: AsyncSession, actor: Actor, data: schemas.LocalEntryIn
    ) -> schemas.TermOut:
        if not services.may_add_local(actor):
            raise PermissionDeniedException("Only admins and managers can add local glossary entries.")
        raw = data.__struct_fields__
        values = clean(LOCAL_ENTRY, {k: getattr(data, k) for k in raw if k not in ("aliases", "stages")})
        values["aliases"] = data.aliases
        values["stages"] = data.stages
        entry = await services.add_local(db_session, actor, values)
        assert entry.team_id is not None  # add_local refuses an actor in no team
        glossary = await services.glossary_for(db_session, entry.locale, entry.team_id)
        term = glossary.get(f"local-{entry.id}")
        assert term is not None
        return term_out(glossary, term, services.team_key(entry.team_id))
