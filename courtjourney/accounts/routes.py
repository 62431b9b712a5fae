"""Sign in and out, your account, and the admin's account list. Pages and /api/me."""

from __future__ import annotations

import dataclasses
import math
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit, limits, services
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.auth import CSRF_COOKIE, SESSION_COOKIE
from courtjourney.accounts.models import AccountSetup, Role, User
from courtjourney.accounts.services import normalise_email
from courtjourney.db.base import utcnow
from courtjourney.db.engine import SESSIONS_KEY
from courtjourney.errors import InputError, NotFound
from courtjourney.i18n import N_, long_datetime, ngettext
from courtjourney.i18n import gettext as _
from courtjourney.settings import get_settings
from courtjourney.web.forms import Field
from courtjourney.web.pages import Form, FormPage

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
        "team", N_("Team"), max_length=120, hint=N_("To start a new team, add it first under “Add a team”.")
    ),
)


NEW_API_TOKEN = (
    Field(
        "name",
        N_("What the token is for"),
        max_length=80,
        hint=N_("A name you will know it by, such as the script that uses it."),
    ),
    Field(
        "days",
        N_("How long it works"),
        kind="choice",
        choices=(
            ("30", N_("30 days")),
            ("90", N_("90 days")),
            ("180", N_("180 days")),
            ("365", N_("365 days")),
        ),
        hint=N_("After this it stops working, and you can make a new one."),
    ),
)


SETUP_PASSWORD = (
    Field(
        "new_password",
        N_("Choose a password"),
        max_length=1024,
        hint=N_("At least 12 characters. A short sentence works well."),
    ),
)


# Each form's page is its own (no breadcrumbs: these pages are on no case and under no list).
SIGN_IN = FormPage(N_("Sign in"), LOGIN, "/login", template="login.html")
NEW_PASSWORD = FormPage(N_("Your account"), CHANGE_PASSWORD, "/account/password", template="account.html")
NEW_LANGUAGE = FormPage(N_("Your account"), LANGUAGE, "/account/language", template="account.html")
TOKENS = FormPage(
    N_("Your API tokens"),
    NEW_API_TOKEN,
    "/account/tokens",
    template="tokens.html",
    button=N_("Make the token"),
    defaults={"days": str(services.API_TOKEN_DAYS)},
)
#: What revoking a token does, said before it is done: (title, paragraphs, button). `%(hint)s` is the
#: token's last four characters, the part its owner can see.
REVOKE_TOKEN: tuple[str, tuple[str, ...], str] = (
    N_("Revoke this token?"),
    (
        N_("Scripts using the token ending %(hint)s will stop working at once."),
        N_("This cannot be undone. You can make a new token later."),
    ),
    N_("Revoke the token"),
)
#: What the list says of each token's state.
TOKEN_STATES = {
    services.TokenState.WORKING: N_("Working"),
    services.TokenState.EXPIRED: N_("Expired"),
    services.TokenState.REVOKED: N_("Revoked"),
}
#: What the revoke page says instead of asking, for a token that no longer works.
ALREADY_STOPPED = {
    services.TokenState.EXPIRED: N_("This token has already expired. Scripts using it no longer work."),
    services.TokenState.REVOKED: N_("This token has already been revoked. Scripts using it no longer work."),
}
SETUP = FormPage(N_("Choose your password"), SETUP_PASSWORD, "/account/setup/{token}", template="setup.html")
NEW_TEAM = (
    Field(
        "team_name",
        N_("Name of the new team"),
        max_length=120,
        hint=N_("The hub or service area, as people there call it."),
    ),
)
CHANGE_ACCOUNT = FormPage(
    N_("Change role or team"),
    (NEW_USER[2], Field("team_id", N_("Team"), kind="uuid")),
    "/admin/users/{user_id}/change",
    intro=N_(
        "A manager sees every case of their team; a worker sees the cases they are on. The team's managers see this change on their team page."
    ),
    button=N_("Save the change"),
)
#: The accounts page again, with the add-a-team form's errors (it is one of the page's forms).
NEW_TEAM_PAGE = FormPage(N_("Accounts"), NEW_TEAM, "/admin/users/teams", template="admin_users.html")
NEW_ACCOUNT = FormPage(
    N_("Accounts"), NEW_USER, "/admin/users", template="admin_users.html", defaults={"role": "worker"}
)


#: Where sign-in lands when no page was asked for: the worker's home page, My day (caseload/).
LANDING = "/my-day"


