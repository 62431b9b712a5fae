"""Every page in a real browser: Debian's chromium driven by Playwright.

The service runs for real (`courtjourney init`, `demo`, `serve`) in a subprocess on a fresh SQLite
database. The tests walk the worker's journey through a stage move, then check every page, for each
role that can see it, against axe-core (WCAG 2.2 AA and best practice), a page-structure check,
keyboard use and visible focus, a 360px-wide phone screen, and the Content-Security-Policy.

Nothing here knows the demo data beyond what the demo promises (its logins, and the worker's three
cases): case and task addresses, journey stages and their order are read from the pages themselves.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(
            f"{CHROMIUM} is missing on CI: the browser tests must run there (apt-get install chromium)",
            pytrace=False,
        )
    pytest.skip(
        f"Debian's chromium ({CHROMIUM}) is not installed: apt-get install chromium to run these tests",
        allow_module_level=True,
    )

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright  # noqa: E402

from tests.served import Served, prepared  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
LOGINS = {
    "worker": ("worker@demo.example", "demo-worker-2026"),
    "manager": ("manager@demo.example", "demo-manager-2026"),
    "admin": ("admin@demo.example", "demo-admin-2026"),
}
DESK = {"width": 1100, "height": 800}
PHONE = {"width": 360, "height": 740}
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
"""
CASE_PATH = re.compile(r"/cases/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TASK_PATH = re.compile(CASE_PATH.pattern + r"/tasks/[0-9a-f-]{36}")
HEARING_PATH = re.compile(CASE_PATH.pattern + r"/hearings/[0-9a-f-]{36}")
INCIDENT_PATH = re.compile(CASE_PATH.pattern + r"/incidents/[0-9a-f-]{36}")
REFERRAL_PATH = re.compile(r"/referrals/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# --------------------------------------------------------------------------------------------
# The pages under test
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    """One page as one role sees it. `submit` presses that button first (after emptying the field
    `clear`, for a form that comes filled in), to show the form with its errors."""

    name: str
    role: str | None
    path: str
    submit: str | None = None
    clear: str | None = None


MAIN_SUBMIT = "main form button[type=submit]"
PASSWORD_SUBMIT = "form[action='/account/password'] button[type=submit]"
NEW_ACCOUNT_SUBMIT = "form[action='/admin/users'] button[type=submit]"
SCREENS = [
    Screen("login", None, "/login"),
    Screen("login-with-errors", None, "/login", submit=MAIN_SUBMIT),
    Screen("my-day", "worker", "/my-day"),
    Screen("rules", "worker", "/rules"),
    Screen("manager-my-day", "manager", "/my-day"),
    Screen("caseload", "worker", "/"),
    Screen("manager-caseload", "manager", "/"),
    Screen("manager-caseload-narrowed", "manager", "/?stage=trial&risk=high"),
    Screen("new-case", "worker", "/cases/new"),
    Screen("case", "worker", "{case}"),
    Screen("stage", "worker", "{case}/stage"),
    Screen("stage-with-errors", "worker", "{case}/stage", submit=MAIN_SUBMIT),
    Screen("new-task", "worker", "{case}/tasks/new"),
    Screen("task", "worker", "{task}"),
    Screen("task-with-errors", "worker", "{task}", submit=MAIN_SUBMIT, clear="#field-title"),
    Screen("remove-task", "worker", "{task}/remove"),
    Screen("new-family-member", "worker", "{case}/family/new"),
    Screen("new-family-member-with-errors", "worker", "{case}/family/new", submit=MAIN_SUBMIT),
    Screen("new-contact", "worker", "{case}/contacts/new"),
    Screen("new-consent", "worker", "{case}/consent/new"),
    Screen("new-consent-with-errors", "worker", "{case}/consent/new", submit=MAIN_SUBMIT),
    Screen("withdraw-consent", "worker", "{withdraw_consent}"),
    Screen("take-colleague-off-case", "worker", "{take_off}"),
    Screen("contact-log", "worker", "{contact_case}/contact-log"),
    Screen("new-contact-log-entry", "worker", "{case}/contact-log/new"),
    Screen("new-contact-log-entry-with-errors", "worker", "{case}/contact-log/new", submit=MAIN_SUBMIT),
    Screen("correct-contact-log-entry", "worker", "{contact_entry}"),
    Screen("family-outcomes", "worker", "{case}/family-outcomes"),
    Screen("family-outcomes-measure", "worker", "{case}/family-outcomes/measure"),
    Screen("family-outcomes-measure-with-errors", "worker", "{case}/family-outcomes/measure", submit=MAIN_SUBMIT),
    Screen("family-outcomes-exit-survey", "worker", "{case}/family-outcomes/exit-survey"),
    Screen("family-outcomes-exit-survey-with-errors", "worker", "{case}/family-outcomes/exit-survey", submit=MAIN_SUBMIT),
    Screen("family-outcomes-equality", "worker", "{case}/family-outcomes/equality"),
    Screen("family-outcomes-items", "manager", "/family-outcomes/items"),
    Screen("family-outcomes-items-with-errors", "manager", "/family-outcomes/items", submit=MAIN_SUBMIT, clear="#field-en\\.understanding"),
    Screen("new-risk", "worker", "{case}/risk/new"),
    Screen("correct-family-member", "worker", "{corrected_member}"),
    Screen("correct-family-member-with-errors", "worker", "{corrected_member}", submit=MAIN_SUBMIT, clear="#field-name"),
    Screen("correct-child-details", "worker", "{case}/details"),
    Screen("delete-case-too-late", "worker", "{case}/delete"),
    Screen("new-worker", "worker", "{case}/workers/new"),
    Screen("case-with-incidents", "worker", "{incident_case}"),
    Screen("incident-log", "worker", "{incident_case}/incidents"),
    Screen("new-incident", "worker", "{case}/incidents/new"),
    Screen("new-incident-with-errors", "worker", "{case}/incidents/new", submit=MAIN_SUBMIT),
    Screen("incident-with-amendment", "worker", "{incident}"),
    Screen("amend-incident", "worker", "{incident}/amend"),
    Screen("amend-incident-with-errors", "worker", "{incident}/amend", submit=MAIN_SUBMIT),
    Screen("account", "worker", "/account"),
    Screen("account-with-errors", "worker", "/account", submit=PASSWORD_SUBMIT),
    Screen("new-proceeding", "worker", "{hearing_case}/proceedings/new"),
    Screen("new-hearing", "worker", "{hearing_case}/hearings/new"),
    Screen("new-hearing-with-errors", "worker", "{hearing_case}/hearings/new", submit=MAIN_SUBMIT, clear="#field-court_name"),
    Screen("hearing", "worker", "{hearing}"),
    Screen("change-hearing", "worker", "{hearing}/change"),
    Screen("change-hearing-with-errors", "worker", "{hearing}/change", submit=MAIN_SUBMIT),
    Screen("hearing-attendance", "worker", "{hearing}/attendance"),
    Screen("family-calendars", "worker", "{hearing_case}/calendars"),
    Screen("calendar-turn-off", "worker", "{calendar}/revoke"),
    Screen("calendar-new-address", "worker", "{calendar}/replace"),
    Screen("new-special-measure", "worker", "{hearing_case}/special-measures/new"),
    Screen("witness-pack", "worker", "{hearing}/witness-pack"),
    Screen("documents", "worker", "{hearing_case}/documents"),
    Screen("next-14-days", "worker", "/hearings/upcoming"),
    Screen("search", "worker", "/search"),
    Screen("search-results", "worker", "/search?q=Robin"),
    Screen("search-no-match", "worker", "/search?q=Qzxv"),
    Screen("search-with-errors", "worker", "/search", submit="main form.case-search button[type=submit]"),
    Screen("search-from-the-header", "manager", "/team", submit="header form.header-search button[type=submit]"),
    Screen("my-calendar", "worker", "/account/calendar"),
    Screen("api-tokens", "worker", "/account/tokens"),
    Screen("api-tokens-with-errors", "worker", "/account/tokens", submit=MAIN_SUBMIT),
    Screen("api-token-revoke", "worker", "{api_token}/revoke"),
    Screen("manager-audit", "manager", "{case}/audit"),
    Screen("manager-audit-reads", "manager", "{case}/audit?kind=reads"),
    Screen("after-the-verdict", "worker", "{sentenced_case}/debrief"),
    Screen("new-outcome", "worker", "{sentenced_case}/outcomes/new"),
    Screen("new-outcome-with-errors", "worker", "{sentenced_case}/outcomes/new", submit=MAIN_SUBMIT),
    Screen("change-outcome", "worker", "{outcome}"),
    Screen("child-attendance", "worker", "{child_attendance}"),
    Screen("support-plan", "worker", "{sentenced_case}/support-plan"),
    Screen("new-plan-item", "worker", "{sentenced_case}/support-plan/new"),
    Screen("new-plan-item-with-errors", "worker", "{sentenced_case}/support-plan/new", submit=MAIN_SUBMIT),
    Screen("close-case", "worker", "{sentenced_case}/close"),
    Screen("timeline", "worker", "{sentenced_case}/timeline"),
    Screen("timeline-filtered", "worker", "{hearing_case}/timeline?kind=hearings&kind=documents"),
    Screen("timeline-contacts-only", "worker", "{case}/timeline?kind=contacts"),
    Screen("manager-team", "manager", "/team"),
    Screen("contact-standard", "manager", "/team/contact-standard"),
    Screen("contact-standard-with-errors", "manager", "/team/contact-standard", submit=MAIN_SUBMIT, clear="#field-high_days"),
    Screen("referrals", "manager", "/referrals"),
    Screen("referrals-all", "manager", "/referrals?status=all"),
    Screen("worker-referrals", "worker", "/referrals"),
    Screen("new-referral", "worker", "/referrals/new"),
    Screen("new-referral-with-errors", "worker", "/referrals/new", submit=MAIN_SUBMIT),
    Screen("referral", "manager", "{referral}"),
    Screen("accepted-referral", "manager", "{accepted_referral}"),
    Screen("accept-referral", "manager", "{referral}/accept"),
    Screen("accept-referral-with-errors", "manager", "{referral}/accept", submit=MAIN_SUBMIT),
    Screen("wait-referral", "manager", "{referral}/wait"),
    Screen("decline-referral-with-errors", "manager", "{referral}/decline", submit=MAIN_SUBMIT),
    Screen("withdraw-referral", "manager", "{referral}/withdraw"),
    Screen("confirm-safe-contact", "manager", "{waiting_referral}/confirm-contact"),
    Screen("reports", "manager", "/reports"),
    Screen("reports-earlier-quarter", "manager", "/reports?quarter={last_quarter}"),
    Screen("reports-worker", "worker", "/reports"),
    Screen("reports-admin", "admin", "/reports"),
    Screen("reports-submitted", "manager", "/reports/submitted"),
    Screen("reports-submitted-one", "manager", "{submitted_report}"),
    Screen("admin-users", "admin", "/admin/users"),
    Screen("admin-users-with-errors", "admin", "/admin/users", submit=NEW_ACCOUNT_SUBMIT),
    Screen("admin-team-with-errors", "admin", "/admin/users", submit="form[action='/admin/users/teams'] button[type=submit]"),
    Screen("admin-change-account", "admin", "{other_account}/change"),
    Screen("admin-change-account-with-errors", "admin", "{other_account}/change", submit=MAIN_SUBMIT),
    Screen("glossary", None, "/glossary"),
    Screen("glossary-search", None, "/glossary?q=ajournment"),
    Screen("glossary-search-with-errors", None, "/glossary", submit="main form.glossary-search button[type=submit]"),
    Screen("glossary-term", None, "/glossary/special-measures"),
    Screen("glossary-stage", None, "/glossary/stage/trial"),
    Screen("glossary-welsh", None, "/glossary?lang=cy"),
    Screen("glossary-welsh-term-in-english", None, "/glossary/hearsay?lang=en"),
    Screen("glossary-welsh-fallback", None, "/glossary/stage/post_trial?lang=cy"),
    Screen("glossary-local-new", "manager", "/glossary/local/new"),
    Screen("glossary-local-new-with-errors", "manager", "/glossary/local/new", submit=MAIN_SUBMIT),
    Screen("glossary-local", "manager", "/glossary/local"),
    Screen("glossary-local-change", "manager", "{glossary_entry}/change"),
    Screen("glossary-local-change-with-errors", "manager", "{glossary_entry}/change", submit=MAIN_SUBMIT,
           clear="#field-term"),
    Screen("glossary-local-remove", "manager", "{glossary_entry}/remove"),
    Screen("glossary-for-a-teams-families", None, "{team_glossary}"),
]
SCREEN_NAMES = [screen.name for screen in SCREENS]


# --------------------------------------------------------------------------------------------
# Fixtures: the service, the browser, signed-in sessions
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    served = Served(prepared(tmp), tmp / "serve.log").start()
    try:
        yield served.base
    finally:
        served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def sign_in(page: Page, server: str, role: str) -> None:
    email, password = LOGINS[role]
    page.goto(f"{server}/login")
    page.fill("#field-email", email)
    page.fill("#field-password", password)
    with page.expect_navigation():
        page.click(MAIN_SUBMIT)
    assert urlsplit(page.url).path == "/my-day", f"signing in as {email} did not reach My day: {page.url}"


def new_context(browser: Browser, viewport: dict[str, int], state: Any = None) -> BrowserContext:
    context = browser.new_context(viewport=viewport, storage_state=state)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="module")
def sessions(browser: Browser, server: str) -> dict[str | None, Any]:
    """Each role's signed-in cookies, signed in once through the real form."""
    states: dict[str | None, Any] = {None: None}
    for role in LOGINS:
        context = new_context(browser, DESK)
        sign_in(context.new_page(), server, role)
        states[role] = context.storage_state()
        context.close()
    return states


def case_links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if CASE_PATH.fullmatch(h)))


