"""Every main page, as each persona, in a real Chromium under qadesk's Content-Security-Policy: the browser reports no
violation (no inline script or style, no eval; htmx swaps and the charts included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections

from qadesk.testing.walk import LISTEN, login, walk_data, walk_pages

ARTIFACTS = Path(django_settings.BASE_DIR).parent / "test-artifacts"
# Pages whose look changed with the policy (inline styles became classes and SVG bars): screenshots to look at.
SHOTS = {("admin", "/account/"), ("qa", "/disputes/dashboard/"), ("qa", "/calibration/reviewers/reviewer1/")}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_content_security_policy_for_any_persona(browser: Any, live_server: Any) -> None:
    pages = walk_pages(walk_data())
    connections.close_all()  # the live server's thread opens its own; leave none held by this one (PostgreSQL)
    problems: list[str] = []
    for username, paths in pages.items():
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.on("console", lambda m, who=username: "Content Security Policy" in m.text and problems.append(f"{who}: {m.text}"))
        login(page, live_server.url, username)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (username, path, response and response.status)
            assert "script-src 'self'" in (response.header_value("content-security-policy") or "")
            page.wait_for_load_state("networkidle")  # htmx's loads (the bell), charts
            problems.extend(f"{username} {path}: {v}" for v in page.evaluate("window.__csp"))
            if (username, path) in SHOTS:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"csp-{username}-{path.strip('/').replace('/', '-')}.png"), full_page=True)
        context.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_anonymous_pages_satisfy_the_content_security_policy_too(browser: Any, live_server: Any) -> None:
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(LISTEN)
    page = context.new_page()
    seen: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and seen.append(m.text))
    for path in ["/login/", "/password-reset/", "/password-reset/sent/", "/password-reset/x/y/", "/admin/login/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if path == "/login/":
            assert page.evaluate("typeof window.htmx") == "object"  # htmx ran (and was told to add no style)
        seen += page.evaluate("window.__csp")
    assert seen == []
    context.close()
