"""The glossary over real HTTP: public pages and API in both languages, bad input, local entries, the .docx."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from litestar.testing import TestClient

from courtjourney.documents.convert import docx_to_pdf, soffice
from courtjourney.glossary.terms import MAX_QUERY, load_terms
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, sign_in, sql

ENGLISH_ONLY = sorted({t.id for t in load_terms("en")} - {t.id for t in load_terms("cy")})[0]


def test_the_public_pages_need_no_sign_in(client: TestClient[Any]) -> None:
    for path in ("/glossary", "/glossary/bail", "/glossary/stage/trial", "/api/glossary?q=bail", "/api/glossary/bail"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 200, f"{path}: {response.status_code}"


def test_index_lists_every_word_and_each_stage(client: TestClient[Any]) -> None:
    page = client.get("/glossary").text
    assert '<html lang="en">' in page
    assert page.count('href="/glossary/') >= len(load_terms("en"))
    assert "Words you may hear at the trial" in page
    assert 'href="/glossary?lang=cy"' in page and 'lang="cy"' in page  # the switch, marked as Welsh


def test_welsh_by_switch_and_by_accept_language(client: TestClient[Any]) -> None:
    by_switch = client.get("/glossary/bail?lang=cy").text
    assert '<html lang="cy">' in by_switch and "Mechnïaeth" in by_switch
    assert "Nid yw siaradwr Cymraeg rhugl wedi gwirio" in by_switch  # not yet reviewed
    by_header = client.get("/glossary/bail", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}).text
    assert '<html lang="cy">' in by_header
    english = client.get("/glossary/bail", headers={"Accept-Language": "fr, en;q=0.1"}).text
    assert '<html lang="en">' in english and "Bail" in english
    # Welsh links keep the reader in Welsh.
    assert "?lang=cy" in by_switch and "?lang=en" in by_switch  # related links, and the switch back


def test_a_missing_welsh_entry_shows_the_english_with_a_welsh_note(client: TestClient[Any]) -> None:
    page = client.get(f"/glossary/{ENGLISH_ONLY}?lang=cy").text
    english = next(t for t in load_terms("en") if t.id == ENGLISH_ONLY)
    assert "Mae&#39;r esboniad hwn yn Saesneg yn unig am y tro." in page
    assert english.definition.replace("'", "&#39;") in page
    assert '<h1 lang="en">' in page


def test_search_forgives_a_misspelling_in_either_language(client: TestClient[Any]) -> None:
    page = client.get("/glossary", params={"q": "ajournment"}).text
    assert 'href="/glossary/adjournment?lang=en"' in page
    welsh = client.get("/api/glossary", params={"q": "ajournment", "lang": "cy"}).json()
    assert welsh[0]["id"] == "adjournment" and welsh[0]["term"] == "Gohiriad" and not welsh[0]["fallback"]


@pytest.mark.parametrize("path,status,field", [
    ("/glossary?q=", 400, "q"), ("/glossary?q=%20%20", 400, "q"), (f"/glossary?q={'a' * (MAX_QUERY + 1)}", 400, "q"),
    ("/glossary?lang=fr", 400, "lang"), ("/glossary/no-such-word", 404, None), ("/glossary/stage/court", 404, None),
    ("/glossary/stage/court/document", 404, None), ("/glossary/bail?lang=xx", 400, "lang"),
])
def test_bad_input_on_pages_is_a_clear_400_or_404(client: TestClient[Any], path: str, status: int, field: str | None) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text[:300]
    assert "Something went wrong" not in response.text
    if field == "q":
        assert 'id="field-q"' in response.text and "error-summary" in response.text


@pytest.mark.parametrize("path,status,field", [
    ("/api/glossary?q=", 400, "q"), (f"/api/glossary?q={'x' * 500}", 400, "q"), ("/api/glossary?lang=de", 400, "lang"),
    ("/api/glossary?stage=court", 400, "stage"), ("/api/glossary/no-such-word", 404, None),
    ("/api/glossary/no-such-word?lang=cy", 404, None),
])
def test_bad_input_on_the_api_is_plain_json(client: TestClient[Any], path: str, status: int, field: str | None) -> None:
    response = client.get(path)
    assert response.status_code == status
    body = response.json()
    assert body["status_code"] == status and body["detail"]
    if field:
        assert field in body["errors"]


def test_api_by_stage_and_one_term(client: TestClient[Any]) -> None:
    trial = client.get("/api/glossary", params={"stage": "trial"}).json()
    assert len(trial) >= 50 and all("trial" in t["stages"] for t in trial)
    welsh = client.get("/api/glossary/section-28", params={"lang": "cy"}).json()
    assert welsh["term"] == "Adran 28" and welsh["locale"] == "cy" and welsh["reviewed"] is False
    fallback = client.get(f"/api/glossary/{ENGLISH_ONLY}", params={"lang": "cy"}).json()
    assert fallback["locale"] == "en" and fallback["fallback"] is True


def test_the_api_is_in_the_openapi_schema_as_public(client: TestClient[Any]) -> None:
    schema = client.get("/schema/openapi.json").json()
    search = schema["paths"]["/api/glossary"]["get"]
    assert search["security"] == [{}]
    assert {p["name"] for p in search["parameters"]} >= {"q", "stage", "lang"}
    assert "/api/glossary/{term_id}" in schema["paths"]
    assert "security" not in schema["paths"]["/api/glossary/local"]["post"] or \
        schema["paths"]["/api/glossary/local"]["post"]["security"] != [{}]


def test_the_stage_document_is_an_accessible_word_file_libreoffice_can_open(client: TestClient[Any]) -> None:
    response = client.get("/glossary/stage/trial/document?lang=cy")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="glossary-trial-cy.docx"' in response.headers["content-disposition"]
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.paragraphs[0].text == "Geiriau y gallech eu clywed yn y treial"
    assert document.core_properties.title == document.paragraphs[0].text
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "cy-GB"
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    trial_words = [t for t in load_terms("en") if "trial" in t.stages]
    assert len(table.rows) == 1 + len(trial_words)
    assert "Adran 28" in [row.cells[0].paragraphs[0].text for row in table.rows]
    assert not any("{{" in p.text or "{%" in p.text for p in document.paragraphs)
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    assert docx_to_pdf(response.content).startswith(b"%PDF")


# --- local entries ------------------------------------------------------------------------------

ENTRY = {"locale": "en", "term": "Court 3", "aliases": "the annexe", "definition": "The small court room at the back.",
         "for_you": "Ask the usher to show you the way.", "stage_trial": "on", "source": ""}


def post_entry(client: TestClient[Any], body: dict[str, str]) -> Any:
    token = csrf_token(client, "/glossary/local/new")
    return client.post("/glossary/local/new", data={**body, "_csrf_token": token}, follow_redirects=False)


def test_a_manager_adds_a_local_entry_that_the_teams_families_can_read(client: TestClient[Any], world: World, settings: Settings) -> None:
    sign_in(client, world.manager.email)
    response = post_entry(client, ENTRY)
    assert response.status_code == 303, response.text[:500]
    assert audit_events(settings, action="glossary.local_added", actor_id=world.manager.id)
    listed = client.get("/glossary/local").text
    assert "Court 3" in listed
    families = re.search(r'href="http[^"]*(/glossary\?[^"]*team=[^"]+)"', listed)
    assert families, "the list gives the address the team's families read"
    key = html.unescape(families.group(1)).split("team=", 1)[1]
    client.cookies.clear()  # signed out: a family of the team, come by that address
    page = client.get("/glossary/stage/trial", params={"team": key}).text
    assert "Court 3" in page and "added by your local support service" in page
    found = client.get("/api/glossary", params={"q": "anexe", "team": key}).json()
    assert found[0]["term"] == "Court 3" and found[0]["local"] is True


def test_a_local_entry_may_not_take_a_shipped_name(client: TestClient[Any], world: World, settings: Settings) -> None:
    sign_in(client, world.manager.email)
    response = post_entry(client, {**ENTRY, "term": "Warned list"})
    assert response.status_code == 400 and "already in the glossary" in response.text
    response = post_entry(client, {**ENTRY, "aliases": "Mechnïaeth"})  # a Welsh shipped name counts too
    assert response.status_code == 400
    response = post_entry(client, {k: v for k, v in ENTRY.items() if k != "stage_trial"})
    assert response.status_code == 400 and "at least one stage" in response.text
    assert sql(settings, "SELECT count(*) FROM glossary_local_entry")[0][0] == 0
    assert client.get("/api/glossary/warned-list").json()["term"] == "Warned list"


def test_workers_cannot_add_local_entries(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.worker.email)
    assert client.get("/glossary/local/new").status_code == 403
    body = {"locale": "en", "term": "Court 9", "definition": "A room.", "for_you": "Ask.", "stages": ["trial"]}
    assert client.post("/api/glossary/local", json=body, headers=world.worker.auth).status_code == 403


def test_the_api_adds_a_local_entry_for_a_team_admin(client: TestClient[Any], world: World) -> None:
    body = {"locale": "cy", "term": "Llys 3", "definition": "Yr ystafell fach yn y cefn.", "for_you": "Gofynnwch i'r tywysydd.",
            "stages": ["trial"], "aliases": ["yr atodiad"]}
    created = client.post("/api/glossary/local", json=body, headers=world.manager.auth)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["id"].startswith("local-") and out["locale"] == "cy" and out["local"] is True
    assert client.get(f"/api/glossary/{out['id']}?lang=cy").status_code == 404  # not without the team's key
    assert client.get(out["url"].replace("/glossary/", "/api/glossary/", 1)).json()["term"] == "Llys 3"
    bad = client.post("/api/glossary/local", json={**body, "term": "Bail"}, headers=world.manager.auth)
    assert bad.status_code == 400 and "term" in bad.json()["errors"]
    missing = client.post("/api/glossary/local", json={**body, "term": "Llys 4", "stages": []}, headers=world.manager.auth)
    assert missing.status_code == 400 and "stages" in missing.json()["errors"]
    assert client.post("/api/glossary/local", json=body).status_code == 401
