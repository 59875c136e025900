"""Events and translations in a real browser: the event line found by the transcript search, the original/translation
switch in place (no reload), and the layout at 390 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from qadesk.accounts.models import Role
from qadesk.interactions.models import Message
from qadesk.testing import factories as f


def _interaction() -> Any:
    agent = f.make_agent()
    interaction = f.make_interaction(
        agent, messages=[("customer", "Il pacco è arrivato rotto."), ("agent", "Mi dispiace, avvio il rimborso.")]
    )
    Message.objects.filter(interaction=interaction, position=0).update(
        language="it", translation="The parcel arrived broken.", translation_language="en"
    )
    Message.objects.create(
        interaction=interaction,
        position=2,
        author_role="event",
        agent=agent,
        event_name="refund-issued",
        event_parameters={"amount": 20, "currency": "EUR", "reference": "RMB-2026-000123456789-ABCDEFGHIJ"},
    )
    return interaction


def _page(browser: Any, live_server: Any, width: int) -> Any:
    f.make_user("elena", Role.QA_LEAD)
    page = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB").new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "elena")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_event_line_is_searched_and_the_translation_switches_in_place(browser: Any, live_server: Any, width: int) -> None:
    interaction = _interaction()
    page = _page(browser, live_server, width)
    page.goto(f"{live_server.url}/interactions/{interaction.pk}/")
    page.wait_for_selector("[data-transcript-tools]:not([hidden])")

    event = page.locator('[data-event="refund-issued"]')
    expect(event).to_be_visible()
    assert event.locator(".bubble").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # a long parameter wraps, the page does not

    page.fill("[data-ts-input]", "eur")
    expect(page.locator("mark.ts-hit")).to_have_count(1)
    assert page.locator("[data-ts-count]").inner_text() == "1 of 1"

    original, translation = page.locator('[data-text="original"]'), page.locator('.bubble[data-text="translation"]')
    expect(original).to_be_visible()
    expect(translation).to_be_hidden()
    page.fill("[data-ts-input]", "parcel")
    expect(page.locator("mark.ts-hit")).to_have_count(0)  # the hidden translation is not searched
    url = page.url
    page.click("[data-translation-toggle]")
    expect(translation).to_be_visible()
    expect(original).to_be_hidden()
    expect(page.locator("mark.ts-hit")).to_have_count(1)  # the search ran again over what is shown
    assert page.url == url  # switched in place
    expect(page.locator("[data-translation-toggle]")).to_have_text("Show the original texts")
    page.click("[data-translation-toggle]")
    expect(original).to_be_visible()
