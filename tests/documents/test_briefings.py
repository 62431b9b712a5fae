"""Parent briefings and Witness Service packs: opened by python-docx and LibreOffice, read for plain language,
kept byte for byte, shared by links that expire."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import statistics
from typing import Any

import pytest
import time_machine
from docx import Document
from docx.oxml.ns import qn
from litestar.testing import TestClient

from courtjourney.documents import convert, engine
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, sql
from tests import readability
from tests.hearings.helpers import change, hearing_api

HOSTILE = "Side door & <back> gate “Mill Lane” 😀 ŵ ŷ"


def doc_text(body: bytes) -> tuple[Any, str]:
    document = Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document, "\n".join(parts)


def language(document: Any) -> str:
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    return rpr.find(qn("w:lang")).get(qn("w:val"))


def download(client: TestClient[Any], world: World, doc_id: str) -> bytes:
    response = client.get(f"/api/cases/{world.north_case}/documents/{doc_id}", headers=world.worker.auth)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(engine.DOCX_MEDIA_TYPE)
    assert hashlib.sha256(response.content).hexdigest() == response.headers["x-content-sha256"]
    return response.content


def make_briefings(client: TestClient[Any], world: World) -> list[dict[str, Any]]:
    response = client.post(hearing_api(world, "/briefings"), headers=world.worker.auth)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_parent_briefing_is_accessible_plain_and_complete(client: TestClient[Any], world: World) -> None:
    client.post(f"/api/cases/{world.north_case}/special-measures", headers=world.worker.auth,
                json={"measure": "live_link", "status": "granted"})
    change(client, world, arrival_notes=HOSTILE, accompanied_by="Bea from the support service")
    [made] = make_briefings(client, world)
    assert made["lang"] == "en" and made["kind"] == "briefing"
    document, text = doc_text(download(client, world, made["id"]))
    assert language(document) == "en-GB"
    assert document.core_properties.title == made["title"] == "Your trial: Monday 14 December at 10:00"
    levels = [int(p.style.name.split()[-1]) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert document.styles["Normal"].font.size.pt >= 12 and document.styles["Normal"].font.name == "Arial"
    for expected in ("Dear Nora,", "Monday 14 December at 10:00", "1 Court Street, Northtown NT1 1AA", HOSTILE,
                     "speak to the court by video", "Wren Worker", "worker@north.example", "jury"):
        assert expected in text, expected
    assert "Northfield" not in text.replace("Dear Nora,", ""), "no surnames beyond what the worker wrote"
    words = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert words[0] == ["Word", "What it means"] and "Words used in this letter" in text
    terms = [w[0] for w in words[1:]]
    assert "Crown Court" in terms and "Jury" in terms, terms
    assert terms.index("Crown Court") < terms.index("Jury"), "in order of first use"
    grade = readability.grade(text)
    print(f"\nparent briefing: Flesch-Kincaid grade {grade:.1f}")
    assert grade <= 8, grade


def test_the_briefing_is_made_off_data_and_refuses_to_guess(client: TestClient[Any], settings: Settings, world: World) -> None:
    change(client, world, court_address=None, reason="x")
    before = sql(settings, "SELECT count(*) FROM produced_document")
    response = client.post(hearing_api(world, "/briefings"), headers=world.worker.auth)
    assert response.status_code == 400 and "court's address" in response.text
    assert sql(settings, "SELECT count(*) FROM produced_document") == before
    client.put(hearing_api(world, "/attendance"), headers=world.worker.auth,
               json=[{"family_member_id": str(world.north_member), "attendance": "following"}])
    change(client, world, court_address="1 Court Street", reason="x")
    nobody = client.post(hearing_api(world, "/briefings"), headers=world.worker.auth)
    assert nobody.status_code == 400 and "Nobody is going" in nobody.text


def test_every_template_variable_comes_from_its_builder(world: World, settings: Settings) -> None:
    from courtjourney.hearings import briefings

    class Worker:
        full_name, phone, email = "W", None, "w@example.org"

    class Member:
        name, preferred_language, relationship_to_child, access_needs = "Nora N", "en", "mother", None

    class Hearing:
        court_address, listing, starts_at, window_start, window_end = "1 Street", "fixed", dt.datetime(2026, 12, 14, 10, tzinfo=dt.UTC), None, None
        status, hearing_type, court_name, courtroom, arrival_notes, accompanied_by = "listed", "trial", "Court", None, None, None

    class Case:
        child_name, birth_date = "Nell N", dt.date(2012, 1, 1)

    context, _lang, _title = briefings.briefing_context(Case(), Hearing(), Member(), Worker(), [], "crown")  # type: ignore[arg-type]
    assert engine.undeclared_variables("parent_briefing") <= set(context)
    pack, _ = briefings.witness_pack_context(Case(), Hearing(), [(Member(), "needed")], [], Worker(), {}, [], dt.date(2026, 11, 1))  # type: ignore[arg-type,list-item]
    assert engine.undeclared_variables("witness_pack") <= set(pack)


def test_the_witness_service_pack_needs_consent_and_holds_only_what_they_need(client: TestClient[Any], world: World) -> None:
    url = hearing_api(world, "/witness-pack")
    refused = client.post(url, headers=world.worker.auth, json={})
    assert refused.status_code == 400 and "consent to share with the Witness Service" in refused.text
    consent = client.post(f"/api/cases/{world.north_case}/consents", headers=world.worker.auth,
                          json={"organisation_kind": "witness_service", "organisation": "Citizens Advice Witness Service", "purpose": "Support at court",
                                "given_by": "Nora", "given_on": "2026-11-01"})
    assert consent.status_code == 201
    client.post(f"/api/cases/{world.north_case}/family-members", headers=world.worker.auth,
                json={"name": "Nico Northfield", "relationship_to_child": "father", "preferred_language": "en",
                      "access_needs": "Uses a wheelchair"})
    made = client.post(url, headers=world.worker.auth, json={"separate_entrance": True, "keep_apart": "the defendant's family"})
    assert made.status_code == 201, made.text
    document, text = doc_text(download(client, world, made.json()["id"]))
    header = document.sections[0].header.paragraphs[0].text
    footer = document.sections[0].footer.paragraphs[0].text
    assert header == footer == "OFFICIAL-SENSITIVE"
    for expected in ("Nell", "Nora", "A separate entrance is arranged.", "the defendant's family", "Wren Worker", "Who is coming"):
        assert expected in text, expected
    for secret in ("Northfield", "Defendant A", "12AB3456789", "Uses a wheelchair"):
        assert secret not in text, secret  # the father is not going: his needs stay out
    assert document.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    withdrawn = client.get(f"/api/cases/{world.north_case}/consents", headers=world.worker.auth).json()
    consent_id = [c["id"] for c in withdrawn if c["organisation_kind"] == "witness_service"][0]
    client.post(f"/api/cases/{world.north_case}/consents/{consent_id}/withdrawal", headers=world.worker.auth,
                json={"withdrawn_on": dt.date.today().isoformat()})
    again = client.post(url, headers=world.worker.auth, json={})
    assert again.status_code == 400, "withdrawn consent stops the next pack"


def test_a_shared_link_works_for_72_hours_for_one_document_and_every_use_is_logged(
    client: TestClient[Any], settings: Settings, world: World
) -> None:
    made = client.post(f"/api/cases/{world.north_case}/documents/{world.north_document}/shares", headers=world.worker.auth,
                       json={"organisation": "Citizens Advice Witness Service", "recipient": "Wynn"})
    assert made.status_code == 201
    link = made.json()["url"]
    path = link.split("testserver.local", 1)[1]
    stored = download(client, world, str(world.north_document))
    first = client.get(path)
    assert first.status_code == 200 and first.content == stored, "the recipient gets the stored bytes exactly"
    assert client.get(path).status_code == 200
    assert len(audit_events(settings, case_id=world.north_case, action="document.link_used")) == 2
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start + dt.timedelta(hours=71, minutes=50), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=72, minutes=5), tick=False):
        assert client.get(path).status_code == 404
    for wrong in (path[:-8] + "zzzz.docx", "/shared/cjdoc_nothing.docx", path.removesuffix(".docx")):
        assert client.get(wrong).status_code == 404
    share_id = made.json()["share"]["id"]
    fresh = client.post(f"/api/cases/{world.north_case}/documents/{world.north_document}/shares", headers=world.worker.auth,
                        json={"organisation": "Witness Service", "recipient": "Wynn"}).json()
    from tests.conftest import csrf_token, sign_in

    sign_in(client, world.worker.email)
    revoke = client.post(f"/cases/{world.north_case}/shares/{fresh['share']['id']}/revoke",
                         data={"_csrf_token": csrf_token(client, "/account")}, follow_redirects=False)
    assert revoke.status_code == 303
    assert client.get(fresh["url"].split("testserver.local", 1)[1]).status_code == 404
    assert share_id != fresh["share"]["id"]
    assert link not in str(sql(settings, "SELECT * FROM document_share"))


def test_making_again_keeps_the_old_copy(client: TestClient[Any], settings: Settings, world: World) -> None:
    from tests.conftest import csrf_token, sign_in

    old = download(client, world, str(world.north_document))
    change(client, world, courtroom="9", reason="x")
    sign_in(client, world.worker.email)
    remade = client.post(f"/cases/{world.north_case}/documents/{world.north_document}/remake",
                         data={"_csrf_token": csrf_token(client, "/account")}, follow_redirects=False)
    assert remade.status_code == 303
    docs = client.get(f"/api/cases/{world.north_case}/documents", headers=world.worker.auth).json()
    assert len(docs) == 2
    assert download(client, world, str(world.north_document)) == old
    newest = download(client, world, docs[0]["id"])
    assert "Courtroom 9." in doc_text(newest)[1] and "Courtroom 9." not in doc_text(old)[1]
    raw = str(sql(settings, "SELECT content, title FROM produced_document"))
    assert "Nora" not in raw and "Your trial" not in raw, "documents are encrypted at rest"
    library = client.get(f"/cases/{world.north_case}/documents")
    assert library.status_code == 200 and "Your trial" in library.text


@pytest.mark.skipif(convert.soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_briefing_and_the_pack(client: TestClient[Any], world: World) -> None:
    client.post(f"/api/cases/{world.north_case}/consents", headers=world.worker.auth,
                json={"organisation_kind": "witness_service", "organisation": "Witness Service", "purpose": "Court", "given_by": "Nora", "given_on": "2026-11-01"})
    pack = client.post(hearing_api(world, "/witness-pack"), headers=world.worker.auth, json={}).json()
    for doc_id, words in ((str(world.north_document), "Dear Nora,"), (pack["id"], "For the Witness Service only")):
        body = download(client, world, doc_id)
        pdf = convert.docx_to_pdf(body)
        assert pdf.startswith(b"%PDF") and len(pdf) > 1000
        text = convert.docx_to_text(body)
        assert words in text and "Northtown Crown Court" in text


def test_the_preview_renders_every_template_in_each_language(tmp_path: Any, settings: Settings) -> None:
    from courtjourney.previews import PREVIEWS, preview_all

    written = preview_all(settings, tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == ["debrief_not_prosecuted.cy.docx", "debrief_not_prosecuted.en.docx", "debrief_outcome.cy.docx",
                     "debrief_outcome.en.docx", "glossary.cy.docx", "glossary.en.docx", "parent_briefing.cy.docx",
                     "parent_briefing.en.docx", "police_export.en.docx", "witness_pack.en.docx"]
    assert set(PREVIEWS) == {p.stem for p in engine.TEMPLATES_DIR.glob("*.docx")}, "every template has a preview"
    for path in written:
        document, text = doc_text(path.read_bytes())
        assert language(document) == ("cy-GB" if ".cy." in path.name else "en-GB")
        if path.name.startswith("parent_briefing"):
            assert "Robin" not in text and "Sam" in text, "a briefing is addressed to the parent by first name"


def test_a_welsh_speaking_parent_gets_a_welsh_briefing(client: TestClient[Any], world: World) -> None:
    member = client.post(f"/api/cases/{world.north_case}/family-members", headers=world.worker.auth,
                         json={"name": "Mererid Northfield", "relationship_to_child": "grandparent", "preferred_language": "cy"}).json()
    client.put(hearing_api(world, "/attendance"), headers=world.worker.auth,
               json=[{"family_member_id": member["id"], "attendance": "attending"}])
    listed = make_briefings(client, world)
    assert [d["lang"] for d in listed] == ["en", "cy"], "one each, in the order the family members were added"
    made = {d["lang"]: d for d in listed}
    document, text = doc_text(download(client, world, made["cy"]["id"]))
    assert language(document) == "cy-GB"
    assert "Mererid" in text and "Rhagfyr" in text, "dates in Welsh"
    english, _ = doc_text(download(client, world, made["en"]["id"]))[1], None
    for line in ("This letter tells you about the next court hearing.", "What to bring", "Who will be there"):
        assert line in english and line not in text, line
