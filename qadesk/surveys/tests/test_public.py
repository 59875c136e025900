"""The respondent's page: personal links (token, one response, expiry), open links (honeypot, rate limit, anonymity),
each answer saved as it is given, conditions, languages, and the loop closed on a bad rating."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qadesk.interactions.models import Interaction
from qadesk.notifications.models import Notification
from qadesk.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse, new_token
from qadesk.surveys.services import invitation_create
from qadesk.surveys.tests.conftest import answer

pytestmark = pytest.mark.django_db


def _url(invitation: SurveyInvitation) -> str:
    return f"/s/{invitation.token}/"


def test_a_token_has_at_least_128_random_bits_and_never_repeats() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) * 6 >= 128 and re.fullmatch(r"[-_A-Za-z0-9]+", t) for t in tokens)


def test_a_guessed_token_finds_nothing_and_says_so_kindly(client: Client, invitation) -> None:
    for guess in (secrets.token_urlsafe(24), invitation.token[:-1], invitation.token.upper(), "1"):
        page = client.get(f"/s/{guess}/")
        assert page.status_code == 404
        assert "could not find this survey" in page.content.decode()
        assert client.post(f"/s/{guess}/", {"question": "csat", "answer": "5"}).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_page_needs_no_login_and_speaks_the_invitations_language(client: Client, post_contact, interaction) -> None:
    italian = invitation_create(survey=post_contact, interaction=interaction, language="it")
    page = client.get(_url(italian), HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nel complesso, quanto sei soddisfatto" in text and 'lang="it"' in text
    assert "Molto insoddisfatto" in text or "Domanda 1 di" in text


def test_without_an_invitation_language_the_browsers_is_used(client: Client, post_contact) -> None:
    plain = invitation_create(survey=post_contact, language="")
    text = client.get(_url(plain), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert "Dans l'ensemble, êtes-vous satisfait" in text or "Dans l&#x27;ensemble, êtes-vous satisfait" in text


def test_each_answer_is_saved_as_it_is_given_and_a_second_submit_changes_it(client: Client, invitation) -> None:
    first = answer(client, _url(invitation), "csat", 4)
    assert first.status_code == 302 and first["Location"].endswith("?q=agent_skill")
    again = answer(client, _url(invitation), "csat", 5)  # a double click, or a change of mind
    assert again.status_code == 302
    assert SurveyResponse.objects.count() == 1
    response = SurveyResponse.objects.get()
    assert response.invitation == invitation and response.completed_at is None
    assert list(response.answers.values_list("question__code", "value")) == [("csat", 5)]


def test_a_low_rating_asks_what_went_wrong_and_a_change_of_mind_drops_that_answer(client: Client, invitation) -> None:
    low = answer(client, _url(invitation), "csat", 1)
    assert low["Location"].endswith("?q=what_went_wrong")
    assert "We are sorry. What went wrong?" in client.get(low["Location"]).content.decode()
    answer(client, _url(invitation), "what_went_wrong", "Nobody called back")
    answer(client, _url(invitation), "csat", 5)
    assert not SurveyAnswer.objects.filter(question__code="what_went_wrong").exists()
    # A hidden question asked for by address shows the next one that applies instead.
    assert "We are sorry" not in client.get(f"{_url(invitation)}?q=what_went_wrong").content.decode()


def test_a_required_question_cannot_be_skipped_and_a_value_off_the_scale_is_refused(client: Client, invitation) -> None:
    skipped = client.post(_url(invitation), {"question": "csat", "skip": "1"})
    assert skipped.status_code == 400 and "This question needs an answer." in skipped.content.decode()
    off = answer(client, _url(invitation), "csat", 9)
    assert off.status_code == 400 and "Please choose one of the ratings offered." in off.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_finishing_completes_the_response_and_the_used_link_then_says_so(client: Client, invitation) -> None:
    url = _url(invitation)
    answer(client, url, "csat", 4)
    for code in ("agent_skill", "speed"):
        answer(client, url, code, 4)
    answer(client, url, "ces", 6)
    done = client.post(url, {"question": "comment", "skip": "1"})
    assert done["Location"].endswith("?done=1")
    assert SurveyResponse.objects.get().completed_at is not None
    used = client.get(url).content.decode()
    assert "You have already answered this survey" in used
    # The same final click again changes nothing and still adds no response.
    client.post(url, {"question": "comment", "skip": "1"})
    assert SurveyResponse.objects.count() == 1


def test_an_expired_link_says_so_kindly_and_takes_no_answer(client: Client, invitation) -> None:
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(_url(invitation))
    assert page.status_code == 410 and "This survey has closed" in page.content.decode()
    assert answer(client, _url(invitation), "csat", 5).status_code == 410
    assert not SurveyResponse.objects.exists()


def test_the_page_works_at_phone_width_without_inline_script(client: Client, invitation) -> None:
    text = client.get(_url(invitation)).content.decode()
    assert 'name="viewport"' in text and "<script>" not in text and "style=" not in text
    assert text.count('type="radio"') == 5 and "<fieldset" in text and "<legend" in text


def test_a_detractor_answer_flags_the_interaction_and_tells_the_team_lead(
    client: Client, invitation, interaction: Interaction, team_lead, other_team_agent
) -> None:
    answer(client, _url(invitation), "csat", 2)
    interaction.refresh_from_db()
    assert interaction.customer_rating == "negative"
    notes = Notification.objects.filter(kind="survey_negative")
    assert [n.recipient for n in notes] == [team_lead]
    answer(client, _url(invitation), "csat", 1)  # changed again: told once
    assert notes.count() == 1
    assert SurveyResponse.objects.get().flagged_at is not None


def test_a_low_rating_on_another_question_does_not_close_the_loop(client: Client, invitation, interaction, team_lead) -> None:
    answer(client, _url(invitation), "csat", 5)
    answer(client, _url(invitation), "agent_skill", 1)
    interaction.refresh_from_db()
    assert interaction.customer_rating == "" and not Notification.objects.exists()


# --- Open links -------------------------------------------------------------------------------------------------------


def test_an_open_link_keeps_one_response_per_browser_and_stores_no_address(client: Client, templates) -> None:
    survey = templates["self_service"]
    url = f"/s/o/{survey.open_token}/"
    assert client.get(url).status_code == 200
    answer(client, url, "useful", 0, page="https://help.example.com/faq/returns")
    answer(client, url, "easy_to_find", 1)
    response = SurveyResponse.objects.get()
    assert response.page_url == "https://help.example.com/faq/returns"
    assert response.answers.count() == 2
    values = [str(v) for v in SurveyResponse.objects.values().get().values()]
    assert not any("127.0.0.1" in v for v in values)
    other_browser = Client()
    answer(other_browser, url, "useful", 1)
    assert SurveyResponse.objects.count() == 2


def test_an_anonymous_response_forgets_the_browser_once_finished(client: Client, templates) -> None:
    box = templates["suggestion_box"]
    url = f"/s/o/{box.open_token}/"
    answer(client, url, "suggestion", "More opening hours on Saturday")
    client.post(url, {"question": "contact", "skip": "1"})
    response = SurveyResponse.objects.get()
    assert response.completed_at is not None and response.key == "" and response.interaction is None


def test_the_honeypot_thanks_a_bot_and_stores_nothing(client: Client, templates) -> None:
    url = f"/s/o/{templates['suggestion_box'].open_token}/"
    assert 'name="website"' in client.get(url).content.decode()
    page = answer(client, url, "suggestion", "Buy cheap pills", website="http://spam.example")
    assert page.status_code == 200 and "Thank you" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_open_link_is_rate_limited_per_client(client: Client, templates, settings) -> None:
    settings.QADESK_SURVEY_ANSWERS_PER_MINUTE = 3
    url = f"/s/o/{templates['self_service'].open_token}/"
    form = {"question": "useful", "answer": "1"}
    statuses = [client.post(url, form, REMOTE_ADDR="10.0.0.7").status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Client().post(url, form, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_a_survey_without_an_open_link_cannot_be_answered_by_its_token(client: Client, post_contact) -> None:
    assert client.get(f"/s/o/{post_contact.open_token}/").status_code == 404


def test_free_text_is_escaped_when_shown_back_to_the_respondent(client: Client, invitation) -> None:
    answer(client, _url(invitation), "csat", 1)
    answer(client, _url(invitation), "what_went_wrong", "<script>alert(1)</script>")
    text = client.get(f"{_url(invitation)}?q=what_went_wrong").content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
