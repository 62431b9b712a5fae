"""The page kit: a form described once, shown, re-shown with its errors, or saved and left with a 303.

Every part's pages use this; none of them catches InputError itself. A form on a case reads:

    CHANGE = FormPage(N_("Change this hearing"), forms.CHANGE_HEARING, "/hearings/{hearing_id}/change",
                      button=N_("Save the change"))

    @get("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/change")
    async def change_form(self, request, case: Case, hearing: Hearing) -> Template:
        return CHANGE.show(request, case, values=services.form_values(hearing), hearing_id=hearing.id)

    @post("/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/change")
    async def change(self, db_session, request, actor: Actor, case: Case, hearing: Hearing, data: Form):
        return await CHANGE.submit(request, case, data, hearing_id=hearing.id,
                                   save=lambda values: services.change_hearing(db_session, actor, case, hearing, values),
                                   done=hearing_url(hearing, "?done=changed"))

Titles, intros and buttons are N_-marked and translated when the page is drawn, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from courtjourney.errors import InputError
from courtjourney.i18n import gettext as _
from courtjourney.web.forms import Field, clean

#: A form as the browser posts it.
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]

Options = Mapping[str, Sequence[tuple[str, str]]]


class HasId(Protocol):
    """A case, as the kit needs it: its id and reference (no import of the cases part)."""

    @property
    def id(self) -> Any: ...

    @property
    def reference(self) -> str: ...


def case_url(case: HasId, rest: str = "") -> str:
    return f"/cases/{case.id}{rest}"


def saved(target: str, anchor: str) -> str:
    """Where a saved form goes: `target` with the "Saved" notice, scrolled to the part that changed."""
    return f"{target}?done={anchor}#{anchor}"


def form_page(
    request: Request[Any, Any, Any],
    *,
    case: HasId | None,
    title: str,
    fields: Sequence[Field],
    action: str,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    options: Options | None = None,
    intro: str = "",
    submit: str = "",
    template: str = "form_page.html",
    extra: Mapping[str, Any] | None = None,
) -> Template:
    """One form on its own page (titles already translated). With errors, answered 400 with the error summary."""
    breadcrumbs = [("/", _("My caseload"))]
    if case is not None:
        breadcrumbs.append((case_url(case), case.reference))
    return Template(
        template_name=template,
        context={
            "user": request.scope.get("user"),  # none on a page before sign-in (the login form)
            "title": title,
            "case": case,
            "fields": fields,
            "action": action,
            "values": {k: ("" if v is None else v) for k, v in (values or {}).items()},
            "errors": errors or {},
            "options": options or {},
            "intro": intro,
            "submit": submit or _("Save"),
            "breadcrumbs": breadcrumbs,
            "nav": "new_case" if case is None else "",
            **(extra or {}),
        },
        status_code=400 if errors else 200,
    )


@dataclass(frozen=True)
class FormPage:
    """A form described once: its title, fields and address, the words around it and where it goes when saved.

    `action` is the address under the case (or the whole address for a form on no case), with
    `{name}` parts filled in from the keyword arguments of `show` and `submit`.
    """

    title: str
    fields: Sequence[Field]
    action: str
    intro: str = ""
    button: str = ""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    template: str = "form_page.html"
    #: An error the service names by a field this form draws as several (a set of boxes), shown at one of them.
    errors_at: Mapping[str, str] = field(default_factory=dict)

    def url(self, case: HasId | None, **ids: Any) -> str:
        path = self.action.format(**ids)
        return case_url(case, path) if case is not None else path

    def show(
        self,
        request: Request[Any, Any, Any],
        case: HasId | None,
        *,
        values: Mapping[str, Any] | None = None,
        errors: Mapping[str, str] | None = None,
        fields: Sequence[Field] | None = None,
        options: Options | None = None,
        intro: str | None = None,
        extra: Mapping[str, Any] | None = None,
        **ids: Any,
    ) -> Template:
        """The form, filled with `values` (the defaults when none are given)."""
        return form_page(
            request,
            case=case,
            title=_(self.title),
            fields=self.fields if fields is None else fields,
            action=self.url(case, **ids),
            values=self.defaults if values is None else values,
            errors=errors,
            options=options,
            intro=_(self.intro) if intro is None and self.intro else (intro or ""),
            submit=_(self.button) if self.button else "",
            template=self.template,
            extra=extra,
        )

    async def submit(
        self,
        request: Request[Any, Any, Any],
        case: HasId | None,
        data: Mapping[str, Any],
        *,
        save: Callable[[dict[str, Any]], Awaitable[Any]],
        done: str | Callable[[Any], str] = "",
        answer: Callable[[Any], Awaitable[Template | Redirect]] | None = None,
        fields: Sequence[Field] | None = None,
        options: Options | None = None,
        intro: str | None = None,
        prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
        extra: Mapping[str, Any] | Callable[[], Awaitable[Mapping[str, Any]]] | None = None,
        **ids: Any,
    ) -> Template | Redirect:
        """Clean what was posted and save it; on bad input show the form again with every error and change
        nothing (services raise InputError before they write); else 303 to `done` (or `done(saved thing)`).

        `answer`, given instead of `done`, makes the answer from what was saved: for what is shown only once
        (a new link), which a redirect would lose, or a redirect that sets or clears a cookie.

        `extra` (what else the page shows) may be an async function: it is then called only when the form
        is shown again, so a successful save never pays for a page it does not draw."""
        use = self.fields if fields is None else fields
        try:
            result = await save(clean(use, prepare(data) if prepare else data))
        except InputError as exc:
            errors = dict(exc.errors)
            for name, shown_at in self.errors_at.items():
                if name in errors:
                    errors[shown_at] = errors.pop(name)
            return self.show(
                request,
                case,
                values=data,
                errors=errors,
                fields=use,
                options=options,
                intro=intro,
                extra=await extra() if callable(extra) else extra,
                **ids,
            )
        if answer is not None:
            return await answer(result)
        return Redirect(done(result) if callable(done) else done, status_code=303)
