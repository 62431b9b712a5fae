"""Rate limits: failed sign-ins per account and per address, guesses at calendar and download addresses.

Every limited request gets 429 with Retry-After. The counters live in the database, so two server
processes share them: the last test runs two real servers on one database and splits the guesses
between them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
import time_machine
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import PASSWORD, World, csrf_token, sign_in, sql
from tests.hearings.helpers import feed
from tests.served import Served, prepared


def failed_sign_in(client: TestClient[Any], email: str, token: str) -> Any:
    return client.post("/login", data={"email": email, "password": "wrong wrong wrong", "_csrf_token": token}, follow_redirects=False)


def test_repeated_failures_pause_the_account(client: TestClient[Any], settings: Settings, world: World) -> None:
    token = csrf_token(client)
    answers = [failed_sign_in(client, world.worker.email, token) for _ in range(settings.login_max_failures)]
    assert [a.status_code for a in answers] == [400] * (settings.login_max_failures - 1) + [429]
    # Even the right password is refused while the account is paused, with how long to wait...
    paused = client.post("/login", data={"email": world.worker.email, "password": PASSWORD, "_csrf_token": token}, follow_redirects=False)
    assert paused.status_code == 429 and "too many failed attempts" in paused.text
    wait = int(paused.headers["retry-after"])
    assert 0 < wait <= settings.login_lock_minutes * 60
    assert f"Wait {settings.login_lock_minutes} minutes" in paused.text
    # ...and works again once the pause is over.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait + 1)):
        sign_in(client, world.worker.email)


def test_a_successful_sign_in_forgets_earlier_failures(client: TestClient[Any], settings: Settings, world: World) -> None:
    token = csrf_token(client)
    for _ in range(settings.login_max_failures - 1):
        assert failed_sign_in(client, world.worker.email, token).status_code == 400
    sign_in(client, world.worker.email)
    client.cookies.clear()
    token = csrf_token(client)
    assert failed_sign_in(client, world.worker.email, token).status_code == 400, "the count started again"


def test_an_email_with_no_account_is_paused_just_the_same(client: TestClient[Any], settings: Settings, world: World) -> None:
    """Otherwise a pause would tell a stranger which emails have accounts."""
    token = csrf_token(client)
    real = [failed_sign_in(client, world.worker.email, token) for _ in range(settings.login_max_failures + 1)]
    made_up = [failed_sign_in(client, "nobody@north.example", token) for _ in range(settings.login_max_failures + 1)]
    assert [a.status_code for a in real] == [a.status_code for a in made_up]
    assert real[-1].text.replace(world.worker.email, "@") == made_up[-1].text.replace("nobody@north.example", "@")


def test_a_refused_sign_in_checks_no_password_and_says_nothing_of_the_account(
    client: TestClient[Any], settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passwords are checked in a worker thread; a paused attempt costs no argon2 work at all (so a flood cannot
    keep a worker busy) and reads the same whether or not the email has an account."""
    from courtjourney.accounts import credentials

    checked: list[str] = []
    real_verify = credentials.verify_password

    def counted(password_hash: str | None, password: str) -> bool:
        checked.append(threading.current_thread().name)
        return real_verify(password_hash, password)

    monkeypatch.setattr(credentials, "verify_password", counted)
    # The clock stands still, so both pauses began at the same second and the answers can match exactly.
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):
        token = csrf_token(client)
        absent = "nobody@north.example"
        for email in (world.worker.email, absent):
            answers = [failed_sign_in(client, email, token).status_code for _ in range(settings.login_max_failures)]
            assert answers[-1] == 429
        assert len(checked) == 2 * settings.login_max_failures, "each counted failure checked a password"
        assert all(name.startswith("AnyIO worker thread") for name in checked), "off the event loop"
        checked.clear()
        refused = {
            email: client.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": token}, follow_redirects=False)
            for email in (world.worker.email, absent)
        }
        assert checked == [], "no password is checked for an attempt the limit refuses"
        real, made_up = refused[world.worker.email], refused[absent]
        assert real.status_code == made_up.status_code == 429
        assert "cj_session" not in real.headers.get("set-cookie", ""), "the right password is refused while paused"
        assert real.text.replace(world.worker.email, "@") == made_up.text.replace(absent, "@")
        assert real.headers["retry-after"] == made_up.headers["retry-after"]


