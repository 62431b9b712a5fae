"""The search JSON API: GET /api/search?q=... Thin: call the service, answer."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.search import services
from courtjourney.web.schemas import Out


class SearchPersonOut(Out):
    name: str
    family_member_id: UUID | None  # empty for the child
    relationship_to_child: str | None  # empty for the child


class SearchResultOut(Out):
    case_id: UUID
    reference: str
    child_name: str
    by_reference: bool
    matched: list[SearchPersonOut]


class SearchOut(Out):
    results: list[SearchResultOut]
    more: bool


class SearchApi(Controller):
    path = "/api/search"
    tags = ["Search"]

    @get(
        "/",
        summary="Find cases by reference or by the name of the child or a family member",
        description=(
            "Every word of `q` must match the start of a word of one person's name (the child's or one "
            "family member's) or of the case reference; accents and capitals are ignored. Only cases you "
            "may see are searched: a case you may not see is never found. At most 50 cases, in reference "
            "order; `more` says there were more. An empty search, one of a single letter, or one over "
            "100 characters is refused with 400."
        ),
    )
    async def search(
        self,
        db_session: AsyncSession,
        actor: Actor,
        q: str = Parameter(description="A name, part of a name, or a case reference", default=""),
    ) -> SearchOut:
        results = await services.search(db_session, actor, q)
        return SearchOut(
            results=[
                SearchResultOut(
                    case_id=f.case.id,
                    reference=f.case.reference,
                    child_name=f.case.child_name,
                    by_reference=f.by_reference,
                    matched=[
                        SearchPersonOut(
                            name=p.name,
                            family_member_id=p.member.id if p.member else None,
                            relationship_to_child=p.member.relationship_to_child if p.member else None,
                        )
                        for p in f.people
                    ],
                )
                for f in results.found
            ],
            more=results.more,
        )
