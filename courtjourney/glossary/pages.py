"""The glossary pages: public (no sign-in: they hold no personal data) in English and Welsh, and the
team admin's page for local entries (signed in)."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlencode

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
from courtjourney.glossary.terms import STAGES, Glossary, Term
from courtjourney.i18n import N_, negotiate, set_locale
from courtjourney.i18n import gettext as _
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


def glossary_url(locale: str, path: str = "/glossary", **params: str) -> str:
    """Links carry the language, so a page opened in Welsh stays in Welsh however it is shared."""
    return f"{path}?{urlencode({**{k: v for k, v in params.items() if v}, 'lang': locale})}"


def term_url(term: Term, locale: str) -> str:
    return glossary_url(locale, f"/glossary/{term.id}")


def stage_url(stage: str, locale: str, suffix: str = "") -> str:
    return glossary_url(locale, f"/glossary/stage/{stage}{suffix}")


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
    glossary: Glossary, request: Request[Any, Any, Any], title: str, **extra: Any
) -> dict[str, Any]:
    locale = glossary.locale
    other = "cy" if locale == "en" else "en"
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    return {
        "title": title,
        "user": None,
        "glossary": glossary,
        "locale": locale,
        "switch": {
            "href": f"{request.url.path}?{urlencode({**query, 'lang': other})}",
            "lang": other,
            "label": LANGUAGE_NAMES[other],
        },
        "term_url": lambda t: term_url(t, locale),
        "stage_url": lambda s, suffix="": stage_url(s, locale, suffix),
        "stage_label": lambda s: _(stage_label(s)),
        "stage_heading": lambda s: _(STAGE_HEADINGS[s]),
        "stages": STAGES,
        "notes": lambda t: term_notes(glossary, t),
        "index_url": glossary_url(locale),
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
    ) -> Template:
        locale = reader_locale(request, lang)
        glossary = await services.glossary_for(db_session, locale)
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
        self, db_session: AsyncSession, request: Request[Any, Any, Any], term_id: str, lang: str | None = None
    ) -> Template:
        locale = reader_locale(request, lang)
        glossary = await services.glossary_for(db_session, locale)
        term = glossary.get(term_id)
        if term is None:
            raise NotFound(_("There is no word at this address in the glossary."))
        return Template(
            template_name="glossary_term.html",
            context=page_context(glossary, request, term.term, term=term, related=glossary.related(term)),
        )

    @get("/stage/{stage:str}", opt=PUBLIC)
    async def stage(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], stage: str, lang: str | None = None
    ) -> Template:
        locale = reader_locale(request, lang)
        if stage not in STAGES:
            raise NotFound(_("There is no stage of the journey at this address."))
        glossary = await services.glossary_for(db_session, locale)
        return Template(
            template_name="glossary_stage.html",
            context=page_context(
                glossary, request, _(STAGE_HEADINGS[stage]), stage=stage, terms=glossary.for_stage(stage)
            ),
        )

    @get("/stage/{stage:str}/document", opt=PUBLIC)
    async def stage_document(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], stage: str, lang: str | None = None
    ) -> Response[bytes]:
        locale = reader_locale(request, lang)
        if stage not in STAGES:
            raise NotFound(_("There is no stage of the journey at this address."))
        _title, body = stage_document(await services.glossary_for(db_session, locale), stage)
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
        "It appears on the public glossary. It cannot replace a word that is already there."
    ),
    button=N_("Add the entry"),
    errors_at={"stages": f"stage_{STAGES[0]}"},  # the error summary links to the first stage box
)


def local_entry_values(values: dict[str, Any]) -> dict[str, Any]:
    """The form's answers as the service takes them: other names split at commas, the stages ticked."""
    entry = {f.name: values[f.name] for f in LOCAL_ENTRY}
    entry["aliases"] = [a for a in (values.get("aliases") or "").split(",") if a.strip()]
    entry["stages"] = [s for s in STAGES if values[f"stage_{s}"]]
    return entry


class LocalEntryPages(Controller):
    """Team admins (admins and managers) add their own entries. Signed in; English for now (staff pages)."""

    path = "/glossary/local"
    include_in_schema = False

    @staticmethod
    def _allowed(actor: Actor) -> None:
        if not services.may_add_local(actor):
            raise PermissionDeniedException(_("Only admins and managers can add local glossary entries."))

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
        return Template(
            template_name="glossary_local.html",
            context={
                "user": request.user,
                "title": _("Local glossary entries"),
                "entries": await services.local_entries(db_session),
                "stage_label": lambda s: _(stage_label(s)) if s in STAGES else s,
                "flash": _("Saved.") if done else "",
            },
        )

    @get("/new")
    async def new_form(self, request: Request[User, Any, Any], actor: Actor) -> Template:
        self._allowed(actor)
        return NEW_LOCAL_ENTRY.show(
            request, None, values={"locale": request.user.locale}, extra=self._around()
        )

    @post("/new")
    async def add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        self._allowed(actor)
        return await NEW_LOCAL_ENTRY.submit(
            request,
            None,
            data,
            save=lambda values: services.add_local(db_session, actor, local_entry_values(values)),
            done="/glossary/local?done=1",
            extra=self._around(),
        )
