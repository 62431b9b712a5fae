"""Turning errors into answers: plain-English JSON for /api/, pages for people. Never a traceback."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect, Template
from litestar.routes import HTTPRoute
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from courtjourney.errors import InputError, NotFound
from courtjourney.i18n import gettext as _
from courtjourney.web.paths import is_api

if TYPE_CHECKING:
    from litestar import Litestar

log = logging.getLogger("courtjourney")

_TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "bool": "true or false",
    "date": "a date like 2026-03-02",
    "datetime": "a date and time like 2026-03-02T10:00:00Z",
    "uuid": "an id like 0190c1f2-…",
    "object": "an object",
    "array": "a list",
    "null": "empty",
}


def _plain(message: str) -> str:
    """Rewrite a msgspec message ("Expected `str`, got `int`") in plain English."""
    m = re.match(r"Expected `([^`]+)`, got `([^`]+)`", message)
    if m:
        wanted = " or ".join(_TYPE_WORDS.get(part.strip(), part.strip()) for part in m.group(1).split("|"))
        return f"must be {wanted}."
    m = re.match(r"Object missing required field `([^`]+)`", message)
    if m:
        return "is required."
    m = re.match(r"Object contains unknown field `([^`]+)`", message)
    if m:
        return "is not a field we know."
    if "Invalid enum value" in message:
        return "must be one of the listed values."
    if "Invalid" in message and "date" in message:
        return "must be a date like 2026-03-02."
    if "Invalid UUID" in message or "uuid" in message.lower():
        return "must be an id like 0190c1f2-0000-7000-8000-000000000000."
    if "length" in message.lower():
        return "is too long or too short."
    return "is not valid."


def _validation_errors(exc: ValidationException) -> dict[str, str]:
    errors: dict[str, str] = {}
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", ""))
        key = str(item.get("key") or "")
        m = re.search(r" - at `\$\.?([^`]*)`", message)
        if m and m.group(1):
            key = m.group(1)
        message = message.split(" - at `")[0]
        named = re.match(r"Object (?:contains unknown|missing required) field `([^`]+)`", message)
        if named:
            key = f"{key}.{named.group(1)}" if key and key != "data" else named.group(1)
        if key == "data":
            key = "body"
            if message == "'data'":  # Litestar found no body at all
                errors["body"] = "There is no request body. Send a JSON object."
                continue
        errors[key or "body"] = _plain(message)
    if not errors:
        detail = str(exc.detail or "")
        if "decode" in detail.lower() or "json" in detail.lower() or "malformed" in detail.lower():
            errors["body"] = "The request body is not valid JSON."
        else:
            errors["body"] = "The request could not be read."
    return errors


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return is_api(request.url.path) or request.url.path.startswith("/schema")


def _json(
    status: int, detail: str, errors: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> Response[Any]:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)


def _page(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    message: str,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    return Template(
        headers=headers,
        template_name="error.html",
        context={
            "title": title,
            "message": message,
            "errors": errors or {},
            "user": request.scope.get("user"),
        },
        status_code=status,
    )


def input_error_handler(request: Request[Any, Any, Any], exc: InputError) -> Response[Any]:
    if _wants_json(request):
        return _json(HTTP_400_BAD_REQUEST, "Some of what you sent needs fixing.", exc.errors)
    return _page(
        request,
        HTTP_400_BAD_REQUEST,
        _("Check what you entered"),
        _("Some of what you sent needs fixing."),
        exc.errors,
    )


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = _validation_errors(exc)
    if _wants_json(request):
        return _json(HTTP_400_BAD_REQUEST, "Some of what you sent needs fixing.", errors)
    return _page(
        request,
        HTTP_400_BAD_REQUEST,
        _("Check what you entered"),
        _("Some of what you sent needs fixing."),
        errors,
    )


def not_authorized_handler(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if _wants_json(request):
        return _json(401, str(exc.detail), headers={"WWW-Authenticate": "Bearer"})
    target = request.url.path
    # A search's query string holds a name: it is not carried through the sign-in page's address (and logs).
    if request.url.query and target.rstrip("/") != "/search":
        target += "?" + request.url.query
    return Redirect(f"/login?next={quote(target, safe='')}", status_code=303)


def not_found_handler(request: Request[Any, Any, Any], exc: NotFoundException | NotFound) -> Response[Any]:
    """Our own NotFound (and CaseNotFound), and Litestar's for an address no route answers: one answer."""
    if isinstance(exc, NotFound):
        detail = exc.message
    else:
        detail = (
            str(exc.detail)
            if exc.detail and exc.detail != "Not Found"
            else "Nothing was found at this address."
        )
    if _wants_json(request):
        return _json(HTTP_404_NOT_FOUND, detail)
    return _page(request, HTTP_404_NOT_FOUND, _("Page not found"), _(detail))


