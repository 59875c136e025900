"""Every page each persona can reach, in a real Chromium, in Italian and in French at a 390 px phone width: the page is
served under qadesk's Content-Security-Policy and the browser reports no violation (no inline script or style, no eval;
htmx swaps and the charts included) and no console error; the page never scrolls sideways (a wide table scrolls inside
its own box). At 1440 px the list tables show every column without scrolling.

The walk's data and pages (qadesk/testing/walk.py): the demo operation imported like a helpdesk export, plus a
72-message transcript with a long URL, an unbroken word and long names. One browser, one context per persona, pages
reached by URL. The figures measured go to test-artifacts/walk.json; with QADESK_WALK_SHOTS=1 a screenshot of every
page goes to test-artifacts/walk/.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections

from qadesk.testing.walk import ERROR_PAGES, LISTEN, login, walk_data, walk_pages

# Until htmx's requests (the notification bell) have answered and been swapped in; measuring waits for it in-page,
# which saves a round trip to the browser per page.
SETTLED = """
window.settled = async () => {
  while (document.querySelector(".htmx-request")) await new Promise((resolve) => setTimeout(resolve, 20));
};
"""
ARTIFACTS = Path(django_settings.BASE_DIR).parent / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
LANGUAGES = ("it", "fr")  # French last: the lists are then checked at desktop width in French
# The list pages (and the home page, whose tables are lists too) that must show every column at desktop width.
LISTS = ("/", "/interactions/", "/reviews/", "/reviews/queue/", "/reviews/mine/", "/disputes/", "/sampling/", "/calibration/")
# How wide the page is, and (when too wide) the elements that stick out past the viewport while their parent does not,
# outside the menu: where to look. A table's scroll box clips what sticks out of it, so it does not widen the page.
MEASURE = """
async () => {
  await settled();
  const width = window.innerWidth;
  const out = [];
  const past = (el) => el.getBoundingClientRect().right > width + 0.5;
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      if (out.length < 5 && past(el) && !past(el.parentElement) && !el.closest(".nav")) {
        out.push(el.tagName.toLowerCase() + "." + String(el.className).trim().replace(/\\s+/g, "."));
      }
    }
  }
  return {scroll_width: document.documentElement.scrollWidth, width: width, culprits: out, csp: window.__csp};
}
"""
# Each list table against the box it sits in: wider means some columns are only reached by scrolling sideways.
TABLES = """
async () => (await settled(), Array.from(document.querySelectorAll("main table")).map((t) => {
  const box = t.closest(".table-wrap") || t.parentElement;
  return {table: Math.round(t.getBoundingClientRect().width), box: box.clientWidth};
}))
"""


def _language_set(page: Any, base_url: str, language: str) -> None:
    """Switch the interface language the way a user does: the sidebar's language form."""
    page.goto(f"{base_url}/account/")
    if page.is_visible(".menu-toggle-label"):  # at phone width the language form is in the folded menu
        page.click(".menu-toggle-label")
    page.select_option("#id_ui_language", language)
    page.click(".lang-form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == language


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_keeps_the_csp_and_fits_a_phone_in_italian_and_french(browser: Any, live_server: Any) -> None:
    started = time.monotonic()
    pages = walk_pages(walk_data())
    connections.close_all()  # the live server's thread opens its own; leave none held by this one (PostgreSQL)
    print(f"walk data: {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    walk = _Walk(browser, live_server.url)
    for username, paths in pages.items():
        walk.persona(username, paths)
    print(f"walk: {time.monotonic() - started:.1f} s, {len(walk.measured)} pages")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "walk.json").write_text(json.dumps(walk.measured, indent=1))
    assert walk.problems == [], "\n".join(walk.problems)


class _Walk:
    """One browser context per persona; every page at phone width in each language, then the lists at desktop width."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.measured: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.expected_status = 200  # an error page's own status: Chromium logs its load as a console error
        self.shots = ARTIFACTS / "walk" if os.environ.get("QADESK_WALK_SHOTS") else None

    def persona(self, username: str, paths: list[str]) -> None:
        context = self.browser.new_context(viewport=PHONE, locale="it-IT")
        context.add_init_script(LISTEN + SETTLED)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"{username} {page.url}: {error}"))
        page.on("console", lambda message: self._console(message, username, page.url))
        login(page, self.base_url, username)
        for language in LANGUAGES:
            _language_set(page, self.base_url, language)
            for path, status in [(path, 200) for path in paths] + ERROR_PAGES.get(username, []):
                self._phone(page, username, language, path, status)
        page.set_viewport_size(DESKTOP)  # in French, the longer of the two: its labels widen the columns most
        for path in (p for p in paths if p in LISTS):
            self._desktop(page, username, LANGUAGES[-1], path)
        context.close()

    def _phone(self, page: Any, username: str, language: str, path: str, status: int) -> None:
        self.expected_status = status
        response = page.goto(self.base_url + path)
        assert response is not None and response.status == status, (username, path, response and response.status)
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), (username, path)
        figures = page.evaluate(MEASURE)
        violations = figures.pop("csp")
        self.measured.append({"user": username, "language": language, "path": path, "viewport": PHONE["width"], **figures})
        where = f"{username} {language} {path}"
        if figures["scroll_width"] > PHONE["width"]:
            self.problems.append(f"{where}: the page is {figures['scroll_width']} px wide {figures['culprits']}")
        self.problems.extend(f"{where}: CSP {v}" for v in violations)
        self._shot(page, f"{PHONE['width']}-{language}-{username}-{path}", full_page=True)
        self.expected_status = 200

    def _desktop(self, page: Any, username: str, language: str, path: str) -> None:
        page.goto(self.base_url + path)
        tables = page.evaluate(TABLES)
        figures = {"user": username, "language": language, "path": path, "viewport": DESKTOP["width"], "tables": tables}
        self.measured.append(figures)
        self.problems.extend(
            f"{username} {language} {path} at {DESKTOP['width']} px: a {t['table']} px table in a {t['box']} px box"
            for t in tables
            if t["table"] > t["box"] + 1
        )
        self._shot(page, f"{DESKTOP['width']}-{language}-{username}-{path}", full_page=False)

    def _console(self, message: Any, username: str, url: str) -> None:
        """Console errors are problems, except the failed load an error page's own status causes."""
        if message.type == "error" and f"status of {self.expected_status}" not in message.text:
            self.problems.append(f"{username} {url}: console {message.text}")

    def _shot(self, page: Any, name: str, *, full_page: bool) -> None:
        if self.shots:
            self.shots.mkdir(parents=True, exist_ok=True)
            file = name.strip("/").replace("/", "-").replace("?", "_") + ".png"
            page.screenshot(path=str(self.shots / file), full_page=full_page)
