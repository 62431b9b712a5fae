"""Signing in and out, sessions, API tokens and passwords (pauses after failed sign-ins: test_limits.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from litestar.testing import TestClient

from courtjourney.accounts.credentials import hash_password, verify_password
from courtjourney.settings import Settings
from tests.conftest import PASSWORD, World, csrf_token, sign_in, sql


def test_passwords_are_stored_as_argon2id_hashes(settings: Settings, world: World) -> None:
    stored = sql(settings, "SELECT password_hash FROM user_account WHERE email = 'worker@north.example'")[0][0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(hash_password("a long passphrase"), "a long passphrase")
    assert not verify_password(hash_password("a long passphrase"), "another passphrase")


def test_api_tokens_and_session_secrets_are_stored_hashed(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    cookie = client.cookies.get("cj_session")
    assert cookie and cookie.startswith("cjs_")
    stored = [r[0] for r in sql(settings, "SELECT token_hash FROM api_token")] + [r[0] for r in sql(settings, "SELECT token_hash FROM user_session")]
    assert world.worker.token not in stored and cookie not in stored
    assert all(len(h) == 64 for h in stored)


def test_the_session_cookie_is_httponly_and_samesite_lax(client: TestClient[Any], world: World) -> None:
    token = csrf_token(client)
    response = client.post("/login", data={"email": world.worker.email, "password": PASSWORD, "_csrf_token": token}, follow_redirects=False)
    header = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("cj_session="))
    assert "HttpOnly" in header and "SameSite=lax" in header.replace("Lax", "lax")
    assert "Secure" not in header  # plain http in tests; `auto` adds it over https


def test_a_wrong_password_does_not_say_which_part_was_wrong(client: TestClient[Any], world: World) -> None:
    token = csrf_token(client)
    wrong_password = client.post("/login", data={"email": world.worker.email, "password": "nope nope nope", "_csrf_token": token})
    no_account = client.post("/login", data={"email": "nobody@north.example", "password": "nope nope nope", "_csrf_token": token})
    assert wrong_password.status_code == no_account.status_code == 400
    assert "email address or password is not right" in wrong_password.text
    assert "email address or password is not right" in no_account.text


def test_signing_out_ends_the_session(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.worker.email)
    cookie = client.cookies.get("cj_session")
    client.post("/logout", data={"_csrf_token": csrf_token(client, "/account")})
    client.cookies.set("cj_session", cookie)  # someone kept a copy of the cookie
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_ends_after_idle_time_and_after_the_maximum(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    assert client.get("/", follow_redirects=False).status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=settings.session_idle_minutes + 1)):
        assert client.get("/", follow_redirects=False).status_code == 303
    sign_in(client, world.worker.email)
    start = dt.datetime.now(dt.UTC)
    # Busy all day: a request every 20 minutes keeps it alive until the absolute limit.
    for minutes in range(20, settings.session_max_hours * 60, 20):
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            assert client.get("/account", follow_redirects=False).status_code == 200, minutes
    with time_machine.travel(start + dt.timedelta(hours=settings.session_max_hours, minutes=1)):
        assert client.get("/account", follow_redirects=False).status_code == 303


def test_changing_the_password_ends_every_session(client: TestClient[Any], settings: Settings, world: World) -> None:
    from courtjourney.app import create_app

    with TestClient(create_app(settings), base_url="http://testserver.local") as phone:
        sign_in(phone, world.worker.email)
        sign_in(client, world.worker.email)
        token = csrf_token(client, "/account")
        response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "a brand new passphrase", "_csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 303
        assert phone.get("/", follow_redirects=False).status_code == 303
    sign_in(client, world.worker.email, "a brand new passphrase")


def test_a_short_new_password_is_refused_with_a_reason(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.worker.email)
    token = csrf_token(client, "/account")
    response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short", "_csrf_token": token})
    assert response.status_code == 400 and "at least 12 characters" in response.text


def test_a_revoked_api_token_stops_working(client: TestClient[Any], settings: Settings, world: World) -> None:
    from courtjourney.accounts.services import revoke_api_tokens
    from tests.conftest import in_db

    assert client.get("/api/me", headers=world.worker.auth).json()["email"] == world.worker.email
    in_db(settings, lambda db: revoke_api_tokens(db, world.worker.id))
    assert client.get("/api/me", headers=world.worker.auth).status_code == 401


def test_a_disabled_account_can_neither_sign_in_nor_use_its_token(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.admin.email)
    token = csrf_token(client, "/admin/users")
    assert client.post(f"/admin/users/{world.worker.id}/disable", data={"_csrf_token": token}).status_code == 200
    assert client.get("/api/me", headers=world.worker.auth).status_code == 401
    token = csrf_token(client, "/login")
    refused = client.post("/login", data={"email": world.worker.email, "password": PASSWORD, "_csrf_token": token})
    assert refused.status_code == 400


def test_only_admins_reach_the_accounts_page(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.manager.email)
    assert client.get("/admin/users").status_code == 404
    sign_in(client, world.admin.email)
    page = client.get("/admin/users")
    assert page.status_code == 200 and world.worker.email in page.text


def test_sign_in_never_redirects_to_another_site(client: TestClient[Any], world: World) -> None:
    for target in ["https://evil.example/", "//evil.example", "/\\evil"]:
        token = csrf_token(client)  # each sign-in renews the CSRF token
        response = client.post("/login", data={"email": world.worker.email, "password": PASSWORD, "next": target, "_csrf_token": token},
                               follow_redirects=False)
        location = response.headers["location"]
        assert location.startswith("/") and not location.startswith("//") and "evil" not in location.split("?")[0].lstrip("/")[:4]
