"""Hole 1 (issue 17): an admin could make a manager in any team and was shown its password. Now nobody ever
sees another person's password: new accounts and people let back in choose their own through a single-use
link, and a team's managers see every change to the accounts of their team."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import time_machine
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import PASSWORD, World, csrf_token, sign_in, sql

LINK = re.compile(r"/account/setup/(cjset_[A-Za-z0-9_\-]+)")
NEW = {"full_name": "Nia Newcomer", "email": "nia@north.example", "role": "manager", "team": "North Hub"}


def add_account(client: TestClient[Any], world: World, **changes: str) -> tuple[str, str]:
    """The admin adds an account; returns the page and the setup link's token it showed."""
    sign_in(client, world.admin.email)
    page = client.post("/admin/users", data={**NEW, **changes, "_csrf_token": csrf_token(client, "/admin/users")})
    assert page.status_code == 200, page.text[:400]
    found = LINK.search(page.text)
    assert found, "the page shows a setup link"
    return page.text, found.group(1)


def choose(client: TestClient[Any], token: str, password: str, **kwargs: Any) -> Any:
    client.cookies.clear()
    form = csrf_token(client)  # the sign-in page's: a dead link's page has no form
    return client.post(f"/account/setup/{token}", data={"new_password": password, "_csrf_token": form},
                       follow_redirects=False, **kwargs)


def test_a_new_account_gets_a_setup_link_and_nobody_sees_a_password(client: TestClient[Any], world: World,
                                                                    settings: Settings) -> None:
    page, token = add_account(client, world)
    assert "one-time password" not in page.lower() and not re.search(r"[a-z0-9]{5}(-[a-z0-9]{5}){3}", page)
    # Only the link's SHA-256 is kept, and the account has no password anyone knows until its owner picks one.
    stored = sql(settings, "SELECT token_hash, purpose FROM account_setup")
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), "new")]
    client.cookies.clear()
    form = client.get(f"/account/setup/{token}")
    assert form.status_code == 200 and "nia@north.example" in form.text and 'autocomplete="new-password"' in form.text

    short = choose(client, token, "short")
    assert short.status_code == 400 and "at least 12 characters" in short.text
    assert client.get(f"/account/setup/{token}").status_code == 200, "a refused password uses nothing up"

    chosen = choose(client, token, "my own long passphrase")
    assert chosen.status_code == 303 and chosen.headers["location"] == "/my-day"
    assert client.get("/my-day").status_code == 200, "choosing the password signs its owner in"
    # Used once, it never works again; the password works at the sign-in page.
    client.cookies.clear()
    again = client.get(f"/account/setup/{token}")
    assert again.status_code == 404 and "This link does not work" in again.text and "Go to your caseload" not in again.text
    assert choose(client, token, "someone elses passphrase").status_code == 404
    sign_in(client, "nia@north.example", "my own long passphrase")


def test_a_setup_link_runs_out_after_three_days(client: TestClient[Any], world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        _page, token = add_account(client, world)
    with time_machine.travel(dt.datetime(2026, 12, 4, 8, 59, tzinfo=dt.UTC), tick=False):
        client.cookies.clear()
        assert client.get(f"/account/setup/{token}").status_code == 200
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 1, tzinfo=dt.UTC), tick=False):
        assert client.get(f"/account/setup/{token}").status_code == 404
        assert choose(client, token, "my own long passphrase").status_code == 404


def test_a_forgotten_password_or_a_mistaken_disable_is_put_right_with_a_new_link(client: TestClient[Any],
                                                                                 world: World) -> None:
    sign_in(client, world.admin.email)
    disabled = client.post(f"/admin/users/{world.worker.id}/disable", data={"_csrf_token": csrf_token(client, "/admin/users")})
    assert disabled.status_code == 200 and "Let back in" in disabled.text
    first = client.post(f"/admin/users/{world.worker.id}/let-back-in", data={"_csrf_token": csrf_token(client, "/admin/users")})
    assert first.status_code == 200
    old = LINK.search(first.text).group(1)  # type: ignore[union-attr]
    second = client.post(f"/admin/users/{world.worker.id}/let-back-in", data={"_csrf_token": csrf_token(client, "/admin/users")})
    new = LINK.search(second.text).group(1)  # type: ignore[union-attr]
    assert "can choose a new password" in second.text
    # The old password and the older link stop working; the newest link lets the worker back in.
    client.cookies.clear()
    refused = client.post("/login", data={"email": world.worker.email, "password": PASSWORD, "_csrf_token": csrf_token(client)})
    assert refused.status_code == 400
    assert client.get(f"/account/setup/{old}").status_code == 404, "a newer link ends the older"
    assert choose(client, new, "back in with a new passphrase").status_code == 303
    sign_in(client, world.worker.email, "back in with a new passphrase")


def test_an_admin_cannot_reset_their_own_account_here_and_others_may_not_reset_at_all(client: TestClient[Any],
                                                                                      world: World) -> None:
    sign_in(client, world.admin.email)
    own = client.post(f"/admin/users/{world.admin.id}/let-back-in", data={"_csrf_token": csrf_token(client, "/admin/users")})
    assert own.status_code == 400 and "Your account" in own.text and not LINK.search(own.text)
    sign_in(client, world.manager.email)
    token = csrf_token(client, "/my-day")
    assert client.post(f"/admin/users/{world.worker.id}/let-back-in", data={"_csrf_token": token}).status_code == 404


def test_a_teams_managers_see_every_account_added_to_their_team(client: TestClient[Any], world: World) -> None:
    """An admin adding a manager to North is seen by North's managers (and not by South's people)."""
    add_account(client, world)
    sign_in(client, world.manager.email)
    team = client.get("/team").text
    section = team.split('id="accounts"', 1)[1]
    assert "Nia Newcomer" in section and "Manager" in section and "Account added" in section
    row = next(line for line in section.split("<tr>") if "Nia Newcomer" in line and "Account added" in line)
    assert "Adam Admin" in row, "who added the account is named"
    sign_in(client, world.admin.email)
    client.post(f"/admin/users/{world.colleague.id}/disable", data={"_csrf_token": csrf_token(client, "/admin/users")})
    sign_in(client, world.manager.email)
    assert "Disabled" in client.get("/team").text.split('id="accounts"', 1)[1]


def test_a_setup_link_never_reaches_the_logs(client: TestClient[Any], world: World, caplog: Any) -> None:
    _page, token = add_account(client, world)
    choose(client, token, "my own long passphrase")
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert token not in logged
