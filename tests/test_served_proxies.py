"""Forwarded headers are believed only from proxies the settings name: read a real server's limits and audit.

uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise, so anyone who could reach a proxy on
the same machine could choose the address that the per-address limits count and the audit trail records.
"""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.served import cli, prepared, serving

FORGED = "203.0.113.9"


def get(url: str, forwarded: str, token: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"X-Forwarded-For": forwarded})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def audited_addresses(tmp: Path) -> set[str | None]:
    with sqlite3.connect(tmp / "cj.db") as db:
        return {row[0] for row in db.execute("SELECT address FROM audit_event WHERE route = '/api/cases'")}


def run(tmp: Path, **extra: str) -> tuple[set[str | None], list[int]]:
    """One list of cases and three unknown calendar tokens, each from a different forged address."""
    env = prepared(tmp, COURTJOURNEY_UNKNOWN_TOKEN_MAX="2", **extra)
    token = cli(env, "users", "token", "worker@demo.example").stdout.strip().split()[-1]
    with serving(env, tmp / "serve.log") as base:
        assert get(f"{base}/api/cases", FORGED, token) == 200
        answers = [get(f"{base}/calendar/cjcal_{'x' * 30}.ics", f"203.0.113.{n}") for n in (20, 21, 22)]
    return audited_addresses(tmp), answers


@pytest.mark.parametrize("setting", [None, ""])
def test_forwarded_for_is_ignored_unless_a_trusted_proxy_is_named(tmp_path: Path, setting: str | None) -> None:
    extra = {} if setting is None else {"COURTJOURNEY_TRUSTED_PROXIES": setting}
    addresses, answers = run(tmp_path, **extra)
    assert addresses == {"127.0.0.1"}, "the audit records the address that connected, not the forged one"
    assert answers == [404, 404, 429], "the limit counts every forged address as the one that connected"


def test_forwarded_for_is_believed_from_a_named_proxy(tmp_path: Path) -> None:
    addresses, answers = run(tmp_path, COURTJOURNEY_TRUSTED_PROXIES="127.0.0.1")
    assert addresses == {FORGED}
    assert answers == [404, 404, 404], "each forwarded address has a limit of its own"
