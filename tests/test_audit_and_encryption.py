"""Every read and change of a case is audited; the trail cannot be edited; sensitive text is encrypted at rest."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import text

from courtjourney.db.engine import make_engine
from courtjourney.schema import metadata
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, sign_in, sql


def test_reading_a_case_is_audited_with_who_what_and_where(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    assert client.get(f"/cases/{world.north_case}").status_code == 200
    reads = audit_events(settings, case_id=world.north_case, actor_id=world.worker.id, action="case.read")
    assert reads, "the page view was not audited"
    last = reads[-1]
    assert last.route == "/cases/{case_id}" and last.method == "GET" and last.outcome == "ok"
    assert last.address  # the client address is kept


def test_changes_are_audited_in_the_same_transaction(client: TestClient[Any], settings: Settings, world: World) -> None:
    response = client.post(f"/api/cases/{world.north_case}/stage-moves", headers=world.worker.auth, json={"to_stage": "disclosure"})
    assert response.status_code == 201, response.text
    moved = audit_events(settings, case_id=world.north_case, action="case.stage_moved")
    assert [e.target_id for e in moved] == [uuid.UUID(response.json()["id"])]


def test_a_refused_change_leaves_no_change_event(client: TestClient[Any], settings: Settings, world: World) -> None:
    response = client.post(f"/api/cases/{world.north_case}/stage-moves", headers=world.worker.auth, json={"to_stage": "outcome"})
    assert response.status_code == 400
    assert audit_events(settings, case_id=world.north_case, action="case.stage_moved") == []
    attempts = audit_events(settings, case_id=world.north_case, action="case.change")
    assert attempts, "the attempt itself is still on record"


def test_listing_cases_audits_each_case_shown(client: TestClient[Any], settings: Settings, world: World) -> None:
    client.get("/api/cases", headers=world.worker.auth)
    assert audit_events(settings, case_id=world.north_case, action="case.listed", actor_id=world.worker.id)
    assert not audit_events(settings, case_id=world.south_case, action="case.listed", actor_id=world.worker.id)


def test_a_manager_sees_the_trail_and_a_worker_does_not(client: TestClient[Any], world: World) -> None:
    client.get(f"/api/cases/{world.north_case}", headers=world.worker.auth)
    trail = client.get(f"/api/cases/{world.north_case}/audit", headers=world.manager.auth)
    assert trail.status_code == 200
    assert any(e["actor_id"] == str(world.worker.id) and e["action"] == "case.read" for e in trail.json())
    assert client.get(f"/api/cases/{world.north_case}/audit", headers=world.worker.auth).status_code == 404
    sign_in(client, world.manager.email)
    page = client.get(f"/cases/{world.north_case}/audit")
    assert page.status_code == 200 and "Wren Worker" in page.text


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'nothing'", "DELETE FROM audit_event"])
def test_the_audit_trail_cannot_be_edited_even_in_the_database(client: TestClient[Any], settings: Settings, world: World, statement: str) -> None:
    client.get(f"/api/cases/{world.north_case}", headers=world.worker.auth)
    before = sql(settings, "SELECT count(*) FROM audit_event")[0][0]
    assert before > 0
    with pytest.raises(Exception, match="append-only"):
        sql(settings, statement)
    assert sql(settings, "SELECT count(*) FROM audit_event")[0][0] == before


def test_audit_rows_hold_no_names_or_notes(client: TestClient[Any], settings: Settings, world: World) -> None:
    client.get(f"/api/cases/{world.north_case}", headers=world.worker.auth)
    rows = sql(settings, "SELECT * FROM audit_event")
    flat = " ".join(str(v) for row in rows for v in row)
    assert "Nell" not in flat and "Wren" not in flat and "Northfield" not in flat


# --- encryption at rest ------------------------------------------------------------------------

SECRETS = {
    "child": "Zebedee-Quartermaine",
    "family": "Ottoline-Fairweather",
    "safe": "only-text-after-7pm-Birchwood",
    "reason": "Prosecution-dropped-Ashdown-reason",
    "notes": "Risk-notes-Kettleby-detail",
    "purpose": "Share-with-Pemberton-purpose",
    "contact": "Detective-Marchbanks",
    "phone": "07700-900123",
    "contact_log": "Rang-Ottoline-about-Thornbury-trial",
    "member_phone": "7911123789",  # kept as +447911123789
    "member_email": "ottoline.q@harbour-family.example",
    "message": "Meet-at-the-Thornbury-cafe",
    "referrer": "Sergeant-Wolverton",
    "referrer_contact": "07700-900456",
    "referral_parent": "Philomena-Gatcombe",
    "referral_child": "Ignatius-Brackley",
    "referral_reason": "Seen-at-Swanbourne-station",
    "referral_safe": "Text-only-after-8pm-Chalfont",
}


def raw_database_text(settings: Settings) -> str:
    """Everything stored, as the database holds it: the SQLite file and its WAL, or every row of every table."""
    if settings.is_sqlite:
        path = Path(settings.database_url.split("///", 1)[1])
        data = path.read_bytes()
        for extra in (path.with_name(path.name + "-wal"),):
            if extra.exists():
                data += extra.read_bytes()
        return data.decode("latin-1")

    async def dump() -> str:
        engine = make_engine(settings)
        try:
            async with engine.connect() as conn:
                parts = []
                for table in metadata.sorted_tables:
                    rows = await conn.execute(text(f'SELECT row_to_json(t)::text FROM "{table.name}" t'))
                    parts.extend(r[0] for r in rows)
                return "\n".join(parts)
        finally:
            await engine.dispose()

    return asyncio.run(dump())


def test_a_raw_dump_of_the_database_holds_no_plaintext(client: TestClient[Any], settings: Settings, world: World) -> None:
    auth = world.worker.auth
    created = client.post("/api/cases", headers=auth, json={"child_name": SECRETS["child"]}).json()
    case = created["id"]
    steps = [
        (f"/api/cases/{case}/family-members", {"name": SECRETS["family"], "relationship_to_child": "mother",
                                               "preferred_language": "en", "safe_contact": SECRETS["safe"]}),
        (f"/api/cases/{case}/stage-moves", {"to_stage": "investigation", "reason": SECRETS["reason"]}),
        (f"/api/cases/{case}/risk-assessments", {"level": "high", "assessed_on": "2026-01-02", "notes": SECRETS["notes"]}),
        (f"/api/cases/{case}/consents", {"organisation_kind": "police", "organisation": "Harbourside-Constabulary", "purpose": SECRETS["purpose"], "given_by": "Parent", "given_on": "2026-01-02"}),
        (f"/api/cases/{case}/contacts", {"role": "officer_in_case", "name": SECRETS["contact"], "phone": SECRETS["phone"]}),
        (f"/api/cases/{case}/contact-log", {"kind": "call", "notes": SECRETS["contact_log"]}),
        ("/api/referrals", {"source": "police", "referrer_name": SECRETS["referrer"], "referrer_contact": SECRETS["referrer_contact"],
                            "parent_first_name": SECRETS["referral_parent"], "child_first_name": SECRETS["referral_child"],
                            "reason": SECRETS["referral_reason"], "consent": True, "safe_contact": SECRETS["referral_safe"]}),
    ]
    for path, body in steps:
        response = client.post(path, headers=auth, json=body)
        assert response.status_code == 201, (path, response.text)
    # How the family member can be reached, and a message to them (messages/): numbers, addresses, texts.
    member_id = client.get(f"/api/cases/{case}/family-members", headers=auth).json()[0]["id"]
    _reach_and_message(settings, case, member_id)
    # The API gives them back, so they were stored...
    assert client.get(f"/api/cases/{case}", headers=auth).json()["child_name"] == SECRETS["child"]
    # The search index holds the child's and the family's names (a search finds them)...
    found = client.get("/api/search", headers=auth, params={"q": "ottoline fairweather"}).json()["results"]
    assert [r["case_id"] for r in found] == [case]
    # A submitted quarterly report names workers in its per-worker figures: kept encrypted like their accounts.
    from tests.conftest import csrf_token

    sign_in(client, world.manager.email)
    submitted = client.post("/reports/submit", data={"_csrf_token": csrf_token(client, "/reports")}, follow_redirects=False)
    assert submitted.status_code == 303, submitted.text[:300]
    assert "Wren Worker" in client.get(submitted.headers["location"]).text
    # ...but nowhere in the database as written, nor as the index folds them (lower case, word by word).
    raw = raw_database_text(settings)
    folded = raw.lower()
    for name in (SECRETS["child"], SECRETS["family"]):
        for word in name.lower().split("-"):
            assert word not in folded, f"{word} is in the database in plaintext"
    # Control: an organisation's name is stored as plain text by design, so the dump does show stored text.
    assert "Harbourside-Constabulary" in raw
    assert "Wren Worker" not in raw  # account names are encrypted too
    for label, secret in SECRETS.items():
        assert secret not in raw, f"{label} is stored in plaintext"


def _reach_and_message(settings: Settings, case_id: str, member_id: str) -> None:
    import datetime as dt
    from uuid import UUID

    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.cases.models import Case, FamilyMember
    from courtjourney.messages import services as messages
    from tests.conftest import in_db

    async def work(db: Any) -> None:
        case = await db.get(Case, UUID(case_id))
        member = await db.get(FamilyMember, UUID(member_id))
        await messages.set_reach(db, SYSTEM, case, member, {
            "phone": "07911 123789", "sms_agreed": True, "phone_safe": True, "email": SECRETS["member_email"],
            "email_agreed": True, "email_safe": True, "safe_from": dt.time(7, 0), "safe_until": dt.time(21, 0),
            "weekends": True, "discretion": "discreet"})
        await messages.write_message(db, SYSTEM, case, {"member_id": member.id, "text": SECRETS["message"]})

    in_db(settings, work)


def test_encrypted_text_cannot_be_read_with_another_key(client: TestClient[Any], settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from courtjourney.cases.models import Case
    from tests.conftest import in_db, use_settings

    use_settings(monkeypatch, Settings(**{**settings.__dict__, "secret_key_env": "another-key"}))

    async def read(db: Any) -> str:
        return (await db.get(Case, world.north_case)).child_name

    with pytest.raises(Exception):
        in_db(settings, read)


def test_a_refused_sign_in_is_audited_with_the_account_but_never_the_email(client: TestClient[Any], settings: Settings, world: World) -> None:
    from tests.conftest import csrf_token

    token = csrf_token(client)
    for email in (world.worker.email, "nobody@north.example"):
        answer = client.post("/login", data={"email": email, "password": "wrong wrong wrong", "_csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 400
    refused = audit_events(settings, action="account.sign_in_refused")
    assert [(e.actor_id, e.outcome) for e in refused] == [(world.worker.id, "refused"), (None, "refused")]
    assert all(e.address and e.route == "/login" for e in refused)
    rows = " ".join(str(r) for r in sql(settings, "SELECT * FROM audit_event"))
    assert "north.example" not in rows, "no email is kept, not even one that has no account"


def test_a_sign_in_refused_by_the_limit_is_audited_too(client: TestClient[Any], settings: Settings, world: World) -> None:
    from tests.conftest import PASSWORD, csrf_token

    token = csrf_token(client)
    for _ in range(settings.login_max_failures):
        client.post("/login", data={"email": world.worker.email, "password": "wrong wrong wrong", "_csrf_token": token})
    paused = client.post("/login", data={"email": world.worker.email, "password": PASSWORD, "_csrf_token": token}, follow_redirects=False)
    assert paused.status_code == 429
    refused = audit_events(settings, action="account.sign_in_refused", actor_id=world.worker.id)
    assert len(refused) == settings.login_max_failures + 1


def test_opening_an_incident_or_a_hearing_is_audited_with_its_id(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    assert world.north_hearing is not None
    for path, kind, target in (
        (f"/cases/{world.north_case}/incidents/{world.north_incident}", "incident", world.north_incident),
        (f"/cases/{world.north_case}/hearings/{world.north_hearing}", "hearing", world.north_hearing),
        (f"/api/cases/{world.north_case}/incidents/{world.north_incident}", "incident", world.north_incident),
    ):
        assert client.get(path, headers=world.worker.auth if path.startswith("/api/") else None).status_code == 200, path
        last = audit_events(settings, case_id=world.north_case, action="case.read", actor_id=world.worker.id)[-1]
        assert (last.target_type, last.target_id) == (kind, target), path


def test_a_record_of_another_case_asked_for_under_this_one_is_kept_without_its_id(
    client: TestClient[Any], settings: Settings, world: World
) -> None:
    """South's worker asks for North's incident under South's case: 404, and South's trail keeps the
    attempt but not the id, so South's trail never names a record of a case its readers may not see."""
    assert world.north_hearing is not None
    for path in (
        f"/api/cases/{world.south_case}/incidents/{world.north_incident}",
        f"/api/cases/{world.south_case}/hearings/{world.north_hearing}",
        f"/api/cases/{world.south_case}/incidents/{world.north_incident}/evidence/{world.north_evidence}",
    ):
        assert client.get(path, headers=world.outsider.auth).status_code == 404, path
        last = audit_events(settings, case_id=world.south_case, actor_id=world.outsider.id)[-1]
        assert (last.action, last.outcome, last.target_id) == ("case.read", "not found", None), path
    def plain(value: Any) -> str:
        return str(value).replace("-", "")

    south_targets = {plain(target) for case, target in sql(settings, "SELECT case_id, target_id FROM audit_event")
                     if plain(case) == world.south_case.hex}
    assert not south_targets & {r.hex for r in (world.north_incident, world.north_hearing, world.north_evidence)}


