"""Saved filters in a real Chromium on a phone: the bar sits above the filter form without widening the page, and
"Save filters" keeps the filters as the form stands after an htmx update (not as the page was first loaded)."""

from typing import Any

import pytest
from django.db import connections

from qadesk.accounts.models import Role, SavedFilter
from qadesk.testing import factories as f
from qadesk.testing.walk import HOME_URL


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_save_filters_keeps_the_form_as_it_stands(browser: Any, live_server: Any) -> None:
    width = 390
    u = f.make_user("elena", Role.QA_LEAD)
    SavedFilter.objects.create(user=u, page="interactions", name="Chats in Italian", query="channel=chat")
    SavedFilter.objects.create(user=u, page="interactions", name="Complaints", query="complaint=yes")
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB").new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "elena")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(HOME_URL)
    page.goto(f"{live_server.url}/interactions/?channel=chat")
    chip = page.locator(".saved-filters a", has_text="Chats in Italian").bounding_box()
    assert chip["y"] < page.locator("#filter-form").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.fill("#id_saved_name_interactions", "Phones")
    page.select_option("#id_channel", "phone")
    page.wait_for_timeout(800)
    page.click("text=Save filters")
    page.wait_for_selector("text=Filter “Phones” saved.")
    assert "channel=phone" in page.url
    assert "channel=phone" in SavedFilter.objects.get(name="Phones").query.split("&")
    connections.close_all()  # as reviews/tests/test_browser.py: release this thread's connection (PostgreSQL)
