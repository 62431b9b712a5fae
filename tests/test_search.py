"""Search through real HTTP: by the start of a name or a reference, every word of a search matching one
person, accents and capitals ignored, only the cases the searcher may see (another team's case reads
exactly like no match), the index kept in step with names as they change, the index holding keyed hashes
and never a name, the audit trail (and never what was typed), plain refusals, the page and the API."""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.cases import search_index
from courtjourney.cases.models import Case, FamilyMember, SearchToken
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, in_db, sign_in, sql


def find(client: TestClient[Any], who: Any, q: str) -> Any:
    response = client.get("/api/search", headers=who.auth, params={"q": q})
    assert response.status_code == 200, response.text
    return response.json()


def found(client: TestClient[Any], who: Any, q: str) -> dict[str, list[str]]:
    """Reference -> names that matched, for each case found."""
    return {r["reference"]: [p["name"] for p in r["matched"]] for r in find(client, who, q)["results"]}


def reference(settings: Settings, case_id: uuid.UUID) -> str:
    async def read(db: AsyncSession) -> str:
        return str(await db.scalar(select(Case.reference).where(Case.id == case_id)))

    return in_db(settings, read)


def add_member(client: TestClient[Any], who: Any, case: uuid.UUID, name: str, relationship: str = "father") -> str:
    response = client.post(f"/api/cases/{case}/family-members", headers=who.auth,
                           json={"name": name, "relationship_to_child": relationship, "preferred_language": "en"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def north_ref(settings: Settings, world: World) -> str:
    return reference(settings, world.north_case)


# --- matching ------------------------------------------------------------------------------------


def test_the_start_of_a_name_finds_the_case_and_says_who_matched(client: TestClient[Any], world: World, north_ref: str) -> None:
    assert found(client, world.worker, "Nel") == {north_ref: ["Nell Northfield"]}
    assert found(client, world.worker, "nora") == {north_ref: ["Nora Northfield"]}
    assert found(client, world.worker, "North") == {north_ref: ["Nell Northfield", "Nora Northfield"]}
    assert found(client, world.worker, "Northfield") == {north_ref: ["Nell Northfield", "Nora Northfield"]}
    # The start of a word only: not its middle or its end, and not a longer word.
    assert found(client, world.worker, "field") == {}
    assert found(client, world.worker, "Northfields") == {}
    [hit] = find(client, world.worker, "Nora")["results"]
    assert hit["case_id"] == str(world.north_case) and hit["child_name"] == "Nell Northfield"
    assert hit["matched"] == [{"name": "Nora Northfield", "family_member_id": str(world.north_member),
                               "relationship_to_child": "mother"}]
    assert hit["by_reference"] is False


def test_every_word_of_a_search_must_match_the_same_person(client: TestClient[Any], world: World, north_ref: str) -> None:
    assert found(client, world.worker, "Nora North") == {north_ref: ["Nora Northfield"]}
    assert found(client, world.worker, "NORTHF nora") == {north_ref: ["Nora Northfield"]}
    assert found(client, world.worker, "Northfield Nell") == {north_ref: ["Nell Northfield"]}
    assert found(client, world.worker, "Nell Nora") == {}  # two people of one case are not one person
    assert found(client, world.worker, "Nora Smith") == {}


def test_accents_capitals_and_punctuation_are_ignored(client: TestClient[Any], world: World, north_ref: str) -> None:
    add_member(client, world.worker, world.north_case, "Zoë O'Brien-Ça", "sibling")
    for q in ("zoe", "ZOË", "Zoe obrien", "o'brien", "OBRI", "brien", "o brien", "ca", "Ça zoë", "zoe, brien."):
        assert found(client, world.worker, q) == {north_ref: ["Zoë O'Brien-Ça"]}, q
    add_member(client, world.worker, world.north_case, "Renée Strauß", "grandparent")
    assert found(client, world.worker, "renee strauss") == {north_ref: ["Renée Strauß"]}
    assert found(client, world.worker, "RENÉE") == {north_ref: ["Renée Strauß"]}


def test_a_reference_or_any_part_of_it_finds_the_case(client: TestClient[Any], world: World, north_ref: str) -> None:
    year, number = north_ref.split("-")[1:]
    for q in (north_ref, north_ref.lower(), north_ref[:-1], f"{year}-{number}", number):
        [hit] = [r for r in find(client, world.worker, q)["results"] if r["reference"] == north_ref]
        assert hit["by_reference"] is True and hit["matched"] == [], q
    assert found(client, world.worker, f"CJ-{int(year) - 1}-{number}") == {}


# --- who may see what -------------------------------------------------------------------------


def test_a_case_someone_may_not_see_is_never_found_and_reads_like_no_match(
    client: TestClient[Any], settings: Settings, world: World, north_ref: str
) -> None:
    south_ref = reference(settings, world.south_case)
    nothing = find(client, world.worker, "Qzxv")
    assert nothing == {"results": [], "more": False}
    assert find(client, world.worker, "Sky") == nothing  # another team's child
    assert find(client, world.worker, "Southgate") == nothing
    assert find(client, world.worker, south_ref) == {"results": [r for r in find(client, world.worker, south_ref)["results"]
                                                                 if r["reference"] != south_ref], "more": False}
    assert south_ref not in str(find(client, world.worker, "CJ"))
    assert found(client, world.outsider, "Sky") == {south_ref: ["Sky Southgate"]}
    assert found(client, world.outsider, "Nell") == {}
    assert found(client, world.colleague, "Nell") == {}  # same team, not on the case
    assert found(client, world.manager, "Nell") == {north_ref: ["Nell Northfield"]}  # the team's manager
    assert found(client, world.admin, "Nell") == {}  # admins manage accounts, not cases
    # The page says the same for a case one may not see as for none at all.
    sign_in(client, "worker@north.example")
    page_hidden = client.get("/search", params={"q": "Sky"}).text
    page_none = client.get("/search", params={"q": "Qzxv"}).text
    assert page_hidden.replace("Sky", "Qzxv") == page_none


# --- kept in step ---------------------------------------------------------------------------------


def test_a_new_case_and_a_new_family_member_are_found_at_once(client: TestClient[Any], world: World) -> None:
    made = client.post("/api/cases", headers=world.worker.auth, json={"child_name": "Ottilie Quarrendon"}).json()
    assert found(client, world.worker, "Ottilie") == {made["reference"]: ["Ottilie Quarrendon"]}
    add_member(client, world.worker, uuid.UUID(made["id"]), "Perpetua Quarrendon", "carer")
    assert found(client, world.worker, "quarr") == {made["reference"]: ["Ottilie Quarrendon", "Perpetua Quarrendon"]}


def test_a_renamed_person_is_found_by_the_new_name_only(client: TestClient[Any], settings: Settings, world: World, north_ref: str) -> None:
    # The app has no rename form yet; any that writes a name calls reindex_case in its transaction, as here.
    async def rename(db: AsyncSession) -> None:
        member = await db.get(FamilyMember, world.north_member)
        case = await db.get(Case, world.north_case)
        assert member is not None and case is not None
        member.name = "Nadia Westbrook"
        case.child_name = "Nell Westbrook"
        await search_index.reindex_case(db, case)

    in_db(settings, rename)
    assert found(client, world.worker, "Nora") == {}
    assert found(client, world.worker, "Northfield") == {}
    assert found(client, world.worker, "Nadia West") == {north_ref: ["Nadia Westbrook"]}
    assert found(client, world.worker, "Westbrook") == {north_ref: ["Nell Westbrook", "Nadia Westbrook"]}


def test_a_removed_family_member_is_not_found(client: TestClient[Any], settings: Settings, world: World, north_ref: str) -> None:
    async def remove(db: AsyncSession) -> None:
        await db.execute(delete(FamilyMember).where(FamilyMember.id == world.north_member))

    in_db(settings, remove)  # the index rows go with the member (ON DELETE CASCADE), without a reindex
    assert found(client, world.worker, "Nora") == {}
    assert found(client, world.worker, "North") == {north_ref: ["Nell Northfield"]}


def test_a_case_deleted_at_the_end_of_its_retention_is_not_found(client: TestClient[Any], settings: Settings, world: World, north_ref: str) -> None:
    import datetime as dt

    from tests.debrief.test_debrief import _purge

    closed = client.post(f"/api/cases/{world.north_case}/close", headers=world.worker.auth,
                         json={"reason_kind": "support_complete", "closed_on": "2026-11-20"})
    assert closed.status_code == 201, closed.text
    _purge(settings, world.north_case, dt.date(2032, 11, 21))
    assert sql(settings, "SELECT count(DISTINCT case_id) FROM search_token")[0][0] == 1  # only the south case's
    assert found(client, world.manager, "Nell") == {} and found(client, world.manager, north_ref) == {}


def test_the_small_world_and_every_case_opened_through_the_services_are_indexed(settings: Settings, world: World) -> None:
    cases = sql(settings, "SELECT count(*) FROM case_record")[0][0]
    indexed = sql(settings, "SELECT count(DISTINCT case_id) FROM search_token")[0][0]
    members = sql(settings, "SELECT count(DISTINCT family_member_id) FROM search_token")[0][0]
    assert cases == indexed == 2 and members == 1


def test_reindex_rebuilds_the_index_from_the_names_as_stored(client: TestClient[Any], settings: Settings, world: World, north_ref: str) -> None:
    before = sorted(bytes(r[0]) for r in sql(settings, "SELECT token_hash FROM search_token"))
    async def forget(db: AsyncSession) -> None:
        await db.execute(delete(SearchToken))

    in_db(settings, forget)
    assert found(client, world.worker, "Nora") == {}
    from click.testing import CliRunner

    from courtjourney.cli import main

    result = CliRunner().invoke(main, ["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Indexed 2 cases."
    assert sorted(bytes(r[0]) for r in sql(settings, "SELECT token_hash FROM search_token")) == before
    assert found(client, world.worker, "Nora") == {north_ref: ["Nora Northfield"]}


def test_the_migration_indexes_the_cases_already_stored(client: TestClient[Any], settings: Settings, world: World, north_ref: str) -> None:
    from courtjourney import migrations

    before = sorted(bytes(r[0]) for r in sql(settings, "SELECT token_hash FROM search_token"))
    migrations.downgrade(settings, "0008")
    migrations.upgrade(settings)
    assert sorted(bytes(r[0]) for r in sql(settings, "SELECT token_hash FROM search_token")) == before
    assert found(client, world.worker, "Nora North") == {north_ref: ["Nora Northfield"]}


# --- what is stored -------------------------------------------------------------------------------


def test_the_index_holds_keyed_hashes_and_never_a_name(client: TestClient[Any], settings: Settings, world: World) -> None:
    add_member(client, world.worker, world.north_case, "Ottoline Thornbury", "carer")
    stored = [bytes(r[0]) for r in sql(settings, "SELECT token_hash FROM search_token")]
    assert stored and all(len(h) == 32 for h in stored)
    raw = b"".join(stored).lower()
    for name in ("Ottoline", "Thornbury", "Nora", "Northfield", "Nell"):
        for piece in {name[:n].lower() for n in range(4, len(name) + 1)}:  # four letters: random bytes rarely spell them
            assert piece.encode() not in raw
        # Not a plain (unkeyed) hash of the name or its prefixes either: the key is needed to make or test one.
        for n in range(2, len(name) + 1):
            assert hashlib.sha256(name[:n].casefold().encode()).digest() not in stored
    # The key is the service's: another secret gives other hashes for the same name.
    mine = search_index.person_hashes("Ottoline")
    assert mine <= set(stored)
    other = Settings(**{**settings.__dict__, "secret_key_env": "another-secret"})
    assert not mine & {h for h in _hashes_under(other, "Ottoline")}


def _hashes_under(settings: Settings, name: str) -> set[bytes]:
    from courtjourney import settings as settings_module

    previous = settings_module._in_use
    settings_module._in_use = settings
    try:
        return search_index.person_hashes(name)
    finally:
        settings_module._in_use = previous


# --- the audit trail -----------------------------------------------------------------------------


def test_a_search_is_audited_with_the_cases_it_showed_and_never_what_was_typed(
    client: TestClient[Any], settings: Settings, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = len(audit_events(settings, action="case.listed"))
    find(client, world.manager, "Northfield")
    [searched] = audit_events(settings, action="case.searched")
    assert searched.actor_id == world.manager.id and searched.case_id is None and searched.route == "/api/search"
    listed = audit_events(settings, action="case.listed")[before:]
    assert [(e.case_id, e.route, e.actor_id) for e in listed] == [(world.north_case, "/api/search", world.manager.id)]
    find(client, world.manager, "Qzxv")  # a search that found nothing is still recorded, with nothing listed
    assert len(audit_events(settings, action="case.searched")) == 2
    assert len(audit_events(settings, action="case.listed")) == before + 1
    trail = repr(sql(settings, "SELECT * FROM audit_event"))
    assert "Northfield" not in trail and "Qzxv" not in trail
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))  # httpx: the test's own client
    assert "Qzxv" not in ours and "Northfield" not in ours


def test_the_address_of_a_search_is_hidden_in_logs() -> None:
    from courtjourney.web.logs import redact

    line = '127.0.0.1:5000 - "GET /search?q=Nora%20Northfield HTTP/1.1" 200'
    assert redact(line) == '127.0.0.1:5000 - "GET /search?[hidden] HTTP/1.1" 200'
    assert redact("GET /api/search?q=Nora&x=1 HTTP/1.1") == "GET /api/search?[hidden] HTTP/1.1"
    assert redact("GET /glossary?q=bail HTTP/1.1") == "GET /glossary?q=bail HTTP/1.1"


def test_every_link_token_we_send_is_hidden_in_logs() -> None:
    """Setup links and a message's "Got it" link carry a secret in the path, like calendars and shares."""
    from courtjourney.web.logs import redact

    assert redact('"GET /account/setup/cjset_AbC123-_xyz98765 HTTP/1.1" 200') == '"GET /account/setup/cjset_[hidden] HTTP/1.1" 200'
    assert redact('"POST /m/Zx9_-aBcDeFgH12 HTTP/1.1" 303') == '"POST /m/[hidden] HTTP/1.1" 303'
    assert redact('"GET /my-day HTTP/1.1" 200') == '"GET /my-day HTTP/1.1" 200'


def test_signing_in_from_a_search_address_does_not_carry_the_search(client: TestClient[Any], world: World) -> None:
    response = client.get("/search", params={"q": "Nora"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fsearch"


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("q", "message"), [
    ("", "Enter a name or a case reference to search for."),
    ("   ", "Enter a name or a case reference to search for."),
    ("N", "Enter at least two letters or numbers of a name or a case reference."),
    ("a b c", "Enter at least two letters or numbers of a name or a case reference."),
    ("?!", "Enter at least two letters or numbers of a name or a case reference."),
    ("N" * 101, "Search for 100 characters or fewer."),
])
def test_searches_that_cannot_be_made_are_refused_plainly(client: TestClient[Any], world: World, q: str, message: str) -> None:
    response = client.get("/api/search", headers=world.worker.auth, params={"q": q})
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == {"q": message}
    sign_in(client, "worker@north.example")
    page = client.get("/search", params={"q": q})
    assert page.status_code == 400 and message in page.text


def test_the_api_without_a_search_is_refused_and_needs_a_token(client: TestClient[Any], world: World) -> None:
    assert client.get("/api/search", headers=world.worker.auth).status_code == 400
    assert client.get("/api/search", params={"q": "Nell"}).status_code == 401


def test_a_long_name_is_still_found_by_a_long_search(client: TestClient[Any], world: World, north_ref: str) -> None:
    name = "Wolfeschlegelsteinhausenbergerdorff"
    add_member(client, world.worker, world.north_case, f"Hubert {name}", "grandparent")
    assert found(client, world.worker, name) == {north_ref: [f"Hubert {name}"]}
    assert found(client, world.worker, name[:30] + "x") == {north_ref: [f"Hubert {name}"]}  # compared on 24 letters


# --- the page ------------------------------------------------------------------------------------


def test_the_search_box_is_in_every_signed_in_page_header(client: TestClient[Any], world: World) -> None:
    assert 'action="/search"' not in client.get("/login").text
    sign_in(client, "worker@north.example")
    for path in ("/", "/hearings/upcoming", f"/cases/{world.north_case}", "/account"):
        page = client.get(path).text
        assert 'id="header-search-q"' in page and 'role="search"' in page, path


def test_the_results_page_links_each_case_and_names_who_matched(client: TestClient[Any], world: World, north_ref: str) -> None:
    sign_in(client, "worker@north.example")
    empty = client.get("/search")
    assert empty.status_code == 200 and "Name or case reference" in empty.text and "Results" not in empty.text
    page = client.get("/search", params={"q": "  north  "})
    assert page.status_code == 200
    assert f'href="/cases/{world.north_case}"' in page.text and north_ref in page.text
    assert "Nora Northfield (Mother)" in page.text and "Nell Northfield (the child)" in page.text
    assert "1 case matches." in page.text
    assert 'value="north"' in page.text  # the search stays in the box, tidied
    by_ref = client.get("/search", params={"q": north_ref})
    assert "The case reference matches." in by_ref.text
    none = client.get("/search", params={"q": "Qzxv"})
    assert none.status_code == 200 and "No cases you can see match this search." in none.text


def test_more_than_fifty_matches_show_the_first_fifty_and_say_so(client: TestClient[Any], settings: Settings, world: World) -> None:
    from courtjourney.accounts.audit import Actor
    from courtjourney.accounts.models import User
    from courtjourney.cases import services as cases

    async def many(db: AsyncSession) -> None:
        worker = await db.scalar(select(User).where(User.id == world.worker.id))
        for n in range(51):
            await cases.open_case(db, Actor.of(worker), {"child_name": f"Manyfold {n}", "child_birth_date": None})

    in_db(settings, many)
    answer = find(client, world.worker, "Manyfold")
    assert len(answer["results"]) == 50 and answer["more"] is True
    refs = [r["reference"] for r in answer["results"]]
    assert refs == sorted(refs)
    sign_in(client, "worker@north.example")
    assert "More than 50 cases match." in client.get("/search", params={"q": "manyfold"}).text
