"""A team's own glossary entries (issue 17, hole 10): seen only by that team's families, looked after by that
team's managers (change and remove, each audited), and kept to a size."""

from __future__ import annotations

import html
import io
import uuid
from typing import Any

import pytest
from docx import Document
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import PASSWORD, Person, World, audit_events, csrf_token, in_db, lasting_api_token, sign_in, sql
from tests.hearings.helpers import hearing_api

NORTH = {"locale": "en", "term": "Court 3", "aliases": "the annexe", "definition": "The small court room at the back.",
         "for_you": "Ask the usher to show you the way.", "stage_trial": "on", "source": ""}


def post_entry(client: TestClient[Any], body: dict[str, str], path: str = "/glossary/local/new") -> Any:
    token = csrf_token(client, path)
    return client.post(path, data={**body, "_csrf_token": token}, follow_redirects=False)


def team_id(settings: Settings, name: str) -> uuid.UUID:
    from sqlalchemy import select

    from courtjourney.accounts.models import Team

    async def work(db: Any) -> uuid.UUID:
        return (await db.scalars(select(Team.id).where(Team.name == name))).one()

    return in_db(settings, work)


def entry_id_of(settings: Settings, term: str) -> str:
    from sqlalchemy import select

    from courtjourney.glossary.models import LocalEntry

    async def work(db: Any) -> str:
        return str((await db.scalars(select(LocalEntry.id).where(LocalEntry.term == term))).one())

    return in_db(settings, work)


def family_link(settings: Settings, team: str, lang: str = "en") -> str:
    """The glossary address a family of `team` is given (the key is made here: on main there was none)."""
    from courtjourney.glossary.pages import family_glossary_url

    return family_glossary_url(team_id(settings, team), lang)


def north_entry(client: TestClient[Any], world: World, settings: Settings, body: dict[str, str] = NORTH) -> str:
    sign_in(client, world.manager.email)
    response = post_entry(client, body)
    assert response.status_code == 303, response.text[:500]
    client.cookies.clear()
    return entry_id_of(settings, body["term"])


@pytest.fixture
def south_manager(settings: Settings, world: World) -> Person:
    from courtjourney.accounts import services as accounts

    async def make(db: Any) -> Person:
        south = await accounts.get_or_create_team(db, "South Hub")
        user = await accounts.create_user(db, email="manager@south.example", full_name="Sam South", password=PASSWORD,
                                          role="manager", team=south)
        token = await lasting_api_token(db, user)
        return Person(user.id, user.email, token)

    return in_db(settings, make)


def test_a_teams_entry_never_reaches_the_public_nor_another_teams_family(
    client: TestClient[Any], world: World, settings: Settings
) -> None:
    entry_id = north_entry(client, world, settings)
    for path in ("/glossary", "/glossary/stage/trial", "/glossary?q=anexe"):
        page = client.get(path)
        assert page.status_code == 200 and "Court 3" not in page.text, path
    assert client.get(f"/glossary/local-{entry_id}").status_code == 404
    assert client.get(f"/api/glossary/local-{entry_id}").status_code == 404
    assert all(t["term"] != "Court 3" for t in client.get("/api/glossary").json())
    assert all(t["term"] != "Court 3" for t in client.get("/api/glossary", params={"q": "anexe"}).json())
    printed = Document(io.BytesIO(client.get("/glossary/stage/trial/document").content))
    assert all("Court 3" not in c.text for t in printed.tables for r in t.rows for c in r.cells)

    south = family_link(settings, "South Hub")
    query = south.split("?", 1)[1]
    for path in (south, f"/glossary/stage/trial?{query}", f"/glossary?q=anexe&{query}"):
        page = client.get(path)
        assert page.status_code == 200 and "Court 3" not in page.text, path
    assert client.get(f"/glossary/local-{entry_id}?{query}").status_code == 404
    assert all(t["term"] != "Court 3" for t in client.get(f"/api/glossary?q=anexe&{query}").json())
    # A key we did not make (North's id with South's signature, or bent) reads as no key: national words only.
    north_id = team_id(settings, "North Hub").hex
    forged = f"{north_id}.{query.split('team=', 1)[1].split('.', 1)[1]}"
    for key in (forged, north_id, f"{north_id}.x", "nonsense"):
        page = client.get("/glossary/stage/trial", params={"team": key})
        assert page.status_code == 200 and "Court 3" not in page.text and "team=" not in page.text, key


