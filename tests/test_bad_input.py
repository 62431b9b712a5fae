"""Wrong input gets a 400 with a plain-English message per field, never a 500, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, csrf_token, sign_in, sql

CASE_TABLES = ["case_record", "family_member", "risk_assessment", "case_contact", "consent", "stage_move", "case_task"]


def counts(settings: Settings) -> dict[str, int]:
    return {t: sql(settings, f"SELECT count(*) FROM {t}")[0][0] for t in CASE_TABLES}


BAD_API_BODIES = [
    # (path under the case, body, field that must be named)
    ("/stage-moves", {"to_stage": "the moon"}, "to_stage"),
    ("/stage-moves", {"to_stage": 7}, "to_stage"),
    ("/stage-moves", {"to_stage": "outcome"}, "reason"),
    ("/stage-moves", {}, "to_stage"),
    ("/tasks", {"title": ""}, "title"),
    ("/tasks", {"title": "x" * 301}, "title"),
    ("/tasks", {"title": "ok", "due_on": "31/12/2026"}, "due_on"),
    ("/tasks", {"title": "ok", "assigned_to_id": "not-an-id"}, "assigned_to_id"),
    ("/tasks", {"title": "ok", "unexpected": 1}, "unexpected"),
    ("/family-members", {"name": "A", "relationship_to_child": "neighbour", "preferred_language": "en"}, "relationship_to_child"),
    ("/family-members", {"name": "A", "relationship_to_child": "mother", "preferred_language": "fr"}, "preferred_language"),
    ("/family-members", {"name": None, "relationship_to_child": "mother", "preferred_language": "en"}, "name"),
    ("/contacts", {"role": "isva", "name": "A", "email": "not an email"}, "email"),
    ("/contacts", {"role": "isva", "name": "A"}, "phone"),
    ("/consents", {"organisation_kind": "police", "organisation": "P", "purpose": "x", "given_by": "x", "given_on": "2999-01-01"}, "given_on"),
    ("/risk-assessments", {"level": "extreme", "assessed_on": "2026-01-01"}, "level"),
    ("/risk-assessments", {"level": "low", "assessed_on": "2026-02-30"}, "assessed_on"),
    ("/risk-assessments", {"level": "low", "assessed_on": "2026-01-01", "notes": "n\x00"}, "notes"),
]


@pytest.mark.parametrize("path,body,field", BAD_API_BODIES)
def test_bad_api_input_names_the_field_in_plain_english_and_changes_nothing(
    client: TestClient[Any], settings: Settings, world: World, path: str, body: dict[str, Any], field: str
) -> None:
    before = counts(settings)
    response = client.post(f"/api/cases/{world.north_case}{path}", headers=world.worker.auth, json=body)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert field in errors, errors
    message = errors[field]
    assert message[0].isupper() or message.startswith(("must", "is")), message
    assert "`" not in message and "$." not in message and "Traceback" not in message, message
    assert counts(settings) == before


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2, 3]", b'"a string"', b"null"])
def test_malformed_json_is_a_400_not_a_500(client: TestClient[Any], world: World, raw: bytes) -> None:
    response = client.post(f"/api/cases/{world.north_case}/tasks", headers={**world.worker.auth, "Content-Type": "application/json"}, content=raw)
    assert response.status_code == 400, response.text
    assert response.json()["errors"]


@pytest.mark.parametrize("content_type", [None, "application/json"])
def test_a_request_with_no_body_is_asked_for_one_in_plain_english(
    client: TestClient[Any], settings: Settings, world: World, content_type: str | None
) -> None:
    """Found by the fuzz (tests/fuzz): no body at all used to answer "body: is not valid."."""
    before = counts(settings)
    headers = {**world.worker.auth, **({"Content-Type": content_type} if content_type else {})}
    response = client.post(f"/api/cases/{world.north_case}/tasks", headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == {"body": "There is no request body. Send a JSON object."}
    assert counts(settings) == before


def test_an_oversized_body_is_refused(client: TestClient[Any], settings: Settings, world: World) -> None:
    before = counts(settings)
    response = client.post(f"/api/cases/{world.north_case}/tasks", headers=world.worker.auth, json={"title": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert counts(settings) == before


@pytest.mark.parametrize("path", ["/api/cases/not-a-uuid", "/api/cases/00000000-0000-0000-0000-000000000000", "/api/nothing-here"])
def test_unknown_addresses_are_404(client: TestClient[Any], world: World, path: str) -> None:
    response = client.get(path, headers=world.worker.auth)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_unknown_task_under_a_real_case_is_404(client: TestClient[Any], world: World) -> None:
    response = client.patch(f"/api/cases/{world.north_case}/tasks/00000000-0000-7000-8000-000000000000", headers=world.worker.auth, json={"done": True})
    assert response.status_code == 404


def test_assigning_a_task_to_someone_off_the_case_is_refused(client: TestClient[Any], world: World) -> None:
    response = client.post(f"/api/cases/{world.north_case}/tasks", headers=world.worker.auth,
                           json={"title": "Visit", "assigned_to_id": str(world.outsider.id)})
    assert response.status_code == 400
    assert "assigned_to_id" in response.json()["errors"]


def test_a_page_form_with_mistakes_shows_an_error_summary_linking_to_each_field(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    before = counts(settings)
    token = csrf_token(client, f"/cases/{world.north_case}/family/new")
    response = client.post(f"/cases/{world.north_case}/family/new",
                           data={"name": "", "relationship_to_child": "nobody", "preferred_language": "en", "_csrf_token": token})
    assert response.status_code == 400
    page = response.text
    assert 'class="error-summary"' in page
    for field in ("name", "relationship_to_child"):
        assert f'href="#field-{field}"' in page
        assert f'id="field-{field}"' in page
        assert f'id="error-{field}"' in page
    assert "<title>Error:" in page
    assert counts(settings) == before


def test_a_page_form_without_its_csrf_token_saves_nothing(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    before = counts(settings)
    response = client.post(f"/cases/{world.north_case}/stage", data={"to_stage": "disclosure"})
    assert response.status_code == 403
    assert "Nothing was saved" in response.text or "nothing was saved" in response.text
    assert counts(settings) == before


def test_a_stage_move_that_the_journey_refuses_explains_why(client: TestClient[Any], world: World) -> None:
    response = client.post(f"/api/cases/{world.north_case}/stage-moves", headers=world.worker.auth, json={"to_stage": "risk_assessment"})
    assert response.status_code == 400
    assert "already at this stage" in response.json()["errors"]["to_stage"]


def test_every_api_operation_documents_the_errors_it_can_give(client: TestClient[Any]) -> None:
    """The OpenAPI description lists each error answer with its real body (ErrorOut), so a client,
    and the fuzz (tests/fuzz), can hold every answer to it."""
    schema = client.get("/schema/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {"status_code", "detail"}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            answers = operation["responses"]
            public = operation.get("security") == [{}]
            expected = {"429"} | ({"404", "400"} if "{" in path else set()) | (set() if public else {"401"})
            if "requestBody" in operation:
                expected |= {"400", "413"}
            assert expected <= set(answers), (method, path, sorted(answers))
            for status in expected:
                assert answers[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert "403" in schema["paths"]["/api/glossary/local"]["post"]["responses"]
