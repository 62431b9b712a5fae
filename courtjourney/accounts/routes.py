"""Sign in and out, your account, and the admin's account list. Pages and /api/me."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit, limits, services
from courtjourney.accounts.auth import SESSION_COOKIE
from courtjourney.accounts.credentials import new_password, verify_password
from courtjourney.accounts.models import Role, Team, User
from courtjourney.accounts.services import normalise_email
from courtjourney.db.engine import SESSIONS_KEY
from courtjourney.errors import InputError
from courtjourney.i18n import N_, ngettext
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings
from courtjourney.web.forms import Field, clean

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]

LOGIN = (
    Field("email", N_("Email address"), kind="email", max_length=254),
    Field("password", N_("Password"), max_length=1024),
)
CHANGE_PASSWORD = (
    Field("current_password", N_("Current password"), max_length=1024),
    Field(
        "new_password",
        N_("New password"),
        max_length=1024,
        hint=N_("At least 12 characters. A short sentence works well."),
    ),
)
LANGUAGE = (
    Field(
        "locale",
        N_("Language for these pages"),
        kind="choice",
        choices=(("en", "English"), ("cy", "Cymraeg")),
    ),
)
NEW_USER = (
    Field("full_name", N_("Full name"), max_length=200),
    Field("email", N_("Email address"), kind="email", max_length=254),
    Field("role", N_("Role"), kind="choice", choices=tuple((r.value, r.value.capitalize()) for r in Role)),
    Field(
        "team", N_("Team"), max_length=120, hint=N_("The hub or service area. A new name makes a new team.")
    ),
)


def safe_next(target: str | None) -> str:
    """Only ever go back to a page of ours after sign-in (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def secure_cookie(request: Request[Any, Any, Any]) -> bool:
    mode = get_settings().secure_cookies
    return mode == "true" or (mode == "auto" and request.url.scheme == "https")


class UserOut(msgspec.Struct):
    id: UUID
    email: str
    full_name: str
    role: str
    team_id: UUID | None
    locale: str


class LoginPages(Controller):
    include_in_schema = False

    def _login(
        self,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
        status: int = 200,
        message: str = "",
        headers: dict[str, str] | None = None,
    ) -> Template:
        return Template(
            headers=headers,
            template_name="login.html",
            context={
                "title": _("Sign in"),
                "values": values,
                "errors": errors or {},
                "fields": LOGIN,
                "message": message,
            },
            status_code=status,
        )

    def _too_many(self, shown: dict[str, Any], seconds: int) -> Template:
        minutes = max(1, math.ceil(seconds / 60))
        message = ngettext(
            "There have been too many failed attempts. Wait %(num)d minute, then try again, or ask an admin to help.",
            "There have been too many failed attempts. Wait %(num)d minutes, then try again, or ask an admin to help.",
            minutes,
        ) % {"num": minutes}
        return self._login(
            shown, {"email": message}, status=429, headers={"Retry-After": str(max(1, math.ceil(seconds)))}
        )

    @get("/login", opt={"exclude_from_auth": True})
    async def login_form(self, next: str | None = None) -> Template:
        return self._login({"next": safe_next(next)})

    @post("/login", opt={"exclude_from_auth": True})
    async def login(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], data: Form
    ) -> Template | Response[Any]:
        shown = {"email": data.get("email", ""), "next": safe_next(data.get("next"))}
        try:
            values = clean(LOGIN, data)
        except InputError as exc:
            return self._login(shown, exc.errors, status=400)
        settings = request.app.state["settings"]
        by_address = limits.login_by_address(settings), limits.client_address(request)
        by_account = limits.login_by_account(settings), normalise_email(values["email"])
        waits = [await limits.retry_after(db_session, settings, *key) for key in (by_address, by_account)]
        if any(waits):
            verify_password(None, values["password"])  # the same work as a real check, so timing says nothing
            return self._too_many(shown, max(w for w in waits if w))
        result = await services.sign_in(db_session, settings, values["email"], values["password"])
        if result.user is None or result.session_token is None:
            # Counted in a transaction of their own, so the counts survive the refused request.
            await db_session.rollback()
            async with request.app.state[SESSIONS_KEY]() as db, db.begin():
                started = [await limits.add_failure(db, settings, *key) for key in (by_address, by_account)]
            if any(started):
                return self._too_many(shown, max(w for w in started if w))
            message = _("The email address or password is not right. Check them and try again.")
            return self._login(shown, {"email": message}, status=400)
        await limits.clear(db_session, settings, *by_account)
        audit.record(db_session, "account.signed_in", actor_id=result.user.id, connection=request)
        target = "/account/password" if result.user.must_change_password else shown["next"]
        return Redirect(
            target,
            status_code=303,
            cookies=[
                Cookie(
                    key=SESSION_COOKIE,
                    value=result.session_token,
                    httponly=True,
                    samesite="lax",
                    secure=secure_cookie(request),
                    path="/",
                    max_age=settings.session_max_hours * 3600,
                )
            ],
        )

    @post("/logout")
    async def logout(self, db_session: AsyncSession, request: Request[User, Any, Any]) -> Response[Any]:
        token = request.cookies.get(SESSION_COOKIE, "")
        await services.end_session(db_session, token)
        audit.record(db_session, "account.signed_out", actor_id=request.user.id, connection=request)
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