def test_a_refused_request_naming_another_cases_record_is_kept_without_its_id(
    client: TestClient[Any], settings: Settings, world: World
) -> None:
    """South's worker asks for South's incident under North's case, which she may not see: 404, and
    North's trail keeps the refusal but not the id, so North's managers never read a South record's id
    (the fuzz run's no_hidden_records check found it in GET /api/cases/{id}/audit)."""
    answer = client.get(f"/api/cases/{world.north_case}/incidents/{world.south_case}", headers=world.outsider.auth)
    assert answer.status_code == 404
    last = audit_events(settings, case_id=world.north_case, actor_id=world.outsider.id)[-1]
    assert (last.action, last.outcome, last.target_type, last.target_id) == ("case.denied", "denied", "incident", None)
    # A record that is the case's own is still named when refused: the attempt on it is worth knowing.
    client.get(f"/api/cases/{world.north_case}/incidents/{world.north_incident}", headers=world.outsider.auth)
    last = audit_events(settings, case_id=world.north_case, actor_id=world.outsider.id)[-1]
    assert (last.action, last.target_id) == ("case.denied", world.north_incident)


def test_every_record_an_address_names_has_a_table_the_guard_checks_it_in(settings: Settings) -> None:
    """Each `{kind_id}` in a case address (but a colleague's) is found in one case table, so the
    guard can tell a record of this case from one of another."""
    import re

    from courtjourney.app import create_app
    from courtjourney.cases.access import _table_of

    kinds = {
        name.removesuffix("_id")
        for route in create_app(settings).routes
        if "{case_id" in route.path
        for name in re.findall(r"\{(\w+_id):uuid\}", route.path)
    } - {"case", "user"}
    assert len(kinds) >= 12
    assert {kind: _table_of(kind) is not None for kind in kinds} == dict.fromkeys(kinds, True)