def test_the_teams_own_family_sees_its_entry_and_keeps_seeing_it_as_they_read_on(
    client: TestClient[Any], world: World, settings: Settings
) -> None:
    entry_id = north_entry(client, world, settings)
    north = family_link(settings, "North Hub")
    query = north.split("?", 1)[1]
    index = html.unescape(client.get(north).text)
    assert "Court 3" in index and f'href="/glossary/local-{entry_id}?{query}"' in index
    assert f'name="team" value="{query.split("team=", 1)[1]}"' in index  # the search keeps the team
    term = html.unescape(client.get(f"/glossary/local-{entry_id}?{query}").text)
    assert "The small court room at the back." in term and "added by your local support service" in term
    assert f"/glossary?{query}" in term  # the way back keeps it too, as does the switch to Welsh
    assert "Court 3" in client.get(f"/glossary/stage/trial?{query}").text
    assert "Court 3" in client.get(f"/glossary?q=anexe&{query}").text
    found = client.get(f"/api/glossary?q=anexe&{query}").json()
    assert found[0]["term"] == "Court 3" and found[0]["local"] is True and query in found[0]["url"]
    printed = Document(io.BytesIO(client.get(f"/glossary/stage/trial/document?{query}").content))
    assert any("Court 3" in c.text for t in printed.tables for r in t.rows for c in r.cells)


