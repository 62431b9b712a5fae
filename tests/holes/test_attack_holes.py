"""Holes found by attacking a running service (issue 17, "Holes found by attack"): one regression test each."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import unquote

import pytest
from litestar.testing import TestClient

from tests.conftest import World, csrf_token, sign_in
from tests.hearings.helpers import feed


def test_hole_4_csrf_is_checked_on_paths_that_merely_contain_calendar(client: TestClient[Any], world: World) -> None:
    """The CSRF exclusions are anchored: /account/calendar/revoke is a form like any other."""
    sign_in(client, world.worker.email)
    page = client.post("/account/calendar", data={"_csrf_token": csrf_token(client, "/account/calendar")})
    assert page.status_code in {200, 201}
    token = re.search(r"(cjcal_[A-Za-z0-9_\-]+)\.ics", page.text).group(1)  # type: ignore[union-attr]
    forged = client.post("/account/calendar/revoke", data={}, follow_redirects=False)
    assert forged.status_code == 403
    assert feed(client, token).status_code == 200, "a forged revoke ends nothing"
    real = client.post("/account/calendar/revoke", data={"_csrf_token": csrf_token(client, "/account/calendar")},
                       follow_redirects=False)
    assert real.status_code == 303
    assert feed(client, token).status_code == 404


ODD_NAME = "Ann 50% <b>Bold</b> %(x)s %s"


def test_hole_3_a_percent_sign_in_a_name_breaks_no_page(client: TestClient[Any], world: World) -> None:
    """User text is never used as a format string: not in Jinja's `_()`, not in Python's `%`."""
    case, hearing = world.north_case, world.north_hearing
    added = client.post(f"/api/cases/{case}/family-members", headers=world.worker.auth, json={
        "name": ODD_NAME, "relationship_to_child": "grandparent", "preferred_language": "en", "is_witness": True})
    assert added.status_code == 201, added.text
    member = added.json()["id"]
    sign_in(client, world.worker.email)
    form = client.get(f"/cases/{case}/hearings/{hearing}/attendance")
    assert form.status_code == 200, form.text[:300]
    assert "Ann 50% &lt;b&gt;Bold&lt;/b&gt; %(x)s %s" in form.text and "<b>Bold</b>" not in form.text
    saved = client.post(f"/cases/{case}/hearings/{hearing}/attendance", follow_redirects=False, data={
        f"attend_{member}": "needed", f"attend_{world.north_member}": "needed",
        "_csrf_token": csrf_token(client, f"/cases/{case}/hearings/{hearing}/attendance")})
    assert saved.status_code == 303, saved.text[:300]
    made = client.post(f"/cases/{case}/hearings/{hearing}/briefings", follow_redirects=False,
                       data={"_csrf_token": csrf_token(client, f"/cases/{case}/hearings/{hearing}")})
    assert made.status_code in {200, 303}, made.text[:300]
    for path in (f"/cases/{case}", f"/cases/{case}/hearings/{hearing}", f"/cases/{case}/hearings/{hearing}/attendance",
                 f"/cases/{case}/calendars", f"/cases/{case}/contact-log/new", f"/cases/{case}/hearings/{hearing}/witness-pack",
                 f"/cases/{case}/debrief", f"/cases/{case}/hearings/{hearing}/child-attendance", f"/cases/{case}/hearings/new"):
        page = client.get(path)
        assert page.status_code == 200, f"{path}: {page.status_code} {page.text[:300]}"
        assert "<b>Bold</b>" not in page.text, path
    assert "Ann 50%" in client.get(f"/cases/{case}").text
    assert "Ann 50%" in client.get(f"/cases/{case}/hearings/{hearing}").text


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def saved_as(header: str) -> str:
    """The file name a browser saves under (RFC 6266: filename* wins over the ASCII filename)."""
    extended = re.search(r"filename\*=UTF-8''([^;\s]+)", header, re.IGNORECASE)
    if extended:
        return unquote(extended.group(1), encoding="utf-8", errors="strict")
    return re.search(r'filename="([^"]*)"', header).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["zdjęcie.png", "ŵyr ŷ.png", "صورة.png", "📷 photo.png", "plain.png"])
def test_hole_2_evidence_with_a_name_in_any_language_downloads(client: TestClient[Any], world: World, name: str) -> None:
    response = client.post(f"/api/cases/{world.north_case}/incidents/{world.north_incident}/evidence",
                           headers=world.worker.auth, files={"file": (name, io.BytesIO(PNG), "image/png")})
    assert response.status_code == 201, response.text
    item = response.json()
    api = client.get(item["download"], headers=world.worker.auth)
    sign_in(client, world.worker.email)
    page = client.get(f"/cases/{world.north_case}/evidence/{item['id']}")
    for download in (api, page):
        assert download.status_code == 200 and download.content == PNG
        header = download.headers["content-disposition"]
        assert header.startswith("attachment;") and header.isascii()
        assert saved_as(header) == name
        fallback = re.search(r'filename="([^"]*)"', header).group(1)  # type: ignore[union-attr]
        assert fallback.endswith(".png") and fallback.isascii() and len(fallback) > len(".png")


def test_hole_2_every_download_names_itself_with_the_one_helper() -> None:
    from pathlib import Path

    import courtjourney

    made_by_hand = [str(p) for p in Path(courtjourney.__file__).parent.rglob("*.py")
                    if 'filename="' in p.read_text(encoding="utf-8") and p.name != "downloads.py"]
    assert made_by_hand == [], "build Content-Disposition with courtjourney.web.downloads.attachment"


def test_hole_2_a_direction_override_cannot_disguise_a_name() -> None:
    from courtjourney.threats.evidence import safe_filename

    assert safe_filename("photo\u202egnp.exe", "image/png") == "photo_gnp.png"
    assert safe_filename("zdjęcie 📷.jpg", "image/png") == "zdjęcie 📷.png"


def test_hole_15_nothing_personal_may_be_stored_by_a_cache(client: TestClient[Any], world: World) -> None:
    """Feeds, documents, evidence, shared downloads and exports: Cache-Control no-store, and a feed's
    ETag and 304 still work (no-store stops caches keeping a copy; it does not stop a calendar app
    sending If-None-Match with the ETag it read)."""
    case = world.north_case
    first = feed(client, world.north_feed_token)
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store" and first.headers["etag"]
    again = client.get(f"/calendar/{world.north_feed_token}.ics", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.headers["cache-control"] == "no-store"
    made = client.post(f"/api/cases/{case}/documents/{world.north_document}/shares", headers=world.worker.auth,
                       json={"organisation": "North Witness Service", "recipient": "Wynn"})
    assert made.status_code == 201
    shared = made.json()["url"].split("testserver.local", 1)[1]
    answers = {
        "document (API)": client.get(f"/api/cases/{case}/documents/{world.north_document}", headers=world.worker.auth),
        "evidence (API)": client.get(f"/api/cases/{case}/evidence/{world.north_evidence}", headers=world.worker.auth),
        "shared download": client.get(shared),
        "debrief letter (API)": client.get(f"/api/cases/{case}/debrief-letter", headers=world.worker.auth),
    }
    sign_in(client, world.worker.email)
    answers |= {
        "document (page)": client.get(f"/cases/{case}/documents/{world.north_document}"),
        "evidence (page)": client.get(f"/cases/{case}/evidence/{world.north_evidence}"),
        "police export": client.get(f"/cases/{case}/incidents/export.csv"),
        "hearing calendar file": client.get(f"/cases/{case}/hearings/{world.north_hearing}/calendar.ics"),
        "case page": client.get(f"/cases/{case}"),
    }
    for what, response in answers.items():
        assert response.status_code == 200, (what, response.status_code, response.text[:200])
        assert response.headers["cache-control"] == "no-store", what


def test_hole_13_reading_the_debrief_letter_stores_nothing(client: TestClient[Any], settings: Any, world: World) -> None:
    from tests.conftest import audit_events, sql

    def kept() -> int:
        return sql(settings, "SELECT count(*) FROM produced_document")[0][0]

    before = kept()
    api = f"/api/cases/{world.north_case}/debrief-letter"
    assert client.get(api, headers=world.worker.auth).status_code == 200
    sign_in(client, world.worker.email)
    page = f"/cases/{world.north_case}/debrief-letter?member={world.north_member}"
    assert client.get(page).status_code == 200 and client.get(page).status_code == 200
    assert kept() == before, "a GET of the letter wrote a document"
    assert len(audit_events(settings, case_id=world.north_case, action="document.debrief_viewed")) == 3
    made = client.post(f"/cases/{world.north_case}/debrief-letter", follow_redirects=False, data={
        "member": str(world.north_member), "_csrf_token": csrf_token(client, f"/cases/{world.north_case}/debrief")})
    assert made.status_code == 303 and made.headers["location"].endswith("/documents")
    assert kept() == before + 1
    assert client.post(api, headers=world.worker.auth).status_code == 201
    assert kept() == before + 2


def test_hole_14_the_database_and_its_wal_are_as_private_as_the_key(tmp_path: Any) -> None:
    import os
    import stat

    from tests.test_cli_and_setup import ROOT, run_cli

    here = {"PYTHONPATH": str(ROOT)}  # this checkout's courtjourney, whichever one the venv installed
    old = os.umask(0o022)  # the usual umask, whatever the test runner's
    try:
        first = run_cli(tmp_path, "init", "--admin-email", "lead@hub.example", env_extra=here)
        assert first.returncode == 0, first.stderr
        assert run_cli(tmp_path, "demo", "--if-empty", env_extra=here).returncode == 0
        backup = run_cli(tmp_path, "backup", str(tmp_path / "backup.cjbak"), env_extra=here)
    finally:
        os.umask(old)
    var = tmp_path / "var"
    made = [p for p in var.iterdir() if p.name.startswith("cj.db")]
    assert {p.name for p in made} >= {"cj.db"}
    for path in [*made, var / "secret.key"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert backup.returncode == 0, backup.stderr
    [archive] = tmp_path.glob("backup*")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_hole_14_the_wal_and_shared_memory_files_are_private_while_the_service_runs(tmp_path: Any) -> None:
    import asyncio
    import os
    import stat

    from sqlalchemy import text

    from courtjourney.db.engine import make_engine
    from tests.conftest import SECRET, _settings

    settings = _settings(f"sqlite+aiosqlite:///{tmp_path / 'live.db'}", tmp_path)
    assert SECRET

    async def main() -> list[tuple[str, int]]:
        engine = make_engine(settings)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE t (x TEXT)"))
                await conn.execute(text("INSERT INTO t VALUES ('a')"))
            async with engine.connect() as conn:
                await conn.execute(text("SELECT * FROM t"))
                return [(p.name, stat.S_IMODE(p.stat().st_mode)) for p in tmp_path.glob("live.db*")]
        finally:
            await engine.dispose()

    old = os.umask(0o022)
    try:
        modes = asyncio.run(main())
    finally:
        os.umask(old)
    assert {name for name, _ in modes} >= {"live.db", "live.db-wal", "live.db-shm"}
    assert all(mode == 0o600 for _, mode in modes), modes


def test_hole_12_the_csrf_cookie_is_secure_over_https_and_renewed_at_sign_in(settings: Any, world: World) -> None:
    from courtjourney.app import create_app

    assert settings.secure_cookies == "auto"
    with TestClient(create_app(settings), base_url="https://testserver.local") as client:
        first = client.get("/login")
        [csrf] = [c for c in first.headers.get_list("set-cookie") if c.startswith("cj_csrf=")]
        assert "secure" in [p.strip().lower() for p in csrf.split(";")], csrf
        before = client.cookies.get("cj_csrf")
        old_form_token = csrf_token(client)
        sign_in(client, world.worker.email)
        after = client.cookies.get("cj_csrf")
        assert after and after != before, "a new CSRF token comes with the new session"
        assert client.post("/account/calendar", data={"_csrf_token": old_form_token}).status_code == 403
        assert client.post("/account/calendar", data={"_csrf_token": csrf_token(client, "/account/calendar")}).status_code in {200, 201}
    with TestClient(create_app(settings), base_url="http://testserver.local") as plain:
        [csrf] = [c for c in plain.get("/login").headers.get_list("set-cookie") if c.startswith("cj_csrf=")]
        assert "secure" not in csrf.lower(), "auto: plain http (a laptop trial) keeps working"
