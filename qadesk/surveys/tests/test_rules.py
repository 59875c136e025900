"""Invitations by rules: filters, delay, sampling share, quiet period, opt-out honoured forever; sent by the job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qadesk.interactions.models import Customer
from qadesk.surveys.models import InvitationRule, SurveyContact, SurveyInvitation
from qadesk.surveys.rules import invitations_by_rules
from qadesk.surveys.tasks import survey_invitations
from qadesk.testing import factories as f

NOW = timezone.now()


def _contact(interaction, email: str = "c@example.com") -> Customer:
    customer = Customer.objects.create(external_id=f"C-{interaction.pk}")
    interaction.customer = customer
    interaction.resolved_at = NOW - timedelta(hours=3)
    interaction.save()
    SurveyContact.objects.create(customer=customer, email=email)
    return customer


@pytest.fixture
def rule(post_contact) -> InvitationRule:
    return InvitationRule.objects.create(survey=post_contact, name="Chats", channels=["chat"], delay_hours=2, quiet_days=30)


@pytest.mark.django_db
def test_a_rule_invites_matching_resolved_contacts_after_its_delay_once(rule, agent) -> None:
    chat = f.make_interaction(agent, channel="chat")
    mail = f.make_interaction(agent, channel="email")
    _contact(chat)
    _contact(mail)
    too_fresh = f.make_interaction(agent, channel="chat")
    _contact(too_fresh)
    too_fresh.resolved_at = NOW - timedelta(minutes=30)
    too_fresh.save()
    assert invitations_by_rules(now=NOW) == 1
    assert list(SurveyInvitation.objects.values_list("interaction", "email")) == [(chat.pk, "c@example.com")]
    assert invitations_by_rules(now=NOW) == 0  # already invited


@pytest.mark.django_db
def test_the_quiet_period_and_the_share_are_honoured(rule, agent) -> None:
    first = f.make_interaction(agent, channel="chat")
    customer = _contact(first)
    second = f.make_interaction(agent, channel="chat", customer=customer, resolved_at=NOW - timedelta(hours=4))
    assert invitations_by_rules(now=NOW) == 1  # the same customer is asked once, not twice
    assert SurveyInvitation.objects.get().interaction_id in (first.pk, second.pk)
    rule.share = 0
    rule.save()
    SurveyInvitation.objects.all().delete()
    assert invitations_by_rules(now=NOW) == 0


@pytest.mark.django_db(transaction=True)
def test_an_opt_out_stops_every_invitation_for_good(smtp_server, rule, agent) -> None:
    chat = f.make_interaction(agent, channel="chat")
    _contact(chat)
    assert survey_invitations.call() == 2  # the periodic job: one invitation made, then e-mailed in the same run
    [message] = smtp_server.messages
    text = message.get_body(("plain",)).get_content()
    assert "/opt-out/" in text
    invitation = SurveyInvitation.objects.get()
    assert invitation.sent_at is not None
    page = Client()
    assert "Stop the invitations" in page.get(f"/s/{invitation.token}/opt-out/").content.decode()
    assert page.post(f"/s/{invitation.token}/opt-out/").status_code == 200
    assert SurveyContact.objects.get().opted_out_at is not None
    later = NOW + timedelta(days=60)
    again = f.make_interaction(agent, channel="chat", customer=chat.customer, resolved_at=later - timedelta(hours=3))
    other = f.make_interaction(agent, channel="chat", resolved_at=later - timedelta(hours=3))
    _contact(other)
    other.resolved_at = later - timedelta(hours=3)
    other.save()
    assert invitations_by_rules(now=later) == 1  # the other customer, past the quiet period: the opted-out one never
    assert not SurveyInvitation.objects.filter(interaction=again).exists()
