"""Invitation e-mails sent for volume (emails.invitation_emails_send) through a real SMTP server (aiosmtpd) started by
the test: batches claimed first, one rendering per kind of e-mail with each token filled in, many messages per
connection; never a message twice, a refused recipient recorded on its own invitation only."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection, connections
from django.utils import timezone

from qadesk.core import mail_handoff
from qadesk.core.mail_handoff import RECIPIENT_MARK, outgoing_of
from qadesk.interactions.models import Customer
from qadesk.notifications.tests.conftest import running_smtp
from qadesk.surveys import emails
from qadesk.surveys.emails import invitation_email_content, invitation_emails_claim, invitation_emails_send
from qadesk.surveys.models import SurveyContact, SurveyInvitation
from qadesk.surveys.rollup import survey_rollup_rebuild, survey_rollup_verify
from qadesk.surveys.services import invitation_create
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
REFUSED = "refused@example.com"
LANGUAGES = ("it", "fr", "en")
QUESTION = {"it": "Nel complesso, quanto sei soddisfatto", "fr": "Dans l'ensemble, êtes-vous", "en": "Overall, how satisfied"}


class Server:
    """Keeps every message and the SMTP session (connection) it came by; refuses one recipient as a real server may."""

    def __init__(self) -> None:
        self.messages: list[tuple[int, EmailMessage]] = []
        self.raw: dict[str, bytes] = {}  # recipient → the bytes as received

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((id(session), message_from_bytes(envelope.content, policy=policy.default)))  # type: ignore[arg-type]
        self.raw[envelope.rcpt_tos[0]] = envelope.content
        return "250 OK"

    def to(self) -> list[str]:
        return [message["To"] for _session, message in self.messages]


@pytest.fixture
def smtp(settings: Any) -> Iterator[Server]:
    with running_smtp(settings, Server()) as server:
        yield server


def _invite(survey: Any, agent: Any, n: int, **extra: Any) -> list[SurveyInvitation]:
    made = []
    for i in range(n):
        interaction = f.make_interaction(agent, language=LANGUAGES[i % 3])
        email = extra.get("email") or f"c{i}@example.com"
        made.append(invitation_create(survey=survey, interaction=interaction, email=email, queue=False))
    return made


def test_each_invitation_gets_one_message_with_its_own_token_and_language(smtp, post_contact, agent, settings) -> None:
    settings.QADESK_SMTP_CONNECTIONS = 1
    survey_rollup_rebuild()
    invitations = _invite(post_contact, agent, 12)
    assert invitation_emails_send(batch=5) == 12
    assert sorted(smtp.to()) == sorted(i.email for i in invitations)
    assert len({session for session, _message in smtp.messages}) == 3  # a connection per batch of 5, not per message
    by_address = {message["To"]: message for _session, message in smtp.messages}
    for invitation in invitations:
        message = by_address[invitation.email]
        text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
        assert QUESTION[invitation.language] in text
        assert re.findall(r"/s/([\w-]+)/\?q=csat&a=\d", text) == [invitation.token] * 5
        assert html.count(f"/s/{invitation.token}/?q=csat&amp;a=") == 5 and f"/s/{invitation.token}/opt-out/" in html
    assert SurveyInvitation.objects.filter(sent_at__isnull=False, email_attempts=1, email_retry_at=None).count() == 12
    assert survey_rollup_verify() == []  # the 12 count as sent in the response rate


def test_running_it_again_sends_nothing_twice(smtp, post_contact, agent) -> None:
    _invite(post_contact, agent, 4)
    assert invitation_emails_send() == 4
    assert invitation_emails_send() == 0
    assert len(smtp.messages) == 4


def test_two_senders_at_once_send_each_invitation_once(smtp, post_contact, agent) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads; PostgreSQL runs this one")
    invitations = _invite(post_contact, agent, 40)
    counts: list[int] = []

    def sender() -> None:
        try:
            counts.append(invitation_emails_send(batch=3))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 40
    assert sorted(smtp.to()) == sorted(i.email for i in invitations)  # each address once
    assert SurveyInvitation.objects.filter(sent_at__isnull=False, email_attempts=1).count() == 40


def test_a_sender_that_dies_mid_batch_leaves_the_unsent_ones_due_again(smtp, post_contact, agent) -> None:
    _invite(post_contact, agent, 5)
    claimed = invitation_emails_claim(batch=3)  # … and the sender dies before sending
    assert len(claimed) == 3
    assert invitation_emails_send() == 2  # the other two; the claimed ones wait for their next try
    SurveyInvitation.objects.filter(sent_at__isnull=True).update(email_retry_at=timezone.now() - timedelta(seconds=1))
    assert invitation_emails_send() == 3
    assert len(smtp.messages) == 5 and len(set(smtp.to())) == 5
    assert sorted(SurveyInvitation.objects.values_list("email_attempts", flat=True)) == [1, 1, 2, 2, 2]


def test_a_refused_recipient_is_recorded_on_its_invitation_and_the_others_are_sent(smtp, post_contact, agent) -> None:
    good = _invite(post_contact, agent, 3)
    [bad] = _invite(post_contact, agent, 1, email=REFUSED)
    more = _invite(post_contact, agent, 2)
    assert invitation_emails_send() == 5
    assert sorted(smtp.to()) == sorted(i.email for i in good + more)
    bad.refresh_from_db()
    assert bad.sent_at is None and bad.email_failed_at is None and "550" in bad.email_error
    assert bad.email_attempts == 1 and bad.email_retry_at is not None and bad.email_retry_at > timezone.now()
    assert SurveyInvitation.objects.filter(sent_at__isnull=False, email_error="").count() == 5
    assert invitation_emails_send() == 0  # its next try is later (the existing back-off)


def test_an_unreachable_server_fails_the_batch_for_this_try_only(smtp_unreachable, post_contact, agent) -> None:
    _invite(post_contact, agent, 3)
    assert invitation_emails_send() == 0
    failed = SurveyInvitation.objects.filter(sent_at=None, email_attempts=1, email_failed_at=None).exclude(email_error="")
    assert failed.count() == 3


def test_an_opted_out_customer_gets_no_message(smtp, post_contact, agent) -> None:
    [kept, dropped] = _invite(post_contact, agent, 2)
    customer = Customer.objects.create(external_id="C-out")
    dropped.interaction.customer = customer
    dropped.interaction.save()
    SurveyContact.objects.create(customer=customer, email=dropped.email, opted_out_at=timezone.now())
    assert invitation_emails_send() == 1
    assert smtp.to() == [kept.email]
    dropped.refresh_from_db()
    assert dropped.sent_at is None and dropped.email_failed_at is not None and dropped.email_error == "opted out"


def _as_django_sends(invitation: SurveyInvitation) -> bytes:
    """The invitation's e-mail built by Django alone (as its SMTP backend would send it), for comparison."""
    subject, text, html = invitation_email_content(invitation=invitation)
    message = EmailMultiAlternatives(subject, text, None, [invitation.email])
    message.attach_alternative(html, "text/html")
    return message.message().as_bytes(linesep="\r\n")


