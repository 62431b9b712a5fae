"""Documents that went out of date, through real HTTP on both databases: a briefing made before the
hearing moved is marked on the documents page, the hearing page and in the API, until it is made again;
a change the document does not show leaves it alone; a link still open is listed and ended only after a
page that asks first; other teams and bad ids get 404; every step is in the audit trail."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, sign_in
from tests.hearings.helpers import change, hearing_api

#: A Tuesday, two weeks after the small world was built and its briefing made (tests/conftest.py).
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
OLD_DATE = "Describes the old date: Monday 14 December at 10:00."
ASK = "The Witness Service will no longer be able to open this pack. End the link?"


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def documents(client: TestClient[Any], world: World) -> dict[str, dict[str, Any]]:
    response = client.get(f"/api/cases/{world.north_case}/documents", headers=world.worker.auth)
    assert response.status_code == 200, response.text
    return {d["id"]: d for d in response.json()}


def library(client: TestClient[Any], world: World) -> str:
    page = client.get(f"/cases/{world.north_case}/documents")
    assert page.status_code == 200, page.text[:500]
    return page.text


def hearing_page(client: TestClient[Any], world: World) -> str:
    page = client.get(f"/cases/{world.north_case}/hearings/{world.north_hearing}")
    assert page.status_code == 200, page.text[:500]
    return page.text


def move(client: TestClient[Any], world: World) -> None:
    change(client, world, date="2026-12-21", start_time="10:00", reason="the court had no judge free")


def make_pack_and_share(client: TestClient[Any], world: World) -> tuple[str, str, str]:
    """A Witness Service pack (with the family's consent) and a live link to it: (pack id, share id, path)."""
    consent = client.post(f"/api/cases/{world.north_case}/consents", headers=world.worker.auth,
                          json={"organisation_kind": "witness_service", "organisation": "Witness Service", "purpose": "Support at court",
                                "given_by": "Nora", "given_on": "2026-11-01"})
    assert consent.status_code == 201, consent.text
    pack = client.post(hearing_api(world, "/witness-pack"), headers=world.worker.auth, json={})
    assert pack.status_code == 201, pack.text
    shared = client.post(f"/api/cases/{world.north_case}/documents/{pack.json()['id']}/shares",
                         headers=world.worker.auth, json={"organisation": "Witness Service", "recipient": "Wynn"})
    assert shared.status_code == 201, shared.text
    return pack.json()["id"], shared.json()["share"]["id"], shared.json()["url"].split("testserver.local", 1)[1]


def test_a_moved_hearing_marks_its_briefing_out_of_date_until_it_is_made_again(
    client: TestClient[Any], world: World, backend: str
) -> None:
    briefing = str(world.north_document)
    assert documents(client, world)[briefing]["out_of_date"] is False
    assert documents(client, world)[briefing]["out_of_date_reason"] is None
    sign_in(client, world.worker.email)
    assert "Out of date" not in library(client, world) and "Out of date" not in hearing_page(client, world)

    move(client, world)

    doc = documents(client, world)[briefing]
    assert doc["out_of_date"] is True and doc["out_of_date_reason"] == OLD_DATE, doc
    for text in (library(client, world), hearing_page(client, world)):
        assert "Out of date" in text and OLD_DATE in text and "Make it again" in text
        assert f'action="/cases/{world.north_case}/documents/{briefing}/remake"' in text

    remade = client.post(f"/cases/{world.north_case}/documents/{briefing}/remake",
                         data={"_csrf_token": csrf_token(client, "/account")}, follow_redirects=False)
    assert remade.status_code == 303
    docs = documents(client, world)
    [new] = [d for d in docs.values() if d["id"] != briefing]
    assert new["out_of_date"] is False and new["out_of_date_reason"] is None, "made after the change"
    assert docs[briefing]["out_of_date"] is True, "the old copy still describes the old date"
    text = hearing_page(client, world)
    assert "Out of date" not in text and "Monday 21 December" in text, "made again: nothing left to do"
    text = library(client, world)
    assert OLD_DATE in text and "Made again" in text, "the old copy stays, marked, as it was sent"
    assert text.count(">Make it again<") == 0


def test_a_change_the_document_does_not_show_leaves_it_as_it_is(client: TestClient[Any], world: World, backend: str) -> None:
    briefing = str(world.north_document)
    change(client, world, status_reason="Kept on the list by the judge")  # in neither document
    assert documents(client, world)[briefing]["out_of_date"] is False
    move(client, world)
    change(client, world, date="2026-12-14", start_time="10:00", reason="back to the first date after all")
    assert documents(client, world)[briefing]["out_of_date"] is False, "moved and moved back: it is right again"
    sign_in(client, world.worker.email)
    assert "Out of date" not in library(client, world)

    pack, _share, _path = make_pack_and_share(client, world)
    change(client, world, arrival_notes="Side door on Mill Lane", accompanied_by="Bea")
    docs = documents(client, world)
    assert docs[pack]["out_of_date"] is False, "the pack does not show the arrival details"
    assert docs[briefing]["out_of_date"] is True, "the briefing's When you arrive does"
    assert docs[briefing]["out_of_date_reason"] == "Made before the arrival details or who goes with the family changed."


def test_the_reason_says_what_changed(client: TestClient[Any], world: World) -> None:
    briefing = str(world.north_document)
    change(client, world, court_name="Southtown Crown Court", court_town="Southtown",
           court_address="2 High Street, Southtown ST1 1AA", reason="the court building is closed")
    assert documents(client, world)[briefing]["out_of_date_reason"] == "Describes the old place: Northtown Crown Court."
    change(client, world, status="vacated", status_reason="The defendant pleaded guilty.", reason="a guilty plea")
    assert documents(client, world)[briefing]["out_of_date_reason"] == (
        "Describes the old place: Northtown Crown Court. Made before the hearing was called off: vacated.")


def test_an_open_link_is_listed_and_ended_only_after_asking_first(
    client: TestClient[Any], settings: Settings, world: World, backend: str
) -> None:
    pack, share, path = make_pack_and_share(client, world)
    move(client, world)
    sign_in(client, world.worker.email)
    confirm = f"/cases/{world.north_case}/shares/{share}/revoke"
    for text, back in ((library(client, world), "documents"), (hearing_page(client, world), f"hearings/{world.north_hearing}")):
        assert "Still open by link: Wynn, Witness Service" in text
        assert f'href="{confirm}?back=/cases/{world.north_case}/{back}"' in text

    remade = client.post(f"/cases/{world.north_case}/documents/{pack}/remake",
                         data={"_csrf_token": csrf_token(client, "/account")}, follow_redirects=False)
    assert remade.status_code == 303
    text = hearing_page(client, world)
    assert "Made again" in text and "Still open by link: Wynn" in text, "a new pack does not end the old link"

    asked = client.get(f"{confirm}?back=/cases/{world.north_case}/hearings/{world.north_hearing}")
    assert asked.status_code == 200 and ASK in asked.text and "Yes, end the link" in asked.text
    assert client.get(path).status_code == 200, "asking ends nothing"
    assert not audit_events(settings, action="document.share_revoked")

    ended = client.post(confirm, data={"_csrf_token": csrf_token(client, "/account"),
                                       "back": f"/cases/{world.north_case}/hearings/{world.north_hearing}"},
                        follow_redirects=False)
    assert ended.status_code == 303
    assert ended.headers["location"] == f"/cases/{world.north_case}/hearings/{world.north_hearing}?done=revoked"
    assert client.get(path).status_code == 404, "the link is refused once ended"
    assert "Still open by link" not in hearing_page(client, world)
    assert "Made again" not in hearing_page(client, world), "the old pack, made again, its link ended: done"
    assert "Still open by link" not in library(client, world)
    [revoked] = audit_events(settings, action="document.share_revoked")
    assert revoked.actor_id == world.worker.id and str(revoked.target_id) == share and revoked.method == "POST"
    assert str(revoked.case_id) == str(world.north_case)
    assert audit_events(settings, action="document.link_refused"), "the refused use is on the trail"
    reads = [e for e in audit_events(settings, action="case.read", case_id=world.north_case) if "/shares/" in (e.route or "")]
    assert reads, "showing the question is a read of the case, on the trail"

    again = client.get(confirm)
    assert again.status_code == 200 and ASK not in again.text and "There is nothing to end" in again.text
    twice = client.post(confirm, data={"_csrf_token": csrf_token(client, "/account")}, follow_redirects=False)
    assert twice.status_code == 303, "a second press (an old tab) is harmless"
    assert [e.outcome for e in audit_events(settings, action="document.share_revoked")] == ["ok", "unchanged"]
    assert documents(client, world)[pack]["out_of_date"] is True


def test_the_way_back_stays_inside_the_case(client: TestClient[Any], world: World) -> None:
    _pack, share, _path = make_pack_and_share(client, world)
    sign_in(client, world.worker.email)
    confirm = f"/cases/{world.north_case}/shares/{share}/revoke"
    for bad in ("https://evil.example/", "//evil.example", f"/cases/{world.south_case}/documents",
                f"/cases/{world.north_case}/documents/../../x"):
        page = client.get(confirm, params={"back": bad})
        assert page.status_code == 200
        assert re.search(rf'name="back" value="/cases/{world.north_case}/documents"', page.text), bad
    ended = client.post(confirm, data={"_csrf_token": csrf_token(client, "/account"), "back": "https://evil.example/"},
                        follow_redirects=False)
    assert ended.headers["location"] == f"/cases/{world.north_case}/documents?done=revoked"
    assert "The link is ended" in client.get(ended.headers["location"]).text


def test_another_team_and_bad_ids_get_404_and_nothing_is_ended(
    client: TestClient[Any], settings: Settings, world: World, backend: str
) -> None:
    _pack, share, path = make_pack_and_share(client, world)
    sign_in(client, "worker@south.example")
    token = csrf_token(client, "/account")
    for url in (f"/cases/{world.north_case}/shares/{share}/revoke",
                f"/cases/{world.south_case}/shares/{share}/revoke"):  # her own case, another team's link
        assert client.get(url).status_code == 404
        assert client.post(url, data={"_csrf_token": token}).status_code == 404
    assert client.get(f"/api/cases/{world.north_case}/documents", headers=world.outsider.auth).status_code == 404
    assert client.get(path).status_code == 200, "the link still works"
    assert audit_events(settings, action="case.denied", case_id=world.north_case)

    sign_in(client, world.worker.email)
    token = csrf_token(client, "/account")
    for bad in (str(uuid.uuid4()), "not-an-id", str(world.north_document)):
        url = f"/cases/{world.north_case}/shares/{bad}/revoke"
        assert client.get(url).status_code == 404, bad
        assert client.post(url, data={"_csrf_token": token}).status_code == 404, bad
    assert client.get(f"/cases/{uuid.uuid4()}/shares/{share}/revoke").status_code == 404
    assert not audit_events(settings, action="document.share_revoked")


def test_a_new_address_for_the_same_court_says_the_old_address(client: TestClient[Any], world: World) -> None:
    change(client, world, court_address="3 New Road, Northtown NT1 2BB")
    assert documents(client, world)[str(world.north_document)]["out_of_date_reason"] == (
        "Describes the old address: 1 Court Street, Northtown NT1 1AA.")


def test_the_reason_is_in_welsh_for_a_welsh_reader(client: TestClient[Any], world: World) -> None:
    move(client, world)
    sign_in(client, world.worker.email)
    chose = client.post("/account/language", data={"locale": "cy", "_csrf_token": csrf_token(client, "/account")},
                        follow_redirects=False)
    assert chose.status_code == 303
    doc = documents(client, world)[str(world.north_document)]
    assert doc["out_of_date_reason"].startswith("Mae'n disgrifio'r hen ddyddiad: Dydd Llun 14 Rhagfyr am 10:00."), doc["out_of_date_reason"]
    assert "Wedi dyddio" in library(client, world) and "Wedi dyddio" in hearing_page(client, world)


def test_a_briefing_made_for_a_warned_list_names_its_old_window(client: TestClient[Any], world: World) -> None:
    change(client, world, listing="warned", window_start="2027-01-04", window_end="2027-01-15", reason="put in the warned list")
    made = client.post(hearing_api(world, "/briefings"), headers=world.worker.auth)
    assert made.status_code == 201, made.text
    [briefing] = made.json()
    assert documents(client, world)[briefing["id"]]["out_of_date"] is False, "made after the change"
    change(client, world, listing="fixed", date="2027-01-06", start_time="10:30", reason="given a fixed date")
    assert documents(client, world)[briefing["id"]]["out_of_date_reason"] == (
        "Describes the old date: any day from Monday 4 January to Friday 15 January.")
