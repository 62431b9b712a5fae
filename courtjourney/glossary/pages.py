"""The glossary pages: public (no sign-in: they hold no personal data) in English and Welsh, and the
team admin's page for local entries (signed in)."""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import User
from courtjourney.documents.engine import DOCX_MEDIA_TYPE
from courtjourney.errors import InputError
from courtjourney.glossary import services
from courtjourney.glossary.document import stage_document
from courtjourney.glossary.forms import LOCAL_ENTRY, STAGE_FIELDS, STAGE_HEADINGS, stage_label
from courtjourney.glossary.terms import STAGES, Glossary, Term
from courtjourney.i18n import gettext as _
from courtjourney.i18n import negotiate, set_locale
from courtjourney.web.forms import clean

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
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
            try:
                results = glossary.search(services.check_query(q))
            except InputError as exc:
                errors = exc.errors
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
            raise NotFoundException(_("There is no word at this address in the glossary."))
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
            raise NotFoundException(_("There is no stage of the journey at this address."))
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
            raise NotFoundException(_("There is no stage of the journey at this address."))
        _title, body = stage_document(await services.glossary_for(db_session, locale), stage)
        filename = f"glossary-{stage.replace('_', '-')}-{locale}.docx"
        return Response(
            body,
            media_type=DOCX_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


class LocalEntryPages(Controller):
    """Team admins (admins and managers) add their own entries. Signed in; English for now (staff pages)."""

    path = "/glossary/local"
    include_in_schema = False

    def _form(
        self,
        request: Request[User, Any, Any],
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        return Template(
            template_name="form_page.html",
            context={
                "user": request.user,
                "title": _("Add a local glossary entry"),
                "case": None,
                "fields": (*LOCAL_ENTRY, *STAGE_FIELDS),
                "action": "/glossary/local/new",
                "values": {k: ("" if v is None else v) for k, v in (values or {}).items()},
                "errors": errors or {},
                "options": {},
                "intro": _(
                    "Add a word families meet locally, such as a room in your court. "
                    "It appears on the public glossary. It cannot replace a word that is already there."
                ),
                "submit": _("Add the entry"),
                "breadcrumbs": [("/glossary/local", _("Local glossary entries"))],
                "nav": "",
            },
            status_code=400 if errors else 200,
        )

    @staticmethod
    def _allowed(request: Request[User, Any, Any]) -> None:
        if not services.may_add_local(request.user):
            raise PermissionDeniedException(_("Only admins and managers can add local glossary entries."))

    @get("/")
    async def list_local(
        self, db_session: AsyncSession, request: Request[User, Any, Any], done: str | None = None
    ) -> Template:
        self._allowed(request)
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
    async def new_form(self, request: Request[User, Any, Any]) -> Template:
        self._allowed(request)
        return self._form(request, {"locale": request.user.locale})

    @post("/new")
    async def add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], data: Form
    ) -> Template | Redirect:
        self._allowed(request)
        try:
            values = clean(LOCAL_ENTRY, data)
            values["aliases"] = [a for a in (values.get("aliases") or "").split(",") if a.strip()]
            values["stages"] = [s for s in STAGES if clean(STAGE_FIELDS, data)[f"stage_{s}"]]
            await services.add_local(db_session, request.user, values, connection=request)
        except InputError as exc:
            errors = dict(exc.errors)
            if "stages" in errors:  # the error summary links to the first stage box
                errors[f"stage_{STAGES[0]}"] = errors.pop("stages")
            return self._form(request, data, errors)
        return Redirect("/glossary/local?done=1", status_code=303)