def test_a_briefing_lists_its_own_teams_words_only(client: TestClient[Any], world: World, settings: Settings) -> None:
    north_entry(client, world, settings, {**NORTH, "term": "Northtown Crown Court", "aliases": ""})
    south = team_id(settings, "South Hub")

    async def south_words(db: Any) -> None:  # a South entry named in North's letter must stay out of it
        from courtjourney.glossary.models import LocalEntry

        db.add(LocalEntry(team_id=south, locale="en", term="Court Street", aliases=[],
                          definition="A street.", for_you="Ask.", stages=["trial"], source=""))

    in_db(settings, south_words)
    made = client.post(hearing_api(world, "/briefings"), headers=world.worker.auth)
    assert made.status_code == 201, made.text
    body = client.get(f"/api/cases/{world.north_case}/documents/{made.json()[0]['id']}", headers=world.worker.auth)
    document = Document(io.BytesIO(body.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "1 Court Street" in text
    terms = [row.cells[0].text for row in document.tables[0].rows[1:]]
    assert "Northtown Crown Court" in terms and "Court Street" not in terms, terms


def test_the_teams_manager_changes_and_removes_its_entry_after_confirming(
    client: TestClient[Any], world: World, settings: Settings
) -> None:
    entry_id = north_entry(client, world, settings)
    sign_in(client, world.manager.email)
    listed = client.get("/glossary/local").text
    assert f"/glossary/local/{entry_id}/change" in listed and f"/glossary/local/{entry_id}/remove" in listed
    assert "team=" in listed  # the address to give families
    form = client.get(f"/glossary/local/{entry_id}/change").text
    assert 'value="Court 3"' in form and "the annexe" in form
    changed = post_entry(client, {**NORTH, "term": "Court Three", "definition": "The court room at the back."},
                         f"/glossary/local/{entry_id}/change")
    assert changed.status_code == 303 and changed.headers["location"] == "/glossary/local?done=changed"
    assert sql(settings, "SELECT term, definition FROM glossary_local_entry") == [
        ("Court Three", "The court room at the back.")]
    assert audit_events(settings, action="glossary.local_changed", actor_id=world.manager.id)
    assert "Entry changed." in client.get("/glossary/local?done=changed").text
    # Keeping its own name is no clash with itself.
    assert post_entry(client, {**NORTH, "term": "Court Three"}, f"/glossary/local/{entry_id}/change").status_code == 303

    confirm = client.get(f"/glossary/local/{entry_id}/remove")
    assert confirm.status_code == 200 and "Court Three" in confirm.text and "Remove the entry" in confirm.text
    assert sql(settings, "SELECT count(*) FROM glossary_local_entry")[0][0] == 1  # asking removes nothing
    removed = post_entry(client, {}, f"/glossary/local/{entry_id}/remove")
    assert removed.status_code == 303 and removed.headers["location"] == "/glossary/local?done=removed"
    assert sql(settings, "SELECT count(*) FROM glossary_local_entry")[0][0] == 0
    [event] = audit_events(settings, action="glossary.local_removed", actor_id=world.manager.id)
    assert str(event.target_id) == entry_id
    assert client.get(f"/glossary/local/{entry_id}/change").status_code == 404


def test_another_team_and_workers_get_404_on_an_entry(
    client: TestClient[Any], world: World, settings: Settings, south_manager: Person
) -> None:
    entry_id = north_entry(client, world, settings)
    for who in (south_manager, world.outsider, world.worker):
        client.cookies.clear()
        sign_in(client, who.email)
        for path in (f"/glossary/local/{entry_id}/change", f"/glossary/local/{entry_id}/remove"):
            assert client.get(path).status_code == 404, (who.email, path)
        token = csrf_token(client, "/account")
        for path, body in ((f"/glossary/local/{entry_id}/change", {**NORTH, "term": "Hijacked"}),
                           (f"/glossary/local/{entry_id}/remove", {})):
            assert client.post(path, data={**body, "_csrf_token": token}).status_code == 404, (who.email, path)
    client.cookies.clear()
    sign_in(client, south_manager.email)
    assert "Court 3" not in client.get("/glossary/local").text
    assert sql(settings, "SELECT term FROM glossary_local_entry") == [("Court 3",)]
    assert not audit_events(settings, action="glossary.local_changed")
    assert not audit_events(settings, action="glossary.local_removed")
    # South may use the same name for its own room: names clash only within a team.
    assert post_entry(client, NORTH).status_code == 303


@pytest.mark.parametrize("field,value,words", [
    ("term", "C" * 81, "Word or phrase must be 80 characters or fewer."),
    ("definition", "A room. " * 76, "What it means must be 600 characters or fewer."),
    ("for_you", "Ask. " * 121, "What this means for the family must be 600 characters or fewer."),
])
def test_oversized_entries_are_refused_in_plain_words(
    client: TestClient[Any], world: World, settings: Settings, field: str, value: str, words: str
) -> None:
    sign_in(client, world.manager.email)
    response = post_entry(client, {**NORTH, field: value})
    assert response.status_code == 400 and words in response.text
    api = client.post("/api/glossary/local", headers=world.manager.auth, json={
        "locale": "en", "term": "Court 9", "definition": "A room.", "for_you": "Ask.", "stages": ["trial"], field: value})
    assert api.status_code == 400 and field in api.json()["errors"]
    assert sql(settings, "SELECT count(*) FROM glossary_local_entry")[0][0] == 0


def test_a_team_has_at_most_200_entries_in_each_language(client: TestClient[Any], world: World, settings: Settings) -> None:
    north = team_id(settings, "North Hub")

    async def fill(db: Any) -> None:
        from courtjourney.glossary.models import LocalEntry

        db.add_all([LocalEntry(team_id=north, locale="en", term=f"Room {n}", aliases=[], definition="A room.",
                               for_you="Ask.", stages=["trial"], source="") for n in range(200)])

    in_db(settings, fill)
    sign_in(client, world.manager.email)
    response = post_entry(client, NORTH)
    assert response.status_code == 400
    assert "Your team already has 200 local entries in this language" in response.text
    assert sql(settings, "SELECT count(*) FROM glossary_local_entry")[0][0] == 200
    assert post_entry(client, {**NORTH, "locale": "cy", "term": "Llys 3", "aliases": ""}).status_code == 303


def test_an_admin_in_no_team_cannot_add_an_entry_no_family_would_see_but_clears_those_left(
    client: TestClient[Any], world: World, settings: Settings
) -> None:
    async def left_over(db: Any) -> None:  # added before entries belonged to a team: shown to nobody now
        from courtjourney.glossary.models import LocalEntry

        db.add(LocalEntry(team_id=None, locale="en", term="Old annexe", aliases=[], definition="A room.",
                          for_you="Ask.", stages=["trial"], source=""))

    in_db(settings, left_over)
    assert "Old annexe" not in client.get("/glossary/stage/trial").text
    sign_in(client, world.manager.email)  # a team's manager never sees entries of no team
    assert "Old annexe" not in client.get("/glossary/local").text
    entry_id = entry_id_of(settings, "Old annexe")
    assert client.get(f"/glossary/local/{entry_id}/remove").status_code == 404
    client.cookies.clear()
    sign_in(client, world.admin.email)
    refused = client.get("/glossary/local/new")
    assert refused.status_code == 403 and "not in a team" in refused.text
    body = {"locale": "en", "term": "Court 9", "definition": "A room.", "for_you": "Ask.", "stages": ["trial"]}
    api = client.post("/api/glossary/local", json=body, headers=world.admin.auth)
    assert api.status_code == 400 and "not in a team" in api.text
    assert "Old annexe" in client.get("/glossary/local").text
    assert post_entry(client, {}, f"/glossary/local/{entry_id}/remove").status_code == 303
    assert sql(settings, "SELECT count(*) FROM glossary_local_entry")[0][0] == 0


def test_letter_linkers_find_each_languages_own_entries_and_follow_changes(world: World, settings: Settings) -> None:
    from courtjourney.glossary import services
    from courtjourney.glossary.models import LocalEntry
    from courtjourney.glossary.terms import shipped_linker

    north, south = team_id(settings, "North Hub"), team_id(settings, "South Hub")

    def entry(locale: str, term: str) -> LocalEntry:
        return LocalEntry(team_id=north, locale=locale, term=term, aliases=[], definition="A room.", for_you="Ask.",
                          stages=["trial"], source="")

    async def found(db: Any) -> dict[str, list[str]]:
        linkers = await services.letter_linkers(db, north, ("en", "cy"))
        assert [t.term for t in (await services.letter_linker(db, north, "cy")).find("Ystafell Wen")] == \
            [t.term for t in linkers["cy"].find("Ystafell Wen")]
        text = "Room Blue, Ystafell Wen, Room Green"
        return {lang: [t.term for t in linker.find(text) if t.term in text] for lang, linker in linkers.items()}

    async def add(db: Any, *rows: LocalEntry) -> None:
        db.add_all(rows)

    async def shipped_for_south(db: Any) -> bool:
        linkers = await services.letter_linkers(db, south, ("en", "cy"))
        return linkers["en"] is shipped_linker("en") and linkers["cy"] is shipped_linker("cy")

    assert in_db(settings, shipped_for_south)
    in_db(settings, lambda db: add(db, entry("en", "Room Blue"), entry("cy", "Ystafell Wen")))
    assert in_db(settings, found) == {"en": ["Room Blue"], "cy": ["Ystafell Wen"]}
    in_db(settings, lambda db: add(db, entry("en", "Room Green")))  # a new entry: the kept linker is not used
    assert in_db(settings, found) == {"en": ["Room Blue", "Room Green"], "cy": ["Ystafell Wen"]}
