"""The glossary pages: public (no sign-in: they hold no personal data) in English and Welsh, and the
team admin's page for local entries (signed in)."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.documents.engine import DOCX_MEDIA_TYPE
from courtjourney.errors import NotFound
from courtjourney.glossary import services
from courtjourney.glossary.document import stage_document
from courtjourney.glossary.forms import LOCAL_ENTRY, STAGE_FIELDS, STAGE_HEADINGS, stage_label
from courtjourney.glossary.models import LocalEntry
from courtjourney.glossary.terms import MAX_ENTRIES, STAGES, Glossary, Term
from courtjourney.i18n import N_, negotiate, set_locale
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings
from courtjourney.web.downloads import attachment
from courtjourney.web.pages import Form, FormPage

PUBLIC = {"exclude_from_auth": True}
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def reader_locale(request: Request[Any, Any, Any], lang: str | None) -> str:
    """?lang= when given (400 if it is not en or cy), else the browser's Accept-Language, else English.

    These pages skip sign-in, so there is no user setting to read; the choice is set for the request.
    """
    chosen = services.check_locale(lang) or negotiate(request.headers.get("accept-language"))
    set_locale(chosen)
    return chosen


def reader_team(team: str | None) -> tuple[UUID | None, str]:
    """The team whose own entries the reader sees, from the page's `team=` key (services.team_key), and
    the key to carry on in links; (None, "") for no key or one we did not make: national words only."""
    team_id = services.team_from_key(team)
    return (team_id, team or "") if team_id is not None else (None, "")


def glossary_url(locale: str, path: str = "/glossary", team: str = "", **params: str) -> str:
    """Links carry the language, so a page opened in Welsh stays in Welsh however it is shared, and the
    team's key, so a family reading their team's words keeps seeing them."""
    return f"{path}?{urlencode({**{k: v for k, v in params.items() if v}, 'lang': locale, **({'team': team} if team else {})})}"


def term_url(term: Term, locale: str, team: str = "") -> str:
    return glossary_url(locale, f"/glossary/{term.id}", team)


def stage_url(stage: str, locale: str, suffix: str = "", team: str = "") -> str:
    return glossary_url(locale, f"/glossary/stage/{stage}{suffix}", team)


def family_glossary_url(team_id: UUID, locale: str) -> str:
    """The glossary as the families of `team_id` see it (their team's entries too), for links we give them."""
    return glossary_url(locale if locale in LANGUAGE_NAMES else "en", team=services.team_key(team_id))


def term_notes(glossary: Glossary, term: Term) -> list[str]:
    """What a reader should know about where this text comes from, in the reader's language."""
    notes = []
    if glossary.is_fallback(term):
        notes.append(
            _("This explanation is only in English for now.")
            if term.locale == "en"
            else _("This explanation is only in Welsh for now.")
        )
    elif term.locale == "cy" and not term.reviewed:
        notes.append(_("A fluent Welsh speaker has not yet checked this Welsh text."))
    if term.local:
        notes.append(_("This entry was added by your local support service."))
    return notes


def page_context(
    glossary: Glossary, request: Request[Any, Any, Any], title: str, team: str = "", **extra: Any
) -> dict[str, Any]:
    locale = glossary.locale
    other = "cy" if locale == "en" else "en"
    # The switch keeps what was asked, but the team only as a key we made (reader_team), never as sent.
    query = {k: v for k, v in request.query_params.items() if k not in ("lang", "team")}
    return {
        "title": title,
        "user": None,
        "glossary": glossary,
        "locale": locale,
        "switch": {
            "href": f"{request.url.path}?{urlencode({**query, 'lang': other, **({'team': team} if team else {})})}",
            "lang": other,
            "label": LANGUAGE_NAMES[other],
        },
        "term_url": lambda t: term_url(t, locale, team),
        "stage_url": lambda s, suffix="": stage_url(s, locale, suffix, team),
        "stage_label": lambda s: _(stage_label(s)),
        "stage_heading": lambda s: _(STAGE_HEADINGS[s]),
        "stages": STAGES,
        "notes": lambda t: term_notes(glossary, t),
        "index_url": glossary_url(locale, team=team),
        "team": team,
        "errors": {},
        "values": {},
        **extra,
    }


def _initial(term: Term) -> str:
    first = term.term[:1].upper()
    return first if first.isalpha() else "#"


class GlossaryPages(Controller):
    path = "/glossary"
    include_in_schema = False

    @get("/", opt=PUBLIC, name="glossary")
    async def index(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        q: str | None = None,
        lang: str | None = None,
        team: str | None = None,
    ) -> Template:
        locale = reader_locale(request, lang)
        team_id, key = reader_team(team)
        glossary = await services.glossary_for(db_session, locale, team_id)
        errors: dict[str, str] = {}
        results: list[Term] | None = None
        if q is not None:
            query, errors = services.read_query(q)
            if not errors:
                results = glossary.search(query)
        letters = [(letter, list(terms)) for letter, terms in groupby(glossary.terms, key=_initial)]
        return Template(
            template_name="glossary_index.html",
            context=page_context(
                glossary,
                request,
                _("Words you may hear in court"),
                key,
                errors=errors,
                values={"q": q or ""},
                results=results,
                letters=letters,
                query=q or "",
            ),
            status_code=400 if errors else 200,
        )

    @get("/{term_id:str}", opt=PUBLIC)
    async def term(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        term_id: str,
        lang: str | None = None,
        team: str | None = None,
    ) -> Template:
        locale = reader_locale(request, lang)
        team_id, key = reader_team(team)
        glossary = await services.glossary_for(db_session, locale, team_id)
        term = glossary.get(term_id)
        if term is None:
            raise NotFound(_("There is no word at this address in the glossary."))
        return Template(
            template_name="glossary_term.html",
            context=page_context(
                glossary, request, term.term, key, term=term, related=glossary.related(term)
            ),
        )

    @get("/stage/{stage:str}", opt=PUBLIC)
    async def stage(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        stage: str,
        lang: str | None = None,
        team: str | None = None,
    ) -> Template:
        locale = reader_locale(request, lang)
        if stage not in STAGES:
            raise NotFound(_("There is no stage of the journey at this address."))
        team_id, key = reader_team(team)
        glossary = await services.glossary_for(db_session, locale, team_id)
        return Template(
            template_name="glossary_stage.html",
            context=page_context(
                glossary, request, _(STAGE_HEADINGS[stage]), key, stage=stage, terms=glossary.for_stage(stage)
            ),
        )

    @get("/stage/{stage:str}/document", opt=PUBLIC)
    async def stage_document(
        self,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        stage: str,
        lang: str | None = None,
        team: str | None = None,
    ) -> Response[bytes]:
        locale = reader_locale(request, lang)
        if stage not in STAGES:
            raise NotFound(_("There is no stage of the journey at this address."))
        team_id, _key = reader_team(team)
        _title, body = stage_document(await services.glossary_for(db_session, locale, team_id), stage)
        filename = f"glossary-{stage.replace('_', '-')}-{locale}.docx"
        return Response(
            body,
            media_type=DOCX_MEDIA_TYPE,
            headers={"Content-Disposition": attachment(filename)},
        )


NEW_LOCAL_ENTRY = FormPage(
    N_("Add a local glossary entry"),
    (*LOCAL_ENTRY, *STAGE_FIELDS),
    "/glossary/local/new",
    intro=N_(
        "Add a word families meet locally, such as a room in your court. "
        "Only your team's families see it on the glossary. It cannot replace a word that is already there."
    ),
    button=N_("Add the entry"),
    errors_at={"stages": f"stage_{STAGES[0]}"},  # the error summary links to the first stage box
)
CHANGE_LOCAL_ENTRY = FormPage(
    N_("Change a local glossary entry"),
    (*LOCAL_ENTRY, *STAGE_FIELDS),
    "/glossary/local/{entry_id}/change",
    intro=N_("Only your team's families see this entry on the glossary."),
    button=N_("Save the change"),
    errors_at={"stages": f"stage_{STAGES[0]}"},
)


def local_entry_values(values: dict[str, Any]) -> dict[str, Any]:
    """The form's answers as the service takes them: other names split at commas, the stages ticked."""
    entry = {f.name: values[f.name] for f in LOCAL_ENTRY}
    entry["aliases"] = [a for a in (values.get("aliases") or "").split(",") if a.strip()]
    entry["stages"] = [s for s in STAGES if values[f"stage_{s}"]]
    return entry


def local_entry_form(entry: LocalEntry) -> dict[str, Any]:
    """An entry as the form shows it, to change it."""
    return {
        "locale": entry.locale,
        "term": entry.term,
        "aliases": ", ".join(entry.aliases or ()),
        "definition": entry.definition,
        "for_you": entry.for_you,
        "source": entry.source or "",
        **{f"stage_{s}": s in (entry.stages or ()) for s in STAGES},
    }


DONE = {"added": N_("Entry added."), "changed": N_("Entry changed."), "removed": N_("Entry removed.")}


class LocalEntryPages(Controller):
    """Team admins (a team's manager, or an admin in the team) look after their team's own entries.
    Signed in; English for now (staff pages). Another team's entry is 404, as if it did not exist."""

    path = "/glossary/local"
    include_in_schema = False

    @staticmethod
    def _allowed(actor: Actor) -> None:
        if not services.may_add_local(actor):
            raise PermissionDeniedException(_("Only admins and managers can add local glossary entries."))

    @staticmethod
    def _in_a_team(actor: Actor) -> None:
        if actor.team_id is None:
            raise PermissionDeniedException(
                _(
                    "Local entries belong to a team, and only that team's families see them. "
                    "Your account is not in a team, so you cannot add one."
                )
            )

    @staticmethod
    def _around() -> dict[str, Any]:
        """The form is a team admin's, on no case: its way back is the list of local entries."""
        return {"breadcrumbs": [("/glossary/local", _("Local glossary entries"))], "nav": ""}

    @get("/")
    async def list_local(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        done: str | None = None,
    ) -> Template:
        self._allowed(actor)
        entries = await services.local_entries(db_session, actor.team_id)
        key = services.team_key(actor.team_id) if actor.team_id is not None else ""
        return Template(
            template_name="glossary_local.html",
            context={
                "user": request.user,
                "title": _("Local glossary entries"),
                "entries": entries,
                "entry_url": lambda e: glossary_url(e.locale, f"/glossary/local-{e.id}", key) if key else "",
                "families_url": f"{get_settings().link_base}{glossary_url(request.user.locale, team=key)}"
                if key
                else "",
                "counts": {
                    name: sum(1 for e in entries if e.locale == locale)
                    for locale, name in LANGUAGE_NAMES.items()
                },
                "limit": MAX_ENTRIES,
                "stage_label": lambda s: _(stage_label(s)) if s in STAGES else s,
                "flash": _(DONE[done]) if done in DONE else (_("Saved.") if done else ""),
            },
        )

    @get("/new")
    async def new_form(self, request: Request[User, Any, Any], actor: Actor) -> Template:
        self._allowed(actor)
        self._in_a_team(actor)
        return NEW_LOCAL_ENTRY.show(
            request, None, values={"locale": request.user.locale}, extra=self._around()
        )

    @post("/new")
    async def add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        self._allowed(actor)
        self._in_a_team(actor)
        return await NEW_LOCAL_ENTRY.submit(
            request,
            None,
            data,
            save=lambda values: services.add_local(db_session, actor, local_entry_values(values)),
            done="/glossary/local?done=added",
            extra=self._around(),
        )

    @get("/{entry_id:uuid}/change")
    async def change_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, entry_id: UUID
    ) -> Template:
        entry = await services.entry_for(db_session, actor, entry_id)
        return CHANGE_LOCAL_ENTRY.show(
            request, None, values=local_entry_form(entry), extra=self._around(), entry_id=entry.id
        )

    @post("/{entry_id:uuid}/change")
    async def change(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        entry_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        entry = await services.entry_for(db_session, actor, entry_id)
        return await CHANGE_LOCAL_ENTRY.submit(
            request,
            None,
            data,
            save=lambda values: services.change_local(db_session, actor, entry, local_entry_values(values)),
            done="/glossary/local?done=changed",
            extra=self._around(),
            entry_id=entry.id,
        )

    @get("/{entry_id:uuid}/remove")
    async def remove_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, entry_id: UUID
    ) -> Template:
        """Asks first: a removed entry is gone for every family of the team."""
        entry = await services.entry_for(db_session, actor, entry_id)
        return Template(
            template_name="glossary_local_remove.html",
            context={
                "user": request.user,
                "title": _("Remove “%(term)s” from your team's glossary?") % {"term": entry.term},
                "entry": entry,
                **self._around(),
            },
        )

    @post("/{entry_id:uuid}/remove")
    async def remove(self, db_session: AsyncSession, actor: Actor, entry_id: UUID) -> Redirect:
        entry = await services.entry_for(db_session, actor, entry_id)
        await services.remove_local(db_session, actor, entry)
        return Redirect("/glossary/local?done=removed", status_code=303)
