"""Secrets in addresses never reach the logs: read the log a real server wrote.

Calendar (cjcal_) and download (cjdoc_) tokens travel in the path, which the access log writes.
The server here runs with two worker processes, as a busy service would, and the test reads
everything it printed.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.served import Served, cli, fetch, prepared


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("logs")
    env = prepared(tmp)
    server = Served(env, tmp / "serve.log", workers=2).start()
    yield server, env, tmp
    server.stop()


def test_tokens_in_addresses_never_reach_the_logs(served: Any) -> None:
    server, env, tmp = served
    api_token = cli(env, "users", "token", "worker@demo.example").stdout.strip().split()[-1]
    assert api_token.startswith("cjapi_")

    # A parent's calendar, made through the API so we hold its token; a briefing shared by a link.
    status, _headers, cases = fetch(f"{server.base}/api/cases", api_token)
    assert status == 200
    feed_token = share_token = ""
    for case in (c["id"] for c in json.loads(cases)):
        members = json.loads(fetch(f"{server.base}/api/cases/{case}/family-members", api_token)[2])
        if members and not feed_token:
            status, _headers, made = fetch(f"{server.base}/api/cases/{case}/subscriptions", api_token, {"family_member_id": members[0]["id"]})
            assert status == 201, made
            feed_token = re.search(r"cjcal_[A-Za-z0-9_\-]+", json.loads(made)["https_url"]).group(0)  # type: ignore[union-attr]
        for hearing in json.loads(fetch(f"{server.base}/api/cases/{case}/hearings", api_token)[2]):
            status, _headers, docs = fetch(f"{server.base}/api/cases/{case}/hearings/{hearing['id']}/briefings", api_token, {})
            if status == 201 and json.loads(docs) and not share_token:
                document = json.loads(docs)[0]["id"]
                status, _headers, shared = fetch(f"{server.base}/api/cases/{case}/documents/{document}/shares", api_token,
                                       {"organisation": "Witness Service", "recipient": "Wynn"})
                assert status == 201, shared
                share_token = re.search(r"cjdoc_[A-Za-z0-9_\-]+", json.loads(shared)["url"]).group(0)  # type: ignore[union-attr]
    assert feed_token and share_token, "the demo has a family member and a hearing to brief for"
    assert fetch(f"{server.base}/calendar/{feed_token}.ics")[0] == 200
    assert fetch(f"{server.base}/shared/{share_token}.docx")[0] == 200
    # Wrong tokens are logged as carefully as right ones.
    assert fetch(f"{server.base}/calendar/cjcal_{'x' * 30}.ics")[0] == 404
    assert fetch(f"{server.base}/shared/cjdoc_{'y' * 30}.docx")[0] == 404

    log = server.log()
    assert "/calendar/cjcal_[hidden].ics" in log and "/shared/cjdoc_[hidden].docx" in log, "the requests were logged"
    for secret in (feed_token, share_token, api_token, "x" * 30, "y" * 30):
        assert secret[6:] not in log, f"a {secret[:6]} token reached the log"
    assert "Sam Example" not in log and "demo-worker-2026" not in log


def test_what_was_searched_for_never_reaches_the_logs(served: Any) -> None:
    server, env, tmp = served
    api_token = cli(env, "users", "token", "worker@demo.example").stdout.strip().split()[-1]
    # The demo's cases went through the services, so its names are in the index from the start.
    status, _headers, body = fetch(f"{server.base}/api/search?q=Robin%20Exam", api_token)
    assert status == 200, body
    assert [r["child_name"] for r in json.loads(body)["results"]] == ["Robin Example"]
    assert fetch(f"{server.base}/search?q=Robin+Example")[0] in (200, 303)  # not signed in: sent to sign in
    log = server.log()
    assert "/api/search?[hidden]" in log and "/search?[hidden]" in log, "the searches were logged"
    assert "Robin" not in log and "Exam" not in log