def safe_next(target: str | None) -> str:
    """Only ever go back to a page of ours after sign-in (no open redirect)."""
    if not target:
        return LANDING
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return LANDING
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


async def as_it_is(page: Template | Redirect) -> Template | Redirect:
    """For a form whose saving decides its own answer (a cookie to set or clear, a page shown once)."""
    return page


def signed_in(request: Request[Any, Any, Any], session_token: str, target: str) -> Redirect:
    """The answer to a sign-in (or a password chosen through a setup link): the session cookie, and a new
    CSRF token with the new session, so one planted in the browser before sign-in (a shared computer, a
    fixation attempt) no longer matches anything."""
    settings = request.app.state["settings"]
    secure = secure_cookie(request)
    return Redirect(
        target,
        status_code=303,
        cookies=[
            Cookie(
                key=SESSION_COOKIE,
                value=session_token,
                httponly=True,
                samesite="lax",
                secure=secure,
                path="/",
                max_age=settings.session_max_hours * 3600,
            ),
            Cookie(
                key=CSRF_COOKIE,
                value=generate_csrf_token(secret=settings.secret_key),
                httponly=True,
                samesite="lax",
                secure=secure,
                path="/",
            ),
        ],
    )


def refused_by(db: AsyncSession, request: Request[Any, Any, Any], account_id: UUID | None) -> None:
    """Record a refused sign-in: the account's id if the email named one, never the email itself."""
    actor = dataclasses.replace(Actor.of(None, request), user_id=account_id)
    audit.record(db, "account.sign_in_refused", actor, outcome="refused")


class LoginPages(Controller):
    include_in_schema = False

    @staticmethod
    def _too_many(request: Request[Any, Any, Any], shown: dict[str, Any], seconds: int) -> Template:
        minutes = max(1, math.ceil(seconds / 60))
        message = ngettext(
            "There have been too many failed attempts. Wait %(num)d minute, then try again, or ask an admin to help.",
            "There have been too many failed attempts. Wait %(num)d minutes, then try again, or ask an admin to help.",
            minutes,
        ) % {"num": minutes}
        page = SIGN_IN.show(request, None, values=shown, errors={"email": message}, extra={"breadcrumbs": []})
        page.status_code = 429
        page.headers["Retry-After"] = str(max(1, math.ceil(seconds)))
        return page

    @get("/login", opt={"exclude_from_auth": True})
    async def login_form(self, request: Request[Any, Any, Any], next: str | None = None) -> Template:
        return SIGN_IN.show(request, None, values={"next": safe_next(next)}, extra={"breadcrumbs": []})

    @post("/login", opt={"exclude_from_auth": True})
    async def login(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], data: Form
    ) -> Template | Response[Any]:
        # Shown again as sent, but only ever with a safe place to go next (and never the password).
        shown = {"email": data.get("email", ""), "next": safe_next(data.get("next"))}

        async def sign_in(values: dict[str, Any]) -> Template | Redirect:
            settings = request.app.state["settings"]
            by_address = limits.login_by_address(settings), limits.client_address(request)
            by_account = limits.login_by_account(settings), normalise_email(values["email"])
            waits = [await limits.retry_after(db_session, settings, *key) for key in (by_address, by_account)]
            if any(waits):
                # Refused before any password is checked: the answer and its timing are the same for
                # every email, and a flood of refused attempts costs no hashing.
                await db_session.rollback()
                async with request.app.state[SESSIONS_KEY]() as db, db.begin():
                    refused_by(db, request, await services.account_id_for(db, values["email"]))
                return self._too_many(request, shown, max(w for w in waits if w))
            result = await services.sign_in(db_session, settings, values["email"], values["password"])
            if result.user is None or result.session_token is None:
                # Counted in a transaction of their own, so the counts survive the refused request.
                await db_session.rollback()
                async with request.app.state[SESSIONS_KEY]() as db, db.begin():
                    started = [
                        await limits.add_failure(db, settings, *key) for key in (by_address, by_account)
                    ]
                    refused_by(db, request, result.account_id)
                if any(started):
                    return self._too_many(request, shown, max(w for w in started if w))
                raise InputError(
                    {"email": _("The email address or password is not right. Check them and try again.")}
                )
            await limits.clear(db_session, settings, *by_account)
            audit.record(db_session, "account.signed_in", Actor.of(result.user, request))
            target = "/account/password" if result.user.must_change_password else shown["next"]
            return signed_in(request, result.session_token, target)

        return await SIGN_IN.submit(
            request,
            None,
            {**shown, "password": data.get("password", "")},
            save=sign_in,
            answer=as_it_is,
            extra={"breadcrumbs": []},
        )

    @post("/logout")
    async def logout(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor
    ) -> Response[Any]:
        token = request.cookies.get(SESSION_COOKIE, "")
        await services.end_session(db_session, token)
        audit.record(db_session, "account.signed_out", actor)
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


