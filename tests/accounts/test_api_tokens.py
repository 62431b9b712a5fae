"""API tokens expire (90 days unless chosen), and each person lists and revokes their own at /account/tokens."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
import time_machine
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney import migrations
from courtjourney.accounts import services
from courtjourney.accounts.audit import SYSTEM
from courtjourney.accounts.models import ApiToken, User
from courtjourney.accounts.trail import PHRASES
from courtjourney.errors import InputError
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql

TOKEN = re.compile(r"cjapi_[A-Za-z0-9_-]+")


def make(settings: Settings, user_id: uuid.UUID, name: str = "nightly export", **days: Any) -> tuple[ApiToken, str]:
    async def work(db: AsyncSession) -> tuple[ApiToken, str]:
        user = await db.get(User, user_id)
        assert user is not None
        return await services.issue_api_token(db, user, name, **days)

    return in_db(settings, work)


def tokens_of(settings: Settings, user_id: uuid.UUID) -> list[ApiToken]:
    return in_db(settings, lambda db: services.api_tokens_of(db, user_id))


def revoke(settings: Settings, user_id: uuid.UUID, token_id: uuid.UUID) -> None:
    async def work(db: AsyncSession) -> None:
        await services.revoke_api_token(db, SYSTEM, await services.own_api_token(db, user_id, token_id))

    in_db(settings, work)


def token_count(settings: Settings) -> int:
    return int(sql(settings, "SELECT count(*) FROM api_token")[0][0])


def me(client: TestClient[Any], token: str) -> Any:
    return client.get("/api/me", headers={"Authorization": f"Bearer {token}"})


def test_an_expired_token_is_refused_with_401_like_an_unknown_one(client: TestClient[Any], settings: Settings, world: World) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        _row, token = make(settings, world.worker.id, days=30)
        assert me(client, token).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=30) - dt.timedelta(minutes=1), tick=False):
        assert me(client, token).status_code == 200, "a token works until the last minute of its life"
    with time_machine.travel(start + dt.timedelta(days=30, minutes=1), tick=False):
        expired, unknown = me(client, token), me(client, "cjapi_" + "x" * 43)
        assert expired.status_code == unknown.status_code == 401
        assert expired.json() == unknown.json(), "an expired token gets the same answer as an unknown one"


def test_a_token_works_for_90_days_unless_another_life_is_chosen(settings: Settings, world: World) -> None:
    default, _token = make(settings, world.worker.id)
    assert default.expires_at - default.created_at == dt.timedelta(days=90)
    year, _token = make(settings, world.worker.id, days=365)
    assert year.expires_at - year.created_at == dt.timedelta(days=365)


def test_the_command_line_takes_days_and_says_when_the_token_expires(settings: Settings, world: World) -> None:
    from click.testing import CliRunner

    from courtjourney.cli import main

    result = CliRunner().invoke(main, ["users", "token", world.colleague.email, "--name", "reminders", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "working until" in result.output
    token = result.output.split()[-1]
    assert TOKEN.fullmatch(token)
    [row] = [t for t in tokens_of(settings, world.colleague.id) if t.name == "reminders"]
    assert row.expires_at - row.created_at == dt.timedelta(days=30)
    assert f"{row.expires_at:%Y}" in result.output
    refused = CliRunner().invoke(main, ["users", "token", world.colleague.email, "--days", "400"])
    assert refused.exit_code != 0 and "How long the token works must be from 1 to 365 days" in refused.output


def test_the_command_line_revokes_every_token_of_an_account_and_the_trail_says_so(client: TestClient[Any], settings: Settings, world: World) -> None:
    from click.testing import CliRunner

    from courtjourney.cli import main

    _row, token = make(settings, world.colleague.id)
    result = CliRunner().invoke(main, ["users", "token", world.colleague.email, "--revoke"])
    assert result.exit_code == 0 and "Revoked 2 token(s)" in result.output, result.output
    assert me(client, token).status_code == me(client, world.colleague.token).status_code == 401
    assert me(client, world.worker.token).status_code == 200, "only that account's tokens"
    [event] = audit_events(settings, action="account.tokens_revoked")
    assert event.target_type == "user_account" and event.target_id == world.colleague.id


@pytest.mark.parametrize("days", [0, -1, 366, 1000, "90.5", "soon", "", None, True])
def test_a_lifetime_outside_1_to_365_days_is_refused_and_makes_nothing(settings: Settings, world: World, days: Any) -> None:
    before = token_count(settings)
    with pytest.raises(InputError) as refused:
        make(settings, world.worker.id, days=days)
    assert list(refused.value.errors) == ["days"]
    assert "1 to 365 days" in refused.value.errors["days"]
    assert token_count(settings) == before


def test_the_page_refuses_a_lifetime_it_does_not_offer_and_makes_nothing(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    before = token_count(settings)
    csrf = csrf_token(client, "/account/tokens")
    for days in ("400", "7", ""):
        page = client.post("/account/tokens", data={"name": "export", "days": days, "_csrf_token": csrf})
        assert page.status_code == 400 and "How long it works" in page.text
        assert not TOKEN.search(page.text)
    no_name = client.post("/account/tokens", data={"name": " ", "days": "90", "_csrf_token": csrf})
    assert no_name.status_code == 400
    assert token_count(settings) == before


def test_the_account_page_links_to_the_tokens_page(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.worker.email)
    assert 'href="/account/tokens"' in client.get("/account").text


def test_the_tokens_page_lists_only_your_own_tokens(client: TestClient[Any], settings: Settings, world: World) -> None:
    mine, _token = make(settings, world.worker.id, "my nightly export")
    theirs, _token = make(settings, world.colleague.id, "colleague's backup script")
    sign_in(client, world.worker.email)
    page = client.get("/account/tokens")
    assert page.status_code == 200
    assert "my nightly export" in page.text and mine.hint in page.text
    assert "colleague&#39;s backup script" not in page.text and "backup script" not in page.text
    assert f"/account/tokens/{theirs.id}/revoke" not in page.text
    assert f"/account/tokens/{mine.id}/revoke" in page.text
    assert "Working" in page.text


def test_the_list_says_which_tokens_work_which_expired_and_which_were_revoked(client: TestClient[Any], settings: Settings, world: World) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    with time_machine.travel(start, tick=False):
        old, _token = make(settings, world.worker.id, "old script", days=30)
    gone, _token = make(settings, world.worker.id, "gone script")
    revoke(settings, world.worker.id, gone.id)
    sign_in(client, world.worker.email)
    page = client.get("/account/tokens").text
    rows = {name: row for name, row in re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", page, re.S)}
    assert "Expired" in rows["old script"] and '/revoke"' not in rows["old script"]
    assert "Revoked" in rows["gone script"] and '/revoke"' not in rows["gone script"]
    assert "Working" in rows["tests"] and '/revoke"' in rows["tests"]
    assert "Never" in rows["old script"], "a token nobody used says so"


def test_a_new_token_is_shown_once_and_works(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    made = client.post("/account/tokens", data={"name": "court list sync", "days": "30", "_csrf_token": csrf_token(client, "/account/tokens")})
    assert made.status_code == 200
    assert "will not be shown again" in made.text
    [token] = set(TOKEN.findall(made.text))
    assert me(client, token).json()["email"] == world.worker.email
    assert token not in client.get("/account/tokens").text, "the token is shown on the answer that made it only"
    [row] = [t for t in tokens_of(settings, world.worker.id) if t.name == "court list sync"]
    assert row.hint == token[-4:] and row.expires_at - row.created_at == dt.timedelta(days=30)
    stored = [str(value) for r in sql(settings, "SELECT * FROM api_token") for value in r]
    assert not any(token in value for value in stored)


def test_revoking_through_the_confirmation_page_stops_the_token(client: TestClient[Any], settings: Settings, world: World) -> None:
    row, token = make(settings, world.worker.id, "printer script")
    sign_in(client, world.worker.email)
    address = f"/account/tokens/{row.id}/revoke"
    asked = client.get(address)
    assert asked.status_code == 200
    assert f"Scripts using the token ending {row.hint} will stop working at once." in asked.text
    assert "This cannot be undone." in asked.text
    assert 'href="/account/tokens"' in asked.text and "Cancel" in asked.text
    assert me(client, token).status_code == 200, "asking first revokes nothing"
    done = client.post(address, data={"_csrf_token": csrf_token(client, address)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/account/tokens?done=revoked"
    assert me(client, token).status_code == 401
    assert "The token was revoked" in client.get(done.headers["location"]).text
    again = client.get(address)
    assert again.status_code == 200 and "already been revoked" in again.text and 'method="post"' not in again.text.split("<main", 1)[-1]


def test_revoking_another_persons_token_answers_404_and_changes_nothing(client: TestClient[Any], settings: Settings, world: World) -> None:
    theirs, token = make(settings, world.colleague.id, "colleague's script")
    sign_in(client, world.worker.email)
    address = f"/account/tokens/{theirs.id}/revoke"
    assert client.get(address).status_code == 404
    assert client.post(address, data={"_csrf_token": csrf_token(client, "/account/tokens")}).status_code == 404
    nowhere = f"/account/tokens/{uuid.uuid4()}/revoke"
    assert client.get(nowhere).status_code == 404, "another's token and no token answer alike"
    assert me(client, token).status_code == 200
    [still] = [t for t in tokens_of(settings, world.colleague.id) if t.id == theirs.id]
    assert still.revoked_at is None
    assert audit_events(settings, action="account.token_revoked") == []
    sign_in(client, world.admin.email)  # an admin neither: tokens are their owner's alone
    assert client.post(address, data={"_csrf_token": csrf_token(client, "/account/tokens")}).status_code == 404
    assert me(client, token).status_code == 200


def test_making_and_revoking_are_in_the_audit_trail_by_id_without_the_token(client: TestClient[Any], settings: Settings, world: World) -> None:
    assert {"account.token_made", "account.token_revoked", "account.tokens_revoked"} <= set(PHRASES)
    sign_in(client, world.worker.email)
    made = client.post("/account/tokens", data={"name": "audit me", "days": "90", "_csrf_token": csrf_token(client, "/account/tokens")})
    [token] = set(TOKEN.findall(made.text))
    [row] = [t for t in tokens_of(settings, world.worker.id) if t.name == "audit me"]
    address = f"/account/tokens/{row.id}/revoke"
    client.post(address, data={"_csrf_token": csrf_token(client, address)})
    [made_event] = audit_events(settings, action="account.token_made")
    [revoked_event] = audit_events(settings, action="account.token_revoked")
    for event in (made_event, revoked_event):
        assert event.actor_id == world.worker.id
        assert event.target_type == "api_token" and event.target_id == row.id
        assert event.case_id is None
    assert revoked_event.route == "/account/tokens/{token_id}/revoke"
    every_value = [str(v) for r in sql(settings, "SELECT * FROM audit_event") for v in r]
    assert not any(token in v or row.hint in v for v in every_value if v), "the trail holds ids, never the token"


def test_expiring_records_no_event(client: TestClient[Any], settings: Settings, world: World) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        _row, token = make(settings, world.worker.id, days=1)
    before = len(audit_events(settings))
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        assert me(client, token).status_code == 401
    assert len(audit_events(settings)) == before


def test_the_migration_gives_existing_tokens_90_days_from_when_each_was_made(settings: Settings, world: World) -> None:
    old, _token = make(settings, world.worker.id, days=365)
    migrations.downgrade(settings, "0021")
    assert "expires_at" not in {name for name, *_rest in _columns(settings)}
    migrations.upgrade(settings)
    for row in tokens_of(settings, world.worker.id):
        assert row.expires_at - row.created_at == dt.timedelta(days=90), row.name
    assert [t for t in tokens_of(settings, world.worker.id) if t.id == old.id]


def _columns(settings: Settings) -> list[Any]:
    from sqlalchemy import inspect

    async def work(db: AsyncSession) -> list[Any]:
        connection = await db.connection()
        found = await connection.run_sync(lambda c: inspect(c).get_columns("api_token"))
        return [(c["name"],) for c in found]

    return in_db(settings, work)