def _without_date_and_id(data: bytes) -> tuple[bytes, list[bytes]]:
    """The bytes with the Date and Message-ID lines taken out and the MIME boundary replaced (they differ between two
    builds; copies of one kind of e-mail share their boundary, which no token can contain), and those two lines."""
    data = re.sub(rb"={15}\d+==", b"BOUNDARY", data)
    lines = data.split(b"\r\n")
    taken = [line for line in lines if line.startswith((b"Date: ", b"Message-ID: "))]
    return b"\r\n".join(line for line in lines if line not in taken), taken


def test_the_bytes_sent_are_those_django_would_send_with_headers_encoded(
    smtp, post_contact, agent, settings, monkeypatch
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Équipe Qualità <qualita@example.com>"
    built: list[Any] = []
    for module in (emails, mail_handoff):  # blanks (mail_handoff) and messages built whole (emails)
        monkeypatch.setattr(module, "outgoing_of", lambda message: built.append(message) or outgoing_of(message))
    version = post_contact.current_version()
    version.title["it"] = "Com'è andata? Qualità del servizio"
    version.save(update_fields=["title"])
    invitations = _invite(post_contact, agent, 6)  # two in each language
    assert invitation_emails_send() == 6
    ids = set()
    for invitation in SurveyInvitation.objects.filter(pk__in=[i.pk for i in invitations]).select_related("survey"):
        received, dated = _without_date_and_id(smtp.raw[invitation.email])
        expected, _dated = _without_date_and_id(_as_django_sends(invitation))
        assert received.rstrip(b"\r\n") == expected.rstrip(b"\r\n")
        assert [line.split(b":")[0] for line in dated] == [b"Date", b"Message-ID"]
        ids.add(dated[1])
        head = received.split(b"\r\n\r\n")[0]
        assert head.isascii()  # non-ASCII names and subjects are encoded words
        parsed = message_from_bytes(smtp.raw[invitation.email], policy=policy.default)
        title = {"it": "Com'è andata? Qualità del servizio", "fr": "Comment cela s'est-il passé ?"}
        assert parsed["Subject"] == title.get(invitation.language, "How did we do?")
        assert parsed["From"] == "Équipe Qualità <qualita@example.com>" and parsed["To"] == invitation.email
        assert invitation.token in parsed.get_body(("html",)).get_content()
    assert len(ids) == 6  # each message its own Message-ID
    assert [m.to for m in built] == [[RECIPIENT_MARK]] * 3  # Django built one message per language; the rest are copies


def test_an_address_django_writes_differently_is_built_by_django(smtp, post_contact, agent) -> None:
    [_plain, idn] = _invite(post_contact, agent, 1) + _invite(post_contact, agent, 1, email="cliente@exämple.com")
    assert invitation_emails_send() == 2
    assert sorted(smtp.raw) == ["c0@example.com", "cliente@xn--exmple-cua.com"]  # the domain in punycode, as Django does
    idn.refresh_from_db()
    received, _dated = _without_date_and_id(smtp.raw["cliente@xn--exmple-cua.com"])
    assert received.rstrip(b"\r\n") == _without_date_and_id(_as_django_sends(idn))[0].rstrip(b"\r\n")


def test_several_connections_at_once_send_each_invitation_once(smtp, post_contact, agent, settings) -> None:
    settings.QADESK_SMTP_CONNECTIONS = 4
    invitations = _invite(post_contact, agent, 30)
    [bad] = _invite(post_contact, agent, 1, email=REFUSED)
    assert invitation_emails_send(batch=31) == 30
    assert sorted(smtp.to()) == sorted(i.email for i in invitations)  # each address once
    assert 1 < len({session for session, _message in smtp.messages}) <= 4  # one batch, over up to 4 connections
    assert SurveyInvitation.objects.filter(sent_at__isnull=False, email_attempts=1, email_error="").count() == 30
    bad.refresh_from_db()
    assert bad.sent_at is None and "550" in bad.email_error
    assert invitation_emails_send() == 0
