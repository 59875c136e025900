"""The digest reaches a real SMTP server (aiosmtpd) started by the test, once per period, in each recipient's language,
with the PDF attached; a failing server gives the period back so the next sweep tries again."""

from __future__ import annotations

from datetime import date

import pytest

from qadesk.executive.emails import digest_send, digests_due
from qadesk.executive.models import DigestSubscription
from qadesk.executive.tests.conftest import Worked
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 12, 5)  # the last whole month is November, the last whole week 23–29 November

EXPECTED = {
    "it": ("Sintesi di direzione 1 nov 2026 – 30 nov 2026", "Qualità erogata", "95,0"),
    "fr": ("Synthèse de direction 1 nov 2026 – 30 nov 2026", "Qualité délivrée", "95,0"),
    "en": ("Executive summary 1 Nov 2026 – 30 Nov 2026", "Quality delivered", "95.0"),
}


def test_each_recipient_gets_the_digest_in_their_language_once(smtp_server, worked: Worked) -> None:
    for language in EXPECTED:
        user = f.make_user(f"boss.{language}", role="manager", language=language, email=f"boss.{language}@example.com")
        DigestSubscription.objects.create(user=user, frequency="monthly")
    assert digests_due(today=TODAY) == 3
    assert len(smtp_server.messages) == 3
    for message in smtp_server.messages:
        language = message["To"].split(".")[1].split("@")[0]
        subject, section, figure = EXPECTED[language]
        assert message["Subject"].strip() == subject
        text = message.get_body(("plain",)).get_content()
        assert section in text and figure in text
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf" and attachment.get_content().startswith(b"%PDF")
    assert digests_due(today=TODAY) == 0  # November is sent
    assert set(DigestSubscription.objects.values_list("last_period_end", flat=True)) == {date(2026, 11, 30)}


def test_a_failing_smtp_server_leaves_the_period_to_send_again(smtp_unreachable, manager) -> None:
    manager.email = "boss@example.com"
    manager.save()
    subscription = DigestSubscription.objects.create(user=manager, frequency="weekly")
    assert digest_send(subscription_id=subscription.pk, today=TODAY) is False
    subscription.refresh_from_db()
    assert subscription.last_period_end is None and subscription.last_error
    assert digests_due(today=TODAY) == 1
