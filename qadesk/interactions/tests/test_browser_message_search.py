"""The message text box in a real Chromium, at desk and phone width: typing updates the table (htmx), the address
keeps the search, and the two search boxes do not widen the page."""

from typing import Any

import pytest
from django.db import connections

from qadesk.accounts.models import Role
from qadesk.testing import factories as f
from qadesk.testing.walk import HOME_URL


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1440, 390])
def test_typing_in_the_message_text_box_filters_the_table(browser: Any, live_server: Any, width: int) -> None:
    f.make_user("elena", Role.QA_LEAD)
    agent = f.make_agent("a.rossi")
    f.make_interaction(agent, external_id="HIT-1", messages=[("customer", "Where is my refund?")])
    f.make_interaction(agent, external_id="MISS-1", messages=[("customer", "Where is my parcel?")])
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB").new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "elena")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)
    page.goto(f"{live_server.url}/interactions/")
    assert page.locator("#interaction-table", has_text="MISS-1").count() == 1
    assert page.get_attribute("#id_text", "aria-describedby") == "text-help"
    page.fill("#id_text", "refund")
    page.locator("#interaction-table tr", has_text="MISS-1").wait_for(state="detached")
    assert "HIT-1" in page.inner_text("#interaction-table")
    assert "text=refund" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    search, text = page.locator("#id_q").bounding_box(), page.locator("#id_text").bounding_box()
    assert search["width"] > 150 and text["width"] > 150
    connections.close_all()  # as reviews/tests/test_browser.py: release this thread's connection (PostgreSQL)
