"""Security headers on every response: pages, API, feeds, downloads, static files and every error.

No inline script anywhere, so the Content-Security-Policy can forbid it outright. Feed and
download addresses carry secrets, so no page ever sends a Referer. Written as the app's
`before_send` hook, which Litestar runs on the outermost `send`: route middleware and
after_request hooks miss answers made outside the route (Litestar's CSRF refusals, unknown
addresses, 405s), and tests/test_headers.py found the CSRF 403 going out bare.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from courtjourney.settings import get_settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


async def security_headers(message: Message, scope: Scope) -> None:
    if scope["type"] != "http" or message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    if not scope["path"].startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")
    if scope.get("scheme") == "https":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if get_settings().secure_cookies != "false":
            _secure_cookies(headers)


def _secure_cookies(headers: MutableScopeHeaders) -> None:
    """Over https, every cookie is Secure. Litestar's CSRF middleware sets its cookie with one fixed
    `cookie_secure`, so in the default `auto` mode (Secure exactly when the request came by https) its
    cookie went out without Secure; the session cookie decides per request already (accounts/routes.py)."""
    cookies = headers.getall("set-cookie", [])
    if not cookies or all(_is_secure(c) for c in cookies):
        return
    del headers["set-cookie"]
    for cookie in cookies:
        headers.add("set-cookie", cookie if _is_secure(cookie) else f"{cookie}; Secure")


def _is_secure(cookie: str) -> bool:
    return any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])