def test_failures_from_one_address_are_limited_whatever_the_account(settings: Settings, world: World) -> None:
    from courtjourney.app import create_app

    strict = dataclasses.replace(settings, login_address_max_failures=4)
    with TestClient(create_app(strict), base_url="http://testserver.local") as client:
        token = csrf_token(client)
        emails = [f"person{i}@north.example" for i in range(4)]
        answers = [failed_sign_in(client, email, token).status_code for email in emails]
        assert answers == [400, 400, 400, 429]
        refused = client.post("/login", data={"email": world.worker.email, "password": PASSWORD, "_csrf_token": token}, follow_redirects=False)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) <= strict.rate_limit_minutes * 60
        assert "cj_session" not in refused.headers.get("set-cookie", "")
    stored = " ".join(str(row) for row in sql(settings, "SELECT * FROM rate_limit"))
    assert "testclient" not in stored and "north.example" not in stored, "counters keep no address or email"


def test_guessing_calendar_addresses_is_stopped(settings: Settings, world: World) -> None:
    from courtjourney.app import create_app

    strict = dataclasses.replace(settings, unknown_token_max=5)
    with TestClient(create_app(strict), base_url="http://testserver.local") as client:
        assert feed(client, world.north_feed_token).status_code == 200, "a real address is not a guess"
        guesses = [client.get(f"/calendar/cjcal_guess{i:04d}AAAAAAAAAAAAAAAA.ics").status_code for i in range(5)]
        assert guesses == [404, 404, 404, 404, 404]
        limited = client.get("/calendar/cjcal_guess9999AAAAAAAAAAAAAAAA.ics")
        assert limited.status_code == 429 and 0 < int(limited.headers["retry-after"]) <= strict.rate_limit_minutes * 60
        assert limited.headers["content-security-policy"] and limited.headers["referrer-policy"] == "no-referrer"
        # While limited, this address cannot even try a real token (so it learns nothing from the answers).
        assert feed(client, world.north_feed_token).status_code == 429
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=strict.rate_limit_minutes, seconds=5)):
            assert feed(client, world.north_feed_token).status_code == 200


def test_guessing_download_links_is_stopped_and_refused_real_links_are_audited(settings: Settings, world: World) -> None:
    from courtjourney.app import create_app

    strict = dataclasses.replace(settings, unknown_token_max=3)
    with TestClient(create_app(strict), base_url="http://testserver.local") as client:
        made = client.post(f"/api/cases/{world.north_case}/documents/{world.north_document}/shares", headers=world.worker.auth,
                           json={"organisation": "Witness Service", "recipient": "Wynn"})
        path = made.json()["url"].split("testserver.local", 1)[1]
        assert client.get(path).status_code == 200
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=73), tick=False):
            assert client.get(path).status_code == 404, "expired"
        refused = sql(settings, "SELECT outcome FROM audit_event WHERE action = 'document.link_refused'")
        assert [r[0] for r in refused] == ["denied"], "a refused use of a real link is in the audit trail"
        assert [client.get(f"/shared/cjdoc_guess{i}AAAAAAAAAAAA.docx").status_code for i in range(2)] == [404, 404]
        limited = client.get(path)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_bad_limit_settings_stop_the_service_with_a_plain_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from courtjourney.settings import Settings as S

    monkeypatch.setenv("COURTJOURNEY_UNKNOWN_TOKEN_MAX", "lots")
    with pytest.raises(SystemExit, match="COURTJOURNEY_UNKNOWN_TOKEN_MAX must be a whole number, at least 2"):
        S.from_env()


# --- two real servers on one database -------------------------------------------------------------


def get_status(url: str) -> tuple[int, Any]:
    """The status and the headers (looked up without regard to case)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("two-servers")
    env = prepared(tmp, COURTJOURNEY_UNKNOWN_TOKEN_MAX="6")
    servers = [Served(env, tmp / f"serve-{n}.log").start() for n in (1, 2)]
    yield servers, env, tmp
    for server in servers:
        server.stop()


def test_limits_are_shared_by_separate_server_processes(two_servers: Any) -> None:
    servers, _env, _tmp = two_servers
    assert servers[0].proc and servers[1].proc and servers[0].proc.pid != servers[1].proc.pid
    answers = [get_status(f"{servers[i % 2].base}/calendar/cjcal_shared{i:03d}BBBBBBBBBBBBBBBB.ics")[0] for i in range(6)]
    assert answers == [404] * 6, "three guesses at each server: under either's limit alone"
    for server in servers:
        status, headers = get_status(f"{server.base}/calendar/cjcal_sharedZZZZBBBBBBBBBBBBBBBB.ics")
        assert status == 429 and int(headers["Retry-After"]) > 0, "six guesses in all reached the shared limit"
