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