def permission_handler(request: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    detail = str(exc.detail or "")
    if "csrf" in detail.lower():
        message = "This form had expired or came from another site, so nothing was saved. Go back, reload the page and try again."
    else:
        message = detail or "You cannot do this."
    if _wants_json(request):
        return _json(403, message)
    return _page(request, 403, _("Nothing was saved"), _(message))


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    plain = {
        405: "This address does not accept that kind of request.",
        413: "What you sent is too large.",
        415: "Send the body as JSON (Content-Type: application/json).",
        429: "Too many requests. Please wait a little and try again.",
    }
    detail = plain.get(status) or str(exc.detail or "The request could not be handled.")
    errors = None
    if status == HTTP_400_BAD_REQUEST:
        # Bodies that fail before validation (not JSON at all, or not an object).
        errors = {
            "body": "The request body is not valid JSON."
            if "json" in detail.lower() or "decode" in detail.lower()
            else "The request body could not be read."
        }
        detail = "Some of what you sent needs fixing."
    if _wants_json(request):
        return _json(status, detail, errors, headers=exc.headers)
    return _page(request, status, _("Something needs attention"), _(detail), headers=exc.headers)


def server_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # Ids and the route only: never request bodies, names or tokens.
    log.exception("unhandled error on %s %s", request.method, request.scope.get("path_template", "?"))
    detail = "Something went wrong on our side. Nothing was saved. Please try again."
    if _wants_json(request):
        return _json(HTTP_500_INTERNAL_SERVER_ERROR, detail)
    return _page(request, HTTP_500_INTERNAL_SERVER_ERROR, _("Something went wrong"), _(detail))


exception_handlers: dict[Any, Any] = {
    InputError: input_error_handler,
    ValidationException: validation_handler,
    NotAuthorizedException: not_authorized_handler,
    NotFoundException: not_found_handler,
    NotFound: not_found_handler,
    PermissionDeniedException: permission_handler,
    HTTPException: http_exception_handler,
    Exception: server_error_handler,
}


# --- what the API's OpenAPI description says about these answers ------------------------------


class ErrorOut(msgspec.Struct, omit_defaults=True):
    """Every error the JSON API gives: the status again, a plain-English sentence, and for 400 what
    needs fixing in each field (`errors`: field name -> message)."""

    status_code: int
    detail: str
    errors: dict[str, str] | None = None


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorOut, description=description, generate_examples=False)


API_ERRORS: dict[int, ResponseSpec] = {
    400: _error(
        "Some of what you sent needs fixing: `errors` says what, field by field. Nothing was changed."
    ),
    401: _error("No API token was sent, or it is not valid or has been revoked."),
    403: _error("Your role may not do this."),
    404: _error(
        "Nothing was found at this address, or it belongs to a case you may not see (the two answer alike)."
    ),
    413: _error("What you sent is too large (COURTJOURNEY_MAX_BODY_BYTES)."),
    429: _error("Too many requests: wait for the seconds in Retry-After, then try again."),
}
# What a handler may take without the caller sending anything: these never cause a 400.
_NOT_INPUT = {"self", "request", "db_session", "settings", "state", "scope", "headers", "cookies"}


def document_api_errors(app: Litestar) -> None:
    """Add to every /api/ operation the error answers it can really give, so the OpenAPI description
    (and anything that checks responses against it) lists them: 401 unless public, 404 where the
    path names something, 400 where it takes input, 413 where it reads a body, 429 always.
    403 is left to the handlers that check a role (they pass `responses=` themselves)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            if not isinstance(handler, HTTPRouteHandler) or not handler.resolve_include_in_schema():
                continue
            takes = (
                set(handler.parsed_fn_signature.parameters) - _NOT_INPUT - set(handler.resolve_dependencies())
            ) | set(route.path_parameters)  # an id in the path is input, read by the handler or by `case`
            statuses = {429}
            if not handler.opt.get("exclude_from_auth"):
                statuses.add(401)
            if "{" in route.path:
                statuses.add(404)
            if takes or "{" in route.path:  # a path part is input, even when a dependency reads it
                statuses.add(400)
            if "data" in takes:
                statuses.add(413)
            documented = dict(handler.responses or {})
            for status in statuses:
                documented.setdefault(status, API_ERRORS[status])
            handler.responses = documented
