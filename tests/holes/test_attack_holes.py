"""Holes found by attacking a running service (issue 17, "Holes found by attack"): one regression test each."""

from __future__ import annotations

import re
from typing import Any

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
