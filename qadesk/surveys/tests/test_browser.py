"""A customer completes the post-contact survey on a 390 px phone in headless Chromium: a tap on a rating sends it,
the low rating brings the "what went wrong?" question, the keyboard works, and no page scrolls sideways."""

from typing import Any

import pytest

from qadesk.surveys.models import Survey, SurveyResponse
from qadesk.surveys.services import invitation_create, survey_templates_install
from qadesk.testing import factories as f

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_customer_completes_the_survey_on_a_phone(browser: Any, live_server: Any) -> None:
    survey_templates_install()
    interaction = f.make_interaction(f.make_agent("a.rossi"), language="fr")
    invitation = invitation_create(survey=Survey.objects.get(code="post-contact"), interaction=interaction, language="fr")
    page = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True, is_mobile=True).new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/s/{invitation.token}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert not page.evaluate(OVERFLOW)

    page.get_by_label("2", exact=True).click()  # a tap sends the rating at once (survey.js)
    page.wait_for_url("**?q=what_went_wrong")
    assert not page.evaluate(OVERFLOW)
    page.fill("textarea", "Personne ne m'a rappelé <b>deux fois</b>.")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**?q=agent_skill")

    # The keyboard moves along the scale without sending; Enter sends.
    page.get_by_label("3", exact=True).focus()
    page.keyboard.press("ArrowRight")
    assert page.url.endswith("?q=agent_skill")
    page.keyboard.press("Enter")
    page.wait_for_url("**?q=speed")
    page.get_by_label("3", exact=True).click()
    page.wait_for_url("**?q=ces")
    assert not page.evaluate(OVERFLOW)
    page.get_by_label("6", exact=True).click()
    page.wait_for_url("**?q=comment")
    page.get_by_role("button", name="Passer").click()
    page.wait_for_url("**?done=1")
    assert "Merci" in page.locator("h1").inner_text()
    assert not page.evaluate(OVERFLOW)
    assert errors == []

    response = SurveyResponse.objects.get()
    answers = dict(response.answers.values_list("question__code", "value"))
    assert answers == {"csat": 2, "what_went_wrong": None, "agent_skill": 4, "speed": 3, "ces": 6}
    assert response.completed_at is not None