@pytest.fixture(scope="module")
def addresses(browser: Browser, server: str, sessions: dict[str | None, Any]) -> dict[str, str]:
    """A case that the worker and her manager both see, and one of its tasks, read from the pages."""
    context = new_context(browser, DESK, sessions["worker"])
    page = context.new_page()
    page.goto(f"{server}/")
    worker_cases = case_links(page)
    assert worker_cases, "the demo worker's caseload links to no case"
    context.close()
    context = new_context(browser, DESK, sessions["manager"])
    page = context.new_page()
    page.goto(f"{server}/")
    shared = [c for c in worker_cases if c in case_links(page)]
    assert shared, "the manager's caseload shows none of her team's worker's cases"
    case = shared[-1]
    page.goto(f"{server}{case}")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    tasks = [h for h in hrefs if TASK_PATH.fullmatch(h) and h.startswith(case)]
    assert tasks, f"the case page {case} links to no task"
    hearing_case, hearing = "", ""
    for candidate in worker_cases:
        page.goto(f"{server}{candidate}")
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        hearings = [h for h in hrefs if HEARING_PATH.fullmatch(h)]
        if hearings:
            hearing_case, hearing = candidate, hearings[0]
            break
    assert hearing, "no demo case links to a hearing"
    calendar = ""
    for candidate in worker_cases:
        page.goto(f"{server}{candidate}/calendars")
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        turn_off = re.compile(CASE_PATH.pattern + r"/calendars/[0-9a-f-]{36}/revoke")
        calendar = next((h.removesuffix("/revoke") for h in hrefs if turn_off.fullmatch(h)), "")
        if calendar:
            break
    assert calendar, "no demo case has a calendar address to turn off"
    sentenced_case = ""
    for candidate in worker_cases:
        page.goto(f"{server}{candidate}/debrief")
        if page.locator("main h3").count():  # the demo case with a recorded outcome and sentence
            if "Found guilty" in page.locator("main").inner_text():
                sentenced_case = candidate
                break
    assert sentenced_case, "no demo case has a conviction recorded"
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    outcome = next((h for h in hrefs if re.fullmatch(CASE_PATH.pattern + r"/outcomes/[0-9a-f-]{36}", h)), "")
    came = next((h for h in hrefs if h.endswith("/child-attendance")), "")
    assert outcome and came, "the after-the-verdict page links to no outcome or no child attendance form"
    context.close()
    # The demo promises one case with incidents, one of them corrected by an amendment.
    context = new_context(browser, DESK, sessions["worker"])
    page = context.new_page()
    amended = None
    for worker_case in worker_cases:
        page.goto(f"{server}{worker_case}/incidents")
        links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        for link in dict.fromkeys(h for h in links if INCIDENT_PATH.fullmatch(h)):
            page.goto(f"{server}{link}")
            if page.locator(".amendment").count():
                amended = (worker_case, link)
                break
        if amended:
            break
    corrections: list[str] = []
    for worker_case in worker_cases:
        page.goto(f"{server}{worker_case}/contact-log")
        links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        corrections += [h for h in links if h.startswith(f"{worker_case}/contact-log/") and h.endswith("/correct")]
    # The demo corrected a mother's safe times: her correction page lists what it said before.
    corrected_member = ""
    for worker_case in worker_cases:
        page.goto(f"{server}{worker_case}")
        links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        for link in (h for h in links if re.fullmatch(CASE_PATH.pattern + r"/family/[0-9a-f-]{36}", h)):
            page.goto(f"{server}{link}")
            if page.locator("ul.history").count():
                corrected_member = link
                break
        if corrected_member:
            break
    assert corrected_member, "no demo family member has a correction: the demo promises one"
    withdraw = ""
    for worker_case in worker_cases:
        page.goto(f"{server}{worker_case}")
        links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        withdraw = next((h for h in links if re.fullmatch(CASE_PATH.pattern + r"/consent/[0-9a-f-]{36}/withdraw", h)), "")
        if withdraw:
            break
    assert withdraw, "no demo case has live consent to withdraw"
    take_off = ""
    for worker_case in worker_cases:
        page.goto(f"{server}{worker_case}")
        links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        take_off = next((h for h in links if re.fullmatch(CASE_PATH.pattern + r"/workers/[0-9a-f-]{36}/remove", h)), "")
        if take_off:
            break
    assert take_off, "no demo case has two people on it: the demo promises one"
    context.close()
    # The demo promises referrals in each state: the first of the queue is new (and urgent), one waits, one was accepted.
    context = new_context(browser, DESK, sessions["manager"])
    page = context.new_page()
    referrals: dict[str, str] = {}
    for status in ("new", "waiting", "accepted"):
        page.goto(f"{server}/referrals?status={status}")
        links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        found = [h for h in links if REFERRAL_PATH.fullmatch(h)]
        assert found, f"the demo has no {status} referral on the manager's queue"
        referrals[status] = found[0]
    context.close()
    # The demo's manager submitted last quarter's report: the first one her list links to.
    context = new_context(browser, DESK, sessions["manager"])
    page = context.new_page()
    page.goto(f"{server}/reports/submitted")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    submitted = next((h for h in hrefs if re.fullmatch(r"/reports/submitted/[0-9a-f-]{36}", h)), "")
    assert submitted, "the demo has no submitted report"
    # The demo's North hub has a glossary word of its own; the list gives the address its families read.
    page.goto(f"{server}/glossary/local")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    entry = next((h.removesuffix("/change") for h in hrefs if re.fullmatch(r"/glossary/local/[0-9a-f-]{36}/change", h)), "")
    team_glossary = next((urlsplit(h)._replace(scheme="", netloc="").geturl() for h in hrefs if "team=" in h
                          and urlsplit(h).path == "/glossary"), "")
    assert entry and team_glossary, "the demo's manager has no local glossary entry, or no address for families"
    context.close()
    # An API token of the worker's own, made on her tokens page (the demo makes none): its revoke page.
    context = new_context(browser, DESK, sessions["worker"])
    page = context.new_page()
    page.goto(f"{server}/account/tokens")
    page.fill("#field-name", "Court list sync")
    with page.expect_navigation():
        page.click(MAIN_SUBMIT)
    assert "will not be shown again" in page.locator("main").inner_text(), "the new token was not shown once"
    page.goto(f"{server}/account/tokens")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    api_token = next((h.removesuffix("/revoke") for h in hrefs if re.fullmatch(r"/account/tokens/[0-9a-f-]{36}/revoke", h)), "")
    assert api_token, "the tokens page links to no revoke page for the token just made"
    context.close()
    context = new_context(browser, DESK, sessions["admin"])
    page = context.new_page()
    page.goto(f"{server}/admin/users")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    other_account = next((h.removesuffix("/change") for h in hrefs if re.fullmatch(r"/admin/users/[0-9a-f-]{36}/change", h)), "")
    assert other_account, "the accounts page links to no account to change"
    context.close()
    assert amended, "no demo case has an incident with an amendment"
    assert corrections, "the worker may correct no entry of her cases' contact logs: the demo promises some"
    return {"case": case, "task": tasks[0], "contact_entry": corrections[0], "contact_case": corrections[0].split("/contact-log/")[0], "hearing_case": hearing_case, "hearing": hearing,
            "incident_case": amended[0], "incident": amended[1],
            "sentenced_case": sentenced_case, "outcome": outcome, "child_attendance": came,
            "referral": referrals["new"], "waiting_referral": referrals["waiting"], "accepted_referral": referrals["accepted"],
            "submitted_report": submitted, "last_quarter": last_quarter_start(),
            "glossary_entry": entry, "team_glossary": team_glossary, "corrected_member": corrected_member,
            "calendar": calendar, "withdraw_consent": withdraw, "api_token": api_token,
            "other_account": other_account, "take_off": take_off}