def test_the_trail_pages_back_through_older_events(client: TestClient[Any], settings: Settings, world: World) -> None:
    import re

    from courtjourney.accounts import audit

    async def many(db: Any) -> None:
        for _ in range(audit.TRAIL_PAGE + 20):
            audit.record(db, "case.read", audit.Actor(user_id=world.worker.id), case_id=world.north_case)

    from tests.conftest import in_db

    in_db(settings, many)
    total = len(audit_events(settings, case_id=world.north_case))
    sign_in(client, world.manager.email)
    seen: list[str] = []
    path: str | None = f"/cases/{world.north_case}/audit"
    while path is not None:
        page = client.get(path)
        assert page.status_code == 200
        rows = page.text.count("<tr><td>")
        seen.append(str(rows))
        link = re.search(r'<a href="([^"]+)">Older events</a>', page.text)
        path = link.group(1).replace("&amp;", "&") if link else None
        assert len(seen) < 5
    counts = [int(n) for n in seen]
    assert counts[0] == audit.TRAIL_PAGE and len(counts) == 2, counts
    assert sum(counts) >= total, "every event is on one page or another"
    api = client.get(f"/api/cases/{world.north_case}/audit", headers=world.manager.auth).json()
    older = client.get(f"/api/cases/{world.north_case}/audit", params={"before": api[-1]["id"]}, headers=world.manager.auth).json()
    ids = [e["id"] for e in api + older]
    assert len(ids) == len(set(ids)), "no event is on two pages"
