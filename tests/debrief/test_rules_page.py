"""The rules page (/rules) and GET /api/rules: every row of the law's numbers with its source, dates in force,
checked and confirmed status, for staff only."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from courtjourney import law
from tests.conftest import World, sign_in


def test_the_api_lists_every_row_with_its_source_dates_and_status(client: TestClient[Any], world: World) -> None:
    response = client.get("/api/rules", headers=world.worker.auth)
    assert response.status_code == 200, response.text
    rows = {r["ref"]: r for r in response.json()}
    assert len(rows) == len(law.ROWS)
    uls = rows["uls.days@always"]
    assert uls["value"] == "28" and uls["checked"] and uls["confirmed"] and uls["in_use"]
    assert "Criminal Justice Act 1988" in uls["law"] and uls["source"] == "G1" and uls["source_text"]
    assert rows["release.sds40@2024-09-10"]["since"] == "2024-09-10" and rows["release.sds40@2024-09-10"]["value"] == "2/5"
    pending = rows["release.standard@not-commenced"]
    assert pending["confirmed"] is False and pending["checked"] is False and pending["value"] == "1/3"
    assert rows["ro.breach_magistrates_months@always"]["until"] == "2024-11-17"


def test_the_rules_page_shows_the_rows_and_names_the_unchecked_ones(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.worker.email)
    page = client.get("/rules")
    assert page.status_code == 200
    assert "Criminal Injuries Compensation Scheme 2012 para 88" in page.text
    assert "not yet checked against the law" in page.text and "cica.apply_before_age" in page.text
    assert "Start not confirmed" in page.text  # the Sentencing Act 2026 row


def test_the_rules_are_for_signed_in_staff_only(client: TestClient[Any]) -> None:
    assert client.get("/api/rules").status_code == 401
    assert client.get("/rules", follow_redirects=False).status_code in {302, 303, 401}
