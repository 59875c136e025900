"""A customer completes the post-contact survey on a 390 px phone in headless Chromium: a tap on a rating sends it,
the low rating brings the "what went wrong?" question, the keyboard works, and no page scrolls sideways."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_widget_on_another_sites_help_page_records_the_answer_with_the_pages_address(browser: Any, live_server: Any) -> None:
    """A help-centre page on another origin includes the snippet: the question shows in the page's language, a click
    posts the answer across origins (CORS, no cookies), and "tell us more" leads to the rest of the survey."""
    survey_templates_install()
    survey = Survey.objects.get(code="self-service")
    snippet = (
        f'<html lang="it"><head><link rel="stylesheet" href="{live_server.url}/static/surveys/widget.css"></head><body>'
        f'<h1>Reimpostare la password</h1><div data-qadesk-survey="{survey.open_token}"></div>'
        f'<script src="{live_server.url}/static/surveys/widget.js" async></script></body></html>'
    ).encode()

    class HelpCentre(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(snippet)

        def log_message(self, *args: Any) -> None:
            pass

    # Another origin on the loopback too (Chromium lets a loopback page reach the loopback live server).
    server = ThreadingHTTPServer(("127.0.0.1", 0), HelpCentre)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    help_page = f"http://127.0.0.1:{server.server_address[1]}/faq/reset-password"
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(help_page)
    page.get_by_text("Questa pagina ti è stata utile?").wait_for()
    page.get_by_role("button", name="No").click()
    page.get_by_role("link", name="Raccontaci di più").wait_for()
    assert page.get_by_role("button", name="No").get_attribute("aria-pressed") == "true"
    assert not page.evaluate(OVERFLOW)
    assert errors == []
    response = SurveyResponse.objects.get()
    assert response.page_url == help_page and response.language == "it"
    assert dict(response.answers.values_list("question__code", "value")) == {"useful": 0}
    assert context.cookies(live_server.url) == []
    server.shutdown()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_iframe_on_another_sites_help_page_records_the_answer_with_the_framing_pages_address(
    browser: Any, live_server: Any
) -> None:
    """A help-centre page on another origin frames /s/w/<token>/frame/: the question shows in the asked language, a
    click records the answer with the framing page's address (its referrer policy lets the full address through), and
    a qadesk page that is not the frame stays blank in the same help centre."""
    survey_templates_install()
    survey = Survey.objects.get(code="self-service")
    body = (
        f'<html lang="en"><body><h1>Changer de mot de passe</h1>'
        f'<iframe id="survey" src="{live_server.url}/s/w/{survey.open_token}/frame/?lang=fr" title="Avis"></iframe>'
        f'<iframe id="other" src="{live_server.url}/s/o/{survey.open_token}/" title="Autre"></iframe></body></html>'
    ).encode()

    class HelpCentre(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Referrer-Policy", "no-referrer-when-downgrade")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), HelpCentre)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    help_page = f"http://127.0.0.1:{server.server_address[1]}/faq/mot-de-passe"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(help_page)
    frame = page.frame_locator("#survey")
    frame.get_by_text("Cette page vous a-t-elle été utile ?").wait_for()
    frame.get_by_role("button", name="Oui").click()
    frame.get_by_role("link", name="Dites-nous en plus").wait_for()
    response = SurveyResponse.objects.get()
    assert response.page_url == help_page and response.language == "fr"
    assert dict(response.answers.values_list("question__code", "value")) == {"useful": 1}
    blocked = page.query_selector("#other")
    assert blocked is not None and blocked.content_frame() is not None
    assert blocked.content_frame().locator("fieldset, legend, button").count() == 0  # refused: X-Frame-Options DENY
    assert context.cookies(live_server.url) == []
    server.shutdown()
