"""The pages in a real browser: Debian's chromium driven by Playwright, checked by axe-core (WCAG 2.2 AA).

Runs the real service (`courtjourney init`, `demo`, `serve`) in a subprocess on a fresh SQLite database.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("chromium is missing on CI: .ci/run should have installed it (apt-get install chromium)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WORKER = ("worker@demo.example", "demo-worker-2026")
MANAGER = ("manager@demo.example", "demo-manager-2026")
ADMIN = ("admin@demo.example", "demo-admin-2026")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURTJOURNEY_")}
    env.update({"COURTJOURNEY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'cj.db'}", "COURTJOURNEY_KEY_FILE": str(tmp / "secret.key")})
    cli = [sys.executable, "-m", "courtjourney.cli"]
    for args in (["init"], ["demo"]):
        subprocess.run(cli + args, env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    proc = subprocess.Popen(cli + ["serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if urllib.request.urlopen(f"{base}/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


def signed_in(browser: Browser, server: str, who: tuple[str, str], width: int = 1100) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{server}/login")
    page.fill("#field-email", who[0])
    page.fill("#field-password", who[1])
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server}/")
    return page


def axe_problems(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]


def structure_problems(page: Page) -> list[str]:
    problems = []
    levels = page.eval_on_selector_all("h1,h2,h3,h4,h5,h6", "els => els.map(e => Number(e.tagName[1]))")
    if levels.count(1) != 1:
        problems.append(f"expected one h1, found {levels.count(1)}")
    for before, after in zip(levels, levels[1:]):
        if after > before + 1:
            problems.append(f"heading level jumps from h{before} to h{after}")
    unlabelled = page.eval_on_selector_all(
        "input:not([type=hidden]), select, textarea",
        "els => els.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name)",
    )
    if unlabelled:
        problems.append(f"fields without a label: {unlabelled}")
    if not page.get_attribute("html", "lang"):
        problems.append("<html> has no lang")
    if page.locator("script:not([src])").count():
        problems.append("inline script (the CSP forbids it)")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        problems.append(f"page scrolls sideways by {overflow}px")
    return problems


def case_links(page: Page) -> list[str]:
    return [h for h in page.eval_on_selector_all("a[href^='/cases/']", "els => els.map(e => e.getAttribute('href'))")
            if re.fullmatch(r"/cases/[0-9a-f-]{36}", h)]


def test_a_worker_signs_in_opens_a_case_and_moves_it_with_a_reason(browser: Browser, server: str) -> None:
    page = signed_in(browser, server, WORKER)
    cases = case_links(page)
    assert len(cases) == 3, "the demo worker sees her three cases"
    page.goto(server + cases[0])
    assert page.locator("svg[role=img] title").count() == 1, "the journey map has a text alternative"
    current = page.locator(".summary-list dd").nth(1).inner_text()
    page.click("text=Move to another stage")
    # Skip ahead without a reason: refused, with an error summary that leads to the field.
    options = page.eval_on_selector_all("#field-to_stage option", "els => els.map(e => [e.value, e.textContent])")
    skip = next(value for value, label in options if "needs a reason" in label and value not in ("", "closed"))
    page.select_option("#field-to_stage", skip)
    page.click("main button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    summary.locator("a[href='#field-reason']").click()
    assert page.evaluate("document.activeElement.id") == "field-reason"
    assert page.get_attribute("#field-reason", "aria-invalid") == "true"
    page.fill("#field-reason", "No prosecution: the family was told on Monday")
    page.select_option("#field-to_stage", skip)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/[0-9a-f-]{36}\?done=stage.*"))
    assert "No prosecution: the family was told on Monday" in page.locator(".history").inner_text()
    assert page.locator(".summary-list dd").nth(1).inner_text() != current
    assert "(now)" in (page.locator("svg[role=img]").text_content() or "")


def test_every_page_passes_axe_and_the_structure_checks_on_desk_and_phone(browser: Browser, server: str) -> None:
    failures: list[str] = []
    anonymous = browser.new_page()
    anonymous.goto(f"{server}/login")
    failures += [f"/login: {p}" for p in axe_problems(anonymous) + structure_problems(anonymous)]
    anonymous.close()
    for width in (1100, 360):
        page = signed_in(browser, server, WORKER, width=width)
        case = case_links(page)[0]
        page.goto(f"{server}{case}")
        task = page.eval_on_selector("a[href*='/tasks/0']", "e => e.getAttribute('href')")
        paths = ["/", "/cases/new", case, f"{case}/stage", f"{case}/tasks/new", task, f"{case}/family/new",
                 f"{case}/contacts/new", f"{case}/consent/new", f"{case}/risk/new", f"{case}/workers/new", "/account"]
        for path in paths:
            page.goto(f"{server}{path}")
            failures += [f"{width}px {path}: {p}" for p in axe_problems(page) + structure_problems(page)]
        # A form showing its errors.
        page.goto(f"{server}{case}/family/new")
        page.click("main button[type=submit]")
        assert page.locator(".error-summary").count() == 1
        failures += [f"{width}px form with errors: {p}" for p in axe_problems(page) + structure_problems(page)]
        page.close()
    manager = signed_in(browser, server, MANAGER)
    manager.goto(f"{server}{case_links(manager)[0]}/audit")
    failures += [f"audit: {p}" for p in axe_problems(manager) + structure_problems(manager)]
    admin = signed_in(browser, server, ADMIN)
    admin.goto(f"{server}/admin/users")
    failures += [f"/admin/users: {p}" for p in axe_problems(admin) + structure_problems(admin)]
    assert failures == [], "\n".join(failures)


def test_the_skip_link_comes_first_and_focus_is_visible(browser: Browser, server: str) -> None:
    page = signed_in(browser, server, WORKER)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    style: dict[str, Any] = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return {outline: s.outlineStyle, shadow: s.boxShadow}; })()"
    )
    assert style["outline"] != "none" or style["shadow"] != "none", style


def test_no_content_security_policy_violations(browser: Browser, server: str) -> None:
    page = signed_in(browser, server, WORKER)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    for path in ["/", case_links(page)[0], "/account"]:
        page.goto(f"{server}{path}")
    assert not [e for e in errors if "Content Security Policy" in e], errors
