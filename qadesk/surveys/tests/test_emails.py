"""E-mailed invitations through a real SMTP server (aiosmtpd) started by the test: the first question is in the e-mail,
a click on a rating records it and opens the rest; failures are retried with back-off and never silently lost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qadesk.notifications.services import MAX_ATTEMPTS
from qadesk.surveys.emails import invitation_email, invitation_emails_send
from qadesk.surveys.models import SurveyInvitation, SurveyResponse
from qadesk.surveys.services import invitation_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_invitation_email_carries_the_first_question_and_a_click_answers_it(
    smtp_server,
    post_contact,
    interaction,
) -> None:
    invitation = invitation_create(survey=post_contact, interaction=interaction, language="it", email="cliente@example.com")
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.email_retry_at is None
    [message] = smtp_server.messages
    assert message["To"] == "cliente@example.com"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Nel complesso, quanto sei soddisfatto" in text
    links = re.findall(r"https?://\S+\?q=csat&a=(\d)", text)
    assert links == ["5", "4", "3", "2", "1"]
    assert html.count("?q=csat&amp;a=") == 5
    one_click = re.search(r"https?://[^/\s]+(/s/\S+\?q=csat&a=4)", text)
    assert one_click is not None
    page = Client().get(one_click.group(1))
    assert page.status_code == 302 and page["Location"].endswith("?q=agent_skill")
    response = SurveyResponse.objects.get()
    assert list(response.answers.values_list("question__code", "value")) == [("csat", 4)]
    Client().get(one_click.group(1).replace("a=4", "a=5"))  # a second click changes the answer
    assert SurveyResponse.objects.count() == 1
    assert list(response.answers.values_list("value", flat=True)) == [5]


def test_a_failing_smtp_server_is_retried_with_back_off_then_marked_failed(
    smtp_unreachable,
    post_contact,
    interaction,
) -> None:
    invitation = invitation_create(survey=post_contact, interaction=interaction, email="cliente@example.com")
    invitation.refresh_from_db()
    assert invitation.sent_at is None and invitation.email_attempts == 1 and invitation.email_error
    assert invitation.email_retry_at is not None and invitation.email_retry_at > timezone.now()
    for attempt in range(2, MAX_ATTEMPTS + 1):  # the periodic job's sender tries it again only once its time has come
        assert invitation_emails_send() == 0
        invitation.refresh_from_db()
        assert invitation.email_attempts == attempt - 1
        SurveyInvitation.objects.filter(pk=invitation.pk).update(email_retry_at=timezone.now() - timedelta(seconds=1))
        assert invitation_emails_send() == 0
        invitation.refresh_from_db()
        assert invitation.email_attempts == attempt
    invitation.refresh_from_db()
    assert invitation.email_attempts == MAX_ATTEMPTS and invitation.email_failed_at is not None
    assert invitation.sent_at is None and invitation.email_retry_at is None
    assert invitation_email(invitation_id=invitation.pk) is False  # given up: no further try


def test_an_unsent_invitation_does_not_count_in_the_response_rate(smtp_unreachable, post_contact, interaction, qa_lead) -> None:
    invitation_create(survey=post_contact, interaction=interaction, email="cliente@example.com")
    from qadesk.surveys.selectors import survey_results

    assert survey_results(actor=qa_lead, survey=post_contact).overall.response_rate is None
