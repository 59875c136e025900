"""The help-centre widget (its static files, the cross-origin JSON endpoint, the open link taking over its response), the
page with the snippet, and the A4 poster with the QR code."""

from __future__ import annotations

import html
import io
import secrets
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader

from qadesk.surveys.models import Survey, SurveyAnswer, SurveyResponse
from qadesk.surveys.poster import poster_pdf_bytes, qr_png
from qadesk.surveys.widget_views import WIDGET_MAX_BODY

pytestmark = pytest.mark.django_db

ORIGIN = "https://help.example.com"


def _key() -> str:
    return secrets.token_hex(16)


@pytest.fixture
def faq(templates: dict[str, Survey]) -> Survey:
    return templates["self_service"]


def _url(survey: Survey) -> str:
    return f"/s/w/{survey.open_token}/"


def test_the_widget_script_and_style_are_served_by_qadesk_itself() -> None:
    script = finders.find("surveys/widget.js")
    style = finders.find("surveys/widget.css")
    assert script and style
    text = Path(str(script)).read_text(encoding="utf-8")
    assert 'credentials: "omit"' in text and "/s/w/" in text and "http" not in text.split("*/", 1)[1]


def test_the_widget_gets_the_first_question_in_the_asked_language_from_any_origin(client: Client, faq) -> None:
    got = client.get(_url(faq), {"lang": "it"}, HTTP_ORIGIN=ORIGIN)
    body = got.json()
    assert got.status_code == 200 and got["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in got and "Set-Cookie" not in got
    assert body["question"] == "useful" and body["text"] == "Questa pagina ti è stata utile?"
    assert [o["value"] for o in body["options"]] == ["1", "0"] and body["options"][0]["label"] == "Sì"
    assert client.get(_url(faq), {"lang": "fr"}).json()["text"] == "Cette page vous a-t-elle été utile ?"
    assert client.get(_url(faq), {"lang": "xx"}, HTTP_ACCEPT_LANGUAGE="en").json()["text"] == "Was this page useful?"
    preflight = client.options(_url(faq), HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 200 and "POST" in preflight["Access-Control-Allow-Methods"]


def test_an_answer_is_posted_without_csrf_token_with_the_pages_address_and_a_second_click_changes_it(faq) -> None:
    browser = Client(enforce_csrf_checks=True)
    key = _key()
    page = "https://help.example.com/faq/reset-password"
    posted = browser.post(_url(faq), {"key": key, "answer": "0", "page": page}, HTTP_ORIGIN=ORIGIN)
    assert posted.status_code == 200 and posted.json()["ok"] is True
    assert posted["Access-Control-Allow-Origin"] == "*" and not posted.cookies
    assert f"/s/o/{faq.open_token}/?q=easy_to_find&k={key}" in posted.json()["more"]
    again = browser.post(_url(faq), {"key": key, "answer": "1", "page": page})
    assert again.status_code == 200
    response = SurveyResponse.objects.get()
    assert response.source == "open" and response.page_url == page and response.key == key
    assert [a.value for a in SurveyAnswer.objects.filter(response=response)] == [1]


def test_tell_us_more_continues_the_widgets_response_on_the_open_link(client: Client, faq) -> None:
    key = _key()
    more = client.post(_url(faq), {"key": key, "answer": "0"}).json()["more"]
    page = client.get(more.split("testserver", 1)[1])
    assert page.status_code == 200 and "Was it easy to find?" in page.content.decode()
    assert page.cookies[f"qadesk_survey_{faq.pk}"].value == key
    client.post(f"/s/o/{faq.open_token}/", {"question": "easy_to_find", "answer": "1"})
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 2


def test_bad_posts_get_a_clear_error_and_record_nothing(client: Client, faq, templates) -> None:
    bad_key = client.post(_url(faq), {"key": "short", "answer": "1"})
    assert bad_key.status_code == 400 and "key" in bad_key.json()["error"]
    bad_answer = client.post(_url(faq), {"key": _key(), "answer": "7"})
    assert bad_answer.status_code == 400 and bad_answer.json()["error"].startswith("answer:")
    huge = client.post(_url(faq), {"key": _key(), "answer": "1", "page": "x" * WIDGET_MAX_BODY})
    assert huge.status_code == 413
    assert client.post(f"/s/w/{secrets.token_urlsafe(24)}/", {"key": _key(), "answer": "1"}).status_code == 404
    closed = templates["post_contact"]  # no open link: no widget
    assert client.get(_url(closed)).status_code == 404
    assert client.post(_url(faq), {"key": _key(), "answer": "1", "website": "http://spam"}).json() == {"ok": True}
    assert not SurveyResponse.objects.filter(answers__isnull=False).exists()


@override_settings(QADESK_SURVEY_ANSWERS_PER_MINUTE=2)
def test_answers_from_one_client_are_rate_limited(client: Client, faq) -> None:
    codes = [client.post(_url(faq), {"key": _key(), "answer": "1"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert SurveyResponse.objects.count() == 2


def test_the_embed_page_shows_the_snippet_to_those_who_hand_out_the_link(faq, templates, qa_lead, agent_user, team_lead) -> None:
    lead = Client()
    lead.force_login(qa_lead)
    page = lead.get(f"/surveys/{faq.pk}/embed/")
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert f'data-qadesk-survey="{faq.open_token}"' in text and "/static/surveys/widget.js" in text
    assert f"/surveys/{faq.pk}/poster.pdf?lang=it" in text
    assert f"/surveys/{faq.pk}/embed/" in lead.get(f"/surveys/{faq.pk}/").content.decode()
    for persona in (agent_user, team_lead):
        other = Client()
        other.force_login(persona)
        assert other.get(f"/surveys/{faq.pk}/embed/").status_code == 404
        assert other.get(f"/surveys/{faq.pk}/poster.pdf").status_code == 404
    assert lead.get(f"/surveys/{templates['post_contact'].pk}/embed/").status_code == 404  # no open link


def test_the_poster_is_an_a4_pdf_with_the_title_in_the_chosen_language(faq, qa_lead) -> None:
    lead = Client()
    lead.force_login(qa_lead)
    for language, title, call in (
        ("it", "Questa pagina è stata utile?", "Inquadra il codice per rispondere"),
        ("fr", "Cette page vous a-t-elle été utile ?", "Scannez le code pour répondre"),
        ("en", "Was this page useful?", "Scan the code to answer"),
    ):
        got = lead.get(f"/surveys/{faq.pk}/poster.pdf", {"lang": language})
        assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(got.content))
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
        text = " ".join(reader.pages[0].extract_text().split())
        assert title in text and call in text and f"/s/o/{faq.open_token}/" in text
        assert reader.pages[0].images, "the QR code is on the page"


def test_the_poster_function_wraps_a_long_title_on_one_page_and_the_qr_is_a_png() -> None:
    long_title = "Quanto è stato facile trovare ciò che cercavi nel nostro negozio di via Garibaldi? " * 2
    body = poster_pdf_bytes(title=long_title, question="", call="Inquadra", url="https://q.example/s/o/x/", language="it")
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1 and "via Garibaldi" in reader.pages[0].extract_text()
    assert qr_png("https://q.example/s/o/x/").startswith(b"\x89PNG")


def _frame_ancestors(response: object) -> str:
    policy = response["Content-Security-Policy"]  # type: ignore[index]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_the_iframe_page_may_be_framed_by_any_site_by_default_and_sets_no_cookie(client: Client, faq) -> None:
    page = client.get(f"/s/w/{faq.open_token}/frame/", {"lang": "fr"})
    text = page.content.decode()
    assert page.status_code == 200 and "X-Frame-Options" not in page and "Set-Cookie" not in page
    assert _frame_ancestors(page) == "frame-ancestors *"
    assert f'data-qadesk-survey="{faq.open_token}"' in text and 'data-lang="fr"' in text and '<html lang="fr">' in text
    assert "/static/surveys/widget.js" in text and "<form" not in text and "script-src 'self'" in page["Content-Security-Policy"]


@override_settings(QADESK_SURVEY_FRAME_ANCESTORS=[ORIGIN, "https://faq.example.org"])
def test_the_iframe_page_may_be_framed_only_by_the_configured_sites(client: Client, faq, qa_lead) -> None:
    page = client.get(f"/s/w/{faq.open_token}/frame/")
    assert _frame_ancestors(page) == f"frame-ancestors {ORIGIN} https://faq.example.org"
    lead = Client()
    lead.force_login(qa_lead)
    embed = html.unescape(lead.get(f"/surveys/{faq.pk}/embed/").content.decode())
    assert f'<iframe src="http://testserver/s/w/{faq.open_token}/frame/?lang=en"' in embed
    assert f"{ORIGIN} https://faq.example.org" in embed


def test_every_other_page_stays_unframable(client: Client, faq, templates, qa_lead) -> None:
    lead = Client()
    lead.force_login(qa_lead)
    post_contact = templates["post_contact"]
    pages = [
        lead.get(f"/surveys/{faq.pk}/embed/"),
        lead.get(f"/surveys/{faq.pk}/"),
        lead.get("/surveys/follow-up/"),
        client.get(f"/s/o/{faq.open_token}/"),
        client.get(_url(faq)),
        client.get(reverse("login")),
        client.get(f"/s/w/{post_contact.open_token}/frame/"),  # no open link: 404, and not framable either
        client.get("/s/w/not-a-token/frame/"),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 200, 200, 200, 404, 404]
    for page in pages:
        assert page["X-Frame-Options"] == "DENY" and _frame_ancestors(page) == "frame-ancestors 'none'", page.request
