"""The search results page, /search?q=..., reached from the search box in every page's header."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import User
from courtjourney.cases.panels import CHOICES
from courtjourney.errors import InputError
from courtjourney.i18n import gettext as _
from courtjourney.search import services


class SearchPages(Controller):
    include_in_schema = False

    @get("/search", name="search")
    async def search(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, q: str | None = None
    ) -> Template:
        errors: dict[str, str] = {}
        results: services.Results | None = None
        if q is not None:
            try:
                results = await services.search(db_session, actor, q)
            except InputError as refused:
                errors = refused.errors
        return Template(
            template_name="search.html",
            context={
                "user": request.user,
                "title": _("Find a case"),
                "nav": "search",
                "errors": errors,
                "values": {"q": " ".join((q or "").split())[: services.MAX_QUERY * 2]},
                "results": results,
                "relationship": CHOICES["relationship"],
                "limit": services.LIMIT,
            },
            status_code=400 if errors else 200,
        )
