"""The scorecard builder in a real Chromium at a phone's 390 px and a desktop's 1440 px: the draft's form and the
preview never scroll sideways, a weight typed in the form reaches the preview, and the preview scores live."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections

from qadesk.accounts.models import Role
from qadesk.scorecards.services import scorecard_install_default
from qadesk.testing import factories as f
from qadesk.testing.walk import HOME_URL

WIDTH = "document.documentElement.scrollWidth"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1440])
def test_a_qa_lead_edits_previews_and_publishes_without_sideways_scrolling(browser: Any, live_server: Any, width: int) -> None:
    scorecard_install_default()
    f.make_user("elena", Role.QA_LEAD)
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB").new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "elena")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)

    page.goto(f"{live_server.url}/scorecards/")
    assert page.evaluate(WIDTH) <= width
    page.click("text=Edit as a new version")
    page.wait_for_selector("#id_s0c-0-weight")
    assert page.evaluate(WIDTH) <= width
    page.fill("#id_s0c-0-weight", "3.5")
    page.click("button[name=preview]")
    page.wait_for_selector("form[data-scoring] [data-criterion]")
    assert page.evaluate(WIDTH) <= width
    assert page.locator("[data-criterion]").first.get_attribute("data-weight") == "3.5"
    page.locator("[data-criterion]").first.locator("label").first.click()  # "No" on a pass/fail criterion
    page.wait_for_selector("[data-live-score]:not([hidden])")
    page.click("text=Publish version 2")
    page.wait_for_selector("text=version 2 is published")
    assert page.evaluate(WIDTH) <= width
    connections.close_all()  # as reviews/tests/test_browser.py: release this thread's connection (PostgreSQL)
