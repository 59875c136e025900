"""The anonymous pages in a real Chromium under qadesk's Content-Security-Policy: the browser reports no violation.
Every page a persona reaches is walked under the policy by test_browser_walk.py."""

from __future__ import annotations

from typing import Any

import pytest

from qadesk.testing.walk import LISTEN


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_anonymous_pages_satisfy_the_content_security_policy_too(browser: Any, live_server: Any) -> None:
    """At phone width, where they must not scroll sideways either."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
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
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            seen.append(f"{path} is {width} px wide")
    assert seen == []
    context.close()
