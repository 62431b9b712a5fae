"""Security headers on every response: every route, signed in and not, errors, feeds, downloads, 429s.

Feed and download addresses carry secrets, so no response may let a page leak them in a Referer;
no page may run inline script; no page may be framed. HSTS is sent over https only.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, sign_in
from tests.test_access import concrete

SKIP_METHODS = {"OPTIONS", "HEAD"}


def check(response: Any, what: str, https: bool) -> None:
    headers = response.headers
    policy = headers.get("content-security-policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
    assert "script-src" in directives and "'unsafe-inline'" not in directives["script-src"], f"{what}: CSP {policy!r}"
    assert directives.get("frame-ancestors") == "'none'", f"{what}: may be framed"
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("referrer-policy") == "no-referrer", what
    if https:
        assert headers.get("strict-transport-security", "").startswith("max-age="), f"{what}: no HSTS over https"
    else:
        assert "strict-transport-security" not in headers, f"{what}: HSTS over plain http"


def every_request(client: TestClient[Any], world: World) -> list[tuple[str, Any]]:
    answers = []
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method in sorted(route.methods - SKIP_METHODS):
            path = concrete(route.path, world)
            if route.path.startswith("/static"):
                path = "/static/app.css"
            headers = world.worker.auth if path.startswith("/api/") else {}
            answers.append((f"{method} {route.path}", client.request(method, path, headers=headers, follow_redirects=False)))
    answers.append(("unknown page", client.get("/no/such/page")))
    answers.append(("unknown api", client.get("/api/no-such-thing", headers=world.worker.auth)))
    answers.append(("wrong method", client.delete("/login")))
    answers.append(("calendar feed", client.get(f"/calendar/{world.north_feed_token}.ics")))
    answers.append(("unknown feed", client.get("/calendar/cjcal_nothing_here_at_all.ics")))
    answers.append(("too large", client.post(f"/api/cases/{world.north_case}/tasks", headers={**world.worker.auth, "content-type": "application/json"},
                                             content=b"{" + b" " * (2 * 1024 * 1024) + b"}")))
    return answers


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_response_carries_the_security_headers(settings: Settings, world: World, scheme: str) -> None:
    from courtjourney.app import create_app

    with TestClient(create_app(settings), base_url=f"{scheme}://testserver.local") as client:
        anonymous = every_request(client, world)
        sign_in(client, world.worker.email)
        signed_in = every_request(client, world)
    statuses = {r.status_code for _, r in anonymous + signed_in}
    assert {200, 303, 404, 405, 413} <= statuses, f"the walk met the kinds of answer it means to check: {statuses}"
    assert len(signed_in) > 80
    for what, response in anonymous + signed_in:
        check(response, what, https=scheme == "https")


def test_a_rate_limited_answer_carries_them_too(settings: Settings, world: World) -> None:
    import dataclasses

    from courtjourney.app import create_app

    with TestClient(create_app(dataclasses.replace(settings, unknown_token_max=2)), base_url="http://testserver.local") as client:
        for _ in range(3):
            last = client.get("/calendar/cjcal_nothing_here_at_all.ics")
    assert last.status_code == 429
    check(last, "429", https=False)


@pytest.mark.parametrize("public_url", ["http://testserver.local", ""])
def test_a_forged_host_is_refused_and_never_reaches_a_link(settings: Settings, world: World, public_url: str) -> None:
    """Links sent to families are built from the settings, never from the request's Host header."""
    import dataclasses

    from courtjourney.app import create_app

    chosen = dataclasses.replace(settings, public_url=public_url)
    base = public_url or f"http://{chosen.host}:{chosen.port}"
    with TestClient(create_app(chosen), base_url=base) as client:
        forged = client.get("/health", headers={"Host": "attacker.example"})
        assert forged.status_code == 400
        for host in ("127.0.0.1", f"127.0.0.1:{chosen.port}", "localhost"):
            assert client.get("/health", headers={"Host": host}).status_code == 200, host
        made = client.post(f"/api/cases/{world.north_case}/documents/{world.north_document}/shares", headers=world.worker.auth,
                           json={"organisation": "Witness Service", "recipient": "Wynn"})
        assert made.status_code == 201, made.text
        assert made.json()["url"].startswith(f"{base}/shared/cjdoc_")
        feed = client.post(f"/api/cases/{world.north_case}/subscriptions", headers={**world.worker.auth, "Host": "localhost"},
                           json={"family_member_id": str(world.north_member)})
        assert feed.status_code == 201, feed.text
        assert feed.json()["https_url"].startswith(f"{base}/calendar/cjcal_"), "not the Host the request named"