class AccountPages(Controller):
    include_in_schema = False

    def _account(
        self,
        request: Request[User, Any, Any],
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        flash: str = "",
    ) -> Template:
        return Template(
            template_name="account.html",
            context={
                "title": _("Your account"),
                "nav": "account",
                "user": request.user,
                "values": values or {},
                "errors": errors or {},
                "flash": flash,
                "password_fields": CHANGE_PASSWORD,
            },
            status_code=400 if errors else 200,
        )

    @get("/account")
    async def account(self, request: Request[User, Any, Any], done: str | None = None) -> Template:
        return self._account(request, {"locale": request.user.locale}, flash=_("Saved.") if done else "")

    @get("/account/password")
    async def password_form(self, request: Request[User, Any, Any]) -> Template:
        return self._account(
            request,
            {"locale": request.user.locale},
            flash=_("Please choose a new password now.") if request.user.must_change_password else "",
        )

    @post("/account/password")
    async def change_password(
        self, db_session: AsyncSession, request: Request[User, Any, Any], data: Form
    ) -> Template | Response[Any]:
        user = await db_session.get(User, request.user.id)
        assert user is not None
        try:
            values = clean(CHANGE_PASSWORD, data)
            await services.change_password(
                db_session, user, values["current_password"], values["new_password"]
            )
        except InputError as exc:
            return self._account(request, {"locale": request.user.locale}, exc.errors)
        audit.record(db_session, "account.password_changed", actor_id=user.id, connection=request)
        # Every session ended, this one too: sign in again with the new password.
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @post("/account/language")
    async def change_language(
        self, db_session: AsyncSession, request: Request[User, Any, Any], data: Form
    ) -> Template | Redirect:
        user = await db_session.get(User, request.user.id)
        assert user is not None
        try:
            user.locale = clean(LANGUAGE, data)["locale"]
        except InputError as exc:
            return self._account(request, data, exc.errors)
        return Redirect("/account?done=1", status_code=303)


class AdminPages(Controller):
    """Account management for admins. Admins do not see case contents unless assigned to a case."""

    include_in_schema = False
    path = "/admin/users"

    async def _page(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        new_password: str = "",
    ) -> Template:
        users = list(await db.scalars(select(User).order_by(User.email)))
        teams = {t.id: t.name for t in await db.scalars(select(Team))}
        return Template(
            template_name="admin_users.html",
            context={
                "title": _("Accounts"),
                "nav": "users",
                "user": request.user,
                "users": users,
                "teams": teams,
                "values": values or {"role": "worker"},
                "errors": errors or {},
                "fields": NEW_USER,
                "new_password": new_password,
            },
            status_code=400 if errors else 200,
        )

    @staticmethod
    def _admin_only(request: Request[User, Any, Any]) -> None:
        if not request.user.is_admin:
            raise NotFoundException("Nothing was found at this address.")

    @get("/")
    async def list_users(self, db_session: AsyncSession, request: Request[User, Any, Any]) -> Template:
        self._admin_only(request)
        return await self._page(db_session, request)

    @post("/")
    async def create(
        self, db_session: AsyncSession, request: Request[User, Any, Any], data: Form
    ) -> Template:
        self._admin_only(request)
        try:
            values = clean(NEW_USER, data)
            team = await services.get_or_create_team(db_session, values["team"])
            password = new_password()
            created = await services.create_user(
                db_session,
                email=values["email"],
                full_name=values["full_name"],
                password=password,
                role=values["role"],
                team=team,
                must_change_password=True,
            )
        except InputError as exc:
            return await self._page(db_session, request, data, exc.errors)
        audit.record(
            db_session, "account.created", actor_id=request.user.id, target=created, connection=request
        )
        return await self._page(db_session, request, new_password=f"{created.email}: {password}")

    @post("/{user_id:uuid}/disable")
    async def disable(
        self, db_session: AsyncSession, request: Request[User, Any, Any], user_id: UUID
    ) -> Template:
        self._admin_only(request)
        target = await db_session.get(User, user_id)
        if target is None:
            raise NotFoundException("No account was found at this address.")
        if target.id == request.user.id:
            return await self._page(
                db_session, request, errors={"users": _("You cannot disable your own account.")}
            )
        await services.disable_user(db_session, target)
        audit.record(
            db_session, "account.disabled", actor_id=request.user.id, target=target, connection=request
        )
        return await self._page(db_session, request)


class AccountApi(Controller):
    path = "/api/me"
    tags = ["Accounts"]

    @get("/", summary="Who this token belongs to")
    async def me(self, request: Request[User, Any, Any]) -> UserOut:
        u = request.user
        return UserOut(
            id=u.id, email=u.email, full_name=u.full_name, role=u.role, team_id=u.team_id, locale=u.locale
        )
