"""Who is asking: a session cookie for pages, a Bearer token for the JSON API under /api/.

The API takes tokens only (no cookies), so a page can never be tricked into calling it with the
signed-in user's cookie; pages take the cookie only, and every form carries a CSRF token.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from courtjourney.accounts import services
from courtjourney.db.engine import SESSIONS_KEY
from courtjourney.i18n import set_locale
from courtjourney.settings import get_settings
from courtjourney.web.paths import is_api

SESSION_COOKIE = "cj_session"
CSRF_COOKIE = "cj_csrf"  # Litestar's CSRF middleware (app.py); renewed at sign-in


class AuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        settings = get_settings()
        maker = connection.app.state[SESSIONS_KEY]
        if is_api(connection.scope["path"]):
            header = connection.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthorizedException("Send an API token as 'Authorization: Bearer cjapi_...'.")
            async with maker() as db, db.begin():
                user = await services.user_for_api_token(db, token.strip())
            if user is None:
                raise NotAuthorizedException("That API token is not valid, has expired, or has been revoked.")
            set_locale(user.locale)
            return AuthenticationResult(user=user, auth="token")
        cookie = connection.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise NotAuthorizedException("Please sign in.")
        async with maker() as db, db.begin():
            user = await services.user_for_session(db, settings, cookie)
        if user is None:
            raise NotAuthorizedException("Your session has ended. Please sign in again.")
        set_locale(user.locale)
        return AuthenticationResult(user=user, auth="session")
