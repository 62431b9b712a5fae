"""Nobody reads, lists or changes a case they may not see, by any route. Walks every registered route."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, sign_in, sql

# Routes that are not about one case, and why each is safe. A new route must be added here
# (or have {case_id} in its path, which puts it behind the access guard) or this test fails.
NOT_CASE_ROUTES = {
    ("GET", "/health"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "own session",
    ("GET", "/account"): "own account",
    ("GET", "/account/password"): "own account",
    ("POST", "/account/password"): "own account",
    ("POST", "/account/language"): "own account",
    ("GET", "/api/me"): "own account",
    ("GET", "/"): "list: filtered by visible_cases",
    ("GET", "/api/cases"): "list: filtered by visible_cases",
    ("GET", "/cases/new"): "form: opens a case in the user's own team",
    ("POST", "/cases/new"): "opens a case in the user's own team",
    ("POST", "/api/cases"): "opens a case in the user's own team",
    ("GET", "/admin/users"): "admin only, no case data",
    ("POST", "/admin/users"): "admin only, no case data",
    ("POST", "/admin/users/{user_id:uuid}/disable"): "admin only, no case data",
    ("POST", "/admin/users/{user_id:uuid}/let-back-in"): "admin only, no case data",
    ("GET", "/admin/users/{user_id:uuid}/change"): "admin only, no case data",
    ("POST", "/admin/users/{user_id:uuid}/change"): "admin only, no case data",
    ("POST", "/admin/users/teams"): "admin only, no case data",
    ("GET", "/account/setup/{token:str}"): "a single-use setup link: its own account only, no case data",
    ("POST", "/account/setup/{token:str}"): "a single-use setup link: its own account only, no case data",
    ("GET", "/account/calendar"): "own account: the worker's own feed",
    ("POST", "/account/calendar"): "own account: the worker's own feed",
    ("POST", "/account/calendar/revoke"): "own account: the worker's own feed",
    ("GET", "/account/tokens"): "own account: the person's own API tokens, no case data",
    ("POST", "/account/tokens"): "own account: the person's own API tokens, no case data",
    ("GET", "/account/tokens/{token_id:uuid}/revoke"): "own account: another person's token answers 404 (tests/accounts)",
    ("POST", "/account/tokens/{token_id:uuid}/revoke"): "own account: another person's token answers 404 (tests/accounts)",
    ("GET", "/hearings/upcoming"): "list: filtered by visible_cases",
    ("GET", "/api/hearings/upcoming"): "list: filtered by visible_cases",
    ("GET", "/search"): "list: filtered by visible_cases (tests/test_search.py)",
    ("GET", "/api/search"): "list: filtered by visible_cases (tests/test_search.py)",
    ("GET", "/shared/{filename:str}"): "document link: its secret token is the key, 72 hours, revocable (tests/documents)",
    ("GET", "/team"): "manager only, lists visible cases (visible_cases); 404 for others",
    ("GET", "/rules"): "staff: the law's rows, no case data (tests/debrief/test_rules_page.py)",
    ("GET", "/api/rules"): "staff: the law's rows, no case data (tests/debrief/test_rules_page.py)",
    ("GET", "/my-day"): "list: filtered by visible_cases (tests/myday)",
    ("GET", "/api/me/day"): "list: filtered by visible_cases (tests/myday)",
    ("GET", "/my-day/record-contact"): "only a redirect to the case's own form, which checks access",
    ("GET", "/team/contact-standard"): "manager only, the team's own setting, no case data; 404 for others",
    ("POST", "/team/contact-standard"): "manager only, the team's own setting, no case data; 404 for others",
    ("GET", "/calendar/{filename:str}"): "feed: its secret token is the key; unknown tokens get 404, ended family calendars an empty one (tests/hearings)",
    ("GET", "/m/{token:str}"): "a family's message link: its secret token is the key; unknown ones 404 and count as guesses (tests/messages)",
    ("POST", "/m/{token:str}"): "a family's message link: its secret token is the key; unknown ones 404 and count as guesses (tests/messages)",
    ("GET", "/api/referrals"): "list: filtered by visible_referrals, the user's own team (tests/referrals)",
    ("GET", "/api/referrals/{referral_id:uuid}"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("GET", "/api/referrals/{referral_id:uuid}/duplicates"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("GET", "/referrals"): "list: filtered by visible_referrals, the user's own team (tests/referrals)",
    ("GET", "/referrals/new"): "records a referral for the user's own team (tests/referrals)",
    ("GET", "/referrals/{referral_id:uuid}"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("GET", "/referrals/{referral_id:uuid}/accept"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("GET", "/referrals/{referral_id:uuid}/confirm-contact"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("GET", "/referrals/{referral_id:uuid}/decline"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("GET", "/referrals/{referral_id:uuid}/wait"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("GET", "/referrals/{referral_id:uuid}/withdraw"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/api/referrals"): "records a referral for the user's own team (tests/referrals)",
    ("POST", "/api/referrals/{referral_id:uuid}/accept"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/api/referrals/{referral_id:uuid}/confirm-contact"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/api/referrals/{referral_id:uuid}/decline"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/api/referrals/{referral_id:uuid}/wait"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/api/referrals/{referral_id:uuid}/withdraw"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/referrals/new"): "records a referral for the user's own team (tests/referrals)",
    ("POST", "/referrals/{referral_id:uuid}/accept"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/referrals/{referral_id:uuid}/confirm-contact"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/referrals/{referral_id:uuid}/decline"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/referrals/{referral_id:uuid}/wait"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("POST", "/referrals/{referral_id:uuid}/withdraw"): "referral: only its team sees it (a worker: hers), others 404, audited by its guard (tests/referrals)",
    ("GET", "/glossary"): "public glossary, no personal data",
    ("GET", "/glossary/{term_id:str}"): "public glossary, no personal data",
    ("GET", "/glossary/stage/{stage:str}"): "public glossary, no personal data",
    ("GET", "/glossary/stage/{stage:str}/document"): "public glossary, no personal data",
    ("GET", "/api/glossary"): "public glossary, no personal data",
    ("GET", "/api/glossary/{term_id:str}"): "public glossary, no personal data",
    ("GET", "/glossary/local"): "team admins' local glossary entries, no case data",
    ("GET", "/glossary/local/new"): "team admins' local glossary entries, no case data",
    ("POST", "/glossary/local/new"): "team admins' local glossary entries, no case data",
    ("GET", "/glossary/local/{entry_id:uuid}/change"): "team admins' local glossary entries, no case data",
    ("POST", "/glossary/local/{entry_id:uuid}/change"): "team admins' local glossary entries, no case data",
    ("GET", "/glossary/local/{entry_id:uuid}/remove"): "team admins' local glossary entries, no case data",
    ("POST", "/glossary/local/{entry_id:uuid}/remove"): "team admins' local glossary entries, no case data",
    ("POST", "/api/glossary/local"): "team admins' local glossary entries, no case data",
    ("GET", "/reports"): "figures only (no case named): a worker's own caseload, a manager's team (tests/reports)",
    ("GET", "/reports/quarterly.csv"): "figures only, counts under 5 suppressed; scoped as /reports (tests/reports)",
    ("GET", "/reports/quarterly.xlsx"): "figures only, counts under 5 suppressed; scoped as /reports (tests/reports)",
    ("POST", "/reports/submit"): "managers (their team) and admins where allowed; 404 for others (tests/reports)",
    ("GET", "/reports/submitted"): "managers (their team's) and admins where allowed; 404 for others (tests/reports)",
    ("GET", "/reports/submitted/{report_id:uuid}"): "another team's report answers 404 (tests/reports)",
    ("GET", "/reports/submitted/{report_id:uuid}/report.csv"): "another team's report answers 404 (tests/reports)",
    ("GET", "/reports/submitted/{report_id:uuid}/report.xlsx"): "another team's report answers 404 (tests/reports)",
    ("GET", "/family-outcomes/items"): "the measure's sentences, no case data; managers and admins only, others 404 (tests/outcomes)",
    ("POST", "/family-outcomes/items"): "the measure's sentences, no case data; managers and admins only, others 404 (tests/outcomes)",
    ("GET", "/api/reports/quarterly"): "figures only, counts under 5 suppressed; scoped as /reports (tests/reports)",
    ("GET", "/api/reports/quarterly.csv"): "figures only, counts under 5 suppressed; scoped as /reports (tests/reports)",
    ("GET", "/api/reports/quarterly.xlsx"): "figures only, counts under 5 suppressed; scoped as /reports (tests/reports)",
}
IGNORED_PREFIXES = ("/schema", "/static")
CASE_TABLES = ["case_record", "case_worker", "family_member", "risk_assessment", "case_contact", "consent", "stage_move", "case_task",
               "proceeding", "charge", "hearing", "hearing_change", "hearing_attendance", "calendar_subscription",
               "special_measure", "produced_document", "document_share",
               "incident", "incident_amendment", "incident_evidence", "police_referral", "incident_chain",
               "outcome", "support_plan_item", "support_plan_review", "case_closure", "witness_attendance",
               "contact_log_entry", "contact_log_member", "contact_log_correction", "contact_log_follow_up",
               "member_reach", "outbox_message",
               "family_outcome_measure", "family_outcome_answer", "exit_survey", "equality_monitoring", "record_correction"]

# A body that would be valid for most case forms, so a route that forgot the guard would act on it.
ANY_BODY: dict[str, Any] = {
    "to_stage": "disclosure", "reason": "test", "title": "Leaked task", "due_on": "2026-12-01",
    "name": "Intruder", "relationship_to_child": "mother", "preferred_language": "en", "role": "isva",
    "organisation_kind": "other", "organisation": "Elsewhere", "phone": "01632 960999", "purpose": "x", "given_by": "x",
    "given_on": "2026-01-01", "withdrawn_on": "2026-02-01", "level": "high", "assessed_on": "2026-01-01",
    "done": True, "narrative": "Leaked incident", "occurred_from": "2026-01-02T10:00:00Z", "occurred_on": "2026-01-02",
    "note": "Leaked amendment", "passed_on": "2026-01-03", "passed_by": "worker",
    "kind": "call", "notes": "Leaked contact",
    "point": "start", "helped": True, "would_recommend": True, "comment": "Leaked comment", "age_band": "25_34",
}


def case_routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(IGNORED_PREFIXES):
            continue
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            key = (method, route.path.rstrip("/") or "/")
            if "{case_id" in route.path:
                found.append((method, route.path))
            else:
                assert key in NOT_CASE_ROUTES, f"{key} is neither case-scoped nor listed as safe in NOT_CASE_ROUTES"
    return found


def concrete(path: str, world: World, more: dict[str, Any] | None = None) -> str:
    ids = {**(more or {}), "case_id": world.north_case, "task_id": world.north_task, "consent_id": world.north_consent,
           "proceeding_id": world.north_proceeding, "hearing_id": world.north_hearing, "subscription_id": world.north_subscription,
           "document_id": world.north_document, "share_id": world.north_share,
           "incident_id": world.north_incident, "evidence_id": world.north_evidence,
           "outcome_id": world.north_outcome, "item_id": world.north_plan_item, "review_id": world.north_review, "rule": "uls",
           "entry_id": world.north_contact_entry, "family_member_id": world.north_member,
           "message_id": world.north_message, "user_id": world.worker.id}

    def fill(match: re.Match[str]) -> str:
        return str(ids.get(match.group(1), uuid.uuid4()))

    return re.sub(r"\{(\w+)(?::\w+)?\}", fill, path)


def snapshot(settings: Settings) -> dict[str, tuple[int, Any]]:
    return {t: tuple(sql(settings, f"SELECT count(*), max(updated_at) FROM {t}")[0]) for t in CASE_TABLES}


def request_as(client: TestClient[Any], who: Any, method: str, path: str, body: dict[str, Any]) -> Any:
    if path.startswith("/api/"):
        return client.request(method, path, headers=who.auth, json=body if method != "GET" else None)
    if method == "GET":
        return client.get(path, follow_redirects=False)
    token = csrf_token(client, "/account")
    return client.request(method, path, data={**{k: str(v) for k, v in body.items()}, "_csrf_token": token}, follow_redirects=False)


@pytest.mark.parametrize("intruder", ["outsider", "colleague", "admin"])
def test_nobody_unassigned_can_reach_a_case_by_any_route(
    client: TestClient[Any], settings: Settings, world: World, intruder: str
) -> None:
    who = getattr(world, intruder)
    sign_in(client, who.email)
    routes = case_routes(client.app)
    assert len(routes) >= 20, "the walk found suspiciously few case routes"
    before = snapshot(settings)
    for method, template in routes:
        path = concrete(template, world)
        response = request_as(client, who, method, path, ANY_BODY)
        assert response.status_code == 404, f"{intruder}: {method} {template} answered {response.status_code}"
        assert "Nell" not in response.text and "Northfield" not in response.text
    assert snapshot(settings) == before, "a refused request changed case data"
    denied = audit_events(settings, case_id=world.north_case, actor_id=who.id, outcome="denied")
    assert len(denied) == len(routes), "every refused attempt is in the audit trail"


def test_the_assigned_worker_reaches_every_case_route(client: TestClient[Any], world: World) -> None:
    """The positive control: the same addresses are real, so the 404s above come from access, not typos."""
    sign_in(client, world.worker.email)
    api = f"/api/cases/{world.north_case}"
    more = {  # records the world does not hold, made here so their correction pages are walked too
        "contact_id": client.post(f"{api}/contacts", headers=world.worker.auth,
                                  json={"role": "officer_in_case", "name": "DC Reed", "phone": "01632 960000"}).json()["id"],
        "risk_assessment_id": client.post(f"{api}/risk-assessments", headers=world.worker.auth,
                               json={"level": "medium", "assessed_on": "2026-01-01"}).json()["id"],
    }
    def removes_the_task(route: tuple[str, str]) -> bool:  # walked last, so the task's other routes find it
        method, template = route
        return template.endswith("/tasks/{task_id:uuid}") and method == "DELETE" or (
            template.endswith("/tasks/{task_id:uuid}/remove") and method == "POST")

    for method, template in sorted(case_routes(client.app), key=removes_the_task):
        if template.endswith(("/audit", "/audit.csv")):
            continue  # managers only
        response = request_as(client, world.worker, method, concrete(template, world, more), {} if method != "GET" else {})
        assert response.status_code != 404, f"{method} {template} is 404 even for the assigned worker"
        assert response.status_code < 500, f"{method} {template}: {response.status_code}"


def test_a_manager_sees_every_case_of_their_team_but_no_other(client: TestClient[Any], world: World) -> None:
    listed = client.get("/api/cases", headers=world.manager.auth).json()
    assert [c["id"] for c in listed] == [str(world.north_case)]
    assert client.get(f"/api/cases/{world.north_case}", headers=world.manager.auth).status_code == 200
    assert client.get(f"/api/cases/{world.south_case}", headers=world.manager.auth).status_code == 404


def test_lists_show_only_visible_cases(client: TestClient[Any], world: World) -> None:
    for who, expected in [(world.worker, {str(world.north_case)}), (world.outsider, {str(world.south_case)}),
                          (world.colleague, set()), (world.admin, set())]:
        ids = {c["id"] for c in client.get("/api/cases", headers=who.auth).json()}
        assert ids == expected, who.email
    sign_in(client, world.outsider.email)
    page = client.get("/")
    assert "Nell" not in page.text and str(world.north_case) not in page.text
    assert "Sky" in page.text


def test_a_case_that_does_not_exist_and_one_you_may_not_see_answer_alike(client: TestClient[Any], world: World) -> None:
    hidden = client.get(f"/api/cases/{world.north_case}", headers=world.outsider.auth)
    missing = client.get(f"/api/cases/{uuid.uuid4()}", headers=world.outsider.auth)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_a_task_of_another_case_cannot_be_reached_through_your_own_case(client: TestClient[Any], world: World) -> None:
    # The outsider owns south_case; north's task id must not resolve under it.
    response = client.patch(f"/api/cases/{world.south_case}/tasks/{world.north_task}", headers=world.outsider.auth, json={"done": True})
    assert response.status_code == 404
    task = client.get(f"/api/cases/{world.north_case}/tasks", headers=world.worker.auth).json()
    assert all(t["done_at"] is None for t in task if t["id"] == str(world.north_task))


def test_the_api_refuses_requests_without_a_valid_token(client: TestClient[Any], world: World) -> None:
    assert client.get("/api/cases").status_code == 401
    assert client.get("/api/cases", headers={"Authorization": "Bearer cjapi_nope"}).status_code == 401
    assert client.get("/api/cases", headers={"Authorization": "Basic abc"}).status_code == 401


def test_the_api_does_not_accept_a_session_cookie(client: TestClient[Any], world: World) -> None:
    """Cookies are for pages (which carry CSRF tokens); a cross-site script cannot ride them into the API."""
    sign_in(client, world.worker.email)
    assert client.get("/api/cases").status_code == 401


def test_pages_send_people_who_are_not_signed_in_to_the_sign_in_page(client: TestClient[Any], world: World) -> None:
    response = client.get(f"/cases/{world.north_case}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