def account_around(flash: str = "") -> dict[str, Any]:
    """What the account page shows besides its two forms."""
    return {"nav": "account", "breadcrumbs": [], "flash": flash, "password_fields": CHANGE_PASSWORD}


class AccountPages(Controller):
    include_in_schema = False

    @get("/account")
    async def account(self, request: Request[User, Any, Any], done: str | None = None) -> Template:
        return NEW_PASSWORD.show(
            request,
            None,
            values={"locale": request.user.locale},
            extra=account_around(_("Saved.") if done else ""),
        )

    @get("/account/password")
    async def password_form(self, request: Request[User, Any, Any]) -> Template:
        flash = _("Please choose a new password now.") if request.user.must_change_password else ""
        return NEW_PASSWORD.show(
            request, None, values={"locale": request.user.locale}, extra=account_around(flash)
        )

    @post("/account/password")
    async def change_password(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, data: Form
    ) -> Template | Response[Any]:
        user = await db_session.get(User, request.user.id)
        assert user is not None

        async def change(values: dict[str, Any]) -> Redirect:
            await services.change_own_password(
                db_session, actor, user, values["current_password"], values["new_password"]
            )
            # Every session ended, this one too: sign in again with the new password.
            response = Redirect("/login", status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response

        return await NEW_PASSWORD.submit(
            request,
            None,
            {
                **data,
                "locale": request.user.locale,
            },  # the language form beside it shows the language as saved
            save=change,
            answer=as_it_is,
            extra=account_around(),
        )

    @post("/account/language")
    async def change_language(
        self, db_session: AsyncSession, request: Request[User, Any, Any], data: Form
    ) -> Template | Redirect:
        user = await db_session.get(User, request.user.id)
        assert user is not None
        return await NEW_LANGUAGE.submit(
            request,
            None,
            data,
            save=lambda values: services.change_language(db_session, user, values["locale"]),
            done="/account?done=1",
            extra=account_around(),
        )


class TokenPages(Controller):
    """Someone's own API tokens: the list, making one (shown once), and revoking one after asking first.
    Nobody sees or revokes another person's tokens: another's token id answers 404."""

    include_in_schema = False
    path = "/account/tokens"

    @staticmethod
    async def _around(
        db: AsyncSession,
        request: Request[User, Any, Any],
        made: tuple[Any, str] | None = None,
        done: str = "",
    ) -> dict[str, Any]:
        now = utcnow()
        rows = await services.api_tokens_of(db, request.user.id)
        return {
            "nav": "account",
            "breadcrumbs": [("/account", _("Your account"))],
            "tokens": [(row, services.token_state(row, now)) for row in rows],
            "states": {state: _(words) for state, words in TOKEN_STATES.items()},
            "made": made[0] if made else None,
            "made_token": made[1] if made else "",
            "flash": _("The token was revoked. Scripts using it no longer work.")
            if done == "revoked"
            else "",
        }

    @get("/")
    async def tokens(
        self, db_session: AsyncSession, request: Request[User, Any, Any], done: str | None = None
    ) -> Template:
        return TOKENS.show(request, None, extra=await self._around(db_session, request, done=done or ""))

    @post("/")
    async def make(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        user = await db_session.get(User, request.user.id)
        assert user is not None

        async def shown_once(made: tuple[Any, str]) -> Template:  # the token is on this answer only
            return TOKENS.show(request, None, extra=await self._around(db_session, request, made))

        return await TOKENS.submit(
            request,
            None,
            data,
            save=lambda values: services.make_api_token(
                db_session, actor, user, values["name"], values["days"]
            ),
            answer=shown_once,
            extra=lambda: self._around(db_session, request),
        )

    @get("/{token_id:uuid}/revoke")
    async def revoke_confirm(
        self, db_session: AsyncSession, request: Request[User, Any, Any], token_id: UUID
    ) -> Template:
        """Before a token is revoked: what will happen, in plain words, and the button that does it (the
        list links here; it never revokes in one click)."""
        row = await services.own_api_token(db_session, request.user.id, token_id)
        state = services.token_state(row)
        title, words, button = REVOKE_TOKEN
        stopped = state in ALREADY_STOPPED
        return Template(
            template_name="confirm_page.html",
            context={
                "user": request.user,
                "title": _(title),
                "lead": _("“%(name)s”, ending %(hint)s") % {"name": row.name, "hint": row.hint},
                "words": [_(ALREADY_STOPPED[state])]
                if stopped
                else [_(w) % {"hint": row.hint} for w in words],
                "refused": stopped,
                "button": _(button),
                "action": f"/account/tokens/{row.id}/revoke",
                "cancel": "/account/tokens",
                "back": _("Back to your API tokens"),
                "nav": "account",
                "breadcrumbs": [("/account", _("Your account")), ("/account/tokens", _("Your API tokens"))],
            },
        )

    @post("/{token_id:uuid}/revoke")
    async def revoke(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, token_id: UUID
    ) -> Redirect:
        row = await services.own_api_token(db_session, request.user.id, token_id)
        await services.revoke_api_token(db_session, actor, row)
        return Redirect("/account/tokens?done=revoked", status_code=303)


class SetupPages(Controller):
    """Choosing your own password through a single-use link (a new account, or being let back in)."""

    include_in_schema = False
    path = "/account/setup"

    @staticmethod
    def _dead(request: Request[Any, Any, Any]) -> Template:
        """A link that was used, replaced, ran out, or never was: the same plain answer for each."""
        page = SETUP.show(request, None, extra={"breadcrumbs": [], "dead": True}, token="")
        page.status_code = 404
        return page

    @staticmethod
    async def _around(db: AsyncSession, setup: AccountSetup) -> dict[str, Any]:
        owner = await db.get(User, setup.user_id)
        return {
            "breadcrumbs": [],
            "dead": False,
            "email": owner.email if owner else "",
            "purpose": setup.purpose,
            "expires": long_datetime(setup.expires_at),
        }

    @get("/{token:str}", opt={"exclude_from_auth": True})
    async def setup_form(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], token: str
    ) -> Template:
        setup = await services.setup_for(db_session, token)
        if setup is None:
            return self._dead(request)
        return SETUP.show(request, None, extra=await self._around(db_session, setup), token=token)

    @post("/{token:str}", opt={"exclude_from_auth": True})
    async def choose_password(
        self, db_session: AsyncSession, request: Request[Any, Any, Any], token: str, data: Form
    ) -> Template | Response[Any]:
        setup = await services.setup_for(db_session, token)
        if setup is None:
            return self._dead(request)

        async def choose(values: dict[str, Any]) -> Redirect:
            user = await services.complete_setup(db_session, setup, values["new_password"])
            session = await services.open_session(db_session, request.app.state["settings"], user)
            audit.record(db_session, "account.signed_in", Actor.of(user, request))
            return signed_in(request, session, LANDING)

        return await SETUP.submit(
            request,
            None,
            {"new_password": data.get("new_password", "")},
            save=choose,
            answer=as_it_is,
            extra=lambda: self._around(db_session, setup),
            token=token,
        )


class AdminPages(Controller):
    """Account management for admins. Admins do not see case contents unless assigned to a case."""

    include_in_schema = False
    path = "/admin/users"

    @staticmethod
    async def _around(db: AsyncSession, link: services.SetupLink | None = None) -> dict[str, Any]:
        """What the accounts page shows besides the form to add one: every account, who is still to choose
        a password, and a new setup link once (never a password: nobody sees another person's)."""
        all_teams = await services.teams(db)
        return {
            "nav": "users",
            "breadcrumbs": [],
            "users": list(await db.scalars(select(User).order_by(User.email))),
            "teams": {t.id: t.name for t in all_teams},
            "team_choices": [(t.name, t.name) for t in all_teams],
            "waiting": await services.live_setup_links(db),
            "link": link,
            "link_url": link.url(get_settings()) if link else "",
            "link_expires": long_datetime(link.expires_at) if link else "",
        }

    @staticmethod
    def _admin_only(request: Request[User, Any, Any]) -> None:
        if not request.user.is_admin:
            raise NotFound()

    async def _someone_else(
        self, db: AsyncSession, request: Request[User, Any, Any], user_id: UUID, own: str = ""
    ) -> User | Template:
        """The account an admin acts on, or the accounts page saying why not: an admin acts on their own
        account through Your account, never here."""
        self._admin_only(request)
        target = await db.get(User, user_id)
        if target is None:
            raise NotFound("No account was found at this address.")
        if target.id == request.user.id:
            errors = {"users": own or _("You cannot disable your own account.")}
            return NEW_ACCOUNT.show(request, None, errors=errors, extra=await self._around(db))
        return target

    @get("/")
    async def list_users(self, db_session: AsyncSession, request: Request[User, Any, Any]) -> Template:
        self._admin_only(request)
        return NEW_ACCOUNT.show(request, None, extra=await self._around(db_session))

    @post("/")
    async def create(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        self._admin_only(request)

        async def with_link(link: services.SetupLink) -> Template:  # the setup link is shown once, here
            return NEW_ACCOUNT.show(request, None, extra=await self._around(db_session, link))

        return await NEW_ACCOUNT.submit(
            request,
            None,
            data,
            save=lambda values: services.add_account(db_session, actor, values),
            answer=with_link,
            extra=lambda: self._around(db_session),
        )

    @post("/{user_id:uuid}/disable")
    async def disable(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, user_id: UUID
    ) -> Template:
        target = await self._someone_else(db_session, request, user_id)
        if isinstance(target, Template):
            return target
        await services.disable_account(db_session, actor, target)
        return NEW_ACCOUNT.show(request, None, extra=await self._around(db_session))

    @post("/{user_id:uuid}/let-back-in")
    async def let_back_in(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, user_id: UUID
    ) -> Template:
        """A forgotten password, or an account disabled by mistake: a new single-use setup link."""
        target = await self._someone_else(
            db_session, request, user_id, _("To change your own password, use Your account.")
        )
        if isinstance(target, Template):
            return target
        link = await services.let_back_in(db_session, actor, target)
        return NEW_ACCOUNT.show(request, None, extra=await self._around(db_session, link))

    async def _team_options(self, db: AsyncSession) -> dict[str, list[tuple[str, str]]]:
        return {"team_id": [(str(t.id), t.name) for t in await services.teams(db)]}

    @get("/{user_id:uuid}/change")
    async def change_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], user_id: UUID
    ) -> Template:
        """Change someone's role, or move them to another team (chosen from the teams there are)."""
        target = await self._someone_else(
            db_session, request, user_id, _("You cannot change your own role or team. Ask another admin.")
        )
        if isinstance(target, Template):
            return target
        return CHANGE_ACCOUNT.show(
            request,
            None,
            values={"role": target.role, "team_id": str(target.team_id or "")},
            options=await self._team_options(db_session),
            intro=self._whose(target),
            extra=self._changing(),
            user_id=target.id,
        )

    @post("/{user_id:uuid}/change")
    async def change(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        user_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        target = await self._someone_else(
            db_session, request, user_id, _("You cannot change your own role or team. Ask another admin.")
        )
        if isinstance(target, Template):
            return target
        return await CHANGE_ACCOUNT.submit(
            request,
            None,
            data,
            save=lambda values: services.change_account(db_session, actor, target, values),
            done="/admin/users?done=changed",
            options=await self._team_options(db_session),
            intro=self._whose(target),
            extra=self._changing(),
            user_id=target.id,
        )

    @staticmethod
    def _whose(target: User) -> str:
        return f"{target.full_name} ({target.email}). {_(CHANGE_ACCOUNT.intro)}"

    @staticmethod
    def _changing() -> dict[str, Any]:
        return {"nav": "users", "breadcrumbs": [("/admin/users", _("Accounts"))]}

    @post("/teams")
    async def add_team(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        """A new team is its own action, so a typo on an account form never makes one."""
        self._admin_only(request)
        return await NEW_TEAM_PAGE.submit(
            request,
            None,
            data,
            save=lambda values: services.add_team(db_session, actor, values),
            done="/admin/users?done=team#teams",
            extra=lambda: self._around(db_session),
        )


class AccountApi(Controller):
    path = "/api/me"
    tags = ["Accounts"]

    @get("/", summary="Who this token belongs to")
    async def me(self, request: Request[User, Any, Any]) -> UserOut:
        u = request.user
        return UserOut(
            id=u.id, email=u.email, full_name=u.full_name, role=u.role, team_id=u.team_id, locale=u.locale
        )