def last_quarter_start() -> str:
    """The first day of the quarter before this one (the server's clock is the test's)."""
    import datetime as dt

    today = dt.date.today()
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
    return dt.date(first.year, 3 * ((first.month - 1) // 3) + 1, 1).isoformat()


@pytest.fixture(scope="module")
def open_page(browser: Browser, sessions: dict[str | None, Any]) -> Iterator[Callable[..., Page]]:
    """The tab for `role` (None: signed out) at the given screen size. One tab per role and size is
    shared by the per-page tests: each test loads its page afresh, and a new tab per test would cost
    more time than the checks themselves. Every page records the CSP violations it sees."""
    tabs: dict[Any, Page] = {}

    def get(role: str | None, viewport: dict[str, int] = DESK) -> Page:
        key = (role, viewport["width"], viewport["height"])
        if key not in tabs:
            context = new_context(browser, viewport, sessions[role])
            context.add_init_script(RECORD_CSP)
            tabs[key] = context.new_page()
        return tabs[key]

    yield get
    for tab in tabs.values():
        tab.context.close()


def visit(page: Page, server: str, screen: Screen, addresses: dict[str, str]) -> Response:
    """Load the screen (and submit its form, if it is an error screen); return the final response."""
    path = screen.path.format(**addresses)
    response = page.goto(f"{server}{path}")
    assert response is not None and response.ok, f"GET {path}: {response and response.status}"
    if screen.submit:
        if screen.clear:
            page.fill(screen.clear, "")
        with page.expect_navigation() as navigation:
            page.click(screen.submit)
        response = navigation.value
        status = response and response.status
        assert status == 400, f"{screen.name}: submitting an empty form answered {status}, not 400"
        summaries = page.locator(".error-summary").count()
        assert summaries == 1, f"{screen.name}: {summaries} error summaries after a bad submit, not 1"
    if screen.role:
        assert urlsplit(page.url).path != "/login", f"{screen.name}: the {screen.role} was sent to sign in"
    return response


# --------------------------------------------------------------------------------------------
# 1. The done-when journey
# --------------------------------------------------------------------------------------------


def journey_stops(page: Page) -> tuple[list[str], int]:
    """The stage labels on the journey map, in order, and the index of the current one ("(now)")."""
    texts = page.eval_on_selector_all(
        "main .journey svg[role=img] text.stage-label", "els => els.map(e => e.textContent.trim())"
    )
    now = [i for i, t in enumerate(texts) if t.endswith("(now)")]
    assert len(now) == 1, f"the journey map should mark exactly one stage as now: {texts}"
    return [t.removesuffix("(now)").strip() for t in texts], now[0]


def test_a_worker_moves_a_case_ahead_and_must_give_a_reason(browser: Browser, server: str) -> None:
    context = new_context(browser, DESK)
    try:
        page = context.new_page()
        sign_in(page, server, "worker")

        cases = case_links(page)
        assert len(cases) == 3, f"the demo worker should see her 3 cases on her caseload, saw {cases}"

        # Open a case whose journey has a stage two steps ahead: that move skips one, so needs a reason.
        for case in cases:
            page.click(f"main a[href='{case}']")
            page.wait_for_url(f"{server}{case}")
            svg = page.locator("main .journey svg[role=img]")
            assert svg.count() == 1, f"{case}: no journey map (an svg with role=img)"
            titles = svg.locator(":scope > title")
            assert titles.count() == 1, f"{case}: the journey map has no <title> (its text alternative)"
            title = titles.text_content() or ""
            assert title.strip(), f"{case}: the journey map's <title> is empty"
            labelled_by = (svg.get_attribute("aria-labelledby") or "").split()
            if labelled_by:
                named_by_title = titles.get_attribute("id") in labelled_by
            else:
                named_by_title = not svg.get_attribute("aria-label")
            assert named_by_title, f"{case}: the journey map's accessible name does not come from its <title>"
            stops, now = journey_stops(page)
            assert stops[now] in title, f"the map's title {title!r} does not name {stops[now]!r}"
            if now + 2 < len(stops):
                break
            page.go_back()
        else:
            pytest.fail("no demo case has a stage two steps ahead to skip to")
        old_stage, target = stops[now], stops[now + 2]

        page.click(f"main a[href='{case}/stage']")
        page.wait_for_url(f"{server}{case}/stage")
        options = page.eval_on_selector_all(
            "#field-to_stage option", "els => els.map(e => [e.value, e.textContent.trim()])"
        )
        values = [v for v, text in options if text == target or text.startswith(target + " ")]
        assert len(values) == 1, f"no single choice for {target!r} among {options}"
        page.select_option("#field-to_stage", values[0])
        with page.expect_navigation() as refused:
            page.click(MAIN_SUBMIT)
        assert refused.value and refused.value.status == 400, "a skip ahead with no reason was not refused"

        summary = page.locator(".error-summary")
        assert summary.is_visible(), "no error summary after the refused move"
        announced = summary.evaluate(
            "e => document.activeElement === e || e.getAttribute('role') === 'alert'"
            " || ['assertive', 'polite'].includes(e.getAttribute('aria-live'))"
        )
        assert announced, "the error summary is neither focused nor announced (role=alert / aria-live)"
        title_now = page.title()
        assert title_now.lower().startswith("error"), f"the title does not say there is an error: {title_now}"
        link = summary.locator("a[href='#field-reason']")
        assert link.count() == 1, f"the error summary has no link to the reason: {summary.inner_html()}"
        link.focus()
        page.keyboard.press("Enter")
        focused = page.evaluate("document.activeElement.id")
        assert focused == "field-reason", f"the summary link moved focus to {focused!r}, not the reason"
        reason = page.locator("#field-reason")
        assert reason.get_attribute("aria-invalid") == "true"
        described = (reason.get_attribute("aria-describedby") or "").split()
        messages = [page.locator(f"#{i}").inner_text() for i in described if page.locator(f"#{i}").count()]
        assert any(m.strip() for m in messages), "the reason field is not described by its error message"
        kept = page.input_value("#field-to_stage")
        assert kept == values[0], "the chosen stage was lost when the form came back"

        why = f"Family asked to skip ahead; agreed with the OIC ({time.time_ns()})"
        page.keyboard.type(why)
        with page.expect_navigation():
            page.click(MAIN_SUBMIT)
        assert urlsplit(page.url).path == case, f"after the move, not back on the case page: {page.url}"

        history = page.locator(".history li").all_inner_texts()
        moved = [h for h in history if why in h]
        assert len(moved) == 1, f"the journey history does not list the move with its reason: {history}"
        assert target in moved[0] and old_stage in moved[0], f"the history misses a stage: {moved[0]!r}"
        stops_after, now_after = journey_stops(page)
        marked = stops_after[now_after]
        assert marked == target, f"the map marks {marked!r} as now, not {target!r}"
        title_after = page.locator("main .journey svg[role=img] > title")
        assert title_after.count() == 1, "the journey map lost its <title>"
        assert target in (title_after.text_content() or ""), "the map's title does not name the new stage"
    finally:
        context.close()


# --------------------------------------------------------------------------------------------
# 2. axe-core: WCAG 2.2 AA and best practice
# --------------------------------------------------------------------------------------------


def axe_violations(page: Page) -> list[str]:
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        f"    at {[node['target'] for node in v['nodes']][:8]}\n    {v['helpUrl']}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_NAMES)
def test_axe_finds_no_violations(
    screen: Screen, open_page: Callable[..., Page], server: str, addresses: dict[str, str]
) -> None:
    page = open_page(screen.role)
    visit(page, server, screen, addresses)
    problems = axe_violations(page)
    assert not problems, f"{screen.name} ({page.url}):\n" + "\n".join(problems)


# --------------------------------------------------------------------------------------------
# 3. Page structure
# --------------------------------------------------------------------------------------------

STRUCTURE_JS = """() => {
  const problems = [];
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .map(h => [Number(h.tagName[1]), h.textContent.trim()]);
  const h1s = levels.filter(([l]) => l === 1).length;
  if (h1s !== 1) problems.push(`expected exactly one h1, found ${h1s}`);
  let previous = 1;
  for (const [level, text] of levels) {
    if (level > previous + 1) problems.push(`heading level skips from h${previous} to h${level} ("${text}")`);
    previous = level;
  }
  const named = id => (document.getElementById(id)?.textContent || '').trim() !== '';
  const fields = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]),'
    + ' select, textarea');
  for (const f of fields) {
    const byLabel = [...(f.labels || [])].some(l => l.textContent.trim() !== '');
    const byAria = (f.getAttribute('aria-label') || '').trim() !== ''
      || (f.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean).some(named);
    if (!byLabel && !byAria) problems.push(`a field has no label: ${f.outerHTML.slice(0, 120)}`);
  }
  if (!(document.documentElement.getAttribute('lang') || '').trim()) problems.push('<html> has no lang');
  for (const a of document.querySelectorAll('.error-summary a[href^="#"]')) {
    if (!document.getElementById(decodeURIComponent(a.hash.slice(1))))
      problems.push(`error summary link ${a.getAttribute('href')} points at nothing`);
  }
  return problems;
}"""


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_NAMES)
def test_structure_headings_labels_and_language(
    screen: Screen, open_page: Callable[..., Page], server: str, addresses: dict[str, str]
) -> None:
    page = open_page(screen.role)
    visit(page, server, screen, addresses)
    problems = page.evaluate(STRUCTURE_JS)
    assert not problems, f"{screen.name} ({page.url}):\n" + "\n".join(problems)


# --------------------------------------------------------------------------------------------
# 4. Keyboard: skip link first, focus always visible, no trap
# --------------------------------------------------------------------------------------------

FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  const target = e.tagName === 'A' && e.hash
    ? document.getElementById(decodeURIComponent(e.hash.slice(1))) : null;
  return {
    tag: e.tagName, text: (e.textContent || e.value || '').trim().slice(0, 60), id: e.id,
    html: e.outerHTML.slice(0, 100),
    outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow,
    onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
              && r.left < window.innerWidth && r.top < window.innerHeight,
    linksToMain: !!target && target.tagName === 'MAIN',
  };
}"""
MAX_TABS = 400


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_NAMES)
def test_keyboard_skip_link_and_visible_focus(
    screen: Screen, open_page: Callable[..., Page], server: str, addresses: dict[str, str]
) -> None:
    page = open_page(screen.role)
    visit(page, server, screen, addresses)
    # A freshly loaded page: the first Tab starts from the top, as for a keyboard user arriving on it.
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED_JS)
    assert first and first["linksToMain"], f"{screen.name}: the first Tab stop is not a skip link: {first}"
    assert first["onScreen"], f"{screen.name}: the skip link stays off screen when focused: {first}"

    problems = []
    stops = 0
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED_JS)
        if now is None:
            continue  # focus left the document's last element; the next Tab comes back to the top
        if now["linksToMain"]:
            break  # wrapped round to the skip link: every stop was visited, and nothing trapped focus
        stops += 1
        if not ((now["outline"] != "none" and now["outlineWidth"] > 0) or now["shadow"] != "none"):
            problems.append(f"no visible focus style on {now['html']}")
        if not now["onScreen"]:
            problems.append(f"focused element is not scrolled into view: {now['html']}")
    else:
        pytest.fail(f"{screen.name}: Tab never came back to the skip link in {MAX_TABS} presses (a trap?)")
    assert stops > 0, f"{screen.name}: nothing after the skip link takes keyboard focus"
    assert not problems, f"{screen.name} ({page.url}):\n" + "\n".join(dict.fromkeys(problems))

    # Back on the skip link (reached by keyboard): Enter moves focus to <main>; the next Tab starts there.
    page.keyboard.press("Enter")
    active = page.evaluate("document.activeElement.tagName")
    assert active == "MAIN", f"{screen.name}: following the skip link focused {active}, not <main>"
    page.keyboard.press("Tab")
    inside = page.evaluate("!!document.activeElement.closest('main, footer')")
    assert inside, f"{screen.name}: after the skip link, Tab went back into the header"


# --------------------------------------------------------------------------------------------
# 5. A 360px-wide phone
# --------------------------------------------------------------------------------------------

OFF_SCREEN_JS = """() => {
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;  // inside its own scroller, like a wide table
    }
    return false;
  };
  const out = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, h1, svg';
  for (const e of document.querySelectorAll(selector)) {
    if (e.classList.contains('skip-link') || e.closest('.visually-hidden')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || scrolls(e)) continue;
    if (r.left < -1 || r.right > window.innerWidth + 1)
      out.push(`${e.outerHTML.slice(0, 80)} spans ${Math.round(r.left)}..${Math.round(r.right)}px`);
  }
  return out;
}"""


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_NAMES)
def test_phone_width_has_no_sideways_scroll(
    screen: Screen, open_page: Callable[..., Page], server: str, addresses: dict[str, str]
) -> None:
    page = open_page(screen.role, PHONE)
    visit(page, server, screen, addresses)
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"] + 1, f"{screen.name}: the page scrolls sideways: {widths}"
    outside = page.evaluate(OFF_SCREEN_JS)
    assert not outside, f"{screen.name}: elements stick out of a 360px screen:\n" + "\n".join(outside)


def test_caseload_and_case_page_are_usable_on_a_phone(open_page: Callable[..., Page], server: str) -> None:
    page = open_page("worker", PHONE)
    page.goto(f"{server}/")
    cases = case_links(page)
    assert cases, "no case on the caseload"
    for case in cases:
        box = page.locator(f"main a[href='{case}']").first.bounding_box()
        fits = box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert fits, f"the link to case {case} is off screen: {box}"
    # Tapping through works: caseload -> case -> move stage.
    page.locator(f"main a[href='{cases[0]}']").first.click()
    page.wait_for_url(f"{server}{cases[0]}")
    journey = page.locator("main .journey svg[role=img]").bounding_box()
    assert journey and journey["width"] >= 0.5 * PHONE["width"], f"the journey map is squeezed: {journey}"
    fits = journey["x"] >= 0 and journey["x"] + journey["width"] <= PHONE["width"]
    assert fits, f"the journey map sticks out of the screen: {journey}"
    smallest_text = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll("
        "'main p, main li, main dd, main td, main a, main button')]"
        ".filter(e => e.getBoundingClientRect().width > 0 && !e.closest('.visually-hidden'))"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    assert smallest_text >= 14, f"text on the case page is too small for a phone: {smallest_text}px"
    page.locator(f"main a[href='{cases[0]}/stage']").click()
    page.wait_for_url(f"{server}{cases[0]}/stage")
    page.locator("#field-to_stage").select_option(index=1)
    assert page.locator(MAIN_SUBMIT).is_visible()


# --------------------------------------------------------------------------------------------
# 6. Content-Security-Policy
# --------------------------------------------------------------------------------------------

INLINE_JS = """() => [
  ...[...document.querySelectorAll('script:not([src])')]
    .map(s => 'inline <script>: ' + s.textContent.trim().slice(0, 80)),
  ...[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
    .filter(a => /^on/i.test(a.name)
      || (/^(href|src|action|formaction)$/i.test(a.name) && /^\\s*javascript:/i.test(a.value)))
    .map(a => `inline handler ${a.name}= on <${e.tagName.toLowerCase()}>`)),
]"""


@pytest.mark.parametrize("screen", SCREENS, ids=SCREEN_NAMES)
def test_content_security_policy_is_kept(
    screen: Screen, open_page: Callable[..., Page], server: str, addresses: dict[str, str]
) -> None:
    page = open_page(screen.role)
    console: list[str] = []

    def on_console(message: Any) -> None:
        if message.type in ("error", "warning"):
            console.append(message.text)

    def on_error(error: Any) -> None:
        console.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_error)
    try:
        response = visit(page, server, screen, addresses)
        page.wait_for_load_state("load")
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)

    policy = response.headers.get("content-security-policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, f"{screen.name}: no Content-Security-Policy limits scripts: {policy!r}"
    assert "'unsafe-inline'" not in scripts, f"{screen.name}: the CSP allows inline script: {policy!r}"

    csp_console = [m for m in console if re.search(r"content[- ]security[- ]policy|refused to", m, re.I)]
    assert not csp_console, f"{screen.name}: CSP violations in the console:\n" + "\n".join(csp_console)
    events = page.evaluate("window.__cspViolations")
    assert not events, f"{screen.name}: securitypolicyviolation events: {events}"
    inline = page.evaluate(INLINE_JS)
    assert not inline, f"{screen.name}: inline script the CSP would block:\n" + "\n".join(inline)


def test_the_parent_s_subscribe_page_passes_axe_and_fits_a_phone(
    open_page: Callable[..., Page], server: str, addresses: dict[str, str]
) -> None:
    """The page a worker shows or sends to a parent: made by a form, shown once, so not in SCREENS."""
    for viewport in (DESK, PHONE):
        page = open_page("worker", viewport)
        page.goto(f"{server}{addresses['hearing_case']}/calendars")
        page.select_option("#field-family_member_id", index=1)
        with page.expect_navigation():
            page.click(MAIN_SUBMIT)
        assert page.locator("img[src^='data:image/svg+xml']").count() == 1, "the QR code is on the page"
        assert page.locator("a[href^='webcal://']").count() == 1
        problems = axe_violations(page)
        assert not problems, "subscribe page:\n" + "\n".join(problems)
        wide = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"the subscribe page scrolls sideways at {viewport['width']}px"


def test_a_new_account_s_setup_link_and_its_pages_pass_axe_on_desk_and_phone(
    open_page: Callable[..., Page], server: str
) -> None:
    """Made by a form, so not in SCREENS: the admin adds an account and is shown its single-use link (never
    a password); the newcomer opens it, chooses a password and lands signed in; the used link then says so."""
    for viewport in (DESK, PHONE):
        page = open_page("admin", viewport)
        page.goto(f"{server}/admin/users")
        page.fill("#field-full_name", "Sam Setup")
        page.fill("#field-email", f"sam.setup.{viewport['width']}@demo.example")
        page.select_option("#field-team", "Demo North Hub")
        with page.expect_navigation():
            page.click(NEW_ACCOUNT_SUBMIT)
        link = page.locator(".setup-link").inner_text()
        assert "/account/setup/cjset_" in link
        for name, shown in (("accounts page with a setup link", page),):
            problems = axe_violations(shown)
            assert not problems, f"{name}:\n" + "\n".join(problems)
        path = urlsplit(link).path
        newcomer = open_page(None, viewport)
        newcomer.goto(f"{server}{path}")
        problems = axe_violations(newcomer)
        assert not problems, "choose your password:\n" + "\n".join(problems)
        newcomer.fill("#field-new_password", "a sentence only Sam knows")
        with newcomer.expect_navigation():
            newcomer.click(MAIN_SUBMIT)
        assert urlsplit(newcomer.url).path == "/my-day", "choosing the password signs Sam in"
        newcomer.context.clear_cookies()
        newcomer.goto(f"{server}{path}")
        assert newcomer.locator("h1").inner_text() == "This link does not work"
        problems = axe_violations(newcomer)
        assert not problems, "a used setup link:\n" + "\n".join(problems)
        wide = newcomer.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"the setup pages scroll sideways at {viewport['width']}px"


def test_a_new_api_token_shown_once_and_revoking_it_pass_axe_on_desk_and_phone(
    open_page: Callable[..., Page], server: str
) -> None:
    """Made by a form, so not in SCREENS: the worker makes a token and is shown it once; she revokes it
    through its confirmation page, lands on her list, and its revoke page then says it is revoked."""
    for viewport in (DESK, PHONE):
        page = open_page("worker", viewport)
        page.goto(f"{server}/account/tokens")
        page.fill("#field-name", f"Nightly export {viewport['width']}")
        page.select_option("#field-days", "30")
        with page.expect_navigation():
            page.click(MAIN_SUBMIT)
        token = page.locator(".new-token").inner_text()
        assert token.startswith("cjapi_") and "will not be shown again" in page.locator("main").inner_text()
        problems = axe_violations(page)
        assert not problems, "the new token, shown once:\n" + "\n".join(problems)
        wide = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"the new token's page scrolls sideways at {viewport['width']}px"
        revoke = page.locator("main a[href$='/revoke']").first.get_attribute("href")  # newest first: this one
        assert revoke
        page.goto(f"{server}{revoke}")
        assert f"ending {token[-4:]}" in page.locator("main").inner_text()
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "The token was revoked" in page.locator("main").inner_text()
        page.goto(f"{server}{revoke}")
        assert "already been revoked" in page.locator("main").inner_text()
        for name, path in (("a revoked token's page", revoke), ("the list after revoking", "/account/tokens?done=revoked")):
            page.goto(f"{server}{path}")
            problems = axe_violations(page)
            assert not problems, f"{name}:\n" + "\n".join(problems)


def test_a_worker_makes_briefings_and_a_pack_and_the_library_passes_axe(
    open_page: Callable[..., Page], server: str, addresses: dict[str, str]
) -> None:
    page = open_page("worker")
    page.goto(f"{server}{addresses['hearing']}")
    with page.expect_navigation():
        page.click("form[action$='/briefings'] button[type=submit]")
    assert urlsplit(page.url).path.endswith("/documents")
    assert page.locator("main table tbody tr").count() >= 1
    problems = axe_violations(page)
    assert not problems, "document library:\n" + "\n".join(problems)


def test_a_pack_gone_out_of_date_and_ending_its_link_pass_axe_on_desk_and_phone(
    open_page: Callable[..., Page], server: str, addresses: dict[str, str]
) -> None:
    """Made by a form, so not in SCREENS: a Witness Service pack for the demo trial, shared by a link;
    the court changes; the library and the hearing page mark the pack out of date; the page that asks
    before a link is ended is checked at desk and phone width, then the link is ended through it."""
    page = open_page("worker")
    page.goto(f"{server}{addresses['hearing_case']}")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    trial = ""
    for link in dict.fromkeys(h for h in hrefs if HEARING_PATH.fullmatch(h)):
        page.goto(f"{server}{link}")
        if page.locator(f"main a[href='{link}/witness-pack']").count():
            trial = link
            break
    assert trial, "no demo hearing offers a Witness Service pack"
    page.goto(f"{server}{trial}/witness-pack")
    with page.expect_navigation():
        page.click(MAIN_SUBMIT)
    assert urlsplit(page.url).path.endswith("/documents"), "the demo trial's pack could not be made"
    page.locator("form.share-form").first.locator("input[name=recipient]").fill("Wynn")
    with page.expect_navigation():
        page.locator("form.share-form").first.locator("button[type=submit]").click()
    page.goto(f"{server}{trial}/change")
    page.fill("#field-court_name", "Example Crown Court Annex")
    if page.locator("#field-reason").count():
        page.fill("#field-reason", "the courtroom is being repaired")
    with page.expect_navigation():
        page.click(MAIN_SUBMIT)
    for where in (f"{addresses['hearing_case']}/documents", trial):
        for viewport in (DESK, PHONE):
            page = open_page("worker", viewport)
            page.goto(f"{server}{where}")
            assert page.locator("main .out-of-date").count() >= 1, f"{where}: nothing marked out of date"
            problems = axe_violations(page)
            assert not problems, f"{where} with a document out of date:\n" + "\n".join(problems)
    page = open_page("worker")
    page.goto(f"{server}{trial}")
    ask = page.locator("main .out-of-date a[href*='/shares/']").first.get_attribute("href")
    assert ask and "/revoke?back=" in ask
    for viewport in (DESK, PHONE):
        page = open_page("worker", viewport)
        response = page.goto(f"{server}{ask}")
        assert response is not None and response.ok
        assert "will no longer be able to open this pack. End the link?" in page.locator("main").inner_text()
        problems = axe_violations(page) + page.evaluate(STRUCTURE_JS)
        assert not problems, f"end the link ({viewport['width']}px):\n" + "\n".join(problems)
        outside = page.evaluate(OFF_SCREEN_JS)
        wide = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not wide and not outside, f"end the link scrolls sideways at {viewport['width']}px: {outside}"
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert urlsplit(page.url).path == trial and "The link is ended" in page.locator("main").inner_text()
    # The demo's own pack, sent before the court moved the window, keeps its open link: only this one ends.
    share_path = urlsplit(ask).path
    assert page.locator(f"main .out-of-date a[href^='{share_path}']").count() == 0, "the ended link is still listed"
